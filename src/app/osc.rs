//! The terminal's own escape sequences that pipewatch writes between frames:
//! the clipboard (OSC 52), the title (OSC 0/2), desktop notifications (OSC 9 /
//! OSC 777) and the bell. Every text put into a sequence is cleaned first: a
//! control character from AWS data could end the sequence and start another.

use std::io::Write;

use base64::Engine;

use crate::config::Desktop;
use crate::sanitize::printable;
use crate::update::notify::Notification;

const ESC: &str = "\x1b";
const BEL: &str = "\x07";

/// The bell (BEL).
pub const BELL: &[u8] = b"\x07";
/// Saves the window and icon titles on the terminal's title stack (XTWINOPS 22).
pub const PUSH_TITLE: &[u8] = b"\x1b[22;0t";
/// Restores them (XTWINOPS 23).
pub const POP_TITLE: &[u8] = b"\x1b[23;0t";

/// Titles and notification texts longer than this are cut: nobody reads more
/// in a tab or a notification bubble.
const MAX_TEXT_CHARS: usize = 200;
/// Clipboard payloads are ids and URLs; terminals cap OSC 52 at ~100 kB.
const MAX_CLIPBOARD_BYTES: usize = 64 * 1024;

/// Puts `text` on the clipboard (`y`, `Y`).
pub fn copy(text: &str) {
    tracing::info!(bytes = text.len(), "copying to the clipboard (OSC 52)");
    write(&clipboard(text));
}

/// The bell and/or a desktop notification: the followed execution ended.
pub fn notify(n: &Notification) {
    let mut bytes = notification(n.desktop, &n.summary, &n.body);
    if n.bell {
        bytes.extend_from_slice(BELL);
    }
    tracing::info!(body = %n.body, "notifying: the followed execution ended");
    write(&bytes);
}

pub fn set_title(text: &str) {
    write(&title(text));
}

/// Writes to the terminal between two frames, at once. Errors are ignored:
/// a terminal that is gone has no title or clipboard to set.
pub fn write(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes);
    let _ = out.flush();
}

/// `ESC ] 52 ; c ; <base64> BEL`: puts `text` on the system clipboard.
pub fn clipboard(text: &str) -> Vec<u8> {
    let mut clean = clean(text, usize::MAX);
    if clean.len() > MAX_CLIPBOARD_BYTES {
        let mut cut = MAX_CLIPBOARD_BYTES;
        while !clean.is_char_boundary(cut) {
            cut -= 1;
        }
        clean.truncate(cut);
    }
    let payload = base64::engine::general_purpose::STANDARD.encode(clean.as_bytes());
    format!("{ESC}]52;c;{payload}{BEL}").into_bytes()
}

/// `ESC ] 0 ; t BEL` then `ESC ] 2 ; t BEL`: the icon name and window title
/// (terminals differ on which one a tab shows).
pub fn title(text: &str) -> Vec<u8> {
    let t = clean(text, MAX_TEXT_CHARS);
    format!("{ESC}]0;{t}{BEL}{ESC}]2;{t}{BEL}").into_bytes()
}

/// A desktop notification in the configured dialect; nothing when off.
pub fn notification(desktop: Desktop, summary: &str, body: &str) -> Vec<u8> {
    let (summary, body) = (clean(summary, MAX_TEXT_CHARS), clean(body, MAX_TEXT_CHARS));
    match desktop {
        Desktop::Off => Vec::new(),
        Desktop::Osc9 => format!("{ESC}]9;{summary}: {body}{BEL}").into_bytes(),
        // `;` separates the fields: one in the title would shift the body.
        Desktop::Osc777 => format!("{ESC}]777;notify;{};{body}{BEL}", summary.replace(';', ",")).into_bytes(),
    }
}

/// Printable text only (C0, DEL and C1 controls dropped), at most `max` chars.
fn clean(text: &str, max: usize) -> String {
    printable(text).chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipboard_is_osc52_with_base64_and_bel() {
        assert_eq!(clipboard("mlops-demo-build:1234"), b"\x1b]52;c;bWxvcHMtZGVtby1idWlsZDoxMjM0\x07".to_vec());
    }

    /// Each `ESC ] … BEL` sequence's payload, checked to hold no control character.
    fn assert_clean_sequences(bytes: &[u8]) {
        let text = std::str::from_utf8(bytes).expect("utf-8");
        let mut rest = text;
        while !rest.is_empty() {
            let body = rest.strip_prefix("\x1b]").unwrap_or_else(|| panic!("not a sequence start: {rest:?}"));
            let end = body.find('\x07').expect("BEL terminator");
            let payload = &body[..end];
            let control = |c: char| c < ' ' || ('\u{7f}'..='\u{9f}').contains(&c);
            assert!(!payload.chars().any(control), "control inside {payload:?}");
            rest = &body[end + 1..];
        }
    }

    #[test]
    fn controls_never_reach_the_clipboard_or_end_a_sequence() {
        // An ESC, a BEL and a C1 ST inside AWS data are dropped, not encoded or passed on.
        assert_eq!(clipboard("ab\x1b]0;x\x07c\u{9c}"), clipboard("ab]0;xc"));
        let t = title("\x1b]52;c;AAAA\x07evil\u{9d}\u{9c} Failed");
        assert_eq!(t, b"\x1b]0;]52;c;AAAAevil Failed\x07\x1b]2;]52;c;AAAAevil Failed\x07".to_vec());
        let n = notification(Desktop::Osc777, "pipe\x1bwatch", "a\x07b\x1b\\c\r\n");
        assert_eq!(n, b"\x1b]777;notify;pipewatch;ab\\c\x07".to_vec());
        for bytes in [t, n, clipboard("x\x1b\x07"), notification(Desktop::Osc9, "\u{9b}2J", "\x00")] {
            assert_clean_sequences(&bytes);
        }
    }

    #[test]
    fn title_sets_icon_name_and_window_title() {
        assert_eq!(
            title("✔ mlops-demo Succeeded"),
            "\x1b]0;✔ mlops-demo Succeeded\x07\x1b]2;✔ mlops-demo Succeeded\x07".as_bytes().to_vec()
        );
        assert_eq!(title(&"x".repeat(500)).len(), 2 * (4 + MAX_TEXT_CHARS + 1));
    }

    #[test]
    fn notifications_in_both_dialects_and_off() {
        assert_eq!(
            notification(Desktop::Osc9, "pipewatch", "mlops-demo Failed"),
            b"\x1b]9;pipewatch: mlops-demo Failed\x07".to_vec()
        );
        assert_eq!(
            notification(Desktop::Osc777, "pipe;watch", "mlops-demo Succeeded"),
            b"\x1b]777;notify;pipe,watch;mlops-demo Succeeded\x07".to_vec()
        );
        assert!(notification(Desktop::Off, "pipewatch", "x").is_empty());
    }
}
