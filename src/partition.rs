//! AWS partitions: ARNs and console hosts differ between the commercial
//! Regions (`aws`), China (`aws-cn`) and GovCloud (`aws-us-gov`). The
//! partition follows from the Region's name (AWS General Reference, "Amazon
//! Resource Names (ARNs)": arn:partition:…; "AWS Management Console
//! endpoints": region.console.aws.amazon.com; the China Regions' console is
//! console.amazonaws.cn, GovCloud's console.amazonaws-us-gov.com).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Partition {
    Aws,
    China,
    GovCloud,
}

impl Partition {
    pub fn of_region(region: &str) -> Self {
        if region.starts_with("cn-") {
            Partition::China
        } else if region.starts_with("us-gov-") {
            Partition::GovCloud
        } else {
            Partition::Aws
        }
    }

    /// The name in ARNs: `aws`, `aws-cn` or `aws-us-gov`.
    pub fn name(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::China => "aws-cn",
            Partition::GovCloud => "aws-us-gov",
        }
    }

    /// The console's base URL for `region` (already URL-safe).
    pub fn console(self, region: &str) -> String {
        match self {
            Partition::Aws => format!("https://{region}.console.aws.amazon.com"),
            Partition::China => "https://console.amazonaws.cn".into(),
            Partition::GovCloud => "https://console.amazonaws-us-gov.com".into(),
        }
    }
}

/// `arn:<partition>:s3:::bucket/key` for an object in `region`'s partition.
pub fn s3_object_arn(region: &str, bucket: &str, key: &str) -> String {
    format!("arn:{}:s3:::{bucket}/{key}", Partition::of_region(region).name())
}

/// `arn:<partition>:s3:::bucket`.
pub fn s3_bucket_arn(region: &str, bucket: &str) -> String {
    format!("arn:{}:s3:::{bucket}", Partition::of_region(region).name())
}

/// The Region inside an ARN (`arn:partition:service:region:account:…`), if any.
pub fn region_of_arn(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    (parts.next() == Some("arn")).then_some(())?;
    parts.nth(2).filter(|r| !r.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_region_names_the_partition() {
        assert_eq!(Partition::of_region("eu-west-1"), Partition::Aws);
        assert_eq!(Partition::of_region("cn-north-1"), Partition::China);
        assert_eq!(Partition::of_region("cn-northwest-1"), Partition::China);
        assert_eq!(Partition::of_region("us-gov-west-1"), Partition::GovCloud);
        assert_eq!(Partition::of_region("us-east-1").name(), "aws");
        assert_eq!(s3_object_arn("cn-north-1", "b", "k.zip"), "arn:aws-cn:s3:::b/k.zip");
        assert_eq!(s3_bucket_arn("us-gov-east-1", "b"), "arn:aws-us-gov:s3:::b");
    }

    #[test]
    fn each_partition_has_its_console() {
        assert_eq!(Partition::Aws.console("eu-west-1"), "https://eu-west-1.console.aws.amazon.com");
        assert_eq!(Partition::China.console("cn-north-1"), "https://console.amazonaws.cn");
        assert_eq!(Partition::GovCloud.console("us-gov-west-1"), "https://console.amazonaws-us-gov.com");
    }

    #[test]
    fn arns_carry_their_region() {
        assert_eq!(region_of_arn("arn:aws:codebuild:eu-west-1:210987654321:build/p:1"), Some("eu-west-1"));
        assert_eq!(region_of_arn("arn:aws:s3:::bucket/key"), None);
        assert_eq!(region_of_arn("not an arn"), None);
    }
}
