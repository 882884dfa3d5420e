//! GetLogEvents position tokens.
//!
//! A token names a gap between two events of a stream: a forward token reads
//! the events after it, a backward token those before it. The gap is recorded
//! as the (timestamp, seq) key of the event just before it, not as an index, so
//! events inserted out of order elsewhere do not shift it. A token also carries
//! when it was issued (tokens expire) and a nonce, so a page that moves no
//! position can still hand back a new token.
//!
//! The wire form looks like AWS's: `f/` or `b/`, 56 digits, `/s`. The digits
//! are 15 for timestamp + 1, 12 for the seq, 13 for the issue time in ms, 4 for
//! the nonce (its first digit holds flags) and 12 of checksum.

use crate::sandbox::http::ApiResult;

use super::params::bad_token;

/// A gap in a stream: events with a key <= the mark are before it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub struct Mark {
    pub ts: i64,
    pub seq: u64,
}

/// Before every event: seqs start at 1 and timestamps are never before 1970
/// (PutLogEvents refuses events over 14 days old; builds log the time now).
pub const ORIGIN: Mark = Mark { ts: -1, seq: 0 };

const TS_LIMIT: i64 = 999_999_999_999_998;
const SEQ_LIMIT: u64 = 999_999_999_999;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Token {
    pub forward: bool,
    pub mark: Mark,
    /// Milliseconds since the epoch.
    pub issued: i64,
    /// Issued for an empty page cut short before the end: the next page from
    /// it is never cut to nothing again, so a reader always gets somewhere.
    pub after_empty_cut: bool,
    pub nonce: u16,
}

/// Mixes the fields so a hand-edited or truncated token is caught.
fn check(parts: [u64; 4]) -> u64 {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for p in parts {
        x = (x ^ p).rotate_left(29).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x ^= x >> 31;
    }
    x % 1_000_000_000_000
}

impl Token {
    fn fields(&self) -> [u64; 4] {
        let ts = (self.mark.ts.clamp(ORIGIN.ts, TS_LIMIT) + 1) as u64;
        let flags = u64::from(self.after_empty_cut);
        let nonce = flags * 1000 + u64::from(self.nonce % 1000);
        [ts, self.mark.seq.min(SEQ_LIMIT), self.issued.clamp(0, 9_999_999_999_999) as u64, nonce]
    }

    pub fn encode(&self) -> String {
        let [ts, seq, issued, nonce] = self.fields();
        let dir = if self.forward { 'f' } else { 'b' };
        format!("{dir}/{ts:015}{seq:012}{issued:013}{nonce:04}{:012}/s", check(self.fields()))
    }

    pub fn decode(s: &str) -> ApiResult<Token> {
        let (dir, rest) = s.split_at_checked(2).ok_or_else(bad_token)?;
        let forward = match dir {
            "f/" => true,
            "b/" => false,
            _ => return Err(bad_token()),
        };
        let digits = rest
            .strip_suffix("/s")
            .filter(|d| d.len() == 56 && d.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(bad_token)?;
        let num = |range: std::ops::Range<usize>| digits[range].parse::<u64>().map_err(|_| bad_token());
        let fields = [num(0..15)?, num(15..27)?, num(27..40)?, num(40..44)?];
        if num(44..56)? != check(fields) || fields[0] == 0 && fields[1] != 0 || fields[3] >= 2000 {
            return Err(bad_token());
        }
        Ok(Token {
            forward,
            mark: Mark { ts: fields[0] as i64 - 1, seq: fields[1] },
            issued: fields[2] as i64,
            after_empty_cut: fields[3] >= 1000,
            nonce: (fields[3] % 1000) as u16,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_look_like_aws() {
        let t = Token {
            forward: true,
            mark: Mark { ts: 1_750_000_000_123, seq: 42 },
            issued: 1_750_000_001_000,
            after_empty_cut: true,
            nonce: 7,
        };
        let s = t.encode();
        assert!(s.starts_with("f/") && s.ends_with("/s") && s.len() == 60, "{s}");
        assert_eq!(Token::decode(&s).unwrap(), t);
        let origin = Token { forward: false, mark: ORIGIN, issued: 5, after_empty_cut: false, nonce: 999 };
        assert_eq!(Token::decode(&origin.encode()).unwrap(), origin);
    }

    #[test]
    fn edited_tokens_are_refused() {
        let s = Token { forward: true, mark: Mark { ts: 10, seq: 3 }, issued: 99, after_empty_cut: false, nonce: 1 }
            .encode();
        for i in 2..58 {
            let mut b = s.clone().into_bytes();
            b[i] = if b[i] == b'9' { b'0' } else { b[i] + 1 };
            let edited = String::from_utf8(b).unwrap();
            assert!(Token::decode(&edited).is_err(), "digit {i} edited: {edited}");
        }
        assert!(Token::decode(&s.replacen("f/", "x/", 1)).is_err());
        assert!(Token::decode(&s[..59]).is_err());
    }
}
