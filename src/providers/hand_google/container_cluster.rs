use std::collections::BTreeMap;

use serde::Serialize;

use crate::tf::{Expr, Ref, Resource, Value};

/// A GKE cluster (`google_container_cluster`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerCluster {
    /// The cluster's name.
    pub name: Value<String>,
    /// A region (regional cluster) or a zone (zonal cluster).
    pub location: Value<String>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// Free text shown in the console.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Value<String>>,
    /// Zones the nodes run in; the region's default zones when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub node_locations: Vec<String>,
    /// The VPC network.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<Value<String>>,
    /// The subnetwork the nodes use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnetwork: Option<Value<String>>,
    /// `VPC_NATIVE` (alias IPs) or `ROUTES`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub networking_mode: Option<String>,
    /// Delete the default node pool once the cluster exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remove_default_node_pool: Option<bool>,
    /// Nodes of the default pool (per zone); needed even when it is removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_node_count: Option<u32>,
    /// `ADVANCED_DATAPATH` is Dataplane V2 (eBPF, network policy built in).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datapath_provider: Option<String>,
    /// Shielded GKE nodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_shielded_nodes: Option<bool>,
    /// Refuse `terraform destroy` of the cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<bool>,
    /// Labels on the cluster's Google Cloud resources.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub resource_labels: BTreeMap<String, String>,
    /// Add-ons.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addons_config: Option<AddonsConfig>,
    /// Pod and service ranges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_allocation_policy: Option<IpAllocationPolicy>,
    /// Which logs go to Cloud Logging.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logging_config: Option<ComponentsConfig>,
    /// When GKE may do maintenance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maintenance_policy: Option<MaintenancePolicy>,
    /// Who may reach the control plane's public endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_authorized_networks_config: Option<MasterAuthorizedNetworksConfig>,
    /// Which metrics go to Cloud Monitoring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monitoring_config: Option<MonitoringConfig>,
    /// Private nodes and the control plane's range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_cluster_config: Option<PrivateClusterConfig>,
    /// The release channel for automatic upgrades.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_channel: Option<ReleaseChannelConfig>,
    /// Workload Identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workload_identity_config: Option<WorkloadIdentityConfig>,
}

impl ContainerCluster {
    /// A cluster called `name` in `location`, every optional setting left out.
    pub fn new(name: impl Into<Value<String>>, location: impl Into<Value<String>>) -> Self {
        ContainerCluster {
            name: name.into(),
            location: location.into(),
            project: None,
            description: None,
            node_locations: Vec::new(),
            network: None,
            subnetwork: None,
            networking_mode: None,
            remove_default_node_pool: None,
            initial_node_count: None,
            datapath_provider: None,
            enable_shielded_nodes: None,
            deletion_protection: None,
            resource_labels: BTreeMap::new(),
            addons_config: None,
            ip_allocation_policy: None,
            logging_config: None,
            maintenance_policy: None,
            master_authorized_networks_config: None,
            monitoring_config: None,
            private_cluster_config: None,
            release_channel: None,
            workload_identity_config: None,
        }
    }
}

/// Cluster add-ons (`addons_config` block).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AddonsConfig {
    /// The GCE ingress controller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_load_balancing: Option<Disabled>,
    /// The horizontal pod autoscaler.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub horizontal_pod_autoscaling: Option<Disabled>,
}

/// An add-on switch written as `disabled = ...`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disabled {
    /// Whether the add-on is off.
    pub disabled: bool,
}

/// A switch written as `enabled = ...`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Enabled {
    /// Whether the feature is on.
    pub enabled: bool,
}

/// Pod and service ranges of a VPC-native cluster (`ip_allocation_policy` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IpAllocationPolicy {
    /// The subnetwork's secondary range for pods.
    pub cluster_secondary_range_name: String,
    /// The subnetwork's secondary range for services.
    pub services_secondary_range_name: String,
}

/// Which components log or report (`logging_config` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentsConfig {
    /// e.g. `SYSTEM_COMPONENTS`, `WORKLOADS`.
    pub enable_components: Vec<String>,
}

/// Monitoring of the cluster (`monitoring_config` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonitoringConfig {
    /// e.g. `SYSTEM_COMPONENTS`.
    pub enable_components: Vec<String>,
    /// Google Cloud Managed Service for Prometheus.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managed_prometheus: Option<Enabled>,
}

/// When maintenance may happen (`maintenance_policy` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaintenancePolicy {
    /// A recurring window.
    pub recurring_window: RecurringWindow,
}

/// A recurring maintenance window (`recurring_window` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecurringWindow {
    /// First start, RFC 3339, e.g. `2025-01-04T03:00:00Z`.
    pub start_time: String,
    /// First end; the window's length is end minus start.
    pub end_time: String,
    /// An RFC 5545 RRULE, e.g. `FREQ=WEEKLY;BYDAY=SA,SU`.
    pub recurrence: String,
}

/// Networks allowed to reach the control plane (`master_authorized_networks_config` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MasterAuthorizedNetworksConfig {
    /// Whether Google Cloud's public IP ranges may reach it too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gcp_public_cidrs_access_enabled: Option<bool>,
    /// The allowed ranges.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cidr_blocks: Vec<CidrBlock>,
}

/// One allowed range (`cidr_blocks` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CidrBlock {
    /// The range, e.g. `203.0.113.0/24`.
    pub cidr_block: String,
    /// Why it is allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// Private nodes (`private_cluster_config` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrivateClusterConfig {
    /// Nodes get no public IPs.
    pub enable_private_nodes: bool,
    /// The control plane has no public endpoint at all.
    pub enable_private_endpoint: bool,
    /// The control plane's /28 range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_ipv4_cidr_block: Option<String>,
    /// Whether the private endpoint is reachable from other regions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_global_access_config: Option<Enabled>,
}

/// The release channel (`release_channel` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseChannelConfig {
    /// The channel.
    pub channel: ReleaseChannel,
}

/// How quickly a cluster gets new GKE versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReleaseChannel {
    /// Newest versions first; for testing.
    Rapid,
    /// A few weeks after rapid; a balance of features and stability.
    Regular,
    /// Months after regular; the most proven versions.
    Stable,
}

/// Workload Identity (`workload_identity_config` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkloadIdentityConfig {
    /// `PROJECT_ID.svc.id.goog`.
    pub workload_pool: Value<String>,
}

impl Resource for ContainerCluster {
    const TYPE: &'static str = "google_container_cluster";
    crate::serde_body!();
}

impl Ref<ContainerCluster> {
    /// The cluster's name.
    pub fn name(&self) -> Expr<String> {
        self.attr("name")
    }
    /// The cluster's location.
    pub fn location(&self) -> Expr<String> {
        self.attr("location")
    }
    /// The control plane's IP address.
    pub fn endpoint(&self) -> Expr<String> {
        self.attr("endpoint")
    }
    /// The control plane's CA certificate, base64-encoded.
    pub fn cluster_ca_certificate(&self) -> Expr<String> {
        self.at("master_auth")
            .index(0)
            .attr("cluster_ca_certificate")
            .typed()
    }
}
