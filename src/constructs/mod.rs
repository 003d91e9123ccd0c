//! Constructs: the typed domain model. Each has production defaults (with
//! the reason for each in its doc comment) and adds provider resources to a
//! stack.

mod alerting;
mod cidr;
mod cluster;
mod frontend;
pub mod names;
mod network;
mod node_identity;
mod node_pool;
mod project_services;
mod registry;
mod web_service;

pub use alerting::{AlertingRefs, UptimeAlerting, channel_name, channel_names};
pub use cidr::{Cidr, CidrError};
pub use cluster::{AuthorizedNetwork, Cluster, MaintenanceWindow, ReleaseChannel};
pub use frontend::{Armor, DEFAULT_RULE_PRIORITY, Frontend, FrontendRefs};
pub use network::{
    HEALTH_CHECK_RANGES, HealthCheckFirewall, Network, NetworkRefs, PODS_RANGE, SERVICES_RANGE,
};
pub use node_identity::{NODE_ROLE, NodeIdentity};
pub use node_pool::{NodePool, PoolSize};
pub use project_services::{ProjectServices, ProjectServicesRefs};
pub use registry::{Registry, RegistryRefs};
pub use web_service::{Https, NONROOT_ID, PodResources, WebService};
