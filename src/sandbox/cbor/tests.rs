//! The conversions against CBOR bytes written out by hand (RFC 8949,
//! Appendix A examples, and the encodings the Smithy RPC v2 CBOR protocol
//! asks for).

use serde_json::json;

use super::{decode, encode};

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

#[test]
fn decodes_every_kind_a_request_may_carry() {
    // {_ "Fun": true, "Amt": -2} (indefinite map), RFC 8949 Appendix A.
    assert_eq!(decode(&hex("bf 6346756e f5 63416d74 21 ff")).unwrap(), json!({"Fun": true, "Amt": -2}));
    // [_ 1, [2, 3]] and an indefinite text string (_ "strea", "ming").
    assert_eq!(decode(&hex("9f 01 82 02 03 ff")).unwrap(), json!([1, [2, 3]]));
    assert_eq!(decode(&hex("7f 657374726561 646d696e67 ff")).unwrap(), json!("streaming"));
    // Half-precision floats must be read: 1.0, 65504.0, -4.0.
    assert_eq!(decode(&hex("f93c00")).unwrap(), json!(1.0));
    assert_eq!(decode(&hex("f97bff")).unwrap(), json!(65504.0));
    assert_eq!(decode(&hex("f9c400")).unwrap(), json!(-4.0));
    // Tag 1 epoch timestamps become epoch seconds; bytes become base64.
    assert_eq!(decode(&hex("c1 1a514b67b0")).unwrap(), json!(1363896240));
    assert_eq!(decode(&hex("c1 fb41d452d9ec200000")).unwrap(), json!(1363896240.5));
    assert_eq!(decode(&hex("44 01020304")).unwrap(), json!("AQIDBA=="));
    // Undefined is null; an empty body is an empty input structure.
    assert_eq!(decode(&hex("f7")).unwrap(), json!(null));
    assert_eq!(decode(b"").unwrap(), json!({}));
}

#[test]
fn refuses_what_no_input_can_be() {
    for bad in ["a1 01 02", "c2 41 01", "1b", "01 02", "3bffffffffffffffff"] {
        assert!(decode(&hex(bad)).is_err(), "{bad}");
    }
    let deep = "81".repeat(100) + "01";
    assert!(decode(&hex(&deep)).is_err());
}

#[test]
fn encodes_timestamps_tagged_floats_wide_and_nulls_left_out() {
    let ts = |k: &str| k == "created";
    let v = json!({"created": 1363896240.5, "n": 1, "m": -2, "x": null, "s": "a", "l": [true]});
    let bytes = encode(&v, &ts).unwrap();
    // Keys in serde_json's order (sorted): created, l, m, n, s; x left out.
    let want = "a5 67637265617465 64 c1 fb41d452d9ec200000 616c 81f5 616d 21 616e 01 6173 6161";
    assert_eq!(hex::encode(&bytes), hex::encode(hex(want)));
    // A float that would fit in half precision still goes out as a double.
    assert_eq!(encode(&json!(1.5), &ts).unwrap(), hex("fb3ff8000000000000"));
    // Only the named members are timestamps, and decoding undoes encoding.
    let back = decode(&bytes).unwrap();
    assert_eq!(back, json!({"created": 1363896240.5, "n": 1, "m": -2, "s": "a", "l": [true]}));
}
