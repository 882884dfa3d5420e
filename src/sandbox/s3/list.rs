//! Paging over a bucket's keys and versions, as ListObjects(V2) and
//! ListObjectVersions see them: keys in byte order, versions newest first,
//! keys sharing `prefix..delimiter` rolled up into one common prefix.

use super::store::{Bucket, Version};

pub enum Entry<'a> {
    Version { key: &'a str, version: &'a Version, latest: bool },
    Prefix(String),
}

pub struct Page<'a> {
    pub entries: Vec<Entry<'a>>,
    pub truncated: bool,
}

impl Page<'_> {
    /// Where the next page starts: the last key (or common prefix) and version shown.
    pub fn next_marker(&self) -> Option<(String, Option<String>)> {
        if !self.truncated {
            return None;
        }
        self.entries.last().map(|e| match e {
            Entry::Version { key, version, .. } => (key.to_string(), Some(version.version_id.clone())),
            Entry::Prefix(p) => (p.clone(), None),
        })
    }
}

/// The common prefix `key` rolls up into, if a delimiter follows `prefix`.
fn common_prefix(key: &str, prefix: &str, delimiter: Option<&str>) -> Option<String> {
    let delimiter = delimiter.filter(|d| !d.is_empty())?;
    let rest = key.get(prefix.len()..)?;
    rest.find(delimiter).map(|i| format!("{prefix}{}", &rest[..i + delimiter.len()]))
}

struct Pager<'a> {
    page: Page<'a>,
    max: usize,
}

impl<'a> Pager<'a> {
    /// Adds an entry; false once the page is full (and so truncated).
    fn push(&mut self, entry: Entry<'a>) -> bool {
        if self.page.entries.len() >= self.max {
            self.page.truncated = true;
            return false;
        }
        self.page.entries.push(entry);
        true
    }
    /// Adds a common prefix unless it was just added or an earlier page showed it.
    fn push_prefix(&mut self, cp: String, marker: &str) -> bool {
        let repeat = matches!(self.page.entries.last(), Some(Entry::Prefix(p)) if *p == cp);
        if repeat || (!marker.is_empty() && cp.as_str() <= marker) {
            return true;
        }
        self.push(Entry::Prefix(cp))
    }
}

/// ListObjectVersions: starts after (`key_marker`, `version_marker`).
pub fn versions<'a>(
    b: &'a Bucket,
    prefix: &str,
    delimiter: Option<&str>,
    key_marker: &str,
    version_marker: &str,
    max: usize,
) -> Page<'a> {
    let mut pager = Pager { page: Page { entries: Vec::new(), truncated: false }, max };
    for (key, versions) in b.objects.range(key_marker.max(prefix).to_string()..) {
        if !key.starts_with(prefix) {
            break;
        }
        if key == key_marker && version_marker.is_empty() {
            continue;
        }
        if let Some(cp) = common_prefix(key, prefix, delimiter) {
            if !pager.push_prefix(cp, key_marker) {
                break;
            }
            continue;
        }
        let mut newest_first = versions.iter().rev().enumerate().peekable();
        if key == key_marker {
            // Resume after the marker version; an unknown marker skips the key.
            while newest_first.next_if(|(_, v)| v.version_id != version_marker).is_some() {}
            newest_first.next();
        }
        for (i, version) in newest_first {
            if !pager.push(Entry::Version { key, version, latest: i == 0 }) {
                return pager.page;
            }
        }
    }
    pager.page
}

/// ListObjects(V2): current versions of keys after `after`.
pub fn objects<'a>(b: &'a Bucket, prefix: &str, delimiter: Option<&str>, after: &str, max: usize) -> Page<'a> {
    let mut pager = Pager { page: Page { entries: Vec::new(), truncated: false }, max };
    for (key, _) in b.objects.range(after.max(prefix).to_string()..) {
        if !key.starts_with(prefix) {
            break;
        }
        let Some(version) = b.current(key) else { continue };
        if key == after {
            continue;
        }
        let pushed = match common_prefix(key, prefix, delimiter) {
            Some(cp) => pager.push_prefix(cp, after),
            None => pager.push(Entry::Version { key, version, latest: true }),
        };
        if !pushed {
            break;
        }
    }
    pager.page
}

#[cfg(test)]
mod tests {
    use super::common_prefix;

    #[test]
    fn common_prefixes_start_after_the_requested_prefix() {
        assert_eq!(common_prefix("a/b/c", "", Some("/")).as_deref(), Some("a/"));
        assert_eq!(common_prefix("a/b/c", "a/", Some("/")).as_deref(), Some("a/b/"));
        assert_eq!(common_prefix("a/b", "a/", Some("/")), None);
        assert_eq!(common_prefix("a/b", "", None), None);
    }
}
