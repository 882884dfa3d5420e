//! GetObject and HeadObject: version ids, `partNumber`, delete markers.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketVersioningStatus, CompletedMultipartUpload, CompletedPart, Delete, ObjectIdentifier, VersioningConfiguration,
};

use super::{body, code, element, header, put, status};
use crate::awscli::venv_bin;
use crate::harness::{self, Cli};

async fn versioned(s3: &aws_sdk_s3::Client, bucket: &str) {
    s3.create_bucket().bucket(bucket).send().await.unwrap();
    let conf = VersioningConfiguration::builder().status(BucketVersioningStatus::Enabled).build();
    s3.put_bucket_versioning().bucket(bucket).versioning_configuration(conf).send().await.unwrap();
}

/// S3 API Reference, "List of error codes": a version id S3 cannot parse is
/// 400 InvalidArgument "Invalid version id specified" (with ArgumentName and
/// ArgumentValue); only a well-formed id that names nothing is NoSuchVersion.
#[tokio::test]
async fn malformed_version_ids_are_invalid_arguments() {
    let env = harness::start().await;
    let s3 = env.s3();
    versioned(&s3, "vid-bucket").await;
    put(&s3, "vid-bucket", "k", b"x").await;

    let err = s3.get_object().bucket("vid-bucket").key("k").version_id("not-a-version").send().await.unwrap_err();
    assert_eq!((status(&err), code(&err)), (400, "InvalidArgument".to_string()));
    let doc = body(&err);
    assert_eq!(element(&doc, "Message").as_deref(), Some("Invalid version id specified"));
    assert_eq!(element(&doc, "ArgumentName").as_deref(), Some("versionId"));
    assert_eq!(element(&doc, "ArgumentValue").as_deref(), Some("not-a-version"));
    let err = s3.head_object().bucket("vid-bucket").key("k").version_id("not-a-version").send().await.unwrap_err();
    assert_eq!(status(&err), 400);
    let err = s3.delete_object().bucket("vid-bucket").key("k").version_id("not-a-version").send().await.unwrap_err();
    assert_eq!(code(&err), "InvalidArgument");
    let err = s3.list_object_versions().bucket("vid-bucket").key_marker("k").version_id_marker("bad").send().await;
    assert_eq!(element(&body(&err.unwrap_err()), "ArgumentName").as_deref(), Some("version-id-marker"));

    let unknown = "0123456789abcdef0123456789abcdef";
    let err = s3.get_object().bucket("vid-bucket").key("k").version_id(unknown).send().await.unwrap_err();
    assert_eq!((status(&err), code(&err)), (404, "NoSuchVersion".to_string()));
    assert_eq!(element(&body(&err), "VersionId").as_deref(), Some(unknown));

    let batch = Delete::builder()
        .objects(ObjectIdentifier::builder().key("k").version_id("not-a-version").build().unwrap())
        .build()
        .unwrap();
    let out = s3.delete_objects().bucket("vid-bucket").delete(batch).send().await.unwrap();
    assert_eq!(out.errors()[0].code(), Some("InvalidArgument"));
    assert!(out.deleted().is_empty());
    assert!(s3.get_object().bucket("vid-bucket").key("k").send().await.is_ok(), "nothing was deleted");

    // awscli gets the same answer.
    let out = Cli::new(venv_bin("aws"))
        .sandbox(&env)
        .args(["s3api", "head-object", "--bucket", "vid-bucket", "--key", "k", "--version-id", "bad"])
        .output()
        .await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("(400)"), "{stderr}");
}

/// S3 API Reference, GetObject and HeadObject, "partNumber": "effectively
/// performs a 'ranged' GET request for the part specified"; PartsCount "is
/// only returned if you specify partNumber in your request and the object was
/// uploaded as a multipart upload". A part beyond the last is 416
/// InvalidPartNumber; an object uploaded whole has one part.
#[tokio::test]
async fn part_number_reads_one_part() {
    let env = harness::start().await;
    let s3 = env.s3();
    s3.create_bucket().bucket("part-bucket").send().await.unwrap();
    let first: Vec<u8> = (0..5 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    let second = b"the tail".to_vec();
    let id = s3.create_multipart_upload().bucket("part-bucket").key("mp").send().await.unwrap();
    let id = id.upload_id().unwrap();
    let mut done = Vec::new();
    for (n, data) in [(1, &first), (2, &second)] {
        let part = s3.upload_part().bucket("part-bucket").key("mp").upload_id(id).part_number(n);
        let out = part.body(ByteStream::from(data.clone())).send().await.unwrap();
        done.push(CompletedPart::builder().part_number(n).e_tag(out.e_tag().unwrap()).build());
    }
    let upload = CompletedMultipartUpload::builder().set_parts(Some(done)).build();
    let complete = s3.complete_multipart_upload().bucket("part-bucket").key("mp").upload_id(id);
    let etag = complete.multipart_upload(upload).send().await.unwrap().e_tag().unwrap().to_string();
    let total = first.len() + second.len();

    let got = s3.get_object().bucket("part-bucket").key("mp").part_number(2).send().await.unwrap();
    assert_eq!(got.parts_count(), Some(2));
    assert_eq!(got.content_range(), Some(format!("bytes {}-{}/{total}", first.len(), total - 1).as_str()));
    assert_eq!(got.e_tag(), Some(etag.as_str()), "the whole object's ETag");
    assert_eq!(got.body.collect().await.unwrap().into_bytes().to_vec(), second);
    let got = s3.get_object().bucket("part-bucket").key("mp").part_number(1).send().await.unwrap();
    assert_eq!(got.content_length(), Some(first.len() as i64));
    assert!(got.body.collect().await.unwrap().into_bytes().to_vec() == first);
    let head = s3.head_object().bucket("part-bucket").key("mp").part_number(2).send().await.unwrap();
    assert_eq!((head.parts_count(), head.content_length()), (Some(2), Some(second.len() as i64)));
    let head = s3.head_object().bucket("part-bucket").key("mp").send().await.unwrap();
    assert_eq!(head.parts_count(), None, "no PartsCount without partNumber");
    assert_eq!(head.content_length(), Some(total as i64));

    let err = s3.get_object().bucket("part-bucket").key("mp").part_number(3).send().await.unwrap_err();
    assert_eq!((status(&err), code(&err)), (416, "InvalidPartNumber".to_string()));
    assert_eq!(element(&body(&err), "ActualPartCount").as_deref(), Some("2"));
    let err = s3.get_object().bucket("part-bucket").key("mp").part_number(0).send().await.unwrap_err();
    assert_eq!(code(&err), "InvalidArgument");
    let both = s3.get_object().bucket("part-bucket").key("mp").part_number(1).range("bytes=0-1").send().await;
    assert_eq!(code(&both.unwrap_err()), "InvalidRequest");

    put(&s3, "part-bucket", "whole", b"hello world").await;
    let got = s3.get_object().bucket("part-bucket").key("whole").part_number(1).send().await.unwrap();
    assert_eq!((got.parts_count(), got.content_range()), (None, Some("bytes 0-10/11")));
    assert_eq!(got.body.collect().await.unwrap().into_bytes().as_ref(), b"hello world");
    let err = s3.head_object().bucket("part-bucket").key("whole").part_number(2).send().await.unwrap_err();
    assert_eq!(status(&err), 416);

    // awscli's head-object --part-number reads PartsCount the same way.
    let out = Cli::new(venv_bin("aws"))
        .sandbox(&env)
        .args(["--output", "json", "s3api", "head-object", "--bucket", "part-bucket", "--key", "mp"])
        .args(["--part-number", "1"])
        .output()
        .await;
    let head: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((head["PartsCount"].as_i64(), head["ContentLength"].as_u64()), (Some(2), Some(first.len() as u64)));
}

/// S3 API Reference, HeadObject and GetObject: a versionId naming a delete
/// marker is 405 Method Not Allowed, with x-amz-delete-marker, Last-Modified
/// and `Allow: DELETE` (the one method that applies to a delete marker).
#[tokio::test]
async fn a_delete_marker_version_allows_only_delete() {
    let env = harness::start().await;
    let s3 = env.s3();
    versioned(&s3, "dm-bucket").await;
    put(&s3, "dm-bucket", "k", b"x").await;
    let marker = s3.delete_object().bucket("dm-bucket").key("k").send().await.unwrap();
    let marker = marker.version_id().unwrap().to_string();

    let err = s3.head_object().bucket("dm-bucket").key("k").version_id(&marker).send().await.unwrap_err();
    assert_eq!(status(&err), 405);
    assert_eq!(header(&err, "allow").as_deref(), Some("DELETE"));
    assert_eq!(header(&err, "x-amz-delete-marker").as_deref(), Some("true"));
    assert_eq!(header(&err, "x-amz-version-id"), Some(marker.clone()));
    assert!(header(&err, "last-modified").is_some());
    let err = s3.get_object().bucket("dm-bucket").key("k").version_id(&marker).send().await.unwrap_err();
    assert_eq!((status(&err), code(&err)), (405, "MethodNotAllowed".to_string()));
    assert_eq!(header(&err, "allow").as_deref(), Some("DELETE"));

    let err = s3.head_object().bucket("dm-bucket").key("k").send().await.unwrap_err();
    assert_eq!(status(&err), 404, "the latest version being a marker is a missing key");
    assert_eq!(header(&err, "x-amz-delete-marker").as_deref(), Some("true"));
    assert_eq!(header(&err, "allow"), None);
    s3.delete_object().bucket("dm-bucket").key("k").version_id(&marker).send().await.expect("DELETE is allowed");
    assert!(s3.head_object().bucket("dm-bucket").key("k").send().await.is_ok(), "the object is back");
}
