//! The `hello` server: configuration from the environment, graceful
//! shutdown on SIGTERM.

use std::process::ExitCode;

use hello::{Config, Shutdown, VERSION, log, router, serve};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::from_vars(|k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(problems) => {
            log(serde_json::json!({ "msg": "bad configuration", "errors": problems }));
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind((config.host.as_str(), config.port)).await {
        Ok(l) => l,
        Err(e) => {
            let address = format!("{}:{}", config.host, config.port);
            log(
                serde_json::json!({ "msg": "cannot listen", "address": address, "error": e.to_string() }),
            );
            return ExitCode::from(1);
        }
    };
    let address = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    log(serde_json::json!({ "msg": "listening", "address": address, "version": VERSION }));
    let report = serve(listener, router(&config), terminated(), config.timings).await;
    log(serde_json::json!({
        "msg": "stopped",
        "outcome": match report.outcome {
            Shutdown::Drained => "drained",
            Shutdown::DeadlineExpired => "deadline expired",
        },
        "responses": report.responses,
        "responses_after_signal": report.responses_after_signal,
        "requests_dropped": report.requests_dropped,
        "requests_discarded": report.requests_discarded,
        "connections_cut": report.connections_cut,
    }));
    ExitCode::SUCCESS
}

/// Resolves on SIGTERM (what Kubernetes sends on every rollout) or Ctrl-C.
async fn terminated() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
