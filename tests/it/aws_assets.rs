//! assets/aws stays true to the code: the IAM policy grants what pipewatch's
//! SDK calls need and nothing unexplained, and the CloudFormation template
//! builds the pipeline shape pipewatch and the demo workspace expect.
//! (`cfn-lint` itself runs in scripts/test.sh.)

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;
use yaml_serde::Value as Yaml;

use crate::harness;

/// Field names of the SDK clients in `AwsClients`, with their IAM prefixes.
const CLIENTS: &[(&str, &str)] =
    &[("codepipeline", "codepipeline"), ("codebuild", "codebuild"), ("logs", "logs"), ("s3", "s3"), ("sts", "sts")];

/// Granted by the policy although no code in src/aws/ calls them yet.
/// Anything else the policy grants must come from a call the scan below finds.
const NOT_YET_CALLED: &[&str] = &[
    // Log search (issue 5).
    "logs:FilterLogEvents",
    "logs:DescribeLogStreams",
];

/// Needed alongside a call rather than for one: without it, HeadObject of a
/// key that does not exist yet answers 403 instead of 404 and the first push fails.
const COMPANIONS: &[&str] = &["s3:ListBucket"];

fn policy() -> Json {
    let text = std::fs::read_to_string(harness::repo_root().join("assets/aws/iam-policy.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn template() -> Yaml {
    let text = std::fs::read_to_string(harness::repo_root().join("assets/aws/pipeline.yml")).unwrap();
    yaml_serde::from_str(&text).expect("pipeline.yml parses as plain YAML (long-form intrinsics only)")
}

fn strings(v: &Json) -> Vec<String> {
    match v {
        Json::String(s) => vec![s.clone()],
        Json::Array(a) => a.iter().map(|x| x.as_str().unwrap().to_string()).collect(),
        other => panic!("expected a string or a list, got {other}"),
    }
}

fn statements(policy: &Json) -> &[Json] {
    policy["Statement"].as_array().unwrap()
}

fn policy_actions(policy: &Json) -> BTreeSet<String> {
    statements(policy).iter().flat_map(|s| strings(&s["Action"])).collect()
}

/// `get_pipeline_state` -> `GetPipelineState`.
fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// The IAM action an SDK operation needs; `None` when it needs no permission.
fn iam_action(prefix: &str, op: &str) -> Option<String> {
    match (prefix, op) {
        // IAM authorises HeadObject as GetObject.
        ("s3", "head_object") => Some("s3:GetObject".into()),
        // GetCallerIdentity needs no permission and cannot be denied.
        ("sts", "get_caller_identity") => None,
        _ => Some(format!("{prefix}:{}", pascal(op))),
    }
}

/// The `.rs` files under `dir`, subdirectories included.
fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// The snake-case identifier at the start of `s`.
fn ident(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len());
    &s[..end]
}

/// The SDK calls of one file's code (whitespace removed, tests cut off) as
/// (IAM prefix, snake op, position): `<client>.<op>(` where `<client>` is a
/// field of `AwsClients` or a local bound to one (`let cp = &self.codepipeline;`).
fn calls_in(code: &str) -> Vec<(String, String, usize)> {
    let mut receivers: Vec<(String, &str)> =
        CLIENTS.iter().map(|(field, prefix)| (format!(".{field}."), *prefix)).collect();
    for (field, prefix) in CLIENTS {
        // `letcp=&self.codepipeline;` / `letcp=clients.codepipeline.clone();`
        for (at, _) in code.match_indices(&format!(".{field}")) {
            let after = &code[at + field.len() + 1..];
            if !(after.starts_with(';') || after.starts_with(".clone();")) {
                continue;
            }
            if let Some(start) = code[..at].rfind("let") {
                let binding = &code[start + 3..at];
                if let Some((name, _)) = binding.split_once('=') {
                    let name = name.trim_start_matches("mut");
                    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                        receivers.push((format!("{name}."), *prefix));
                    }
                }
            }
        }
    }
    let mut calls = Vec::new();
    for (needle, prefix) in &receivers {
        for (at, _) in code.match_indices(needle.as_str()) {
            // A local's name must not be the tail of a longer identifier.
            let before = code[..at].chars().last();
            if !needle.starts_with('.') && before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let rest = &code[at + needle.len()..];
            let op = ident(rest);
            if !op.is_empty()
                && op.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                && rest[op.len()..].starts_with("()")
            {
                calls.push((prefix.to_string(), op.to_string(), at));
            }
        }
    }
    calls
}

/// The calls of one file's code (whitespace removed), or the code before a
/// `.send()` that follows no call the scan saw since the previous `.send()`:
/// a call made in a way the scan does not know fails instead of going unchecked.
fn checked_calls(code: &str) -> Result<Vec<(String, String, usize)>, String> {
    let calls = calls_in(code);
    let mut previous = 0;
    for (send, _) in code.match_indices(".send()") {
        if !calls.iter().any(|(_, _, at)| (previous..send).contains(at)) {
            return Err(code[previous..send].to_string());
        }
        previous = send;
    }
    Ok(calls)
}

/// Every SDK call in src/aws/ (tests cut off) as (IAM prefix, snake op).
/// Whitespace is removed first so multi-line builder chains read as one.
fn sdk_calls() -> BTreeSet<(String, String)> {
    let mut all = BTreeSet::new();
    for path in rust_files(&harness::repo_root().join("src/aws")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        let code: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        match checked_calls(&code) {
            Ok(calls) => all.extend(calls.into_iter().map(|(p, op, _)| (p, op))),
            Err(code) => panic!("{}: an SDK call the scan does not see, in {code}", path.display()),
        }
    }
    all
}

#[test]
fn the_scan_follows_locals_and_refuses_a_call_it_cannot_see() {
    let code = "letcp=&self.codepipeline;cp.rollback_stage().send().await?;self.codebuild.batch_get_reports().send()";
    let ops: Vec<String> = checked_calls(code).unwrap().into_iter().map(|(p, op, _)| format!("{p}:{op}")).collect();
    assert_eq!(ops, ["codebuild:batch_get_reports", "codepipeline:rollback_stage"]);
    let hidden = "letc=make_client();c.list_rule_executions().pipeline_name(n).send()";
    assert!(checked_calls(hidden).unwrap_err().contains("list_rule_executions"));
}

#[test]
fn every_sdk_call_in_src_aws_is_allowed_by_the_policy() {
    let calls = sdk_calls();
    // The scan must see the calls we know of, or it checks nothing.
    for known in
        [("s3", "put_object"), ("s3", "head_object"), ("logs", "get_log_events"), ("codebuild", "batch_get_builds")]
    {
        assert!(calls.contains(&(known.0.to_string(), known.1.to_string())), "scan missed {known:?}: {calls:?}");
    }
    assert!(calls.len() >= 12, "only {} SDK calls found: {calls:?}", calls.len());
    let granted = policy_actions(&policy());
    let missing: Vec<_> = calls
        .iter()
        .filter_map(|(p, op)| iam_action(p, op).map(|a| (op, a)))
        .filter(|(_, action)| !granted.contains(action))
        .collect();
    assert!(missing.is_empty(), "assets/aws/iam-policy.json lacks actions for these calls: {missing:?}");
    if calls.contains(&("s3".into(), "head_object".into())) {
        assert!(granted.contains("s3:ListBucket"), "HeadObject of a missing key needs s3:ListBucket to answer 404");
    }
}

#[test]
fn the_policy_grants_nothing_pipewatch_does_not_call() {
    let called: BTreeSet<String> = sdk_calls().iter().filter_map(|(p, op)| iam_action(p, op)).collect();
    let known: BTreeSet<String> =
        called.iter().cloned().chain(NOT_YET_CALLED.iter().chain(COMPANIONS).map(|a| a.to_string())).collect();
    let extra: Vec<_> = policy_actions(&policy()).into_iter().filter(|a| !known.contains(a)).collect();
    assert!(extra.is_empty(), "the policy grants actions pipewatch never calls: {extra:?}");
    // Once called, an action leaves NOT_YET_CALLED: the list stays the truth.
    let stale: Vec<_> = NOT_YET_CALLED.iter().filter(|a| called.contains(**a)).collect();
    assert!(stale.is_empty(), "called now, so remove from NOT_YET_CALLED: {stale:?}");
}

#[test]
fn the_policy_is_split_into_read_only_push_and_control_statements() {
    let policy = policy();
    assert_eq!(policy["Version"], "2012-10-17");
    let mut sids = BTreeSet::new();
    for s in statements(&policy) {
        let sid = s["Sid"].as_str().expect("every statement has a Sid");
        assert!(sids.insert(sid.to_string()), "duplicate Sid {sid}");
        assert_eq!(s["Effect"], "Allow", "{sid}");
        assert!(!s["Resource"].is_null(), "{sid} has no Resource");
        for action in strings(&s["Action"]) {
            let (prefix, name) = action.split_once(':').unwrap();
            assert!(CLIENTS.iter().any(|(_, p)| *p == prefix), "{sid}: unexpected service in {action}");
            assert!(!name.contains('*'), "{sid}: wildcard action {action}");
        }
        if sid.starts_with("ReadOnly") {
            for action in strings(&s["Action"]) {
                let name = action.split_once(':').unwrap().1;
                let read = ["Get", "List", "BatchGet", "Describe", "Filter"].iter().any(|p| name.starts_with(p));
                assert!(read, "{sid} is read-only but grants {action}");
            }
        } else {
            assert!(
                sid.starts_with("Push") || sid.starts_with("Control"),
                "Sid {sid} is neither ReadOnly, Push nor Control"
            );
            // Writes are scoped to named resources, never to everything.
            assert!(!strings(&s["Resource"]).iter().any(|r| r == "*"), "{sid} applies to every resource");
        }
    }
    for part in ["ReadOnly", "Push", "Control"] {
        assert!(sids.iter().any(|s| s.starts_with(part)), "no {part} statement in {sids:?}");
    }
}

// --- the template ----------------------------------------------------------

fn resources(t: &Yaml) -> &yaml_serde::Mapping {
    t["Resources"].as_mapping().unwrap()
}

fn of_type<'a>(t: &'a Yaml, ty: &str) -> Vec<(&'a str, &'a Yaml)> {
    resources(t).iter().filter(|(_, r)| r["Type"] == ty).map(|(k, r)| (k.as_str().unwrap(), r)).collect()
}

fn resource<'a>(t: &'a Yaml, name: &str) -> &'a Yaml {
    resources(t).get(name).unwrap_or_else(|| panic!("no resource {name}"))
}

/// The logical id a `{Ref: X}` points at.
fn ref_of(v: &Yaml) -> &str {
    v["Ref"].as_str().unwrap_or_else(|| panic!("expected a Ref, got {v:?}"))
}

fn pipeline(t: &Yaml) -> &Yaml {
    let pipelines = of_type(t, "AWS::CodePipeline::Pipeline");
    assert_eq!(pipelines.len(), 1);
    &pipelines[0].1["Properties"]
}

/// Stage name -> its single action.
fn stage_actions(t: &Yaml) -> BTreeMap<String, &Yaml> {
    let mut out = BTreeMap::new();
    for stage in pipeline(t)["Stages"].as_sequence().unwrap() {
        let actions = stage["Actions"].as_sequence().unwrap();
        assert_eq!(actions.len(), 1, "{stage:?}");
        out.insert(stage["Name"].as_str().unwrap().to_string(), &actions[0]);
    }
    out
}

#[test]
fn the_template_builds_a_v2_pipeline_source_build_approve_deploy() {
    let t = template();
    let p = pipeline(&t);
    assert_eq!(p["PipelineType"], "V2");
    assert_eq!(p["ExecutionMode"], "SUPERSEDED");
    let names: Vec<_> = p["Stages"].as_sequence().unwrap().iter().map(|s| s["Name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Source", "Build", "Approve", "Deploy"]);
    let actions = stage_actions(&t);
    let kind = |stage: &str| {
        let id = &actions[stage]["ActionTypeId"];
        (id["Category"].as_str().unwrap(), id["Owner"].as_str().unwrap(), id["Provider"].as_str().unwrap())
    };
    assert_eq!(kind("Source"), ("Source", "AWS", "S3"));
    assert_eq!(kind("Build"), ("Build", "AWS", "CodeBuild"));
    assert_eq!(kind("Approve"), ("Approval", "AWS", "Manual"));
    assert_eq!(kind("Deploy"), ("Build", "AWS", "CodeBuild"));
    // EventBridge starts runs; polling as well would start each one twice.
    let source = &actions["Source"]["Configuration"];
    assert!(source["PollForSourceChanges"] == false || source["PollForSourceChanges"] == "false");
    assert_eq!(ref_of(&source["S3ObjectKey"]), "SourceObjectKey");
    assert_eq!(t["Parameters"]["PipelineName"]["Default"], "mlops-demo");
    assert_eq!(t["Parameters"]["SourceObjectKey"]["Default"], "workspace.zip");
}

#[test]
fn the_build_project_runs_model_buildspec_from_the_source_zip() {
    let t = template();
    let actions = stage_actions(&t);
    let build = resource(&t, ref_of(&actions["Build"]["Configuration"]["ProjectName"]));
    assert_eq!(build["Type"], "AWS::CodeBuild::Project");
    let source = &build["Properties"]["Source"];
    assert_eq!(source["Type"], "CODEPIPELINE");
    assert_eq!(source["BuildSpec"], "model/buildspec.yml");
    // The demo workspace pushed to this pipeline has that buildspec.
    assert!(harness::repo_root().join("assets/demo-workspace/model/buildspec.yml").is_file());
    let deploy = ref_of(&actions["Deploy"]["Configuration"]["ProjectName"]);
    assert_ne!(deploy, ref_of(&actions["Build"]["Configuration"]["ProjectName"]), "Deploy has its own project");
    assert_eq!(resource(&t, deploy)["Type"], "AWS::CodeBuild::Project");
}

#[test]
fn an_upload_to_the_versioned_source_bucket_starts_the_pipeline() {
    let t = template();
    let actions = stage_actions(&t);
    let bucket_id = ref_of(&actions["Source"]["Configuration"]["S3Bucket"]);
    let bucket = &resource(&t, bucket_id)["Properties"];
    assert_eq!(bucket["VersioningConfiguration"]["Status"], "Enabled");
    assert_eq!(bucket["NotificationConfiguration"]["EventBridgeConfiguration"]["EventBridgeEnabled"], true);

    let rules = of_type(&t, "AWS::Events::Rule");
    assert_eq!(rules.len(), 1);
    let rule = &rules[0].1["Properties"];
    let pattern = &rule["EventPattern"];
    assert_eq!(pattern["source"][0], "aws.s3");
    assert_eq!(pattern["detail-type"][0], "Object Created");
    assert_eq!(ref_of(&pattern["detail"]["bucket"]["name"][0]), bucket_id);
    assert_eq!(ref_of(&pattern["detail"]["object"]["key"][0]), "SourceObjectKey");
    let target = &rule["Targets"][0];
    assert!(target["Arn"]["Fn::Sub"].as_str().unwrap().contains(":codepipeline:"), "{target:?}");
    // The rule's role may start the pipeline and do nothing else.
    let role_id = target["RoleArn"]["Fn::GetAtt"][0].as_str().unwrap();
    let role = &resource(&t, role_id)["Properties"];
    let statements = role["Policies"][0]["PolicyDocument"]["Statement"].as_sequence().unwrap();
    let granted: Vec<_> = statements.iter().map(|s| s["Action"].clone()).collect();
    assert_eq!(granted, [Yaml::from("codepipeline:StartPipelineExecution")]);
}

#[test]
fn the_template_roles_name_their_actions_and_resources() {
    let t = template();
    let roles = of_type(&t, "AWS::IAM::Role");
    assert!(roles.len() >= 4, "{roles:?}");
    for (name, role) in roles {
        for policy in role["Properties"]["Policies"].as_sequence().unwrap() {
            for s in policy["PolicyDocument"]["Statement"].as_sequence().unwrap() {
                let actions: Vec<&str> = match &s["Action"] {
                    Yaml::String(a) => vec![a.as_str()],
                    Yaml::Sequence(list) => list.iter().map(|a| a.as_str().unwrap()).collect(),
                    other => panic!("{name}: Action {other:?}"),
                };
                assert!(actions.iter().all(|a| !a.contains('*')), "{name}: wildcard in {actions:?}");
                assert_ne!(s["Resource"], "*", "{name}: {actions:?} on every resource");
            }
        }
    }
}

#[test]
fn the_policy_is_scoped_to_the_template_default_names() {
    let t = template();
    let actions = stage_actions(&t);
    let bucket_id = ref_of(&actions["Source"]["Configuration"]["S3Bucket"]);
    let bucket_name = resource(&t, bucket_id)["Properties"]["BucketName"]["Fn::Sub"].as_str().unwrap();
    let prefix = bucket_name.strip_suffix("${AWS::AccountId}-${AWS::Region}").unwrap();
    let prefix = prefix.replace("${PipelineName}", "mlops-demo");
    let policy = policy();
    let resources_of = |sid: &str| {
        let s = statements(&policy).iter().find(|s| s["Sid"] == sid).unwrap_or_else(|| panic!("no {sid}"));
        strings(&s["Resource"])
    };
    assert_eq!(resources_of("PushSourceBucket"), [format!("arn:aws:s3:::{prefix}*")]);
    assert_eq!(resources_of("PushSourceObject"), [format!("arn:aws:s3:::{prefix}*/*")]);
    assert_eq!(
        resources_of("ControlPipeline"),
        ["arn:aws:codepipeline:*:*:mlops-demo", "arn:aws:codepipeline:*:*:mlops-demo/*"]
    );
}

/// The pipewatch commands the template outputs and assets/aws/README.md shows parse.
#[test]
fn the_commands_the_template_and_readme_suggest_parse() {
    let t = template();
    let mut commands: Vec<String> = ["PushCommand", "WatchCommand"]
        .iter()
        .map(|o| {
            let sub = t["Outputs"][o]["Value"]["Fn::Sub"].as_str().unwrap();
            sub.replace("${Pipeline}", "mlops-demo").replace("${AWS::Region}", "us-east-1")
        })
        .collect();
    let readme = std::fs::read_to_string(harness::repo_root().join("assets/aws/README.md")).unwrap();
    let shown: Vec<String> = readme.lines().filter(|l| l.starts_with("pipewatch ")).map(str::to_string).collect();
    assert_eq!(shown.len(), 2, "{shown:?}");
    commands.extend(shown);
    for command in commands {
        assert!(!command.contains("${"), "unsubstituted: {command}");
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let out = harness::pipewatch(&args).arg("--help").run();
        assert!(out.status.success(), "`{command}` does not parse: {}", String::from_utf8_lossy(&out.stderr));
    }
}
