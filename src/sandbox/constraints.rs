//! The API models' member constraints (required, length, pattern, enum, range)
//! checked on a JSON input document, with the messages AWS's JSON services
//! give: `1 validation error detected: Value 'x y' at 'pipeline.name' failed
//! to satisfy constraint: Member must satisfy regular expression pattern: ...`.
//! Paths are named as those messages name them: list items as
//! `stages.1.member` (1-based), map values as `artifactStores.<key>`.

use serde_json::Value;

/// A member's pattern: shown as the model writes it, checked per character
/// (every pattern the sandbox checks is a character class repeated).
pub struct Pattern {
    pub shown: &'static str,
    pub allows: fn(char) -> bool,
}

/// Collects every constraint failure, as AWS reports them all at once.
#[derive(Default)]
pub struct Constraints {
    pub errors: Vec<String>,
}

fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Constraints {
    fn fail(&mut self, v: Option<&Value>, path: &str, rule: impl std::fmt::Display) {
        let value = match v {
            None | Some(Value::Null) => "Value null".to_string(),
            Some(v) => format!("Value '{}'", shown(v)),
        };
        self.errors.push(format!("{value} at '{path}' failed to satisfy constraint: Member must {rule}"));
    }

    /// A required member: records `must not be null` when absent.
    pub fn required<'a>(&mut self, v: Option<&'a Value>, path: &str) -> Option<&'a Value> {
        match v {
            None | Some(Value::Null) => {
                self.fail(None, path, "not be null");
                None
            }
            Some(v) => Some(v),
        }
    }

    /// A string member within `min..=max` characters, matching `pattern`.
    pub fn string<'a>(
        &mut self,
        v: Option<&'a Value>,
        path: &str,
        (min, max): (usize, usize),
        pattern: Option<&Pattern>,
    ) -> Option<&'a str> {
        let v = v.filter(|v| !v.is_null())?;
        let Some(s) = v.as_str() else {
            self.fail(Some(v), path, "be a string");
            return None;
        };
        let len = s.chars().count();
        if len < min {
            self.fail(Some(v), path, format!("have length greater than or equal to {min}"));
        } else if len > max {
            self.fail(Some(v), path, format!("have length less than or equal to {max}"));
        } else if let Some(p) = pattern
            && !s.chars().all(p.allows)
        {
            self.fail(Some(v), path, format!("satisfy regular expression pattern: {}", p.shown));
        }
        Some(s)
    }

    /// A string member that must be one of `values`.
    pub fn one_of<'a>(&mut self, v: Option<&'a Value>, path: &str, values: &[&str]) -> Option<&'a str> {
        let v = v.filter(|v| !v.is_null())?;
        match v.as_str() {
            Some(s) if values.contains(&s) => Some(s),
            _ => {
                self.fail(Some(v), path, format!("satisfy enum value set: [{}]", values.join(", ")));
                None
            }
        }
    }

    /// An integer member within `min..=max`.
    pub fn int(&mut self, v: Option<&Value>, path: &str, (min, max): (i64, i64)) -> Option<i64> {
        let v = v.filter(|v| !v.is_null())?;
        let Some(n) = v.as_i64() else {
            self.fail(Some(v), path, "be an integer");
            return None;
        };
        if n < min {
            self.fail(Some(v), path, format!("have value greater than or equal to {min}"));
        } else if n > max {
            self.fail(Some(v), path, format!("have value less than or equal to {max}"));
        }
        Some(n)
    }

    /// A list member of `min..=max` items; returns its items with their paths.
    pub fn list<'a>(
        &mut self,
        v: Option<&'a Value>,
        path: &str,
        (min, max): (usize, usize),
    ) -> Vec<(String, &'a Value)> {
        let Some(v) = v.filter(|v| !v.is_null()) else { return Vec::new() };
        let Some(items) = v.as_array() else {
            self.fail(Some(v), path, "be a list");
            return Vec::new();
        };
        if items.len() < min {
            self.fail(Some(v), path, format!("have length greater than or equal to {min}"));
        } else if items.len() > max {
            self.fail(Some(v), path, format!("have length less than or equal to {max}"));
        }
        items.iter().enumerate().map(|(i, item)| (format!("{path}.{}.member", i + 1), item)).collect()
    }

    /// A map member; returns (key, value, path) for each entry.
    pub fn map<'a>(&mut self, v: Option<&'a Value>, path: &str) -> Vec<(&'a str, &'a Value, String)> {
        let Some(v) = v.filter(|v| !v.is_null()) else { return Vec::new() };
        let Some(entries) = v.as_object() else {
            self.fail(Some(v), path, "be a map");
            return Vec::new();
        };
        entries.iter().map(|(k, item)| (k.as_str(), item, format!("{path}.{k}"))).collect()
    }

    /// The errors as one line in AWS's words, if there are any.
    pub fn message(&self) -> Option<String> {
        match self.errors.len() {
            0 => None,
            1 => Some(format!("1 validation error detected: {}", self.errors[0])),
            n => Some(format!("{n} validation errors detected: {}", self.errors.join("; "))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NAME: Pattern = Pattern { shown: "[A-Za-z0-9]+", allows: |c| c.is_ascii_alphanumeric() };

    #[test]
    fn every_failure_is_named_by_its_path_in_one_line() {
        let doc = json!({ "name": "a b", "kind": "X", "n": 0, "items": [{}, {}] });
        let mut c = Constraints::default();
        c.string(doc.get("name"), "p.name", (1, 10), Some(&NAME));
        c.one_of(doc.get("kind"), "p.kind", &["S3"]);
        c.int(doc.get("n"), "p.n", (1, 999));
        let items = c.list(doc.get("items"), "p.items", (0, 1));
        c.required(items[1].1.get("name"), &format!("{}.name", items[1].0));
        c.required(doc.get("role"), "p.role");
        let message = c.message().unwrap();
        assert!(message.starts_with("6 validation errors detected: Value 'a b' at 'p.name' failed"), "{message}");
        for part in [
            "pattern: [A-Za-z0-9]+",
            "Value 'X' at 'p.kind' failed to satisfy constraint: Member must satisfy enum value set: [S3]",
            "Value '0' at 'p.n' failed to satisfy constraint: Member must have value greater than or equal to 1",
            "at 'p.items' failed to satisfy constraint: Member must have length less than or equal to 1",
            "Value null at 'p.items.2.member.name' failed to satisfy constraint: Member must not be null",
            "Value null at 'p.role'",
        ] {
            assert!(message.contains(part), "{part} not in {message}");
        }
        assert!(!message.contains('\n'));
        assert_eq!(Constraints::default().message(), None);
    }
}
