use serde::Serialize;

use super::ObjectMeta;
use crate::tf::{Expr, Ref, Resource};

/// A Kubernetes service account (`kubernetes_service_account_v1`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceAccountV1 {
    /// Name, namespace and annotations (Workload Identity's goes here).
    pub metadata: ObjectMeta,
    /// Whether pods get an API token by default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automount_service_account_token: Option<bool>,
}

impl Resource for ServiceAccountV1 {
    const TYPE: &'static str = "kubernetes_service_account_v1";
    crate::serde_body!();
}

impl Ref<ServiceAccountV1> {
    /// The account's name.
    pub fn name(&self) -> Expr<String> {
        self.at("metadata").index(0).attr("name").typed()
    }
}
