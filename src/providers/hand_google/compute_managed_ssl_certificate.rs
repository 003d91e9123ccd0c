use serde::Serialize;

use crate::tf::{Expr, Ref, Resource, Value};

/// A Google-managed TLS certificate for a load balancer
/// (`google_compute_managed_ssl_certificate`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComputeManagedSslCertificate {
    /// The certificate's name.
    pub name: Value<String>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// What the certificate is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Value<String>>,
    /// The domains Google provisions it for.
    pub managed: ManagedDomains,
}

/// The domains of a managed certificate (`managed` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManagedDomains {
    /// e.g. `["hello.example.com"]`.
    pub domains: Vec<String>,
}

impl Resource for ComputeManagedSslCertificate {
    const TYPE: &'static str = "google_compute_managed_ssl_certificate";
    crate::serde_body!();
}

impl Ref<ComputeManagedSslCertificate> {
    /// The certificate's name, as the pre-shared-cert annotation takes it.
    pub fn name(&self) -> Expr<String> {
        self.attr("name")
    }
    /// The certificate's URI, as a target HTTPS proxy takes it.
    pub fn self_link(&self) -> Expr<String> {
        self.attr("self_link")
    }
}
