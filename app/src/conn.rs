//! One connection. hyper serves HTTP/1 on it; the app watches the bytes
//! that pass between hyper and the socket, which tell it where the
//! connection stands between requests: that is where its timeouts run and
//! where shutdown closes it, never while a request is on its way in.
//!
//! When the app closes a connection itself (after a response that says
//! `Connection: close`, at a timeout, at the stop or at the deadline) it
//! closes it the way Apache and nginx do, a "lingering close": it shuts
//! down its side first, so the client reads every response written and
//! then a clean end of input, then reads and throws away what the client
//! still sends until the client closes its side too, for at most
//! [`LINGER`] and never past the deadline. Dropping a socket with unread
//! bytes from the client would instead send a reset, which makes the
//! client's kernel discard the responses it has not yet read, and the
//! app's kernel those it has not yet sent.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Request, Response, header};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::futures::OwnedNotified;
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

use crate::discarded::Requests;
use crate::serve::ServerState;
use crate::{ShuttingDown, log};

/// How long a connection the app closes waits, reading and throwing away
/// what its client still sends, for the client to close its side (a
/// client reading its last responses takes far less); cut short at the
/// shutdown deadline.
pub(crate) const LINGER: Duration = Duration::from_secs(2);

/// How a connection's serving ended.
enum Ended {
    /// hyper finished: the client or the app closed the connection, or it
    /// broke.
    Served,
    /// The shutdown deadline passed while hyper was still serving it.
    Cut,
}

/// Serves HTTP/1 on `stream` until the client or the app closes it.
pub(crate) async fn serve_connection(stream: TcpStream, router: Router, server: Arc<ServerState>) {
    // Created before the cut flag is read, so it cannot miss the
    // notification that follows the flag.
    let cut = server.cut.clone().notified_owned();
    tokio::pin!(cut);
    // Responses go out in one write; without this, a response split in two
    // could wait for the client's delayed ACK.
    let _ = stream.set_nodelay(true);
    let exchange = Arc::new(Exchange::default());
    let io = Watched::new(stream, exchange.clone(), server.clone());
    let app = App {
        router,
        exchange,
        server: server.clone(),
    };
    // The app times request heads itself (see `Watched::poll_read`): hyper's
    // own header timeout also runs between requests, where it would close
    // keep-alive connections long before the load balancer's 600 s.
    let mut connection = hyper::server::conn::http1::Builder::new()
        .header_read_timeout(None)
        .serve_connection(TokioIo::new(io), app);
    let ended = if server.cutting() {
        Ended::Cut
    } else {
        tokio::select! {
            // An error ends only this connection: a client that went away,
            // a head cut at its timeout or refused by hyper (both logged
            // where they happen).
            _ = &mut connection => Ended::Served,
            () = &mut cut => Ended::Cut,
        }
    };
    // hyper is done with the socket (or, at the cut, dropped with what it
    // was doing); what it read and did not handle are requests too.
    let parts = connection.into_parts();
    let mut watched = parts.io.into_inner();
    let mut discarded = Requests::default();
    if watched.refused {
        // What follows a head hyper refused is not where a request begins.
        discarded.lose_track();
    }
    discarded.feed(&parts.read_buf);
    // Shut down the write side first: the client reads what was written,
    // then the end of input. This fails only on a broken connection.
    let _ = watched.stream.shutdown().await;
    match ended {
        Ended::Served => {
            let until = Instant::now() + LINGER;
            linger(&watched.stream, &mut discarded, until, &server, cut).await;
        }
        // The deadline is now: only what has already arrived is read.
        Ended::Cut => {
            server.connections_cut.fetch_add(1, Ordering::SeqCst);
        }
    }
    discard_arrived(&watched.stream, &mut discarded);
    server
        .requests_discarded
        .fetch_add(discarded.counted(), Ordering::SeqCst);
}

/// How much one read of a closing connection takes.
const DISCARD_BUFFER: usize = 16 * 1024;

/// The most reads [`discard_arrived`] makes (4 MiB), so that it ends even
/// against a client that sends as fast as it is read. A receive buffer
/// the kernel has grown larger and that is full still ends in a reset.
const MAX_ARRIVED_READS: usize = 256;

/// On a connection whose write side is shut down: reads and throws away
/// what the client still sends, counting its requests in `discarded`,
/// until the client closes its side or breaks the connection, `until`
/// passes, or the deadline cuts it (`cut`).
async fn linger(
    stream: &TcpStream,
    discarded: &mut Requests,
    until: Instant,
    server: &ServerState,
    cut: Pin<&mut OwnedNotified>,
) {
    let discard = async {
        let mut buf = vec![0; DISCARD_BUFFER];
        // The bound is checked at each read too: were the client to keep
        // every read ready, the timers below might go unpolled.
        while Instant::now() < until && !server.cutting() {
            if stream.readable().await.is_err() {
                break;
            }
            match stream.try_read(&mut buf) {
                Ok(0) => break,
                Ok(n) => discarded.feed(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(_) => break,
            }
        }
    };
    tokio::select! {
        () = discard => {}
        () = tokio::time::sleep_until(until) => {}
        () = cut => {}
    }
}

/// Reads and throws away what has already arrived on `stream`, without
/// waiting, counting its requests in `discarded`: a socket dropped with
/// unread bytes sends a reset instead of ending cleanly.
fn discard_arrived(stream: &TcpStream, discarded: &mut Requests) {
    let mut buf = vec![0; DISCARD_BUFFER];
    for _ in 0..MAX_ARRIVED_READS {
        match stream.try_read(&mut buf) {
            Ok(n @ 1..) => discarded.feed(&buf[..n]),
            _ => break,
        }
    }
}

/// What hyper and the app have done with one connection's requests.
#[derive(Debug, Default)]
struct Exchange {
    /// Requests hyper has handed to the app.
    calls: AtomicU64,
    /// Responses whose body hyper has dropped: all of it is in hyper's
    /// write buffer, or already written.
    finished: AtomicU64,
}

/// The app as hyper calls it on one connection.
#[derive(Clone)]
struct App {
    router: Router,
    exchange: Arc<Exchange>,
    server: Arc<ServerState>,
}

impl hyper::service::Service<Request<Incoming>> for App {
    type Response = Response<Tracked>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Tracked>, Infallible>> + Send>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        self.exchange.calls.fetch_add(1, Ordering::SeqCst);
        self.server.in_flight.fetch_add(1, Ordering::SeqCst);
        let finished = Finished(self.exchange.clone());
        let router = self.router.clone();
        let server = self.server.clone();
        Box::pin(async move {
            let mut request = request.map(Body::new);
            if server.draining() {
                request.extensions_mut().insert(ShuttingDown);
            }
            let Ok(mut response) = router.oneshot(request).await;
            // Once shutdown has begun, a client learns from each response that
            // this connection ends with it, and sends its next request on a
            // connection to another pod.
            if server.draining() {
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            Ok(response.map(|body| Tracked {
                body,
                _finished: finished,
            }))
        })
    }
}

/// Counts a response as finished when hyper drops it.
struct Finished(Arc<Exchange>);

impl Drop for Finished {
    fn drop(&mut self) {
        self.0.finished.fetch_add(1, Ordering::SeqCst);
    }
}

/// A response body that tells the connection when hyper is done with it.
struct Tracked {
    body: Body,
    _finished: Finished,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// Where a connection stands, as the bytes between hyper and the socket
/// show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// hyper has handed a request to the app and not yet written all of
    /// its response.
    Busy,
    /// Connected; no byte of a request yet.
    New,
    /// Part of a request head has arrived.
    Head,
    /// Every response written; no byte of the next request yet.
    Idle,
}

/// The first bytes of a request head arriving outside [`Phase::Busy`].
struct Head {
    started: Instant,
    received: usize,
    /// Its first bytes, enough for the request line in the log.
    start: Vec<u8>,
}

/// How many bytes of a request head are kept for the log.
const HEAD_KEPT: usize = 256;

/// The socket under hyper, watched.
///
/// hyper writes to the socket on its own in one case only: a request head
/// it cannot parse or will not take (400, 414, 431), answered before the
/// app sees a request. Every other write belongs to a response of the app,
/// and hyper flushes the socket only once every byte it has buffered is
/// written. So a write while every request handed to the app has its
/// response flushed is hyper's own response: it gets the app's security
/// headers and a log line like every other. The socket takes no vectored
/// writes, so hyper writes that response in one piece.
struct Watched {
    stream: TcpStream,
    exchange: Arc<Exchange>,
    server: Arc<ServerState>,
    /// Responses written in full: finished, then flushed.
    answered: u64,
    accepted: Instant,
    /// When the last response was written in full.
    idle_since: Instant,
    head: Option<Head>,
    timer: Pin<Box<Sleep>>,
    timer_at: Option<Instant>,
    /// Resolves when the drain ends (`ServerState::stop`).
    stop: Pin<Box<OwnedNotified>>,
    /// hyper's own response with the app's headers, and how much of it is
    /// sent.
    replacement: Vec<u8>,
    replaced: usize,
    /// hyper refused a request head (400, 414, 431) and closes.
    refused: bool,
}

impl Watched {
    fn new(stream: TcpStream, exchange: Arc<Exchange>, server: Arc<ServerState>) -> Watched {
        // Created before the stop flag is read, so it cannot miss the
        // notification that follows the flag.
        let stop = Box::pin(server.stop.clone().notified_owned());
        server.connections.fetch_add(1, Ordering::SeqCst);
        let now = Instant::now();
        Watched {
            stream,
            exchange,
            server,
            answered: 0,
            accepted: now,
            idle_since: now,
            head: None,
            timer: Box::pin(tokio::time::sleep_until(now)),
            timer_at: None,
            stop,
            replacement: Vec::new(),
            replaced: 0,
            refused: false,
        }
    }

    fn phase(&self) -> Phase {
        if self.exchange.calls.load(Ordering::SeqCst) > self.answered {
            Phase::Busy
        } else if self.head.is_some() {
            Phase::Head
        } else if self.answered == 0 {
            Phase::New
        } else {
            Phase::Idle
        }
    }

    /// When the connection is closed if nothing more arrives.
    fn deadline(&self, phase: Phase) -> Option<Instant> {
        let timings = &self.server.timings;
        match phase {
            Phase::Busy => None,
            Phase::New => self.accepted.checked_add(timings.header_read),
            Phase::Head => match (&self.head, self.answered) {
                (Some(head), 1..) => head.started.checked_add(timings.header_read),
                _ => self.accepted.checked_add(timings.header_read),
            },
            Phase::Idle => self.idle_since.checked_add(timings.idle),
        }
    }

    fn received(&mut self, bytes: &[u8]) {
        if bytes.is_empty() || self.phase() == Phase::Busy {
            return;
        }
        let head = self.head.get_or_insert_with(|| Head {
            started: Instant::now(),
            received: 0,
            start: Vec::new(),
        });
        head.received += bytes.len();
        let room = HEAD_KEPT.saturating_sub(head.start.len());
        head.start
            .extend_from_slice(&bytes[..room.min(bytes.len())]);
    }

    /// Nothing to read: the client is not sending. Arms the timer and the
    /// stop notification for where the connection stands, to wake `cx`;
    /// `Some` once either has fired, with what reading then returns. An
    /// idle connection ends with the end of input, which hyper takes as a
    /// clean close between requests; a request head cut at its timeout ends
    /// with an error, and hyper closes without a response.
    fn watch(&mut self, cx: &mut Context<'_>) -> Option<io::Result<()>> {
        let phase = self.phase();
        if phase == Phase::Idle
            && (self.server.stopping() || self.stop.as_mut().poll(cx).is_ready())
        {
            return Some(Ok(()));
        }
        let deadline = self.deadline(phase)?;
        if self.timer_at != Some(deadline) {
            self.timer.as_mut().reset(deadline);
            self.timer_at = Some(deadline);
        }
        self.timer.as_mut().poll(cx).is_ready().then(|| {
            if phase == Phase::Idle {
                return Ok(());
            }
            if let Some(head) = &self.head {
                log(serde_json::json!({
                    "msg": "connection closed",
                    "reason": "request head incomplete at the header read timeout",
                    "header_read_timeout_s": self.server.timings.header_read.as_secs_f64(),
                    "bytes_received": head.received,
                }));
            }
            Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "request head not received in time",
            ))
        })
    }

    /// hyper's own response in `written`, with the app's headers added, or
    /// `None` if `written` is not a whole response head with an error status.
    fn rejection(&self, written: &[u8]) -> Option<(u16, Vec<u8>)> {
        let mut headers = [httparse::EMPTY_HEADER; 16];
        let mut response = httparse::Response::new(&mut headers);
        let whole = matches!(response.parse(written), Ok(httparse::Status::Complete(n)) if n == written.len());
        let status = response.code.filter(|code| (400..600).contains(code))?;
        if !whole || !written.ends_with(b"\r\n\r\n") {
            return None;
        }
        let closes = response
            .headers
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case("connection"));
        let mut out = written[..written.len() - 2].to_vec();
        for (name, value) in crate::SECURITY_HEADERS {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        if !closes {
            out.extend_from_slice(b"connection: close\r\n");
        }
        out.extend_from_slice(b"\r\n");
        Some((status, out))
    }

    fn poll_replacement(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.replaced < self.replacement.len() {
            let rest = &self.replacement[self.replaced..];
            let n = ready!(Pin::new(&mut self.stream).poll_write(cx, rest))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.replaced += n;
            if self.replaced == self.replacement.len() {
                self.server.responses.fetch_add(1, Ordering::SeqCst);
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        if let Poll::Ready(result) = Pin::new(&mut this.stream).poll_read(cx, buf) {
            if result.is_ok() {
                this.received(&buf.filled()[before..]);
            }
            return Poll::Ready(result);
        }
        match this.watch(cx) {
            Some(end) => Poll::Ready(end),
            None => Poll::Pending,
        }
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_replacement(cx))?;
        if this.phase() != Phase::Busy {
            if let Some((status, replacement)) = this.rejection(buf) {
                let (method, path) = this
                    .head
                    .as_ref()
                    .map(|head| request_line(&head.start))
                    .unwrap_or_default();
                crate::log_request(&crate::RequestLog {
                    method,
                    path,
                    status,
                    duration: this
                        .head
                        .as_ref()
                        .map(|head| head.started.elapsed())
                        .unwrap_or_default(),
                    user_agent: String::new(),
                });
                this.replacement = replacement;
                this.replaced = 0;
                this.refused = true;
                // Sending begins now; hyper's flush and shutdown finish it.
                if let Poll::Ready(Err(e)) = this.poll_replacement(cx) {
                    return Poll::Ready(Err(e));
                }
                return Poll::Ready(Ok(buf.len()));
            }
        }
        Pin::new(&mut this.stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_replacement(cx))?;
        ready!(Pin::new(&mut this.stream).poll_flush(cx))?;
        // hyper flushes only after writing all it has buffered, so every
        // finished response is now written in full.
        let finished = this.exchange.finished.load(Ordering::SeqCst);
        if finished > this.answered {
            let newly = finished - this.answered;
            this.answered = finished;
            this.server.in_flight.fetch_sub(newly, Ordering::SeqCst);
            this.server.responses.fetch_add(newly, Ordering::SeqCst);
            this.head = None;
            this.idle_since = Instant::now();
            // hyper last read while the request was in progress, so the
            // idle timer and the stop notification must wake this task now.
            if this.phase() == Phase::Idle && this.watch(cx).is_some() {
                cx.waker().wake_by_ref();
            }
        }
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_replacement(cx))?;
        Pin::new(&mut this.stream).poll_shutdown(cx)
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        // Requests handed to the app whose response was not written in
        // full: cut at the deadline, or their client went away first.
        let unanswered = self.exchange.calls.load(Ordering::SeqCst) - self.answered;
        self.server
            .in_flight
            .fetch_sub(unanswered, Ordering::SeqCst);
        self.server
            .requests_dropped
            .fetch_add(unanswered, Ordering::SeqCst);
        self.server.connections.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The method and target of a request line, as far as they arrived.
fn request_line(start: &[u8]) -> (String, String) {
    let line = start
        .split(|&b| b == b'\r' || b == b'\n')
        .next()
        .unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut parts = line.split(' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    (method, path)
}
