//! The smoke test: is the app up, serving its page and its health check?
//!
//! Polling ([`poll`]) and the parsing helpers are always built; the HTTP(S)
//! attempt itself (`attempt`, `parse_url`) needs the `cli` feature,
//! which brings the HTTP client and TLS.

use std::time::{Duration, Instant};

/// What the app's page must contain.
pub const DEFAULT_EXPECT: &str = "Hello from GKE";

/// The longest `--timeout` taken: a week. Longer is surely a typo, and
/// far longer would overflow the clock's arithmetic.
pub const MOST_TIMEOUT: Duration = Duration::from_secs(7 * 24 * 3600);

/// Parses `10m`, `30s`, `1h` or a number of seconds, up to
/// [`MOST_TIMEOUT`].
///
/// # Errors
///
/// A message quoting `text` when it is not such a duration or is longer.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (number, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let not_one = || format!("{text:?} is not a duration like 10m, 30s or 1h");
    let n: u64 = number.parse().map_err(|_| not_one())?;
    let unit_secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => return Err(not_one()),
    };
    let secs = n
        .checked_mul(unit_secs)
        .filter(|s| *s <= MOST_TIMEOUT.as_secs())
        .ok_or_else(|| format!("{text:?} is longer than a week (168h)"))?;
    Ok(Duration::from_secs(secs))
}

/// Checks that `text` is an absolute `http://` or `https://` URL with a
/// host and, when it names one, a port from 1 to 65535: anything else
/// would fail every attempt the same way until the deadline, so it is
/// refused at once.
///
/// # Errors
///
/// A message quoting `text` (with any password hidden).
#[cfg(feature = "cli")]
pub fn parse_url(text: &str) -> Result<String, String> {
    let refused = || {
        format!(
            "{:?} is not an http:// or https:// URL with a host",
            redact(text)
        )
    };
    let uri: ureq::http::Uri = text.parse().map_err(|_| refused())?;
    let Some(authority) = uri.authority() else {
        return Err(refused());
    };
    // `Uri` parses any digits as a port, and names none it cannot hold.
    let host_port = authority.as_str().rsplit('@').next().unwrap_or_default();
    let written_port = host_port
        .rsplit_once(':')
        .filter(|(host, _)| !host.ends_with(']') || host.starts_with('['))
        .map(|(_, port)| port)
        .filter(|port| !port.contains(']'));
    if let Some(port) = written_port {
        if !port.is_empty() && port.parse::<u16>().map_or(true, |p| p == 0) {
            return Err(format!(
                "{:?}: port {port} is not a port (1 to 65535)",
                redact(text)
            ));
        }
    }
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(host)) if !host.is_empty() => Ok(text.to_owned()),
        _ => Err(refused()),
    }
}

/// `url` with the password of any `user:password@` hidden, as every
/// message shows it: `https://user:***@host/`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        None => url.to_owned(),
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

/// `base` with `path` appended to its path, with exactly one `/` between
/// them; a query or fragment of `base` stays at the end
/// (`http://h/app?x=1` and `/healthz` give `http://h/app/healthz?x=1`).
pub fn join_url(base: &str, path: &str) -> String {
    let (before, after) = match base.split_once("://") {
        Some((scheme, rest)) => {
            let cut = rest
                .find(['?', '#'])
                .map_or(base.len(), |i| scheme.len() + 3 + i);
            base.split_at(cut)
        }
        None => (base, ""),
    };
    format!(
        "{}/{}{after}",
        before.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// One attempt: `/` answers 200 with `expect` in its body, and `/healthz`
/// answers 200. `Ok` says what was seen; `Err` says what was wrong.
#[cfg(feature = "cli")]
pub fn attempt(base: &str, expect: &str, timeout: Duration) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let page_url = join_url(base, "/");
    let page_shown = redact(&page_url);
    let mut page = agent
        .get(&page_url)
        .call()
        .map_err(|e| format!("{page_shown}: {}", describe(&e)))?;
    let status = page.status();
    if status != 200 {
        return Err(format!("{page_shown} answered {status}"));
    }
    let body = page
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("{page_shown}: reading the page: {}", describe(&e)))?;
    if !body.contains(expect) {
        return Err(format!("{page_shown} answered 200 without {expect:?}"));
    }
    let health_url = join_url(base, "/healthz");
    let health_shown = redact(&health_url);
    let health = agent
        .get(&health_url)
        .call()
        .map_err(|e| format!("{health_shown}: {}", describe(&e)))?;
    let status = health.status();
    if status != 200 {
        return Err(format!("{health_shown} answered {status}"));
    }
    Ok(format!(
        "{page_shown} 200 with {expect:?}, {health_url} 200"
    ))
}

#[cfg(feature = "cli")]
fn describe(e: &ureq::Error) -> String {
    let not_tls =
        |inner: Option<&rustls::Error>| matches!(inner, Some(rustls::Error::InvalidMessage(_)));
    match e {
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
            std::io::ErrorKind::TimedOut => "timed out".to_owned(),
            _ if not_tls(io.get_ref().and_then(|e| e.downcast_ref())) => NOT_TLS.to_owned(),
            _ => io.to_string(),
        },
        ureq::Error::Rustls(tls) if not_tls(Some(tls)) => NOT_TLS.to_owned(),
        ureq::Error::Timeout(_) => "timed out".to_owned(),
        other => other.to_string(),
    }
}

/// What an `https://` URL meets at a port that answers plain HTTP: its
/// first bytes are no TLS record (rustls: "received corrupt message of
/// type InvalidContentType").
#[cfg(feature = "cli")]
const NOT_TLS: &str = "the server does not speak TLS (it answered with something else, likely plain HTTP: try http://)";

/// How long to wait before attempt `n` (from 1): 2 s doubling to 30 s.
pub fn backoff(n: u32) -> Duration {
    Duration::from_secs((2u64 << n.saturating_sub(1).min(4)).min(30))
}

/// The longest one attempt may take: a slow answer is retried rather
/// than waited for until the deadline.
const MOST_PER_ATTEMPT: Duration = Duration::from_secs(10);

/// The least time one attempt is given, even right at the deadline: the
/// last attempt may end this much after it.
const LEAST_PER_ATTEMPT: Duration = Duration::from_millis(500);

/// Time as the polling loop sees it: the real clock, or a test's.
pub trait Clock {
    /// The current instant.
    fn now(&self) -> Instant;
    /// Waits for `d`.
    fn sleep(&self, d: Duration);
}

/// The system's monotonic clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn sleep(&self, d: Duration) {
        std::thread::sleep(d);
    }
}

/// One attempt of [`poll`], as it is reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// From 1.
    pub number: u32,
    /// When it started, from the start of polling.
    pub at: Duration,
    /// What was seen (`Ok`) or what was wrong (`Err`).
    pub result: Result<String, String>,
}

/// How polling ended: the last attempt, and how long it all took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Polled {
    /// The last attempt: passed when its result is `Ok`.
    pub last: Attempt,
    /// From the start of polling to the end of the last attempt.
    pub took: Duration,
}

impl Polled {
    /// Whether the last attempt passed.
    pub fn passed(&self) -> bool {
        self.last.result.is_ok()
    }
}

/// Tries `try_once` until it passes or `timeout` has passed, waiting
/// [`backoff`] between attempts but never past the deadline: the last
/// attempt starts at the deadline, so a 5 s timeout polls for 5 s. Each
/// attempt is given the time left, at most 10 s and at least 0.5 s (so the
/// last may end up to 0.5 s after the deadline). `report` sees every
/// attempt as it ends.
pub fn poll(
    timeout: Duration,
    clock: &dyn Clock,
    try_once: &mut dyn FnMut(Duration) -> Result<String, String>,
    report: &mut dyn FnMut(&Attempt),
) -> Polled {
    let start = clock.now();
    let mut number = 0u32;
    loop {
        number = number.saturating_add(1);
        let at = clock.now().saturating_duration_since(start);
        let left = timeout.saturating_sub(at);
        let result = try_once(left.clamp(LEAST_PER_ATTEMPT, MOST_PER_ATTEMPT));
        let attempt = Attempt { number, at, result };
        report(&attempt);
        let now = clock.now().saturating_duration_since(start);
        if attempt.result.is_ok() || now >= timeout {
            return Polled {
                last: attempt,
                took: now,
            };
        }
        clock.sleep(backoff(number).min(timeout - now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "cli")]
    fn only_absolute_http_urls_with_a_host_are_accepted() {
        for good in [
            "https://hello.example.com/",
            "http://127.0.0.1:8080",
            "http://34.1.2.3/path?q=1",
        ] {
            assert_eq!(parse_url(good).as_deref(), Ok(good));
        }
        for bad in [
            "http://127.0.0.1:99999/",
            "http://127.0.0.1:0/",
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
    #[cfg(feature = "cli")]
    fn paths_join_before_a_query_and_passwords_never_show() {
        for (base, path, joined) in [
            ("http://h", "/", "http://h/"),
            ("http://h/", "/healthz", "http://h/healthz"),
            ("http://h/sub/path?q=1", "/", "http://h/sub/path/?q=1"),
            (
                "http://h/sub/?q=1#top",
                "/healthz",
                "http://h/sub/healthz?q=1#top",
            ),
        ] {
            assert_eq!(join_url(base, path), joined);
        }
        assert_eq!(
            redact("http://user:pw@h:8080/x?pw=1"),
            "http://user:***@h:8080/x?pw=1"
        );
        assert_eq!(redact("http://h/a@b"), "http://h/a@b");
        let e = parse_url("http://u:secret@127.0.0.1:99999/").unwrap_err();
        assert!(!e.contains("secret") && e.contains("port 99999"), "{e}");
        assert!(parse_url("http://[::1]:8080/").is_ok());
        assert!(parse_url("http://[::1]/").is_ok());
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

    /// A clock that moves only when told: sleeping, or an attempt
    /// taking its time.
    struct FakeClock {
        start: Instant,
        elapsed: std::cell::Cell<Duration>,
    }

    impl FakeClock {
        fn new() -> FakeClock {
            FakeClock {
                start: Instant::now(),
                elapsed: std::cell::Cell::new(Duration::ZERO),
            }
        }
        fn advance(&self, d: Duration) {
            self.elapsed.set(self.elapsed.get() + d);
        }
    }

    impl Clock for FakeClock {
        fn now(&self) -> Instant {
            self.start + self.elapsed.get()
        }
        fn sleep(&self, d: Duration) {
            self.advance(d);
        }
    }

    /// Polls with attempts that always fail after taking `takes` (or the
    /// time they are given, if shorter); the start of each attempt in
    /// seconds, and how long it all took.
    fn failing_poll(timeout: Duration, takes: Duration) -> (Vec<f64>, Polled) {
        let clock = FakeClock::new();
        let mut starts = Vec::new();
        let polled = poll(
            timeout,
            &clock,
            &mut |per_try| {
                assert!(per_try >= LEAST_PER_ATTEMPT && per_try <= MOST_PER_ATTEMPT);
                clock.advance(takes.min(per_try));
                Err("down".to_owned())
            },
            &mut |a| starts.push(a.at.as_secs_f64()),
        );
        (starts, polled)
    }

    #[test]
    fn polling_lasts_until_the_deadline() {
        // The issue's inputs: 5 s gave up at 2 s, 10 s at 6 s, 30 s at 14 s.
        let instant = Duration::ZERO;
        for (timeout, starts) in [
            (5, vec![0.0, 2.0, 5.0]),
            (10, vec![0.0, 2.0, 6.0, 10.0]),
            (30, vec![0.0, 2.0, 6.0, 14.0, 30.0]),
            (0, vec![0.0]),
            (1, vec![0.0, 1.0]),
        ] {
            let (seen, polled) = failing_poll(Duration::from_secs(timeout), instant);
            assert_eq!(seen, starts, "--timeout {timeout}s");
            assert_eq!(polled.took, Duration::from_secs(timeout));
            assert!(!polled.passed());
        }
        // Attempts that each take a second (a connection timing out).
        let (seen, polled) = failing_poll(Duration::from_secs(5), Duration::from_secs(1));
        // The last, at the deadline, is given the shortest time: 0.5 s.
        assert_eq!(seen, [0.0, 3.0, 5.0]);
        assert_eq!(polled.took, Duration::from_millis(5_500));
    }

    #[test]
    fn polling_stops_at_the_first_pass() {
        let clock = FakeClock::new();
        let mut n = 0;
        let polled = poll(
            Duration::from_secs(60),
            &clock,
            &mut |_| {
                n += 1;
                if n == 3 {
                    Ok("up".to_owned())
                } else {
                    Err("down".to_owned())
                }
            },
            &mut |_| {},
        );
        assert!(polled.passed());
        assert_eq!(polled.last.number, 3);
        assert_eq!(polled.took, Duration::from_secs(6));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// The kind: polling never gives up before the deadline, and ends
        /// at most one shortest attempt after it.
        #[test]
        fn polling_ends_at_the_deadline_whatever_attempts_take(
            timeout_ms in 0u64..3_600_000,
            takes_ms in 0u64..20_000,
        ) {
            let timeout = Duration::from_millis(timeout_ms);
            let (_, polled) = failing_poll(timeout, Duration::from_millis(takes_ms));
            proptest::prop_assert!(polled.took >= timeout);
            proptest::prop_assert!(polled.took <= timeout + LEAST_PER_ATTEMPT);
        }
    }

    #[test]
    fn durations_past_a_week_are_refused_without_overflow() {
        assert_eq!(parse_duration("168h"), Ok(MOST_TIMEOUT));
        for long in [
            "169h",
            "99999999999999999h",
            "18446744073709551615m",
            "604801",
        ] {
            let e = parse_duration(long).unwrap_err();
            assert!(e.contains("longer than a week"), "{long}: {e}");
        }
        assert!(parse_duration("99999999999999999999999").is_err());
    }

    #[test]
    fn backoff_doubles_up_to_thirty_seconds() {
        let waits: Vec<u64> = (1..=7).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(waits, [2, 4, 8, 16, 30, 30, 30]);
    }
}
