//! The `:` command line: what is typed, the Tab completion being cycled, and
//! this session's history.

/// The commands, in the order Tab offers them.
pub const COMMANDS: [&str; 7] = ["pipeline", "profile", "region", "rollback", "override", "start", "quit"];

/// Commercial AWS regions, for `:region` completion (a name not listed but
/// shaped like a region is accepted too: new regions appear).
pub const REGIONS: [&str; 34] = [
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eusc-de-east-1",
];

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CommandLine {
    /// The text after the `:`.
    pub input: String,
    /// Set while Tab cycles through candidates; any other edit ends it.
    pub completion: Option<Completion>,
    /// Commands run this session, oldest first.
    pub history: Vec<String>,
    /// The history entry shown (Up/Down), if any.
    pub history_pos: Option<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Completion {
    pub candidates: Vec<String>,
    /// The candidate now in the input.
    pub index: usize,
    /// Byte offset in `input` where the completed word starts.
    pub word_start: usize,
}

impl CommandLine {
    /// A fresh line (history kept).
    pub fn open(&mut self) {
        self.input.clear();
        self.completion = None;
        self.history_pos = None;
    }

    pub fn type_char(&mut self, c: char) {
        self.input.push(c);
        self.completion = None;
    }

    pub fn backspace(&mut self) {
        self.input.pop();
        self.completion = None;
    }

    /// Up (`back`) or Down through the history; past the newest, an empty line.
    pub fn recall(&mut self, back: bool) {
        let n = self.history.len();
        let pos = match (self.history_pos, back) {
            (None, true) => n.checked_sub(1),
            (None, false) => None,
            (Some(p), true) => Some(p.saturating_sub(1)),
            (Some(p), false) => (p + 1 < n).then_some(p + 1),
        };
        self.history_pos = pos;
        self.input = pos.and_then(|p| self.history.get(p).cloned()).unwrap_or_default();
        self.completion = None;
    }

    pub fn remember(&mut self, line: &str) {
        if !line.is_empty() && self.history.last().is_none_or(|l| l != line) {
            self.history.push(line.to_string());
        }
    }
}

/// Whether `name` looks like a region (`xx-name-1`): letters in dashed
/// parts, ending in a number.
pub fn region_shaped(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts.last().is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && parts[..parts.len() - 1].iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_region_is_region_shaped_and_garbage_is_not() {
        assert!(REGIONS.iter().all(|r| region_shaped(r)));
        for bad in ["", "us", "us-east", "US-EAST-1", "us-east-1a", "us--1", "eu-west-1; rm"] {
            assert!(!region_shaped(bad), "{bad}");
        }
    }

    #[test]
    fn history_walks_back_and_forward_to_an_empty_line() {
        let mut c = CommandLine::default();
        c.remember("region eu-west-1");
        c.remember("profile dev");
        c.remember("profile dev");
        assert_eq!(c.history.len(), 2, "a repeat is stored once");
        c.recall(true);
        assert_eq!(c.input, "profile dev");
        c.recall(true);
        c.recall(true);
        assert_eq!(c.input, "region eu-west-1");
        c.recall(false);
        assert_eq!(c.input, "profile dev");
        c.recall(false);
        assert_eq!(c.input, "");
    }
}
