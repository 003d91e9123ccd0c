//! The app over loopback: pages, status codes, headers, logs and graceful
//! shutdown. Every server here listens on 127.0.0.1 only.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use hello::{Config, Shutdown, VERSION, router, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request on a fresh connection, read to the end.
async fn request(addr: SocketAddr, method: &str, path: &str) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(addr).await?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: hello.test\r\nUser-Agent: hello-test\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Ok(Reply {
        status,
        headers,
        body: body.to_owned(),
    })
}

fn config() -> Config {
    Config {
        host: "127.0.0.1".into(),
        port: 0,
        pod: Some("hello-7d9f-abcde".into()),
        zone: Some("europe-west4-b".into()),
        shutdown_deadline: Duration::from_secs(5),
    }
}

/// Serves `app` on a loopback port; the sender begins shutdown.
async fn start(
    app: Router,
    deadline: Duration,
) -> (
    SocketAddr,
    oneshot::Sender<()>,
    JoinHandle<std::io::Result<Shutdown>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    let shutdown = async move {
        let _ = rx.await;
    };
    let server = tokio::spawn(serve(listener, app, shutdown, deadline));
    (addr, tx, server)
}

#[tokio::test]
async fn the_page_shows_the_version_pod_and_zone_with_security_headers() {
    let (addr, _stop, _server) = start(router(&config()), Duration::from_secs(1)).await;
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
    let (addr, _stop, _server) = start(router(&config()), Duration::from_secs(1)).await;
    let reply = request(addr, "GET", "/healthz").await.unwrap();
    assert_eq!((reply.status, reply.body.as_str()), (200, "ok\n"));
    let head = request(addr, "HEAD", "/healthz").await.unwrap();
    assert_eq!(head.status, 200);
}

#[tokio::test]
async fn unknown_paths_are_404_and_wrong_methods_405() {
    let (addr, _stop, _server) = start(router(&config()), Duration::from_secs(1)).await;
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
    let (addr, _stop, _server) = start(router(&c), Duration::from_secs(1)).await;
    let reply = request(addr, "GET", "/").await.unwrap();
    assert!(!reply.body.contains("<script>"));
    assert!(reply.body.contains("&lt;script&gt;"));
}

/// The app's router plus a slow route the test adds, to have a request in
/// flight when shutdown begins.
fn with_slow_route(delay: Duration) -> Router {
    router(&config()).merge(Router::new().route(
        "/slow",
        get(move || async move {
            tokio::time::sleep(delay).await;
            "finished\n"
        }),
    ))
}

#[tokio::test]
async fn after_shutdown_begins_requests_in_flight_finish_and_new_connections_are_refused() {
    let (addr, stop, server) = start(
        with_slow_route(Duration::from_millis(800)),
        Duration::from_secs(5),
    )
    .await;
    let in_flight = tokio::spawn(request(addr, "GET", "/slow"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let refused = TcpStream::connect(addr).await;
    assert!(
        refused.is_err(),
        "a new connection after shutdown began was accepted"
    );
    let reply = in_flight.await.unwrap().unwrap();
    assert_eq!((reply.status, reply.body.as_str()), (200, "finished\n"));
    assert_eq!(server.await.unwrap().unwrap(), Shutdown::Drained);
}

#[tokio::test]
async fn requests_still_running_at_the_deadline_are_dropped() {
    let (addr, stop, server) = start(
        with_slow_route(Duration::from_secs(30)),
        Duration::from_millis(300),
    )
    .await;
    let _in_flight = tokio::spawn(request(addr, "GET", "/slow"));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let began = std::time::Instant::now();
    stop.send(()).unwrap();
    let outcome = tokio::time::timeout(Duration::from_secs(5), server).await;
    assert_eq!(
        outcome.unwrap().unwrap().unwrap(),
        Shutdown::DeadlineExpired
    );
    assert!(began.elapsed() < Duration::from_secs(5));
}

/// The real binary: JSON log lines on stdout, SIGTERM stops it cleanly.
#[test]
fn the_server_logs_each_request_as_json_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hello"))
        .env("HOST", "127.0.0.1")
        .env("PORT", "0")
        .env("ZONE", "europe-west4-c")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = mpsc::channel::<serde_json::Value>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let parsed = serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"));
            if tx.send(parsed).is_err() {
                break;
            }
        }
    });
    let next = || {
        lines
            .recv_timeout(Duration::from_secs(10))
            .expect("a log line")
    };
    let listening = next();
    assert_eq!(listening["msg"], "listening");
    assert_eq!(listening["version"], VERSION);
    let addr: SocketAddr = listening["address"].as_str().unwrap().parse().unwrap();
    assert!(addr.ip().is_loopback());

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let reply = runtime.block_on(request(addr, "GET", "/healthz")).unwrap();
    assert_eq!(reply.status, 200);
    let logged = next();
    assert_eq!(logged["msg"], "request");
    assert_eq!(logged["method"], "GET");
    assert_eq!(logged["path"], "/healthz");
    assert_eq!(logged["status"], 200);
    assert_eq!(logged["user_agent"], "hello-test");
    assert!(logged["time"].as_str().unwrap().ends_with('Z'));

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert_eq!(next()["msg"], "shutting down");
    let stopped = next();
    assert_eq!(stopped["msg"], "stopped");
    assert_eq!(stopped["requests_dropped"], false);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(std::net::TcpStream::connect(addr).is_err());
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
    assert_eq!(
        line["error"],
        "PORT=\"eighty\" is not a port number (0-65535)"
    );
}
