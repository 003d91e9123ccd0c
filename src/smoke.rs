//! The smoke test: is the app up, serving its page and its health check?

use std::time::Duration;

/// What the app's page must contain.
pub const DEFAULT_EXPECT: &str = "Hello from GKE";

/// Parses `10m`, `30s`, `1h` or a number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (number, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 10m, 30s or 1h"))?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => return Err(format!("{text:?} is not a duration like 10m, 30s or 1h")),
    };
    Ok(Duration::from_secs(secs))
}

/// Checks that `text` is an absolute `http://` or `https://` URL with a
/// host: anything else would fail every attempt the same way until the
/// deadline, so it is refused at once.
pub fn parse_url(text: &str) -> Result<String, String> {
    let refused = || format!("{text:?} is not an http:// or https:// URL with a host");
    let uri: ureq::http::Uri = text.parse().map_err(|_| refused())?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(host)) if !host.is_empty() => Ok(text.to_owned()),
        _ => Err(refused()),
    }
}

/// The `app_url` output in `terraform output -json`, if there is one.
pub fn app_url_from_outputs(json: &str) -> Option<String> {
    let outputs: serde_json::Value = serde_json::from_str(json).ok()?;
    outputs
        .get("app_url")?
        .get("value")?
        .as_str()
        .map(str::to_owned)
}

/// `base` with `path` appended, with exactly one `/` between them.
pub fn join_url(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// One attempt: `/` answers 200 with `expect` in its body, and `/healthz`
/// answers 200. `Ok` says what was seen; `Err` says what was wrong.
pub fn attempt(base: &str, expect: &str, timeout: Duration) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let page_url = join_url(base, "/");
    let mut page = agent
        .get(&page_url)
        .call()
        .map_err(|e| format!("{page_url}: {}", describe(&e)))?;
    let status = page.status();
    if status != 200 {
        return Err(format!("{page_url} answered {status}"));
    }
    let body = page
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("{page_url}: reading the page: {}", describe(&e)))?;
    if !body.contains(expect) {
        return Err(format!("{page_url} answered 200 without {expect:?}"));
    }
    let health_url = join_url(base, "/healthz");
    let health = agent
        .get(&health_url)
        .call()
        .map_err(|e| format!("{health_url}: {}", describe(&e)))?;
    let status = health.status();
    if status != 200 {
        return Err(format!("{health_url} answered {status}"));
    }
    Ok(format!("{page_url} 200 with {expect:?}, {health_url} 200"))
}

fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
            std::io::ErrorKind::TimedOut => "timed out".to_owned(),
            _ => io.to_string(),
        },
        ureq::Error::Timeout(_) => "timed out".to_owned(),
        other => other.to_string(),
    }
}

/// How long to wait before attempt `n` (from 1): 2 s doubling to 30 s.
pub fn backoff(n: u32) -> Duration {
    Duration::from_secs((2u64 << n.saturating_sub(1).min(4)).min(30))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_http_urls_with_a_host_are_accepted() {
        for good in [
            "https://hello.example.com/",
            "http://127.0.0.1:8080",
            "http://34.1.2.3/path?q=1",
        ] {
            assert_eq!(parse_url(good).as_deref(), Ok(good));
        }
        for bad in [
            "not a url",
            "hello.example.com",
            "ftp://example.com/",
            "http://",
            "/healthz",
            "",
        ] {
            assert!(parse_url(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert!(parse_duration("ten").is_err() && parse_duration("5d").is_err());
    }

    #[test]
    fn the_url_comes_from_the_app_url_output() {
        let json = r#"{"app_url": {"sensitive": false, "type": "string", "value": "https://hello.example.com/"}}"#;
        assert_eq!(
            app_url_from_outputs(json).as_deref(),
            Some("https://hello.example.com/")
        );
        assert_eq!(app_url_from_outputs("{}"), None);
    }

    #[test]
    fn backoff_doubles_up_to_thirty_seconds() {
        let waits: Vec<u64> = (1..=7).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(waits, [2, 4, 8, 16, 30, 30, 30]);
    }
}
