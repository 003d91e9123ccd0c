use std::collections::BTreeMap;

use crate::providers::hand_kubernetes::{
    Capabilities, ClusterObjectMeta, Container, ContainerPort, ContainerSecurityContext,
    DeploymentSpec, DeploymentStrategy, DeploymentV1, EnvVar, EnvVarSource, FieldRef,
    HorizontalPodAutoscalerV2, HpaSpec, HttpGet, IngressBackend, IngressServiceBackend,
    IngressSpec, IngressV1, LabelSelector, Manifest, MetricSpec, MetricTarget, NamespaceV1,
    NetworkPolicyIngressRule, NetworkPolicyPort, NetworkPolicySpec, NetworkPolicyV1, ObjectMeta,
    PodDisruptionBudgetSpec, PodDisruptionBudgetV1, PodSecurityContext, PodSpec, PodTemplate,
    Probe, ResourceMetric, ResourceRequirements, RollingUpdate, ScaleTargetRef, SeccompProfile,
    ServiceAccountV1, ServicePort, ServicePortRef, ServiceSpec, ServiceV1,
    TopologySpreadConstraint,
};
use crate::tf::{Expression, IgnoreChanges, Lifecycle, Meta, Ref, Stack, Value};

/// CPU and memory of each pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodResources {
    /// CPU reserved, e.g. `100m`.
    pub cpu_request: String,
    /// Memory reserved, e.g. `64Mi`.
    pub memory_request: String,
    /// CPU ceiling, e.g. `500m`.
    pub cpu_limit: String,
    /// Memory ceiling, e.g. `128Mi`.
    pub memory_limit: String,
}

/// The HTTPS side of the load balancer.
#[derive(Debug, Clone, PartialEq)]
pub struct Https {
    /// The Google-managed certificate's name.
    pub certificate: Value<String>,
}

/// A hardened web app on GKE behind the global HTTP(S) load balancer:
/// namespace, service account bound to a Google service account through
/// Workload Identity, Deployment spread over zones, Service with
/// container-native load balancing, Ingress (class `gce`) on a reserved IP,
/// HPA, PodDisruptionBudget and a NetworkPolicy that admits only the app's
/// port. Every object carries the Kubernetes recommended labels.
#[derive(Debug, Clone, PartialEq)]
pub struct WebService {
    /// The app's name: namespace, objects and labels are named after it.
    pub name: String,
    /// The stack it belongs to (`app.kubernetes.io/instance`).
    pub instance: String,
    /// The image with its version tag.
    pub image: Value<String>,
    /// The version (`app.kubernetes.io/version`), the image's tag.
    pub version: String,
    /// The container port.
    pub port: u16,
    /// The path probes and the load balancer's health check use.
    pub health_path: String,
    /// Replicas the HPA never goes below.
    pub min_replicas: u32,
    /// Replicas the HPA never goes above.
    pub max_replicas: u32,
    /// Average CPU, in percent of requests, that the HPA aims for.
    pub cpu_target: u32,
    /// Requests and limits.
    pub resources: PodResources,
    /// The Google service account pods act as (its e-mail).
    pub google_service_account: Value<String>,
    /// The reserved global IP's name.
    pub static_ip_name: Value<String>,
    /// HTTPS, with a redirect from HTTP; plain HTTP when `None`.
    pub https: Option<Https>,
    /// The Cloud Armor policy's name, when there is one.
    pub security_policy: Option<Value<String>>,
}

/// Non-root user and group of distroless `nonroot` images.
pub const NONROOT_ID: &str = "65532";

impl WebService {
    /// The labels every object carries.
    pub fn labels(&self) -> BTreeMap<String, String> {
        BTreeMap::from([
            ("app.kubernetes.io/name".to_owned(), self.name.clone()),
            (
                "app.kubernetes.io/instance".to_owned(),
                self.instance.clone(),
            ),
            ("app.kubernetes.io/version".to_owned(), self.version.clone()),
            ("app.kubernetes.io/component".to_owned(), "web".to_owned()),
            ("app.kubernetes.io/part-of".to_owned(), self.name.clone()),
            (
                "app.kubernetes.io/managed-by".to_owned(),
                "tfsynth".to_owned(),
            ),
        ])
    }

    /// The labels that select the app's pods: never the version, so a new
    /// version does not orphan the old pods' selector.
    pub fn selector(&self) -> BTreeMap<String, String> {
        BTreeMap::from([
            ("app.kubernetes.io/name".to_owned(), self.name.clone()),
            (
                "app.kubernetes.io/instance".to_owned(),
                self.instance.clone(),
            ),
        ])
    }

    fn meta(&self, namespace: &Ref<NamespaceV1>) -> ObjectMeta {
        ObjectMeta {
            name: Some(self.name.as_str().into()),
            namespace: Some(namespace.name().into()),
            labels: self.labels(),
            annotations: BTreeMap::new(),
        }
    }

    fn probe(&self, initial_delay_seconds: u32, period_seconds: u32) -> Probe {
        Probe {
            http_get: HttpGet {
                path: self.health_path.clone(),
                port: "http".to_owned(),
            },
            initial_delay_seconds,
            period_seconds,
            timeout_seconds: 2,
            failure_threshold: 3,
        }
    }

    /// Adds every object to the stack.
    pub fn add_to(&self, stack: &mut Stack) -> Ref<DeploymentV1> {
        let mut ns_labels = self.labels();
        // The restricted Pod Security Standard: the API server itself refuses
        // pods that run as root, escalate or keep capabilities.
        ns_labels.insert(
            "pod-security.kubernetes.io/enforce".to_owned(),
            "restricted".to_owned(),
        );
        let namespace = stack.add(
            "app",
            NamespaceV1 {
                metadata: ClusterObjectMeta {
                    name: Some(self.name.as_str().into()),
                    labels: ns_labels,
                    annotations: BTreeMap::new(),
                },
            },
        );

        // Workload Identity: the pods act as the Google service account,
        // without keys.
        let account = stack.add(
            "app",
            ServiceAccountV1 {
                metadata: ObjectMeta {
                    annotations: BTreeMap::from([(
                        "iam.gke.io/gcp-service-account".to_owned(),
                        self.google_service_account.clone(),
                    )]),
                    ..self.meta(&namespace)
                },
                // No Kubernetes API token: the app never talks to the API.
                automount_service_account_token: Some(false),
            },
        );

        let seccomp = || SeccompProfile {
            kind: "RuntimeDefault".to_owned(),
        };
        let field = |name: &str, path: &str| EnvVar {
            name: name.to_owned(),
            value: None,
            value_from: Some(EnvVarSource {
                field_ref: FieldRef {
                    field_path: path.to_owned(),
                },
            }),
        };
        let deployment = stack.add_with(
            "app",
            DeploymentV1 {
                metadata: self.meta(&namespace),
                spec: DeploymentSpec {
                    replicas: Some(self.min_replicas.to_string()),
                    revision_history_limit: Some(5),
                    progress_deadline_seconds: Some(600),
                    selector: LabelSelector {
                        match_labels: self.selector(),
                    },
                    // New pods come up before old ones go: capacity never dips.
                    strategy: Some(DeploymentStrategy {
                        kind: "RollingUpdate".to_owned(),
                        rolling_update: Some(RollingUpdate {
                            max_surge: "25%".to_owned(),
                            max_unavailable: "0".to_owned(),
                        }),
                    }),
                    template: PodTemplate {
                        metadata: ObjectMeta {
                            labels: self.labels(),
                            ..ObjectMeta::default()
                        },
                        spec: PodSpec {
                            service_account_name: Some(account.name().into()),
                            automount_service_account_token: Some(false),
                            enable_service_links: Some(false),
                            // The app finishes in-flight requests on SIGTERM
                            // well within this.
                            termination_grace_period_seconds: Some(30),
                            node_selector: BTreeMap::new(),
                            security_context: Some(PodSecurityContext {
                                run_as_non_root: true,
                                run_as_user: NONROOT_ID.to_owned(),
                                run_as_group: NONROOT_ID.to_owned(),
                                seccomp_profile: seccomp(),
                            }),
                            container: vec![Container {
                                name: self.name.clone(),
                                image: self.image.clone(),
                                // Tags are immutable in the registry.
                                image_pull_policy: Some("IfNotPresent".to_owned()),
                                port: vec![ContainerPort {
                                    name: "http".to_owned(),
                                    container_port: self.port,
                                    protocol: "TCP".to_owned(),
                                }],
                                env: vec![
                                    EnvVar {
                                        name: "PORT".to_owned(),
                                        value: Some(self.port.to_string()),
                                        value_from: None,
                                    },
                                    field("POD_NAME", "metadata.name"),
                                    field("NODE_NAME", "spec.nodeName"),
                                    field("ZONE", "metadata.labels['topology.kubernetes.io/zone']"),
                                ],
                                // Requests let the scheduler and the cluster
                                // autoscaler see what pods need, so pending
                                // pods add nodes; limits bound a runaway pod.
                                resources: Some(ResourceRequirements {
                                    requests: BTreeMap::from([
                                        ("cpu".to_owned(), self.resources.cpu_request.clone()),
                                        (
                                            "memory".to_owned(),
                                            self.resources.memory_request.clone(),
                                        ),
                                    ]),
                                    limits: BTreeMap::from([
                                        ("cpu".to_owned(), self.resources.cpu_limit.clone()),
                                        ("memory".to_owned(), self.resources.memory_limit.clone()),
                                    ]),
                                }),
                                // The load balancer's health check follows
                                // the readiness probe.
                                readiness_probe: Some(self.probe(2, 5)),
                                liveness_probe: Some(self.probe(10, 10)),
                                // Nothing is written inside the pod: logs go
                                // to stdout, so disk use cannot creep up.
                                security_context: Some(ContainerSecurityContext {
                                    run_as_non_root: true,
                                    read_only_root_filesystem: true,
                                    allow_privilege_escalation: false,
                                    privileged: false,
                                    capabilities: Capabilities {
                                        drop: vec!["ALL".to_owned()],
                                    },
                                    seccomp_profile: seccomp(),
                                }),
                            }],
                            topology_spread_constraint: vec![
                                // Even over zones: a zone outage takes a third.
                                TopologySpreadConstraint {
                                    max_skew: 1,
                                    topology_key: "topology.kubernetes.io/zone".to_owned(),
                                    when_unsatisfiable: "DoNotSchedule".to_owned(),
                                    label_selector: vec![LabelSelector {
                                        match_labels: self.selector(),
                                    }],
                                },
                                // Over nodes where possible.
                                TopologySpreadConstraint {
                                    max_skew: 1,
                                    topology_key: "kubernetes.io/hostname".to_owned(),
                                    when_unsatisfiable: "ScheduleAnyway".to_owned(),
                                    label_selector: vec![LabelSelector {
                                        match_labels: self.selector(),
                                    }],
                                },
                            ],
                        },
                    },
                },
                wait_for_rollout: Some(true),
            },
            Meta {
                // The HPA owns the replica count once the deployment exists.
                lifecycle: Lifecycle {
                    ignore_changes: IgnoreChanges::Attrs(vec!["spec[0].replicas".to_owned()]),
                    ..Lifecycle::default()
                },
                ..Meta::default()
            },
        );

        let mut backend_spec = BTreeMap::from([
            (
                "healthCheck".to_owned(),
                object([
                    ("type", Expression::from("HTTP")),
                    ("requestPath", Expression::from(self.health_path.as_str())),
                    ("port", Expression::from(self.port)),
                ]),
            ),
            // Requests in flight get 30 s when a pod leaves the backends.
            (
                "connectionDraining".to_owned(),
                object([("drainingTimeoutSec", Expression::from(30))]),
            ),
            (
                "logging".to_owned(),
                object([
                    ("enable", Expression::from(true)),
                    (
                        "sampleRate",
                        Expression::Number(serde_json::Number::from(1)),
                    ),
                ]),
            ),
        ]);
        if let Some(policy) = &self.security_policy {
            backend_spec.insert(
                "securityPolicy".to_owned(),
                object([("name", policy.clone().into())]),
            );
        }
        let backend_config = stack.add(
            "backend_config",
            Manifest {
                manifest: self.custom_object(
                    "cloud.google.com/v1",
                    "BackendConfig",
                    &namespace,
                    backend_spec,
                ),
            },
        );

        let service = stack.add_with(
            "app",
            ServiceV1 {
                metadata: ObjectMeta {
                    annotations: BTreeMap::from([
                        // Container-native load balancing: the load balancer
                        // sends to pod IPs, not through node ports.
                        (
                            "cloud.google.com/neg".to_owned(),
                            Value::Lit(r#"{"ingress": true}"#.to_owned()),
                        ),
                        (
                            "cloud.google.com/backend-config".to_owned(),
                            Value::Lit(format!(r#"{{"default": "{}"}}"#, self.name)),
                        ),
                    ]),
                    ..self.meta(&namespace)
                },
                spec: ServiceSpec {
                    kind: "ClusterIP".to_owned(),
                    selector: self.selector(),
                    port: vec![ServicePort {
                        name: "http".to_owned(),
                        port: 80,
                        target_port: "http".to_owned(),
                        protocol: "TCP".to_owned(),
                    }],
                },
            },
            Meta {
                depends_on: vec![backend_config.dep()],
                ..Meta::default()
            },
        );

        let mut annotations = BTreeMap::from([
            (
                "kubernetes.io/ingress.class".to_owned(),
                Value::Lit("gce".to_owned()),
            ),
            // The reserved IP: DNS and uptime checks never chase a new one.
            (
                "kubernetes.io/ingress.global-static-ip-name".to_owned(),
                self.static_ip_name.clone(),
            ),
        ]);
        let mut ingress_after = vec![service.dep()];
        if let Some(https) = &self.https {
            annotations.insert(
                "ingress.gcp.kubernetes.io/pre-shared-cert".to_owned(),
                https.certificate.clone(),
            );
            let frontend = stack.add(
                "frontend_config",
                Manifest {
                    manifest: self.custom_object(
                        "networking.gke.io/v1beta1",
                        "FrontendConfig",
                        &namespace,
                        BTreeMap::from([(
                            "redirectToHttps".to_owned(),
                            object([
                                ("enabled", Expression::from(true)),
                                (
                                    "responseCodeName",
                                    Expression::from("MOVED_PERMANENTLY_DEFAULT"),
                                ),
                            ]),
                        )]),
                    ),
                },
            );
            annotations.insert(
                "networking.gke.io/v1beta1.FrontendConfig".to_owned(),
                Value::Lit(self.name.clone()),
            );
            ingress_after.push(frontend.dep());
        }
        stack.add_with(
            "app",
            IngressV1 {
                metadata: ObjectMeta {
                    annotations,
                    ..self.meta(&namespace)
                },
                spec: IngressSpec {
                    ingress_class_name: None,
                    default_backend: IngressBackend {
                        service: IngressServiceBackend {
                            name: service.name().into(),
                            port: ServicePortRef { number: 80 },
                        },
                    },
                },
                // Apply returns once the load balancer has its address.
                wait_for_load_balancer: Some(true),
            },
            Meta {
                depends_on: ingress_after,
                ..Meta::default()
            },
        );

        stack.add(
            "app",
            HorizontalPodAutoscalerV2 {
                metadata: self.meta(&namespace),
                spec: HpaSpec {
                    min_replicas: self.min_replicas,
                    max_replicas: self.max_replicas,
                    scale_target_ref: ScaleTargetRef {
                        api_version: "apps/v1".to_owned(),
                        kind: "Deployment".to_owned(),
                        name: deployment.name().into(),
                    },
                    metric: vec![MetricSpec {
                        kind: "Resource".to_owned(),
                        resource: ResourceMetric {
                            name: "cpu".to_owned(),
                            target: MetricTarget {
                                kind: "Utilization".to_owned(),
                                average_utilization: self.cpu_target,
                            },
                        },
                    }],
                },
            },
        );

        // Node upgrades and scale-downs take one pod at a time.
        stack.add(
            "app",
            PodDisruptionBudgetV1 {
                metadata: self.meta(&namespace),
                spec: PodDisruptionBudgetSpec {
                    max_unavailable: "1".to_owned(),
                    selector: LabelSelector {
                        match_labels: self.selector(),
                    },
                },
            },
        );

        // Only the app's port is reachable; Dataplane V2 drops the rest.
        stack.add(
            "app",
            NetworkPolicyV1 {
                metadata: self.meta(&namespace),
                spec: NetworkPolicySpec {
                    pod_selector: LabelSelector {
                        match_labels: self.selector(),
                    },
                    policy_types: vec!["Ingress".to_owned()],
                    ingress: vec![NetworkPolicyIngressRule {
                        ports: vec![NetworkPolicyPort {
                            port: self.port.to_string(),
                            protocol: "TCP".to_owned(),
                        }],
                    }],
                },
            },
        );
        deployment
    }

    fn custom_object(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &Ref<NamespaceV1>,
        spec: BTreeMap<String, Expression>,
    ) -> Expression {
        let labels = self
            .labels()
            .into_iter()
            .map(|(k, v)| (k, Expression::String(v)))
            .collect();
        object([
            ("apiVersion", Expression::from(api_version)),
            ("kind", Expression::from(kind)),
            (
                "metadata",
                object([
                    ("name", Expression::from(self.name.as_str())),
                    ("namespace", namespace.name().into()),
                    ("labels", Expression::Object(labels)),
                ]),
            ),
            ("spec", Expression::Object(spec.into())),
        ])
    }
}

fn object<const N: usize>(fields: [(&str, Expression); N]) -> Expression {
    Expression::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}
