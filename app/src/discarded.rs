//! Counts the requests in the bytes a connection reads and throws away
//! when the app closes it: requests a client pipelined behind the response
//! the connection closed after, or sent while it was closing. HTTP lets a
//! server close there; the client sees the connection end without their
//! responses and may retry them. The log counts them so that every request
//! a client sent is accounted for.

/// The largest request head counted, hyper's own limit (its default
/// largest read buffer): a longer head is one hyper refuses with 431.
const MAX_HEAD: usize = 8_192 + 4_096 * 100;

/// The most header fields in a head counted, hyper's own limit.
const MAX_HEADERS: usize = 100;

/// The longest line of a chunked body (chunk size and extensions, or a
/// trailer field) counted.
const MAX_LINE: usize = 8_192;

/// Whole request heads in a stream of bytes that begins where a request
/// begins, with the bodies they announce skipped.
#[derive(Debug, Default)]
pub(crate) struct Requests {
    /// Requests whose head arrived in full.
    counted: u64,
    /// Bytes not yet accounted for: the start of a head or of a line.
    pending: Vec<u8>,
    body: Body,
    /// The bytes stopped parsing as requests (a malformed head, a head
    /// longer than hyper takes, or the middle of a body the app did not
    /// read): what follows cannot be told apart, and is not counted.
    lost: bool,
}

/// Where the stream stands within a request's body.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Body {
    /// Between requests.
    #[default]
    None,
    /// This many bytes of a `Content-Length` body still to come.
    Length(u64),
    /// A chunk-size line of a chunked body.
    ChunkSize,
    /// This many bytes of a chunk still to come.
    ChunkData(u64),
    /// The line end after a chunk's data.
    ChunkEnd,
    /// The trailer fields after the last chunk, up to an empty line.
    Trailer,
}

/// What one step of parsing did.
enum Step {
    /// Took this many bytes of `pending`.
    Took(usize),
    /// Needs more bytes.
    More,
    /// The bytes are not a request.
    Lost,
}

impl Requests {
    /// Requests whose head arrived in full.
    pub(crate) fn counted(&self) -> u64 {
        self.counted
    }

    /// Counts nothing from now on: what follows does not begin at the
    /// start of a request (the rest of a request hyper refused).
    pub(crate) fn lose_track(&mut self) {
        self.lost = true;
        self.pending = Vec::new();
    }

    /// The next bytes of the stream.
    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        if self.lost || bytes.is_empty() {
            return;
        }
        self.pending.extend_from_slice(bytes);
        let mut at = 0;
        while at < self.pending.len() {
            match self.step(at) {
                Step::Took(n) => at += n,
                Step::More => break,
                Step::Lost => return self.lose_track(),
            }
        }
        self.pending.drain(..at);
        let limit = match self.body {
            Body::None => MAX_HEAD,
            _ => MAX_LINE,
        };
        if self.pending.len() > limit {
            self.lose_track();
        }
    }

    /// Parses what `pending[at..]` begins with.
    fn step(&mut self, at: usize) -> Step {
        let rest = &self.pending[at..];
        match self.body {
            Body::None => self.head(at),
            Body::Length(left) | Body::ChunkData(left) => {
                let n = left.min(rest.len() as u64);
                self.body = match (self.body, left - n) {
                    (Body::Length(_), 0) => Body::None,
                    (Body::Length(_), left) => Body::Length(left),
                    (_, 0) => Body::ChunkEnd,
                    (_, left) => Body::ChunkData(left),
                };
                // `n` is at most `rest.len()`, a `usize`.
                Step::Took(n as usize)
            }
            Body::ChunkEnd => match rest {
                [b'\r', b'\n', ..] => {
                    self.body = Body::ChunkSize;
                    Step::Took(2)
                }
                [] | [b'\r'] => Step::More,
                _ => Step::Lost,
            },
            Body::ChunkSize | Body::Trailer => {
                let Some(end) = rest.windows(2).position(|w| w == b"\r\n") else {
                    return Step::More;
                };
                let line = &rest[..end];
                self.body = if self.body == Body::Trailer {
                    if line.is_empty() {
                        Body::None
                    } else {
                        Body::Trailer
                    }
                } else {
                    match chunk_size(line) {
                        Some(0) => Body::Trailer,
                        Some(size) => Body::ChunkData(size),
                        None => return Step::Lost,
                    }
                };
                Step::Took(end + 2)
            }
        }
    }

    /// Parses a request head at `pending[at..]`.
    fn head(&mut self, at: usize) -> Step {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        let length = match request.parse(&self.pending[at..]) {
            Ok(httparse::Status::Complete(length)) => length,
            Ok(httparse::Status::Partial) => return Step::More,
            Err(_) => return Step::Lost,
        };
        let header = |name: &'static str| {
            request
                .headers
                .iter()
                .filter(move |h| h.name.eq_ignore_ascii_case(name))
                .map(|h| std::str::from_utf8(h.value).map(str::trim))
        };
        let chunked = match header("transfer-encoding").next_back() {
            None => false,
            Some(Ok(codings)) if codings.to_ascii_lowercase().ends_with("chunked") => true,
            // A request's body must end with chunked if it is encoded.
            Some(_) => return Step::Lost,
        };
        let lengths: Vec<_> = header("content-length").collect();
        self.body = match (chunked, lengths.as_slice()) {
            (true, []) => Body::ChunkSize,
            (false, []) => Body::None,
            (false, [Ok(length)]) => match length.parse() {
                Ok(0) => Body::None,
                Ok(length) => Body::Length(length),
                Err(_) => return Step::Lost,
            },
            // Both framings, several lengths, or one that is not text:
            // hyper refuses such a request, and so does the count.
            _ => return Step::Lost,
        };
        self.counted += 1;
        Step::Took(length)
    }
}

/// The size a chunk-size line gives (hexadecimal, before any extension).
fn chunk_size(line: &[u8]) -> Option<u64> {
    let size = line.split(|&b| b == b';').next()?;
    let size = std::str::from_utf8(size).ok()?.trim();
    if size.is_empty() || !size.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(size, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(chunks: &[&[u8]]) -> u64 {
        let mut requests = Requests::default();
        for chunk in chunks {
            requests.feed(chunk);
        }
        requests.counted()
    }

    const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: hello.test\r\n\r\n";

    #[test]
    fn whole_heads_are_counted_however_the_bytes_arrive() {
        let three = GET.repeat(3);
        assert_eq!(counted(&[&three]), 3);
        let bytewise: Vec<&[u8]> = three.chunks(1).collect();
        assert_eq!(counted(&bytewise), 3);
        // Half a head is not a request.
        assert_eq!(counted(&[&three, &GET[..20]]), 3);
        assert_eq!(counted(&[]), 0);
    }

    #[test]
    fn bodies_are_skipped_by_their_length_or_their_chunks() {
        let with_length =
            b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 22\r\n\r\nGET / HTTP/1.1\r\n\r\n....";
        assert_eq!(counted(&[with_length, GET]), 2);
        let chunked = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\
                        5;ext=1\r\nGET /\r\n10\r\n HTTP/1.1\r\n\r\n...\r\n0\r\nX-Trailer: 1\r\n\r\n";
        assert_eq!(counted(&[chunked, GET]), 2);
        let bytewise: Vec<&[u8]> = chunked.chunks(1).chain([GET]).collect();
        assert_eq!(counted(&bytewise), 2);
    }

    #[test]
    fn counting_stops_where_the_bytes_stop_being_requests() {
        assert_eq!(counted(&[GET, b"not http\r\n\r\n", GET]), 1);
        let both = b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n";
        assert_eq!(counted(&[GET, both, GET]), 1);
        let bad_chunk = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
        assert_eq!(counted(&[bad_chunk, GET]), 1);
        let endless = vec![b'a'; MAX_HEAD + 1];
        assert_eq!(
            counted(&[GET, b"GET /", &endless, b" HTTP/1.1\r\n\r\n", GET]),
            1
        );
        let mut refused = Requests::default();
        refused.lose_track();
        refused.feed(GET);
        assert_eq!(refused.counted(), 0);
    }
}
