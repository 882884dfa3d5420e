//! Lenient scalar and list types for the buildspec: numbers and booleans are
//! read as text, while a mapping where a string belongs gets an error that
//! says how to fix it (yaml_serde adds the path and line/column).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

/// A YAML scalar (string, number or boolean) as text.
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor).map(Scalar)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }
    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<String, A::Error> {
        Err(de::Error::custom(
            "expected a string, found a mapping (an unquoted \": \" makes YAML read a key: value pair); quote the value",
        ))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<String, A::Error> {
        Err(de::Error::custom("expected a string, found a list"))
    }
}

/// A list of commands (or artifact globs); each must be a scalar. A single
/// string stands for a one-item list.
#[derive(Default)]
pub struct Commands(pub Vec<String>);

impl<'de> Deserialize<'de> for Commands {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Commands;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of commands")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Commands, A::Error> {
                let mut out = Vec::new();
                while let Some(c) = seq.next_element::<Command>()? {
                    out.push(c.0);
                }
                Ok(Commands(out))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Commands, E> {
                Ok(Commands(vec![v.to_string()]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Commands, E> {
                Ok(Commands(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}

struct Command(String);

impl<'de> Deserialize<'de> for Command {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Command;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a command string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Command, E> {
                Ok(Command(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Command, E> {
                Ok(Command(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Command, E> {
                Ok(Command(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Command, E> {
                Ok(Command(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Command, E> {
                Ok(Command(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<Command, A::Error> {
                Err(de::Error::custom(
                    "expected the command to be of string type: found subkeys instead (YAML reads an unquoted \": \" as a key: value pair); quote the command, e.g. - \"echo a: b\"",
                ))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Command, A::Error> {
                Err(de::Error::custom("expected the command to be of string type: found a list instead"))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Command, E> {
                Err(de::Error::custom("expected the command to be of string type: found an empty item"))
            }
        }
        d.deserialize_any(V)
    }
}

/// A mapping of names to scalar values, in file order.
#[derive(Default)]
pub struct ScalarMap(pub Vec<(String, String)>);

impl<'de> Deserialize<'de> for ScalarMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ScalarMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of names to values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ScalarMap, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<Scalar, Scalar>()? {
                    out.push((k.0, v.0));
                }
                Ok(ScalarMap(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<ScalarMap, E> {
                Ok(ScalarMap(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}
