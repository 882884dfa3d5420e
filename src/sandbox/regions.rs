//! Regional state. AWS keeps CodeBuild projects and builds and CloudWatch Logs
//! groups per Region: a client signing for eu-west-1 sees only eu-west-1's. The
//! sandbox picks the Region from the request's SigV4 credential scope.

use std::collections::BTreeMap;

/// The Region the sandbox's pipelines live in, and the default for projects.
pub const HOME: &str = "us-east-1";

/// State that knows its Region (its ARNs name it).
pub trait Regional {
    fn in_region(region: &str) -> Self;
}

/// One `T` per Region, created empty the first time a Region is used.
#[derive(Debug)]
pub struct Regions<T> {
    by_region: BTreeMap<String, T>,
}

impl<T> Default for Regions<T> {
    fn default() -> Self {
        Self { by_region: BTreeMap::new() }
    }
}

impl<T: Regional> Regions<T> {
    /// The Region's state, created empty if the Region has none yet.
    pub fn region(&mut self, region: &str) -> &mut T {
        self.by_region.entry(region.to_string()).or_insert_with(|| T::in_region(region))
    }

    /// The Region's state if it has any.
    pub fn get(&self, region: &str) -> Option<&T> {
        self.by_region.get(region)
    }
}

/// The Region and account an ARN names: `arn:PARTITION:SERVICE:REGION:ACCOUNT:...`.
pub fn arn_region_account(arn: &str) -> Option<(&str, &str)> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_), Some(_), Some(region), Some(account)) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    (!region.is_empty() && !account.is_empty()).then_some((region, account))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Names(String, Vec<u8>);

    impl Regional for Names {
        fn in_region(region: &str) -> Self {
            Names(region.to_string(), Vec::new())
        }
    }

    #[test]
    fn regions_are_separate_and_created_on_first_use() {
        let mut r: Regions<Names> = Regions::default();
        r.region("eu-west-1").1.push(1);
        assert_eq!(r.get("eu-west-1"), Some(&Names("eu-west-1".into(), vec![1])));
        assert!(r.get(HOME).is_none());
        assert_eq!(r.region(HOME).0, HOME);
    }

    #[test]
    fn arns_name_their_region_and_account() {
        let arn = "arn:aws:codebuild:eu-west-1:210987654321:project/p";
        assert_eq!(arn_region_account(arn), Some(("eu-west-1", "210987654321")));
        assert_eq!(arn_region_account("arn:aws:s3:::bucket"), None);
        assert_eq!(arn_region_account("project/p"), None);
    }
}
