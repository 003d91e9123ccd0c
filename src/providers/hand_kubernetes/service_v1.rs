use std::collections::BTreeMap;

use serde::Serialize;

use super::ObjectMeta;
use crate::tf::{Expr, Ref, Resource};

/// A Kubernetes service (`kubernetes_service_v1`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceV1 {
    /// Name, namespace, labels, annotations (the NEG annotation goes here).
    pub metadata: ObjectMeta,
    /// The service.
    pub spec: ServiceSpec,
}

/// What a service exposes (`spec` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceSpec {
    /// `ClusterIP`, `NodePort` or `LoadBalancer`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The pods behind it.
    pub selector: BTreeMap<String, String>,
    /// Its ports.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub port: Vec<ServicePort>,
}

/// One port of a service (`port` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServicePort {
    /// The port's name.
    pub name: String,
    /// The port clients use.
    pub port: u16,
    /// The pods' port, by number or name.
    pub target_port: String,
    /// `TCP`.
    pub protocol: String,
}

impl Resource for ServiceV1 {
    const TYPE: &'static str = "kubernetes_service_v1";
    crate::serde_body!();
}

impl Ref<ServiceV1> {
    /// The service's name.
    pub fn name(&self) -> Expr<String> {
        self.at("metadata").index(0).attr("name").typed()
    }
}
