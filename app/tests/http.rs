//! The app over loopback: pages, status codes, headers, logs and
//! timeouts. Every server here listens on 127.0.0.1 only.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{Connection, config, request, start, timings};
use hello::{Timings, VERSION, router};

#[tokio::test]
async fn the_page_shows_the_version_pod_and_zone_with_security_headers() {
    let addr = start(router(&config()), timings()).await.addr;
    let reply = request(addr, "GET", "/").await.unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        reply
            .body
            .contains(&format!("Version <code>{VERSION}</code>")),
        "{}",
        reply.body
    );
    assert!(reply.body.contains("pod <code>hello-7d9f-abcde</code>"));
    assert!(reply.body.contains("zone <code>europe-west4-b</code>"));
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("strict-transport-security", "max-age=31536000"),
        ("cache-control", "no-store"),
    ] {
        assert_eq!(reply.header(name), Some(value), "{name}");
    }
    assert!(
        reply
            .header("content-security-policy")
            .unwrap()
            .starts_with("default-src 'none'")
    );
}

#[tokio::test]
async fn healthz_answers_ok_for_probes_and_health_checks() {
    let addr = start(router(&config()), timings()).await.addr;
    let reply = request(addr, "GET", "/healthz").await.unwrap();
    assert_eq!((reply.status, reply.body.as_str()), (200, "ok\n"));
    let head = request(addr, "HEAD", "/healthz").await.unwrap();
    assert_eq!(head.status, 200);
}

#[tokio::test]
async fn unknown_paths_are_404_and_wrong_methods_405() {
    let addr = start(router(&config()), timings()).await.addr;
    let missing = request(addr, "GET", "/wp-admin").await.unwrap();
    assert_eq!(
        (missing.status, missing.body.as_str()),
        (404, "not found\n")
    );
    assert_eq!(
        missing.header("x-frame-options"),
        Some("DENY"),
        "errors carry the headers too"
    );
    let post = request(addr, "POST", "/").await.unwrap();
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET,HEAD"));
    let delete = request(addr, "DELETE", "/healthz").await.unwrap();
    assert_eq!(delete.status, 405);
}

#[tokio::test]
async fn text_from_the_environment_cannot_inject_markup() {
    let mut c = config();
    c.zone = Some("<script>alert(1)</script>".into());
    let addr = start(router(&c), timings()).await.addr;
    let reply = request(addr, "GET", "/").await.unwrap();
    assert!(!reply.body.contains("<script>"));
    assert!(reply.body.contains("&lt;script&gt;"));
}

/// The security headers every response carries.
fn assert_security_headers(reply: &common::Reply, what: &str) {
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("strict-transport-security", "max-age=31536000"),
        ("cache-control", "no-store"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        assert_eq!(reply.header(name), Some(value), "{what}: {name}");
    }
    assert!(
        reply
            .header("content-security-policy")
            .is_some_and(|v| v.starts_with("default-src 'none'")),
        "{what}: content-security-policy"
    );
}

/// Requests hyper refuses before the router sees them, with the status it
/// answers.
fn refused_requests() -> Vec<(&'static str, Vec<u8>, u16)> {
    let long_path = format!(
        "GET /{} HTTP/1.1\r\nHost: hello.test\r\n\r\n",
        "a".repeat(70_000)
    );
    let many_headers = format!(
        "GET / HTTP/1.1\r\nHost: hello.test\r\n{}\r\n",
        (0..120)
            .map(|i| format!("X-Filler-{i}: {i}\r\n"))
            .collect::<String>()
    );
    vec![
        (
            "a header line without a colon",
            b"GET / HTTP/1.1\r\nHost: hello.test\r\nno colon here\r\n\r\n".to_vec(),
            400,
        ),
        ("a path of 70,000 bytes", long_path.into_bytes(), 414),
        ("120 header fields", many_headers.into_bytes(), 431),
    ]
}

#[tokio::test]
async fn requests_refused_before_routing_get_the_security_headers_and_close() {
    let addr = start(router(&config()), timings()).await.addr;
    for (what, bytes, status) in refused_requests() {
        let mut c = Connection::open(addr).await.unwrap();
        c.write(&bytes).await.unwrap();
        let reply = c.reply("GET").await.unwrap().expect(what);
        assert_eq!(reply.status, status, "{what}");
        assert_security_headers(&reply, what);
        assert!(reply.closes(), "{what}: {:?}", reply.headers);
        assert!(c.closed_cleanly().await, "{what}");
    }
}

#[tokio::test]
async fn a_bad_request_after_good_ones_on_a_keep_alive_connection_gets_the_headers_too() {
    let addr = start(router(&config()), timings()).await.addr;
    let mut c = Connection::open(addr).await.unwrap();
    let first = c.request("GET", "/healthz").await.unwrap().unwrap();
    assert_eq!((first.status, first.closes()), (200, false));
    // Pipelined: a good request and a bad one in one write.
    c.write(b"GET / HTTP/1.1\r\nHost: hello.test\r\n\r\nGET / HTTP/1.1\r\nno colon\r\n\r\n")
        .await
        .unwrap();
    let good = c.reply("GET").await.unwrap().unwrap();
    assert_eq!(good.status, 200);
    let bad = c.reply("GET").await.unwrap().unwrap();
    assert_eq!(bad.status, 400);
    assert_security_headers(&bad, "pipelined bad request");
    assert!(c.closed_cleanly().await);
}

/// A client may pipeline requests and ask, in one of them, that the
/// connection close after its response: the server answers up to that one
/// and closes. A slow reader (a small receive buffer) reads every one of
/// those responses whole and then a clean end of input: not a reset, which
/// would discard the responses it has not read yet. The server counts the
/// requests behind it as discarded.
#[tokio::test]
async fn requests_pipelined_behind_a_closing_response_are_counted_and_the_close_is_clean() {
    let server = start(router(&config()), timings()).await;
    let mut c = Connection::open_with_receive_buffer(server.addr, 8_192)
        .await
        .unwrap();
    let mut pipelined = common::GET.repeat(199);
    pipelined.extend(b"GET / HTTP/1.1\r\nHost: hello.test\r\nConnection: close\r\n\r\n");
    // More than hyper reads at once, so some are still in the socket.
    pipelined.extend(common::GET.repeat(1_000));
    let writing = c.write_in_background(pipelined);
    // Time for the server to get to the close before the client reads;
    // the assertions hold however far it got.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut replies = Vec::new();
    let end = loop {
        match c.reply("GET").await {
            Ok(Some(reply)) => replies.push(reply),
            end => break end,
        }
    };
    assert!(
        matches!(end, Ok(None)),
        "{end:?} after {} responses",
        replies.len()
    );
    assert_eq!(replies.len(), 200);
    assert!(replies.iter().all(|r| r.status == 200));
    assert!(replies[..199].iter().all(|r| !r.closes()));
    assert!(replies[199].closes());
    writing.await.unwrap().unwrap();
    drop(c);
    server.stop.send(()).unwrap();
    let report = common::finished(server.done, Duration::from_secs(20)).await;
    assert_eq!(
        (
            report.responses,
            report.requests_dropped,
            report.requests_discarded
        ),
        (200, 0, 1_000)
    );
}

/// After the server closes its side, a client that keeps sending holds
/// the connection only for the lingering close's short bound (2 s), not
/// for as long as it sends: its writes then fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_keeps_sending_after_the_close_is_cut_off() {
    let server = start(router(&config()), timings()).await;
    let mut c = Connection::open(server.addr).await.unwrap();
    c.write(b"GET / HTTP/1.1\r\nHost: hello.test\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    assert!(c.reply("GET").await.unwrap().unwrap().closes());
    assert!(c.end_of_input().await);
    let flood = common::GET.repeat(1_000);
    let cut_off = tokio::time::timeout(Duration::from_secs(30), async {
        while c.write(&flood).await.is_ok() {}
    })
    .await;
    assert!(cut_off.is_ok(), "the server still reads after 30 s");
    drop(c);
    server.stop.send(()).unwrap();
    let report = common::finished(server.done, Duration::from_secs(20)).await;
    assert_eq!((report.responses, report.requests_dropped), (1, 0));
    assert!(report.requests_discarded > 0, "{report:?}");
}

#[tokio::test]
async fn a_client_that_sends_half_a_request_head_is_cut_at_the_header_read_timeout() {
    let addr = start(
        router(&config()),
        Timings {
            header_read: Duration::from_secs(1),
            ..timings()
        },
    )
    .await
    .addr;
    // On a new connection the timeout runs from connecting; on a kept-alive
    // one from the first byte of the next head.
    let began = Instant::now();
    let mut fresh = Connection::open(addr).await.unwrap();
    fresh
        .write(b"GET / HTTP/1.1\r\nHost: hello.test\r\n")
        .await
        .unwrap();
    let mut kept = Connection::open(addr).await.unwrap();
    let first = kept.request("GET", "/").await.unwrap().unwrap();
    assert_eq!(first.status, 200);
    let second_began = Instant::now();
    kept.write(b"GET / HTTP/1.1\r\nHost: hel").await.unwrap();
    for (c, since) in [(&mut fresh, began), (&mut kept, second_began)] {
        let cut = tokio::time::timeout(Duration::from_secs(20), c.reply("GET"))
            .await
            .expect("cut within 20 s, not held for the idle timeout");
        assert!(
            matches!(cut, Ok(None)),
            "closed without a response: {cut:?}"
        );
        assert!(since.elapsed() >= Duration::from_secs(1));
    }
}

#[tokio::test]
async fn keep_alive_connections_wait_for_the_next_request_past_the_header_read_timeout() {
    let addr = start(
        router(&config()),
        Timings {
            header_read: Duration::from_secs(1),
            ..timings()
        },
    )
    .await
    .addr;
    let mut c = Connection::open(addr).await.unwrap();
    assert_eq!(c.request("GET", "/").await.unwrap().unwrap().status, 200);
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let later = c.request("GET", "/").await.unwrap();
    assert_eq!(later.map(|r| r.status), Some(200));
}

#[tokio::test]
async fn an_idle_keep_alive_connection_closes_cleanly_at_the_idle_timeout() {
    let addr = start(
        router(&config()),
        Timings {
            header_read: Duration::from_secs(1),
            idle: Duration::from_secs(1),
            ..timings()
        },
    )
    .await
    .addr;
    let mut c = Connection::open(addr).await.unwrap();
    assert_eq!(c.request("GET", "/").await.unwrap().unwrap().status, 200);
    let idle_since = Instant::now();
    let closed = tokio::time::timeout(Duration::from_secs(20), c.closed_cleanly())
        .await
        .expect("closed within 20 s");
    assert!(closed);
    assert!(idle_since.elapsed() >= Duration::from_secs(1));
}

/// The real binary: JSON log lines on stdout, one per response, including
/// the responses hyper makes before routing.
#[test]
fn the_server_logs_every_response_as_one_json_line() {
    let server = common::Binary::start(&[("SHUTDOWN_DRAIN_SECONDS", "0")]);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let reply = runtime
        .block_on(request(server.addr, "GET", "/healthz"))
        .unwrap();
    assert_eq!(reply.status, 200);
    let logged = server.next_line();
    assert_eq!(logged["msg"], "request");
    assert_eq!(logged["method"], "GET");
    assert_eq!(logged["path"], "/healthz");
    assert_eq!(logged["status"], 200);
    assert_eq!(logged["user_agent"], "hello-test");
    assert!(logged["time"].as_str().unwrap().ends_with('Z'));
    assert!(logged["duration_ms"].is_number());

    for (what, bytes, status) in refused_requests() {
        let reply = runtime.block_on(async {
            let mut c = Connection::open(server.addr).await.unwrap();
            c.write(&bytes).await.unwrap();
            c.reply("GET").await.unwrap().expect(what)
        });
        assert_eq!(reply.status, status, "{what}");
        let logged = server.next_line();
        assert_eq!(logged["msg"], "request", "{what}: {logged}");
        assert_eq!(logged["status"], status, "{what}: {logged}");
        assert_eq!(logged["method"], "GET", "{what}: {logged}");
        assert!(
            logged["path"].as_str().unwrap().starts_with('/'),
            "{what}: {logged}"
        );
        assert!(logged["duration_ms"].is_number(), "{what}: {logged}");
    }
    server.terminate();
    let (status, lines) = server.wait(Duration::from_secs(20));
    assert!(status.success(), "{status:?}");
    let stopped = lines.last().unwrap();
    assert_eq!(stopped["msg"], "stopped");
    assert_eq!(stopped["responses"], 4, "{stopped}");
}

#[test]
fn a_bad_port_is_a_logged_configuration_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_hello"))
        .env("HOST", "127.0.0.1")
        .env("PORT", "eighty")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["msg"], "bad configuration");
    assert_eq!(
        line["errors"],
        serde_json::json!(["PORT=\"eighty\" is not a port number (0-65535)"])
    );
}

#[test]
fn bad_timings_are_all_reported_before_the_server_starts() {
    let out = Command::new(env!("CARGO_BIN_EXE_hello"))
        .env("HOST", "127.0.0.1")
        .env("PORT", "0")
        .env("SHUTDOWN_DRAIN_SECONDS", "soon")
        .env("SHUTDOWN_DEADLINE_SECONDS", "3")
        .env("HEADER_READ_TIMEOUT_SECONDS", "5")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        line["errors"],
        serde_json::json!([
            "SHUTDOWN_DRAIN_SECONDS=\"soon\" is not a whole number of seconds from 0 to 86400",
            "HEADER_READ_TIMEOUT_SECONDS (5) is longer than SHUTDOWN_DEADLINE_SECONDS (3): \
             a client sending half a request could hold shutdown to the deadline",
        ])
    );
}

/// An empty value (`SHUTDOWN_DRAIN_SECONDS=`) once silently meant the
/// default, and a sign (`+3`) was taken: both are configuration errors,
/// reported together before the server listens. (`HOST=` and `PORT=` are
/// held to the same in `config.rs`'s tests, without starting a server
/// that could bind every interface.)
#[test]
fn empty_and_signed_values_are_configuration_errors_not_defaults() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_hello"))
        .env("HOST", "127.0.0.1")
        .env("PORT", "0")
        .env("SHUTDOWN_DRAIN_SECONDS", "")
        .env("SHUTDOWN_DEADLINE_SECONDS", "+3")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Bounded: a server that starts instead of refusing is stopped.
    let began = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if began.elapsed() > Duration::from_secs(10) {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    assert_eq!(status.and_then(|s| s.code()), Some(2), "{stdout}");
    let line: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(line["msg"], "bad configuration");
    assert_eq!(
        line["errors"],
        serde_json::json!([
            "SHUTDOWN_DRAIN_SECONDS=\"\" is empty: unset it for the default (15)",
            "SHUTDOWN_DEADLINE_SECONDS=\"+3\" is not a whole number of seconds from 1 to 86400",
        ])
    );
}
