//! CreateBucket's Region rules and GetBucketLocation.

use aws_sdk_s3::config::Region;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};

use super::{aws, body, code, element, put, status};
use crate::harness::{self, Env};

/// An S3 client that signs for `region` (its regional endpoint, to S3).
fn s3_in(env: &Env, region: &str) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::config::Builder::from(&env.sdk)
        .region(Region::new(region.to_string()))
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

fn constraint(c: &str) -> CreateBucketConfiguration {
    CreateBucketConfiguration::builder().location_constraint(BucketLocationConstraint::from(c)).build()
}

/// awscli's `s3api get-bucket-location`, as JSON.
async fn location(env: &Env, bucket: &str) -> serde_json::Value {
    let out = aws(env, &["--output", "json", "s3api", "get-bucket-location", "--bucket", bucket]).await;
    serde_json::from_str(&out).unwrap()
}

/// S3 API Reference, CreateBucket and the BucketAlreadyOwnedByYou error: "if
/// you re-create an existing bucket that you already own in the North Virginia
/// Region, Amazon S3 returns 200 OK"; in every other Region, 409.
#[tokio::test]
async fn recreating_an_owned_bucket_is_ok_only_in_us_east_1() {
    let env = harness::start().await;
    let s3 = env.s3();
    s3.create_bucket().bucket("again-bucket").send().await.unwrap();
    put(&s3, "again-bucket", "kept", b"still here").await;
    s3.create_bucket().bucket("again-bucket").send().await.expect("200 in us-east-1");
    let kept = s3.get_object().bucket("again-bucket").key("kept").send().await.unwrap();
    assert_eq!(kept.content_length(), Some(10), "re-creating does not empty the bucket");

    let eu = s3_in(&env, "eu-west-1");
    eu.create_bucket().bucket("eu-bucket").create_bucket_configuration(constraint("eu-west-1")).send().await.unwrap();
    let err = eu.create_bucket().bucket("eu-bucket").create_bucket_configuration(constraint("eu-west-1")).send().await;
    let err = err.unwrap_err();
    assert_eq!((status(&err), code(&err)), (409, "BucketAlreadyOwnedByYou".to_string()));
    assert_eq!(element(&body(&err), "BucketName").as_deref(), Some("eu-bucket"));
    let err = s3.create_bucket().bucket("eu-bucket").send().await.unwrap_err();
    assert_eq!(code(&err), "BucketAlreadyOwnedByYou", "a bucket elsewhere is not re-created from us-east-1");
}

/// S3 API Reference, CreateBucket (CreateBucketConfiguration.LocationConstraint,
/// "EU" creates in eu-west-1; the us-east-1 endpoint creates in any Region) and
/// GetBucketLocation (the constraint; null for us-east-1); HeadBucket's
/// x-amz-bucket-region is the Region itself.
#[tokio::test]
async fn location_constraints_are_stored_and_reported() {
    let env = harness::start().await;
    let s3 = env.s3();
    s3.create_bucket().bucket("home-bucket").send().await.unwrap();
    s3.create_bucket().bucket("west-bucket").create_bucket_configuration(constraint("us-west-2")).send().await.unwrap();
    s3.create_bucket().bucket("legacy-eu-bucket").create_bucket_configuration(constraint("EU")).send().await.unwrap();

    assert_eq!(location(&env, "home-bucket").await["LocationConstraint"], serde_json::Value::Null);
    assert_eq!(location(&env, "west-bucket").await["LocationConstraint"], "us-west-2");
    assert_eq!(location(&env, "legacy-eu-bucket").await["LocationConstraint"], "EU");
    // The SDK, signing for us-east-1, reads the same stored constraint.
    let got = s3.get_bucket_location().bucket("west-bucket").send().await.unwrap();
    assert_eq!(got.location_constraint(), Some(&BucketLocationConstraint::UsWest2));

    let head = s3.head_bucket().bucket("legacy-eu-bucket").send().await.unwrap();
    assert_eq!(head.bucket_region(), Some("eu-west-1"));
    let head = s3.head_bucket().bucket("home-bucket").send().await.unwrap();
    assert_eq!(head.bucket_region(), Some("us-east-1"));
}

/// S3 API Reference, "List of error codes": InvalidLocationConstraint (not a
/// Region S3 accepts, us-east-1 included: a bucket there has no constraint)
/// and IllegalLocationConstraintException (a regional endpoint asked for a
/// bucket in another Region, or with none named).
#[tokio::test]
async fn bad_location_constraints_are_refused() {
    let env = harness::start().await;
    let s3 = env.s3();
    for bad in ["moon-1", "us-east-1"] {
        let err = s3.create_bucket().bucket("bad-bucket").create_bucket_configuration(constraint(bad)).send().await;
        let err = err.unwrap_err();
        assert_eq!((status(&err), code(&err)), (400, "InvalidLocationConstraint".to_string()), "{bad}");
        assert_eq!(element(&body(&err), "LocationConstraint").as_deref(), Some(bad));
    }
    let eu = s3_in(&env, "eu-west-1");
    let err = eu.create_bucket().bucket("bad-bucket").send().await.unwrap_err();
    assert_eq!((status(&err), code(&err)), (400, "IllegalLocationConstraintException".to_string()));
    assert!(element(&body(&err), "Message").unwrap().contains("unspecified location constraint"));
    let err = eu.create_bucket().bucket("bad-bucket").create_bucket_configuration(constraint("us-west-2")).send().await;
    let err = err.unwrap_err();
    assert_eq!(code(&err), "IllegalLocationConstraintException");
    assert!(element(&body(&err), "Message").unwrap().contains("us-west-2 location constraint"));
    let err = s3.head_bucket().bucket("bad-bucket").send().await.unwrap_err();
    assert_eq!(status(&err), 404, "nothing was created");
}
