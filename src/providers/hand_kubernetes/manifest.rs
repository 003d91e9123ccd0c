use serde::Serialize;

use crate::tf::{Expression, Resource};

/// Any Kubernetes object as a manifest (`kubernetes_manifest`), for custom
/// resources such as GKE's BackendConfig and FrontendConfig. The cluster's
/// API must be reachable at plan time, which holds in the workload root.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest {
    /// The object: `apiVersion`, `kind`, `metadata`, `spec`.
    pub manifest: Expression,
}

impl Resource for Manifest {
    const TYPE: &'static str = "kubernetes_manifest";
    crate::serde_body!();
}
