//! hello: the small web app the GKE stack serves.
//!
//! `/` is an HTML page with the app's version and, where Kubernetes'
//! downward API provides them, the pod and zone; `/healthz` answers probes
//! and health checks. Every response carries security headers and is
//! logged as one JSON line on stdout (the pod's root filesystem is
//! read-only; nothing goes to disk). On SIGTERM the server drains: see
//! [`serve`] and [`Timings`].

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};

mod config;
mod conn;
mod discarded;
mod serve;

pub use config::{Config, Timings};
pub use serve::{Report, Shutdown, serve};

/// The app's version, from its Cargo.toml; the image tag is the same.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

struct Page {
    html: String,
}

/// The app's routes, with security headers and an access log on every
/// response. Unknown paths get 404, known paths with another method 405.
/// `/healthz` answers 503 once [`serve`] has begun to shut down.
pub fn router(config: &Config) -> Router {
    let page = Arc::new(Page { html: page(config) });
    Router::new()
        .route("/", get(index))
        .route("/healthz", get(healthz))
        .fallback(not_found)
        .with_state(page)
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(access_log))
}

async fn index(State(page): State<Arc<Page>>) -> Html<String> {
    Html(page.html.clone())
}

/// Marks a request that arrived after shutdown began; [`serve`] adds it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ShuttingDown;

/// Readiness, for the kubelet's probes and the load balancer's health
/// check: not ready once shutdown began, so both take the pod out of
/// rotation while it still serves what they send.
async fn healthz(shutting_down: Option<Extension<ShuttingDown>>) -> Response {
    let text = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
    match shutting_down {
        Some(_) => (StatusCode::SERVICE_UNAVAILABLE, text, "shutting down\n").into_response(),
        None => (text, "ok\n").into_response(),
    }
}

async fn not_found() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "not found\n",
    )
}

/// Escapes text for HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(config: &Config) -> String {
    let mut served = String::new();
    if let Some(pod) = &config.pod {
        served.push_str(&format!(
            ", served by pod <code>{}</code>",
            escape_html(pod)
        ));
    }
    if let Some(zone) = &config.zone {
        served.push_str(&format!(" in zone <code>{}</code>", escape_html(zone)));
    }
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Hello from GKE</title>\n\
         <style>body{{font-family:system-ui,sans-serif;margin:4rem auto;max-width:40rem;padding:0 1rem;line-height:1.5}}code{{background:#f2f2f2;padding:.1rem .3rem}}</style>\n\
         </head>\n<body>\n<h1>Hello from GKE</h1>\n<p>Version <code>{VERSION}</code>{served}.</p>\n</body>\n</html>\n"
    )
}

/// The headers every response carries, including those hyper writes on
/// its own before routing (see `conn.rs`).
pub(crate) const SECURITY_HEADERS: [(&str, &str); 7] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    (
        "content-security-policy",
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
    ),
    ("strict-transport-security", "max-age=31536000"),
    ("cache-control", "no-store"),
    ("cross-origin-opener-policy", "same-origin"),
];

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    response
}

async fn access_log(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let response = next.run(request).await;
    log_request(&RequestLog {
        method,
        path,
        status: response.status().as_u16(),
        duration: start.elapsed(),
        user_agent,
    });
    response
}

/// One request, as the access log records it.
pub(crate) struct RequestLog {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) status: u16,
    pub(crate) duration: Duration,
    pub(crate) user_agent: String,
}

/// Writes the access log line of one response.
pub(crate) fn log_request(entry: &RequestLog) {
    log(serde_json::json!({
        "msg": "request",
        "method": entry.method,
        "path": entry.path,
        "status": entry.status,
        "duration_ms": (entry.duration.as_secs_f64() * 1e6).round() / 1e3,
        "user_agent": entry.user_agent,
    }));
}

/// Writes one JSON log line to stdout, with the time first.
pub fn log(fields: serde_json::Value) {
    let mut line = serde_json::Map::new();
    line.insert("time".to_owned(), now_rfc3339().into());
    if let serde_json::Value::Object(fields) = fields {
        line.extend(fields);
    }
    println!("{}", serde_json::Value::Object(line));
}

/// The current UTC time as RFC 3339 with milliseconds.
pub fn now_rfc3339() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    rfc3339(since)
}

/// A duration since the Unix epoch as RFC 3339 UTC with milliseconds.
pub fn rfc3339(since_epoch: Duration) -> String {
    let secs = since_epoch.as_secs();
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60,
        since_epoch.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc_with_milliseconds() {
        assert_eq!(
            rfc3339(Duration::from_millis(0)),
            "1970-01-01T00:00:00.000Z"
        );
        assert_eq!(
            rfc3339(Duration::from_millis(1_795_478_400_123)),
            "2026-11-24T00:00:00.123Z"
        );
        assert_eq!(
            rfc3339(Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00.000Z"
        );
    }

    #[test]
    fn text_from_the_environment_is_escaped_in_the_page() {
        assert_eq!(
            escape_html("<b>\"a\" & 'b'</b>"),
            "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt;"
        );
    }
}
