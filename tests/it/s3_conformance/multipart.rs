//! Multipart uploads: retried completion, UploadPartCopy's routing.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};

use super::{body, code, element, header, put, status};
use crate::harness;

async fn upload(s3: &aws_sdk_s3::Client, bucket: &str, key: &str, parts: &[Vec<u8>]) -> (String, Vec<CompletedPart>) {
    let id =
        s3.create_multipart_upload().bucket(bucket).key(key).send().await.unwrap().upload_id().unwrap().to_string();
    let mut done = Vec::new();
    for (i, data) in parts.iter().enumerate() {
        let n = i as i32 + 1;
        let out = s3
            .upload_part()
            .bucket(bucket)
            .key(key)
            .upload_id(&id)
            .part_number(n)
            .body(ByteStream::from(data.clone()))
            .send()
            .await
            .unwrap();
        done.push(CompletedPart::builder().part_number(n).e_tag(out.e_tag().unwrap()).build());
    }
    (id, done)
}

fn parts(list: &[CompletedPart]) -> CompletedMultipartUpload {
    CompletedMultipartUpload::builder().set_parts(Some(list.to_vec())).build()
}

/// S3 API Reference, CompleteMultipartUpload: applications "should be
/// prepared to retry" a completion; completing an upload again with the same
/// parts answers 200 with the same ETag. Another parts list finds no upload
/// (NoSuchUpload, naming the UploadId in the error document).
#[tokio::test]
async fn completing_twice_answers_the_same() {
    let env = harness::start().await;
    let s3 = env.s3();
    s3.create_bucket().bucket("retry-bucket").send().await.unwrap();
    let conf = aws_sdk_s3::types::VersioningConfiguration::builder()
        .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
        .build();
    s3.put_bucket_versioning().bucket("retry-bucket").versioning_configuration(conf).send().await.unwrap();
    let data = [vec![7u8; 5 * 1024 * 1024], b"tail".to_vec()];
    let (id, list) = upload(&s3, "retry-bucket", "big", &data).await;
    let complete = || {
        s3.complete_multipart_upload().bucket("retry-bucket").key("big").upload_id(&id).multipart_upload(parts(&list))
    };
    let first = complete().send().await.unwrap();
    let again = complete().send().await.expect("a retried completion succeeds");
    assert_eq!(again.e_tag(), first.e_tag());
    assert!(first.e_tag().unwrap().ends_with("-2\""), "{:?}", first.e_tag());
    assert_eq!(again.version_id(), first.version_id());
    assert_eq!((again.bucket(), again.key()), (Some("retry-bucket"), Some("big")));
    let versions = s3.list_object_versions().bucket("retry-bucket").send().await.unwrap();
    assert_eq!(versions.versions().len(), 1, "the retry stored nothing new");

    let other = s3
        .complete_multipart_upload()
        .bucket("retry-bucket")
        .key("big")
        .upload_id(&id)
        .multipart_upload(parts(&list[..1]))
        .send()
        .await
        .unwrap_err();
    assert_eq!((status(&other), code(&other)), (404, "NoSuchUpload".to_string()));
    assert_eq!(element(&body(&other), "UploadId").as_deref(), Some(id.as_str()));
    let elsewhere = s3
        .complete_multipart_upload()
        .bucket("retry-bucket")
        .key("other-key")
        .upload_id(&id)
        .multipart_upload(parts(&list))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&elsewhere), "NoSuchUpload", "the upload belongs to its own key");
}

/// S3 API Reference, UploadPartCopy: a PUT with uploadId, partNumber and
/// x-amz-copy-source. The sandbox does not copy (CopyObject neither), so it
/// answers 501 NotImplemented naming the operation and stores no part.
#[tokio::test]
async fn upload_part_copy_is_not_taken_for_an_upload_part() {
    let env = harness::start().await;
    let s3 = env.s3();
    s3.create_bucket().bucket("copy-bucket").send().await.unwrap();
    put(&s3, "copy-bucket", "source", b"source bytes").await;
    let (id, _) = upload(&s3, "copy-bucket", "dest", &[b"first".to_vec()]).await;
    let err = s3
        .upload_part_copy()
        .bucket("copy-bucket")
        .key("dest")
        .upload_id(&id)
        .part_number(2)
        .copy_source("copy-bucket/source")
        .copy_source_range("bytes=0-5")
        .send()
        .await
        .unwrap_err();
    assert_eq!((status(&err), code(&err)), (501, "NotImplemented".to_string()));
    let doc = body(&err);
    assert!(element(&doc, "Message").unwrap().contains("UploadPartCopy"), "{doc}");
    assert_eq!(element(&doc, "Header").as_deref(), Some("x-amz-copy-source"));
    assert_eq!(header(&err, "content-type").as_deref(), Some("application/xml"));

    let with_copy = [CompletedPart::builder().part_number(2).e_tag("\"anything\"").build()];
    let err = s3
        .complete_multipart_upload()
        .bucket("copy-bucket")
        .key("dest")
        .upload_id(&id)
        .multipart_upload(parts(&with_copy))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidPart", "no part 2 was stored");

    let copy = s3.copy_object().bucket("copy-bucket").key("copy").copy_source("copy-bucket/source").send().await;
    let err = copy.unwrap_err();
    assert_eq!(code(&err), "NotImplemented");
    assert!(element(&body(&err), "Message").unwrap().contains("CopyObject"));
}
