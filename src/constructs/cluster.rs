use std::collections::BTreeMap;

use serde::Deserialize;

use crate::constructs::Cidr;
use crate::providers::google::google_container_cluster::{
    AddonsConfig, AddonsConfigHorizontalPodAutoscaling, AddonsConfigHttpLoadBalancing,
    AuthenticatorGroupsConfig, IpAllocationPolicy, LoggingConfig, MaintenancePolicy,
    MaintenancePolicyRecurringWindow, MasterAuthorizedNetworksConfig,
    MasterAuthorizedNetworksConfigCidrBlocks, MonitoringConfig, MonitoringConfigManagedPrometheus,
    PrivateClusterConfig, WorkloadIdentityConfig,
};
use crate::providers::google::{
    GoogleComputeNetwork, GoogleComputeNetworkRef, GoogleComputeSubnetwork,
    GoogleComputeSubnetworkRef, GoogleContainerCluster, google_container_cluster,
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

/// How quickly a cluster gets new GKE versions (the `channel` of
/// `google_container_cluster`'s `release_channel` block).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReleaseChannel {
    /// Newest versions first; for testing.
    Rapid,
    /// A few weeks after rapid; a balance of features and stability.
    Regular,
    /// Months after regular; the most proven versions.
    Stable,
}

impl ReleaseChannel {
    /// The name the provider takes, e.g. `REGULAR`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseChannel::Rapid => "RAPID",
            ReleaseChannel::Regular => "REGULAR",
            ReleaseChannel::Stable => "STABLE",
        }
    }
}

/// A regional GKE cluster with private nodes, hardened along GKE's
/// guidance. Its default node pool is removed: pools are added separately
/// with [`NodePool`](crate::constructs::NodePool).
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// The logical name its Terraform addresses are built from (see
    /// [`crate::constructs::scoped`]), so several coexist in one root.
    /// Address: `google_container_cluster.SCOPE`.
    pub scope: String,
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
    /// Google Groups for RBAC: the `gke-security-groups@<domain>` group,
    /// so RoleBindings can name Google Groups; none when `None`.
    pub security_group: Option<String>,
}

impl Cluster {
    /// Adds the cluster; it waits for `after` (the APIs).
    pub fn add_to(&self, stack: &mut Stack, after: Vec<Dependency>) -> Ref<GoogleContainerCluster> {
        let cluster = GoogleContainerCluster {
            location: Some(self.region.as_str().into()),
            project: Some(self.project.clone()),
            description: Some(format!("{} web service", self.name).into()),
            node_locations: (!self.zones.is_empty()).then(|| self.zones.clone().into()),
            network: Some(self.network.self_link().into()),
            subnetwork: Some(self.subnetwork.self_link().into()),
            // VPC-native: pods get routable alias IPs, which container-native
            // load balancing (NEGs) needs.
            networking_mode: Some("VPC_NATIVE".into()),
            // The default pool cannot be configured well; it is removed and
            // replaced by managed pools. GKE still needs one node to create it.
            remove_default_node_pool: Some(true.into()),
            initial_node_count: Some(1.into()),
            // Dataplane V2: network policy enforced in eBPF, no extra add-on.
            datapath_provider: Some("ADVANCED_DATAPATH".into()),
            // Intranode visibility: traffic between pods on one node goes
            // through the VPC too, so the subnet's flow logs and the
            // firewall see all of it, not only what crosses nodes. An
            // in-place update of a running cluster.
            enable_intranode_visibility: Some(true.into()),
            // Access granted to Google Groups is revoked where people leave
            // the group, not in every cluster's RoleBindings.
            authenticator_groups_config: self
                .security_group
                .as_ref()
                .map(|g| AuthenticatorGroupsConfig::new(g.as_str())),
            // Shielded nodes: node identity is verified before it joins.
            enable_shielded_nodes: Some(true.into()),
            deletion_protection: Some(self.deletion_protection.into()),
            resource_labels: (!self.labels.is_empty()).then(|| self.labels.clone().into()),
            addons_config: Some(AddonsConfig {
                // The GCE ingress controller runs the HTTP(S) load balancer.
                http_load_balancing: Some(AddonsConfigHttpLoadBalancing {
                    disabled: false.into(),
                }),
                // The HPA scales the deployment on CPU.
                horizontal_pod_autoscaling: Some(AddonsConfigHorizontalPodAutoscaling {
                    disabled: false.into(),
                }),
                ..AddonsConfig::default()
            }),
            ip_allocation_policy: Some(IpAllocationPolicy {
                cluster_secondary_range_name: Some(super::network::PODS_RANGE.into()),
                services_secondary_range_name: Some(super::network::SERVICES_RANGE.into()),
                ..IpAllocationPolicy::default()
            }),
            // Workload logs too: the app logs to stdout, never to disk.
            logging_config: Some(LoggingConfig::new(vec!["SYSTEM_COMPONENTS", "WORKLOADS"])),
            maintenance_policy: self.maintenance.as_ref().map(|m| MaintenancePolicy {
                recurring_window: Some(MaintenancePolicyRecurringWindow {
                    start_time: m.start.as_str().into(),
                    end_time: m.end.as_str().into(),
                    recurrence: m.recurrence.as_str().into(),
                }),
                ..MaintenancePolicy::default()
            }),
            // An allow-list on the public endpoint: kubectl from known
            // networks only; Google's own ranges are not let in.
            master_authorized_networks_config: Some(MasterAuthorizedNetworksConfig {
                gcp_public_cidrs_access_enabled: Some(false.into()),
                cidr_blocks: self
                    .authorized_networks
                    .iter()
                    .map(|n| MasterAuthorizedNetworksConfigCidrBlocks {
                        display_name: Some(n.name.as_str().into()),
                        ..MasterAuthorizedNetworksConfigCidrBlocks::new(n.cidr.to_string())
                    })
                    .collect(),
                ..MasterAuthorizedNetworksConfig::default()
            }),
            monitoring_config: Some(MonitoringConfig {
                enable_components: Some(vec!["SYSTEM_COMPONENTS"].into()),
                // Managed Prometheus: app metrics without running Prometheus.
                managed_prometheus: Some(MonitoringConfigManagedPrometheus::new(true)),
                ..MonitoringConfig::default()
            }),
            // Private nodes: no public IPs on nodes; egress goes through
            // Cloud NAT. The endpoint stays public, behind the allow-list,
            // so operators need no bastion.
            private_cluster_config: Some(PrivateClusterConfig {
                enable_private_nodes: Some(true.into()),
                enable_private_endpoint: Some(false.into()),
                master_ipv4_cidr_block: Some(self.master_cidr.to_string().into()),
                ..PrivateClusterConfig::default()
            }),
            release_channel: Some(google_container_cluster::ReleaseChannel::new(
                self.release_channel.as_str(),
            )),
            // Workload Identity: pods act as Google service accounts without
            // keys, and cannot borrow the nodes' identity.
            workload_identity_config: Some(WorkloadIdentityConfig {
                workload_pool: Some(format!("{}.svc.id.goog", self.project_id).into()),
            }),
            ..GoogleContainerCluster::new(self.name.as_str())
        };
        stack.add_with(
            self.scope.as_str(),
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
