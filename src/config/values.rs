//! Config-file values checked while they are read, so a bad one is reported
//! by toml with its line and column.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use globset::GlobBuilder;
use ratatui::style::Color;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use toml::Spanned;

use crate::keymap::Action;

/// Poll intervals longer than a day are a typo.
const MAX_INTERVAL_SECS: f64 = 86_400.0;

/// Seconds between polls: more than 0, at most a day; fractions allowed.
pub struct Seconds(pub Duration);

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let secs = f64::deserialize(d)?;
        if !(secs > 0.0 && secs <= MAX_INTERVAL_SECS) {
            return Err(de::Error::custom(format!("{secs} seconds: use a number above 0 and at most 86400")));
        }
        Duration::try_from_secs_f64(secs).map(Seconds).map_err(de::Error::custom)
    }
}

/// A count of at least 1.
pub struct Positive(pub usize);

impl<'de> Deserialize<'de> for Positive {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        match usize::try_from(n) {
            Ok(n) if n > 0 => Ok(Positive(n)),
            _ => Err(de::Error::custom(format!("{n}: use a number of at least 1"))),
        }
    }
}

/// A profile glob such as `*prod*`, checked after reading (see `Located`).
pub fn check_pattern(text: &str) -> Result<String, String> {
    match GlobBuilder::new(text).case_insensitive(true).build() {
        Ok(_) => Ok(text.to_string()),
        Err(e) => Err(format!("bad profile pattern `{text}`: {}", e.kind())),
    }
}

/// A problem found after toml read the file, at a byte offset of it.
/// (toml reports an error inside a list at the list; this names the element.)
pub struct Located {
    pub at: usize,
    pub message: String,
}

/// Checks a string read with its place in the file.
pub fn check<T>(value: &Spanned<String>, f: impl Fn(&str) -> Result<T, String>) -> Result<T, Located> {
    f(value.get_ref()).map_err(|message| Located { at: value.span().start, message })
}

pub struct Colour(pub Color);

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_color(&text).map(Colour).map_err(de::Error::custom)
    }
}

/// The keys of one action (at least one), checked by `parse_key` after reading.
pub struct Keys(pub Vec<Spanned<String>>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let keys = Vec::<Spanned<String>>::deserialize(d)?;
        if keys.is_empty() {
            return Err(de::Error::custom("no keys: give at least one, e.g. [\"q\"]"));
        }
        Ok(Keys(keys))
    }
}

/// An action named in `[keys]`.
struct ActionName(Action);

impl<'de> Deserialize<'de> for ActionName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Action::from_name(&text).map(ActionName).map_err(de::Error::custom)
    }
}

/// The `[keys]` table: action -> keys, in the file's order.
#[derive(Default)]
pub struct KeyTable(pub Vec<(Action, Keys)>);

impl<'de> Deserialize<'de> for KeyTable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TableVisitor;
        impl<'de> Visitor<'de> for TableVisitor {
            type Value = KeyTable;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of action = [\"key\", ...]")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyTable, A::Error> {
                let mut out = Vec::new();
                while let Some(ActionName(action)) = map.next_key()? {
                    out.push((action, map.next_value()?));
                }
                Ok(KeyTable(out))
            }
        }
        d.deserialize_map(TableVisitor)
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
}
