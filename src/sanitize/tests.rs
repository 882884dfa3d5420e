use ratatui::style::{Color, Modifier, Style};

use super::*;

fn one(raw: &str) -> CleanLine {
    let mut lines = sanitize(raw);
    assert_eq!(lines.len(), 1, "{raw:?} -> {lines:?}");
    lines.remove(0)
}

fn text(raw: &str) -> String {
    sanitize(raw).into_iter().map(|l| l.text).collect::<Vec<_>>().join("\n")
}

/// No char that a terminal would interpret survives.
fn assert_inert(lines: &[CleanLine]) {
    for l in lines {
        assert!(l.text.chars().all(|c| !is_control(c)), "control char left in {:?}", l.text);
    }
}

#[test]
fn plain_text_passes_unchanged_without_runs() {
    let l = one("Running command pip install -r requirements.txt");
    assert_eq!(l.text, "Running command pip install -r requirements.txt");
    assert!(l.runs.is_empty());
}

#[test]
fn trailing_newline_gives_no_empty_line_and_inner_newlines_split() {
    assert_eq!(sanitize("a\n").len(), 1);
    assert_eq!(text("a\nb\n"), "a\nb");
    assert_eq!(sanitize("a\n\nb").len(), 3);
}

#[test]
fn sgr_basic_colour_and_reset_become_runs() {
    let l = one("\x1b[31mred\x1b[0m plain");
    assert_eq!(l.text, "red plain");
    assert_eq!(l.runs, vec![StyleRun { start: 0, end: 3, style: Style::default().fg(Color::Red) }]);
}

#[test]
fn sgr_256_rgb_bright_and_modifiers() {
    let l = one("\x1b[1;38;5;208ma\x1b[0;48;2;1;2;3mb\x1b[92;3;4;7mc\x1b[2md");
    assert_eq!(l.text, "abcd");
    assert_eq!(l.runs[0].style, Style::default().fg(Color::Indexed(208)).add_modifier(Modifier::BOLD));
    assert_eq!(l.runs[1].style, Style::default().bg(Color::Rgb(1, 2, 3)));
    let c = Style::default()
        .bg(Color::Rgb(1, 2, 3))
        .fg(Color::LightGreen)
        .add_modifier(Modifier::ITALIC | Modifier::UNDERLINED | Modifier::REVERSED);
    assert_eq!(l.runs[2].style, c);
    assert_eq!(l.runs[3].style, c.add_modifier(Modifier::DIM));
}

#[test]
fn empty_sgr_resets_and_39_49_reset_colours() {
    let l = one("\x1b[31;44mx\x1b[39my\x1b[49mz\x1b[1m\x1b[mw");
    assert_eq!(l.text, "xyzw");
    assert_eq!(l.runs[0].style, Style::default().fg(Color::Red).bg(Color::Blue));
    assert_eq!(l.runs[1].style, Style::default().bg(Color::Blue));
    assert_eq!(l.runs.len(), 2, "{:?}", l.runs);
}

#[test]
fn malformed_sgr_is_dropped_without_panic() {
    for raw in ["\x1b[38;5mx", "\x1b[38;2;1mx", "\x1b[38;5;999mx", "\x1b[99999999999mx", "\x1b[38mx", "\x1b[;;;mx"] {
        assert_eq!(one(raw).text, "x", "{raw:?}");
    }
}

#[test]
fn style_carries_across_lines_of_one_message_only() {
    let lines = sanitize("\x1b[32mgreen\nstill");
    assert_eq!(lines[1].runs[0].style.fg, Some(Color::Green));
    assert!(one("next message").runs.is_empty());
}

#[test]
fn cursor_moves_and_screen_clears_are_removed() {
    let raw = "a\x1b[2J\x1b[H\x1b[10;20Hb\x1b[1A\x1b[Kc\x1b[?1049h\x1b[?25ld\x1b[6n\x1b[>0q";
    assert_eq!(one(raw).text, "abcd");
}

#[test]
fn osc_title_and_clipboard_writes_are_removed_with_either_terminator() {
    assert_eq!(one("a\x1b]0;evil title\x07b").text, "ab");
    assert_eq!(one("a\x1b]52;c;ZWNobyBwd25lZA==\x1b\\b").text, "ab");
    assert_eq!(one("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b").text, "alinkb");
    // Unterminated: everything after the introducer is swallowed, nothing leaks.
    assert_eq!(one("a\x1b]52;c;AAAA").text, "a");
}

#[test]
fn dcs_apc_pm_sos_are_removed() {
    assert_eq!(one("a\x1bP1$tx\x1b\\b").text, "ab");
    assert_eq!(one("a\x1b_Gf=100;AAAA\x1b\\b").text, "ab");
    assert_eq!(one("a\x1b^privacy\x1b\\b").text, "ab");
    assert_eq!(one("a\x1bXsos\x1b\\b").text, "ab");
}

#[test]
fn eight_bit_c1_controls_and_sequences_are_removed() {
    assert_eq!(one("a\u{9b}31mb").text, "ab");
    assert_eq!(one("a\u{9d}0;title\u{9c}b").text, "ab");
    assert_eq!(one("a\u{90}dcs\u{9c}b").text, "ab");
    assert_eq!(one("a\u{85}\u{8d}\u{9a}b").text, "ab");
}

#[test]
fn other_escapes_and_c0_controls_are_removed() {
    assert_eq!(one("a\x1b7\x1b8\x1bc\x1b(0b").text, "ab");
    assert_eq!(one("a\x07\x08\x00\x0b\x0c\x7fb").text, "ab");
    assert_eq!(one("trailing escape\x1b").text, "trailing escape");
    assert_eq!(one("csi cut short\x1b[12").text, "csi cut short");
}

#[test]
fn carriage_return_overwrites_from_column_zero() {
    assert_eq!(one("progress 10%\rprogress 20%").text, "progress 20%");
    assert_eq!(one("abcdef\rXY").text, "XYcdef");
    assert_eq!(one("windows line\r\n").text, "windows line");
    assert_eq!(one("a\r\r\rb").text, "b");
}

#[test]
fn tabs_expand_to_eight_column_stops() {
    assert_eq!(one("a\tb").text, "a       b");
    assert_eq!(one("12345678\tx").text, "12345678        x");
    assert_eq!(one("\t").text, "        ");
}

#[test]
fn replacement_character_is_kept_visible() {
    let raw = String::from_utf8_lossy(b"bad \xff\xfe bytes").into_owned();
    assert_eq!(one(&raw).text, "bad \u{fffd}\u{fffd} bytes");
}

#[test]
fn a_one_megabyte_line_is_split_and_kept_whole() {
    let raw = "x".repeat(1 << 20);
    let lines = sanitize(&raw);
    assert!(lines.iter().all(|l| l.text.chars().count() <= MAX_LINE_CHARS));
    assert_eq!(lines.iter().map(|l| l.text.len()).sum::<usize>(), 1 << 20);
}

#[test]
fn long_styled_line_splits_runs_at_the_cut() {
    let raw = format!("\x1b[31m{}\x1b[0m", "y".repeat(MAX_LINE_CHARS + 10));
    let lines = sanitize(&raw);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].runs[0].end, MAX_LINE_CHARS);
    assert_eq!(lines[1].runs[0], StyleRun { start: 0, end: 10, style: Style::default().fg(Color::Red) });
}

#[test]
fn hostile_corpus_leaves_only_visible_text() {
    let corpus = [
        "\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07clipboard",
        "\x1b]0;pwned\x1b\\title",
        "\x1b[2J\x1b[3J\x1b[Hclear",
        "\x1bP+q544e\x1b\\dcs",
        "\u{9b}2J\u{9d}0;x\u{9c}c1",
        "\x1b[?1000h\x1b[?1004hmodes",
        "\x1b[5n\x1b[21treports",
    ];
    for raw in corpus {
        let lines = sanitize(raw);
        assert_inert(&lines);
        let visible = ["clipboard", "title", "clear", "dcs", "c1", "modes", "reports"];
        assert!(visible.contains(&lines[0].text.as_str()), "{raw:?} -> {:?}", lines[0].text);
    }
}

#[test]
fn every_single_char_and_escape_pair_is_inert() {
    for n in 0u32..0x2ff {
        let Some(c) = char::from_u32(n) else { continue };
        assert_inert(&sanitize(&format!("{c}")));
        assert_inert(&sanitize(&format!("\x1b{c}x")));
        assert_inert(&sanitize(&format!("\x1b[{c}x")));
    }
}
