//! A small HTTP/1.1 client for the tests: it sees exactly what the server
//! writes, and tells a response from a connection closed without one.
#![allow(dead_code)]

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use hello::{Config, Report, Timings, serve};
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Mutex, oneshot};
use tokio::task::JoinHandle;

/// A response as it came over the wire.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the server said it closes the connection after this response.
    pub fn closes(&self) -> bool {
        self.header("connection") == Some("close")
    }
}

/// One client connection, for as many requests as the server allows.
/// Its write half is shared with writes running in the background and
/// stays open (no FIN) until the connection and those writes are dropped.
pub struct Connection {
    stream: BufReader<OwnedReadHalf>,
    writer: Arc<Mutex<OwnedWriteHalf>>,
}

impl Connection {
    pub async fn open(addr: SocketAddr) -> io::Result<Connection> {
        Ok(Connection::new(TcpStream::connect(addr).await?))
    }

    /// A connection whose socket takes at most about `bytes` of responses
    /// the client has not read (the kernel doubles it), as a slow reader's
    /// does: the server's writes block far sooner than on loopback's large
    /// default buffers.
    pub async fn open_with_receive_buffer(addr: SocketAddr, bytes: u32) -> io::Result<Connection> {
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.set_recv_buffer_size(bytes)?;
        Ok(Connection::new(socket.connect(addr).await?))
    }

    fn new(stream: TcpStream) -> Connection {
        let (reader, writer) = stream.into_split();
        Connection {
            stream: BufReader::new(reader),
            writer: Arc::new(Mutex::new(writer)),
        }
    }

    /// Sends a request without a body, asking to keep the connection.
    pub async fn send(&mut self, method: &str, path: &str) -> io::Result<()> {
        self.write(
            format!(
                "{method} {path} HTTP/1.1\r\nHost: hello.test\r\nUser-Agent: hello-test\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
    }

    pub async fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.writer.lock().await.write_all(bytes).await
    }

    /// Writes `bytes` from another task, so that the client can read
    /// responses while the server still takes its requests (a client that
    /// writes many pipelined requests before reading any could otherwise
    /// block on a full socket, as the server does).
    pub fn write_in_background(&self, bytes: Vec<u8>) -> JoinHandle<io::Result<()>> {
        let writer = self.writer.clone();
        tokio::spawn(async move { writer.lock().await.write_all(&bytes).await })
    }

    /// The next response; `Ok(None)` if the connection closed cleanly
    /// before its first byte, an error if it closed or broke in its middle.
    pub async fn reply(&mut self, method: &str) -> io::Result<Option<Reply>> {
        let mut status_line = String::new();
        if self.stream.read_line(&mut status_line).await? == 0 {
            return Ok(None);
        }
        let status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| io::Error::other(format!("not a status line: {status_line:?}")))?;
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            if self.stream.read_line(&mut line).await? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_owned(), v.trim().to_owned()));
            }
        }
        let mut reply = Reply {
            status,
            headers,
            body: String::new(),
        };
        let length: usize = reply
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if method != "HEAD" {
            let mut body = vec![0; length];
            self.stream.read_exact(&mut body).await?;
            reply.body = String::from_utf8_lossy(&body).into_owned();
        }
        Ok(Some(reply))
    }

    /// Sends a request and reads its response.
    pub async fn request(&mut self, method: &str, path: &str) -> io::Result<Option<Reply>> {
        self.send(method, path).await?;
        self.reply(method).await
    }

    /// Waits until the server has closed its side of the connection (its
    /// end of input has arrived), without reading any response; `false` if
    /// a response or a reset came instead.
    pub async fn end_of_input(&mut self) -> bool {
        matches!(self.stream.fill_buf().await, Ok(b""))
    }

    /// Waits until the server closes the connection; `true` for a clean
    /// close (end of input), `false` for a reset or unexpected bytes.
    pub async fn closed_cleanly(&mut self) -> bool {
        let mut rest = Vec::new();
        matches!(self.stream.read_to_end(&mut rest).await, Ok(0))
    }
}

/// A request without a body, as a client pipelines it.
pub const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: hello.test\r\nUser-Agent: hello-test\r\n\r\n";

/// One request on a fresh connection that asks the server to close it.
pub async fn request(addr: SocketAddr, method: &str, path: &str) -> io::Result<Reply> {
    let mut c = Connection::open(addr).await?;
    c.write(
        format!(
            "{method} {path} HTTP/1.1\r\nHost: hello.test\r\nUser-Agent: hello-test\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
    .await?;
    c.reply(method)
        .await?
        .ok_or_else(|| io::ErrorKind::UnexpectedEof.into())
}

pub fn config() -> Config {
    Config {
        host: "127.0.0.1".into(),
        port: 0,
        pod: Some("hello-7d9f-abcde".into()),
        zone: Some("europe-west4-b".into()),
        timings: timings(),
    }
}

/// Short timings for tests: shutdown takes a fraction of a second unless
/// a test says otherwise.
pub fn timings() -> Timings {
    Timings {
        drain: Duration::ZERO,
        deadline: Duration::from_secs(5),
        header_read: Duration::from_secs(2),
        idle: Duration::from_secs(60),
    }
}

/// A server on a loopback port; sending on `stop` begins shutdown, and
/// dropping `stop` does not.
pub struct Server {
    pub addr: SocketAddr,
    pub stop: oneshot::Sender<()>,
    pub done: JoinHandle<Report>,
}

pub async fn start(app: axum::Router, timings: Timings) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, rx) = oneshot::channel::<()>();
    let shutdown = async move {
        if rx.await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let done = tokio::spawn(serve(listener, app, shutdown, timings));
    Server { addr, stop, done }
}

/// Waits for `server` to finish, for at most `bound` (generous: only a
/// hang fails it).
pub async fn finished(server: JoinHandle<Report>, bound: Duration) -> Report {
    tokio::time::timeout(bound, server)
        .await
        .expect("the server finished within the bound")
        .unwrap()
}

/// The real binary on a loopback port, its JSON log lines read as they
/// come.
pub struct Binary {
    pub child: std::process::Child,
    pub addr: SocketAddr,
    lines: std::sync::mpsc::Receiver<serde_json::Value>,
}

impl Binary {
    /// Starts `hello` on 127.0.0.1 with `env` and waits for its
    /// `listening` line.
    pub fn start(env: &[(&str, &str)]) -> Binary {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hello"))
            .env("HOST", "127.0.0.1")
            .env("PORT", "0")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                let parsed: serde_json::Value =
                    serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"));
                if tx.send(parsed).is_err() {
                    break;
                }
            }
        });
        let mut binary = Binary {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            lines,
        };
        let listening = binary.next_line();
        assert_eq!(listening["msg"], "listening", "{listening}");
        assert_eq!(listening["version"], hello::VERSION);
        binary.addr = listening["address"].as_str().unwrap().parse().unwrap();
        assert!(binary.addr.ip().is_loopback());
        binary
    }

    /// The next log line (waiting up to 10 s).
    pub fn next_line(&self) -> serde_json::Value {
        self.lines
            .recv_timeout(Duration::from_secs(10))
            .expect("a log line within 10 s")
    }

    /// Sends SIGTERM, as Kubernetes does.
    pub fn terminate(&self) {
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
    }

    /// Waits (up to `bound`) for the process to exit; its exit status and
    /// every log line it wrote that was not read yet.
    pub fn wait(mut self, bound: Duration) -> (std::process::ExitStatus, Vec<serde_json::Value>) {
        let began = std::time::Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if began.elapsed() > bound {
                let _ = self.child.kill();
                panic!("the server did not exit within {bound:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let lines = self.lines.iter().collect();
        (status, lines)
    }
}
