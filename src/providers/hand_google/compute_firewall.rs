use std::collections::BTreeSet;

use serde::Serialize;

use crate::tf::{Resource, Value};

/// A VPC firewall rule (`google_compute_firewall`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComputeFirewall {
    /// The rule's name.
    pub name: Value<String>,
    /// The network it applies to.
    pub network: Value<String>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// Free text shown in the console.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Value<String>>,
    /// `INGRESS` or `EGRESS`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// Lower numbers win; 1000 by default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u32>,
    /// Where ingress traffic may come from.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub source_ranges: BTreeSet<String>,
    /// Which instances the rule applies to, by service account.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub target_service_accounts: Vec<Value<String>>,
    /// What is allowed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<FirewallRule>,
    /// Firewall rule logging.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_config: Option<FirewallLogConfig>,
}

/// A protocol and its ports (`allow` / `deny` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirewallRule {
    /// `tcp`, `udp`, `icmp`, ...
    pub protocol: String,
    /// Ports or ranges, e.g. `8080` or `30000-32767`; all when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<String>,
}

/// What a firewall rule logs (`log_config` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirewallLogConfig {
    /// `INCLUDE_ALL_METADATA` or `EXCLUDE_ALL_METADATA`.
    pub metadata: String,
}

impl Resource for ComputeFirewall {
    const TYPE: &'static str = "google_compute_firewall";
    crate::serde_body!();
}
