//! The `hashicorp/google` provider.

mod artifact_registry_repository;
mod artifact_registry_repository_iam_member;
mod client_config;
mod compute_backend_bucket;
mod compute_firewall;
mod compute_global_address;
mod compute_global_forwarding_rule;
mod compute_managed_ssl_certificate;
mod compute_network;
mod compute_router;
mod compute_router_nat;
mod compute_security_policy;
mod compute_subnetwork;
mod compute_target_proxy;
mod compute_url_map;
mod container_cluster;
mod container_node_pool;
mod monitoring_alert_policy;
mod monitoring_notification_channel;
mod monitoring_uptime_check_config;
mod project_iam_member;
mod project_service;
mod provider;
mod service_account;
mod service_account_iam_member;
mod storage_bucket;
mod storage_bucket_iam_member;

pub use artifact_registry_repository::{
    ArtifactRegistryRepository, CleanupCondition, CleanupPolicy, DockerConfig, MostRecentVersions,
};
pub use artifact_registry_repository_iam_member::ArtifactRegistryRepositoryIamMember;
pub use client_config::ClientConfig;
pub use compute_backend_bucket::{CdnPolicy, ComputeBackendBucket};
pub use compute_firewall::{ComputeFirewall, FirewallLogConfig, FirewallRule};
pub use compute_global_address::ComputeGlobalAddress;
pub use compute_global_forwarding_rule::ComputeGlobalForwardingRule;
pub use compute_managed_ssl_certificate::{ComputeManagedSslCertificate, ManagedDomains};
pub use compute_network::{ComputeNetwork, RoutingMode};
pub use compute_router::ComputeRouter;
pub use compute_router_nat::{ComputeRouterNat, RouterNatLogConfig};
pub use compute_security_policy::{
    ComputeSecurityPolicy, RateLimitOptions, RateLimitThreshold, RuleMatch, RuleMatchConfig,
    SecurityPolicyRule,
};
pub use compute_subnetwork::{ComputeSubnetwork, SecondaryIpRange, SubnetworkLogConfig};
pub use compute_target_proxy::{ComputeTargetHttpProxy, ComputeTargetHttpsProxy};
pub use compute_url_map::{ComputeUrlMap, UrlRedirect};
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
pub use monitoring_alert_policy::{
    Aggregation, AlertCondition, AlertStrategy, ConditionThreshold, Documentation,
    MonitoringAlertPolicy, Trigger,
};
pub use monitoring_notification_channel::MonitoringNotificationChannel;
pub use monitoring_uptime_check_config::{
    ContentMatcher, HttpCheck, MonitoredResource, MonitoringUptimeCheckConfig,
};
pub use project_iam_member::ProjectIamMember;
pub use project_service::ProjectService;
pub use provider::GoogleProvider;
pub use service_account::ServiceAccount;
pub use service_account_iam_member::ServiceAccountIamMember;
pub use storage_bucket::{BucketVersioning, BucketWebsite, StorageBucket};
pub use storage_bucket_iam_member::StorageBucketIamMember;
