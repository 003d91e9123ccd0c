//! The server: accepts connections, and from the shutdown signal on drains,
//! stops, and reports what became of the requests.

use std::future::{Future, poll_fn};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::Poll;
use std::time::Duration;

use axum::Router;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinSet;

use crate::{Timings, conn, log};

/// What every connection of one server shares.
pub(crate) struct ServerState {
    pub(crate) timings: Timings,
    /// Set at the shutdown signal: `/healthz` answers 503, responses say
    /// `Connection: close`.
    draining: AtomicBool,
    /// Set when the drain ends: idle connections close.
    stopping: AtomicBool,
    /// Notified, after `stopping` is set, to wake idle connections.
    pub(crate) stop: Arc<Notify>,
    /// Set when the deadline passes: connections close at once.
    cutting: AtomicBool,
    /// Notified, after `cutting` is set, to close every connection.
    pub(crate) cut: Arc<Notify>,
    /// Requests handed to the app whose response is not yet written in full.
    pub(crate) in_flight: AtomicU64,
    /// Responses written in full.
    pub(crate) responses: AtomicU64,
    /// Requests handed to the app whose connection closed before their
    /// response was written in full.
    pub(crate) requests_dropped: AtomicU64,
    /// Requests that arrived on a connection the app was closing, read and
    /// thrown away unanswered.
    pub(crate) requests_discarded: AtomicU64,
    /// Connections still being served when the deadline passed.
    pub(crate) connections_cut: AtomicU64,
    /// Connections open, until their socket is dropped.
    pub(crate) connections: AtomicU64,
}

impl ServerState {
    pub(crate) fn draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    pub(crate) fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    pub(crate) fn cutting(&self) -> bool {
        self.cutting.load(Ordering::SeqCst)
    }

    fn counts(&self) -> serde_json::Value {
        serde_json::json!({
            "connections_open": self.connections.load(Ordering::SeqCst),
            "requests_in_flight": self.in_flight.load(Ordering::SeqCst),
        })
    }
}

/// How serving ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shutdown {
    /// Every connection had its last response written and was closing
    /// (or closed) before the deadline.
    Drained,
    /// The deadline passed with connections still being served; they were
    /// closed, and [`Report`] counts them.
    DeadlineExpired,
}

/// What became of the requests since the server started, for the last
/// log line. Every request a client sent in full on a connection the app
/// accepted is in exactly one of `responses` (or answered by hyper before
/// routing, also in `responses`), `requests_dropped` and
/// `requests_discarded`, as far as the bytes parse as requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// How serving ended.
    pub outcome: Shutdown,
    /// Responses written in full to the socket: the kernel has every byte
    /// and delivers them unless a reset ends the connection first (the
    /// client breaks it, or still sends after the lingering close ended).
    pub responses: u64,
    /// Of those, the ones written after the shutdown signal.
    pub responses_after_signal: u64,
    /// Requests handed to the app whose response was not written in full
    /// when their connection closed: cut at the deadline, or their client
    /// closed or broke the connection first.
    pub requests_dropped: u64,
    /// Requests that arrived in full on a connection the app was closing,
    /// read and thrown away unanswered: pipelined behind the response that
    /// closed it, or sent as it closed (the client sees the connection end
    /// without their responses, and may retry them).
    pub requests_discarded: u64,
    /// Connections still being served at the deadline, closed then.
    pub connections_cut: u64,
}

/// Serves `app` on `listener` until `shutdown` resolves, then shuts down in
/// three steps, timed by `timings` (whose docs say how the defaults fit
/// Kubernetes):
///
/// 1. **Drain** for `timings.drain`: keep accepting and serving, while
///    `/healthz` answers 503 and every response says `Connection: close`,
///    so the load balancer and the endpoints controller take the pod out of
///    rotation and keep-alive clients reconnect elsewhere.
/// 2. **Stop**: accept the connections the kernel has already completed,
///    close the listener, and close each idle keep-alive connection. A
///    connection closes only between requests: one whose request has begun
///    to arrive, or that has not sent its first request yet, is served
///    first (within the header read timeout).
/// 3. **Finish** within `timings.deadline`: requests in flight complete,
///    each connection closing after its response. At the deadline the
///    connections still open are closed and counted in the [`Report`].
///
/// Every connection the app closes, at any time, gets a lingering close
/// (see `conn.rs`), so that no reset discards responses its client has not
/// read; the deadline cuts it short.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()>,
    timings: Timings,
) -> Report {
    let server = Arc::new(ServerState {
        timings,
        draining: AtomicBool::new(false),
        stopping: AtomicBool::new(false),
        stop: Arc::new(Notify::new()),
        cutting: AtomicBool::new(false),
        cut: Arc::new(Notify::new()),
        in_flight: AtomicU64::new(0),
        responses: AtomicU64::new(0),
        requests_dropped: AtomicU64::new(0),
        requests_discarded: AtomicU64::new(0),
        connections_cut: AtomicU64::new(0),
        connections: AtomicU64::new(0),
    });
    let mut connections = JoinSet::new();
    let open = |connections: &mut JoinSet<()>, stream: TcpStream| {
        connections.spawn(conn::serve_connection(stream, app.clone(), server.clone()));
    };

    // Serve.
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                if let Some(stream) = accepted_stream(accepted).await {
                    open(&mut connections, stream);
                }
            }
            // Finished connections are reaped as they end.
            Some(_) = connections.join_next() => {}
        }
    }

    // Drain.
    let responses_before_signal = server.responses.load(Ordering::SeqCst);
    server.draining.store(true, Ordering::SeqCst);
    log(with(
        serde_json::json!({
            "msg": "shutting down",
            "drain_s": timings.drain.as_secs_f64(),
            "deadline_s": timings.deadline.as_secs_f64(),
        }),
        server.counts(),
    ));
    let drained = tokio::time::sleep(timings.drain);
    tokio::pin!(drained);
    loop {
        tokio::select! {
            () = &mut drained => break,
            accepted = listener.accept() => {
                if let Some(stream) = accepted_stream(accepted).await {
                    open(&mut connections, stream);
                }
            }
            // Finished connections are reaped as they end.
            Some(_) = connections.join_next() => {}
        }
    }

    // Stop. Connections the kernel has completed but the app has not yet
    // accepted would be reset when the listener closes: serve them too.
    server.stopping.store(true, Ordering::SeqCst);
    while let Some(accepted) = poll_fn(|cx| match listener.poll_accept(cx) {
        Poll::Ready(accepted) => Poll::Ready(Some(accepted)),
        Poll::Pending => Poll::Ready(None),
    })
    .await
    {
        if let Ok((stream, _)) = accepted {
            open(&mut connections, stream);
        }
    }
    drop(listener);
    server.stop.notify_waiters();
    log(with(
        serde_json::json!({ "msg": "stopped accepting" }),
        server.counts(),
    ));

    // Finish.
    let deadline = tokio::time::sleep(timings.deadline);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            joined = connections.join_next() => {
                if joined.is_none() {
                    break;
                }
            }
            () = &mut deadline => {
                // Every connection still open closes now, reading only
                // what has already arrived (see `conn::linger`), so this
                // waits for no client.
                server.cutting.store(true, Ordering::SeqCst);
                server.cut.notify_waiters();
                while connections.join_next().await.is_some() {}
                break;
            }
        }
    }
    let connections_cut = server.connections_cut.load(Ordering::SeqCst);
    let responses = server.responses.load(Ordering::SeqCst);
    Report {
        outcome: match connections_cut {
            0 => Shutdown::Drained,
            _ => Shutdown::DeadlineExpired,
        },
        responses,
        responses_after_signal: responses - responses_before_signal,
        requests_dropped: server.requests_dropped.load(Ordering::SeqCst),
        requests_discarded: server.requests_discarded.load(Ordering::SeqCst),
        connections_cut,
    }
}

/// The connection from an accept, or `None` after an error, which is
/// logged unless it concerns only that connection. Running out of file
/// descriptors pauses accepting for a second rather than spinning.
async fn accepted_stream(accepted: io::Result<(TcpStream, SocketAddr)>) -> Option<TcpStream> {
    match accepted {
        Ok((stream, _)) => Some(stream),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::ConnectionAborted
                    | io::ErrorKind::ConnectionReset
                    | io::ErrorKind::ConnectionRefused
            ) =>
        {
            None
        }
        Err(e) => {
            log(serde_json::json!({ "msg": "accept failed", "error": e.to_string() }));
            tokio::time::sleep(Duration::from_secs(1)).await;
            None
        }
    }
}

/// `fields` with the fields of `more` added.
fn with(mut fields: serde_json::Value, more: serde_json::Value) -> serde_json::Value {
    if let (Some(fields), serde_json::Value::Object(more)) = (fields.as_object_mut(), more) {
        fields.extend(more);
    }
    fields
}
