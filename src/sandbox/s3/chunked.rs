//! Incremental decoder for `Content-Encoding: aws-chunked` request bodies:
//! `hex-size[;chunk-signature=..]\r\n data \r\n ... 0[;..]\r\n trailer-lines \r\n`.
//! It is fed network frames as they arrive, so a body never sits in memory.

use bytes::Bytes;

/// Size lines and trailer lines are short; a longer one is a broken client.
const MAX_LINE: usize = 8 * 1024;

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    /// Reading a `hex-size[;ext]` line.
    Size,
    /// Inside a chunk's data, this many bytes left.
    Data(u64),
    /// The CRLF that follows a chunk's data.
    DataEnd,
    /// After the zero-size chunk: `name:value` lines until an empty one.
    Trailer,
    Done,
}

#[derive(Debug)]
pub struct ChunkDecoder {
    state: State,
    line: Vec<u8>,
    trailers: Vec<(String, String)>,
}

impl Default for ChunkDecoder {
    fn default() -> Self {
        Self { state: State::Size, line: Vec::new(), trailers: Vec::new() }
    }
}

impl ChunkDecoder {
    /// Decodes `input`, appending payload slices (zero-copy) to `out`.
    pub fn feed(&mut self, mut input: Bytes, out: &mut Vec<Bytes>) -> Result<(), String> {
        while !input.is_empty() {
            match self.state {
                State::Data(left) => {
                    let take = usize::try_from(left).unwrap_or(usize::MAX).min(input.len());
                    out.push(input.split_to(take));
                    let left = left - take as u64;
                    self.state = if left == 0 { State::DataEnd } else { State::Data(left) };
                }
                State::Done => return Err("unexpected data after the final chunk".into()),
                State::Size | State::DataEnd | State::Trailer => {
                    let Some(pos) = input.iter().position(|&b| b == b'\n') else {
                        return self.push_line(&input);
                    };
                    self.push_line(&input[..pos])?;
                    input = input.split_off(pos + 1);
                    let mut line = std::mem::take(&mut self.line);
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    self.end_line(&line)?;
                }
            }
        }
        Ok(())
    }

    /// Checks the body ended where the encoding says it does; returns the trailers.
    pub fn finish(&self) -> Result<&[(String, String)], String> {
        match self.state {
            State::Done => Ok(&self.trailers),
            // Tolerate a client that omits the final empty line after its trailers.
            State::Trailer if self.line.is_empty() => Ok(&self.trailers),
            _ => Err("the aws-chunked body ended before its final chunk".into()),
        }
    }

    fn push_line(&mut self, part: &[u8]) -> Result<(), String> {
        if self.line.len() + part.len() > MAX_LINE {
            return Err("aws-chunked line too long".into());
        }
        self.line.extend_from_slice(part);
        Ok(())
    }

    fn end_line(&mut self, line: &[u8]) -> Result<(), String> {
        match self.state {
            State::Size => {
                let text = std::str::from_utf8(line).map_err(|_| "chunk size line is not text".to_string())?;
                let hex = text.split(';').next().unwrap_or("").trim();
                if hex.is_empty() || hex.len() > 16 {
                    return Err(format!("invalid chunk size {hex:?}"));
                }
                let size = u64::from_str_radix(hex, 16).map_err(|_| format!("invalid chunk size {hex:?}"))?;
                self.state = if size == 0 { State::Trailer } else { State::Data(size) };
            }
            State::DataEnd => {
                if !line.is_empty() {
                    return Err("chunk data is longer than its declared size".into());
                }
                self.state = State::Size;
            }
            State::Trailer => {
                if line.is_empty() {
                    self.state = State::Done;
                } else {
                    let text = String::from_utf8_lossy(line);
                    let (name, value) = text.split_once(':').ok_or_else(|| format!("malformed trailer {text:?}"))?;
                    self.trailers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
                }
            }
            State::Data(_) | State::Done => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Decoded = (Vec<u8>, Vec<(String, String)>);

    fn decode_in_pieces(encoded: &[u8], piece: usize) -> Result<Decoded, String> {
        let mut dec = ChunkDecoder::default();
        let mut out = Vec::new();
        for part in encoded.chunks(piece) {
            dec.feed(Bytes::copy_from_slice(part), &mut out)?;
        }
        let trailers = dec.finish()?.to_vec();
        Ok((out.concat(), trailers))
    }

    const UNSIGNED: &[u8] = b"5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";

    #[test]
    fn decodes_unsigned_chunks_with_a_trailer_however_the_frames_are_split() {
        for piece in [1, 2, 3, 7, 64, UNSIGNED.len()] {
            let (data, trailers) = decode_in_pieces(UNSIGNED, piece).unwrap();
            assert_eq!(data, b"hello world", "piece size {piece}");
            assert_eq!(trailers, vec![("x-amz-checksum-crc32".to_string(), "DUoRhQ==".to_string())]);
        }
    }

    #[test]
    fn decodes_signed_chunks_without_trailers() {
        let sig = "a".repeat(64);
        let encoded = format!("3;chunk-signature={sig}\r\nabc\r\n0;chunk-signature={sig}\r\n\r\n");
        let (data, trailers) = decode_in_pieces(encoded.as_bytes(), 5).unwrap();
        assert_eq!(data, b"abc");
        assert!(trailers.is_empty());
    }

    #[test]
    fn large_hex_sizes_and_binary_data_with_crlf_inside() {
        let payload: Vec<u8> = (0..0x1234u32).map(|i| if i % 10 == 0 { b'\n' } else { (i % 251) as u8 }).collect();
        let mut encoded = format!("{:x}\r\n", payload.len()).into_bytes();
        encoded.extend_from_slice(&payload);
        encoded.extend_from_slice(b"\r\n0\r\n\r\n");
        let (data, _) = decode_in_pieces(&encoded, 1000).unwrap();
        assert_eq!(data, payload);
    }

    #[test]
    fn rejects_truncated_bodies() {
        for cut in [3, 9, 20, UNSIGNED.len() - 36] {
            let err = decode_in_pieces(&UNSIGNED[..cut], 4).unwrap_err();
            assert!(err.contains("ended before"), "cut {cut}: {err}");
        }
    }

    #[test]
    fn tolerates_a_missing_final_empty_line_after_trailers() {
        let (data, trailers) = decode_in_pieces(&UNSIGNED[..UNSIGNED.len() - 2], 4).unwrap();
        assert_eq!(data, b"hello world");
        assert_eq!(trailers.len(), 1);
    }

    #[test]
    fn rejects_bad_sizes_overlong_data_and_garbage_after_the_end() {
        assert!(decode_in_pieces(b"zz\r\nabc\r\n0\r\n\r\n", 4).unwrap_err().contains("invalid chunk size"));
        assert!(decode_in_pieces(b"\r\n", 4).unwrap_err().contains("invalid chunk size"));
        assert!(decode_in_pieces(b"2\r\nabc\r\n0\r\n\r\n", 4).unwrap_err().contains("longer than"));
        assert!(decode_in_pieces(b"0\r\n\r\nextra", 4).unwrap_err().contains("after the final chunk"));
        assert!(decode_in_pieces(b"0\r\nno-colon\r\n\r\n", 4).unwrap_err().contains("malformed trailer"));
        let long = vec![b'1'; MAX_LINE + 1];
        assert!(decode_in_pieces(&long, 100).unwrap_err().contains("too long"));
    }
}
