use std::collections::BTreeMap;

use serde::Serialize;

use super::{LabelSelector, ObjectMeta};
use crate::tf::{Expr, Ref, Resource, Value};

/// A Deployment (`kubernetes_deployment_v1`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeploymentV1 {
    /// Name, namespace, labels.
    pub metadata: ObjectMeta,
    /// The deployment.
    pub spec: DeploymentSpec,
    /// Whether apply waits until the rollout finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wait_for_rollout: Option<bool>,
}

/// What a deployment runs (`spec` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeploymentSpec {
    /// Replicas (the provider takes a string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<String>,
    /// Old ReplicaSets kept for rollback.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<u32>,
    /// Seconds before a stuck rollout is reported failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress_deadline_seconds: Option<u32>,
    /// The pods it manages.
    pub selector: LabelSelector,
    /// How pods are replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strategy: Option<DeploymentStrategy>,
    /// The pods.
    pub template: PodTemplate,
}

/// How pods are replaced (`strategy` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeploymentStrategy {
    /// `RollingUpdate` or `Recreate`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Bounds of a rolling update.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rolling_update: Option<RollingUpdate>,
}

/// Bounds of a rolling update (`rolling_update` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollingUpdate {
    /// Extra pods during a rollout, e.g. `25%`.
    pub max_surge: String,
    /// Pods that may be missing during a rollout, e.g. `0`.
    pub max_unavailable: String,
}

/// A pod template (`template` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PodTemplate {
    /// Labels and annotations of the pods.
    pub metadata: ObjectMeta,
    /// The pods.
    pub spec: PodSpec,
}

/// A pod (`spec` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PodSpec {
    /// The Kubernetes service account the pods run as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<Value<String>>,
    /// Whether pods get a Kubernetes API token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automount_service_account_token: Option<bool>,
    /// Whether service environment variables are injected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_service_links: Option<bool>,
    /// Seconds between SIGTERM and SIGKILL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub termination_grace_period_seconds: Option<u32>,
    /// Node labels the pods must run on.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: BTreeMap<String, String>,
    /// Pod-wide security settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_context: Option<PodSecurityContext>,
    /// The containers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub container: Vec<Container>,
    /// How pods spread over zones and nodes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub topology_spread_constraint: Vec<TopologySpreadConstraint>,
}

/// Pod-wide security (`security_context` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PodSecurityContext {
    /// Refuse to start a container that runs as root.
    pub run_as_non_root: bool,
    /// The user id.
    pub run_as_user: String,
    /// The group id.
    pub run_as_group: String,
    /// The seccomp profile.
    pub seccomp_profile: SeccompProfile,
}

/// A seccomp profile (`seccomp_profile` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeccompProfile {
    /// `RuntimeDefault`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// A container (`container` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Container {
    /// The container's name.
    pub name: String,
    /// The image, with a version tag.
    pub image: Value<String>,
    /// `IfNotPresent`: tags are immutable, so a cached image is right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<String>,
    /// Ports.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub port: Vec<ContainerPort>,
    /// Environment variables.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    /// CPU and memory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// Whether the container should get traffic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readiness_probe: Option<Probe>,
    /// Whether the container must be restarted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub liveness_probe: Option<Probe>,
    /// Container security.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_context: Option<ContainerSecurityContext>,
}

/// A container port (`port` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerPort {
    /// The port's name.
    pub name: String,
    /// The number.
    pub container_port: u16,
    /// `TCP`.
    pub protocol: String,
}

/// An environment variable (`env` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnvVar {
    /// The name.
    pub name: String,
    /// A literal value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A value from the pod (downward API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_from: Option<EnvVarSource>,
}

/// Where a variable's value comes from (`value_from` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnvVarSource {
    /// A field of the pod.
    pub field_ref: FieldRef,
}

/// A field of the pod (`field_ref` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldRef {
    /// e.g. `spec.nodeName`.
    pub field_path: String,
}

/// CPU and memory (`resources` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceRequirements {
    /// What the scheduler reserves.
    pub requests: BTreeMap<String, String>,
    /// The most the container may use.
    pub limits: BTreeMap<String, String>,
}

/// A probe (`readiness_probe` / `liveness_probe` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Probe {
    /// An HTTP GET.
    pub http_get: HttpGet,
    /// Seconds before the first probe.
    pub initial_delay_seconds: u32,
    /// Seconds between probes.
    pub period_seconds: u32,
    /// Seconds a probe may take.
    pub timeout_seconds: u32,
    /// Failures in a row that count.
    pub failure_threshold: u32,
}

/// An HTTP GET probe (`http_get` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HttpGet {
    /// The path.
    pub path: String,
    /// The port, by number or name.
    pub port: String,
}

/// Container security (`security_context` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerSecurityContext {
    /// Refuse to start as root.
    pub run_as_non_root: bool,
    /// The root filesystem is mounted read-only.
    pub read_only_root_filesystem: bool,
    /// No setuid escalation.
    pub allow_privilege_escalation: bool,
    /// Not privileged.
    pub privileged: bool,
    /// Capabilities.
    pub capabilities: Capabilities,
    /// The seccomp profile.
    pub seccomp_profile: SeccompProfile,
}

/// Linux capabilities (`capabilities` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Capabilities {
    /// Dropped, e.g. `ALL`.
    pub drop: Vec<String>,
}

/// A spread constraint (`topology_spread_constraint` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopologySpreadConstraint {
    /// Largest allowed difference in pod counts between domains.
    pub max_skew: u32,
    /// e.g. `topology.kubernetes.io/zone`.
    pub topology_key: String,
    /// `DoNotSchedule` or `ScheduleAnyway`.
    pub when_unsatisfiable: String,
    /// The pods counted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub label_selector: Vec<LabelSelector>,
}

impl Resource for DeploymentV1 {
    const TYPE: &'static str = "kubernetes_deployment_v1";
    crate::serde_body!();
}

impl Ref<DeploymentV1> {
    /// The deployment's name.
    pub fn name(&self) -> Expr<String> {
        self.at("metadata").index(0).attr("name").typed()
    }
}
