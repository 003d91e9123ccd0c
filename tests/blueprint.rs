//! The gke-web-service blueprint's settings: every rule reports the key
//! and line it is about, all at once.

mod common;

use tfsynth::settings::Sources;

const HELLO: &str = include_str!("../stacks/hello.toml");

fn load(text: &str) -> Result<Vec<tfsynth::stacks::RootModule>, String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let sources = Sources::read(dir.path(), "stacks", "s").map_err(|e| e.to_string())?;
    tfsynth::stacks::build(&sources).map_err(|e| e.to_string())
}

#[test]
fn the_committed_hello_settings_are_valid() {
    let roots = load(HELLO).unwrap();
    assert_eq!(
        roots.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["cluster", "workload"]
    );
}

#[test]
fn every_invalid_cluster_setting_is_reported_at_its_key() {
    let bad = HELLO
        .replace(
            "zones = [\"us-central1-a\", \"us-central1-b\", \"us-central1-f\"]",
            "zones = [\"us-central1-a\", \"europe-west4-b\", \"us-central1-a\"]",
        )
        .replace(
            "master_cidr = \"172.16.0.0/28\"",
            "master_cidr = \"172.16.0.0/24\"",
        )
        .replace(
            "name = \"hello\"\nrelease_channel",
            "name = \"a-cluster-name-that-is-too-long\"\nrelease_channel",
        )
        .replace("cidr = \"0.0.0.0/0\"", "cidr = \"0.0.0.0/33\"")
        .replace("disk_type = \"pd-standard\"", "disk_type = \"floppy\"")
        .replace("min_nodes_per_zone = 1", "min_nodes_per_zone = 4")
        .replace("port = 8080", "port = 80")
        + "\n[cluster.maintenance]\nstart = \"2025-01-04 03:00\"\nend = \"2025-01-04T07:00:00Z\"\nrecurrence = \"weekly\"\n\n[[node_pools]]\nname = \"default\"\nmachine_type = \"e2-small\"\nmin_nodes_per_zone = 1\nmax_nodes_per_zone = 2\ntotal_max_nodes = 3\n";
    let text = load(&bad).unwrap_err();
    for expected in [
        "zones[1]: \"europe-west4-b\" is not a zone of us-central1",
        "zones[2]: \"us-central1-a\" is listed twice",
        "network.master_cidr: 172.16.0.0/24 must be a /28",
        "node_pools[0].max_nodes_per_zone: 3 is below the minimum (4)",
        "node_pools[1].name: \"default\" is used by another pool",
        "node_pools[1]: set either min_nodes_per_zone and max_nodes_per_zone, or total_min_nodes and total_max_nodes",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    common::snapshots().bind(|| insta::assert_snapshot!("error__gke_settings", text));
}

#[test]
fn an_image_tag_that_names_no_version_is_rejected() {
    for tag in ["latest", "LATEST", ""] {
        let bad = HELLO.replace("image_tag = \"0.1.0\"", &format!("image_tag = {tag:?}"));
        let text = load(&bad).unwrap_err();
        assert!(
            text.contains(&format!("app.image_tag: {tag:?} names no version")),
            "{text}"
        );
    }
}

#[test]
fn names_tags_and_ports_that_break_a_rule_are_reported_with_the_rule() {
    let bad = HELLO
        .replace(
            "name = \"hello\"\nport = 8080",
            "name = \"Hello App\"\nport = 0",
        )
        .replace("name = \"default\"", "name = \"Default\"")
        .replace("image_tag = \"0.1.0\"", "image_tag = \"-0.1\"")
        + "\n[state]\nbucket = \"My_Bucket\"\n";
    let text = load(&bad).unwrap_err();
    for expected in [
        "app.name: \"Hello App\" is not an app name (lowercase letters, digits and hyphens, a letter first, no hyphen last)",
        "app.port: 0 is not a port the app can listen on (1024-65535)",
        "app.image_tag: \"-0.1\" is not a Docker tag (up to 128 letters",
        "node_pools[0].name: \"Default\" is not a node pool name (lowercase letters",
        "state.bucket: \"My_Bucket\" is not a Cloud Storage bucket name (3-63 lowercase letters",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn every_key_of_the_wrong_shape_is_reported_at_once() {
    let bad = HELLO
        .replace("project = \"tfsynth-hello\"", "project = 5\nzonez = []")
        .replace("port = 8080", "port = \"8080\"\nimage_tga = \"x\"")
        .replace(
            "release_channel = \"REGULAR\"",
            "release_channel = \"WEEKLY\"",
        )
        .replace("disk_size_gb = 30", "disk_size_gb = \"big\"");
    let text = load(&bad).unwrap_err();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "stacks/s.toml:5:1: project: invalid type: integer `5`, expected a string",
            "stacks/s.toml:6:1: zonez: unknown field `zonez`, expected one of `blueprint`, `description`, `project`, `region`, `zones`, `network`, `cluster`, `node_pools`, `app`, `monitoring`, `cloud_armor`, `state`, `accepted_risks`",
            "stacks/s.toml:19:1: cluster.release_channel: unknown variant `WEEKLY`, expected one of `RAPID`, `REGULAR`, `STABLE`",
            "stacks/s.toml:31:1: node_pools[0].disk_size_gb: invalid type: string \"big\", expected u32",
            "stacks/s.toml:38:1: app.port: invalid type: string \"8080\", expected u16",
            "stacks/s.toml:39:1: app.image_tga: unknown field `image_tga`, expected one of `name`, `port`, `image_tag`, `domain`, `replicas_per_zone`, `max_replicas`, `cpu_target`, `cpu_request`, `memory_request`, `cpu_limit`, `memory_limit`",
        ],
        "{text}"
    );
}

#[test]
fn monitoring_and_domain_settings_are_checked() {
    let bad = HELLO
        .replace(
            "emails = [\"oncall@example.com\"]",
            "emails = [\"oncall@example.com\", \"not an address\", \"oncall@example.com\"]",
        )
        .replace(
            "uptime_period = \"300s\"",
            "uptime_period = \"5m\"\nuptime_regions = [\"USA\", \"EUROPE\"]\nerror_ratio = 5.0",
        )
        .replace(
            "image_tag = \"0.1.0\"",
            "image_tag = \"0.1.0\"\ndomain = \"-bad-.example\"",
        );
    let text = load(&bad).unwrap_err();
    common::snapshots().bind(|| insta::assert_snapshot!("error__gke_monitoring_settings", text));
    let no_one = HELLO.replace("emails = [\"oncall@example.com\"]", "emails = []");
    assert!(
        load(&no_one)
            .unwrap_err()
            .contains("an alert nobody receives is no alert")
    );
}

#[test]
fn every_alert_policy_notifies_every_email_channel() {
    let roots = load(include_str!("../stacks/hello-prod.toml")).unwrap();
    let json = tfsynth::emit::to_json_value(&roots[0].stack.resolve().unwrap());
    let channels = json["resource"]["google_monitoring_notification_channel"]
        .as_object()
        .unwrap();
    assert_eq!(channels.len(), 2);
    for (name, policy) in json["resource"]["google_monitoring_alert_policy"]
        .as_object()
        .unwrap()
    {
        let notified = policy["notification_channels"].as_array().unwrap();
        assert_eq!(notified.len(), channels.len(), "{name}");
        for channel in channels.keys() {
            let reference = format!("${{google_monitoring_notification_channel.{channel}.name}}");
            assert!(
                notified.iter().any(|n| n == &reference),
                "{name} misses {channel}"
            );
        }
    }
    let check = &json["resource"]["google_monitoring_uptime_check_config"]["app"];
    assert_eq!(
        check["http_check"]["use_ssl"], true,
        "a domain is checked over HTTPS"
    );
    assert_eq!(
        check["monitored_resource"]["labels"]["host"],
        "hello.example.com"
    );
}

#[test]
fn deletion_protection_is_on_unless_settings_turn_it_off() {
    let protected = HELLO.replace("deletion_protection = false\n", "");
    let roots = load(&protected).unwrap();
    let json = tfsynth::emit::to_json_value(&roots[0].stack.resolve().unwrap());
    assert_eq!(
        json["resource"]["google_container_cluster"]["primary"]["deletion_protection"],
        true
    );
}

#[test]
fn every_stack_deploys_the_image_tag_that_is_the_apps_version() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest: toml::Table = std::fs::read_to_string(root.join("app/Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let version = manifest["package"]["version"].as_str().unwrap();
    let stacks = root.join("stacks");
    for name in tfsynth::synth::stack_names(&stacks).unwrap() {
        let settings: toml::Table = std::fs::read_to_string(stacks.join(format!("{name}.toml")))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            settings["app"]["image_tag"].as_str(),
            Some(version),
            "stacks/{name}.toml: app.image_tag must be app/Cargo.toml's version; bump both together"
        );
    }
}
