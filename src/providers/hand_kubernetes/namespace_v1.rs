use serde::Serialize;

use super::ClusterObjectMeta;
use crate::tf::{Expr, Ref, Resource};

/// A Kubernetes namespace (`kubernetes_namespace_v1`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamespaceV1 {
    /// Name, labels and annotations.
    pub metadata: ClusterObjectMeta,
}

impl Resource for NamespaceV1 {
    const TYPE: &'static str = "kubernetes_namespace_v1";
    crate::serde_body!();
}

impl Ref<NamespaceV1> {
    /// The namespace's name, as other objects' `namespace` takes it.
    pub fn name(&self) -> Expr<String> {
        self.at("metadata").index(0).attr("name").typed()
    }
}
