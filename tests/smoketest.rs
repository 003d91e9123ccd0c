//! `tfsynth smoketest` against the real app on a loopback port, a port
//! that answers 500, a closed port, and a URL read from (fake) terraform.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Serves the real app (its router and graceful-shutdown server) on
/// 127.0.0.1 for the rest of the test process.
fn start_app() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let config = hello::Config::from_vars(|_| None).unwrap();
            let never = std::future::pending::<()>();
            hello::serve(listener, hello::router(&config), never, config.timings).await;
        });
    });
    rx.recv_timeout(Duration::from_secs(10)).unwrap()
}

/// A loopback server that answers every request with 500.
fn start_failing_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(
                b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    addr
}

/// A loopback port nothing listens on.
fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr
}

fn smoketest(args: &[&str]) -> (Output, Duration) {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_tfsynth"))
        .arg("smoketest")
        .args(args)
        .output()
        .unwrap();
    (out, start.elapsed())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_real_app_on_loopback_passes() {
    let addr = start_app();
    let url = format!("http://{addr}/");
    let (out, _) = smoketest(&["--url", &url, "--timeout", "20s"]);
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(
        text(&out.stdout),
        format!(
            "attempt 1 (0s): ok: http://{addr}/ 200 with \"Hello from GKE\", http://{addr}/healthz 200\n"
        )
    );
}

#[test]
fn a_server_answering_500_fails_at_the_deadline_with_the_reason() {
    let addr = start_failing_server();
    let url = format!("http://{addr}");
    let (out, took) = smoketest(&["--url", &url, "--timeout", "3s"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with(&format!(
            "attempt 1 (0s): http://{addr}/ answered 500 Internal Server Error\n"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("attempt 2 (2s):") && stdout.contains("attempt 3 (3s):"),
        "it retries after a backoff, and once more at the deadline: {stdout}"
    );
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with(&format!("error: smoketest of {url} failed after 3s and 3 attempts: http://{addr}/ answered 500 Internal Server Error")), "{stderr}");
    assert!(
        took >= Duration::from_secs(3),
        "it polls until the deadline, not before: {took:?}"
    );
}

#[test]
fn https_to_a_plain_http_port_says_the_server_does_not_speak_tls() {
    let addr = start_failing_server();
    let url = format!("https://{addr}/");
    let (out, _) = smoketest(&["--url", &url, "--timeout", "0s"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: smoketest of {url} failed after 0s and 1 attempt: {url}: the server does not speak TLS (it answered with something else, likely plain HTTP: try http://)\n"
        )
    );
}

#[test]
fn a_closed_port_fails_with_connection_refused() {
    let addr = closed_port();
    let url = format!("http://{addr}/");
    let (out, _) = smoketest(&["--url", &url, "--timeout", "1s"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: smoketest of {url} failed after 1s and 2 attempts: http://{addr}/: connection refused\n"
        )
    );
}

#[test]
fn a_url_that_is_not_http_is_refused_before_any_attempt() {
    let (out, _) = smoketest(&["--url", "hello.example.com", "--timeout", "1m"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "", "no attempt was made");
    assert!(
        text(&out.stderr)
            .contains("\"hello.example.com\" is not an http:// or https:// URL with a host"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_wrong_page_is_a_failure_too() {
    let addr = start_app();
    let url = format!("http://{addr}/");
    let (out, _) = smoketest(&["--url", &url, "--timeout", "1s", "--expect", "Goodbye"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("answered 200 without \"Goodbye\""));
}

#[test]
fn with_a_stack_the_url_comes_from_terraform_output() {
    let addr = start_app();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("stacks")).unwrap();
    std::fs::write(
        dir.path().join("stacks/hello.toml"),
        include_str!("../stacks/hello.toml"),
    )
    .unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let fake = bin.join("terraform");
    // Answers `output -json` for the cluster root only, like a stack whose
    // workload root has no app_url output.
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\ncase \"$*\" in\n  *cluster*output*) echo '{{\"app_url\": {{\"value\": \"http://{addr}/\"}}}}' ;;\n  *) echo '{{}}' ;;\nesac\n"
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_tfsynth"))
        .args(["smoketest", "--stack", "hello", "--timeout", "10s"])
        .current_dir(dir.path())
        .env("PATH", &bin)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains(&format!("ok: http://{addr}/ 200")));
}

#[test]
fn stack_or_url_is_required() {
    let (out, _) = smoketest(&[]);
    assert_eq!(out.status.code(), Some(2));
}
