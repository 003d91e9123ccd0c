//! Issue 14, sections 2 and 3: a stack's settings never make synth panic,
//! and every problem in them is reported in one run, each at its file,
//! line and key. Each input of the issue is a test of its own with its
//! whole report; the last test runs one input of each kind.

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

/// `HELLO` with its one service's keys after `name`, `port` and
/// `image_tag` (at line 44 and on).
fn with_service(keys: &str) -> String {
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
    let report = build(&with_service("replicas_per_zone = 4294967295\n")).unwrap_err();
    assert_eq!(
        report,
        [
            "stacks/s.toml:44:1: services[0].replicas_per_zone: 4294967295 replicas in each of 3 zones is more than Kubernetes accepts (at most 2147483647 replicas)"
        ]
    );
}

#[test]
fn replicas_per_zone_2147483648_in_one_zone_is_too_many_replicas_not_a_panic() {
    let report = build(&one_zone(&with_service("replicas_per_zone = 2147483648\n"))).unwrap_err();
    assert_eq!(
        report,
        [
            "stacks/s.toml:44:1: services[0].replicas_per_zone: 2147483648 replicas in each of 1 zone is more than Kubernetes accepts (at most 2147483647 replicas)"
        ]
    );
}

#[test]
fn a_default_max_replicas_that_would_overflow_asks_for_max_replicas() {
    // 1073741824 fits; twice it, the default most, does not.
    let report = build(&one_zone(&with_service("replicas_per_zone = 1073741824\n"))).unwrap_err();
    assert_eq!(
        report,
        [
            "stacks/s.toml:44:1: services[0].replicas_per_zone: the default max_replicas, twice the minimum of 1073741824, is more than Kubernetes accepts (at most 2147483647); set services[0].max_replicas"
        ]
    );
    let fixed = one_zone(&with_service(
        "replicas_per_zone = 1073741824\nmax_replicas = 2147483647\n",
    ));
    assert_eq!(build(&fixed).unwrap(), ["cluster", "workload"]);
}

#[test]
fn counts_the_apis_hold_in_32_bits_are_refused_above_2147483647() {
    let text = with_service("max_replicas = 4294967295\n")
        .replace("max_nodes_per_zone = 3", "max_nodes_per_zone = 2147483648")
        .replace("disk_size_gb = 30", "disk_size_gb = 4294967295")
        + "\n[cloud_armor]\nrate_limit_per_minute = 3000000000\n";
    assert_eq!(
        build(&text).unwrap_err(),
        [
            "stacks/s.toml:30:1: node_pools[0].disk_size_gb: 4294967295 is more than the API accepts (at most 2147483647)",
            "stacks/s.toml:33:1: node_pools[0].max_nodes_per_zone: 2147483648 nodes is more than GKE allows a node pool in one zone (1000)",
            "stacks/s.toml:44:1: services[0].max_replicas: 4294967295 is more than the API accepts (at most 2147483647)",
            "stacks/s.toml:59:1: cloud_armor.rate_limit_per_minute: 3000000000 is more than the API accepts (at most 2147483647)",
        ]
    );
}

// ---- section 3: every problem at once, each at its place -------------------

#[test]
fn a_file_with_only_blueprint_lists_every_missing_key_where_it_is_added() {
    let report = build("blueprint = \"gke-web-service\"\n").unwrap_err();
    assert_eq!(
        report,
        [
            "stacks/s.toml:2:1: app: missing; add the [app] table",
            "stacks/s.toml:2:1: cluster: missing; add the [cluster] table",
            "stacks/s.toml:2:1: description: missing; add it with the top-level keys",
            "stacks/s.toml:2:1: monitoring: missing; add the [monitoring] table",
            "stacks/s.toml:2:1: network: missing; add the [network] table",
            "stacks/s.toml:2:1: node_pools: missing; add at least one [[node_pools]] table",
            "stacks/s.toml:2:1: project: missing; add it with the top-level keys",
            "stacks/s.toml:2:1: region: missing; add it with the top-level keys",
            "stacks/s.toml:2:1: services: missing; add at least one [[services]] table",
            "stacks/s.toml:2:1: zones: missing; add it with the top-level keys",
        ]
    );
}

#[test]
fn missing_keys_of_several_tables_are_all_reported_each_in_its_table() {
    let text = HELLO
        .replace("pods_cidr = \"10.20.0.0/14\"\n", "")
        .replace("machine_type = \"e2-medium\"\n", "")
        .replace("image_tag = \"0.1.0\"\n", "");
    assert_eq!(
        build(&text).unwrap_err(),
        [
            "stacks/s.toml:9:2: network.pods_cidr: missing; add it to [network]",
            "stacks/s.toml:26:1: node_pools[0].machine_type: missing; add it to node_pools[0]",
            "stacks/s.toml:38:1: services[0].image_tag: missing; add it to services[0]",
        ]
    );
}

#[test]
fn a_missing_top_level_key_is_placed_after_the_other_top_level_keys() {
    let report = build(&HELLO.replace("project = \"tfsynth-hello\"\n", "")).unwrap_err();
    // Line 7 is the blank line after `zones`, before `[network]`.
    assert_eq!(
        report,
        [
            "stacks/s.toml:7:1: project: missing; add it with the top-level keys, before the first table"
        ]
    );
}

#[test]
fn an_unknown_key_does_not_hide_the_value_errors_of_the_file() {
    let text = HELLO
        .replace("[network]\n", "[network]\nmtu = 1460\n")
        .replace("project = \"tfsynth-hello\"", "project = \"Bad_Project\"")
        .replace("port = 8080", "port = 80");
    assert_eq!(
        build(&text).unwrap_err(),
        [
            "stacks/s.toml:5:1: project: \"Bad_Project\" is not a project id (6-30 lowercase letters, digits or hyphens, starting with a letter)",
            "stacks/s.toml:10:1: network.mtu: unknown field `mtu`, expected one of `name`, `subnet_cidr`, `pods_cidr`, `services_cidr`, `master_cidr`",
            "stacks/s.toml:43:1: services[0].port: 80 is a privileged port; the service runs as a non-root user",
        ]
    );
}

#[test]
fn a_value_of_the_wrong_type_does_not_hide_the_other_problems_and_misleads_none() {
    // The wrong zone list stands in as empty: no "name at least one zone",
    // no complaint about replicas, but the bad project is still found.
    let text = HELLO
        .replace(
            "zones = [\"us-central1-a\", \"us-central1-b\", \"us-central1-f\"]",
            "zones = \"us-central1-a\"",
        )
        .replace("project = \"tfsynth-hello\"", "project = \"Bad_Project\"");
    assert_eq!(
        build(&text).unwrap_err(),
        [
            "stacks/s.toml:5:1: project: \"Bad_Project\" is not a project id (6-30 lowercase letters, digits or hyphens, starting with a letter)",
            "stacks/s.toml:7:1: zones: invalid type: string \"us-central1-a\", expected a sequence",
        ]
    );
}

#[test]
fn a_toml_syntax_error_names_the_key_it_is_in() {
    let report = build(&HELLO.replace("image_tag = \"0.1.0\"", "image_tag = 0.1.0")).unwrap_err();
    assert_eq!(
        report,
        [
            "stacks/s.toml:43:16: services[0].image_tag: invalid TOML: invalid float, expected nothing"
        ]
    );
}

#[test]
fn a_key_written_twice_is_named_with_its_table() {
    let report = build(&HELLO.replace("port = 8080\n", "port = 8080\nport = 8081\n")).unwrap_err();
    assert_eq!(
        report,
        ["stacks/s.toml:43:1: services[0].port: invalid TOML: duplicate key"]
    );
}

#[test]
fn app_written_as_an_array_is_a_type_error_of_app() {
    let start = HELLO.find("[app]").unwrap();
    let end = HELLO.find("# One service").unwrap();
    let text = format!("{}{}", &HELLO[..start], &HELLO[end..])
        .replace("zones = [", "app = [1, 2]\nzones = [");
    assert_eq!(
        build(&text).unwrap_err(),
        ["stacks/s.toml:7:1: app: invalid type: array, expected a table"]
    );
}

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
        ["stacks/s.toml:46:33: monitoring.emails[1]: \"OnCall@Example.com\" is listed twice"]
    );
}

/// One input of each kind of settings problem, and its whole report.
#[test]
fn each_kind_of_settings_problem_is_reported_at_its_file_line_and_key() {
    let cases: [(&str, String, &[&str]); 8] = [
        (
            "syntax error",
            HELLO.replace("region = \"us-central1\"", "region = us-central1"),
            &[
                "stacks/s.toml:6:10: region: invalid TOML: string values must be quoted, expected literal string",
            ],
        ),
        (
            "missing key",
            HELLO.replace("name = \"hello\"\nport = 8080\n", "port = 8080\n"),
            &["stacks/s.toml:40:1: services[0].name: missing; add it to services[0]"],
        ),
        (
            "missing table",
            HELLO[..HELLO.find("[monitoring]").unwrap()].to_owned(),
            &["stacks/s.toml:45:1: monitoring: missing; add the [monitoring] table"],
        ),
        (
            "unknown key",
            HELLO.replace("[[services]]\n", "[[services]]\nreplicas = 2\n"),
            &[
                "stacks/s.toml:41:1: services[0].replicas: unknown field `replicas`, expected one of `name`, `port`, `image_tag`, `dockerfile`, `host`, `path`, `health_path`, `uptime_path`, `replicas_per_zone`, `max_replicas`, `cpu_target`, `cpu_request`, `memory_request`, `cpu_limit`, `memory_limit`",
            ],
        ),
        (
            "wrong type",
            HELLO.replace("port = 8080", "port = \"8080\""),
            &["stacks/s.toml:42:1: services[0].port: invalid type: string \"8080\", expected u16"],
        ),
        (
            "table as an array",
            HELLO.replace("[monitoring]\n", "[[monitoring]]\n"),
            &["stacks/s.toml:45:3: monitoring: invalid type: array, expected a table"],
        ),
        (
            "wrong value",
            HELLO.replace("uptime_period = \"300s\"", "uptime_period = \"5m\""),
            &[
                "stacks/s.toml:47:1: monitoring.uptime_period: \"5m\" is not one of 60s, 300s, 600s, 900s",
            ],
        ),
        (
            "arithmetic out of range",
            with_service("replicas_per_zone = 900000000\n"),
            &[
                "stacks/s.toml:44:1: services[0].replicas_per_zone: 900000000 replicas in each of 3 zones is more than Kubernetes accepts (at most 2147483647 replicas)",
            ],
        ),
    ];
    for (kind, text, expected) in cases {
        assert_eq!(build(&text).unwrap_err(), expected, "{kind}");
    }
}

// ---- settings Kubernetes or GKE would refuse ---------------------------------

#[test]
fn a_request_above_its_limit_is_refused_for_cpu_and_memory() {
    let report = build(&with_service(
        "cpu_request = \"2\"\ncpu_limit = \"1\"\nmemory_request = \"1Gi\"\nmemory_limit = \"128Mi\"\n",
    ))
    .unwrap_err();
    assert_eq!(
        report,
        [
            "stacks/s.toml:44:1: services[0].cpu_request: 2 is more than services[0].cpu_limit 1; Kubernetes refuses a request above its limit",
            "stacks/s.toml:46:1: services[0].memory_request: 1Gi is more than services[0].memory_limit 128Mi; Kubernetes refuses a request above its limit",
        ]
    );
}

/// The kind: requests and limits compare as quantities, whatever their
/// units.
#[test]
fn requests_and_limits_compare_as_quantities() {
    for (request, limit, refused) in [
        ("250m", "0.25", false),
        ("251m", "0.25", true),
        ("0.5", "500m", false),
        ("1", "999m", true),
        ("1.5", "2", false),
    ] {
        let text = with_service(&format!(
            "cpu_request = \"{request}\"\ncpu_limit = \"{limit}\"\n"
        ));
        assert_eq!(build(&text).is_err(), refused, "cpu {request} / {limit}");
    }
    for (request, limit, refused) in [
        ("1024Ki", "1Mi", false),
        ("1025Ki", "1Mi", true),
        ("0.5Gi", "512Mi", false),
        ("1Gi", "1023Mi", true),
        // Decimal suffixes are quantities too (issue 16's review).
        ("1G", "1Gi", false),
        ("1Gi", "1G", true),
        ("128M", "128Mi", false),
        ("1000k", "1M", false),
        ("1Ti", "1T", true),
        ("1E", "1Ei", false),
    ] {
        let text = with_service(&format!(
            "memory_request = \"{request}\"\nmemory_limit = \"{limit}\"\n"
        ));
        assert_eq!(build(&text).is_err(), refused, "memory {request} / {limit}");
    }
}

#[test]
fn node_pool_labels_kubernetes_would_refuse_are_named() {
    let text = HELLO.replacen(
        "[[node_pools]]\n",
        "[[node_pools]]\nlabels = { \"tfsynth.dev/capacity\" = \"spöt\", \"UPPER\" = \"${x}\", \"\" = \"\", \"team\" = \"web\" }\n",
        1,
    );
    let report = build(&text).unwrap_err();
    let text = report.join("\n");
    assert!(
        text.contains(r#"node_pools[0].labels."": "" is not a Kubernetes label key"#),
        "{text}"
    );
    assert!(
        text.contains(r#"labels."UPPER": "${x}" is not a Kubernetes label value"#),
        "{text}"
    );
    assert!(
        text.contains(r#"labels."tfsynth.dev/capacity": "spöt" is not a Kubernetes label value"#),
        "{text}"
    );
    assert!(!text.contains("team"), "{text}");
    assert_eq!(report.len(), 3, "{text}");
}

#[test]
fn a_problem_of_what_the_local_file_replaced_is_placed_in_the_local_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), HELLO).unwrap();
    // An array of tables in the local file replaces the base file's whole.
    std::fs::write(
        dir.path().join("s.local.toml"),
        "[[node_pools]]\nname = \"extra\"\n",
    )
    .unwrap();
    let sources = Sources::read(dir.path(), "stacks", "s").unwrap();
    let report = tfsynth::stacks::build(&sources).unwrap_err().to_string();
    assert!(
        report.contains("stacks/s.local.toml:1:1: node_pools[0].machine_type: missing"),
        "{report}"
    );
    assert!(!report.contains("stacks/s.toml:"), "{report}");
}

/// A problem at a key of the committed file that the local override
/// cannot take out names what the override sets beside it, with lines:
/// switching backends in an override leaves the committed bucket.
#[test]
fn a_problem_at_a_committed_key_names_what_the_local_file_sets_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.toml"),
        format!("{HELLO}[state]\nbucket = \"b-tfstate\"\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("s.local.toml"),
        "[state]\norganization = \"example-org\"\nbackend = \"cloud\"\n",
    )
    .unwrap();
    let sources = Sources::read(dir.path(), "stacks", "s").unwrap();
    let report = tfsynth::stacks::build(&sources).unwrap_err().to_string();
    assert!(
        report.contains("stacks/s.toml:57:1: state.bucket: a setting of backend \"gcs\", and this stack's backend is \"cloud\"; stacks/s.local.toml sets state.organization (line 2), state.backend (line 3), and an override merges key by key: it cannot take out state.bucket"),
        "{report}"
    );
    // Without an override, the message is only the problem.
    std::fs::remove_file(dir.path().join("s.local.toml")).unwrap();
    std::fs::write(
        dir.path().join("s.toml"),
        format!(
            "{HELLO}[state]\nbackend = \"cloud\"\norganization = \"o\"\nbucket = \"b-tfstate\"\n"
        ),
    )
    .unwrap();
    let sources = Sources::read(dir.path(), "stacks", "s").unwrap();
    let report = tfsynth::stacks::build(&sources).unwrap_err().to_string();
    assert!(
        report.contains(
            "state.bucket: a setting of backend \"gcs\", and this stack's backend is \"cloud\"\n"
        ) || report.ends_with(
            "state.bucket: a setting of backend \"gcs\", and this stack's backend is \"cloud\""
        ),
        "{report}"
    );
}

// ---- issue 16, section 3: settings GCP, GKE or Kubernetes would refuse ------

/// `HELLO` with one setting's line replaced: `from` (a whole line of
/// `stacks/hello.toml`) becomes `to`.
fn with_line(from: &str, to: &str) -> String {
    assert!(HELLO.contains(from), "{from:?} is not a line of hello.toml");
    HELLO.replacen(from, to, 1)
}

/// `HELLO` with the app and its one service both named `name`.
fn one_service_named(name: &str) -> String {
    HELLO
        .replacen(
            "[app]\nname = \"hello\"",
            &format!("[app]\nname = \"{name}\""),
            1,
        )
        .replacen(
            "name = \"hello\"\nport",
            &format!("name = \"{name}\"\nport"),
            1,
        )
}

/// The issue's inputs, each refused at its file, line and key with the
/// name that would fail.
#[test]
fn names_derived_from_a_setting_that_break_their_rule_are_refused_at_the_setting() {
    let a = |n: usize| "a".repeat(n);
    let cases = [
        (
            // [network] name: a 63-character network makes a 67-character router.
            with_line("name = \"hello\"\nsubnet_cidr", &format!("name = \"{}\"\nsubnet_cidr", a(63))),
            format!(
                "stacks/s.toml:10:1: network.name: \"{n}\" makes the Cloud Router \"{n}-nat\", which is not a Compute Engine name (67 characters; at most 63)",
                n = a(63)
            ),
        ),
        // An app of one service named like it: the service's account id
        // is the app's name and `-app`.
        (
            one_service_named(&a(40)),
            format!(
                "stacks/s.toml:41:1: services[0].name: \"{n}\" makes the service's Google service account id \"{n}-app\", which is not a service account id (44 characters; 6 to 30)",
                n = a(40)
            ),
        ),
        (
            one_service_named("a"),
            "stacks/s.toml:41:1: services[0].name: \"a\" makes the service's Google service account id \"a-app\", which is not a service account id (5 characters; 6 to 30)".to_owned(),
        ),
        // A service of another name: the app's name and the service's.
        (
            with_line("name = \"hello\"\nport", &format!("name = \"{}\"\nport", a(21))),
            format!(
                "stacks/s.toml:41:1: services[0].name: \"{n}\" makes the service's Google service account id \"hello-{n}-app\", which is not a service account id (31 characters; 6 to 30)",
                n = a(21)
            ),
        ),
        (
            with_line("name = \"hello\"\nrelease_channel", &format!("name = \"{}\"\nrelease_channel", a(25))),
            format!(
                "stacks/s.toml:17:1: cluster.name: \"{n}\" makes the node service account id \"{n}-nodes\", which is not a service account id (31 characters; 6 to 30)",
                n = a(25)
            ),
        ),
        (
            with_line("name = \"default\"", &format!("name = \"{}\"", a(41))),
            format!(
                "stacks/s.toml:28:1: node_pools[0].name: \"{}\" is not a node pool name (41 characters; at most 40)",
                a(41)
            ),
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(build(&text).unwrap_err(), [expected]);
    }
}

/// The kind: whatever the network, cluster and app are called, synth
/// either refuses at the key that names them or every name it writes
/// follows its resource's rule.
mod derived_names {
    use super::*;
    use proptest::prelude::*;

    fn follows(value: &str, min: usize, max: usize) -> bool {
        let b = value.as_bytes();
        (min..=max).contains(&b.len())
            && b[0].is_ascii_lowercase()
            && b[b.len() - 1] != b'-'
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
    }

    /// Every name a built root gives a Google Cloud resource, with the
    /// resource type and the attribute it is in.
    fn names_written(text: &str) -> Result<Vec<(String, String, String)>, Vec<String>> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("s.toml"), text).unwrap();
        let sources = Sources::read(dir.path(), "stacks", "s").unwrap();
        let roots = tfsynth::stacks::build(&sources)
            .map_err(|e| e.to_string().lines().map(str::to_owned).collect::<Vec<_>>())?;
        let mut names = Vec::new();
        for root in roots {
            let doc = tfsynth::emit::to_json_value(&root.stack.resolve().unwrap());
            let Some(types) = doc["resource"].as_object() else {
                continue;
            };
            for (ty, resources) in types.iter().filter(|(t, _)| t.starts_with("google_")) {
                for body in resources.as_object().unwrap().values() {
                    for attr in ["name", "account_id", "repository_id"] {
                        if let Some(v) = body[attr].as_str().filter(|v| !v.contains("${")) {
                            names.push((ty.clone(), attr.to_owned(), v.to_owned()));
                        }
                    }
                }
            }
        }
        Ok(names)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn synth_refuses_at_the_key_or_writes_only_names_that_follow_their_rules(
            network in "[a-z][a-z0-9-]{0,70}",
            cluster in "[a-z][a-z0-9-]{0,45}",
            app in "[a-z][a-z0-9-]{0,45}",
        ) {
            let text = HELLO
                .replacen("name = \"hello\"\nsubnet_cidr", &format!("name = \"{network}\"\nsubnet_cidr"), 1)
                .replacen("name = \"hello\"\nrelease_channel", &format!("name = \"{cluster}\"\nrelease_channel"), 1)
                .replacen("[app]\nname = \"hello\"", &format!("[app]\nname = \"{app}\""), 1)
                .replacen("name = \"hello\"\nport", &format!("name = \"{app}\"\nport"), 1);
            match names_written(&text) {
                Ok(names) => {
                    for (ty, attr, value) in names {
                        let (min, max) = match (ty.as_str(), attr.as_str()) {
                            ("google_service_account", "account_id") => (6, 30),
                            ("google_container_cluster" | "google_container_node_pool", _) => (1, 40),
                            _ => (1, 63),
                        };
                        prop_assert!(follows(&value, min, max), "{ty}.{attr} = {value:?}");
                    }
                }
                Err(report) => {
                    for line in &report {
                        prop_assert!(
                            ["network.name", "cluster.name", "app.name", "services[0].name"]
                                .iter()
                                .any(|key| line.contains(&format!(": {key}: "))),
                            "{line}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn stack_names_that_cannot_be_label_values_are_refused() {
    use tfsynth::synth::is_stack_name;
    for (name, ok) in [
        ("h", true),
        ("hello-prod", true),
        ("shop_2", true),
        (&*"a".repeat(63), true),
        // The issue's input: a 70-character stack name would be a
        // 70-character label value; 63 is the most.
        (&*"a".repeat(70), false),
        (&*"a".repeat(64), false),
        ("hello-", false),
        ("hello_", false),
        ("1hello", false),
        ("Hello", false),
        ("", false),
    ] {
        assert_eq!(is_stack_name(name), ok, "{name:?}");
    }
}

#[test]
fn node_pool_label_keys_kubernetes_would_refuse_are_refused() {
    for (key, ok) in [
        ("team", true),
        ("tfsynth.dev/capacity", true),
        ("Bad Key!", false),
        ("a/b/c", false),
        ("-team", false),
        (&*"k".repeat(64), false),
    ] {
        let text = HELLO.replacen(
            "[[node_pools]]\n",
            &format!("[[node_pools]]\nlabels = {{ {key:?} = \"web\" }}\n"),
            1,
        );
        let report = build(&text);
        assert_eq!(report.is_ok(), ok, "{key:?}: {report:?}");
        if !ok {
            assert_eq!(
                report.unwrap_err()[0],
                format!(
                    "stacks/s.toml:28:1: node_pools[0].labels.{key:?}: {key:?} is not a Kubernetes label key (an optional DNS prefix and /, then 1 to 63 letters, digits, -, _ and ., a letter or digit at each end)"
                )
            );
        }
    }
}

#[test]
fn zones_that_do_not_exist_are_refused_with_the_zones_of_the_region() {
    for (zones, expected) in [
        (
            // The issue's input.
            r#"["us-central1-a", "us-central1-b", "us-central1-z"]"#,
            "stacks/s.toml:7:44: zones[2]: \"us-central1-z\" is not a zone of us-central1; its zones are us-central1-a, us-central1-b, us-central1-c, us-central1-f",
        ),
        (
            r#"["us-central1-a", "us-central1-b", "us-central1-d"]"#,
            "stacks/s.toml:7:44: zones[2]: \"us-central1-d\" is not a zone of us-central1; its zones are us-central1-a, us-central1-b, us-central1-c, us-central1-f",
        ),
    ] {
        let text = with_line(
            r#"zones = ["us-central1-a", "us-central1-b", "us-central1-f"]"#,
            &format!("zones = {zones}"),
        );
        assert_eq!(build(&text).unwrap_err(), [expected]);
    }
    let text = HELLO.replace("us-central1", "us-central9");
    let report = build(&text).unwrap_err();
    assert_eq!(
        report[0],
        "stacks/s.toml:6:1: region: \"us-central9\" is not a Compute Engine region (did you mean us-central1?); the regions known are in src/stacks/gke_web_service/zones.tsv, which says how to refresh them"
    );
}

/// The kind: every zone of every region in the table is accepted, and a
/// letter the region lacks is refused.
#[test]
fn every_zone_of_the_table_is_accepted_and_no_other_letter() {
    let table = include_str!("../src/stacks/gke_web_service/zones.tsv");
    let mut regions = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let mut fields = line.split('\t');
        let region = fields.next().unwrap();
        let letters: Vec<&str> = fields.collect();
        assert!(!letters.is_empty(), "{region} has no zones");
        regions += 1;
        let zones: Vec<String> = letters
            .iter()
            .map(|z| format!("\"{region}-{z}\""))
            .collect();
        let text = HELLO
            .replace(
                r#"zones = ["us-central1-a", "us-central1-b", "us-central1-f"]"#,
                &format!("zones = [{}]", zones.join(", ")),
            )
            .replace(
                "region = \"us-central1\"",
                &format!("region = \"{region}\""),
            );
        assert!(build(&text).is_ok(), "{region}: {:?}", build(&text));
        let missing = ('a'..='z')
            .find(|c| !letters.contains(&c.to_string().as_str()))
            .unwrap();
        let text = text.replacen(
            &format!("\"{region}-{}\"", letters[0]),
            &format!("\"{region}-{missing}\""),
            1,
        );
        assert!(build(&text).is_err(), "{region}-{missing} was accepted");
    }
    assert!(regions >= 40, "{regions} regions");
}

#[test]
fn maintenance_windows_gke_would_refuse_are_refused() {
    let window = |start: &str, end: &str, recurrence: &str| {
        HELLO.replace(
            "[[node_pools]]",
            &format!(
                "[cluster.maintenance]\nstart = {start:?}\nend = {end:?}\nrecurrence = {recurrence:?}\n\n[[node_pools]]"
            ),
        )
    };
    let weekend = "FREQ=WEEKLY;BYDAY=SA,SU";
    for (start, end, recurrence, refused) in [
        // The issue's input: a 1-minute window.
        (
            "2025-01-04T03:00:00Z",
            "2025-01-04T03:01:00Z",
            "FREQ=DAILY",
            Some(
                "the window is 1 minute long; GKE counts only windows of at least 4 hours (and needs 48 hours of them in any 32 days)",
            ),
        ),
        (
            "2025-01-04T03:00:00Z",
            "2025-01-04T06:59:00Z",
            "FREQ=DAILY",
            Some(
                "the window is 3h59m long; GKE counts only windows of at least 4 hours (and needs 48 hours of them in any 32 days)",
            ),
        ),
        (
            "2025-01-04T03:00:00Z",
            "2025-01-04T07:00:00Z",
            "FREQ=DAILY",
            None,
        ),
        (
            "2025-01-04T01:00:00Z",
            "2025-01-04T05:00:00Z",
            weekend,
            Some(
                "FREQ=WEEKLY;BYDAY=SA,SU with windows of 4 hours gives 32 hours of maintenance in 32 days; GKE needs at least 48 hours",
            ),
        ),
        (
            "2025-01-04T01:00:00Z",
            "2025-01-04T07:00:00Z",
            weekend,
            None,
        ),
        (
            "2025-01-04T00:00:00Z",
            "2025-01-04T11:00:00Z",
            "FREQ=WEEKLY;BYDAY=SA",
            Some(
                "FREQ=WEEKLY;BYDAY=SA with windows of 11 hours gives 44 hours of maintenance in 32 days; GKE needs at least 48 hours",
            ),
        ),
        (
            "2025-01-04T00:00:00Z",
            "2025-01-04T12:00:00Z",
            "FREQ=WEEKLY;BYDAY=SA",
            None,
        ),
        (
            "2025-01-04T00:00:00Z",
            "2025-01-04T12:00:00Z",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA",
            Some(
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA with windows of 12 hours gives 24 hours of maintenance in 32 days; GKE needs at least 48 hours",
            ),
        ),
    ] {
        let report = build(&window(start, end, recurrence));
        match refused {
            None => assert!(report.is_ok(), "{start} {end} {recurrence}: {report:?}"),
            Some(message) => assert_eq!(
                report.unwrap_err(),
                [format!(
                    "stacks/s.toml:29:1: cluster.maintenance.end: {message}"
                )],
                "{start} {end} {recurrence}"
            ),
        }
    }
    for (start, end) in [
        ("2025-02-30T03:00:00Z", "2025-03-01T09:00:00Z"),
        ("2025-01-04T24:00:00Z", "2025-01-05T06:00:00Z"),
        ("2025-13-04T03:00:00Z", "2025-13-04T09:00:00Z"),
    ] {
        let report = build(&window(start, end, "FREQ=DAILY")).unwrap_err();
        assert!(
            report[0].contains(&format!(
                "cluster.maintenance.start: {start:?} is no such date or time"
            )),
            "{report:?}"
        );
    }
}

#[test]
fn node_counts_past_gke_limits_are_refused() {
    let pool = |sizes: &str| with_line("min_nodes_per_zone = 1\nmax_nodes_per_zone = 3", sizes);
    for (sizes, refused) in [
        // The issue's input.
        (
            "min_nodes_per_zone = 1\nmax_nodes_per_zone = 100000",
            Some(
                "stacks/s.toml:33:1: node_pools[0].max_nodes_per_zone: 100000 nodes is more than GKE allows a node pool in one zone (1000)",
            ),
        ),
        (
            "min_nodes_per_zone = 1\nmax_nodes_per_zone = 1001",
            Some(
                "stacks/s.toml:33:1: node_pools[0].max_nodes_per_zone: 1001 nodes is more than GKE allows a node pool in one zone (1000)",
            ),
        ),
        ("min_nodes_per_zone = 1\nmax_nodes_per_zone = 1000", None),
        (
            "total_min_nodes = 1\ntotal_max_nodes = 3001",
            Some(
                "stacks/s.toml:33:1: node_pools[0].total_max_nodes: 3001 nodes is more than GKE allows a node pool in its 3 zones (1000 per zone: 3000)",
            ),
        ),
        ("total_min_nodes = 1\ntotal_max_nodes = 3000", None),
    ] {
        let report = build(&pool(sizes));
        match refused {
            None => assert!(report.is_ok(), "{sizes}: {report:?}"),
            Some(line) => assert_eq!(report.unwrap_err(), [line], "{sizes}"),
        }
    }
    // Six pools of up to 1,000 nodes in each of 3 zones: 18,000 in all.
    let mut text = pool("min_nodes_per_zone = 1\nmax_nodes_per_zone = 1000");
    for i in 1..6 {
        text.push_str(&format!(
            "\n[[node_pools]]\nname = \"pool-{i}\"\nmachine_type = \"e2-medium\"\nmin_nodes_per_zone = 0\nmax_nodes_per_zone = 1000\n"
        ));
    }
    assert_eq!(
        build(&text).unwrap_err(),
        [
            "stacks/s.toml:27:3: node_pools: the pools can grow to 18000 nodes in all, more than GKE allows a cluster (15000)"
        ]
    );
}

/// Issue 16: a finding of the security scanner the settings leave open
/// must be fixed or accepted with a one-line reason; an acceptance that
/// accepts nothing open is refused.
#[test]
fn scanner_findings_are_closed_or_accepted_with_a_reason() {
    let without = |check: &str| {
        let line = HELLO
            .lines()
            .find(|l| l.starts_with(&format!("{check} = ")))
            .unwrap();
        HELLO.replacen(&format!("{line}\n"), "", 1)
    };
    let cases: Vec<(String, Vec<String>)> = vec![
        (
            without("CKV_GCP_18"),
            vec!["stacks/s.toml:51:2: accepted_risks: CKV_GCP_18 is open: the control plane is reachable from 0.0.0.0/0 (behind Google auth); narrow cluster.authorized_networks, or accept it with a one-line reason: [accepted_risks] CKV_GCP_18 = \"...\"".to_owned()],
        ),
        (
            without("CKV_GCP_66"),
            vec!["stacks/s.toml:51:2: accepted_risks: CKV_GCP_66 is open: Binary Authorization not enforced (no setting closes it yet: images would first need attestations); accept it with a one-line reason: [accepted_risks] CKV_GCP_66 = \"...\"".to_owned()],
        ),
        (
            // Closed by the setting instead: the acceptance is stale.
            HELLO.replace(
                "deletion_protection = false\n",
                "deletion_protection = false\nsecurity_group = \"gke-security-groups@example.com\"\n",
            ),
            vec!["stacks/s.toml:54:1: accepted_risks.CKV_GCP_65: CKV_GCP_65 is not a finding these settings leave open; remove it (open: CKV_GCP_18, CKV_GCP_66, CKV_GCP_84)".to_owned()],
        ),
        (
            HELLO.to_owned() + "CKV_GCP_12 = \"Dataplane V2\"\n",
            vec!["stacks/s.toml:56:1: accepted_risks.CKV_GCP_12: CKV_GCP_12 is accepted by the blueprint itself; remove it here".to_owned()],
        ),
        (
            HELLO.to_owned() + "CKV_GCP_999 = \"why not\"\n",
            vec!["stacks/s.toml:56:1: accepted_risks.CKV_GCP_999: CKV_GCP_999 is not a finding these settings leave open; remove it (open: CKV_GCP_18, CKV_GCP_65, CKV_GCP_66, CKV_GCP_84)".to_owned()],
        ),
        (
            HELLO.replace(
                "CKV_GCP_84 = \"Google-managed encryption is enough for images that hold no secrets\"",
                "CKV_GCP_84 = \" \"",
            ),
            vec!["stacks/s.toml:55:1: accepted_risks.CKV_GCP_84: give the reason in one line of text (no control characters or line breaks)".to_owned()],
        ),
        (
            without("CKV_GCP_65").replace(
                "deletion_protection = false\n",
                "deletion_protection = false\nsecurity_group = \"admins@example.com\"\n",
            ),
            vec!["stacks/s.toml:21:1: cluster.security_group: \"admins@example.com\" is not a group GKE accepts: it must be gke-security-groups@<your domain>".to_owned()],
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(build(&text).unwrap_err(), expected);
    }
}

/// The kind: a recurrence whose maintenance time cannot be counted is
/// refused, not waved through (`FREQ=YEARLY` would be 6 hours a year).
#[test]
fn maintenance_recurrences_that_cannot_be_checked_are_refused() {
    for (recurrence, ok) in [
        ("FREQ=DAILY", true),
        ("FREQ=WEEKLY;BYDAY=SA,SU", true),
        ("FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR", true),
        ("FREQ=YEARLY", false),
        ("FREQ=HOURLY", false),
        ("FREQ=DAILY;COUNT=1", false),
        ("FREQ=DAILY;UNTIL=20250201T000000Z", false),
        ("FREQ=DAILY;BYMONTH=1", false),
        ("FREQ=DAILY;BYHOUR=1", false),
        ("FREQ=DAILY;BYDAY=SA", false),
        ("FREQ=WEEKLY;BYDAY=XX,SA,SU", false),
        ("FREQ=WEEKLY;BYDAY=SA,SA,SU", false),
        ("FREQ=WEEKLY;BYDAY=SA;BYDAY=SU", false),
        ("FREQ=DAILY;INTERVAL=0", false),
        ("FREQ=DAILY;FOO=1", false),
        ("BYDAY=SA;FREQ=WEEKLY", false),
        ("weekly", false),
    ] {
        let text = HELLO.replace(
            "[[node_pools]]",
            &format!(
                "[cluster.maintenance]\nstart = \"2025-01-04T00:00:00Z\"\nend = \"2025-01-04T12:00:00Z\"\nrecurrence = {recurrence:?}\n\n[[node_pools]]"
            ),
        );
        let report = build(&text);
        assert_eq!(report.is_ok(), ok, "{recurrence}: {report:?}");
        if !ok {
            assert!(
                report.unwrap_err()[0].starts_with(&format!(
                    "stacks/s.toml:30:1: cluster.maintenance.recurrence: {recurrence:?} is not a recurrence tfsynth can check"
                )),
                "{recurrence}"
            );
        }
    }
}

#[test]
fn reasons_that_are_not_one_line_of_text_and_reserved_namespaces_are_refused() {
    for reason in [
        "a\u{0}b",
        "a\rb",
        "a\u{1b}[31mb",
        "a\u{2028}b",
        "a\u{85}b",
        "\u{200b}",
        " ",
    ] {
        let text = HELLO.replace(
            "CKV_GCP_84 = \"Google-managed encryption is enough for images that hold no secrets\"",
            &format!(
                "CKV_GCP_84 = \"{}\"",
                reason
                    .chars()
                    .map(|c| if c.is_ascii_graphic() || c == ' ' {
                        c.to_string()
                    } else {
                        format!("\\u{:04X}", u32::from(c))
                    })
                    .collect::<String>()
            ),
        );
        assert!(
            build(&text).unwrap_err()[0].ends_with("accepted_risks.CKV_GCP_84: give the reason in one line of text (no control characters or line breaks)"),
            "{reason:?}"
        );
    }
    for app in [
        "default",
        "kube-system",
        "kube-public",
        "kube-node-lease",
        "kube-apps",
        "gke-managed-system",
    ] {
        let text = HELLO.replacen(
            "[app]\nname = \"hello\"",
            &format!("[app]\nname = \"{app}\""),
            1,
        );
        assert_eq!(
            build(&text).unwrap_err(),
            [format!(
                "stacks/s.toml:36:1: app.name: {app:?} names a namespace Kubernetes or GKE keeps for itself (default, kube-*, gke-*); the app gets a namespace of its own name"
            )]
        );
    }
}

// ---- issue 17, item 5: where state is kept ---------------------------------

/// Each `[state]` setting belongs to one backend; one given for another,
/// or a backend's required setting left out, is refused at its key, with
/// what the backend is and why.
#[test]
fn a_state_setting_of_another_backend_or_a_missing_one_is_refused_at_its_key() {
    // hello.toml has 55 lines: `[state]` is line 56, its keys 57 and on.
    let cases: &[(&str, &[&str])] = &[
        (
            "backend = \"cloud\"\norganization = \"example-org\"\nbucket = \"b-state\"\n",
            &[
                "stacks/s.toml:59:1: state.bucket: a setting of backend \"gcs\", and this stack's backend is \"cloud\"",
            ],
        ),
        (
            "organization = \"example-org\"\n",
            &[
                "stacks/s.toml:56:2: state: no backend and no bucket: set backend = \"local\", \"gcs\" (with bucket) or \"cloud\" (with organization); without backend, [state] means gcs",
                "stacks/s.toml:57:1: state.organization: a setting of backend \"cloud\", and this stack's backend is \"gcs\" (the default when state.backend is not set)",
            ],
        ),
        (
            "backend = \"cloud\"\n",
            &[
                "stacks/s.toml:56:2: state: organization is missing: backend \"cloud\" keeps state in workspaces of an HCP Terraform or Terraform Enterprise organization",
            ],
        ),
        (
            "backend = \"local\"\nprefix = \"tfsynth\"\n",
            &[
                "stacks/s.toml:58:1: state.prefix: a setting of backend \"gcs\", and this stack's backend is \"local\"",
            ],
        ),
        (
            "backend = \"s3\"\n",
            &[
                "stacks/s.toml:57:1: state.backend: \"s3\" is not a backend: \"local\", \"gcs\" or \"cloud\"",
            ],
        ),
        // A backend that is none of them is not taken for another one.
        (
            "backend = \"Cloud\"\norganization = \"example-org\"\n",
            &[
                "stacks/s.toml:57:1: state.backend: \"Cloud\" is not a backend: \"local\", \"gcs\" or \"cloud\"",
            ],
        ),
        (
            "backend = 1\n",
            &["stacks/s.toml:57:1: state.backend: invalid type: integer `1`, expected a string"],
        ),
        (
            "",
            &[
                "stacks/s.toml:56:2: state: no backend and no bucket: set backend = \"local\", \"gcs\" (with bucket) or \"cloud\" (with organization); without backend, [state] means gcs",
            ],
        ),
        (
            "backend = \"gcs\"\n",
            &[
                "stacks/s.toml:56:2: state: bucket is missing: backend \"gcs\" keeps state in an existing Cloud Storage bucket",
            ],
        ),
        (
            "backend = \"cloud\"\norganization = \"o\"\nhostname = \"a..b\"\nproject = \"ab\"\n",
            &[
                "stacks/s.toml:59:1: state.hostname: \"a..b\" is not a host name (a DNS name such as tfe.example.com, with :PORT if need be; no https://, no path)",
                "stacks/s.toml:60:1: state.project: \"ab\" is not a project name (3 to 40 letters, digits, '_', '-' and spaces, no space first or last)",
            ],
        ),
        (
            "backend = \"cloud\"\norganization = \"example org\"\nhostname = \"https://tfe.example.com\"\nproject = \" \"\nworkspace_prefix = \"hello.prod-\"\n",
            &[
                "stacks/s.toml:58:1: state.organization: \"example org\" is not an organization name (letters, digits, '-', '_' and '.')",
                "stacks/s.toml:59:1: state.hostname: \"https://tfe.example.com\" is not a host name (a DNS name such as tfe.example.com, with :PORT if need be; no https://, no path)",
                "stacks/s.toml:60:1: state.project: \" \" is not a project name (3 to 40 letters, digits, '_', '-' and spaces, no space first or last)",
                "stacks/s.toml:61:1: state.workspace_prefix: \"hello.prod-\" cannot start a workspace name: at most 82 letters, digits, '-' and '_' (HCP Terraform workspace names are at most 90 characters, and the root's name follows)",
            ],
        ),
    ];
    for (keys, expected) in cases {
        let text = format!("{HELLO}[state]\n{keys}");
        let report = build(&text).unwrap_err();
        let problems: Vec<&String> = report.iter().filter(|l| l.starts_with("stacks/")).collect();
        assert_eq!(
            problems,
            expected.iter().collect::<Vec<_>>(),
            "{keys}\n{report:#?}"
        );
    }
    let long = format!(
        "{HELLO}[state]\nbackend = \"cloud\"\norganization = \"o\"\nworkspace_prefix = \"{}\"\n",
        "w".repeat(83)
    );
    assert!(
        build(&long)
            .unwrap_err()
            .iter()
            .any(|l| l.contains("state.workspace_prefix:"))
    );
    let fits = long.replace(&"w".repeat(83), &"w".repeat(82));
    assert!(build(&fits).is_ok());
}

/// A GCS state prefix is the start of object names: each root's state is
/// kept under PREFIX/ROOT/. One with an empty part (a stray `/`), a `.`
/// or `..` part, a line break or too long is refused at state.prefix.
#[test]
fn a_gcs_state_prefix_that_would_make_odd_object_names_is_refused() {
    // A TOML basic string: control characters escaped, as TOML requires.
    let with_prefix = |prefix: &str| {
        let quoted: String = prefix
            .chars()
            .map(|c| match c {
                '"' | '\\' => format!("\\{c}"),
                c if c.is_control() => format!("\\u{:04X}", u32::from(c)),
                c => c.to_string(),
            })
            .collect();
        format!("{HELLO}[state]\nbucket = \"b-tfstate\"\nprefix = \"{quoted}\"\n")
    };
    for good in ["tfsynth/hello", "a", "team.web/hello-prod", "ü/x"] {
        assert!(build(&with_prefix(good)).is_ok(), "{good}");
    }
    let long = "x".repeat(901);
    for (bad, why) in [
        ("", "is empty"),
        ("tfsynth/hello/", "has an empty part"),
        ("/tfsynth", "has an empty part"),
        ("a//b", "has an empty part"),
        ("a/../b", "has a part '.' or '..'"),
        (".", "has a part '.' or '..'"),
        ("a\nb", "has a control character or line break"),
        ("a\u{0}b", "has a control character or line break"),
        ("a\u{7f}b", "has a control character or line break"),
        ("a\u{85}b", "has a control character or line break"),
        ("a\u{2028}b", "has a control character or line break"),
        (" ", "has a part of only spaces"),
        ("a/ /b", "has a part of only spaces"),
        (long.as_str(), "is longer than 900 bytes"),
    ] {
        let lines = build(&with_prefix(bad)).unwrap_err();
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("stacks/s.toml:58:1: state.prefix: ")
                    && l.contains(why)
                    && l.ends_with("each root's state is kept under PREFIX/ROOT/")),
            "{bad:?}: {lines:?}"
        );
    }
}
