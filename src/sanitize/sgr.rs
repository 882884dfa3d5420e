//! SGR (`ESC [ ... m`) parameters applied to a ratatui style.

use ratatui::style::{Color, Modifier, Style};

/// Applies SGR parameters (`1;31`, `38;5;208`, `38;2;1;2;3`, empty = reset).
/// Unknown parameters are ignored; malformed colour specs end the sequence.
pub fn apply(params: &str, style: &mut Style) {
    // Colon sub-parameters (38:5:208) are read like semicolons.
    let mut nums = params.split([';', ':']).map(|p| if p.is_empty() { Some(0) } else { p.parse::<u32>().ok() });
    if params.is_empty() {
        *style = Style::default();
        return;
    }
    while let Some(n) = nums.next() {
        let Some(n) = n else { continue };
        match n {
            0 => *style = Style::default(),
            1 => *style = style.add_modifier(Modifier::BOLD),
            2 => *style = style.add_modifier(Modifier::DIM),
            3 => *style = style.add_modifier(Modifier::ITALIC),
            4 => *style = style.add_modifier(Modifier::UNDERLINED),
            5 | 6 => *style = style.add_modifier(Modifier::SLOW_BLINK),
            7 => *style = style.add_modifier(Modifier::REVERSED),
            8 => *style = style.add_modifier(Modifier::HIDDEN),
            9 => *style = style.add_modifier(Modifier::CROSSED_OUT),
            22 => *style = style.remove_modifier(Modifier::BOLD | Modifier::DIM),
            23 => *style = style.remove_modifier(Modifier::ITALIC),
            24 => *style = style.remove_modifier(Modifier::UNDERLINED),
            25 => *style = style.remove_modifier(Modifier::SLOW_BLINK),
            27 => *style = style.remove_modifier(Modifier::REVERSED),
            28 => *style = style.remove_modifier(Modifier::HIDDEN),
            29 => *style = style.remove_modifier(Modifier::CROSSED_OUT),
            30..=37 => *style = style.fg(basic(n - 30)),
            39 => style.fg = None,
            40..=47 => *style = style.bg(basic(n - 40)),
            49 => style.bg = None,
            90..=97 => *style = style.fg(bright(n - 90)),
            100..=107 => *style = style.bg(bright(n - 100)),
            38 | 48 => match extended(&mut nums) {
                Some(c) if n == 38 => *style = style.fg(c),
                Some(c) => *style = style.bg(c),
                None => return,
            },
            _ => {}
        }
    }
}

/// Reads `5;N` or `2;R;G;B` after 38/48.
fn extended(nums: &mut impl Iterator<Item = Option<u32>>) -> Option<Color> {
    match nums.next()?? {
        5 => Some(Color::Indexed(u8::try_from(nums.next()??).ok()?)),
        2 => {
            let mut rgb = [0u8; 3];
            for c in &mut rgb {
                *c = u8::try_from(nums.next()??).ok()?;
            }
            Some(Color::Rgb(rgb[0], rgb[1], rgb[2]))
        }
        _ => None,
    }
}

fn basic(n: u32) -> Color {
    match n {
        0 => Color::Black,
        1 => Color::Red,
        2 => Color::Green,
        3 => Color::Yellow,
        4 => Color::Blue,
        5 => Color::Magenta,
        6 => Color::Cyan,
        _ => Color::Gray,
    }
}

fn bright(n: u32) -> Color {
    match n {
        0 => Color::DarkGray,
        1 => Color::LightRed,
        2 => Color::LightGreen,
        3 => Color::LightYellow,
        4 => Color::LightBlue,
        5 => Color::LightMagenta,
        6 => Color::LightCyan,
        _ => Color::White,
    }
}
