//! CBOR bodies of the Smithy RPC v2 CBOR protocol, converted at the edge to
//! and from the JSON documents the service handlers take and give (as the
//! JSON 1.1 protocol would carry them): tag 1 timestamps become epoch
//! seconds, byte strings base64 text; on the way out, members the model
//! types as timestamps get tag 1 back, nulls are left out and floats are
//! always 64-bit ("Smithy RPC v2 CBOR protocol", Shape serialization).

use std::convert::Infallible;

use base64::Engine;
use minicbor::data::Type;
use minicbor::{Decoder, Encoder};
use serde_json::{Map, Number, Value};

/// Deeper documents are refused rather than recursed into.
const MAX_DEPTH: usize = 64;

/// CBOR tag 1: epoch-based date/time.
const EPOCH_TAG: u64 = 1;

/// Decodes a request body; an empty body is an empty input structure.
pub fn decode(bytes: &[u8]) -> Result<Value, String> {
    if bytes.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let mut d = Decoder::new(bytes);
    let v = item(&mut d, 0)?;
    if d.position() != bytes.len() {
        return Err(format!("{} bytes after the CBOR data item", bytes.len() - d.position()));
    }
    Ok(v)
}

fn item(d: &mut Decoder<'_>, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(format!("CBOR nesting deeper than {MAX_DEPTH}"));
    }
    let e = |e: minicbor::decode::Error| e.to_string();
    let ty = d.datatype().map_err(e)?;
    Ok(match ty {
        Type::Bool => Value::Bool(d.bool().map_err(e)?),
        // Undefined is read as null, as the protocol asks.
        Type::Null | Type::Undefined => {
            d.skip().map_err(e)?;
            Value::Null
        }
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => Value::from(d.u64().map_err(e)?),
        Type::I8 | Type::I16 | Type::I32 | Type::I64 => Value::from(d.i64().map_err(e)?),
        Type::Int => return Err("integer out of the 64-bit range".into()),
        Type::F16 => float(half(d)?),
        Type::F32 | Type::F64 => float(d.f64().map_err(e)?),
        Type::Bytes | Type::BytesIndef => {
            let mut all = Vec::new();
            for chunk in d.bytes_iter().map_err(e)? {
                all.extend_from_slice(chunk.map_err(e)?);
            }
            Value::String(base64::engine::general_purpose::STANDARD.encode(all))
        }
        Type::String | Type::StringIndef => {
            let mut all = String::new();
            for chunk in d.str_iter().map_err(e)? {
                all.push_str(chunk.map_err(e)?);
            }
            Value::String(all)
        }
        Type::Array | Type::ArrayIndef => {
            let len = d.array().map_err(e)?;
            let mut items = Vec::new();
            while more(d, len, items.len())? {
                items.push(item(d, depth + 1)?);
            }
            Value::Array(items)
        }
        Type::Map | Type::MapIndef => {
            let len = d.map().map_err(e)?;
            let mut map = Map::new();
            let mut n = 0;
            while more(d, len, n)? {
                let Value::String(key) = item(d, depth + 1)? else {
                    return Err("a CBOR map key is not text".into());
                };
                map.insert(key, item(d, depth + 1)?);
                n += 1;
            }
            Value::Object(map)
        }
        Type::Tag => {
            let tag = d.tag().map_err(e)?.as_u64();
            if tag != EPOCH_TAG {
                return Err(format!("CBOR tag {tag} is not supported"));
            }
            match item(d, depth + 1)? {
                v @ Value::Number(_) => v,
                _ => return Err("a tag 1 timestamp is not a number".into()),
            }
        }
        other => return Err(format!("unexpected CBOR {other}")),
    })
}

/// Whether another element follows: counts down a definite length, or looks
/// for the break byte of an indefinite one (and consumes it).
fn more(d: &mut Decoder<'_>, len: Option<u64>, seen: usize) -> Result<bool, String> {
    match len {
        Some(n) => Ok((seen as u64) < n),
        None => {
            if d.datatype().map_err(|e| e.to_string())? == Type::Break {
                d.set_position(d.position() + 1);
                Ok(false)
            } else {
                Ok(true)
            }
        }
    }
}

/// A half-precision float, which the protocol requires a reader to accept.
fn half(d: &mut Decoder<'_>) -> Result<f64, String> {
    let at = d.position();
    let bytes = d.input().get(at + 1..at + 3).ok_or("truncated half-precision float")?;
    d.set_position(at + 3);
    let bits = u16::from_be_bytes([bytes[0], bytes[1]]);
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let frac = f64::from(bits & 0x3ff);
    Ok(sign
        * match exp {
            0 => frac * 2f64.powi(-24),
            31 if frac == 0.0 => f64::INFINITY,
            31 => f64::NAN,
            _ => (1.0 + frac / 1024.0) * 2f64.powi(exp - 15),
        })
}

/// JSON numbers cannot hold NaN or the infinities; JSON protocols send them
/// as these strings.
fn float(x: f64) -> Value {
    match Number::from_f64(x) {
        Some(n) => Value::Number(n),
        None if x.is_nan() => Value::String("NaN".into()),
        None if x > 0.0 => Value::String("Infinity".into()),
        None => Value::String("-Infinity".into()),
    }
}

/// Encodes a response document; `is_timestamp(member)` names the members
/// whose numbers are epoch-seconds timestamps.
pub fn encode(v: &Value, is_timestamp: &dyn Fn(&str) -> bool) -> Result<Vec<u8>, String> {
    let mut e = Encoder::new(Vec::new());
    write(&mut e, v, false, is_timestamp).map_err(|err| err.to_string())?;
    Ok(e.into_writer())
}

type Enc = Encoder<Vec<u8>>;
type EncResult = Result<(), minicbor::encode::Error<Infallible>>;

fn write(e: &mut Enc, v: &Value, timestamp: bool, is_timestamp: &dyn Fn(&str) -> bool) -> EncResult {
    match v {
        Value::Null => {
            e.null()?;
        }
        Value::Bool(b) => {
            e.bool(*b)?;
        }
        Value::Number(n) => {
            if timestamp {
                e.tag(minicbor::data::Tag::new(EPOCH_TAG))?;
            }
            match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => e.u64(u)?,
                (_, Some(i), _) => e.i64(i)?,
                (_, _, f) => e.f64(f.unwrap_or(0.0))?,
            };
        }
        Value::String(s) => {
            e.str(s)?;
        }
        Value::Array(items) => {
            e.array(items.len() as u64)?;
            for i in items {
                write(e, i, false, is_timestamp)?;
            }
        }
        Value::Object(map) => {
            // Nulls are left out of the wire contents.
            let present: Vec<(&String, &Value)> = map.iter().filter(|(_, v)| !v.is_null()).collect();
            e.map(present.len() as u64)?;
            for (k, v) in present {
                e.str(k)?;
                write(e, v, is_timestamp(k), is_timestamp)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
