use serde::Serialize;

use super::{LabelSelector, ObjectMeta};
use crate::tf::Resource;

/// A NetworkPolicy (`kubernetes_network_policy_v1`); enforced by
/// Dataplane V2.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkPolicyV1 {
    /// Name, namespace, labels.
    pub metadata: ObjectMeta,
    /// The policy.
    pub spec: NetworkPolicySpec,
}

/// What a policy allows (`spec` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkPolicySpec {
    /// The pods it applies to.
    pub pod_selector: LabelSelector,
    /// `Ingress`, `Egress`.
    pub policy_types: Vec<String>,
    /// Allowed incoming traffic; everything else is dropped.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<NetworkPolicyIngressRule>,
}

/// One allowed kind of incoming traffic (`ingress` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkPolicyIngressRule {
    /// The ports.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<NetworkPolicyPort>,
}

/// A port (`ports` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkPolicyPort {
    /// The port, by number or name.
    pub port: String,
    /// `TCP`.
    pub protocol: String,
}

impl Resource for NetworkPolicyV1 {
    const TYPE: &'static str = "kubernetes_network_policy_v1";
    crate::serde_body!();
}
