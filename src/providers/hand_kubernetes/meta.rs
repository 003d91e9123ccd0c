use std::collections::BTreeMap;

use serde::Serialize;

use crate::tf::Value;

/// Kubernetes object metadata (`metadata` block).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ObjectMeta {
    /// The object's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Value<String>>,
    /// Its namespace, for namespaced objects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<Value<String>>,
    /// Labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, Value<String>>,
}

/// Metadata of a cluster-scoped object, which has no namespace
/// (`metadata` block of e.g. `kubernetes_namespace_v1`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ClusterObjectMeta {
    /// The object's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Value<String>>,
    /// Labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, Value<String>>,
}

/// Selects objects by label (`selector` / `pod_selector` / `label_selector` block).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LabelSelector {
    /// Labels that must all match.
    pub match_labels: BTreeMap<String, String>,
}
