//! The `hashicorp/kubernetes` provider.

mod deployment_v1;
mod horizontal_pod_autoscaler_v2;
mod ingress_v1;
mod manifest;
mod meta;
mod namespace_v1;
mod network_policy_v1;
mod pod_disruption_budget_v1;
mod provider;
mod service_account_v1;
mod service_v1;

pub use deployment_v1::{
    Capabilities, Container, ContainerPort, ContainerSecurityContext, DeploymentSpec,
    DeploymentStrategy, DeploymentV1, EnvVar, EnvVarSource, FieldRef, HttpGet, PodSecurityContext,
    PodSpec, PodTemplate, Probe, ResourceRequirements, RollingUpdate, SeccompProfile,
    TopologySpreadConstraint,
};
pub use horizontal_pod_autoscaler_v2::{
    HorizontalPodAutoscalerV2, HpaSpec, MetricSpec, MetricTarget, ResourceMetric, ScaleTargetRef,
};
pub use ingress_v1::{
    IngressBackend, IngressServiceBackend, IngressSpec, IngressV1, ServicePortRef,
};
pub use manifest::Manifest;
pub use meta::{ClusterObjectMeta, LabelSelector, ObjectMeta};
pub use namespace_v1::NamespaceV1;
pub use network_policy_v1::{
    NetworkPolicyIngressRule, NetworkPolicyPort, NetworkPolicySpec, NetworkPolicyV1,
};
pub use pod_disruption_budget_v1::{PodDisruptionBudgetSpec, PodDisruptionBudgetV1};
pub use provider::KubernetesProvider;
pub use service_account_v1::ServiceAccountV1;
pub use service_v1::{ServicePort, ServiceSpec, ServiceV1};
