//! `[[fleet]]` entries: a named set of pipelines across profiles and Regions.
//! Each entry adds one profile (its Regions, optionally only names matching
//! some globs) to the fleet it names; entries with the same name add up:
//!
//! ```toml
//! [[fleet]]
//! name = "all"
//! profile = "dev"
//! regions = ["us-east-1", "eu-west-1"]
//! filter = ["payments-*", "auth-*"]
//! ```

use serde::Deserialize;
use toml::Spanned;

use super::values::{Located, check};

/// One profile's part of a fleet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FleetMember {
    pub fleet: String,
    pub profile: String,
    pub regions: Vec<String>,
    /// Pipeline-name globs; empty: every pipeline.
    pub filters: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetFile {
    name: Spanned<String>,
    profile: Spanned<String>,
    regions: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    filter: Vec<Spanned<String>>,
}

fn non_empty(what: &'static str) -> impl Fn(&str) -> Result<String, String> {
    move |s: &str| if s.trim().is_empty() { Err(format!("{what} is empty")) } else { Ok(s.to_string()) }
}

/// `eu-west-1`, `us-gov-west-1`, `ap-southeast-3`: letters, dashes, a number last.
fn region(s: &str) -> Result<String, String> {
    let parts: Vec<&str> = s.split('-').collect();
    let shaped = parts.len() >= 3
        && parts[..parts.len() - 1].iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts.last().is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    if shaped { Ok(s.to_string()) } else { Err(format!("`{s}` is not an AWS Region (like eu-west-1)")) }
}

fn name_glob(s: &str) -> Result<String, String> {
    globset::GlobBuilder::new(s)
        .build()
        .map(|_| s.to_string())
        .map_err(|e| format!("bad pipeline-name pattern `{s}`: {}", e.kind()))
}

impl FleetFile {
    pub fn member(self) -> Result<FleetMember, Located> {
        let regions = self.regions.get_ref().iter().map(|r| check(r, region)).collect::<Result<Vec<_>, _>>()?;
        if regions.is_empty() {
            return Err(Located {
                at: self.regions.span().start,
                message: "regions is empty: name at least one".into(),
            });
        }
        Ok(FleetMember {
            fleet: check(&self.name, non_empty("name"))?,
            profile: check(&self.profile, non_empty("profile"))?,
            regions,
            filters: self.filter.iter().map(|g| check(g, name_glob)).collect::<Result<Vec<_>, _>>()?,
        })
    }
}

/// The members of fleet `name`, in file order.
pub fn members_of(all: &[FleetMember], name: &str) -> Vec<FleetMember> {
    all.iter().filter(|m| m.fleet == name).cloned().collect()
}

/// The members of fleet `name`, or why there are none (one line).
pub fn fleet_members(all: &[FleetMember], name: &str) -> Result<Vec<FleetMember>, String> {
    let members = members_of(all, name);
    if !members.is_empty() {
        return Ok(members);
    }
    let mut known: Vec<&str> = all.iter().map(|f| f.fleet.as_str()).collect();
    known.sort();
    known.dedup();
    Err(if known.is_empty() {
        format!("no fleet `{name}`: the config file has no [[fleet]] entries (see `pipewatch config --print-default`)")
    } else {
        format!("no fleet `{name}` in the config file (known: {})", known.join(", "))
    })
}
