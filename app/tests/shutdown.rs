//! Shutdown over loopback, under load and with clients that misbehave:
//! every request a client sends on a connection the server accepted gets a
//! response, and the server's counts agree with the clients'. Every server
//! here listens on 127.0.0.1 only; every loop is bounded.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use common::{Connection, config, finished, request, start, timings};
use hello::{Shutdown, Timings, router};
use tokio::net::TcpStream;
use tokio::sync::Notify;

/// The app's router plus a slow route the test adds, to have a request in
/// flight when shutdown begins; the `Notify` tells that it is.
fn with_slow_route(delay: Duration) -> (Router, Arc<Notify>) {
    let started = Arc::new(Notify::new());
    let handler_started = started.clone();
    let app = router(&config()).merge(Router::new().route(
        "/slow",
        get(move || async move {
            handler_started.notify_one();
            tokio::time::sleep(delay).await;
            "finished\n"
        }),
    ));
    (app, started)
}

/// Waits until `addr` refuses connections: the server has stopped
/// accepting (bounded: 10 s).
async fn refused(addr: SocketAddr) {
    for _ in 0..1_000 {
        match TcpStream::connect(addr).await {
            Err(_) => return,
            Ok(stream) => drop(stream),
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{addr} still accepts connections after 10 s");
}

#[tokio::test]
async fn during_the_drain_readiness_fails_and_every_response_closes_its_connection() {
    let server = start(
        router(&config()),
        Timings {
            drain: Duration::from_secs(3),
            ..timings()
        },
    )
    .await;
    let mut kept = Connection::open(server.addr).await.unwrap();
    let before = kept.request("GET", "/").await.unwrap().unwrap();
    assert_eq!((before.status, before.closes()), (200, false));

    server.stop.send(()).unwrap();
    // Readiness turns within the drain, with the pod still serving.
    let mut health = request(server.addr, "GET", "/healthz").await.unwrap();
    for _ in 0..100 {
        if health.status != 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        health = request(server.addr, "GET", "/healthz").await.unwrap();
    }
    assert_eq!(
        (health.status, health.body.as_str()),
        (503, "shutting down\n")
    );
    assert_eq!(health.header("x-frame-options"), Some("DENY"));
    // A kept-alive connection is told to go, after its response.
    let during = kept.request("GET", "/").await.unwrap().unwrap();
    assert_eq!((during.status, during.closes()), (200, true));
    assert!(kept.closed_cleanly().await);
    // New connections are still served, and told to go too.
    let mut fresh = Connection::open(server.addr).await.unwrap();
    let reply = fresh.request("GET", "/").await.unwrap().unwrap();
    assert_eq!((reply.status, reply.closes()), (200, true));

    refused(server.addr).await;
    let report = finished(server.done, Duration::from_secs(20)).await;
    assert_eq!(report.outcome, Shutdown::Drained);
    assert_eq!((report.requests_dropped, report.connections_cut), (0, 0));
    assert_eq!(report.responses, report.responses_after_signal + 1);
}

#[tokio::test]
async fn requests_in_flight_when_the_drain_ends_finish_and_new_connections_are_refused() {
    let (app, started) = with_slow_route(Duration::from_millis(800));
    let server = start(app, timings()).await;
    let in_flight = tokio::spawn(request(server.addr, "GET", "/slow"));
    started.notified().await;
    server.stop.send(()).unwrap();
    refused(server.addr).await;
    let reply = in_flight.await.unwrap().unwrap();
    assert_eq!((reply.status, reply.body.as_str()), (200, "finished\n"));
    let report = finished(server.done, Duration::from_secs(20)).await;
    assert_eq!(report.outcome, Shutdown::Drained);
    assert_eq!(report.responses, 1);
}

#[tokio::test]
async fn at_the_stop_idle_connections_close_and_requests_on_their_way_in_are_answered() {
    let server = start(
        router(&config()),
        Timings {
            header_read: Duration::from_secs(5),
            deadline: Duration::from_secs(10),
            ..timings()
        },
    )
    .await;
    let mut idle = Connection::open(server.addr).await.unwrap();
    assert_eq!(idle.request("GET", "/").await.unwrap().unwrap().status, 200);
    let mut halfway = Connection::open(server.addr).await.unwrap();
    assert_eq!(
        halfway.request("GET", "/").await.unwrap().unwrap().status,
        200
    );
    halfway
        .write(b"GET /healthz HTTP/1.1\r\nHost: hello.test\r\n")
        .await
        .unwrap();
    let mut unused = Connection::open(server.addr).await.unwrap();

    server.stop.send(()).unwrap();
    assert!(idle.closed_cleanly().await, "the idle connection is closed");
    refused(server.addr).await;
    // The rest of a head that had begun to arrive: answered (readiness
    // says the pod is going), then closed.
    halfway.write(b"\r\n").await.unwrap();
    let reply = halfway.reply("GET").await.unwrap().unwrap();
    assert_eq!((reply.status, reply.closes()), (503, true));
    assert!(halfway.closed_cleanly().await);
    // A connection accepted before the stop gets its first request served.
    let reply = unused.request("GET", "/").await.unwrap().unwrap();
    assert_eq!((reply.status, reply.closes()), (200, true));

    let report = finished(server.done, Duration::from_secs(20)).await;
    assert_eq!(report.outcome, Shutdown::Drained);
    assert_eq!((report.responses, report.requests_dropped), (4, 0));
}

#[tokio::test]
async fn half_a_request_does_not_hold_shutdown_to_the_deadline() {
    let server = start(
        router(&config()),
        Timings {
            header_read: Duration::from_secs(1),
            deadline: Duration::from_secs(60),
            ..timings()
        },
    )
    .await;
    let mut half = Connection::open(server.addr).await.unwrap();
    half.write(b"GET / HTTP/1.1\r\nHost: hel").await.unwrap();
    server.stop.send(()).unwrap();
    // Finished well before the 60 s deadline, which a hang would reach.
    let report = finished(server.done, Duration::from_secs(30)).await;
    assert_eq!(report.outcome, Shutdown::Drained);
    assert!(matches!(half.reply("GET").await, Ok(None)));
}

#[tokio::test]
async fn requests_still_running_at_the_deadline_are_dropped_and_counted() {
    let (app, started) = with_slow_route(Duration::from_secs(30));
    let server = start(
        app,
        Timings {
            deadline: Duration::from_millis(300),
            ..timings()
        },
    )
    .await;
    let mut slow = Connection::open(server.addr).await.unwrap();
    slow.send("GET", "/slow").await.unwrap();
    started.notified().await;
    let mut idle = Connection::open(server.addr).await.unwrap();
    assert_eq!(idle.request("GET", "/").await.unwrap().unwrap().status, 200);
    server.stop.send(()).unwrap();
    let report = finished(server.done, Duration::from_secs(20)).await;
    assert_eq!(report.outcome, Shutdown::DeadlineExpired);
    assert_eq!((report.requests_dropped, report.connections_cut), (1, 1));
    assert!(slow.reply("GET").await.map_or(true, |r| r.is_none()));
}

/// At the deadline a connection is closed at once, but still without a
/// reset: the requests its client pipelined behind the one still running
/// are read, counted and thrown away, and the client sees a clean end of
/// input.
#[tokio::test]
async fn at_the_deadline_requests_pipelined_behind_a_running_one_are_counted_and_the_close_is_clean()
 {
    let (app, started) = with_slow_route(Duration::from_secs(30));
    let server = start(
        app,
        Timings {
            deadline: Duration::from_millis(300),
            ..timings()
        },
    )
    .await;
    let mut c = Connection::open(server.addr).await.unwrap();
    let mut pipelined = b"GET /slow HTTP/1.1\r\nHost: hello.test\r\n\r\n".to_vec();
    // More than hyper reads while a request runs, so some are still in
    // the socket.
    pipelined.extend(common::GET.repeat(1_000));
    c.write(&pipelined).await.unwrap();
    started.notified().await;
    server.stop.send(()).unwrap();
    let report = finished(server.done, Duration::from_secs(20)).await;
    assert!(
        matches!(c.reply("GET").await, Ok(None)),
        "a clean close, not a reset"
    );
    assert_eq!(report.outcome, Shutdown::DeadlineExpired);
    assert_eq!(
        (
            report.requests_dropped,
            report.requests_discarded,
            report.connections_cut
        ),
        (1, 1_000, 1)
    );
}

/// A client that leaves while its request runs gets no response, and the
/// request is counted as dropped though no deadline cut it.
#[tokio::test]
async fn a_request_whose_client_leaves_before_its_response_is_counted_as_dropped() {
    let (app, started) = with_slow_route(Duration::from_secs(30));
    let server = start(
        app,
        Timings {
            deadline: Duration::from_secs(60),
            ..timings()
        },
    )
    .await;
    let mut c = Connection::open(server.addr).await.unwrap();
    c.send("GET", "/slow").await.unwrap();
    started.notified().await;
    drop(c);
    server.stop.send(()).unwrap();
    // Well before the 60 s deadline, which a connection still open reaches.
    let report = finished(server.done, Duration::from_secs(30)).await;
    assert_eq!(report.outcome, Shutdown::Drained);
    assert_eq!(
        (
            report.responses,
            report.requests_dropped,
            report.connections_cut
        ),
        (0, 1, 0)
    );
}

/// A keep-alive client may send a request just as the stop closes its idle
/// connection: the request crosses the server's end of input. The server
/// reads it, counts it as discarded (the client retries it elsewhere), and
/// the client sees a clean close.
#[tokio::test]
async fn a_request_that_crosses_the_close_of_an_idle_connection_is_counted() {
    let server = start(router(&config()), timings()).await;
    let mut c = Connection::open(server.addr).await.unwrap();
    assert_eq!(c.request("GET", "/").await.unwrap().unwrap().status, 200);
    server.stop.send(()).unwrap();
    assert!(c.end_of_input().await, "the idle connection is closed");
    c.send("GET", "/").await.unwrap();
    assert!(c.closed_cleanly().await);
    drop(c);
    let report = finished(server.done, Duration::from_secs(20)).await;
    assert_eq!(report.outcome, Shutdown::Drained);
    assert_eq!(
        (
            report.responses,
            report.requests_dropped,
            report.requests_discarded
        ),
        (1, 0, 1)
    );
}

/// What one client saw.
#[derive(Debug, Default)]
struct Tally {
    /// Requests written to a connection the server had accepted.
    sent: u64,
    /// Responses read in full.
    answered: u64,
    /// Responses that said `Connection: close`.
    told_to_go: u64,
    /// Requests whose connection closed or broke before their response.
    dropped: u64,
}

/// A load balancer's proxy: requests back to back on a keep-alive
/// connection; on `Connection: close` it reconnects while the pod is in
/// rotation, and leaves otherwise.
async fn proxy(addr: SocketAddr, in_rotation: Arc<AtomicBool>, total: Arc<AtomicU64>) -> Tally {
    let mut tally = Tally::default();
    'connections: for _ in 0..50 {
        if !in_rotation.load(Ordering::SeqCst) {
            break;
        }
        let Ok(mut c) = Connection::open(addr).await else {
            break;
        };
        for _ in 0..5_000 {
            let sent = c.send("GET", "/").await;
            tally.sent += 1;
            match (sent, c.reply("GET").await) {
                (Ok(()), Ok(Some(reply))) => {
                    assert_eq!(reply.status, 200);
                    tally.answered += 1;
                    total.fetch_add(1, Ordering::SeqCst);
                    if reply.closes() {
                        tally.told_to_go += 1;
                        continue 'connections;
                    }
                }
                _ => {
                    tally.dropped += 1;
                    continue 'connections;
                }
            }
        }
    }
    tally
}

/// The load balancer's health check: takes the pod out of rotation at its
/// first 503. Returns how many responses it read.
async fn health_check(addr: SocketAddr, in_rotation: Arc<AtomicBool>) -> u64 {
    let mut checks = 0;
    for _ in 0..3_000 {
        let reply = request(addr, "GET", "/healthz").await.unwrap();
        checks += 1;
        if reply.status == 503 {
            in_rotation.store(false, Ordering::SeqCst);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    checks
}

/// Waits until the clients have read `at_least` responses (bounded: 20 s).
async fn load_running(total: &AtomicU64, at_least: u64) {
    for _ in 0..2_000 {
        if total.load(Ordering::SeqCst) >= at_least {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the clients read fewer than {at_least} responses in 20 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_keep_alive_clients_get_a_response_to_every_request_across_shutdown() {
    let server = start(
        router(&config()),
        Timings {
            drain: Duration::from_secs(1),
            ..timings()
        },
    )
    .await;
    let in_rotation = Arc::new(AtomicBool::new(true));
    let total = Arc::new(AtomicU64::new(0));
    let checker = tokio::spawn(health_check(server.addr, in_rotation.clone()));
    let proxies: Vec<_> = (0..50)
        .map(|_| tokio::spawn(proxy(server.addr, in_rotation.clone(), total.clone())))
        .collect();
    // Keep-alive connections that sit idle through the drain.
    let mut idle = Vec::new();
    for _ in 0..5 {
        let mut c = Connection::open(server.addr).await.unwrap();
        assert_eq!(c.request("GET", "/").await.unwrap().unwrap().status, 200);
        idle.push(c);
    }
    load_running(&total, 1_000).await;

    server.stop.send(()).unwrap();
    let report = finished(server.done, Duration::from_secs(30)).await;
    let checks = checker.await.unwrap();
    let mut clients = Tally::default();
    for proxy in proxies {
        let tally = proxy.await.unwrap();
        assert_eq!(tally.dropped, 0, "a request met a closed socket: {tally:?}");
        assert!(tally.told_to_go >= 1, "never told to go: {tally:?}");
        clients.sent += tally.sent;
        clients.answered += tally.answered;
        clients.told_to_go += tally.told_to_go;
    }
    for mut c in idle {
        assert!(c.closed_cleanly().await, "idle connection reset");
    }

    assert_eq!(clients.sent, clients.answered);
    assert_eq!(report.outcome, Shutdown::Drained);
    assert_eq!((report.requests_dropped, report.connections_cut), (0, 0));
    // The server counted exactly what the clients read.
    assert_eq!(report.responses, clients.answered + checks + 5);
    assert!(report.responses_after_signal >= clients.told_to_go);
    assert!(TcpStream::connect(server.addr).await.is_err());
}

/// The real binary under SIGTERM: clients lose nothing, and its log counts
/// every response.
#[test]
fn sigterm_under_load_loses_no_request_and_the_log_counts_every_response() {
    let server = common::Binary::start(&[
        ("SHUTDOWN_DRAIN_SECONDS", "1"),
        ("SHUTDOWN_DEADLINE_SECONDS", "5"),
        ("HEADER_READ_TIMEOUT_SECONDS", "2"),
    ]);
    let addr = server.addr;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let in_rotation = Arc::new(AtomicBool::new(true));
    let total = Arc::new(AtomicU64::new(0));
    let checker = runtime.spawn(health_check(addr, in_rotation.clone()));
    let proxies: Vec<_> = (0..20)
        .map(|_| runtime.spawn(proxy(addr, in_rotation.clone(), total.clone())))
        .collect();
    runtime.block_on(load_running(&total, 300));

    server.terminate();
    let (checks, clients) = runtime.block_on(async {
        let checks = checker.await.unwrap();
        let mut clients = Tally::default();
        for proxy in proxies {
            let tally = proxy.await.unwrap();
            assert_eq!(tally.dropped, 0, "a request met a closed socket: {tally:?}");
            clients.sent += tally.sent;
            clients.answered += tally.answered;
        }
        (checks, clients)
    });
    let (status, lines) = server.wait(Duration::from_secs(30));
    assert!(status.success(), "{status:?}");
    assert_eq!(clients.sent, clients.answered);

    let logged = |msg: &str| lines.iter().filter(|l| l["msg"] == msg).count() as u64;
    assert_eq!(logged("request"), clients.answered + checks);
    assert_eq!(logged("shutting down"), 1);
    assert_eq!(logged("stopped accepting"), 1);
    let stopped = lines.last().unwrap();
    assert_eq!(stopped["msg"], "stopped", "{stopped}");
    assert_eq!(stopped["outcome"], "drained", "{stopped}");
    assert_eq!(stopped["requests_dropped"], 0, "{stopped}");
    assert_eq!(stopped["connections_cut"], 0, "{stopped}");
    assert_eq!(stopped["responses"], clients.answered + checks, "{stopped}");
    assert!(std::net::TcpStream::connect(addr).is_err());
}

/// The reviewer's repro: a client pipelines 20,000 requests on one
/// keep-alive connection and reads nothing until the app gets SIGTERM
/// (drain 1 s, deadline 3 s). It then reads every response the log counts,
/// each whole, the last one saying `Connection: close`, and then a clean
/// end of input, not a reset; the log accounts for every request it sent.
#[test]
fn pipelined_requests_across_sigterm_get_every_counted_response_and_a_clean_close() {
    const PIPELINED: usize = 20_000;
    let server = common::Binary::start(&[
        ("SHUTDOWN_DRAIN_SECONDS", "1"),
        ("SHUTDOWN_DEADLINE_SECONDS", "3"),
        ("HEADER_READ_TIMEOUT_SECONDS", "2"),
    ]);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut c = runtime
        .block_on(Connection::open_with_receive_buffer(server.addr, 8_192))
        .unwrap();
    let requests = common::GET.repeat(PIPELINED);
    let writing = {
        let _runtime = runtime.enter();
        c.write_in_background(requests)
    };
    // Time for the app to answer until the socket's buffers are full; the
    // assertions hold wherever it got to.
    std::thread::sleep(Duration::from_millis(500));
    server.terminate();
    let mut logged = 0;
    loop {
        let line = server.next_line();
        if line["msg"] == "shutting down" {
            break;
        }
        assert_eq!(line["msg"], "request", "{line}");
        logged += 1;
    }
    let (replies, end) = runtime.block_on(async {
        let mut replies = Vec::new();
        loop {
            match c.reply("GET").await {
                Ok(Some(reply)) => replies.push(reply),
                Ok(None) => break (replies, Ok(())),
                Err(e) => break (replies, Err(e)),
            }
        }
    });
    let written = runtime.block_on(writing).unwrap();
    drop(c);
    let (status, lines) = server.wait(Duration::from_secs(30));
    assert!(status.success(), "{status:?}");
    let stopped = lines.last().unwrap().clone();
    let received = replies.len() as u64;
    eprintln!("client received {received} responses; the log says {stopped}");

    assert!(
        end.is_ok(),
        "the connection ended with {end:?}, not a clean close"
    );
    assert!(written.is_ok(), "writing the requests: {written:?}");
    assert!(replies.iter().all(|r| r.status == 200));
    let closing: Vec<bool> = replies.iter().map(common::Reply::closes).collect();
    assert_eq!(closing.last(), Some(&true), "the last response closes");
    assert_eq!(closing.iter().filter(|&&closes| closes).count(), 1);
    logged += lines.iter().filter(|l| l["msg"] == "request").count() as u64;
    assert_eq!(logged, received);
    assert_eq!(stopped["msg"], "stopped", "{stopped}");
    assert_eq!(stopped["outcome"], "drained", "{stopped}");
    assert_eq!(stopped["responses"], received, "{stopped}");
    assert_eq!(stopped["requests_dropped"], 0, "{stopped}");
    assert_eq!(
        stopped["requests_discarded"],
        PIPELINED as u64 - received,
        "{stopped}"
    );
    assert_eq!(stopped["connections_cut"], 0, "{stopped}");
}
