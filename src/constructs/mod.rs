//! Constructs: the typed domain model. Each has production defaults (with
//! the reason for each in its doc comment) and adds provider resources to a
//! stack.

mod alerting;
mod cidr;
mod cluster;
mod frontend;
mod ingress;
pub mod names;
mod network;
mod node_identity;
mod node_pool;
mod project_services;
mod registry;
mod web_service;
mod workload_identity;

pub use alerting::{
    AlertingRefs, EmailChannels, ServedBy, UptimeAlerting, channel_name, channel_names,
};
pub use cidr::{Cidr, CidrError};
pub use cluster::{AuthorizedNetwork, Cluster, MaintenanceWindow, ReleaseChannel};
pub use frontend::{Armor, DEFAULT_RULE_PRIORITY, Frontend, FrontendRefs, MAX_CERTIFICATES};
pub use ingress::{Ingress, Route};
pub use network::{
    HEALTH_CHECK_RANGES, HealthCheckFirewall, Network, NetworkRefs, PODS_RANGE, SERVICES_RANGE,
};
pub use node_identity::{NODE_ROLE, NodeIdentity};
pub use node_pool::{NodePool, PoolSize};
pub use project_services::{ProjectServices, ProjectServicesRefs};
pub use registry::{Registry, RegistryRefs};
/// The address name of one object a construct adds: `scope` itself for
/// its main object of a type, `scope_role` for the others (`vpc`,
/// `vpc_nodes`). Every construct takes a `scope`, so any number of
/// instances coexist in one root under readable, stable names; two with
/// one scope collide, and synth refuses the duplicate address.
pub fn scoped(scope: &str, role: &str) -> String {
    format!("{scope}_{role}")
}

pub use web_service::{
    Https, NONROOT_ID, Namespace, NamespaceRefs, PodResources, SERVICE_PORT, WebService,
    WebServiceRefs,
};
pub use workload_identity::{KubernetesServiceAccount, WorkloadIdentity};
