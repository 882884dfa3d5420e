//! Error documents carry the elements S3 adds for each code.

use super::{body, code, element, header, put, status};
use crate::harness;

/// S3 API Reference, "Error responses" and "List of error codes": besides
/// Code, Message, Resource and RequestId, S3 names what an error refers to:
/// BucketName (NoSuchBucket, BucketNotEmpty), Key (NoSuchKey), UploadId
/// (NoSuchUpload), ArgumentName/ArgumentValue (InvalidArgument),
/// RangeRequested/ActualObjectSize (InvalidRange).
#[tokio::test]
async fn error_documents_name_what_they_refer_to() {
    let env = harness::start().await;
    let s3 = env.s3();
    let err = s3.get_object().bucket("absent-bucket").key("k").send().await.unwrap_err();
    assert_eq!(code(&err), "NoSuchBucket");
    let doc = body(&err);
    assert_eq!(element(&doc, "BucketName").as_deref(), Some("absent-bucket"), "{doc}");
    assert!(element(&doc, "RequestId").is_some() && element(&doc, "Message").is_some(), "{doc}");
    let err = s3.list_objects_v2().bucket("absent-bucket").send().await.unwrap_err();
    assert_eq!(element(&body(&err), "BucketName").as_deref(), Some("absent-bucket"));

    s3.create_bucket().bucket("full-bucket").send().await.unwrap();
    put(&s3, "full-bucket", "dir/k", b"hello world").await;
    let err = s3.delete_bucket().bucket("full-bucket").send().await.unwrap_err();
    assert_eq!((status(&err), code(&err)), (409, "BucketNotEmpty".to_string()));
    assert_eq!(element(&body(&err), "BucketName").as_deref(), Some("full-bucket"));

    let err = s3.get_object().bucket("full-bucket").key("dir/none").send().await.unwrap_err();
    assert_eq!(element(&body(&err), "Key").as_deref(), Some("dir/none"));

    let upload = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let err = s3.abort_multipart_upload().bucket("full-bucket").key("k").upload_id(upload).send().await.unwrap_err();
    assert_eq!((status(&err), code(&err)), (404, "NoSuchUpload".to_string()));
    assert_eq!(element(&body(&err), "UploadId").as_deref(), Some(upload));

    let err = s3.list_objects_v2().bucket("full-bucket").max_keys(-1).send().await.unwrap_err();
    assert_eq!(code(&err), "InvalidArgument");
    let doc = body(&err);
    assert_eq!(element(&doc, "ArgumentName").as_deref(), Some("max-keys"));
    assert_eq!(element(&doc, "ArgumentValue").as_deref(), Some("-1"));

    let err = s3.get_object().bucket("full-bucket").key("dir/k").range("bytes=100-").send().await.unwrap_err();
    assert_eq!((status(&err), code(&err)), (416, "InvalidRange".to_string()));
    let doc = body(&err);
    assert_eq!(element(&doc, "RangeRequested").as_deref(), Some("bytes=100-"));
    assert_eq!(element(&doc, "ActualObjectSize").as_deref(), Some("11"));
    assert_eq!(header(&err, "content-range").as_deref(), Some("bytes */11"));
}
