use serde::Serialize;

use crate::tf::{Expr, Ref, Resource, Value};

/// A reserved global IP address, e.g. for an HTTP(S) load balancer
/// (`google_compute_global_address`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComputeGlobalAddress {
    /// The address's name.
    pub name: Value<String>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// What the address is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Value<String>>,
    /// `IPV4` or `IPV6`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_version: Option<String>,
    /// `EXTERNAL` (internet-facing) or `INTERNAL`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_type: Option<String>,
}

impl Resource for ComputeGlobalAddress {
    const TYPE: &'static str = "google_compute_global_address";
    crate::serde_body!();
}

impl Ref<ComputeGlobalAddress> {
    /// The reserved IP address.
    pub fn address(&self) -> Expr<String> {
        self.attr("address")
    }
    /// The address's name.
    pub fn name(&self) -> Expr<String> {
        self.attr("name")
    }
}
