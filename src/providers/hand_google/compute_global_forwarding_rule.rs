use std::collections::BTreeMap;

use serde::Serialize;

use crate::tf::{Resource, Value};

/// The front door of a global load balancer: an IP and port sent to a
/// target proxy (`google_compute_global_forwarding_rule`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComputeGlobalForwardingRule {
    /// The rule's name.
    pub name: Value<String>,
    /// The target proxy.
    pub target: Value<String>,
    /// The reserved IP address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<Value<String>>,
    /// e.g. `443`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_range: Option<String>,
    /// `TCP`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_protocol: Option<String>,
    /// `EXTERNAL_MANAGED` for the global external Application Load Balancer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_balancing_scheme: Option<String>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// Labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

impl Resource for ComputeGlobalForwardingRule {
    const TYPE: &'static str = "google_compute_global_forwarding_rule";
    crate::serde_body!();
}
