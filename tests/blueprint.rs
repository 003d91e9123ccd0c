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
            text.contains(&format!("services[0].image_tag: {tag:?} names no version")),
            "{text}"
        );
    }
}

#[test]
fn names_tags_and_ports_that_break_a_rule_are_reported_with_the_rule() {
    let bad = HELLO
        .replace("[app]\nname = \"hello\"", "[app]\nname = \"Hello App\"")
        .replace(
            "name = \"hello\"\nport = 8080",
            "name = \"Hello\"\nport = 0",
        )
        .replace("name = \"default\"", "name = \"Default\"")
        .replace("image_tag = \"0.1.0\"", "image_tag = \"-0.1\"")
        + "\n[state]\nbucket = \"My_Bucket\"\n";
    let text = load(&bad).unwrap_err();
    for expected in [
        "app.name: \"Hello App\" is not an app name (lowercase letters, digits and hyphens, a letter first, no hyphen last)",
        "services[0].name: \"Hello\" is not a service name (lowercase letters",
        "services[0].port: 0 is not a port the service can listen on (1024-65535)",
        "services[0].image_tag: \"-0.1\" is not a Docker tag (up to 128 letters",
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
            "stacks/s.toml:6:1: zonez: unknown field `zonez`, expected one of `blueprint`, `description`, `project`, `region`, `zones`, `network`, `cluster`, `node_pools`, `app`, `services`, `monitoring`, `cloud_armor`, `state`, `atlantis`, `accepted_risks`",
            "stacks/s.toml:19:1: cluster.release_channel: unknown variant `WEEKLY`, expected one of `RAPID`, `REGULAR`, `STABLE`",
            "stacks/s.toml:31:1: node_pools[0].disk_size_gb: invalid type: string \"big\", expected u32",
            "stacks/s.toml:43:1: services[0].port: invalid type: string \"8080\", expected u16",
            "stacks/s.toml:44:1: services[0].image_tga: unknown field `image_tga`, expected one of `name`, `port`, `image_tag`, `dockerfile`, `host`, `path`, `health_path`, `uptime_path`, `replicas_per_zone`, `max_replicas`, `cpu_target`, `cpu_request`, `memory_request`, `cpu_limit`, `memory_limit`",
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
            "[app]\nname = \"hello\"\n",
            "[app]\nname = \"hello\"\ndomains = [\"-bad-.example\"]\n",
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
    let check = &json["resource"]["google_monitoring_uptime_check_config"]["hello"];
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
        // A service built from the app in app/ (the default Dockerfile)
        // deploys its version; services built elsewhere have their own.
        for service in settings["services"].as_array().unwrap() {
            let dockerfile = service
                .get("dockerfile")
                .and_then(|d| d.as_str())
                .unwrap_or("app/Dockerfile");
            if dockerfile == "app/Dockerfile" {
                assert_eq!(
                    service["image_tag"].as_str(),
                    Some(version),
                    "stacks/{name}.toml: the image_tag of a service built from app/ must be \
                     app/Cargo.toml's version; bump both together"
                );
            }
        }
    }
}

#[test]
fn settings_of_the_single_service_layout_say_where_they_moved() {
    // The layout before [[services]]: the service's settings in [app].
    let old = HELLO
        .replace(
            "[app]\nname = \"hello\"\n",
            "[app]\nname = \"hello\"\nport = 8080\nimage_tag = \"0.1.0\"\ndomain = \"hello.example.com\"\nreplicas = 2\n",
        );
    let text = load(&old).unwrap_err();
    for expected in [
        ":37:1: app.port: port is now a setting of each service: move it to a [[services]] entry (name = the app's name keeps every object as it is)",
        ":38:1: app.image_tag: image_tag is now a setting of each service",
        ":39:1: app.domain: domain is now app.domains, a list: domains = [\"...\"]",
        ":40:1: app.replicas: replicas is not a setting of [app] (it takes name and domains; services are [[services]])",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    let none = HELLO.split("[[services]]").next().unwrap().to_owned()
        + "[monitoring]\nemails = [\"oncall@example.com\"]\n";
    assert!(
        load(&none)
            .unwrap_err()
            .contains("services: missing; add at least one [[services]] table"),
    );
    let empty = none.replace("[network]", "services = []\n\n[network]");
    assert!(
        load(&empty)
            .unwrap_err()
            .contains("services: name at least one service"),
    );
}

#[test]
fn service_routes_and_names_that_cannot_work_are_refused_at_their_keys() {
    let two = |extra: &str| {
        HELLO.replace(
            "[monitoring]",
            &format!("[[services]]\nname = \"api\"\nimage_tag = \"2.0.0\"\n{extra}\n[monitoring]"),
        )
    };
    let cases = [
        (
            two("path = \"/\""),
            "services[1].path: / on any host is already the route of service \"hello\"",
        ),
        (
            HELLO.replace(
                "[app]\nname = \"hello\"",
                "[app]\nname = \"hello\"\ndomains = [\"Hello.example.com\"]",
            ),
            "app.domains[0]: \"Hello.example.com\" has capitals; write \"hello.example.com\"",
        ),
        (
            HELLO
                .replace(
                    "[app]\nname = \"hello\"",
                    "[app]\nname = \"hello\"\ndomains = [\"api.example.com\"]",
                )
                .replace(
                    "[monitoring]",
                    "[[services]]\nname = \"api\"\nimage_tag = \"2.0.0\"\npath = \"/api\"\nhost = \"API.example.com\"\n\n[monitoring]",
                ),
            "services[1].host: \"API.example.com\" has capitals; write \"api.example.com\"",
        ),
        (
            two("path = \"/api\"").replace("name = \"api\"", "name = \"app\""),
            "services[1].name: \"app\" is the Terraform name of the objects of a stack from before [[services]]",
        ),
        (
            two("path = \"/api\"\ndockerfile = \"../api/Dockerfile\""),
            "services[1].dockerfile: \"../api/Dockerfile\" is outside the project",
        ),
        (
            two("path = \"/api\"\ndockerfile = \"/etc/Dockerfile\""),
            "services[1].dockerfile: \"/etc/Dockerfile\" is outside the project",
        ),
        (
            two("path = \"/a b\""),
            "services[1].path: \"/a b\" is not a path prefix",
        ),
        (
            two("path = \"/api/\""),
            "services[1].path: \"/api/\" is not a path prefix like / or /api",
        ),
        (
            two("path = \"/api/*\""),
            "services[1].path: \"/api/*\" is not a path prefix",
        ),
        (
            two("path = \"api\""),
            "services[1].path: \"api\" is not a path prefix",
        ),
        (
            two("path = \"/api\"\nhost = \"api.example.com\""),
            "services[1].host: \"api.example.com\" is not one of app.domains, which lists none",
        ),
        (
            HELLO.replace(
                "[[services]]\nname = \"hello\"",
                "[[services]]\nname = \"nodes\"",
            ),
            "services[0].name: \"nodes\" is the name of the blueprint's node identity",
        ),
        (
            two("path = \"/api\"").replace("name = \"api\"", "name = \"hello\""),
            "services[1].name: \"hello\" names two services",
        ),
        (
            two("path = \"/api\"").replace(
                "name = \"api\"",
                "name = \"a-service-name-long-enough-to-break-the-id\"",
            ),
            "services[1].name: \"a-service-name-long-enough-to-break-the-id\" makes the service's Google service account id",
        ),
        (
            two("path = \"/api\"\nhealth_path = \"healthz\""),
            "services[1].health_path: \"healthz\" is not a URL path",
        ),
        (
            two("path = \"/api\"\ndockerfile = \"\""),
            "services[1].dockerfile: name a Dockerfile",
        ),
        (
            HELLO.replace(
                "[app]\nname = \"hello\"",
                "[app]\nname = \"hello\"\ndomains = [\"a.example.com\", \"a.example.com\"]",
            ),
            "app.domains[1]: \"a.example.com\" is listed twice",
        ),
    ];
    for (settings, expected) in cases {
        let text = load(&settings).unwrap_err();
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    // Two services on their own paths are fine, and both are built.
    let roots = load(&two("path = \"/api\"")).unwrap();
    let json = tfsynth::emit::to_json_value(&roots[1].stack.resolve().unwrap());
    assert!(json["resource"]["kubernetes_deployment_v1"]["api"].is_object());
}

#[test]
fn pods_run_each_service_s_image_by_the_digest_its_reviewed_tag_names() {
    let roots = load(include_str!("../stacks/shop.toml")).unwrap();
    let json = tfsynth::emit::to_json_value(&roots[1].stack.resolve().unwrap());
    for (service, tag) in [("web", "1.4.0"), ("api", "2.0.1")] {
        let image = &json["data"]["google_artifact_registry_docker_image"][service];
        assert_eq!(image["image_name"], format!("{service}:{tag}"));
        assert_eq!(
            image["repository_id"],
            "${data.terraform_remote_state.cluster.outputs.google_artifact_registry_repository_images_repository_id}"
        );
        let container = &json["resource"]["kubernetes_deployment_v1"][service]["spec"]["template"]
            ["spec"]["container"];
        assert_eq!(
            container["image"],
            format!("${{data.google_artifact_registry_docker_image.{service}.self_link}}"),
            "the registry's URI with the digest, not the tag"
        );
        assert_eq!(
            json["resource"]["kubernetes_deployment_v1"][service]["metadata"]["labels"]["app.kubernetes.io/version"],
            tag
        );
    }
}

#[test]
fn each_domain_has_a_certificate_of_its_own_and_the_ingress_presents_all() {
    let text = include_str!("../stacks/hello-prod.toml")
        .replace(
            "domains = [\"hello.example.com\"]",
            "domains = [\"hello.example.com\", \"api.example.com\"]",
        )
        .replace(
            "[monitoring]",
            "[[services]]\nname = \"api\"\nimage_tag = \"0.1.0\"\nhost = \"api.example.com\"\n\n[monitoring]",
        );
    let roots = load(&text).unwrap();
    let cluster = tfsynth::emit::to_json_value(&roots[0].stack.resolve().unwrap());
    let certs = &cluster["resource"]["google_compute_managed_ssl_certificate"];
    assert_eq!(certs["lb"]["name"], "hello-cert");
    assert_eq!(
        certs["lb"]["managed"]["domains"],
        serde_json::json!(["hello.example.com"])
    );
    assert_eq!(
        certs["lb_api_example_com"]["name"],
        "hello-cert-api-example-com"
    );
    assert_eq!(
        certs["lb_api_example_com"]["managed"]["domains"],
        serde_json::json!(["api.example.com"])
    );
    let workload = tfsynth::emit::to_json_value(&roots[1].stack.resolve().unwrap());
    let ingress = &workload["resource"]["kubernetes_ingress_v1"]["hello"];
    let annotation =
        ingress["metadata"]["annotations"]["ingress.gcp.kubernetes.io/pre-shared-cert"]
            .as_str()
            .unwrap();
    assert_eq!(annotation.matches(',').count(), 1, "{annotation}");
    assert!(
        annotation.contains("google_compute_managed_ssl_certificate_lb_api_example_com_name"),
        "{annotation}"
    );
    assert_eq!(ingress["spec"]["rule"]["host"], "api.example.com");
    // A domain too long for its certificate's name is refused at it.
    let long = format!("{}.example.com", "a".repeat(50));
    let too_long = text.replace("\"api.example.com\"", &format!("{long:?}"));
    let report = load(&too_long).unwrap_err();
    assert!(
        report.contains(&format!(
            "app.domains[1]: {long:?} makes its managed certificate \"hello-cert-"
        )),
        "{report}"
    );
}
