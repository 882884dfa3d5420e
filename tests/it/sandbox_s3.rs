//! The sandbox's S3 through the real SDK client: buckets, versioning, objects
//! streamed from files, multipart uploads and S3's error codes.

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketVersioningStatus, ChecksumMode, CompletedMultipartUpload, CompletedPart, VersioningConfiguration,
};
use md5::{Digest, Md5};

use crate::harness;

fn code<E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(err: SdkError<E, R>) -> String {
    match err {
        SdkError::ServiceError(e) => e.err().code().unwrap_or("<none>").to_string(),
        other => panic!("expected a service error, got {other:?}"),
    }
}

fn status<E>(err: &SdkError<E, aws_sdk_s3::config::http::HttpResponse>) -> u16 {
    err.raw_response().map(|r| r.status().as_u16()).unwrap_or(0)
}

/// Deterministic bytes that are not all the same (so offsets matter).
fn pattern(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

async fn body_of(out: aws_sdk_s3::operation::get_object::GetObjectOutput) -> Vec<u8> {
    out.body.collect().await.unwrap().into_bytes().to_vec()
}

async fn versioned_bucket(s3: &aws_sdk_s3::Client, name: &str) {
    s3.create_bucket().bucket(name).send().await.unwrap();
    let conf = VersioningConfiguration::builder().status(BucketVersioningStatus::Enabled).build();
    s3.put_bucket_versioning().bucket(name).versioning_configuration(conf).send().await.unwrap();
}

#[tokio::test]
async fn buckets_and_versioning_states() {
    let env = harness::start().await;
    let s3 = env.s3();
    let demo = s3.get_bucket_versioning().bucket("pipewatch-demo-source").send().await.unwrap();
    assert_eq!(demo.status(), Some(&BucketVersioningStatus::Enabled));

    s3.create_bucket().bucket("plain-bucket").send().await.unwrap();
    // S3 API Reference, BucketAlreadyOwnedByYou: re-creating an owned bucket
    // in us-east-1 is 200 OK (other Regions: tests/it/s3_conformance/buckets.rs).
    let again = s3.create_bucket().bucket("plain-bucket").send().await;
    assert!(again.is_ok(), "{again:?}");
    assert_eq!(code(s3.create_bucket().bucket("Bad_Name").send().await.unwrap_err()), "InvalidBucketName");

    let names: Vec<String> =
        s3.list_buckets().send().await.unwrap().buckets().iter().filter_map(|b| b.name().map(str::to_string)).collect();
    assert!(
        names.contains(&"plain-bucket".to_string()) && names.contains(&"pipewatch-demo-source".to_string()),
        "{names:?}"
    );

    let never = s3.get_bucket_versioning().bucket("plain-bucket").send().await.unwrap();
    assert_eq!(never.status(), None);
    for state in [BucketVersioningStatus::Enabled, BucketVersioningStatus::Suspended] {
        let conf = VersioningConfiguration::builder().status(state.clone()).build();
        s3.put_bucket_versioning().bucket("plain-bucket").versioning_configuration(conf).send().await.unwrap();
        let got = s3.get_bucket_versioning().bucket("plain-bucket").send().await.unwrap();
        assert_eq!(got.status(), Some(&state));
    }
    assert_eq!(code(s3.get_bucket_versioning().bucket("nope-bucket").send().await.unwrap_err()), "NoSuchBucket");
    s3.head_bucket().bucket("plain-bucket").send().await.unwrap();
}

#[tokio::test]
async fn small_put_keeps_metadata_and_unversioned_buckets_overwrite() {
    let env = harness::start().await;
    let s3 = env.s3();
    s3.create_bucket().bucket("meta-bucket").send().await.unwrap();
    let key = "dir/hello world+1.txt";
    let put = s3
        .put_object()
        .bucket("meta-bucket")
        .key(key)
        .body(ByteStream::from_static(b"hello world"))
        .content_type("text/plain")
        .metadata("owner", "pipewatch")
        .metadata("codepipeline-artifact-revision-summary", "first")
        .send()
        .await
        .unwrap();
    assert_eq!(put.e_tag(), Some("\"5eb63bbbe01eeed093cb22bb8f5acdc3\""));
    assert_eq!(put.version_id(), None, "a never-versioned bucket reports no version id");
    assert_eq!(put.checksum_crc32(), Some("DUoRhQ=="));

    let head = s3.head_object().bucket("meta-bucket").key(key).send().await.unwrap();
    assert_eq!(head.content_length(), Some(11));
    assert_eq!(head.content_type(), Some("text/plain"));
    assert_eq!(head.e_tag(), Some("\"5eb63bbbe01eeed093cb22bb8f5acdc3\""));
    assert_eq!(head.metadata().unwrap().get("owner").map(String::as_str), Some("pipewatch"));
    assert!(head.last_modified().is_some());

    let got = s3.get_object().bucket("meta-bucket").key(key).send().await.unwrap();
    assert_eq!(
        got.metadata().unwrap().get("codepipeline-artifact-revision-summary").map(String::as_str),
        Some("first")
    );
    assert_eq!(body_of(got).await, b"hello world");

    s3.put_object().bucket("meta-bucket").key(key).body(ByteStream::from_static(b"second")).send().await.unwrap();
    let got = s3.get_object().bucket("meta-bucket").key(key).send().await.unwrap();
    assert!(got.metadata().unwrap().is_empty(), "an overwrite replaces the metadata");
    assert_eq!(body_of(got).await, b"second");
    let versions = s3.list_object_versions().bucket("meta-bucket").send().await.unwrap();
    let ids: Vec<_> = versions.versions().iter().map(|v| v.version_id().unwrap_or("")).collect();
    assert_eq!(ids, vec!["null"], "the null version was replaced, not kept");
}

#[tokio::test]
async fn file_upload_streams_round_trip_and_ranges() {
    let env = harness::start().await;
    let s3 = env.s3();
    s3.create_bucket().bucket("big-bucket").send().await.unwrap();
    let data = pattern(3 * 1024 * 1024 + 17, 7);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upload.bin");
    std::fs::write(&path, &data).unwrap();
    let put = s3
        .put_object()
        .bucket("big-bucket")
        .key("blob.bin")
        .body(ByteStream::from_path(&path).await.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(put.e_tag().unwrap(), format!("\"{}\"", hex::encode(Md5::digest(&data))));

    let got =
        s3.get_object().bucket("big-bucket").key("blob.bin").checksum_mode(ChecksumMode::Enabled).send().await.unwrap();
    assert_eq!(got.content_length(), Some(data.len() as i64));
    assert!(got.checksum_crc32().is_some(), "checksum mode returns the stored CRC32");
    assert!(body_of(got).await == data, "body differs");
    // The SDK asks for checksums by default; one that does not must not get them.
    let conf = aws_sdk_s3::config::Builder::from(&env.sdk)
        .force_path_style(true)
        .response_checksum_validation(aws_sdk_s3::config::ResponseChecksumValidation::WhenRequired)
        .build();
    let no_checksums = aws_sdk_s3::Client::from_conf(conf);
    let plain = no_checksums.get_object().bucket("big-bucket").key("blob.bin").send().await.unwrap();
    assert_eq!(plain.checksum_crc32(), None, "no checksum without x-amz-checksum-mode");

    let part = s3.get_object().bucket("big-bucket").key("blob.bin").range("bytes=1000-1999").send().await.unwrap();
    assert_eq!(part.content_range(), Some(format!("bytes 1000-1999/{}", data.len()).as_str()));
    assert!(body_of(part).await == data[1000..2000]);

    let file = pipewatch::sandbox::lock(&env.sandbox.shared.s3)
        .object_file("big-bucket", "blob.bin", None)
        .expect("object file");
    assert!(std::fs::read(file).unwrap() == data, "the engine sees the same bytes on disk");
}

#[tokio::test]
async fn versioned_bucket_keeps_every_version_newest_first() {
    let env = harness::start().await;
    let s3 = env.s3();
    versioned_bucket(&s3, "ver-bucket").await;
    let mut ids = Vec::new();
    for body in ["one", "two", "three"] {
        let put = s3
            .put_object()
            .bucket("ver-bucket")
            .key("k")
            .body(ByteStream::from_static(body.as_bytes()))
            .send()
            .await
            .unwrap();
        ids.push(put.version_id().expect("versioned put returns an id").to_string());
    }
    s3.put_object().bucket("ver-bucket").key("other").body(ByteStream::from_static(b"x")).send().await.unwrap();
    assert_eq!(ids.iter().collect::<std::collections::HashSet<_>>().len(), 3);

    let listing = s3.list_object_versions().bucket("ver-bucket").prefix("k").send().await.unwrap();
    let seen: Vec<_> =
        listing.versions().iter().map(|v| (v.version_id().unwrap().to_string(), v.is_latest().unwrap())).collect();
    assert_eq!(seen, vec![(ids[2].clone(), true), (ids[1].clone(), false), (ids[0].clone(), false)]);
    assert_eq!(listing.versions()[0].size(), Some(5));

    let old = s3.get_object().bucket("ver-bucket").key("k").version_id(&ids[0]).send().await.unwrap();
    assert_eq!(old.version_id(), Some(ids[0].as_str()));
    assert_eq!(body_of(old).await, b"one");
    let missing = s3
        .get_object()
        .bucket("ver-bucket")
        .key("k")
        .version_id("0123456789abcdef0123456789abcdef")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(missing), "NoSuchVersion");

    // Paging: two entries a page, resuming from the markers.
    let page1 = s3.list_object_versions().bucket("ver-bucket").max_keys(2).send().await.unwrap();
    assert_eq!(page1.is_truncated(), Some(true));
    assert_eq!((page1.next_key_marker(), page1.next_version_id_marker()), (Some("k"), Some(ids[1].as_str())));
    let page2 = s3
        .list_object_versions()
        .bucket("ver-bucket")
        .max_keys(2)
        .key_marker("k")
        .version_id_marker(&ids[1])
        .send()
        .await
        .unwrap();
    let rest: Vec<_> = page2.versions().iter().map(|v| (v.key().unwrap(), v.version_id().unwrap())).collect();
    assert_eq!(rest, vec![("k", ids[0].as_str()), ("other", page2.versions()[1].version_id().unwrap())]);
    assert_eq!(page2.is_truncated(), Some(false));

    // Deleting adds a marker: the key is gone but every version stays readable.
    let del = s3.delete_object().bucket("ver-bucket").key("k").send().await.unwrap();
    assert_eq!(del.delete_marker(), Some(true));
    assert_eq!(code(s3.get_object().bucket("ver-bucket").key("k").send().await.unwrap_err()), "NoSuchKey");
    let listing = s3.list_object_versions().bucket("ver-bucket").prefix("k").send().await.unwrap();
    assert_eq!(listing.delete_markers()[0].is_latest(), Some(true));
    assert_eq!(listing.delete_markers()[0].version_id(), del.version_id());
    let v2 = s3.get_object().bucket("ver-bucket").key("k").version_id(&ids[1]).send().await.unwrap();
    assert_eq!(body_of(v2).await, b"two");
    let keys: Vec<_> = s3
        .list_objects_v2()
        .bucket("ver-bucket")
        .send()
        .await
        .unwrap()
        .contents()
        .iter()
        .map(|o| o.key().unwrap().to_string())
        .collect();
    assert_eq!(keys, vec!["other"]);
}

#[tokio::test]
async fn multipart_upload_round_trip_and_abort() {
    let env = harness::start().await;
    let s3 = env.s3();
    versioned_bucket(&s3, "mp-bucket").await;
    let parts_data = [pattern(5 * 1024 * 1024, 1), pattern(5 * 1024 * 1024, 2), pattern(1234, 3)];
    let create =
        s3.create_multipart_upload().bucket("mp-bucket").key("mp.bin").metadata("kind", "multi").send().await.unwrap();
    let upload_id = create.upload_id().unwrap().to_string();
    let mut completed = Vec::new();
    let mut md5s = Vec::new();
    for (i, data) in parts_data.iter().enumerate() {
        let n = i as i32 + 1;
        let out = s3
            .upload_part()
            .bucket("mp-bucket")
            .key("mp.bin")
            .upload_id(&upload_id)
            .part_number(n)
            .body(ByteStream::from(data.clone()))
            .send()
            .await
            .unwrap();
        assert_eq!(out.e_tag().unwrap(), format!("\"{}\"", hex::encode(Md5::digest(data))));
        md5s.extend_from_slice(&Md5::digest(data));
        completed.push(CompletedPart::builder().part_number(n).e_tag(out.e_tag().unwrap()).build());
    }
    let wrong = CompletedMultipartUpload::builder()
        .parts(CompletedPart::builder().part_number(1).e_tag("\"00\"").build())
        .build();
    let err = s3
        .complete_multipart_upload()
        .bucket("mp-bucket")
        .key("mp.bin")
        .upload_id(&upload_id)
        .multipart_upload(wrong)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(err), "InvalidPart");

    let done = s3
        .complete_multipart_upload()
        .bucket("mp-bucket")
        .key("mp.bin")
        .upload_id(&upload_id)
        .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(completed)).build())
        .send()
        .await
        .unwrap();
    assert_eq!(done.e_tag().unwrap(), format!("\"{}-3\"", hex::encode(Md5::digest(&md5s))));
    assert!(done.version_id().is_some());
    let got = s3.get_object().bucket("mp-bucket").key("mp.bin").send().await.unwrap();
    assert_eq!(got.metadata().unwrap().get("kind").map(String::as_str), Some("multi"));
    assert_eq!(got.e_tag(), done.e_tag());
    assert!(body_of(got).await == parts_data.concat(), "assembled body differs");

    let again = s3
        .complete_multipart_upload()
        .bucket("mp-bucket")
        .key("mp.bin")
        .upload_id(&upload_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(again), "NoSuchUpload", "a completed upload is gone");

    // A small first part may not be followed by another.
    let small = s3.create_multipart_upload().bucket("mp-bucket").key("small").send().await.unwrap();
    let small_id = small.upload_id().unwrap();
    let mut parts = Vec::new();
    for n in 1..=2 {
        let out = s3
            .upload_part()
            .bucket("mp-bucket")
            .key("small")
            .upload_id(small_id)
            .part_number(n)
            .body(ByteStream::from_static(b"tiny"))
            .send()
            .await
            .unwrap();
        parts.push(CompletedPart::builder().part_number(n).e_tag(out.e_tag().unwrap()).build());
    }
    let upload = CompletedMultipartUpload::builder().set_parts(Some(parts)).build();
    let err = s3
        .complete_multipart_upload()
        .bucket("mp-bucket")
        .key("small")
        .upload_id(small_id)
        .multipart_upload(upload)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(err), "EntityTooSmall");

    s3.abort_multipart_upload().bucket("mp-bucket").key("small").upload_id(small_id).send().await.unwrap();
    let err = s3
        .upload_part()
        .bucket("mp-bucket")
        .key("small")
        .upload_id(small_id)
        .part_number(3)
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(err), "NoSuchUpload");
    let err =
        s3.abort_multipart_upload().bucket("mp-bucket").key("small").upload_id(small_id).send().await.unwrap_err();
    assert_eq!(code(err), "NoSuchUpload");
}

#[tokio::test]
async fn errors_carry_s3_codes() {
    let env = harness::start().await;
    let s3 = env.s3();
    s3.create_bucket().bucket("err-bucket").send().await.unwrap();
    assert_eq!(code(s3.get_object().bucket("err-bucket").key("absent").send().await.unwrap_err()), "NoSuchKey");
    assert_eq!(code(s3.get_object().bucket("no-such-bucket").key("k").send().await.unwrap_err()), "NoSuchBucket");
    let put =
        s3.put_object().bucket("no-such-bucket").key("k").body(ByteStream::from_static(b"x")).send().await.unwrap_err();
    assert_eq!(code(put), "NoSuchBucket");
    let head = s3.head_object().bucket("err-bucket").key("absent").send().await.unwrap_err();
    assert_eq!(status(&head), 404);

    let bad = s3
        .put_object()
        .bucket("err-bucket")
        .key("k")
        .body(ByteStream::from_static(b"payload"))
        .checksum_crc32("AAAAAA==")
        .send()
        .await
        .unwrap_err();
    assert_eq!(status(&bad), 400);
    assert_eq!(code(bad), "BadDigest");
    assert_eq!(
        code(s3.get_object().bucket("err-bucket").key("k").send().await.unwrap_err()),
        "NoSuchKey",
        "a rejected body is not stored"
    );
    let good = s3
        .put_object()
        .bucket("err-bucket")
        .key("k")
        .body(ByteStream::from_static(b"payload"))
        .checksum_crc32("QixqFQ==")
        .send()
        .await;
    assert!(good.is_ok(), "{good:?}");
}

#[tokio::test]
async fn list_objects_v2_groups_prefixes_and_pages() {
    let env = harness::start().await;
    let s3 = env.s3();
    s3.create_bucket().bucket("list-bucket").send().await.unwrap();
    for key in ["a/1", "a/2", "b", "c/x/y", "d"] {
        s3.put_object().bucket("list-bucket").key(key).body(ByteStream::from_static(b"z")).send().await.unwrap();
    }
    let top = s3.list_objects_v2().bucket("list-bucket").delimiter("/").send().await.unwrap();
    let keys: Vec<_> = top.contents().iter().map(|o| o.key().unwrap()).collect();
    let prefixes: Vec<_> = top.common_prefixes().iter().map(|p| p.prefix().unwrap()).collect();
    assert_eq!((keys, prefixes), (vec!["b", "d"], vec!["a/", "c/"]));
    assert_eq!(top.key_count(), Some(4));

    let mut all = Vec::new();
    let mut token = None;
    loop {
        let page =
            s3.list_objects_v2().bucket("list-bucket").max_keys(2).set_continuation_token(token).send().await.unwrap();
        all.extend(page.contents().iter().map(|o| o.key().unwrap().to_string()));
        token = page.next_continuation_token().map(str::to_string);
        if page.is_truncated() != Some(true) {
            break;
        }
    }
    assert_eq!(all, vec!["a/1", "a/2", "b", "c/x/y", "d"]);
}
