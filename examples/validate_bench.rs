//! Measures what schema validation costs: loading the pinned provider
//! schemas (through their indexes, and reading each file whole), and
//! validating a generated stack of about 10,000 resources.
//!
//! Run with `cargo run --release --example validate_bench`; it prints a
//! table of medians over repeated runs. Figures, not assertions: the goals
//! (load ≤ 20 ms, validation ≤ 50 ms on 2 cores) are read off the table.

use std::path::Path;
use std::time::{Duration, Instant};

use tfsynth::emit::to_json_value;
use tfsynth::providers::google::google_compute_subnetwork::{LogConfig, SecondaryIpRange};
use tfsynth::providers::google::{
    GoogleComputeNetwork, GoogleComputeNetworkRef, GoogleComputeSubnetwork, GoogleProjectService,
};
use tfsynth::schema::{Schemas, validate_document};
use tfsynth::tf::{Meta, Number, Stack};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                let out = f();
                let d = t.elapsed();
                drop(out);
                d
            })
            .collect(),
    )
}

/// `n` APIs, networks and subnetworks (`3 n` resources) with references and
/// `depends_on` between them, shaped like the blueprint's.
fn big_stack(n: usize) -> Stack {
    let mut s = Stack::new();
    for i in 0..n {
        let api = s.add(
            format!("api_{i}"),
            GoogleProjectService {
                disable_on_destroy: Some(false.into()),
                ..GoogleProjectService::new(format!("api{i}.googleapis.com"))
            },
        );
        let net = s.add_with(
            format!("net_{i}"),
            GoogleComputeNetwork {
                description: Some(format!("network number {i}").into()),
                auto_create_subnetworks: Some(false.into()),
                routing_mode: Some("REGIONAL".into()),
                ..GoogleComputeNetwork::new(format!("net-{i}"))
            },
            Meta {
                depends_on: vec![api.dep()],
                ..Meta::default()
            },
        );
        s.add(
            format!("subnet_{i}"),
            GoogleComputeSubnetwork {
                ip_cidr_range: Some("10.0.0.0/20".into()),
                region: Some("europe-west4".into()),
                private_ip_google_access: Some(true.into()),
                secondary_ip_range: vec![SecondaryIpRange {
                    ip_cidr_range: Some("10.4.0.0/14".into()),
                    ..SecondaryIpRange::new("pods")
                }],
                log_config: Some(LogConfig {
                    aggregation_interval: Some("INTERVAL_5_SEC".into()),
                    flow_sampling: Some(Number::from_f64(0.5).expect("0.5 is finite").into()),
                    metadata: Some("INCLUDE_ALL_METADATA".into()),
                    ..LogConfig::default()
                }),
                ..GoogleComputeSubnetwork::new(format!("subnet-{i}"), net.self_link())
            },
        );
    }
    s
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let bytes: u64 = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
        .sum();
    let runs = 15;

    let load = time(runs, || Schemas::load_dir(&dir, "schemas").unwrap());
    // What loading costs without the indexes: read and scan each file whole.
    let whole = time(runs, || {
        let mut s = Schemas::empty();
        for name in ["google.json", "kubernetes.json"] {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            s.add_text(&format!("schemas/{name}"), text).unwrap();
        }
        s
    });
    let schemas = Schemas::load_dir(&dir, "schemas").unwrap();

    let stack = big_stack(3334);
    let doc = stack.resolve().expect("the generated stack is valid");
    let resources = doc.resources.len();
    let value = to_json_value(&doc);

    // The first validation also parses the schemas of the types used.
    let fresh = time(runs, || {
        let s = Schemas::load_dir(&dir, "schemas").unwrap();
        validate_document(&value, &s)
    });
    let warm = time(runs, || validate_document(&value, &schemas));
    let report = validate_document(&value, &schemas);
    assert!(report.is_clean(), "{:?}", report.findings.first());
    let convert = time(runs, || to_json_value(&doc));

    println!(
        "schemas/: {} providers, {:.1} MiB on disk; stack: {resources} resources",
        schemas.providers().count(),
        bytes as f64 / 1048576.0
    );
    println!();
    println!("| step | median of {runs} runs |");
    println!("|---|---|");
    println!(
        "| load `schemas/` through its indexes (`*.json.idx`) | {} |",
        ms(load)
    );
    println!(
        "| load `schemas/` reading and scanning each file whole | {} |",
        ms(whole)
    );
    println!(
        "| document → JSON value ({resources} resources) | {} |",
        ms(convert)
    );
    println!(
        "| validate {resources} resources (schemas already parsed) | {} |",
        ms(warm)
    );
    println!(
        "| load + first validation (parses the 3 types used) | {} |",
        ms(fresh)
    );
}
