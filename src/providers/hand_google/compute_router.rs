use serde::Serialize;

use crate::tf::{Expr, Ref, Resource, Value};

/// A Cloud Router, here the control plane of a Cloud NAT (`google_compute_router`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComputeRouter {
    /// The router's name.
    pub name: Value<String>,
    /// The network it serves.
    pub network: Value<String>,
    /// The region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Value<String>>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// Free text shown in the console.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Value<String>>,
}

impl Resource for ComputeRouter {
    const TYPE: &'static str = "google_compute_router";
    crate::serde_body!();
}

impl Ref<ComputeRouter> {
    /// The router's name.
    pub fn name(&self) -> Expr<String> {
        self.attr("name")
    }
}
