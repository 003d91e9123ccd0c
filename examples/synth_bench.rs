//! Synth + validation of a stack of N web services, each a Deployment,
//! Service, Ingress, HPA, PodDisruptionBudget, uptime check and alert
//! policy (7 resources), for N = 1 to 10,000.
//!
//! `cargo run --release --example synth_bench` runs each N in a child
//! process (so peak memory is per N) and prints a table: the median wall
//! time of building the stack, checking and resolving it, loading the
//! provider schemas, and writing JSON while validating against them (on two
//! threads, through `synth::render`, as `synth` does);
//! the process's peak resident memory; and the JSON's size.
//!
//! `--phases N` prints each phase's fastest of seven runs at one N, for
//! profiling; with `PHASES_TRACE=1` it also prints every run's figures, to
//! show how much this machine's timings wander. `--once N` runs one synth
//! and nothing else, for callgrind, whose instruction counts repeat where
//! wall times do not.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use tfsynth::emit::to_json;
use tfsynth::providers::hand_google::{
    Aggregation, AlertCondition, ConditionThreshold, HttpCheck, MonitoredResource,
    MonitoringAlertPolicy, MonitoringUptimeCheckConfig,
};
use tfsynth::providers::hand_kubernetes::{
    Container, ContainerPort, DeploymentSpec, DeploymentV1, HorizontalPodAutoscalerV2, HpaSpec,
    HttpGet, IngressBackend, IngressServiceBackend, IngressSpec, IngressV1, LabelSelector,
    MetricSpec, MetricTarget, ObjectMeta, PodDisruptionBudgetSpec, PodDisruptionBudgetV1, PodSpec,
    PodTemplate, Probe, ResourceMetric, ResourceRequirements, ScaleTargetRef, ServicePort,
    ServicePortRef, ServiceSpec, ServiceV1,
};
use tfsynth::schema::{Schemas, validate_resolved};
use tfsynth::synth::{Format, render};
use tfsynth::tf::{Stack, Template, Value};

fn meta(name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        namespace: Some("apps".into()),
        labels: BTreeMap::from([("app.kubernetes.io/name".to_owned(), name.to_owned())]),
        annotations: BTreeMap::new(),
    }
}

fn web_services(n: usize) -> Stack {
    let mut s = Stack::new();
    for i in 0..n {
        let name = format!("svc-{i}");
        let selector = LabelSelector {
            match_labels: BTreeMap::from([("app.kubernetes.io/name".to_owned(), name.clone())]),
        };
        let probe = Probe {
            http_get: HttpGet {
                path: "/healthz".into(),
                port: "http".into(),
            },
            initial_delay_seconds: 2,
            period_seconds: 5,
            timeout_seconds: 2,
            failure_threshold: 3,
        };
        let deployment = s.add(
            format!("d{i}"),
            DeploymentV1 {
                metadata: meta(&name),
                spec: DeploymentSpec {
                    replicas: Some("3".into()),
                    revision_history_limit: Some(5),
                    progress_deadline_seconds: None,
                    selector: selector.clone(),
                    strategy: None,
                    template: PodTemplate {
                        metadata: meta(&name),
                        spec: PodSpec {
                            service_account_name: None,
                            automount_service_account_token: Some(false),
                            enable_service_links: None,
                            termination_grace_period_seconds: None,
                            node_selector: BTreeMap::new(),
                            security_context: None,
                            container: vec![Container {
                                name: name.clone(),
                                image: Value::Lit(format!("registry.example/{name}:1.0.{i}")),
                                image_pull_policy: None,
                                port: vec![ContainerPort {
                                    name: "http".into(),
                                    container_port: 8080,
                                    protocol: "TCP".into(),
                                }],
                                env: Vec::new(),
                                resources: Some(ResourceRequirements {
                                    requests: BTreeMap::from([("cpu".into(), "100m".into())]),
                                    limits: BTreeMap::from([("memory".into(), "128Mi".into())]),
                                }),
                                readiness_probe: Some(probe.clone()),
                                liveness_probe: Some(probe),
                                security_context: None,
                            }],
                            topology_spread_constraint: Vec::new(),
                        },
                    },
                },
                wait_for_rollout: None,
            },
        );
        let service = s.add(
            format!("s{i}"),
            ServiceV1 {
                metadata: meta(&name),
                spec: ServiceSpec {
                    kind: "ClusterIP".into(),
                    selector: selector.match_labels.clone(),
                    port: vec![ServicePort {
                        name: "http".into(),
                        port: 80,
                        target_port: "http".into(),
                        protocol: "TCP".into(),
                    }],
                },
            },
        );
        s.add(
            format!("i{i}"),
            IngressV1 {
                metadata: meta(&name),
                spec: IngressSpec {
                    ingress_class_name: None,
                    default_backend: IngressBackend {
                        service: IngressServiceBackend {
                            name: service.name().into(),
                            port: ServicePortRef { number: 80 },
                        },
                    },
                },
                wait_for_load_balancer: None,
            },
        );
        s.add(
            format!("h{i}"),
            HorizontalPodAutoscalerV2 {
                metadata: meta(&name),
                spec: HpaSpec {
                    min_replicas: 3,
                    max_replicas: 9,
                    scale_target_ref: ScaleTargetRef {
                        api_version: "apps/v1".into(),
                        kind: "Deployment".into(),
                        name: deployment.name().into(),
                    },
                    metric: vec![MetricSpec {
                        kind: "Resource".into(),
                        resource: ResourceMetric {
                            name: "cpu".into(),
                            target: MetricTarget {
                                kind: "Utilization".into(),
                                average_utilization: 70,
                            },
                        },
                    }],
                },
            },
        );
        s.add(
            format!("p{i}"),
            PodDisruptionBudgetV1 {
                metadata: meta(&name),
                spec: PodDisruptionBudgetSpec {
                    max_unavailable: "1".into(),
                    selector,
                },
            },
        );
        let check = s.add(
            format!("u{i}"),
            MonitoringUptimeCheckConfig {
                display_name: format!("{name} /healthz").into(),
                timeout: "10s".into(),
                period: Some("300s".into()),
                project: None,
                selected_regions: Vec::new(),
                checker_type: None,
                log_check_failures: None,
                user_labels: BTreeMap::new(),
                http_check: Some(HttpCheck {
                    path: "/healthz".into(),
                    port: 443,
                    use_ssl: true,
                    validate_ssl: true,
                    request_method: None,
                }),
                monitored_resource: Some(MonitoredResource {
                    kind: "uptime_url".into(),
                    labels: BTreeMap::from([(
                        "host".to_owned(),
                        Value::Lit(format!("{name}.example.com")),
                    )]),
                }),
                content_matchers: Vec::new(),
            },
        );
        s.add(
            format!("a{i}"),
            MonitoringAlertPolicy {
                display_name: format!("{name} is down").into(),
                combiner: "OR".into(),
                project: None,
                enabled: None,
                severity: None,
                notification_channels: Vec::new(),
                user_labels: BTreeMap::new(),
                documentation: None,
                alert_strategy: None,
                conditions: vec![AlertCondition {
                    display_name: "uptime".into(),
                    condition_threshold: ConditionThreshold {
                        filter: Template::new()
                            .lit("metric.type=\"monitoring.googleapis.com/uptime_check/check_passed\" AND metric.label.\"check_id\"=\"")
                            .interp(check.uptime_check_id())
                            .lit("\"")
                            .build()
                            .into(),
                        denominator_filter: None,
                        comparison: "COMPARISON_GT".into(),
                        threshold_value: 1.0,
                        duration: "60s".into(),
                        aggregations: vec![Aggregation {
                            alignment_period: "1200s".into(),
                            per_series_aligner: "ALIGN_NEXT_OLDER".into(),
                            cross_series_reducer: Some("REDUCE_COUNT_FALSE".into()),
                            group_by_fields: vec!["resource.label.*".into()],
                        }],
                        denominator_aggregations: Vec::new(),
                        trigger: None,
                    },
                }],
            },
        );
    }
    s
}

/// One full synth: build, check, emit JSON, load schemas, validate.
fn synth_once(n: usize, schemas_dir: &Path) -> (Duration, usize, usize) {
    let start = Instant::now();
    let stack = web_services(n);
    let doc = stack.into_document().expect("the benchmark stack is valid");
    let schemas = Schemas::load_dir(schemas_dir, "schemas").expect("schemas load");
    let rendered = render(
        &doc,
        Format::Json,
        "generated by tfsynth from bench, do not edit",
        Some(&schemas),
    );
    let report = rendered.report.expect("validated");
    assert!(report.is_clean(), "{:?}", report.findings.first());
    let bytes = rendered.json.expect("JSON written").len();
    (start.elapsed(), doc.resources.len(), bytes)
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let schemas_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, n] = args.as_slice() {
        if flag == "--phases" {
            // Each phase's fastest of 7 runs: where the time goes.
            let n: usize = n.parse().expect("N");
            let mut best = [Duration::MAX; 8];
            let mut clock = |i: usize, t: Instant| {
                if std::env::var_os("PHASES_TRACE").is_some() {
                    eprint!("{i}:{:.1} ", t.elapsed().as_secs_f64() * 1e3);
                }
                best[i] = best[i].min(t.elapsed())
            };
            for _ in 0..7 {
                let t = Instant::now();
                let stack = web_services(n);
                clock(0, t);
                let t = Instant::now();
                let doc = stack.into_document().expect("valid");
                clock(1, t);
                let t = Instant::now();
                let json = to_json(&doc, "h");
                clock(2, t);
                let t = Instant::now();
                let schemas = Schemas::load_dir(&schemas_dir, "schemas").expect("schemas load");
                clock(3, t);
                let t = Instant::now();
                let report = validate_resolved(&doc, &schemas);
                clock(4, t);
                assert!(report.is_clean());
                let t = Instant::now();
                validate_resolved(&doc, &schemas);
                clock(6, t);
                let t = Instant::now();
                let rendered = render(&doc, Format::Json, "h", Some(&schemas));
                clock(7, t);
                assert!(rendered.report.is_some_and(|r| r.is_clean()));
                let t = Instant::now();
                drop((doc, json, schemas));
                clock(5, t);
            }
            let names = [
                "build",
                "resolve",
                "to_json",
                "load schemas",
                "validate",
                "drop",
                "validate again",
                "render: JSON and validate, as synth does",
            ];
            for (name, d) in names.iter().zip(best) {
                println!("{:7.2} ms  {name}", d.as_secs_f64() * 1e3);
            }
            return;
        }
        if flag == "--once" {
            // One synth and nothing else, for profilers: instruction counts
            // under `valgrind --tool=callgrind --toggle-collect='*synth_once*'`
            // repeat where this VM's wall times wander.
            let n: usize = n.parse().expect("N");
            let (t, resources, bytes) = synth_once(n, &schemas_dir);
            println!("{n}\t{resources}\t{:.2}\t{bytes}", t.as_secs_f64() * 1e3);
            return;
        }
        if flag == "--one" {
            let n: usize = n.parse().expect("N");
            let runs = if n >= 10_000 {
                3
            } else if n >= 1_000 {
                5
            } else {
                15
            };
            let mut times = Vec::new();
            let mut shape = (0, 0);
            for _ in 0..runs {
                let (t, resources, bytes) = synth_once(n, &schemas_dir);
                times.push(t);
                shape = (resources, bytes);
            }
            times.sort();
            let median = times[times.len() / 2];
            println!(
                "{n}\t{}\t{:.2}\t{:.1}\t{:.1}",
                shape.0,
                median.as_secs_f64() * 1e3,
                peak_rss_kib() as f64 / 1024.0,
                shape.1 as f64 / 1024.0
            );
            return;
        }
    }
    println!("| N services | resources | synth + validate (median) | peak memory | JSON |");
    println!("|---:|---:|---:|---:|---:|");
    let me = std::env::current_exe().expect("own path");
    for n in [1, 10, 100, 1_000, 10_000] {
        let out = Command::new(&me)
            .args(["--one", &n.to_string()])
            .output()
            .expect("child runs");
        let line = String::from_utf8_lossy(&out.stdout);
        let f: Vec<&str> = line.trim().split('\t').collect();
        if f.len() == 5 {
            println!(
                "| {} | {} | {} ms | {} MiB | {} KiB |",
                f[0], f[1], f[2], f[3], f[4]
            );
        } else {
            println!(
                "| {n} | failed: {} |",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
    }
}
