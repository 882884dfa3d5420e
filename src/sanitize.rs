//! Turns raw build-log text into lines that are safe to draw: the terminal's
//! security boundary. SGR colours become styles; every other control sequence
//! (CSI, OSC, DCS, APC, PM, SOS, C1 controls, BEL, BS, C0 except TAB) is dropped,
//! so nothing a build prints can move the cursor, set the title or touch the
//! clipboard. CR overwrites from the start of the line, tabs go to 8-column stops.

use ratatui::style::Style;

mod sgr;
#[cfg(test)]
mod tests;

/// Stored lines longer than this are split, so one hostile line cannot make a
/// frame (or a search) cost megabytes.
pub const MAX_LINE_CHARS: usize = 4096;
const TAB_STOP: usize = 8;

/// A styled byte range of a [`CleanLine`]'s text.
#[derive(Clone, Debug, PartialEq)]
pub struct StyleRun {
    pub start: usize,
    pub end: usize,
    pub style: Style,
}

/// A sanitised line: printable text only, plus style runs (empty for plain lines).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CleanLine {
    pub text: String,
    pub runs: Vec<StyleRun>,
}

/// Sanitises one log message into one or more lines (split at LF and at
/// [`MAX_LINE_CHARS`]). A trailing newline does not produce an empty line.
pub fn sanitize(raw: &str) -> Vec<CleanLine> {
    let raw = raw.strip_suffix('\n').unwrap_or(raw);
    if is_plain(raw) {
        return split_long(raw.to_string(), Vec::new());
    }
    let mut out = Vec::new();
    let mut line = Cells::default();
    let mut style = Style::default();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.extend(line.take()),
            '\r' => line.cursor = 0,
            '\t' => {
                let next = (line.cursor / TAB_STOP + 1) * TAB_STOP;
                while line.cursor < next {
                    line.put(' ', style);
                }
            }
            '\u{1b}' => match chars.next() {
                Some('[') => read_csi(&mut chars, Some(&mut style)),
                Some(']' | 'P' | '_' | '^' | 'X') => skip_string(&mut chars),
                // Other escapes: optional intermediates (0x20-0x2F) then one final byte.
                Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => skip_escape_tail(&mut chars),
                _ => {}
            },
            '\u{9b}' => read_csi(&mut chars, None),
            '\u{9d}' | '\u{90}' | '\u{9f}' | '\u{9e}' | '\u{98}' => skip_string(&mut chars),
            c if is_control(c) => {}
            c => line.put(c, style),
        }
    }
    out.extend(line.take());
    out
}

/// True when the text has nothing to interpret: the fast path for most lines.
fn is_plain(raw: &str) -> bool {
    raw.chars().all(|c| !is_control(c) && c != '\t') && raw.chars().count() <= MAX_LINE_CHARS
}

fn is_control(c: char) -> bool {
    let n = c as u32;
    n < 0x20 || (0x7f..=0x9f).contains(&n)
}

/// `text` without control characters (C0, DEL, C1): for short AWS strings put
/// into pipewatch's own terminal sequences (title, clipboard, notifications),
/// where one ESC or BEL would end the sequence and start another.
pub fn printable(text: &str) -> String {
    text.chars().filter(|c| !is_control(*c)).collect()
}

/// Reads a CSI sequence after `ESC [`. Applies it to `style` when it is a valid
/// SGR and a style is given (8-bit CSI is dropped whole: nothing prints it).
fn read_csi(chars: &mut std::iter::Peekable<std::str::Chars>, style: Option<&mut Style>) {
    let mut params = String::new();
    let mut intermediates = false;
    while let Some(&c) = chars.peek() {
        match c {
            '\u{30}'..='\u{3f}' if !intermediates => params.push(c),
            '\u{20}'..='\u{2f}' => intermediates = true,
            '\u{40}'..='\u{7e}' => {
                chars.next();
                if c == 'm'
                    && !intermediates
                    && let Some(style) = style
                {
                    sgr::apply(&params, style);
                }
                return;
            }
            // Anything else aborts the sequence and is handled as ordinary input.
            _ => return,
        }
        chars.next();
    }
}

/// Skips an OSC/DCS/APC/PM/SOS body up to its terminator (ST, BEL or 8-bit ST)
/// or the end of the message.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

fn skip_escape_tail(chars: &mut std::iter::Peekable<std::str::Chars>) {
    while let Some(&c) = chars.peek() {
        chars.next();
        if !('\u{20}'..='\u{2f}').contains(&c) {
            return;
        }
    }
}

/// One line as terminal cells, so CR can overwrite earlier text.
#[derive(Default)]
struct Cells {
    cells: Vec<(char, Style)>,
    cursor: usize,
}

impl Cells {
    fn put(&mut self, c: char, style: Style) {
        if self.cursor < self.cells.len() {
            self.cells[self.cursor] = (c, style);
        } else {
            self.cells.push((c, style));
        }
        self.cursor += 1;
    }

    fn take(&mut self) -> Vec<CleanLine> {
        let cells = std::mem::take(&mut self.cells);
        self.cursor = 0;
        let mut text = String::with_capacity(cells.len());
        let mut runs: Vec<StyleRun> = Vec::new();
        for (c, style) in cells {
            let start = text.len();
            text.push(c);
            if style == Style::default() {
                continue;
            }
            match runs.last_mut() {
                Some(run) if run.end == start && run.style == style => run.end = text.len(),
                _ => runs.push(StyleRun { start, end: text.len(), style }),
            }
        }
        split_long(text, runs)
    }
}

/// Splits text longer than [`MAX_LINE_CHARS`] into several lines, cutting runs.
fn split_long(text: String, runs: Vec<StyleRun>) -> Vec<CleanLine> {
    if text.len() <= MAX_LINE_CHARS || text.chars().count() <= MAX_LINE_CHARS {
        return vec![CleanLine { text, runs }];
    }
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let end = text[start..].char_indices().nth(MAX_LINE_CHARS).map_or(text.len(), |(i, _)| start + i);
        let piece_runs = runs
            .iter()
            .filter(|r| r.end > start && r.start < end)
            .map(|r| StyleRun { start: r.start.max(start) - start, end: r.end.min(end) - start, style: r.style })
            .collect();
        out.push(CleanLine { text: text[start..end].to_string(), runs: piece_runs });
        start = end;
    }
    out
}
