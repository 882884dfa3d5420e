//! SHA-1 and SHA-256 additional checksums: checked on upload, kept, and
//! returned with `x-amz-checksum-mode: ENABLED`.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, ChecksumMode, ChecksumType, CompletedMultipartUpload, CompletedPart};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::{aws, body, code, element, status};
use crate::harness;

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// S3 API Reference, PutObject (x-amz-checksum-sha1, x-amz-checksum-sha256:
/// a mismatch is 400 BadDigest) and GetObject/HeadObject (ChecksumSHA1,
/// ChecksumSHA256 "only present if the checksum was uploaded with the object",
/// with x-amz-checksum-mode ENABLED), through the SDK and awscli.
#[tokio::test]
async fn sha_checksums_are_checked_kept_and_returned() {
    let env = harness::start().await;
    let s3 = env.s3();
    s3.create_bucket().bucket("sum-bucket").send().await.unwrap();
    let data = b"checksummed content".to_vec();
    let sha256 = b64(&Sha256::digest(&data));
    let sha1 = b64(&Sha1::digest(&data));

    let put = s3.put_object().bucket("sum-bucket").key("s256").checksum_algorithm(ChecksumAlgorithm::Sha256);
    let put = put.body(ByteStream::from(data.clone())).send().await.unwrap();
    assert_eq!(put.checksum_sha256(), Some(sha256.as_str()));
    let got = s3.get_object().bucket("sum-bucket").key("s256").checksum_mode(ChecksumMode::Enabled).send().await;
    let got = got.unwrap();
    assert_eq!((got.checksum_sha256(), got.checksum_crc32()), (Some(sha256.as_str()), None));
    assert_eq!(got.checksum_type(), Some(&ChecksumType::FullObject));
    assert_eq!(got.body.collect().await.unwrap().into_bytes().to_vec(), data, "the SDK checked it against the body");
    let head = s3.head_object().bucket("sum-bucket").key("s256").checksum_mode(ChecksumMode::Enabled).send().await;
    assert_eq!(head.unwrap().checksum_sha256(), Some(sha256.as_str()));
    let head = s3.head_object().bucket("sum-bucket").key("s256").send().await.unwrap();
    assert_eq!(head.checksum_sha256(), None, "only with checksum mode");

    let put = s3.put_object().bucket("sum-bucket").key("s1").checksum_algorithm(ChecksumAlgorithm::Sha1);
    let put = put.body(ByteStream::from(data.clone())).send().await.unwrap();
    assert_eq!(put.checksum_sha1(), Some(sha1.as_str()));
    let head = s3.head_object().bucket("sum-bucket").key("s1").checksum_mode(ChecksumMode::Enabled).send().await;
    assert_eq!(head.unwrap().checksum_sha1(), Some(sha1.as_str()));

    for (algorithm, wrong) in [("sha1", b64(&Sha1::digest(b"other"))), ("sha256", b64(&Sha256::digest(b"other")))] {
        let put = s3.put_object().bucket("sum-bucket").key(format!("bad-{algorithm}"));
        let put = if algorithm == "sha1" { put.checksum_sha1(&wrong) } else { put.checksum_sha256(&wrong) };
        let err = put.body(ByteStream::from(data.clone())).send().await.unwrap_err();
        assert_eq!((status(&err), code(&err)), (400, "BadDigest".to_string()), "{algorithm}");
        assert!(element(&body(&err), "Message").unwrap().contains(&algorithm.to_ascii_uppercase()));
        let gone = s3.head_object().bucket("sum-bucket").key(format!("bad-{algorithm}")).send().await;
        assert!(gone.is_err(), "a rejected {algorithm} body is not stored");
    }

    // awscli v1 sends SHA-1 and reads it back the same way.
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &data).unwrap();
    let path = file.path().to_str().unwrap();
    let put = ["s3api", "put-object", "--bucket", "sum-bucket", "--key", "cli", "--body", path];
    aws(&env, &[&put[..], &["--checksum-algorithm", "SHA1"]].concat()).await;
    let head =
        aws(&env, &["s3api", "head-object", "--bucket", "sum-bucket", "--key", "cli", "--checksum-mode", "ENABLED"]);
    let head: serde_json::Value = serde_json::from_str(&head.await).unwrap();
    assert_eq!(head["ChecksumSHA1"], sha1.as_str());
}

/// S3 User Guide, "Checking object integrity" and S3 API Reference,
/// CreateMultipartUpload/UploadPart/CompleteMultipartUpload: an upload created
/// with SHA256 takes SHA-256 part checksums (another type is InvalidRequest
/// "Checksum Type mismatch"), its completion must name each part's checksum,
/// and the object's checksum is COMPOSITE: the SHA-256 of the parts'
/// digests, `-N`.
#[tokio::test]
async fn sha256_multipart_uploads_get_a_composite_checksum() {
    let env = harness::start().await;
    let s3 = env.s3();
    s3.create_bucket().bucket("mpsum-bucket").send().await.unwrap();
    let parts = [vec![3u8; 5 * 1024 * 1024], b"last part".to_vec()];
    let create = s3.create_multipart_upload().bucket("mpsum-bucket").key("obj");
    let create = create.checksum_algorithm(ChecksumAlgorithm::Sha256).send().await.unwrap();
    assert_eq!(create.checksum_algorithm(), Some(&ChecksumAlgorithm::Sha256));
    let id = create.upload_id().unwrap();
    let upload = |n: i32, data: &Vec<u8>, algorithm: ChecksumAlgorithm| {
        s3.upload_part()
            .bucket("mpsum-bucket")
            .key("obj")
            .upload_id(id)
            .part_number(n)
            .checksum_algorithm(algorithm)
            .body(ByteStream::from(data.clone()))
            .send()
    };
    let err = upload(1, &parts[0], ChecksumAlgorithm::Crc32).await.unwrap_err();
    assert_eq!(code(&err), "InvalidRequest");
    assert!(element(&body(&err), "Message").unwrap().contains("expected checksum Type: sha256"));

    let mut done = Vec::new();
    let mut digests = Vec::new();
    for (i, data) in parts.iter().enumerate() {
        let out = upload(i as i32 + 1, data, ChecksumAlgorithm::Sha256).await.unwrap();
        let digest = b64(&Sha256::digest(data));
        assert_eq!(out.checksum_sha256(), Some(digest.as_str()));
        digests.extend(Sha256::digest(data));
        done.push((i as i32 + 1, out.e_tag().unwrap().to_string(), digest));
    }
    let complete = |with_sums: bool| {
        let list = done
            .iter()
            .map(|(n, etag, sum)| {
                let p = CompletedPart::builder().part_number(*n).e_tag(etag);
                if with_sums { p.checksum_sha256(sum) } else { p }.build()
            })
            .collect();
        let upload = CompletedMultipartUpload::builder().set_parts(Some(list)).build();
        s3.complete_multipart_upload().bucket("mpsum-bucket").key("obj").upload_id(id).multipart_upload(upload).send()
    };
    let err = complete(false).await.unwrap_err();
    assert_eq!(code(&err), "InvalidRequest");
    assert!(element(&body(&err), "Message").unwrap().contains("missing for part 1"));

    let out = complete(true).await.unwrap();
    let composite = format!("{}-2", b64(&Sha256::digest(&digests)));
    assert_eq!(out.checksum_sha256(), Some(composite.as_str()));
    assert_eq!(out.checksum_type(), Some(&ChecksumType::Composite));
    let head = s3.head_object().bucket("mpsum-bucket").key("obj").checksum_mode(ChecksumMode::Enabled).send().await;
    let head = head.unwrap();
    assert_eq!(head.checksum_sha256(), Some(composite.as_str()));
    assert_eq!(head.checksum_type(), Some(&ChecksumType::Composite));
    let got = s3.get_object().bucket("mpsum-bucket").key("obj").checksum_mode(ChecksumMode::Enabled).send().await;
    assert!(got.unwrap().body.collect().await.unwrap().into_bytes().to_vec() == parts.concat());
}
