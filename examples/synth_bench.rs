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
use tfsynth::providers::google::google_monitoring_alert_policy::{
    self as alert_policy, GoogleMonitoringAlertPolicy,
};
use tfsynth::providers::google::google_monitoring_uptime_check_config::{
    self as uptime_check, GoogleMonitoringUptimeCheckConfig, GoogleMonitoringUptimeCheckConfigRef,
};
use tfsynth::providers::kubernetes::kubernetes_deployment_v1::{
    self as deployment, KubernetesDeploymentV1, KubernetesDeploymentV1Ref, MetadataRef as _,
};
use tfsynth::providers::kubernetes::kubernetes_horizontal_pod_autoscaler_v2::{
    self as hpa, KubernetesHorizontalPodAutoscalerV2,
};
use tfsynth::providers::kubernetes::kubernetes_ingress_v1::{self as ingress, KubernetesIngressV1};
use tfsynth::providers::kubernetes::kubernetes_pod_disruption_budget_v1::{
    self as pdb, KubernetesPodDisruptionBudgetV1,
};
use tfsynth::providers::kubernetes::kubernetes_service_v1::{
    self as service, KubernetesServiceV1, KubernetesServiceV1Ref, MetadataRef as _,
};
use tfsynth::schema::{Schemas, validate_resolved};
use tfsynth::synth::{Format, render};
use tfsynth::tf::{Number, Stack, Template, Value};

/// Labels of the service `name`, for its metadata and selectors.
fn labels(name: &str) -> Value<BTreeMap<String, Value<String>>> {
    BTreeMap::from([("app.kubernetes.io/name".to_owned(), name.to_owned())]).into()
}

/// The metadata block `$module::$metadata`: each generated resource type
/// has its own struct, with the same fields.
macro_rules! meta {
    ($module:ident :: $metadata:ident, $name:expr) => {
        $module::$metadata {
            name: Some($name.into()),
            namespace: Some("apps".into()),
            labels: Some(labels($name)),
            ..Default::default()
        }
    };
}

/// The readiness or liveness probe (separate generated types, with the
/// same fields), alike in every service.
macro_rules! probe {
    ($probe:ident, $http_get:ident) => {
        deployment::$probe {
            http_get: Some(deployment::$http_get {
                path: Some("/healthz".into()),
                port: Some("http".into()),
                ..Default::default()
            }),
            initial_delay_seconds: Some(2.into()),
            period_seconds: Some(5.into()),
            timeout_seconds: Some(2.into()),
            failure_threshold: Some(3.into()),
            ..Default::default()
        }
    };
}

fn web_services(n: usize) -> Stack {
    let mut s = Stack::new();
    for i in 0..n {
        let name = format!("svc-{i}");
        let selector = labels(&name);
        let deployment = s.add(
            format!("d{i}"),
            KubernetesDeploymentV1::new(
                meta!(deployment::Metadata, &name),
                deployment::Spec {
                    replicas: Some("3".into()),
                    revision_history_limit: Some(5.into()),
                    selector: Some(deployment::SpecSelector {
                        match_labels: Some(selector.clone()),
                        ..Default::default()
                    }),
                    ..deployment::Spec::new(deployment::SpecTemplate::new(
                        meta!(deployment::SpecTemplateMetadata, &name),
                        deployment::SpecTemplateSpec {
                            automount_service_account_token: Some(false.into()),
                            container: vec![deployment::SpecTemplateSpecContainer {
                                image: Some(Value::Lit(format!("registry.example/{name}:1.0.{i}"))),
                                port: vec![deployment::SpecTemplateSpecContainerPort {
                                    name: Some("http".into()),
                                    protocol: Some("TCP".into()),
                                    ..deployment::SpecTemplateSpecContainerPort::new(8080)
                                }],
                                resources: Some(deployment::SpecTemplateSpecContainerResources {
                                    requests: Some(
                                        BTreeMap::from([("cpu".to_owned(), "100m".to_owned())])
                                            .into(),
                                    ),
                                    limits: Some(
                                        BTreeMap::from([("memory".to_owned(), "128Mi".to_owned())])
                                            .into(),
                                    ),
                                }),
                                readiness_probe: Some(probe!(
                                    SpecTemplateSpecContainerReadinessProbe,
                                    SpecTemplateSpecContainerReadinessProbeHttpGet
                                )),
                                liveness_probe: Some(probe!(
                                    SpecTemplateSpecContainerLivenessProbe,
                                    SpecTemplateSpecContainerLivenessProbeHttpGet
                                )),
                                ..deployment::SpecTemplateSpecContainer::new(name.as_str())
                            }],
                            ..Default::default()
                        },
                    ))
                },
            ),
        );
        let service = s.add(
            format!("s{i}"),
            KubernetesServiceV1::new(
                meta!(service::Metadata, &name),
                service::Spec {
                    r#type: Some("ClusterIP".into()),
                    selector: Some(selector.clone()),
                    port: vec![service::SpecPort {
                        name: Some("http".into()),
                        target_port: Some("http".into()),
                        protocol: Some("TCP".into()),
                        ..service::SpecPort::new(80)
                    }],
                    ..Default::default()
                },
            ),
        );
        s.add(
            format!("i{i}"),
            KubernetesIngressV1::new(
                meta!(ingress::Metadata, &name),
                ingress::Spec {
                    default_backend: Some(ingress::SpecDefaultBackend {
                        service: Some(ingress::SpecDefaultBackendService::new(
                            service.metadata().index(0).name(),
                            ingress::SpecDefaultBackendServicePort {
                                number: Some(80.into()),
                                ..Default::default()
                            },
                        )),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
            ),
        );
        s.add(
            format!("h{i}"),
            KubernetesHorizontalPodAutoscalerV2::new(
                meta!(hpa::Metadata, &name),
                hpa::Spec {
                    min_replicas: Some(3.into()),
                    metric: vec![hpa::SpecMetric {
                        resource: Some(hpa::SpecMetricResource {
                            target: Some(hpa::SpecMetricResourceTarget {
                                average_utilization: Some(70.into()),
                                ..hpa::SpecMetricResourceTarget::new("Utilization")
                            }),
                            ..hpa::SpecMetricResource::new("cpu")
                        }),
                        ..hpa::SpecMetric::new("Resource")
                    }],
                    ..hpa::Spec::new(
                        9,
                        hpa::SpecScaleTargetRef {
                            api_version: Some("apps/v1".into()),
                            ..hpa::SpecScaleTargetRef::new(
                                "Deployment",
                                deployment.metadata().index(0).name(),
                            )
                        },
                    )
                },
            ),
        );
        s.add(
            format!("p{i}"),
            KubernetesPodDisruptionBudgetV1::new(
                meta!(pdb::Metadata, &name),
                pdb::Spec {
                    max_unavailable: Some("1".into()),
                    ..pdb::Spec::new(pdb::SpecSelector {
                        match_labels: Some(selector),
                        ..Default::default()
                    })
                },
            ),
        );
        let check = s.add(
            format!("u{i}"),
            GoogleMonitoringUptimeCheckConfig {
                period: Some("300s".into()),
                http_check: Some(uptime_check::HttpCheck {
                    path: Some("/healthz".into()),
                    port: Some(443.into()),
                    use_ssl: Some(true.into()),
                    validate_ssl: Some(true.into()),
                    ..Default::default()
                }),
                monitored_resource: Some(uptime_check::MonitoredResource::new(
                    BTreeMap::from([("host".to_owned(), format!("{name}.example.com"))]),
                    "uptime_url",
                )),
                ..GoogleMonitoringUptimeCheckConfig::new(format!("{name} /healthz"), "10s")
            },
        );
        s.add(
            format!("a{i}"),
            GoogleMonitoringAlertPolicy {
                conditions: vec![alert_policy::Conditions {
                    condition_threshold: Some(alert_policy::ConditionsConditionThreshold {
                        filter: Some(Template::new()
                            .lit("metric.type=\"monitoring.googleapis.com/uptime_check/check_passed\" AND metric.label.\"check_id\"=\"")
                            .interp(check.uptime_check_id())
                            .lit("\"")
                            .build()
                            .into()),
                        threshold_value: Some(
                            Number::from_f64(1.0).expect("1.0 is finite").into(),
                        ),
                        aggregations: vec![alert_policy::ConditionsConditionThresholdAggregations {
                            alignment_period: Some("1200s".into()),
                            per_series_aligner: Some("ALIGN_NEXT_OLDER".into()),
                            cross_series_reducer: Some("REDUCE_COUNT_FALSE".into()),
                            group_by_fields: Some(vec!["resource.label.*"].into()),
                        }],
                        ..alert_policy::ConditionsConditionThreshold::new("COMPARISON_GT", "60s")
                    }),
                    ..alert_policy::Conditions::new("uptime")
                }],
                ..GoogleMonitoringAlertPolicy::new("OR", format!("{name} is down"))
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
