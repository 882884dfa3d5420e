//! CloudWatch Logs operations a user's own tools call against a local
//! endpoint, through the real SDK client and awscli: deleting groups and
//! streams, retention policies, tags by group name and by ARN, and a group
//! ARN's `:*` form refused as a `logGroupIdentifier`. Each answer follows the
//! CloudWatch Logs API Reference page of its operation (and the constraints
//! of botocore's logs 2014-03-28 model).

use std::collections::HashMap;

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;

use crate::awscli::venv_bin;
use crate::harness::{self, Cli};

const GROUP: &str = "/team/app";

fn code(e: impl ProvideErrorMetadata) -> String {
    e.code().unwrap_or("?").to_string()
}

async fn group_with_stream(logs: &Client) {
    logs.create_log_group().log_group_name(GROUP).send().await.unwrap();
    logs.create_log_stream().log_group_name(GROUP).log_stream_name("s1").send().await.unwrap();
}

async fn group_names(logs: &Client) -> Vec<String> {
    let out = logs.describe_log_groups().log_group_name_prefix("/team/").send().await.unwrap();
    out.log_groups().iter().filter_map(|g| g.log_group_name().map(str::to_string)).collect()
}

/// API Reference, DeleteLogStream and DeleteLogGroup: deleted things are gone
/// (ResourceNotFoundException when read or deleted again).
#[tokio::test]
async fn delete_stream_then_group() {
    let env = harness::start().await;
    let logs = env.logs();
    group_with_stream(&logs).await;

    logs.delete_log_stream().log_group_name(GROUP).log_stream_name("s1").send().await.unwrap();
    let streams = logs.describe_log_streams().log_group_name(GROUP).send().await.unwrap();
    assert!(streams.log_streams().is_empty());
    let again = logs.delete_log_stream().log_group_name(GROUP).log_stream_name("s1").send().await.unwrap_err();
    assert_eq!(code(again), "ResourceNotFoundException");
    let read = logs.get_log_events().log_group_name(GROUP).log_stream_name("s1").send().await.unwrap_err();
    assert_eq!(code(read), "ResourceNotFoundException");

    logs.delete_log_group().log_group_name(GROUP).send().await.unwrap();
    assert!(group_names(&logs).await.is_empty());
    let again = logs.delete_log_group().log_group_name(GROUP).send().await.unwrap_err();
    assert_eq!(code(again), "ResourceNotFoundException");
    // logGroupName's pattern is [\.\-_/#A-Za-z0-9]+.
    let bad = logs.delete_log_group().log_group_name("bad name").send().await.unwrap_err();
    assert_eq!(code(bad), "InvalidParameterException");
}

/// API Reference, PutRetentionPolicy: retentionInDays is one of the listed
/// values; DescribeLogGroups reports it until DeleteRetentionPolicy.
#[tokio::test]
async fn retention_policy_is_set_validated_and_removed() {
    let env = harness::start().await;
    let logs = env.logs();
    group_with_stream(&logs).await;
    let retention = || async {
        let out = logs.describe_log_groups().log_group_name_prefix(GROUP).send().await.unwrap();
        out.log_groups()[0].retention_in_days()
    };
    assert_eq!(retention().await, None);

    logs.put_retention_policy().log_group_name(GROUP).retention_in_days(14).send().await.unwrap();
    assert_eq!(retention().await, Some(14));
    let bad = logs.put_retention_policy().log_group_name(GROUP).retention_in_days(2).send().await.unwrap_err();
    let err = bad.into_service_error();
    assert_eq!(err.code(), Some("InvalidParameterException"));
    assert!(err.message().unwrap_or("").contains("at 'retentionInDays'"), "{:?}", err.message());
    assert_eq!(retention().await, Some(14), "a refused value changes nothing");
    let missing = logs.put_retention_policy().log_group_name("/team/none").retention_in_days(1).send().await;
    assert_eq!(code(missing.unwrap_err()), "ResourceNotFoundException");

    logs.delete_retention_policy().log_group_name(GROUP).send().await.unwrap();
    assert_eq!(retention().await, None);
}

/// API Reference, TagResource / UntagResource / ListTagsForResource (by the
/// group's ARN, `arn:aws:logs:Region:account-id:log-group:name`) and the
/// deprecated TagLogGroup / UntagLogGroup / ListTagsLogGroup (by name): the
/// same tags either way; at most 50 per group (TooManyTagsException).
#[tokio::test]
async fn tags_by_arn_and_by_name() {
    let env = harness::start().await;
    let logs = env.logs();
    group_with_stream(&logs).await;
    let described = logs.describe_log_groups().log_group_name_prefix(GROUP).send().await.unwrap();
    let arn = described.log_groups()[0].log_group_arn().unwrap().to_string();
    assert!(!arn.ends_with(":*"), "{arn}");

    logs.tag_resource().resource_arn(&arn).tags("team", "ml").tags("env", "dev").send().await.unwrap();
    #[allow(deprecated)]
    logs.tag_log_group().log_group_name(GROUP).tags("env", "prod").send().await.unwrap();
    let listed = logs.list_tags_for_resource().resource_arn(&arn).send().await.unwrap();
    let want: HashMap<String, String> = [("team", "ml"), ("env", "prod")].map(|(k, v)| (k.into(), v.into())).into();
    assert_eq!(listed.tags(), Some(&want));

    logs.untag_resource().resource_arn(&arn).tag_keys("team").send().await.unwrap();
    #[allow(deprecated)]
    let by_name = logs.list_tags_log_group().log_group_name(GROUP).send().await.unwrap();
    assert_eq!(by_name.tags().map(|t| t.keys().cloned().collect::<Vec<_>>()), Some(vec!["env".to_string()]));
    #[allow(deprecated)]
    logs.untag_log_group().log_group_name(GROUP).tags("env").send().await.unwrap();
    let listed = logs.list_tags_for_resource().resource_arn(&arn).send().await.unwrap();
    assert!(listed.tags().is_none_or(HashMap::is_empty), "{:?}", listed.tags());

    let mut many = logs.tag_resource().resource_arn(&arn);
    for i in 0..50 {
        many = many.tags(format!("k{i}"), "v");
    }
    many.send().await.unwrap();
    let over = logs.tag_resource().resource_arn(&arn).tags("one-more", "v").send().await.unwrap_err();
    assert_eq!(code(over), "TooManyTagsException");

    let wildcard = logs.list_tags_for_resource().resource_arn(format!("{arn}:*")).send().await.unwrap_err();
    assert_eq!(code(wildcard), "InvalidParameterException");
    let other = arn.replace(GROUP, "/team/none");
    let unknown = logs.list_tags_for_resource().resource_arn(other).send().await.unwrap_err();
    assert_eq!(code(unknown), "ResourceNotFoundException");
    let bad_key = logs.tag_resource().resource_arn(&arn).tags("a*b", "v").send().await.unwrap_err();
    assert_eq!(code(bad_key), "InvalidParameterException");
}

/// API Reference, DescribeLogStreams and GetLogEvents: `logGroupIdentifier`
/// takes a name or an ARN without the trailing `:*` (its pattern,
/// `[\w#+=/:,.@-]*`, has no `*`); DescribeLogGroups' `arn` (with `:*`) is
/// refused with InvalidParameterException, its `logGroupArn` accepted.
#[tokio::test]
async fn a_wildcard_group_arn_is_not_a_log_group_identifier() {
    let env = harness::start().await;
    let logs = env.logs();
    group_with_stream(&logs).await;
    let described = logs.describe_log_groups().log_group_name_prefix(GROUP).send().await.unwrap();
    let group = &described.log_groups()[0];
    let wildcard = group.arn().unwrap().to_string();
    assert!(wildcard.ends_with(":*"), "{wildcard}");
    let plain = group.log_group_arn().unwrap().to_string();

    let streams = logs.describe_log_streams().log_group_identifier(&wildcard).send().await.unwrap_err();
    let err = streams.into_service_error();
    assert_eq!(err.code(), Some("InvalidParameterException"));
    assert!(err.message().unwrap_or("").contains("'logGroupIdentifier'"), "{:?}", err.message());
    let get = logs.get_log_events().log_group_identifier(&wildcard).log_stream_name("s1").send().await;
    assert_eq!(code(get.unwrap_err()), "InvalidParameterException");

    let streams = logs.describe_log_streams().log_group_identifier(&plain).send().await.unwrap();
    assert_eq!(streams.log_streams().len(), 1);
    logs.get_log_events().log_group_identifier(&plain).log_stream_name("s1").send().await.unwrap();
}

/// The same through awscli v1 (botocore), the tool a user points at a local
/// endpoint: put-retention-policy, tag-resource, list-tags-for-resource,
/// delete-log-group (AWS CLI Command Reference, `aws logs`).
#[tokio::test]
async fn awscli_manages_retention_tags_and_deletion() {
    let env = harness::start().await;
    let logs = env.logs();
    group_with_stream(&logs).await;
    let aws = |args: &[&str]| {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let env = &env;
        async move {
            let out = Cli::new(venv_bin("aws")).sandbox(env).args(["--output", "json"]).args(&args).output().await;
            assert!(out.status.success(), "aws {args:?}: {}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).into_owned()
        }
    };
    aws(&["logs", "put-retention-policy", "--log-group-name", GROUP, "--retention-in-days", "30"]).await;
    let groups = aws(&["logs", "describe-log-groups", "--log-group-name-prefix", GROUP]).await;
    let groups: serde_json::Value = serde_json::from_str(&groups).unwrap();
    assert_eq!(groups["logGroups"][0]["retentionInDays"], 30);
    let arn = groups["logGroups"][0]["logGroupArn"].as_str().unwrap().to_string();
    aws(&["logs", "tag-resource", "--resource-arn", &arn, "--tags", "team=ml"]).await;
    let tags = aws(&["logs", "list-tags-for-resource", "--resource-arn", &arn]).await;
    let tags: serde_json::Value = serde_json::from_str(&tags).unwrap();
    assert_eq!(tags["tags"], serde_json::json!({"team": "ml"}));
    aws(&["logs", "delete-log-group", "--log-group-name", GROUP]).await;
    assert!(group_names(&logs).await.is_empty());
}
