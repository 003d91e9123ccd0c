use serde::Serialize;

use crate::tf::{Expr, Ref, Resource, Value};

/// An HTTP target proxy (`google_compute_target_http_proxy`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComputeTargetHttpProxy {
    /// The proxy's name.
    pub name: Value<String>,
    /// The URL map it routes with.
    pub url_map: Value<String>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
}

impl Resource for ComputeTargetHttpProxy {
    const TYPE: &'static str = "google_compute_target_http_proxy";
    crate::serde_body!();
}

impl Ref<ComputeTargetHttpProxy> {
    /// The proxy's URI, as a forwarding rule takes it.
    pub fn self_link(&self) -> Expr<String> {
        self.attr("self_link")
    }
}

/// An HTTPS target proxy (`google_compute_target_https_proxy`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComputeTargetHttpsProxy {
    /// The proxy's name.
    pub name: Value<String>,
    /// The URL map it routes with.
    pub url_map: Value<String>,
    /// Certificates it presents.
    pub ssl_certificates: Vec<Value<String>>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// `ENABLE` offers HTTP/3 (QUIC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quic_override: Option<String>,
}

impl Resource for ComputeTargetHttpsProxy {
    const TYPE: &'static str = "google_compute_target_https_proxy";
    crate::serde_body!();
}

impl Ref<ComputeTargetHttpsProxy> {
    /// The proxy's URI, as a forwarding rule takes it.
    pub fn self_link(&self) -> Expr<String> {
        self.attr("self_link")
    }
}
