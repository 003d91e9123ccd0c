use serde::Serialize;

use super::ObjectMeta;
use crate::tf::{Resource, Value};

/// A HorizontalPodAutoscaler, `autoscaling/v2`
/// (`kubernetes_horizontal_pod_autoscaler_v2`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HorizontalPodAutoscalerV2 {
    /// Name, namespace, labels.
    pub metadata: ObjectMeta,
    /// Bounds and metrics.
    pub spec: HpaSpec,
}

/// What is scaled and on what (`spec` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HpaSpec {
    /// Fewest replicas.
    pub min_replicas: u32,
    /// Most replicas.
    pub max_replicas: u32,
    /// The workload scaled.
    pub scale_target_ref: ScaleTargetRef,
    /// The metrics scaled on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub metric: Vec<MetricSpec>,
}

/// The scaled workload (`scale_target_ref` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScaleTargetRef {
    /// `apps/v1`.
    pub api_version: String,
    /// `Deployment`.
    pub kind: String,
    /// Its name.
    pub name: Value<String>,
}

/// One metric (`metric` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricSpec {
    /// `Resource`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A resource metric.
    pub resource: ResourceMetric,
}

/// A resource metric (`resource` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceMetric {
    /// `cpu` or `memory`.
    pub name: String,
    /// The target.
    pub target: MetricTarget,
}

/// A metric target (`target` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricTarget {
    /// `Utilization`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Percent of the pods' requests.
    pub average_utilization: u32,
}

impl Resource for HorizontalPodAutoscalerV2 {
    const TYPE: &'static str = "kubernetes_horizontal_pod_autoscaler_v2";
    crate::serde_body!();
}
