//! Keys are byte strings: whitespace, CR and characters XML or URLs treat
//! specially must survive DeleteObjects and every listing.

use std::collections::BTreeSet;

use aws_sdk_s3::types::{Delete, EncodingType, ObjectIdentifier};

use super::{aws, body, code, element, put, status};
use crate::harness;

fn ids(keys: &[&str]) -> Delete {
    let objects = keys.iter().map(|k| ObjectIdentifier::builder().key(*k).build().unwrap()).collect();
    Delete::builder().set_objects(Some(objects)).build().unwrap()
}

async fn keys_of(s3: &aws_sdk_s3::Client, bucket: &str) -> BTreeSet<String> {
    let out = s3.list_objects_v2().bucket(bucket).send().await.unwrap();
    out.contents().iter().map(|o| o.key().unwrap().to_string()).collect()
}

/// S3 API Reference, DeleteObjects: each `<Key>` names an object; XML keeps
/// the whitespace of element text, so ' lead' and 'lead' are different keys.
#[tokio::test]
async fn delete_objects_keeps_whitespace_in_keys() {
    let env = harness::start().await;
    let s3 = env.s3();
    s3.create_bucket().bucket("ws-bucket").send().await.unwrap();
    for key in [" lead", "trail ", "lead", "trail", "mid dle"] {
        put(&s3, "ws-bucket", key, key.as_bytes()).await;
    }
    // The SDK will not send a key of only whitespace; awscli will.
    let file = tempfile::NamedTempFile::new().unwrap();
    aws(&env, &["s3api", "put-object", "--bucket", "ws-bucket", "--key", " ", "--body", file.path().to_str().unwrap()])
        .await;
    assert!(keys_of(&s3, "ws-bucket").await.contains(" "));
    let out = s3.delete_objects().bucket("ws-bucket").delete(ids(&[" ", " lead", "trail "])).send().await.unwrap();
    let deleted: BTreeSet<_> = out.deleted().iter().map(|d| d.key().unwrap().to_string()).collect();
    assert_eq!(deleted, [" ", " lead", "trail "].map(String::from).into(), "reported under the names sent");
    assert_eq!(keys_of(&s3, "ws-bucket").await, ["lead", "trail", "mid dle"].map(String::from).into());

    // awscli's `s3 rm --recursive` lists (encoding-type=url) and batch-deletes.
    for key in ["dir/ x", "dir/x ", "dir/x"] {
        put(&s3, "ws-bucket", key, b"z").await;
    }
    aws(&env, &["s3", "rm", "s3://ws-bucket/dir/", "--recursive"]).await;
    assert_eq!(keys_of(&s3, "ws-bucket").await, ["lead", "trail", "mid dle"].map(String::from).into());
}

/// S3 API Reference, ListObjectsV2, "EncodingType": XML parsers cannot carry
/// every character of a key; S3 writes a CR as `&#13;` so that it is not read
/// as a line end, and DeleteObjects echoes it the same way.
#[tokio::test]
async fn carriage_returns_in_keys_survive_listings() {
    let env = harness::start().await;
    let s3 = env.s3();
    s3.create_bucket().bucket("cr-bucket").send().await.unwrap();
    let keys = ["cr\rkey", "crlf\r\nkey", "lf\nkey", "tab\tkey"];
    for key in keys {
        put(&s3, "cr-bucket", key, b"x").await;
    }
    assert_eq!(keys_of(&s3, "cr-bucket").await, keys.map(String::from).into());
    let v1 = s3.list_objects().bucket("cr-bucket").send().await.unwrap();
    let listed: BTreeSet<_> = v1.contents().iter().map(|o| o.key().unwrap().to_string()).collect();
    assert_eq!(listed, keys.map(String::from).into());
    let versions = s3.list_object_versions().bucket("cr-bucket").send().await.unwrap();
    let listed: BTreeSet<_> = versions.versions().iter().map(|o| o.key().unwrap().to_string()).collect();
    assert_eq!(listed, keys.map(String::from).into());
    let got = s3.get_object().bucket("cr-bucket").key("cr\rkey").send().await.unwrap();
    assert_eq!(got.content_length(), Some(1));

    let out = s3.delete_objects().bucket("cr-bucket").delete(ids(&["cr\rkey"])).send().await.unwrap();
    assert_eq!(out.deleted()[0].key(), Some("cr\rkey"));
    assert!(!keys_of(&s3, "cr-bucket").await.contains("cr\rkey"));
}

/// S3 API Reference, ListObjectsV2 and ListObjects, "EncodingType": with
/// `encoding-type=url` S3 URL-encodes Key, Prefix, Delimiter and StartAfter
/// (v2), Marker and NextMarker (v1); NextMarker only comes with a delimiter.
#[tokio::test]
async fn encoding_type_url_encodes_key_fields() {
    let env = harness::start().await;
    let s3 = env.s3();
    s3.create_bucket().bucket("enc-bucket").send().await.unwrap();
    for key in ["run books/a b.txt", "run books/a+b.txt", "run books/100%.csv", "run books/ü/x", "z&<>\r"] {
        put(&s3, "enc-bucket", key, b"x").await;
    }
    let v2 = s3
        .list_objects_v2()
        .bucket("enc-bucket")
        .encoding_type(EncodingType::Url)
        .prefix("run books/")
        .delimiter("/")
        .start_after("run books/!")
        .send()
        .await
        .unwrap();
    assert_eq!(v2.encoding_type(), Some(&EncodingType::Url));
    let keys: Vec<_> = v2.contents().iter().map(|o| o.key().unwrap()).collect();
    assert_eq!(keys, vec!["run+books/100%25.csv", "run+books/a+b.txt", "run+books/a%2Bb.txt"]);
    let prefixes: Vec<_> = v2.common_prefixes().iter().map(|p| p.prefix().unwrap()).collect();
    assert_eq!(prefixes, vec!["run+books/%C3%BC/"]);
    assert_eq!((v2.prefix(), v2.delimiter(), v2.start_after()), (Some("run+books/"), Some("/"), Some("run+books/%21")));

    let all = s3.list_objects_v2().bucket("enc-bucket").encoding_type(EncodingType::Url).send().await.unwrap();
    assert_eq!(all.contents().last().unwrap().key(), Some("z%26%3C%3E%0D"));

    let v1 = s3
        .list_objects()
        .bucket("enc-bucket")
        .encoding_type(EncodingType::Url)
        .prefix("run books/")
        .delimiter("/")
        .marker("run books/100%.csv")
        .max_keys(1)
        .send()
        .await
        .unwrap();
    assert_eq!((v1.prefix(), v1.marker()), (Some("run+books/"), Some("run+books/100%25.csv")));
    assert_eq!(v1.contents()[0].key(), Some("run+books/a+b.txt"));
    assert_eq!(v1.next_marker(), Some("run+books/a+b.txt"), "with a delimiter, NextMarker is sent, encoded");
    let spaced = s3.list_objects_v2().bucket("enc-bucket").encoding_type(EncodingType::Url).delimiter(" ");
    let spaced = spaced.send().await.unwrap();
    assert_eq!(spaced.delimiter(), Some("+"));
    assert_eq!(spaced.common_prefixes()[0].prefix(), Some("run+"));
    let plain = s3.list_objects().bucket("enc-bucket").max_keys(1).send().await.unwrap();
    assert_eq!(plain.is_truncated(), Some(true));
    assert_eq!(plain.next_marker(), None, "without a delimiter there is no NextMarker");

    let versions =
        s3.list_object_versions().bucket("enc-bucket").encoding_type(EncodingType::Url).send().await.unwrap();
    assert_eq!(versions.versions()[0].key(), Some("run+books/100%25.csv"));

    let bad = s3.list_objects_v2().bucket("enc-bucket").encoding_type(EncodingType::from("xml")).send().await;
    let err = bad.unwrap_err();
    assert_eq!((status(&err), code(&err)), (400, "InvalidArgument".to_string()));
    assert_eq!(element(&body(&err), "ArgumentName").as_deref(), Some("encoding-type"));
}

/// awscli's `s3 ls` and `s3 sync` ask for encoding-type=url and decode every
/// key with unquote_plus: a key holding '+' or '%' must come back encoded.
#[tokio::test]
async fn awscli_lists_and_syncs_keys_with_special_characters() {
    let env = harness::start().await;
    let s3 = env.s3();
    s3.create_bucket().bucket("cli-bucket").send().await.unwrap();
    let keys = ["a b.txt", "a+b.txt", "100%.csv", "ü/x.txt", "q?&=#.txt", "t~*'().txt", "sp  two.txt"];
    for key in keys {
        put(&s3, "cli-bucket", key, format!("body of {key}").as_bytes()).await;
    }
    let listing = aws(&env, &["s3", "ls", "s3://cli-bucket", "--recursive"]).await;
    // Each line: "YYYY-MM-DD HH:MM:SS", the padded size, one space, the key.
    let listed: BTreeSet<String> = listing
        .lines()
        .filter_map(|l| l.get(20..)?.trim_start().split_once(' ').map(|(_, key)| key.to_string()))
        .collect();
    assert_eq!(listed, keys.map(String::from).into(), "{listing}");

    let dir = tempfile::tempdir().unwrap();
    aws(&env, &["s3", "sync", "s3://cli-bucket", dir.path().to_str().unwrap()]).await;
    for key in keys {
        let got = std::fs::read_to_string(dir.path().join(key)).unwrap_or_else(|e| panic!("{key:?}: {e}"));
        assert_eq!(got, format!("body of {key}"));
    }
}
