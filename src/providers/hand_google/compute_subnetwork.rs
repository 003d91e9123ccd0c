use serde::Serialize;

use crate::tf::{Expr, Ref, Resource, Value};

/// A regional subnetwork of a VPC network (`google_compute_subnetwork`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComputeSubnetwork {
    /// The subnetwork's name, unique in the region.
    pub name: Value<String>,
    /// The network it belongs to (name or self link).
    pub network: Value<String>,
    /// The primary range, e.g. `10.10.0.0/20`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_cidr_range: Option<Value<String>>,
    /// The region; the provider's region when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Value<String>>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// Free text shown in the console.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Value<String>>,
    /// Whether VMs without external IPs may reach Google APIs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_ip_google_access: Option<bool>,
    /// Named extra ranges, e.g. for GKE pods and services.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secondary_ip_range: Vec<SecondaryIpRange>,
    /// VPC flow logs; off when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_config: Option<SubnetworkLogConfig>,
}

impl ComputeSubnetwork {
    /// A subnetwork called `name` in `network`, every optional setting left out.
    pub fn new(name: impl Into<Value<String>>, network: impl Into<Value<String>>) -> Self {
        ComputeSubnetwork {
            name: name.into(),
            network: network.into(),
            ip_cidr_range: None,
            region: None,
            project: None,
            description: None,
            private_ip_google_access: None,
            secondary_ip_range: Vec::new(),
            log_config: None,
        }
    }
}

/// A named secondary range of a subnetwork (`secondary_ip_range` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecondaryIpRange {
    /// The range's name, which GKE refers to.
    pub range_name: String,
    /// The range, e.g. `10.20.0.0/14`.
    pub ip_cidr_range: Value<String>,
}

/// VPC flow log settings of a subnetwork (`log_config` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubnetworkLogConfig {
    /// How long flows are aggregated, e.g. `INTERVAL_5_SEC`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aggregation_interval: Option<String>,
    /// Fraction of flows logged, from 0 to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow_sampling: Option<f64>,
    /// Which metadata is logged, e.g. `INCLUDE_ALL_METADATA`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
}

impl Resource for ComputeSubnetwork {
    const TYPE: &'static str = "google_compute_subnetwork";
    crate::serde_body!();
}

impl Ref<ComputeSubnetwork> {
    /// The subnetwork's name.
    pub fn name(&self) -> Expr<String> {
        self.attr("name")
    }
    /// The subnetwork's URI.
    pub fn self_link(&self) -> Expr<String> {
        self.attr("self_link")
    }
}
