//! Regional state. AWS keeps CodeBuild projects and builds and CloudWatch Logs
//! groups per Region: a client signing for eu-west-1 sees only eu-west-1's. The
//! sandbox picks the Region from the request's SigV4 credential scope.

use std::collections::BTreeMap;

/// The Region the sandbox's pipelines live in, and the default for projects.
pub const HOME: &str = "us-east-1";

/// One `T` per Region, made by `make` the first time a Region is used.
pub struct Regions<T> {
    by_region: BTreeMap<String, T>,
    make: Box<dyn Fn(&str) -> T + Send + Sync>,
}

impl<T> Regions<T> {
    pub fn new(make: impl Fn(&str) -> T + Send + Sync + 'static) -> Self {
        Self { by_region: BTreeMap::new(), make: Box::new(make) }
    }

    /// The Region's state, made empty if the Region has none yet.
    pub fn region(&mut self, region: &str) -> &mut T {
        let make = &self.make;
        self.by_region.entry(region.to_string()).or_insert_with(|| make(region))
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

    #[test]
    fn regions_are_separate_and_made_on_first_use() {
        let mut r: Regions<(String, Vec<u8>)> = Regions::new(|region| (region.to_string(), Vec::new()));
        r.region("eu-west-1").1.push(1);
        assert_eq!(r.get("eu-west-1"), Some(&("eu-west-1".to_string(), vec![1])));
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
