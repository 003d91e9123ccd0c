use std::collections::BTreeSet;

use serde::Serialize;

use crate::tf::{Expr, Ref, Resource, Value};

/// A Cloud Armor policy for a load balancer's backends
/// (`google_compute_security_policy`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComputeSecurityPolicy {
    /// The policy's name.
    pub name: Value<String>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// What the policy is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Value<String>>,
    /// The rules, evaluated by priority.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rule: Vec<SecurityPolicyRule>,
}

/// One rule (`rule` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecurityPolicyRule {
    /// `allow`, `deny(403)`, `throttle`, ...
    pub action: String,
    /// Lower numbers first; 2147483647 is the default rule.
    pub priority: u32,
    /// Why the rule exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Which requests it applies to.
    #[serde(rename = "match")]
    pub matcher: RuleMatch,
    /// Limits for `throttle` rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_options: Option<RateLimitOptions>,
}

/// Which requests a rule applies to (`match` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleMatch {
    /// `SRC_IPS_V1` for source ranges.
    pub versioned_expr: String,
    /// The source ranges.
    pub config: RuleMatchConfig,
}

/// Source ranges of a rule (`config` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleMatchConfig {
    /// e.g. `["*"]` for every source.
    pub src_ip_ranges: BTreeSet<String>,
}

/// Rate limiting (`rate_limit_options` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateLimitOptions {
    /// What happens under the limit: `allow`.
    pub conform_action: String,
    /// What happens over it, e.g. `deny(429)`.
    pub exceed_action: String,
    /// What is counted: `IP` for each client address.
    pub enforce_on_key: String,
    /// The limit.
    pub rate_limit_threshold: RateLimitThreshold,
}

/// A request rate (`rate_limit_threshold` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateLimitThreshold {
    /// Requests...
    pub count: u32,
    /// ...per this many seconds.
    pub interval_sec: u32,
}

impl Resource for ComputeSecurityPolicy {
    const TYPE: &'static str = "google_compute_security_policy";
    crate::serde_body!();
}

impl Ref<ComputeSecurityPolicy> {
    /// The policy's name, as a BackendConfig refers to it.
    pub fn name(&self) -> Expr<String> {
        self.attr("name")
    }
}
