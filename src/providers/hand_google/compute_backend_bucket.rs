use serde::Serialize;

use crate::tf::{Expr, Ref, Resource, Value};

/// A load balancer backend serving a Cloud Storage bucket
/// (`google_compute_backend_bucket`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComputeBackendBucket {
    /// The backend's name.
    pub name: Value<String>,
    /// The bucket served.
    pub bucket_name: Value<String>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// What it is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Value<String>>,
    /// Cloud CDN in front of the bucket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_cdn: Option<bool>,
    /// `AUTOMATIC` compresses responses for clients that accept it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression_mode: Option<String>,
    /// Headers added to every response, e.g. security headers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom_response_headers: Vec<String>,
    /// How Cloud CDN caches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cdn_policy: Option<CdnPolicy>,
}

/// Cloud CDN caching (`cdn_policy` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CdnPolicy {
    /// `CACHE_ALL_STATIC` caches static content without Cache-Control headers.
    pub cache_mode: String,
    /// Seconds clients may cache.
    pub client_ttl: u32,
    /// Seconds the CDN caches without a header saying otherwise.
    pub default_ttl: u32,
    /// Most seconds the CDN caches.
    pub max_ttl: u32,
    /// Cache 404s and other errors briefly, so a missing page cannot be
    /// used to hammer the bucket.
    pub negative_caching: bool,
    /// Collapse concurrent misses for one object into one fetch.
    pub request_coalescing: bool,
    /// Seconds a stale object may be served while it is refreshed.
    pub serve_while_stale: u32,
}

impl Resource for ComputeBackendBucket {
    const TYPE: &'static str = "google_compute_backend_bucket";
    crate::serde_body!();
}

impl Ref<ComputeBackendBucket> {
    /// The backend's URI, as a URL map takes it.
    pub fn self_link(&self) -> Expr<String> {
        self.attr("self_link")
    }
}
