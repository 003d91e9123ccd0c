use std::collections::BTreeMap;

use crate::constructs::{KubernetesServiceAccount, scoped};
use crate::providers::kubernetes::kubernetes_deployment_v1::{
    self as deployment, KubernetesDeploymentV1, KubernetesDeploymentV1Ref, MetadataRef as _,
};
use crate::providers::kubernetes::kubernetes_horizontal_pod_autoscaler_v2::{
    self as hpa, KubernetesHorizontalPodAutoscalerV2,
};
use crate::providers::kubernetes::kubernetes_ingress_v1 as ingress;
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
use crate::providers::kubernetes::kubernetes_service_v1::{self as service, KubernetesServiceV1};
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
    /// The certificates' names (`cert.name()`), one or more: the load
    /// balancer presents the one whose domain a client asks for.
    pub certificates: Vec<Value<String>>,
}

/// The Kubernetes recommended labels (`app.kubernetes.io/*`) of one
/// object: `name` is what it is, `part_of` the application it belongs
/// to, `instance` the stack.
pub(super) fn recommended_labels(
    name: &str,
    instance: &str,
    part_of: &str,
    component: &str,
    version: Option<&str>,
) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::from([
        ("app.kubernetes.io/name".to_owned(), name.to_owned()),
        ("app.kubernetes.io/instance".to_owned(), instance.to_owned()),
        (
            "app.kubernetes.io/component".to_owned(),
            component.to_owned(),
        ),
        ("app.kubernetes.io/part-of".to_owned(), part_of.to_owned()),
        (
            "app.kubernetes.io/managed-by".to_owned(),
            "tfsynth".to_owned(),
        ),
    ]);
    if let Some(version) = version {
        labels.insert("app.kubernetes.io/version".to_owned(), version.to_owned());
    }
    labels
}

/// A namespace for one application's services, under the restricted Pod
/// Security Standard: the API server itself refuses pods that run as
/// root, escalate or keep capabilities.
#[derive(Debug, Clone, PartialEq)]
pub struct Namespace {
    /// The logical name its Terraform address is built from (see
    /// [`crate::constructs::scoped`]). Address:
    /// `kubernetes_namespace_v1.SCOPE`.
    pub scope: String,
    /// The namespace's name, and the application's.
    pub name: String,
    /// The stack it belongs to (`app.kubernetes.io/instance`).
    pub instance: String,
}

/// A namespace a [`Namespace`] added: its name as a literal, for names
/// other constructs derive from it, and as a reference, so objects in it
/// are created after it.
#[derive(Debug, Clone, PartialEq)]
pub struct NamespaceRefs {
    /// The namespace's name.
    pub name: String,
    /// The namespace.
    pub namespace: Ref<KubernetesNamespaceV1>,
}

impl NamespaceRefs {
    /// The namespace's name, as namespaced objects' `namespace` takes it.
    pub(super) fn reference(&self) -> Expr<String> {
        self.namespace.metadata().index(0).name()
    }
}

impl Namespace {
    /// Adds the namespace.
    pub fn add_to(&self, stack: &mut Stack) -> NamespaceRefs {
        let mut labels =
            recommended_labels(&self.name, &self.instance, &self.name, "namespace", None);
        labels.insert(
            "pod-security.kubernetes.io/enforce".to_owned(),
            "restricted".to_owned(),
        );
        let namespace = stack.add(
            self.scope.as_str(),
            KubernetesNamespaceV1::new(namespace::Metadata {
                name: Some(self.name.as_str().into()),
                labels: Some(labels.into()),
                ..namespace::Metadata::default()
            }),
        );
        NamespaceRefs {
            name: self.name.clone(),
            namespace,
        }
    }
}

/// A hardened web service on GKE, one of an application's, reached
/// through the application's [`Ingress`](crate::constructs::Ingress): service account bound to a
/// Google service account through Workload Identity, Deployment spread
/// over zones, Service with container-native load balancing and its
/// BackendConfig (health check, draining, logging, Cloud Armor), HPA,
/// PodDisruptionBudget and a NetworkPolicy that admits only its port.
/// Every object carries the Kubernetes recommended labels.
#[derive(Debug, Clone, PartialEq)]
pub struct WebService {
    /// The logical name its Terraform addresses are built from (see
    /// [`crate::constructs::scoped`]), so several coexist in one root.
    /// Addresses: `SCOPE` for its service account, Deployment, Service,
    /// HPA, PodDisruptionBudget and NetworkPolicy, and
    /// `kubernetes_manifest.SCOPE_backend_config`.
    pub scope: String,
    /// The service's name: its objects and labels are named after it.
    pub name: String,
    /// The application it is part of (`app.kubernetes.io/part-of`).
    pub part_of: String,
    /// The namespace it runs in.
    pub namespace: NamespaceRefs,
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
    /// The Cloud Armor policy's name, when there is one.
    pub security_policy: Option<Value<String>>,
}

/// Handles to what a [`WebService`] added.
#[derive(Debug, Clone)]
pub struct WebServiceRefs {
    /// The Deployment.
    pub deployment: Ref<KubernetesDeploymentV1>,
    /// The Service the Ingress sends to, on [`SERVICE_PORT`].
    pub service: Ref<KubernetesServiceV1>,
}

/// The port of every web service's Service: the load balancer sends to
/// it, and it forwards to the container's named port `http`.
pub const SERVICE_PORT: u16 = 80;

/// The most characters ingress-gce keeps of a NEG's namespace, Service
/// name and port together (ingress-gce `pkg/utils/namer`,
/// `maxNEGDescriptiveLabel`: 63 less the `k8s1-` prefix, the 8-character
/// cluster id and hash, and four hyphens).
const NEG_DESCRIPTIVE_LENGTH: usize = 38;

/// Fields cut to at most `max` characters together the way ingress-gce
/// names NEGs (`TrimFieldsEvenly`): unchanged when they fit; otherwise
/// each field loses a share of the excess in proportion to its length
/// and one character more, and the characters that rounding leaves free
/// go back to the first fields, one each.
fn trim_evenly(max: usize, fields: &[&str]) -> Vec<String> {
    let total: usize = fields.iter().map(|f| f.len()).sum();
    if total <= max {
        return fields.iter().map(|f| (*f).to_owned()).collect();
    }
    let excess = total - max;
    let mut lengths: Vec<usize> = fields
        .iter()
        .map(|f| (f.len() - f.len() * excess / total).saturating_sub(1))
        .collect();
    let free = max.saturating_sub(lengths.iter().sum());
    for length in lengths.iter_mut().take(free) {
        *length += 1;
    }
    fields
        .iter()
        .zip(lengths)
        .map(|(f, l)| f.chars().take(l).collect())
        .collect()
}

/// Non-root user and group of distroless `nonroot` images.
pub const NONROOT_ID: &str = "65532";

impl WebService {
    /// The Kubernetes service account the pods of service `name` in
    /// `namespace` run as: what its Workload Identity must trust.
    pub fn service_account(namespace: &str, name: &str) -> KubernetesServiceAccount {
        KubernetesServiceAccount {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        }
    }

    /// A regular expression (RE2, full match) for the name of the backend
    /// service the Ingress's load balancer creates for service `name` in
    /// `namespace`: with container-native load balancing it is the NEG's,
    /// `k8s1-CLUSTERID-NAMESPACE-NAME-PORT-HASH`, with namespace, name and
    /// port cut evenly to 38 characters together (ingress-gce's NEG
    /// naming scheme v1), so the 5xx alert finds it however long the
    /// names are.
    pub fn backend_service_regex(namespace: &str, name: &str) -> String {
        let port = SERVICE_PORT.to_string();
        let cut = trim_evenly(NEG_DESCRIPTIVE_LENGTH, &[namespace, name, &port]);
        format!(
            "k8s1-[a-z0-9]{{8}}-{}-{}-{}-[a-z0-9]{{8}}",
            cut[0], cut[1], cut[2]
        )
    }

    /// The labels every object carries.
    pub fn labels(&self) -> BTreeMap<String, String> {
        recommended_labels(
            &self.name,
            &self.instance,
            &self.part_of,
            "web",
            Some(&self.version),
        )
    }

    /// The labels that select the service's pods: never the version, so a
    /// new version does not orphan the old pods' selector.
    pub fn selector(&self) -> BTreeMap<String, String> {
        BTreeMap::from([
            ("app.kubernetes.io/name".to_owned(), self.name.clone()),
            (
                "app.kubernetes.io/instance".to_owned(),
                self.instance.clone(),
            ),
        ])
    }

    fn meta(&self) -> ObjectMeta {
        ObjectMeta {
            name: Some(self.name.as_str().into()),
            namespace: Some(self.namespace.reference().into()),
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
    pub fn add_to(&self, stack: &mut Stack) -> WebServiceRefs {
        // Workload Identity: the pods act as the Google service account,
        // without keys.
        let account = stack.add(
            self.scope.as_str(),
            KubernetesServiceAccountV1 {
                // No Kubernetes API token: the app never talks to the API.
                automount_service_account_token: Some(false.into()),
                ..KubernetesServiceAccountV1::new(
                    ObjectMeta {
                        annotations: BTreeMap::from([(
                            "iam.gke.io/gcp-service-account".to_owned(),
                            self.google_service_account.clone(),
                        )]),
                        ..self.meta()
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
            self.scope.as_str(),
            KubernetesDeploymentV1 {
                wait_for_rollout: Some(true.into()),
                ..KubernetesDeploymentV1::new(
                    self.meta().into(),
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
            scoped(&self.scope, "backend_config"),
            KubernetesManifest::new(custom_object(
                "cloud.google.com/v1",
                "BackendConfig",
                &self.name,
                &self.namespace,
                self.labels(),
                backend_spec,
            )),
        );

        let service = stack.add_with(
            self.scope.as_str(),
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
                    ..self.meta()
                }
                .into(),
                service::Spec {
                    r#type: Some("ClusterIP".into()),
                    selector: Some(self.selector().into()),
                    port: vec![service::SpecPort {
                        name: Some("http".into()),
                        target_port: Some("http".into()),
                        protocol: Some("TCP".into()),
                        ..service::SpecPort::new(SERVICE_PORT)
                    }],
                    ..Default::default()
                },
            ),
            Meta {
                depends_on: vec![backend_config.dep()],
                ..Meta::default()
            },
        );

        stack.add(
            self.scope.as_str(),
            KubernetesHorizontalPodAutoscalerV2::new(
                self.meta().into(),
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
            self.scope.as_str(),
            KubernetesPodDisruptionBudgetV1::new(
                self.meta().into(),
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
            self.scope.as_str(),
            KubernetesNetworkPolicyV1::new(
                self.meta().into(),
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
        WebServiceRefs {
            deployment,
            service,
        }
    }
}

/// A custom object (`kubernetes_manifest`) named `name` in `namespace`.
pub(super) fn custom_object(
    api_version: &str,
    kind: &str,
    name: &str,
    namespace: &NamespaceRefs,
    labels: BTreeMap<String, String>,
    spec: BTreeMap<String, Expression>,
) -> Expression {
    let labels = labels
        .into_iter()
        .map(|(k, v)| (k, Expression::String(v)))
        .collect();
    object([
        ("apiVersion", Expression::from(api_version)),
        ("kind", Expression::from(kind)),
        (
            "metadata",
            object([
                ("name", Expression::from(name)),
                ("namespace", namespace.reference().into()),
                ("labels", Expression::Object(labels)),
            ]),
        ),
        ("spec", Expression::Object(spec.into())),
    ])
}

/// The seccomp profile of the container runtime's defaults, for the pod
/// and for each container.
const SECCOMP_RUNTIME_DEFAULT: &str = "RuntimeDefault";

/// Object metadata of a namespaced object. Each generated type has its own
/// `metadata` block struct with the same fields; one value fills any of
/// them through the `From` impls below.
#[derive(Default)]
pub(super) struct ObjectMeta {
    pub(super) name: Option<Value<String>>,
    pub(super) namespace: Option<Value<String>>,
    pub(super) labels: BTreeMap<String, String>,
    pub(super) annotations: BTreeMap<String, Value<String>>,
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

pub(super) fn object<const N: usize>(fields: [(&str, Expression); N]) -> Expression {
    Expression::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}
