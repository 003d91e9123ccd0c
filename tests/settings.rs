//! Issue 14, sections 2 and 3: a stack's settings never make synth panic;
//! a value whose arithmetic would overflow is reported at its file, line
//! and key, and distinct e-mail addresses are never "listed twice". Each
//! input of the issue is a test of its own with its whole report.

use tfsynth::settings::Sources;

const HELLO: &str = include_str!("../stacks/hello.toml");

/// The settings `stacks/s.toml` with `text`, built: the roots' names, or
/// every line of the report.
fn build(text: &str) -> Result<Vec<String>, Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let lines = |e: tfsynth::settings::SettingsError| -> Vec<String> {
        e.to_string().lines().map(str::to_owned).collect()
    };
    let sources = Sources::read(dir.path(), "stacks", "s").map_err(lines)?;
    let roots = tfsynth::stacks::build(&sources).map_err(lines)?;
    Ok(roots.into_iter().map(|r| r.name).collect())
}

/// `HELLO` with the `[app]` table's keys after `name`, `port` and
/// `image_tag` (at line 39 and on).
fn with_app(keys: &str) -> String {
    HELLO.replace(
        "image_tag = \"0.1.0\"\n",
        &format!("image_tag = \"0.1.0\"\n{keys}"),
    )
}

fn one_zone(text: &str) -> String {
    text.replace(
        "zones = [\"us-central1-a\", \"us-central1-b\", \"us-central1-f\"]",
        "zones = [\"us-central1-a\"]",
    )
}

// ---- section 2: no panic, checked arithmetic -------------------------------

#[test]
fn replicas_per_zone_4294967295_is_too_many_replicas_not_a_panic() {
    let report = build(&with_app("replicas_per_zone = 4294967295\n")).unwrap_err();
    assert_eq!(
        report,
        [
            "stacks/s.toml:39:1: app.replicas_per_zone: 4294967295 replicas in each of 3 zones is more than Kubernetes accepts (at most 2147483647 replicas)"
        ]
    );
}

#[test]
fn replicas_per_zone_2147483648_in_one_zone_is_too_many_replicas_not_a_panic() {
    let report = build(&one_zone(&with_app("replicas_per_zone = 2147483648\n"))).unwrap_err();
    assert_eq!(
        report,
        [
            "stacks/s.toml:39:1: app.replicas_per_zone: 2147483648 replicas in each of 1 zone is more than Kubernetes accepts (at most 2147483647 replicas)"
        ]
    );
}

#[test]
fn a_default_max_replicas_that_would_overflow_asks_for_max_replicas() {
    // 1073741824 fits; twice it, the default most, does not.
    let report = build(&one_zone(&with_app("replicas_per_zone = 1073741824\n"))).unwrap_err();
    assert_eq!(
        report,
        [
            "stacks/s.toml:39:1: app.replicas_per_zone: the default max_replicas, twice the minimum of 1073741824, is more than Kubernetes accepts (at most 2147483647); set app.max_replicas"
        ]
    );
    let fixed = one_zone(&with_app(
        "replicas_per_zone = 1073741824\nmax_replicas = 2147483647\n",
    ));
    assert_eq!(build(&fixed).unwrap(), ["cluster", "workload"]);
}

#[test]
fn counts_the_apis_hold_in_32_bits_are_refused_above_2147483647() {
    let text = with_app("max_replicas = 4294967295\n")
        .replace("max_nodes_per_zone = 3", "max_nodes_per_zone = 2147483648")
        .replace("disk_size_gb = 30", "disk_size_gb = 4294967295")
        + "\n[cloud_armor]\nrate_limit_per_minute = 3000000000\n";
    assert_eq!(
        build(&text).unwrap_err(),
        [
            "stacks/s.toml:30:1: node_pools[0].disk_size_gb: 4294967295 is more than the API accepts (at most 2147483647)",
            "stacks/s.toml:33:1: node_pools[0].max_nodes_per_zone: 2147483648 is more than the API accepts (at most 2147483647)",
            "stacks/s.toml:39:1: app.max_replicas: 4294967295 is more than the API accepts (at most 2147483647)",
            "stacks/s.toml:46:1: cloud_armor.rate_limit_per_minute: 3000000000 is more than the API accepts (at most 2147483647)",
        ]
    );
}

// ---- section 3: e-mail addresses ------------------------------------------

#[test]
fn three_addresses_that_differ_only_in_punctuation_are_three_channels() {
    let text = HELLO.replace(
        "emails = [\"oncall@example.com\"]",
        "emails = [\"a.b@example.com\", \"a-b@example.com\", \"a_b@example.com\"]",
    );
    assert_eq!(build(&text).unwrap(), ["cluster", "workload"]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), &text).unwrap();
    let sources = Sources::read(dir.path(), "stacks", "s").unwrap();
    let roots = tfsynth::stacks::build(&sources).unwrap();
    let json = tfsynth::emit::to_json_value(&roots[0].stack.resolve().unwrap());
    let channels = json["resource"]["google_monitoring_notification_channel"]
        .as_object()
        .unwrap();
    let names: Vec<(&str, &str)> = channels
        .iter()
        .map(|(name, body)| {
            (
                name.as_str(),
                body["labels"]["email_address"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("a-dash-b-at-example-dot-com", "a-b@example.com"),
            ("a-dot-b-at-example-dot-com", "a.b@example.com"),
            ("a-underscore-b-at-example-dot-com", "a_b@example.com"),
        ]
    );
}

#[test]
fn one_address_written_twice_in_any_case_is_listed_twice() {
    let text = HELLO.replace(
        "emails = [\"oncall@example.com\"]",
        "emails = [\"oncall@example.com\", \"OnCall@Example.com\"]",
    );
    assert_eq!(
        build(&text).unwrap_err(),
        ["stacks/s.toml:41:33: monitoring.emails[1]: \"OnCall@Example.com\" is listed twice"]
    );
}
