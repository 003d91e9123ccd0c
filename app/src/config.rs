//! Settings, from the environment, checked before the server starts.

use std::time::Duration;

/// Settings, from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Address to bind (`HOST`, default `0.0.0.0`: every interface of the pod).
    pub host: String,
    /// Port to listen on (`PORT`, default 8080; 0 picks a free one).
    pub port: u16,
    /// The pod's name (`POD_NAME`, from the downward API), if known.
    pub pod: Option<String>,
    /// The pod's zone (`ZONE`), if known.
    pub zone: Option<String>,
    /// How connections are timed and how shutdown proceeds.
    pub timings: Timings,
}

/// How long each phase of a connection and of shutdown may take.
///
/// The defaults fit the Deployment that `src/constructs/web_service.rs`
/// writes: `terminationGracePeriodSeconds` 30, a readiness probe on
/// `/healthz` every 5 s (timeout 2 s, failure threshold 3) and a liveness
/// probe every 10 s, and the load balancer's health check on `/healthz`.
/// At SIGTERM (t = 0 s) Kubernetes has already marked the pod terminating;
/// the kubelet sends SIGKILL at t = 30 s.
///
/// - **Drain, 15 s** (t = 0 to 15): the app keeps serving, `/healthz`
///   answers 503 and every response says `Connection: close`. The first
///   readiness probe after SIGTERM comes within one period (5 s) and the
///   third consecutive failure two periods later, so the kubelet has
///   marked the pod unready by 5 + 2 x 5 = 15 s; each probe is answered at
///   once, so the 2 s probe timeout adds nothing. By then the endpoints
///   controller and the load balancer, which see the pod terminating from
///   t = 0, have had 15 s to stop sending it new requests.
/// - **Deadline, 10 s** (t = 15 to 25): the app stops accepting, closes
///   idle keep-alive connections and lets requests in flight finish;
///   whatever is still running at t = 25 is dropped and counted.
/// - **Margin, 5 s** (t = 25 to 30): the process logs its last line and
///   exits before SIGKILL: 15 + 10 + 5 = 30.
/// - **Header read, 5 s**, at most the deadline: a client that sends half a
///   request head is cut 5 s after its first byte (or after connecting), so
///   it can neither hold a connection nor hold shutdown past t = 20.
/// - **Linger, at most 2 s** (fixed): a connection the app closes reads
///   and throws away what its client still sends until the client closes
///   too, so that no reset discards responses the client has yet to read;
///   cut at the deadline, so it adds nothing to 15 + 10 + 5.
/// - **Idle, 620 s**: a keep-alive connection with no request pending is
///   closed after 620 s, longer than the load balancer's fixed 600 s backend
///   keep-alive, so the load balancer always closes first and never sends a
///   request on a connection the app is closing. Idle connections do not
///   delay shutdown: they are closed when the drain ends.
/// - **Liveness**: it probes `/healthz` too, but the kubelet stops liveness
///   probes once a pod is being deleted, so the 503s of the drain never
///   restart the container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// After SIGTERM, how long the app keeps serving with `/healthz`
    /// answering 503 (`SHUTDOWN_DRAIN_SECONDS`, default 15; 0 skips it).
    pub drain: Duration,
    /// After the drain, how long requests in flight may take before they
    /// are dropped (`SHUTDOWN_DEADLINE_SECONDS`, default 10).
    pub deadline: Duration,
    /// How long a client may take to send a whole request head, from its
    /// first byte or, on a new connection, from connecting
    /// (`HEADER_READ_TIMEOUT_SECONDS`, default 5, at most the deadline).
    pub header_read: Duration,
    /// How long a keep-alive connection may wait for its next request
    /// (`IDLE_TIMEOUT_SECONDS`, default 620).
    pub idle: Duration,
}

impl Default for Timings {
    fn default() -> Timings {
        Timings {
            drain: Duration::from_secs(15),
            deadline: Duration::from_secs(10),
            header_read: Duration::from_secs(5),
            idle: Duration::from_secs(620),
        }
    }
}

/// The address bound when `HOST` is unset: every interface of the pod.
const DEFAULT_HOST: &str = "0.0.0.0";

/// The port bound when `PORT` is unset.
const DEFAULT_PORT: u16 = 8080;

/// The largest number of seconds any timing takes: a day, far above any
/// sensible value and far from the overflow of `Instant` arithmetic.
const MAX_SECONDS: u64 = 86_400;

impl Config {
    /// Reads the configuration from `var` (the environment in production).
    /// Every problem is reported, one message per variable.
    ///
    /// A variable that is unset takes its default; one that is set must
    /// hold a value: an empty one is an error, not the default, since it
    /// is more often a mistake (`PORT=$UNSET_VARIABLE`) than a choice.
    /// Numbers are plain digits, with surrounding white space ignored.
    /// Only `POD_NAME` and `ZONE` may be empty, meaning unknown: the
    /// downward API gives an empty value for a label the pod lacks.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Config, Vec<String>> {
        let non_empty = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let mut problems = Vec::new();
        // The variable's value if it is set and not empty; a problem if it
        // is set and empty.
        let mut value = |name: &str, default: &dyn std::fmt::Display| match var(name) {
            Some(text) if text.trim().is_empty() => {
                problems.push(format!(
                    "{name}={text:?} is empty: unset it for the default ({default})"
                ));
                None
            }
            text => text,
        };
        let defaults = Timings::default();
        let host = value("HOST", &DEFAULT_HOST);
        let port = value("PORT", &DEFAULT_PORT);
        let drain = value("SHUTDOWN_DRAIN_SECONDS", &defaults.drain.as_secs());
        let deadline = value("SHUTDOWN_DEADLINE_SECONDS", &defaults.deadline.as_secs());
        let header_read = value(
            "HEADER_READ_TIMEOUT_SECONDS",
            &defaults.header_read.as_secs(),
        );
        let idle = value("IDLE_TIMEOUT_SECONDS", &defaults.idle.as_secs());
        let port = match port {
            Some(p) => digits(&p).and_then(|d| d.parse().ok()).unwrap_or_else(|| {
                problems.push(format!("PORT={p:?} is not a port number (0-65535)"));
                0
            }),
            None => DEFAULT_PORT,
        };
        let mut seconds = |name: &str, text: Option<String>, min: u64, default: Duration| {
            let Some(text) = text else {
                return default;
            };
            match digits(&text).and_then(|d| d.parse::<u64>().ok()) {
                Some(s) if (min..=MAX_SECONDS).contains(&s) => Duration::from_secs(s),
                _ => {
                    problems.push(format!(
                        "{name}={text:?} is not a whole number of seconds from {min} to {MAX_SECONDS}"
                    ));
                    default
                }
            }
        };
        let timings = Timings {
            drain: seconds("SHUTDOWN_DRAIN_SECONDS", drain, 0, defaults.drain),
            deadline: seconds("SHUTDOWN_DEADLINE_SECONDS", deadline, 1, defaults.deadline),
            header_read: seconds(
                "HEADER_READ_TIMEOUT_SECONDS",
                header_read,
                1,
                defaults.header_read,
            ),
            idle: seconds("IDLE_TIMEOUT_SECONDS", idle, 1, defaults.idle),
        };
        if timings.header_read > timings.deadline {
            problems.push(format!(
                "HEADER_READ_TIMEOUT_SECONDS ({}) is longer than SHUTDOWN_DEADLINE_SECONDS ({}): \
                 a client sending half a request could hold shutdown to the deadline",
                timings.header_read.as_secs(),
                timings.deadline.as_secs()
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Config {
            host: host.unwrap_or_else(|| DEFAULT_HOST.to_owned()),
            port,
            pod: non_empty("POD_NAME"),
            zone: non_empty("ZONE"),
            timings,
        })
    }
}

/// `text` without surrounding white space, if what remains is a number
/// in plain digits: no sign, which Rust's integer parsing would take.
fn digits(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn configuration_comes_from_the_environment_with_defaults() {
        let c = Config::from_vars(|_| None).unwrap();
        assert_eq!((c.host.as_str(), c.port), ("0.0.0.0", 8080));
        assert_eq!(c.timings, Timings::default());
        let c = Config::from_vars(vars(&[
            ("PORT", "9090"),
            ("ZONE", "europe-west4-a"),
            ("POD_NAME", " "),
        ]))
        .unwrap();
        assert_eq!(
            (c.port, c.zone.as_deref(), c.pod),
            (9090, Some("europe-west4-a"), None)
        );
    }

    #[test]
    fn the_default_timings_fit_the_deployments_thirty_second_grace_period() {
        let t = Timings::default();
        // Three failed readiness probes 5 s apart, the first within 5 s.
        assert!(t.drain >= Duration::from_secs(5 + 2 * 5));
        assert!(t.drain + t.deadline + Duration::from_secs(5) <= Duration::from_secs(30));
        assert!(t.header_read <= t.deadline);
        // The load balancer's backend keep-alive is 600 s.
        assert!(t.idle > Duration::from_secs(600));
    }

    #[test]
    fn timings_come_from_the_environment_in_whole_seconds() {
        let c = Config::from_vars(vars(&[
            ("SHUTDOWN_DRAIN_SECONDS", "0"),
            ("SHUTDOWN_DEADLINE_SECONDS", " 3 "),
            ("HEADER_READ_TIMEOUT_SECONDS", "2"),
            ("IDLE_TIMEOUT_SECONDS", "60"),
        ]))
        .unwrap();
        assert_eq!(
            c.timings,
            Timings {
                drain: Duration::ZERO,
                deadline: Duration::from_secs(3),
                header_read: Duration::from_secs(2),
                idle: Duration::from_secs(60),
            }
        );
    }

    #[test]
    fn every_bad_value_is_reported_at_once() {
        let problems = Config::from_vars(vars(&[
            ("PORT", "http"),
            ("SHUTDOWN_DRAIN_SECONDS", "-1"),
            ("SHUTDOWN_DEADLINE_SECONDS", "0"),
            ("HEADER_READ_TIMEOUT_SECONDS", "1.5"),
            ("IDLE_TIMEOUT_SECONDS", "18446744073709551616"),
        ]))
        .unwrap_err();
        assert_eq!(
            problems,
            [
                "PORT=\"http\" is not a port number (0-65535)",
                "SHUTDOWN_DRAIN_SECONDS=\"-1\" is not a whole number of seconds from 0 to 86400",
                "SHUTDOWN_DEADLINE_SECONDS=\"0\" is not a whole number of seconds from 1 to 86400",
                "HEADER_READ_TIMEOUT_SECONDS=\"1.5\" is not a whole number of seconds from 1 to 86400",
                "IDLE_TIMEOUT_SECONDS=\"18446744073709551616\" is not a whole number of seconds from 1 to 86400",
            ]
        );
    }

    #[test]
    fn an_empty_value_is_an_error_not_the_default() {
        let problems = Config::from_vars(vars(&[
            ("HOST", ""),
            ("PORT", ""),
            ("SHUTDOWN_DRAIN_SECONDS", ""),
            ("SHUTDOWN_DEADLINE_SECONDS", " "),
            ("HEADER_READ_TIMEOUT_SECONDS", ""),
            ("IDLE_TIMEOUT_SECONDS", "\t"),
            // Unknown, not shown: the downward API gives an empty value
            // for a label the pod lacks.
            ("ZONE", ""),
            ("POD_NAME", ""),
        ]))
        .unwrap_err();
        assert_eq!(
            problems,
            [
                "HOST=\"\" is empty: unset it for the default (0.0.0.0)",
                "PORT=\"\" is empty: unset it for the default (8080)",
                "SHUTDOWN_DRAIN_SECONDS=\"\" is empty: unset it for the default (15)",
                "SHUTDOWN_DEADLINE_SECONDS=\" \" is empty: unset it for the default (10)",
                "HEADER_READ_TIMEOUT_SECONDS=\"\" is empty: unset it for the default (5)",
                "IDLE_TIMEOUT_SECONDS=\"\\t\" is empty: unset it for the default (620)",
            ]
        );
        let c = Config::from_vars(vars(&[("ZONE", ""), ("POD_NAME", " ")])).unwrap();
        assert_eq!((c.zone, c.pod), (None, None));
    }

    #[test]
    fn numbers_are_plain_digits_without_a_sign() {
        let problems = Config::from_vars(vars(&[
            ("PORT", "+8080"),
            ("SHUTDOWN_DRAIN_SECONDS", "+3"),
            ("SHUTDOWN_DEADLINE_SECONDS", "-0"),
            ("HEADER_READ_TIMEOUT_SECONDS", "0x5"),
            ("IDLE_TIMEOUT_SECONDS", "6 0"),
        ]))
        .unwrap_err();
        assert_eq!(
            problems,
            [
                "PORT=\"+8080\" is not a port number (0-65535)",
                "SHUTDOWN_DRAIN_SECONDS=\"+3\" is not a whole number of seconds from 0 to 86400",
                "SHUTDOWN_DEADLINE_SECONDS=\"-0\" is not a whole number of seconds from 1 to 86400",
                "HEADER_READ_TIMEOUT_SECONDS=\"0x5\" is not a whole number of seconds from 1 to 86400",
                "IDLE_TIMEOUT_SECONDS=\"6 0\" is not a whole number of seconds from 1 to 86400",
            ]
        );
    }

    #[test]
    fn a_header_timeout_longer_than_the_deadline_is_refused() {
        let problems = Config::from_vars(vars(&[
            ("SHUTDOWN_DEADLINE_SECONDS", "4"),
            ("HEADER_READ_TIMEOUT_SECONDS", "30"),
        ]))
        .unwrap_err();
        assert_eq!(
            problems,
            [
                "HEADER_READ_TIMEOUT_SECONDS (30) is longer than SHUTDOWN_DEADLINE_SECONDS (4): \
              a client sending half a request could hold shutdown to the deadline"
            ]
        );
    }
}
