//! Issue 16, section 3: no settings change replaces a resource silently.
//! Each change a setting can make to the committed stacks is synthesized
//! before and after and compared as `tfsynth diff` compares them, with
//! what the providers' source says forces replacement: it is made in
//! place, or the diff says "replaces" for exactly the objects that are.

use serde_json::Value;
use tfsynth::diff::{Change, diff_with_replacements};
use tfsynth::settings::Sources;

const HELLO: &str = include_str!("../stacks/hello.toml");
const HELLO_PROD: &str = include_str!("../stacks/hello-prod.toml");

/// Each root's Terraform JSON, by root name.
fn roots(text: &str) -> Vec<(String, Value)> {
    roots_of("s", text)
}

/// Each root's Terraform JSON of the stack `name` (its name is in labels).
fn roots_of(name: &str, text: &str) -> Vec<(String, Value)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(format!("{name}.toml")), text).unwrap();
    let sources = Sources::read(dir.path(), "stacks", name).unwrap();
    tfsynth::stacks::build(&sources)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|r| {
            (
                r.name,
                tfsynth::emit::to_json_value(&r.stack.resolve().unwrap()),
            )
        })
        .collect()
}

/// What the change from `before` to `after` does besides updating in
/// place: `-/+ address (paths)`, `- address`, `! from -> to`.
fn not_in_place(before: &str, after: &str) -> Vec<String> {
    let rules = tfsynth::providers::requires_replace();
    let (old, new) = (roots(before), roots(after));
    assert_ne!(old, new, "the edit changed nothing");
    let mut out = Vec::new();
    for ((root, a), (_, b)) in old.iter().zip(&new) {
        for change in diff_with_replacements(a, b, &rules) {
            match change {
                Change::Replaced {
                    address, forced_by, ..
                } => out.push(format!("{root}: -/+ {address} ({})", forced_by.join(", "))),
                // A data source is read, never destroyed.
                Change::Removed(address) if address.starts_with("data.") => {}
                Change::Removed(address) => out.push(format!("{root}: - {address}")),
                Change::StateMoved { from, to, .. } => {
                    out.push(format!("{root}: ! state {from:?} -> {to:?}"));
                }
                Change::Renamed {
                    from,
                    to,
                    forced_by,
                    ..
                } => out.push(format!(
                    "{root}: ! {from} -> {to} ({})",
                    forced_by.join(", ")
                )),
                Change::Added(_) | Change::Changed(..) | Change::Moved { .. } => {}
            }
        }
    }
    out
}

fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} is not in the settings");
    text.replacen(from, to, 1)
}

/// The input: raising a pool's minimum changes its autoscaler
/// bounds in place; `initial_node_count`, which would replace the pool,
/// is ignored after creation.
#[test]
fn raising_a_node_pools_minimum_updates_it_in_place() {
    let after = edit(HELLO, "min_nodes_per_zone = 1", "min_nodes_per_zone = 2");
    assert_eq!(not_in_place(HELLO, &after), Vec::<String>::new());
}

/// The kind: every setting the committed stacks have, changed to another
/// valid value. Empty means in place; otherwise the replacements the diff
/// announces, each a consequence of what the setting means (another
/// control-plane range, another domain's certificate, spot capacity).
#[test]
fn each_settings_change_is_in_place_or_announced_as_a_replacement() {
    let cases: Vec<(&str, &str, &str, &[&str])> = vec![
        (
            "hello",
            "max_nodes_per_zone = 3",
            "max_nodes_per_zone = 4",
            &[],
        ),
        (
            "hello",
            "min_nodes_per_zone = 1\nmax_nodes_per_zone = 3",
            "total_min_nodes = 3\ntotal_max_nodes = 9",
            &[],
        ),
        (
            "hello",
            "machine_type = \"e2-medium\"",
            "machine_type = \"e2-standard-4\"",
            &[],
        ),
        ("hello", "disk_size_gb = 30", "disk_size_gb = 50", &[]),
        (
            "hello",
            "disk_type = \"pd-standard\"",
            "disk_type = \"pd-balanced\"",
            &[],
        ),
        (
            "hello",
            "release_channel = \"REGULAR\"",
            "release_channel = \"STABLE\"",
            &[],
        ),
        (
            "hello",
            "deletion_protection = false",
            "deletion_protection = true",
            &[],
        ),
        (
            "hello",
            "name = \"anywhere (sandbox)\"",
            "name = \"anywhere\"",
            &[],
        ),
        (
            "hello",
            "subnet_cidr = \"10.10.0.0/20\"",
            "subnet_cidr = \"10.10.0.0/19\"",
            &[],
        ),
        ("hello", "port = 8080", "port = 8081", &[]),
        (
            "hello",
            "image_tag = \"0.1.0\"",
            "image_tag = \"0.2.0\"",
            &[],
        ),
        (
            "hello",
            "emails = [\"oncall@example.com\"]",
            "emails = [\"oncall@example.com\", \"web@example.com\"]",
            &[],
        ),
        (
            "hello",
            "uptime_period = \"300s\"",
            "uptime_period = \"60s\"",
            &[],
        ),
        (
            "hello",
            "[[services]]\nname = \"hello\"\n",
            "[[services]]\nname = \"hello\"\nreplicas_per_zone = 2\ncpu_target = 60\nmemory_limit = \"512Mi\"\n",
            &[],
        ),
        // A second service beside the first, on its own path: the load
        // balancer gains a route, and nothing that exists is replaced.
        (
            "hello",
            "[monitoring]",
            "[[services]]\nname = \"api\"\nimage_tag = \"0.1.0\"\npath = \"/api\"\n\n[monitoring]",
            &[],
        ),
        (
            "hello-prod",
            "[monitoring]",
            "[[services]]\nname = \"api\"\nimage_tag = \"0.1.0\"\nhost = \"hello.example.com\"\npath = \"/api\"\n\n[monitoring]",
            &[],
        ),
        // A service on a host of its own: a new domain, with a certificate
        // of its own; the first domain's certificate stays.
        (
            "hello-prod",
            "domains = [\"hello.example.com\"]\n\n[[services]]",
            "domains = [\"hello.example.com\", \"api.example.com\"]\n\n[[services]]\nname = \"api\"\nimage_tag = \"0.1.0\"\nhost = \"api.example.com\"\n\n[[services]]",
            &[],
        ),
        (
            "hello-prod",
            "end = \"2025-01-04T07:00:00Z\"",
            "end = \"2025-01-04T08:00:00Z\"",
            &[],
        ),
        (
            "hello-prod",
            "cidr = \"203.0.113.0/24\"",
            "cidr = \"203.0.113.0/25\"",
            &[],
        ),
        (
            "hello-prod",
            "rate_limit_per_minute = 600",
            "rate_limit_per_minute = 1200",
            &[],
        ),
        (
            "hello-prod",
            "error_ratio = 0.02",
            "error_ratio = 0.05",
            &[],
        ),
        (
            "hello-prod",
            "labels = { \"tfsynth.dev/capacity\" = \"spot\" }",
            "labels = { \"tfsynth.dev/capacity\" = \"burst\" }",
            &[],
        ),
        (
            "hello",
            "zones = [\"us-central1-a\", \"us-central1-b\", \"us-central1-f\"]",
            "zones = [\"us-central1-a\", \"us-central1-b\", \"us-central1-c\"]",
            &[],
        ),
        (
            "hello",
            "pods_cidr = \"10.20.0.0/14\"",
            "pods_cidr = \"10.28.0.0/14\"",
            &[],
        ),
        // Free text: it is the network's description too, which would
        // replace the network; it is ignored after creation.
        (
            "hello",
            "description = \"hello: a small web service on GKE\"",
            "description = \"hello: the sandbox\"",
            &[],
        ),
        // What the setting means is a new object; the diff says so.
        (
            "hello",
            "master_cidr = \"172.16.0.0/28\"",
            "master_cidr = \"172.16.0.32/28\"",
            &[
                "cluster: -/+ google_container_cluster.primary (private_cluster_config.master_ipv4_cidr_block)",
                "cluster: -/+ google_container_node_pool.default (cluster (refers to google_container_cluster.primary), location (refers to google_container_cluster.primary))",
            ],
        ),
        (
            "hello-prod",
            "domains = [\"hello.example.com\"]",
            "domains = [\"www.example.com\"]",
            &[
                "cluster: -/+ google_compute_managed_ssl_certificate.lb (description, managed.domains[0])",
                "cluster: -/+ google_monitoring_uptime_check_config.hello (monitored_resource.labels.host)",
            ],
        ),
        (
            "hello-prod",
            "spot = true\n",
            "",
            &["cluster: -/+ google_container_node_pool.burst (node_config.spot)"],
        ),
        // A name is what Google Cloud and Kubernetes know an object by:
        // renaming replaces it, and the diff lists every object it takes.
        (
            "hello",
            "name = \"hello\"\nsubnet_cidr",
            "name = \"web\"\nsubnet_cidr",
            &[
                "cluster: -/+ google_compute_network.vpc (name)",
                "cluster: -/+ google_compute_router.vpc_nat (name)",
                "cluster: -/+ google_compute_router_nat.vpc_nat (name)",
                "cluster: -/+ google_compute_subnetwork.vpc_nodes (name)",
                "cluster: -/+ google_container_cluster.primary (network (refers to google_compute_network.vpc), subnetwork (refers to google_compute_subnetwork.vpc_nodes))",
                "cluster: -/+ google_container_node_pool.default (cluster (refers to google_container_cluster.primary), location (refers to google_container_cluster.primary))",
            ],
        ),
        (
            "hello",
            "name = \"hello\"\nrelease_channel",
            "name = \"web\"\nrelease_channel",
            &[
                "cluster: -/+ google_artifact_registry_repository_iam_member.images_reader (member (refers to google_service_account.nodes))",
                "cluster: -/+ google_container_cluster.primary (description, name)",
                "cluster: -/+ google_container_node_pool.default (cluster (refers to google_container_cluster.primary), location (refers to google_container_cluster.primary), node_config.service_account (refers to google_service_account.nodes))",
                "cluster: -/+ google_project_iam_member.nodes_default_role (member (refers to google_service_account.nodes))",
                "cluster: -/+ google_service_account.nodes (account_id)",
            ],
        ),
        // A pool's name is also its address, and forces a new pool: the
        // diff says a moved block would not keep it.
        (
            "hello",
            "name = \"default\"",
            "name = \"general\"",
            &[
                "cluster: ! google_container_node_pool.default -> google_container_node_pool.general (name)",
            ],
        ),
        // Renaming a service makes another one: every object of the old
        // one is destroyed, which the diff says (the Kubernetes names and
        // the service account id force replacement; the alerts are
        // objects under other addresses).
        (
            "hello",
            "name = \"hello\"\nport",
            "name = \"web\"\nport",
            &[
                "cluster: ! google_monitoring_alert_policy.hello_errors -> google_monitoring_alert_policy.web_errors ()",
                "cluster: ! google_monitoring_alert_policy.hello_uptime -> google_monitoring_alert_policy.web_uptime ()",
                "cluster: ! google_monitoring_uptime_check_config.hello -> google_monitoring_uptime_check_config.web ()",
                "cluster: ! google_service_account.hello -> google_service_account.web (account_id)",
                "cluster: - google_service_account_iam_member.hello_workload_identity",
                "cluster: - output.google_service_account_hello_email",
                "workload: ! kubernetes_deployment_v1.hello -> kubernetes_deployment_v1.web (metadata.name, spec.selector.match_labels[\"app.kubernetes.io/name\"])",
                "workload: ! kubernetes_horizontal_pod_autoscaler_v2.hello -> kubernetes_horizontal_pod_autoscaler_v2.web (metadata.name)",
                "workload: ! kubernetes_manifest.hello_backend_config -> kubernetes_manifest.web_backend_config ()",
                "workload: ! kubernetes_network_policy_v1.hello -> kubernetes_network_policy_v1.web (metadata.name)",
                "workload: ! kubernetes_pod_disruption_budget_v1.hello -> kubernetes_pod_disruption_budget_v1.web (metadata.name, spec.selector.match_labels[\"app.kubernetes.io/name\"])",
                "workload: ! kubernetes_service_account_v1.hello -> kubernetes_service_account_v1.web (metadata.name)",
                "workload: ! kubernetes_service_v1.hello -> kubernetes_service_v1.web (metadata.name)",
            ],
        ),
        // Renaming the app renames its namespace, repository and load
        // balancer: every object in the namespace goes with it.
        (
            "hello",
            "[app]\nname = \"hello\"",
            "[app]\nname = \"web\"",
            &[
                "cluster: -/+ google_artifact_registry_repository.images (repository_id)",
                "cluster: -/+ google_artifact_registry_repository_iam_member.images_reader (location (refers to google_artifact_registry_repository.images), repository (refers to google_artifact_registry_repository.images))",
                "cluster: -/+ google_compute_firewall.lb_health_checks (name)",
                "cluster: -/+ google_compute_global_address.lb (description, name)",
                "cluster: -/+ google_monitoring_uptime_check_config.hello (monitored_resource.labels.host (refers to google_compute_global_address.lb))",
                "cluster: -/+ google_service_account.hello (account_id)",
                "cluster: -/+ google_service_account_iam_member.hello_workload_identity (member)",
                "workload: -/+ kubernetes_deployment_v1.hello (metadata.namespace)",
                "workload: -/+ kubernetes_horizontal_pod_autoscaler_v2.hello (metadata.namespace)",
                "workload: ! kubernetes_ingress_v1.hello -> kubernetes_ingress_v1.web (metadata.name, metadata.namespace)",
                "workload: - kubernetes_namespace_v1.hello",
                "workload: -/+ kubernetes_network_policy_v1.hello (metadata.namespace)",
                "workload: -/+ kubernetes_pod_disruption_budget_v1.hello (metadata.namespace)",
                "workload: -/+ kubernetes_service_account_v1.hello (metadata.namespace)",
                "workload: -/+ kubernetes_service_v1.hello (metadata.namespace)",
            ],
        ),
    ];
    let mut failures = Vec::new();
    for (stack, from, to, expected) in cases {
        let base = if stack == "hello" { HELLO } else { HELLO_PROD };
        let got = not_in_place(base, &edit(base, from, to));
        if got != expected {
            failures.push(format!("{stack}: {from:?} -> {to:?}: {got:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Issue 16, section 2: moving `hello` and `hello-prod` to `[[services]]`
/// destroys and replaces nothing. The output before the move (as
/// committed at 77ce998) is compared with what the stacks build now,
/// with the new output's moved blocks honoured, as `tfsynth diff` does.
#[test]
fn moving_the_committed_stacks_to_services_destroys_and_replaces_nothing() {
    let rules = tfsynth::providers::requires_replace();
    let before =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/before-services");
    for (stack, settings) in [("hello", HELLO), ("hello-prod", HELLO_PROD)] {
        let mut moves = 0;
        for (root, new) in roots_of(stack, settings) {
            let old: Value = serde_json::from_str(
                &std::fs::read_to_string(before.join(stack).join(&root).join("main.tf.json"))
                    .unwrap(),
            )
            .unwrap();
            for change in diff_with_replacements(&old, &new, &rules) {
                match change {
                    Change::Moved { .. } => moves += 1,
                    Change::Removed(address) => assert!(
                        address.starts_with("output.") || address.starts_with("data."),
                        "{stack}/{root}: {address} is destroyed"
                    ),
                    Change::Replaced {
                        address, forced_by, ..
                    } => {
                        panic!("{stack}/{root}: {address} is replaced: {forced_by:?}")
                    }
                    Change::Renamed { from, to, .. } => {
                        panic!("{stack}/{root}: {from} -> {to} without a moved block")
                    }
                    Change::StateMoved { from, to, .. } => {
                        panic!("{stack}/{root}: its state moves from {from:?} to {to:?}")
                    }
                    Change::Added(_) | Change::Changed(..) => {}
                }
            }
        }
        assert!(moves >= 15, "{stack}: only {moves} moves");
    }
}
