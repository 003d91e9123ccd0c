use serde::Serialize;

use crate::tf::{Expr, Ref, Resource, Value};

/// A VPC network (`google_compute_network`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComputeNetwork {
    /// The network's name, unique in the project.
    pub name: Value<String>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// Free text shown in the console.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Value<String>>,
    /// Whether Google creates a subnetwork in every region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_create_subnetworks: Option<bool>,
    /// How Cloud Routers learn routes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing_mode: Option<RoutingMode>,
    /// Whether the default route to the internet is deleted on creation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_default_routes_on_create: Option<bool>,
    /// Maximum transmission unit in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mtu: Option<u32>,
}

impl ComputeNetwork {
    /// A network called `name`, every optional setting left out.
    pub fn new(name: impl Into<Value<String>>) -> Self {
        ComputeNetwork {
            name: name.into(),
            project: None,
            description: None,
            auto_create_subnetworks: None,
            routing_mode: None,
            delete_default_routes_on_create: None,
            mtu: None,
        }
    }
}

/// How a network's Cloud Routers advertise routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RoutingMode {
    /// Routers advertise only subnets of their own region.
    Regional,
    /// Routers advertise subnets of all regions.
    Global,
}

impl Resource for ComputeNetwork {
    const TYPE: &'static str = "google_compute_network";
    crate::serde_body!();
}

impl Ref<ComputeNetwork> {
    /// The network's name.
    pub fn name(&self) -> Expr<String> {
        self.attr("name")
    }
    /// The network's URI, which other resources take as `network`.
    pub fn self_link(&self) -> Expr<String> {
        self.attr("self_link")
    }
}
