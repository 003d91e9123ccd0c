use serde::Serialize;

use crate::tf::{Expr, Ref, Resource, Value};

/// Routing of a global HTTP(S) load balancer (`google_compute_url_map`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComputeUrlMap {
    /// The map's name.
    pub name: Value<String>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// What it is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Value<String>>,
    /// Where every request goes (a backend service or bucket).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_service: Option<Value<String>>,
    /// Or: redirect every request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_url_redirect: Option<UrlRedirect>,
}

/// A redirect (`default_url_redirect` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UrlRedirect {
    /// Redirect to HTTPS.
    pub https_redirect: bool,
    /// e.g. `MOVED_PERMANENTLY_DEFAULT` (301).
    pub redirect_response_code: String,
    /// Whether the query string is dropped.
    pub strip_query: bool,
}

impl Resource for ComputeUrlMap {
    const TYPE: &'static str = "google_compute_url_map";
    crate::serde_body!();
}

impl Ref<ComputeUrlMap> {
    /// The map's URI, as a target proxy takes it.
    pub fn self_link(&self) -> Expr<String> {
        self.attr("self_link")
    }
}
