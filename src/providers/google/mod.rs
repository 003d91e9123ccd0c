//! The `hashicorp/google` provider.

mod compute_network;
mod compute_subnetwork;
mod project_service;
mod provider;

pub use compute_network::{ComputeNetwork, RoutingMode};
pub use compute_subnetwork::{ComputeSubnetwork, SecondaryIpRange, SubnetworkLogConfig};
pub use project_service::ProjectService;
pub use provider::{GoogleProvider, REQUIRED, required};
