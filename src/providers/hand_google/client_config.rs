use serde::Serialize;

use crate::tf::{DataSource, Expr, Ref};

/// The credentials Terraform itself runs with (`data.google_client_config`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ClientConfig {}

impl DataSource for ClientConfig {
    const TYPE: &'static str = "google_client_config";
    crate::serde_body!();
}

impl Ref<ClientConfig> {
    /// A short-lived OAuth access token, e.g. for the kubernetes provider.
    pub fn access_token(&self) -> Expr<String> {
        self.attr("access_token")
    }
}
