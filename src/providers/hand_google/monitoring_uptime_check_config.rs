use std::collections::BTreeMap;

use serde::Serialize;

use crate::tf::{Expr, Ref, Resource, Value};

/// A Cloud Monitoring uptime check (`google_monitoring_uptime_check_config`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonitoringUptimeCheckConfig {
    /// Shown in the console.
    pub display_name: Value<String>,
    /// How long a check may take, e.g. `10s`.
    pub timeout: String,
    /// How often it runs: `60s`, `300s`, `600s` or `900s`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// Where checks come from, e.g. `USA`, `EUROPE`, `ASIA_PACIFIC`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub selected_regions: Vec<String>,
    /// `STATIC_IP_CHECKERS` for public endpoints.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checker_type: Option<String>,
    /// Whether failed checks are written to Cloud Logging.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_check_failures: Option<bool>,
    /// Labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub user_labels: BTreeMap<String, String>,
    /// The request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_check: Option<HttpCheck>,
    /// What is checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monitored_resource: Option<MonitoredResource>,
    /// Text the response must contain.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub content_matchers: Vec<ContentMatcher>,
}

/// An HTTP(S) request (`http_check` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HttpCheck {
    /// The path, e.g. `/healthz`.
    pub path: String,
    /// The port.
    pub port: u16,
    /// HTTPS.
    pub use_ssl: bool,
    /// Whether the certificate must be valid.
    pub validate_ssl: bool,
    /// `GET` or `POST`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_method: Option<String>,
}

/// The resource an uptime check probes (`monitored_resource` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonitoredResource {
    /// e.g. `uptime_url`.
    #[serde(rename = "type")]
    pub kind: String,
    /// e.g. `host` and `project_id`.
    pub labels: BTreeMap<String, Value<String>>,
}

/// Required response content (`content_matchers` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContentMatcher {
    /// The text.
    pub content: String,
    /// `CONTAINS_STRING`, `MATCHES_REGEX`, ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matcher: Option<String>,
}

impl Resource for MonitoringUptimeCheckConfig {
    const TYPE: &'static str = "google_monitoring_uptime_check_config";
    crate::serde_body!();
}

impl Ref<MonitoringUptimeCheckConfig> {
    /// The id alert policies filter on.
    pub fn uptime_check_id(&self) -> Expr<String> {
        self.attr("uptime_check_id")
    }
}
