//! Bucket operations: create/head/delete, versioning, listings, batch delete.

use std::sync::Arc;

use chrono::Utc;

use super::store::{self, Bucket, Versioning};
use super::xml::{Xml, iso, malformed, parse};
use super::{S3Error, S3Request, S3Result, body, respond, with_store, xml_response};
use crate::sandbox::Shared;
use crate::sandbox::http::{self, ApiError};

const SMALL_BODY: u64 = 1024 * 1024;

/// S3's naming rules: 3-63 of `a-z 0-9 . -`, starting and ending alphanumeric.
fn valid_name(name: &str) -> bool {
    let ok_chars = name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    let edge = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    (3..=63).contains(&name.len())
        && ok_chars
        && edge(name.bytes().next())
        && edge(name.bytes().last())
        && !name.contains("..")
}

pub fn list_buckets(shared: &Arc<Shared>, req: &S3Request) -> S3Result {
    let mut doc = Xml::new("ListAllMyBucketsResult");
    doc.owner().open("Buckets");
    with_store(shared, |s| {
        for (name, b) in &s.buckets {
            doc.open("Bucket")
                .elem("Name", name)
                .elem("CreationDate", iso(b.created))
                .elem("BucketRegion", &b.region)
                .close("Bucket");
        }
    });
    doc.close("Buckets");
    Ok(xml_response(doc.finish(), &req.request_id))
}

/// The values S3 accepts as `CreateBucketConfiguration.LocationConstraint`
/// (botocore's S3 model, shape BucketLocationConstraint). us-east-1 is not one:
/// a bucket there is created without a constraint.
#[rustfmt::skip]
const LOCATION_CONSTRAINTS: &[&str] = &[
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
    "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "cn-north-1", "cn-northwest-1", "EU",
    "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-2", "us-gov-east-1",
    "us-gov-west-1", "us-west-1", "us-west-2",
];

/// The bucket's (Region, stored constraint) from the request's configuration
/// and the Region it was signed for (the endpoint's Region). S3 API Reference,
/// CreateBucket and "List of error codes": an unknown constraint is
/// InvalidLocationConstraint; a regional endpoint accepts only its own Region.
fn placement(doc: &[u8], signing_region: &str) -> Result<(String, String), S3Error> {
    let constraint = if doc.iter().all(u8::is_ascii_whitespace) {
        String::new()
    } else {
        let root = parse(doc)?;
        if root.name != "CreateBucketConfiguration" {
            return Err(malformed().into());
        }
        root.child_text("LocationConstraint").unwrap_or("").to_string()
    };
    if !constraint.is_empty() && !LOCATION_CONSTRAINTS.contains(&constraint.as_str()) {
        let err = ApiError::client("InvalidLocationConstraint", "The specified location-constraint is not valid");
        return Err(S3Error::from(err).detail("LocationConstraint", constraint));
    }
    let region = match constraint.as_str() {
        "" => "us-east-1",
        "EU" => "eu-west-1",
        other => other,
    };
    // The us-east-1 endpoint creates buckets in any Region (CreateBucket:
    // "the signature calculations ... must use us-east-1 as the Region").
    if signing_region != "us-east-1" && region != signing_region {
        let named = if constraint.is_empty() { "unspecified" } else { constraint.as_str() };
        return Err(ApiError::client(
            "IllegalLocationConstraintException",
            format!("The {named} location constraint is incompatible for the region specific endpoint this request was sent to."),
        )
        .into());
    }
    Ok((region.to_string(), constraint))
}

pub async fn create(shared: &Arc<Shared>, req: S3Request, bucket: &str) -> S3Result {
    let doc = body::to_memory(req.body, &req.headers, req.expected_sha256.as_deref(), SMALL_BODY).await?;
    if !valid_name(bucket) {
        return Err(ApiError::client("InvalidBucketName", "The specified bucket is not valid.").into());
    }
    let (region, location) = placement(&doc, &req.region)?;
    with_store(shared, |s| {
        if let Some(existing) = s.buckets.get(bucket) {
            // BucketAlreadyOwnedByYou: "For legacy compatibility, if you re-create
            // an existing bucket that you already own in the North Virginia Region,
            // Amazon S3 returns 200 OK".
            if existing.region == "us-east-1" && region == "us-east-1" {
                return Ok(());
            }
            return Err(ApiError::new(
                409,
                "BucketAlreadyOwnedByYou",
                "Your previous request to create the named bucket succeeded and you already own it.",
            ));
        }
        s.buckets.insert(
            bucket.to_string(),
            Bucket { created: Utc::now(), region, location, versioning: Versioning::Off, objects: Default::default() },
        );
        Ok(())
    })?;
    Ok(respond(200, &[("location".into(), format!("/{bucket}"))], http::empty(), &req.request_id))
}

pub fn head(shared: &Arc<Shared>, req: &S3Request, bucket: &str) -> S3Result {
    let region = with_store(shared, |s| s.bucket(bucket).map(|b| b.region.clone()))?;
    Ok(respond(200, &[("x-amz-bucket-region".into(), region)], http::empty(), &req.request_id))
}

pub fn delete(shared: &Arc<Shared>, req: &S3Request, bucket: &str) -> S3Result {
    with_store(shared, |s| s.delete_bucket(bucket))?;
    Ok(respond(204, &[], http::empty(), &req.request_id))
}

pub fn location(shared: &Arc<Shared>, req: &S3Request, bucket: &str) -> S3Result {
    // The constraint the bucket was created with: empty for us-east-1, as S3
    // has always reported it, and "EU" if that is what was asked for.
    let location = with_store(shared, |s| s.bucket(bucket).map(|b| http::xml_escape(&b.location)))?;
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"{}\">{location}</LocationConstraint>",
        super::xml::NS
    );
    Ok(xml_response(doc, &req.request_id))
}

pub async fn put_versioning(shared: &Arc<Shared>, req: S3Request, bucket: &str) -> S3Result {
    let doc = body::to_memory(req.body, &req.headers, req.expected_sha256.as_deref(), SMALL_BODY).await?;
    let root = parse(&doc)?;
    if root.name != "VersioningConfiguration" {
        return Err(malformed().into());
    }
    let status = match root.child_text("Status") {
        Some("Enabled") => Some(Versioning::Enabled),
        Some("Suspended") => Some(Versioning::Suspended),
        None => None,
        Some(_) => return Err(malformed().into()),
    };
    with_store(shared, |s| {
        let b = s.bucket_mut(bucket)?;
        if let Some(status) = status {
            b.versioning = status;
        }
        Ok::<_, ApiError>(())
    })?;
    Ok(respond(200, &[], http::empty(), &req.request_id))
}

pub fn get_versioning(shared: &Arc<Shared>, req: &S3Request, bucket: &str) -> S3Result {
    let versioning = with_store(shared, |s| s.bucket(bucket).map(|b| b.versioning))?;
    let mut doc = Xml::new("VersioningConfiguration");
    match versioning {
        Versioning::Off => &mut doc,
        Versioning::Enabled => doc.elem("Status", "Enabled"),
        Versioning::Suspended => doc.elem("Status", "Suspended"),
    };
    Ok(xml_response(doc.finish(), &req.request_id))
}

/// DeleteObjects: `<Delete><Quiet/><Object><Key/><VersionId/></Object>...`.
pub async fn delete_objects(shared: &Arc<Shared>, req: S3Request, bucket: &str) -> S3Result {
    let body = body::to_memory(req.body, &req.headers, req.expected_sha256.as_deref(), 2 * SMALL_BODY).await?;
    let root = parse(&body)?;
    let objects: Vec<_> = root.children("Object").collect();
    if root.name != "Delete" || objects.is_empty() || objects.len() > 1000 {
        return Err(malformed().into());
    }
    let quiet = root.child_text("Quiet") == Some("true");
    let mut doc = Xml::new("DeleteResult");
    let mut garbage = Vec::new();
    with_store(shared, |s| {
        s.bucket(bucket)?;
        for o in objects {
            // Whitespace is part of a key: ' lead' and 'lead' are different objects.
            let key = o.child_raw("Key").ok_or_else(malformed)?;
            let asked = o.child_text("VersionId");
            if let Some(id) = asked.filter(|id| !store::well_formed_version_id(id)) {
                // Per key, and reported in quiet mode too (DeleteObjects, "Error").
                doc.open("Error").elem("Key", key).elem("VersionId", id).elem("Code", "InvalidArgument");
                doc.elem("Message", "Invalid version id specified").close("Error");
                continue;
            }
            let (reported, marker, g) = s.delete(bucket, key, asked)?;
            garbage.extend(g);
            if quiet {
                continue;
            }
            doc.open("Deleted").elem("Key", key).opt("VersionId", asked);
            if marker {
                doc.elem("DeleteMarker", true);
                if asked.is_none() {
                    doc.opt("DeleteMarkerVersionId", reported);
                }
            }
            doc.close("Deleted");
        }
        Ok::<_, ApiError>(())
    })?;
    store::collect(garbage);
    Ok(xml_response(doc.finish(), &req.request_id))
}

#[cfg(test)]
mod tests {
    use super::valid_name;

    #[test]
    fn bucket_names_follow_s3_rules() {
        for ok in ["abc", "pipewatch-demo-source", "a.b-c", "123"] {
            assert!(valid_name(ok), "{ok}");
        }
        for bad in ["ab", "Abc", "-abc", "abc-", "a..b", "a_b", &"a".repeat(64)] {
            assert!(!valid_name(bad), "{bad}");
        }
    }
}
