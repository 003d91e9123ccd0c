//! The `hashicorp/google` provider.

mod artifact_registry_repository_iam_member;
mod compute_firewall;
mod compute_network;
mod compute_router;
mod compute_router_nat;
mod compute_subnetwork;
mod container_cluster;
mod container_node_pool;
mod project_iam_member;
mod project_service;
mod provider;
mod service_account;

pub use artifact_registry_repository_iam_member::ArtifactRegistryRepositoryIamMember;
pub use compute_firewall::{ComputeFirewall, FirewallLogConfig, FirewallRule};
pub use compute_network::{ComputeNetwork, RoutingMode};
pub use compute_router::ComputeRouter;
pub use compute_router_nat::{ComputeRouterNat, RouterNatLogConfig};
pub use compute_subnetwork::{ComputeSubnetwork, SecondaryIpRange, SubnetworkLogConfig};
pub use container_cluster::{
    AddonsConfig, CidrBlock, ComponentsConfig, ContainerCluster, Disabled, Enabled,
    IpAllocationPolicy, MaintenancePolicy, MasterAuthorizedNetworksConfig, MonitoringConfig,
    PrivateClusterConfig, RecurringWindow, ReleaseChannel, ReleaseChannelConfig,
    WorkloadIdentityConfig,
};
pub use container_node_pool::{
    Autoscaling, ContainerNodePool, Management, NodeConfig, ShieldedInstanceConfig,
    UpgradeSettings, WorkloadMetadataConfig,
};
pub use project_iam_member::ProjectIamMember;
pub use project_service::ProjectService;
pub use provider::{GoogleProvider, REQUIRED, required};
pub use service_account::ServiceAccount;
