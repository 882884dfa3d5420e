//! The palette: the few colours the UI draws with, renamed by the config
//! file's `[theme]`, or none at all with `NO_COLOR`.

use std::str::FromStr;

use ratatui::style::Color;

/// The UI draws with the default colours; `ui::palette` maps each to the
/// user's choice when a frame is finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    /// Focus, keys, the followed pipeline, queued (default cyan).
    pub accent: Color,
    /// Succeeded, "API ok" (default green).
    pub ok: Color,
    /// Failed, errors, disabled transitions (default red).
    pub failed: Color,
    /// In progress, warnings, the current search match (default yellow).
    pub running: Color,
    /// Stopped, cancelled, superseded, the sandbox endpoint (default magenta).
    pub stopped: Color,
    /// Unfocused borders, hints, unknown states (default dark gray).
    pub dim: Color,
    /// `NO_COLOR`: draw no colour at all (bold and reversed stay).
    pub no_color: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            accent: Color::Cyan,
            ok: Color::Green,
            failed: Color::Red,
            running: Color::Yellow,
            stopped: Color::Magenta,
            dim: Color::DarkGray,
            no_color: false,
        }
    }
}

impl Theme {
    /// `NO_COLOR` set and not empty (no-color.org).
    pub fn no_color_from_env() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    }

    /// Whether drawing needs no pass over the frame (the default palette in colour).
    pub fn is_identity(&self) -> bool {
        *self == Theme::default()
    }

    /// What a default-palette colour becomes; others stay.
    pub fn map(&self, color: Color) -> Color {
        match color {
            Color::Cyan => self.accent,
            Color::Green => self.ok,
            Color::Red => self.failed,
            Color::Yellow => self.running,
            Color::Magenta => self.stopped,
            Color::DarkGray => self.dim,
            other => other,
        }
    }
}

/// A colour from the config file: a name ("green", "dark_gray",
/// "light_blue"), "#rrggbb", or a 256-colour index ("208").
pub fn parse_color(text: &str) -> Result<Color, String> {
    let trimmed = text.trim();
    let valid_hex = trimmed.strip_prefix('#').is_some_and(|h| h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit()));
    if trimmed.starts_with('#') && !valid_hex {
        return Err(bad_color(text));
    }
    match Color::from_str(trimmed) {
        Ok(Color::Reset) | Err(_) => Err(bad_color(text)),
        Ok(c) => Ok(c),
    }
}

fn bad_color(text: &str) -> String {
    format!(
        "unknown colour `{text}`: use a name (black, red, green, yellow, blue, magenta, cyan, gray, dark_gray, \
         light_red … white), \"#rrggbb\" or 0-255"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_from_names_hex_and_indexes() {
        assert_eq!(parse_color("green"), Ok(Color::Green));
        assert_eq!(parse_color("dark_gray"), Ok(Color::DarkGray));
        assert_eq!(parse_color("Light-Blue"), Ok(Color::LightBlue));
        assert_eq!(parse_color("#ff8800"), Ok(Color::Rgb(255, 136, 0)));
        assert_eq!(parse_color("208"), Ok(Color::Indexed(208)));
        for bad in ["greenish", "#ff88", "#gg0000", "", "reset", "256"] {
            let err = parse_color(bad).expect_err(bad);
            assert!(err.starts_with(&format!("unknown colour `{bad}`")), "{err}");
        }
    }

    #[test]
    fn the_map_renames_only_the_palette() {
        let t = Theme { accent: Color::Rgb(1, 2, 3), failed: Color::LightRed, ..Theme::default() };
        assert_eq!(t.map(Color::Cyan), Color::Rgb(1, 2, 3));
        assert_eq!(t.map(Color::Red), Color::LightRed);
        assert_eq!(t.map(Color::Green), Color::Green);
        assert_eq!(t.map(Color::Blue), Color::Blue);
        assert!(Theme::default().is_identity() && !t.is_identity());
    }
}
