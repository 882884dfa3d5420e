//! Settings with their defaults. A config file comes later; for now the CLI
//! fills these in.

/// What the UI half needs to know; polling intervals live with the workers.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Log lines kept per build (a ring buffer: the oldest are dropped).
    pub log_capacity: usize,
    /// Draw status symbols and arrows with ASCII only.
    pub ascii: bool,
    /// The periodic tick that advances elapsed times and countdowns.
    pub tick_ms: u64,
    /// Shortest time between two frames (about 30 frames/s).
    pub frame_ms: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config { log_capacity: 100_000, ascii: false, tick_ms: 1000, frame_ms: 33 }
    }
}

impl Config {
    /// ASCII when the locale does not promise UTF-8 (e.g. LANG=C on a bastion).
    pub fn ascii_from_env() -> bool {
        let locale =
            ["LC_ALL", "LC_CTYPE", "LANG"].iter().find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
        match locale {
            Some(v) => {
                let v = v.to_ascii_lowercase();
                !(v.contains("utf-8") || v.contains("utf8"))
            }
            None => false,
        }
    }
}
