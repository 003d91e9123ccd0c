//! Constructs: the typed domain model. Each has production defaults (with
//! the reason for each in its doc comment) and adds provider resources to a
//! stack.

mod cidr;
mod network;
mod project_services;

pub use cidr::{Cidr, CidrError};
pub use network::{Network, NetworkRefs};
pub use project_services::{ProjectServices, ProjectServicesRefs};
