use std::collections::BTreeMap;

use crate::providers::kubernetes::kubernetes_deployment_v1::{
    self as deployment, KubernetesDeploymentV1, KubernetesDeploymentV1Ref, MetadataRef as _,
};
use crate::providers::kubernetes::kubernetes_horizontal_pod_autoscaler_v2::{
    self as hpa, KubernetesHorizontalPodAutoscalerV2,
};
use crate::providers::kubernetes::kubernetes_ingress_v1::{self as ingress, KubernetesIngressV1};
use crate::providers::kubernetes::kubernetes_manifest::KubernetesManifest;
use crate::providers::kubernetes::kubernetes_namespace_v1::{
    self as namespace, KubernetesNamespaceV1, KubernetesNamespaceV1Ref, MetadataRef as _,
};
use crate::providers::kubernetes::kubernetes_network_policy_v1::{
    self as network_policy, KubernetesNetworkPolicyV1,
};
use crate::providers::kubernetes::kubernetes_pod_disruption_budget_v1::{
    self as pdb, KubernetesPodDisruptionBudgetV1,
};
use crate::providers::kubernetes::kubernetes_service_account_v1::{
    self as service_account, KubernetesServiceAccountV1, KubernetesServiceAccountV1Ref,
    MetadataRef as _,
};
use crate::providers::kubernetes::kubernetes_service_v1::{
    self as service, KubernetesServiceV1, KubernetesServiceV1Ref, MetadataRef as _,
};
use crate::tf::{Expr, Expression, IgnoreChanges, Lifecycle, Meta, Ref, Stack, Value};

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

    fn meta(&self, namespace: &Ref<KubernetesNamespaceV1>) -> ObjectMeta {
        ObjectMeta {
            name: Some(self.name.as_str().into()),
            namespace: Some(namespace_name(namespace).into()),
            labels: self.labels(),
            annotations: BTreeMap::new(),
        }
    }

    fn probe(&self, initial_delay_seconds: u32, period_seconds: u32) -> Probe {
        Probe {
            path: self.health_path.clone(),
            port: "http".to_owned(),
            initial_delay_seconds,
            period_seconds,
            timeout_seconds: 2,
            failure_threshold: 3,
        }
    }

    /// Adds every object to the stack.
    pub fn add_to(&self, stack: &mut Stack) -> Ref<KubernetesDeploymentV1> {
        let mut ns_labels = self.labels();
        // The restricted Pod Security Standard: the API server itself refuses
        // pods that run as root, escalate or keep capabilities.
        ns_labels.insert(
            "pod-security.kubernetes.io/enforce".to_owned(),
            "restricted".to_owned(),
        );
        let namespace = stack.add(
            "app",
            KubernetesNamespaceV1::new(namespace::Metadata {
                name: Some(self.name.as_str().into()),
                labels: Some(ns_labels.into()),
                ..namespace::Metadata::default()
            }),
        );

        // Workload Identity: the pods act as the Google service account,
        // without keys.
        let account = stack.add(
            "app",
            KubernetesServiceAccountV1 {
                // No Kubernetes API token: the app never talks to the API.
                automount_service_account_token: Some(false.into()),
                ..KubernetesServiceAccountV1::new(
                    ObjectMeta {
                        annotations: BTreeMap::from([(
                            "iam.gke.io/gcp-service-account".to_owned(),
                            self.google_service_account.clone(),
                        )]),
                        ..self.meta(&namespace)
                    }
                    .into(),
                )
            },
        );

        let field = |name: &str, path: &str| deployment::SpecTemplateSpecContainerEnv {
            value_from: Some(deployment::SpecTemplateSpecContainerEnvValueFrom {
                field_ref: Some(deployment::SpecTemplateSpecContainerEnvValueFromFieldRef {
                    field_path: Some(path.into()),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..deployment::SpecTemplateSpecContainerEnv::new(name)
        };
        let pod_spec = deployment::SpecTemplateSpec {
            service_account_name: Some(account.metadata().index(0).name().into()),
            automount_service_account_token: Some(false.into()),
            enable_service_links: Some(false.into()),
            // The app finishes in-flight requests on SIGTERM well within this.
            termination_grace_period_seconds: Some(30.into()),
            security_context: Some(deployment::SpecTemplateSpecSecurityContext {
                run_as_non_root: Some(true.into()),
                run_as_user: Some(NONROOT_ID.into()),
                run_as_group: Some(NONROOT_ID.into()),
                seccomp_profile: Some(deployment::SpecTemplateSpecSecurityContextSeccompProfile {
                    r#type: Some(SECCOMP_RUNTIME_DEFAULT.into()),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            container: vec![deployment::SpecTemplateSpecContainer {
                image: Some(self.image.clone()),
                // Tags are immutable in the registry.
                image_pull_policy: Some("IfNotPresent".into()),
                port: vec![deployment::SpecTemplateSpecContainerPort {
                    name: Some("http".into()),
                    protocol: Some("TCP".into()),
                    ..deployment::SpecTemplateSpecContainerPort::new(self.port)
                }],
                env: vec![
                    deployment::SpecTemplateSpecContainerEnv {
                        value: Some(self.port.to_string().into()),
                        ..deployment::SpecTemplateSpecContainerEnv::new("PORT")
                    },
                    field("POD_NAME", "metadata.name"),
                    field("NODE_NAME", "spec.nodeName"),
                    field("ZONE", "metadata.labels['topology.kubernetes.io/zone']"),
                ],
                // Requests let the scheduler and the cluster autoscaler see
                // what pods need, so pending pods add nodes; limits bound a
                // runaway pod.
                resources: Some(deployment::SpecTemplateSpecContainerResources {
                    requests: Some(
                        BTreeMap::from([
                            ("cpu".to_owned(), self.resources.cpu_request.clone()),
                            ("memory".to_owned(), self.resources.memory_request.clone()),
                        ])
                        .into(),
                    ),
                    limits: Some(
                        BTreeMap::from([
                            ("cpu".to_owned(), self.resources.cpu_limit.clone()),
                            ("memory".to_owned(), self.resources.memory_limit.clone()),
                        ])
                        .into(),
                    ),
                }),
                // The load balancer's health check follows the readiness probe.
                readiness_probe: Some(self.probe(2, 5).into()),
                liveness_probe: Some(self.probe(10, 10).into()),
                // Nothing is written inside the pod: logs go to stdout, so
                // disk use cannot creep up.
                security_context: Some(deployment::SpecTemplateSpecContainerSecurityContext {
                    run_as_non_root: Some(true.into()),
                    read_only_root_filesystem: Some(true.into()),
                    allow_privilege_escalation: Some(false.into()),
                    privileged: Some(false.into()),
                    capabilities: Some(
                        deployment::SpecTemplateSpecContainerSecurityContextCapabilities {
                            drop: Some(vec!["ALL"].into()),
                            ..Default::default()
                        },
                    ),
                    seccomp_profile: Some(
                        deployment::SpecTemplateSpecContainerSecurityContextSeccompProfile {
                            r#type: Some(SECCOMP_RUNTIME_DEFAULT.into()),
                            ..Default::default()
                        },
                    ),
                    ..Default::default()
                }),
                ..deployment::SpecTemplateSpecContainer::new(self.name.as_str())
            }],
            topology_spread_constraint: vec![
                // Even over zones: a zone outage takes a third.
                deployment::SpecTemplateSpecTopologySpreadConstraint {
                    max_skew: Some(1.into()),
                    topology_key: Some("topology.kubernetes.io/zone".into()),
                    when_unsatisfiable: Some("DoNotSchedule".into()),
                    label_selector: vec![
                        deployment::SpecTemplateSpecTopologySpreadConstraintLabelSelector {
                            match_labels: Some(self.selector().into()),
                            ..Default::default()
                        },
                    ],
                    ..Default::default()
                },
                // Over nodes where possible.
                deployment::SpecTemplateSpecTopologySpreadConstraint {
                    max_skew: Some(1.into()),
                    topology_key: Some("kubernetes.io/hostname".into()),
                    when_unsatisfiable: Some("ScheduleAnyway".into()),
                    label_selector: vec![
                        deployment::SpecTemplateSpecTopologySpreadConstraintLabelSelector {
                            match_labels: Some(self.selector().into()),
                            ..Default::default()
                        },
                    ],
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let deployment = stack.add_with(
            "app",
            KubernetesDeploymentV1 {
                wait_for_rollout: Some(true.into()),
                ..KubernetesDeploymentV1::new(
                    self.meta(&namespace).into(),
                    deployment::Spec {
                        replicas: Some(self.min_replicas.to_string().into()),
                        revision_history_limit: Some(5.into()),
                        progress_deadline_seconds: Some(600.into()),
                        selector: Some(deployment::SpecSelector {
                            match_labels: Some(self.selector().into()),
                            ..Default::default()
                        }),
                        // New pods come up before old ones go: capacity never dips.
                        strategy: Some(deployment::SpecStrategy {
                            r#type: Some("RollingUpdate".into()),
                            rolling_update: Some(deployment::SpecStrategyRollingUpdate {
                                max_surge: Some("25%".into()),
                                max_unavailable: Some("0".into()),
                            }),
                        }),
                        ..deployment::Spec::new(deployment::SpecTemplate::new(
                            ObjectMeta {
                                labels: self.labels(),
                                ..ObjectMeta::default()
                            }
                            .into(),
                            pod_spec,
                        ))
                    },
                )
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
            KubernetesManifest::new(self.custom_object(
                "cloud.google.com/v1",
                "BackendConfig",
                &namespace,
                backend_spec,
            )),
        );

        let service = stack.add_with(
            "app",
            KubernetesServiceV1::new(
                ObjectMeta {
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
                }
                .into(),
                service::Spec {
                    r#type: Some("ClusterIP".into()),
                    selector: Some(self.selector().into()),
                    port: vec![service::SpecPort {
                        name: Some("http".into()),
                        target_port: Some("http".into()),
                        protocol: Some("TCP".into()),
                        ..service::SpecPort::new(80)
                    }],
                    ..Default::default()
                },
            ),
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
                KubernetesManifest::new(self.custom_object(
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
                )),
            );
            annotations.insert(
                "networking.gke.io/v1beta1.FrontendConfig".to_owned(),
                Value::Lit(self.name.clone()),
            );
            ingress_after.push(frontend.dep());
        }
        stack.add_with(
            "app",
            KubernetesIngressV1 {
                // Apply returns once the load balancer has its address.
                wait_for_load_balancer: Some(true.into()),
                ..KubernetesIngressV1::new(
                    ObjectMeta {
                        annotations,
                        ..self.meta(&namespace)
                    }
                    .into(),
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
                )
            },
            Meta {
                depends_on: ingress_after,
                ..Meta::default()
            },
        );

        stack.add(
            "app",
            KubernetesHorizontalPodAutoscalerV2::new(
                self.meta(&namespace).into(),
                hpa::Spec {
                    min_replicas: Some(self.min_replicas.into()),
                    metric: vec![hpa::SpecMetric {
                        resource: Some(hpa::SpecMetricResource {
                            target: Some(hpa::SpecMetricResourceTarget {
                                average_utilization: Some(self.cpu_target.into()),
                                ..hpa::SpecMetricResourceTarget::new("Utilization")
                            }),
                            ..hpa::SpecMetricResource::new("cpu")
                        }),
                        ..hpa::SpecMetric::new("Resource")
                    }],
                    ..hpa::Spec::new(
                        self.max_replicas,
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

        // Node upgrades and scale-downs take one pod at a time.
        stack.add(
            "app",
            KubernetesPodDisruptionBudgetV1::new(
                self.meta(&namespace).into(),
                pdb::Spec {
                    max_unavailable: Some("1".into()),
                    ..pdb::Spec::new(pdb::SpecSelector {
                        match_labels: Some(self.selector().into()),
                        ..Default::default()
                    })
                },
            ),
        );

        // Only the app's port is reachable; Dataplane V2 drops the rest.
        stack.add(
            "app",
            KubernetesNetworkPolicyV1::new(
                self.meta(&namespace).into(),
                network_policy::Spec {
                    ingress: vec![network_policy::SpecIngress {
                        ports: vec![network_policy::SpecIngressPorts {
                            port: Some(self.port.to_string().into()),
                            protocol: Some("TCP".into()),
                            ..Default::default()
                        }],
                        ..Default::default()
                    }],
                    ..network_policy::Spec::new(
                        network_policy::SpecPodSelector {
                            match_labels: Some(self.selector().into()),
                            ..Default::default()
                        },
                        vec!["Ingress"],
                    )
                },
            ),
        );
        deployment
    }

    fn custom_object(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &Ref<KubernetesNamespaceV1>,
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
                    ("namespace", namespace_name(namespace).into()),
                    ("labels", Expression::Object(labels)),
                ]),
            ),
            ("spec", Expression::Object(spec.into())),
        ])
    }
}

/// The seccomp profile of the container runtime's defaults, for the pod
/// and for each container.
const SECCOMP_RUNTIME_DEFAULT: &str = "RuntimeDefault";

/// The namespace's name, as namespaced objects' `namespace` takes it.
fn namespace_name(namespace: &Ref<KubernetesNamespaceV1>) -> Expr<String> {
    namespace.metadata().index(0).name()
}

/// Object metadata of a namespaced object. Each generated type has its own
/// `metadata` block struct with the same fields; one value fills any of
/// them through the `From` impls below.
#[derive(Default)]
struct ObjectMeta {
    name: Option<Value<String>>,
    namespace: Option<Value<String>>,
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, Value<String>>,
}

/// Empty labels or annotations are written as no attribute at all.
macro_rules! metadata_from_object_meta {
    ($($metadata:ty),* $(,)?) => {$(
        impl From<ObjectMeta> for $metadata {
            fn from(meta: ObjectMeta) -> Self {
                Self {
                    name: meta.name,
                    namespace: meta.namespace,
                    labels: (!meta.labels.is_empty()).then(|| meta.labels.into()),
                    annotations: (!meta.annotations.is_empty())
                        .then(|| Value::Lit(meta.annotations)),
                    ..Self::default()
                }
            }
        }
    )*};
}

metadata_from_object_meta!(
    deployment::Metadata,
    deployment::SpecTemplateMetadata,
    hpa::Metadata,
    ingress::Metadata,
    network_policy::Metadata,
    pdb::Metadata,
    service::Metadata,
    service_account::Metadata,
);

/// An HTTP GET probe. The readiness and the liveness probe are separate
/// generated types with the same fields; one value fills either.
struct Probe {
    path: String,
    port: String,
    initial_delay_seconds: u32,
    period_seconds: u32,
    timeout_seconds: u32,
    failure_threshold: u32,
}

macro_rules! probe_from {
    ($($probe:ident { http_get: $http_get:ident }),* $(,)?) => {$(
        impl From<Probe> for deployment::$probe {
            fn from(probe: Probe) -> Self {
                Self {
                    http_get: Some(deployment::$http_get {
                        path: Some(probe.path.into()),
                        port: Some(probe.port.into()),
                        ..Default::default()
                    }),
                    initial_delay_seconds: Some(probe.initial_delay_seconds.into()),
                    period_seconds: Some(probe.period_seconds.into()),
                    timeout_seconds: Some(probe.timeout_seconds.into()),
                    failure_threshold: Some(probe.failure_threshold.into()),
                    ..Self::default()
                }
            }
        }
    )*};
}

probe_from!(
    SpecTemplateSpecContainerReadinessProbe {
        http_get: SpecTemplateSpecContainerReadinessProbeHttpGet
    },
    SpecTemplateSpecContainerLivenessProbe {
        http_get: SpecTemplateSpecContainerLivenessProbeHttpGet
    },
);

fn object<const N: usize>(fields: [(&str, Expression); N]) -> Expression {
    Expression::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}
