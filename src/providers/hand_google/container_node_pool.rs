use std::collections::BTreeMap;

use serde::Serialize;

use crate::tf::{Resource, Value};

/// A GKE node pool (`google_container_node_pool`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerNodePool {
    /// The pool's name.
    pub name: Value<String>,
    /// The cluster this pool belongs to.
    pub cluster: Value<String>,
    /// The cluster's location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Value<String>>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// Zones the pool's nodes run in; the cluster's when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub node_locations: Vec<String>,
    /// Nodes per zone at creation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_node_count: Option<u32>,
    /// A fixed size per zone; must be left out when autoscaling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_count: Option<u32>,
    /// Autoscaling bounds; a fixed size when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Autoscaling>,
    /// Automatic repair and upgrade.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub management: Option<Management>,
    /// The nodes themselves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_config: Option<NodeConfig>,
    /// How upgrades replace nodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upgrade_settings: Option<UpgradeSettings>,
}

/// Node pool autoscaling (`autoscaling` block). Set either the per-zone or
/// the total bounds, not both.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Autoscaling {
    /// Fewest nodes in each zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_node_count: Option<u32>,
    /// Most nodes in each zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_node_count: Option<u32>,
    /// Fewest nodes across all zones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_min_node_count: Option<u32>,
    /// Most nodes across all zones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_max_node_count: Option<u32>,
    /// `BALANCED` spreads nodes over zones; `ANY` takes capacity anywhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_policy: Option<String>,
}

/// Automatic node maintenance (`management` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Management {
    /// Recreate nodes that fail health checks.
    pub auto_repair: bool,
    /// Upgrade nodes along with the control plane.
    pub auto_upgrade: bool,
}

/// Surge upgrades (`upgrade_settings` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpgradeSettings {
    /// `SURGE` or `BLUE_GREEN`.
    pub strategy: String,
    /// Extra nodes created during an upgrade.
    pub max_surge: u32,
    /// Nodes that may be unavailable during an upgrade.
    pub max_unavailable: u32,
}

/// The nodes of a pool (`node_config` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeConfig {
    /// e.g. `e2-medium`.
    pub machine_type: String,
    /// Boot disk size.
    pub disk_size_gb: u32,
    /// `pd-standard`, `pd-balanced` or `pd-ssd`.
    pub disk_type: String,
    /// `COS_CONTAINERD`: Container-Optimized OS with containerd.
    pub image_type: String,
    /// The service account the nodes run as.
    pub service_account: Value<String>,
    /// OAuth scopes; access is limited by IAM roles, not scopes.
    pub oauth_scopes: Vec<String>,
    /// Kubernetes labels on the nodes.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Labels on the nodes' VMs.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub resource_labels: BTreeMap<String, String>,
    /// Spot VMs: cheaper, may be taken back at any time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spot: Option<bool>,
    /// Instance metadata.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    /// Secure boot and integrity monitoring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shielded_instance_config: Option<ShieldedInstanceConfig>,
    /// What pods see of the metadata server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workload_metadata_config: Option<WorkloadMetadataConfig>,
}

/// Shielded VM settings (`shielded_instance_config` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShieldedInstanceConfig {
    /// Only signed boot components run.
    pub enable_secure_boot: bool,
    /// Boot integrity is measured and compared with a baseline.
    pub enable_integrity_monitoring: bool,
}

/// The metadata server pods see (`workload_metadata_config` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkloadMetadataConfig {
    /// `GKE_METADATA`: the Workload Identity metadata server.
    pub mode: String,
}

impl Resource for ContainerNodePool {
    const TYPE: &'static str = "google_container_node_pool";
    crate::serde_body!();
}
