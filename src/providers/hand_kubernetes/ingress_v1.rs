use serde::Serialize;

use super::ObjectMeta;
use crate::tf::{Resource, Value};

/// A Kubernetes ingress (`kubernetes_ingress_v1`); on GKE, class `gce`
/// creates a global HTTP(S) load balancer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngressV1 {
    /// Name, namespace, labels, annotations (static IP, certificate).
    pub metadata: ObjectMeta,
    /// Routing.
    pub spec: IngressSpec,
    /// Wait until the load balancer has an address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wait_for_load_balancer: Option<bool>,
}

/// Routing of an ingress (`spec` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngressSpec {
    /// The ingress class, e.g. `gce`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingress_class_name: Option<String>,
    /// Where every request goes.
    pub default_backend: IngressBackend,
}

/// A backend (`default_backend` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngressBackend {
    /// A service.
    pub service: IngressServiceBackend,
}

/// A service backend (`service` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngressServiceBackend {
    /// The service's name.
    pub name: Value<String>,
    /// Its port.
    pub port: ServicePortRef,
}

/// A service port (`port` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServicePortRef {
    /// By number.
    pub number: u16,
}

impl Resource for IngressV1 {
    const TYPE: &'static str = "kubernetes_ingress_v1";
    crate::serde_body!();
}
