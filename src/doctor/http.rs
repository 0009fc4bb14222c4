//! A minimal HTTP/1.1 client for the Docker Engine API: one GET per connection, bounded reads.

use std::fmt;
use std::io::{self, Read, Write};

/// Responses larger than this are refused: `/info` is a few KiB.
pub const MAX_RESPONSE: usize = 1 << 20;
/// Header blocks larger than this are refused.
const MAX_HEADERS: usize = 64 << 10;

/// A parsed response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Status code, e.g. 200.
    pub status: u16,
    /// Header names lowercased, values trimmed, in order.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl Response {
    /// The first header with this (lowercase) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The body as text, lossily.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Why no response could be read.
#[derive(Debug)]
pub enum HttpError {
    /// A socket error, including timeouts (`ErrorKind::TimedOut`).
    Io(io::Error),
    /// The peer closed before sending anything.
    Empty,
    /// The peer answered with bytes that are not HTTP; the first few are kept.
    NotHttp(Vec<u8>),
    /// The response broke the HTTP grammar.
    Malformed(&'static str),
    /// The response exceeded [`MAX_RESPONSE`] or its headers exceeded 64 KiB.
    TooLarge,
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::Io(e) if e.kind() == io::ErrorKind::TimedOut => f.write_str("timed out"),
            HttpError::Io(e) => write!(f, "{e}"),
            HttpError::Empty => f.write_str("the connection closed without a response"),
            HttpError::NotHttp(b) => write!(f, "the answer is not HTTP (starts {})", hex(b)),
            HttpError::Malformed(why) => write!(f, "malformed HTTP response: {why}"),
            HttpError::TooLarge => write!(f, "response larger than {} bytes", MAX_RESPONSE),
        }
    }
}

impl From<io::Error> for HttpError {
    fn from(e: io::Error) -> Self {
        HttpError::Io(e)
    }
}

/// Up to 8 bytes as hex, for messages about binary answers.
pub fn hex(b: &[u8]) -> String {
    b.iter().take(8).map(|x| format!("{x:02x}")).collect::<Vec<_>>().join(" ")
}

/// Sends `GET path` and reads the response. The Host header is `docker`, as
/// the docker CLI sends it whatever the address.
pub fn get<S: Read + Write>(stream: &mut S, path: &str) -> Result<Response, HttpError> {
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: docker\r\nUser-Agent: dindlog-doctor\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(req.as_bytes())?;
    stream.flush()?;
    read_response(stream)
}

/// Reads one response. Stops at the end of the body as framed, without
/// waiting for the peer to close (TLS peers may not send close_notify).
pub fn read_response<R: Read>(r: &mut R) -> Result<Response, HttpError> {
    let mut buf = Vec::with_capacity(4096);
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        if !buf.is_empty() && !b"HTTP/".starts_with(&buf[..buf.len().min(5)]) {
            return Err(HttpError::NotHttp(buf[..buf.len().min(16)].to_vec()));
        }
        if buf.len() > MAX_HEADERS {
            return Err(HttpError::TooLarge);
        }
        if fill(r, &mut buf)? == 0 {
            return Err(match buf.len() {
                0 => HttpError::Empty,
                // A bare response with no blank line: Go's TLS listener's 400
                // always has one, so this is a truncated answer.
                _ if buf.starts_with(b"HTTP/") => HttpError::Malformed("headers cut short"),
                _ => HttpError::NotHttp(buf[..buf.len().min(16)].to_vec()),
            });
        }
    };
    let head = std::str::from_utf8(&buf[..head_end])
        .map_err(|_| HttpError::Malformed("headers are not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status = parse_status(lines.next().unwrap_or(""))?;
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap_or((l, ""));
            (n.trim().to_ascii_lowercase(), v.trim().to_string())
        })
        .collect();
    let rest = buf[head_end..].to_vec();
    let mut resp = Response { status, headers, body: Vec::new() };
    let chunked = resp
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    resp.body = if chunked {
        read_chunked(r, rest)?
    } else if let Some(len) = resp.header("content-length") {
        let len: usize = len.parse().map_err(|_| HttpError::Malformed("bad Content-Length"))?;
        read_exact_len(r, rest, len)?
    } else if status == 204 || status == 304 || (100..200).contains(&status) {
        Vec::new()
    } else {
        read_to_close(r, rest)?
    };
    Ok(resp)
}

fn parse_status(line: &str) -> Result<u16, HttpError> {
    let mut parts = line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    if !version.starts_with("HTTP/1.") {
        return Err(HttpError::Malformed("bad status line"));
    }
    parts
        .next()
        .and_then(|c| c.parse::<u16>().ok())
        .filter(|c| (100..1000).contains(c))
        .ok_or(HttpError::Malformed("bad status code"))
}

/// Reads more bytes into `buf`; returns how many (0 at end of stream).
fn fill<R: Read>(r: &mut R, buf: &mut Vec<u8>) -> Result<usize, HttpError> {
    let mut chunk = [0u8; 8192];
    loop {
        match r.read(&mut chunk) {
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                return Ok(n);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // A TLS peer that closes without close_notify ends the stream here.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(0),
            Err(e) => return Err(e.into()),
        }
    }
}

fn read_exact_len<R: Read>(r: &mut R, mut have: Vec<u8>, len: usize) -> Result<Vec<u8>, HttpError> {
    if len > MAX_RESPONSE {
        return Err(HttpError::TooLarge);
    }
    while have.len() < len {
        if fill(r, &mut have)? == 0 {
            return Err(HttpError::Malformed("body shorter than Content-Length"));
        }
    }
    have.truncate(len);
    Ok(have)
}

fn read_to_close<R: Read>(r: &mut R, mut have: Vec<u8>) -> Result<Vec<u8>, HttpError> {
    while fill(r, &mut have)? > 0 {
        if have.len() > MAX_RESPONSE {
            return Err(HttpError::TooLarge);
        }
    }
    Ok(have)
}

/// Decodes `Transfer-Encoding: chunked`, reading more as needed.
fn read_chunked<R: Read>(r: &mut R, mut raw: Vec<u8>) -> Result<Vec<u8>, HttpError> {
    let mut body = Vec::new();
    let mut pos = 0;
    loop {
        let line_end = loop {
            if let Some(i) = find(&raw[pos..], b"\r\n") {
                break pos + i;
            }
            if raw.len() - pos > 1024 {
                return Err(HttpError::Malformed("chunk size line too long"));
            }
            if fill(r, &mut raw)? == 0 {
                return Err(HttpError::Malformed("chunked body cut short"));
            }
        };
        let size_text = std::str::from_utf8(&raw[pos..line_end])
            .map_err(|_| HttpError::Malformed("bad chunk size"))?;
        // Chunk extensions (";name=value") are allowed and ignored.
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| HttpError::Malformed("bad chunk size"))?;
        if size == 0 {
            // Trailers are not needed; the body is complete.
            return Ok(body);
        }
        if body.len().saturating_add(size) > MAX_RESPONSE {
            return Err(HttpError::TooLarge);
        }
        let start = line_end + 2;
        let end = start + size;
        // Many tiny chunks carry more framing than data: bound the raw bytes too.
        if end > 4 * MAX_RESPONSE {
            return Err(HttpError::TooLarge);
        }
        while raw.len() < end + 2 {
            if fill(r, &mut raw)? == 0 {
                return Err(HttpError::Malformed("chunked body cut short"));
            }
        }
        body.extend_from_slice(&raw[start..end]);
        if &raw[end..end + 2] != b"\r\n" {
            return Err(HttpError::Malformed("chunk not followed by CRLF"));
        }
        pos = end + 2;
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out one byte per call, to hit every refill path.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buf.is_empty()) {
                (Some((b, rest)), false) => {
                    buf[0] = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn parse(raw: &[u8]) -> Result<Response, HttpError> {
        let whole = read_response(&mut &raw[..]);
        let trickled = read_response(&mut Trickle(raw));
        // Errors may keep different prefixes; successes must be identical.
        match (&whole, &trickled) {
            (Ok(a), Ok(b)) => assert_eq!(a, b),
            (a, b) => assert_eq!(a.is_ok(), b.is_ok()),
        }
        whole
    }

    #[test]
    fn content_length_body() {
        let r = parse(b"HTTP/1.1 200 OK\r\nApi-Version: 1.43\r\nContent-Length: 2\r\n\r\nOKextra")
            .unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"OK"[..]));
        assert_eq!(r.header("api-version"), Some("1.43"));
    }

    #[test]
    fn chunked_body() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\n{\"a\r\n2\r\n\":\r\n1\r\n1\r\n0\r\n\r\n";
        assert_eq!(parse(raw).unwrap().body, b"{\"a\":1");
    }

    #[test]
    fn body_until_close() {
        let r = parse(
            b"HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n",
        )
        .unwrap();
        assert_eq!(r.status, 400);
        assert!(r.text().contains("HTTPS server"));
    }

    #[test]
    fn bad_answers_are_errors_not_panics() {
        let cases: &[&[u8]] = &[
            b"",
            b"\x15\x03\x03\x00\x02\x02\x46",
            b"SSH-2.0-OpenSSH\r\n",
            b"HTTP/1.1 200",
            b"HTTP/1.1 abc OK\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
            b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffff\r\n",
        ];
        for raw in cases {
            assert!(parse(raw).is_err(), "{:?}", String::from_utf8_lossy(raw));
        }
        assert!(
            matches!(parse(b"\x15\x03\x03\x00\x02"), Err(HttpError::NotHttp(b)) if b[0] == 0x15)
        );
    }

    #[test]
    fn oversized_answers_stop_at_the_cap() {
        let mut raw = b"HTTP/1.1 200 OK\r\n\r\n".to_vec();
        raw.resize(MAX_RESPONSE + 100, b'a');
        assert!(matches!(read_response(&mut &raw[..]), Err(HttpError::TooLarge)));
        let mut head = b"HTTP/1.1 200 OK\r\n".to_vec();
        head.resize(MAX_HEADERS + 100, b'a');
        assert!(matches!(read_response(&mut &head[..]), Err(HttpError::TooLarge)));
    }
}
