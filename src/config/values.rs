//! Config-file values checked while they are read, so a bad one is reported
//! by toml with its line and column.

use std::fmt;
use std::time::Duration;

use globset::Glob;
use ratatui::style::Color;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use crate::keymap::{Action, KeyPress, parse_key};

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

/// A profile glob such as `*prod*`.
pub struct Pattern(pub String);

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match Glob::new(&text) {
            Ok(_) => Ok(Pattern(text)),
            Err(e) => Err(de::Error::custom(format!("bad profile pattern `{text}`: {}", e.kind()))),
        }
    }
}

pub struct Colour(pub Color);

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        super::theme::parse_color(&text).map(Colour).map_err(de::Error::custom)
    }
}

/// One key, e.g. "ctrl-c".
struct Key(KeyPress);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_key(&text).map(Key).map_err(de::Error::custom)
    }
}

/// The keys of one action: at least one.
struct Keys(Vec<KeyPress>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let keys = Vec::<Key>::deserialize(d)?;
        if keys.is_empty() {
            return Err(de::Error::custom("no keys: give at least one, e.g. [\"q\"]"));
        }
        Ok(Keys(keys.into_iter().map(|k| k.0).collect()))
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
pub struct KeyTable(pub Vec<(Action, Vec<KeyPress>)>);

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
                    let Keys(keys) = map.next_value()?;
                    out.push((action, keys));
                }
                Ok(KeyTable(out))
            }
        }
        d.deserialize_map(TableVisitor)
    }
}
