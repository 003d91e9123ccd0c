use serde::Serialize;

use crate::tf::{RequiredProvider, Value};

/// The kubernetes provider's registry source and version constraint:
/// pinned to the 2.38 patch series, like `schemas/kubernetes.json`.
pub const REQUIRED: (&str, &str) = ("hashicorp/kubernetes", "~> 2.38.0");

/// Where the kubernetes provider comes from, and which versions fit.
pub fn required() -> RequiredProvider {
    RequiredProvider {
        source: REQUIRED.0.to_owned(),
        version: Some(REQUIRED.1.to_owned()),
    }
}

/// The `kubernetes` provider configuration block.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct KubernetesProvider {
    /// The API server, e.g. `https://203.0.113.5`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<Value<String>>,
    /// The cluster's CA certificate, PEM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_ca_certificate: Option<Value<String>>,
    /// A bearer token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<Value<String>>,
}
