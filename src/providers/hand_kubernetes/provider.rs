use serde::Serialize;

use crate::tf::Value;

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
