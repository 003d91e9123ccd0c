use serde::Serialize;

use crate::tf::{Resource, Value};

/// A Cloud NAT gateway: outbound internet for VMs without public IPs
/// (`google_compute_router_nat`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComputeRouterNat {
    /// The gateway's name.
    pub name: Value<String>,
    /// The Cloud Router it runs on.
    pub router: Value<String>,
    /// The region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Value<String>>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// `AUTO_ONLY` (Google allocates addresses) or `MANUAL_ONLY`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nat_ip_allocate_option: Option<String>,
    /// Which subnet ranges are translated, e.g. `ALL_SUBNETWORKS_ALL_IP_RANGES`.
    pub source_subnetwork_ip_ranges_to_nat: String,
    /// Let a VM use more ports when it needs them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_dynamic_port_allocation: Option<bool>,
    /// Ports a VM always gets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_ports_per_vm: Option<u32>,
    /// NAT logging.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_config: Option<RouterNatLogConfig>,
}

/// What a NAT gateway logs (`log_config` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouterNatLogConfig {
    /// Whether logging is on.
    pub enable: bool,
    /// `ERRORS_ONLY`, `TRANSLATIONS_ONLY` or `ALL`.
    pub filter: String,
}

impl Resource for ComputeRouterNat {
    const TYPE: &'static str = "google_compute_router_nat";
    crate::serde_body!();
}
