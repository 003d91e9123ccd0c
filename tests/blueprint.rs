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
        ["cluster"]
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
fn deletion_protection_is_on_unless_settings_turn_it_off() {
    let protected = HELLO.replace("deletion_protection = false\n", "");
    let roots = load(&protected).unwrap();
    let json = tfsynth::emit::to_json_value(&roots[0].stack.resolve().unwrap());
    assert_eq!(
        json["resource"]["google_container_cluster"]["primary"]["deletion_protection"],
        true
    );
}
