use serde::Serialize;

use super::{LabelSelector, ObjectMeta};
use crate::tf::Resource;

/// A PodDisruptionBudget (`kubernetes_pod_disruption_budget_v1`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PodDisruptionBudgetV1 {
    /// Name, namespace, labels.
    pub metadata: ObjectMeta,
    /// The budget.
    pub spec: PodDisruptionBudgetSpec,
}

/// How many pods voluntary disruptions may take (`spec` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PodDisruptionBudgetSpec {
    /// At most this many (or percent) unavailable at once.
    pub max_unavailable: String,
    /// The pods covered.
    pub selector: LabelSelector,
}

impl Resource for PodDisruptionBudgetV1 {
    const TYPE: &'static str = "kubernetes_pod_disruption_budget_v1";
    crate::serde_body!();
}
