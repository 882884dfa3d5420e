//! SigV4 in the query string: presigned URLs, as `aws s3 presign` and the
//! SDKs' presigners make them (S3 API Reference, "Authenticating Requests:
//! Using Query Parameters (AWS Signature Version 4)"). The signature covers
//! the method, path, every query parameter but X-Amz-Signature, the signed
//! headers and, for S3, the literal UNSIGNED-PAYLOAD; the URL is good for
//! X-Amz-Expires seconds (at most a week) from X-Amz-Date.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use hyper::HeaderMap;
use sha2::{Digest, Sha256};

use super::{
    AuthError, Credentials, RequestParts, Scope, canonical_request, constant_time_eq, decode, expected_signature, hmac,
    signing_key,
};

/// The longest X-Amz-Expires S3 accepts: seven days.
pub const MAX_EXPIRES: i64 = 7 * 24 * 3600;

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

#[derive(Debug, PartialEq)]
pub enum PresignError {
    Auth(AuthError),
    /// S3's AuthorizationQueryParametersError, with its message.
    Query(String),
    /// The URL's time is over.
    Expired {
        expires_secs: i64,
        expires_at: DateTime<Utc>,
    },
    /// X-Amz-Date lies in the future.
    NotYetValid {
        signed_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    },
    /// Signature Version 2 (AWSAccessKeyId, Expires, Signature): what awscli
    /// v1 presigns with unless told `signature_version = s3v4`. S3 serves it
    /// only for buckets that predate its deprecation; these do not.
    SigV2,
}

/// A verified presigned request.
#[derive(Debug, PartialEq)]
pub struct Presigned {
    pub scope: Scope,
    /// What the signature covered as the payload: UNSIGNED-PAYLOAD or a hash.
    pub payload_hash: String,
}

fn pairs(raw_query: &str) -> impl Iterator<Item = (String, &str)> {
    raw_query.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(k), v)
    })
}

fn param(raw_query: &str, name: &str) -> Option<String> {
    pairs(raw_query).find(|(k, _)| k == name).map(|(_, v)| decode(v))
}

/// Whether the query carries authentication (SigV4, or SigV2 to be refused).
pub fn is_presigned(raw_query: &str) -> bool {
    pairs(raw_query).any(|(k, _)| {
        ["X-Amz-Signature", "X-Amz-Credential", "X-Amz-Algorithm", "AWSAccessKeyId"].contains(&k.as_str())
    })
}

fn parse_credential(credential: &str) -> Option<Scope> {
    let fields: Vec<&str> = credential.split('/').collect();
    (fields.len() == 5 && fields[4] == "aws4_request").then(|| Scope {
        access_key: fields[0].to_string(),
        date: fields[1].to_string(),
        region: fields[2].to_string(),
        service: fields[3].to_string(),
    })
}

/// The credential scope a presigned URL names, to pick the service.
pub fn scope_of_query(raw_query: &str) -> Option<Scope> {
    param(raw_query, "X-Amz-Credential").and_then(|c| parse_credential(&c))
}

/// Checks a presigned request's signature and time at `now`.
pub fn verify(
    creds: &Credentials,
    method: &str,
    raw_path: &str,
    raw_query: &str,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> Result<Presigned, PresignError> {
    let query = |msg: &str| PresignError::Query(msg.to_string());
    let get = |name: &str| param(raw_query, name);
    if get("AWSAccessKeyId").is_some() && get("X-Amz-Algorithm").is_none() {
        return Err(PresignError::SigV2);
    }
    let (Some(algorithm), Some(credential), Some(amz_date), Some(expires), Some(signed), Some(signature)) = (
        get("X-Amz-Algorithm"),
        get("X-Amz-Credential"),
        get("X-Amz-Date"),
        get("X-Amz-Expires"),
        get("X-Amz-SignedHeaders"),
        get("X-Amz-Signature"),
    ) else {
        return Err(query(
            "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
        ));
    };
    if algorithm != ALGORITHM {
        return Err(query("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\""));
    }
    let scope = parse_credential(&credential).ok_or_else(|| {
        query("Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
    })?;
    let signed_at = NaiveDateTime::parse_from_str(&amz_date, "%Y%m%dT%H%M%SZ")
        .map_err(|_| query("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""))?
        .and_utc();
    let expires_secs: i64 = expires.parse().map_err(|_| query("X-Amz-Expires should be a number"))?;
    if expires_secs < 0 {
        return Err(query("X-Amz-Expires must be non-negative"));
    }
    if expires_secs > MAX_EXPIRES {
        return Err(query("X-Amz-Expires must be less than a week (in seconds) that is 604800"));
    }
    if scope.access_key != creds.access_key_id {
        return Err(PresignError::Auth(AuthError::UnknownKey));
    }
    let signed_headers: Vec<String> = signed.split(';').map(str::to_string).collect();
    // JavaScript's presigner puts the payload hash in the query; a header
    // counts only if it was signed; S3's default is UNSIGNED-PAYLOAD.
    let payload_hash = get("X-Amz-Content-Sha256")
        .or_else(|| {
            signed_headers
                .iter()
                .any(|h| h == "x-amz-content-sha256")
                .then(|| headers.get("x-amz-content-sha256").and_then(|v| v.to_str().ok()).map(str::to_string))
                .flatten()
        })
        .unwrap_or_else(|| "UNSIGNED-PAYLOAD".to_string());
    let unsigned_query: Vec<&str> = raw_query
        .split('&')
        .filter(|p| !p.is_empty() && decode(p.split_once('=').map_or(*p, |(k, _)| k)) != "X-Amz-Signature")
        .collect();
    let unsigned_query = unsigned_query.join("&");
    let parts = RequestParts { method, raw_path, raw_query: &unsigned_query, headers, payload_hash: &payload_hash };
    let canonical = canonical_request(&parts, &scope.service, &signed_headers);
    let expected = expected_signature(creds, &scope, &amz_date, &canonical);
    if !constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
        return Err(PresignError::Auth(AuthError::BadSignature));
    }
    let expires_at = signed_at + Duration::seconds(expires_secs);
    if now > expires_at {
        return Err(PresignError::Expired { expires_secs, expires_at });
    }
    // The clocks of the signer and of S3 may differ by up to 15 minutes.
    if signed_at > now + Duration::minutes(15) {
        return Err(PresignError::NotYetValid { signed_at, expires_at });
    }
    Ok(Presigned { scope, payload_hash })
}

/// Presigns a request the way SDKs do (tests; the other side of `verify`).
/// Returns the query to append: the given `query` plus the X-Amz-* parameters.
pub fn presign(creds: &Credentials, region: &str, req: &RequestParts<'_>, amz_date: &str, expires_secs: i64) -> String {
    let date = &amz_date[..8.min(amz_date.len())];
    let mut names: Vec<String> = req.headers.keys().map(|k| k.as_str().to_string()).collect();
    names.sort();
    names.dedup();
    let mut query = req.raw_query.to_string();
    for (k, v) in [
        ("X-Amz-Algorithm", ALGORITHM.to_string()),
        ("X-Amz-Credential", format!("{}%2F{date}%2F{region}%2Fs3%2Faws4_request", creds.access_key_id)),
        ("X-Amz-Date", amz_date.to_string()),
        ("X-Amz-Expires", expires_secs.to_string()),
        ("X-Amz-SignedHeaders", names.join("%3B")),
    ] {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&format!("{k}={v}"));
    }
    let parts = RequestParts { raw_query: &query, payload_hash: "UNSIGNED-PAYLOAD", ..*req };
    let canonical = canonical_request(&parts, "s3", &names);
    let sts = format!(
        "{ALGORITHM}\n{amz_date}\n{date}/{region}/s3/aws4_request\n{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let key = signing_key(&creds.secret_access_key, date, region, "s3");
    format!("{query}&X-Amz-Signature={}", hex::encode(hmac(&key, sts.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials { access_key_id: "AKIDEXAMPLE".into(), secret_access_key: "secret".into() }
    }

    fn host() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("host", "127.0.0.1:4599".parse().unwrap());
        h
    }

    fn signed(at: DateTime<Utc>, expires: i64) -> String {
        let headers = host();
        let parts =
            RequestParts { method: "GET", raw_path: "/b/k", raw_query: "", headers: &headers, payload_hash: "" };
        presign(&creds(), "us-east-1", &parts, &at.format("%Y%m%dT%H%M%SZ").to_string(), expires)
    }

    #[test]
    fn a_presigned_url_verifies_until_it_expires() {
        let at = Utc::now();
        let query = signed(at, 60);
        assert!(is_presigned(&query));
        assert_eq!(scope_of_query(&query).map(|s| s.service), Some("s3".to_string()));
        let ok = verify(&creds(), "GET", "/b/k", &query, &host(), at + Duration::seconds(59)).unwrap();
        assert_eq!((ok.scope.region.as_str(), ok.payload_hash.as_str()), ("us-east-1", "UNSIGNED-PAYLOAD"));
        let late = verify(&creds(), "GET", "/b/k", &query, &host(), at + Duration::seconds(61));
        assert!(matches!(late, Err(PresignError::Expired { expires_secs: 60, .. })), "{late:?}");
        let early = verify(&creds(), "GET", "/b/k", &query, &host(), at - Duration::minutes(20));
        assert!(matches!(early, Err(PresignError::NotYetValid { .. })), "{early:?}");
    }

    #[test]
    fn any_change_breaks_the_signature() {
        let at = Utc::now();
        let query = signed(at, 60);
        let other_path = verify(&creds(), "GET", "/b/other", &query, &host(), at);
        assert_eq!(other_path, Err(PresignError::Auth(AuthError::BadSignature)));
        let other_method = verify(&creds(), "PUT", "/b/k", &query, &host(), at);
        assert_eq!(other_method, Err(PresignError::Auth(AuthError::BadSignature)));
        let longer = query.replace("X-Amz-Expires=60", "X-Amz-Expires=600");
        assert_eq!(
            verify(&creds(), "GET", "/b/k", &longer, &host(), at),
            Err(PresignError::Auth(AuthError::BadSignature))
        );
    }

    #[test]
    fn malformed_parameters_are_query_errors() {
        let at = Utc::now();
        let week = signed(at, MAX_EXPIRES + 1);
        let err = verify(&creds(), "GET", "/b/k", &week, &host(), at);
        assert_eq!(
            err,
            Err(PresignError::Query("X-Amz-Expires must be less than a week (in seconds) that is 604800".into()))
        );
        let partial = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00";
        assert!(matches!(verify(&creds(), "GET", "/b/k", partial, &host(), at), Err(PresignError::Query(_))));
        let v2 = "AWSAccessKeyId=AKIDEXAMPLE&Signature=abc%3D&Expires=1796183443";
        assert!(is_presigned(v2));
        assert_eq!(verify(&creds(), "GET", "/b/k", v2, &host(), at), Err(PresignError::SigV2));
    }
}
