use std::collections::BTreeMap;

use crate::constructs::Cidr;
use crate::providers::google::{
    GoogleComputeNetwork, GoogleComputeNetworkRef, GoogleComputeSubnetwork,
    GoogleComputeSubnetworkRef,
};
use crate::providers::hand_google::{
    AddonsConfig, CidrBlock, ComponentsConfig, ContainerCluster, Disabled, Enabled,
    IpAllocationPolicy, MaintenancePolicy, MasterAuthorizedNetworksConfig, MonitoringConfig,
    PrivateClusterConfig, RecurringWindow, ReleaseChannel, ReleaseChannelConfig,
    WorkloadIdentityConfig,
};
use crate::tf::{Dependency, Meta, Ref, Stack, Timeouts, Value};

/// A network allowed to reach the cluster's control plane.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorizedNetwork {
    /// The range.
    pub cidr: Cidr,
    /// Why it is allowed, shown in the console.
    pub name: String,
}

/// A recurring maintenance window.
#[derive(Debug, Clone, PartialEq)]
pub struct MaintenanceWindow {
    /// First start, RFC 3339 (`2025-01-04T03:00:00Z`).
    pub start: String,
    /// First end; the window lasts end minus start.
    pub end: String,
    /// RFC 5545 recurrence (`FREQ=WEEKLY;BYDAY=SA,SU`).
    pub recurrence: String,
}

/// A regional GKE cluster with private nodes, hardened along GKE's
/// guidance. Its default node pool is removed: pools are added separately
/// with [`NodePool`](crate::constructs::NodePool).
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// The cluster's name.
    pub name: String,
    /// The project id (a literal: the Workload Identity pool is named after it).
    pub project_id: String,
    /// The project, usually `var.project_id`.
    pub project: Value<String>,
    /// The region: a regional control plane survives the loss of a zone.
    pub region: String,
    /// Zones the nodes run in.
    pub zones: Vec<String>,
    /// The network and subnetwork (with `pods` and `services` ranges).
    pub network: Ref<GoogleComputeNetwork>,
    /// The nodes' subnetwork.
    pub subnetwork: Ref<GoogleComputeSubnetwork>,
    /// The control plane's private /28.
    pub master_cidr: Cidr,
    /// Who may reach the control plane's public endpoint.
    pub authorized_networks: Vec<AuthorizedNetwork>,
    /// How quickly GKE versions arrive.
    pub release_channel: ReleaseChannel,
    /// When GKE may do disruptive maintenance; any time when `None`.
    pub maintenance: Option<MaintenanceWindow>,
    /// Refuse `terraform destroy` of the cluster.
    pub deletion_protection: bool,
    /// Labels on the cluster's Google Cloud resources.
    pub labels: BTreeMap<String, String>,
}

impl Cluster {
    /// Adds the cluster; it waits for `after` (the APIs).
    pub fn add_to(&self, stack: &mut Stack, after: Vec<Dependency>) -> Ref<ContainerCluster> {
        let cluster = ContainerCluster {
            project: Some(self.project.clone()),
            description: Some(format!("{} web service", self.name).into()),
            node_locations: self.zones.clone(),
            network: Some(self.network.self_link().into()),
            subnetwork: Some(self.subnetwork.self_link().into()),
            // VPC-native: pods get routable alias IPs, which container-native
            // load balancing (NEGs) needs.
            networking_mode: Some("VPC_NATIVE".to_owned()),
            // The default pool cannot be configured well; it is removed and
            // replaced by managed pools. GKE still needs one node to create it.
            remove_default_node_pool: Some(true),
            initial_node_count: Some(1),
            // Dataplane V2: network policy enforced in eBPF, no extra add-on.
            datapath_provider: Some("ADVANCED_DATAPATH".to_owned()),
            // Shielded nodes: node identity is verified before it joins.
            enable_shielded_nodes: Some(true),
            deletion_protection: Some(self.deletion_protection),
            resource_labels: self.labels.clone(),
            addons_config: Some(AddonsConfig {
                // The GCE ingress controller runs the HTTP(S) load balancer.
                http_load_balancing: Some(Disabled { disabled: false }),
                // The HPA scales the deployment on CPU.
                horizontal_pod_autoscaling: Some(Disabled { disabled: false }),
            }),
            ip_allocation_policy: Some(IpAllocationPolicy {
                cluster_secondary_range_name: super::network::PODS_RANGE.to_owned(),
                services_secondary_range_name: super::network::SERVICES_RANGE.to_owned(),
            }),
            // Workload logs too: the app logs to stdout, never to disk.
            logging_config: Some(ComponentsConfig {
                enable_components: vec!["SYSTEM_COMPONENTS".into(), "WORKLOADS".into()],
            }),
            maintenance_policy: self.maintenance.as_ref().map(|m| MaintenancePolicy {
                recurring_window: RecurringWindow {
                    start_time: m.start.clone(),
                    end_time: m.end.clone(),
                    recurrence: m.recurrence.clone(),
                },
            }),
            // An allow-list on the public endpoint: kubectl from known
            // networks only; Google's own ranges are not let in.
            master_authorized_networks_config: Some(MasterAuthorizedNetworksConfig {
                gcp_public_cidrs_access_enabled: Some(false),
                cidr_blocks: self
                    .authorized_networks
                    .iter()
                    .map(|n| CidrBlock {
                        cidr_block: n.cidr.to_string(),
                        display_name: Some(n.name.clone()),
                    })
                    .collect(),
            }),
            monitoring_config: Some(MonitoringConfig {
                enable_components: vec!["SYSTEM_COMPONENTS".into()],
                // Managed Prometheus: app metrics without running Prometheus.
                managed_prometheus: Some(Enabled { enabled: true }),
            }),
            // Private nodes: no public IPs on nodes; egress goes through
            // Cloud NAT. The endpoint stays public, behind the allow-list,
            // so operators need no bastion.
            private_cluster_config: Some(PrivateClusterConfig {
                enable_private_nodes: true,
                enable_private_endpoint: false,
                master_ipv4_cidr_block: Some(self.master_cidr.to_string()),
                master_global_access_config: None,
            }),
            release_channel: Some(ReleaseChannelConfig {
                channel: self.release_channel,
            }),
            // Workload Identity: pods act as Google service accounts without
            // keys, and cannot borrow the nodes' identity.
            workload_identity_config: Some(WorkloadIdentityConfig {
                workload_pool: format!("{}.svc.id.goog", self.project_id).into(),
            }),
            ..ContainerCluster::new(self.name.as_str(), self.region.as_str())
        };
        stack.add_with(
            "primary",
            cluster,
            Meta {
                depends_on: after,
                // A new regional cluster reconciles for a while after it is
                // "created"; generous timeouts let the apply wait it out.
                timeouts: Some(Timeouts {
                    create: Some("45m".to_owned()),
                    update: Some("60m".to_owned()),
                    delete: Some("45m".to_owned()),
                    read: None,
                }),
                ..Meta::default()
            },
        )
    }
}
