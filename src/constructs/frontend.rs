use std::collections::BTreeSet;

use crate::constructs::Cidr;
use crate::providers::hand_google::{
    ComputeGlobalAddress, ComputeManagedSslCertificate, ComputeSecurityPolicy, ManagedDomains,
    RateLimitOptions, RateLimitThreshold, RuleMatch, RuleMatchConfig, SecurityPolicyRule,
};
use crate::tf::{Dependency, Meta, Ref, Stack, Value};

/// Cloud Armor settings for the app's backends.
#[derive(Debug, Clone, PartialEq)]
pub struct Armor {
    /// Source ranges refused with 403.
    pub deny: Vec<Cidr>,
    /// Requests one client address may make per minute; over it, 429.
    pub rate_limit_per_minute: Option<u32>,
}

/// What the HTTP(S) load balancer needs from Google Cloud before the
/// Kubernetes Ingress that creates it: a reserved global IP, a managed
/// certificate when there is a domain, and an optional Cloud Armor policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Frontend {
    /// The app's name; resources are named after it.
    pub app: String,
    /// The project, usually `var.project_id`.
    pub project: Value<String>,
    /// The domain served over HTTPS; plain HTTP on the IP when `None`.
    pub domain: Option<String>,
    /// Cloud Armor; none when `None`.
    pub armor: Option<Armor>,
}

/// Handles to what a [`Frontend`] added.
#[derive(Debug, Clone)]
pub struct FrontendRefs {
    /// The reserved IP.
    pub address: Ref<ComputeGlobalAddress>,
    /// The managed certificate, when there is a domain.
    pub certificate: Option<Ref<ComputeManagedSslCertificate>>,
    /// The Cloud Armor policy, when configured.
    pub security_policy: Option<Ref<ComputeSecurityPolicy>>,
}

/// Priority of Cloud Armor's default rule, which every policy must have.
pub const DEFAULT_RULE_PRIORITY: u32 = 2_147_483_647;

impl Frontend {
    /// Adds the address, certificate and policy; they wait for `after`.
    pub fn add_to(&self, stack: &mut Stack, after: Vec<Dependency>) -> FrontendRefs {
        let meta = || Meta {
            depends_on: after.clone(),
            ..Meta::default()
        };
        // Reserved, so the IP (and any DNS record pointing at it) survives
        // the Ingress being recreated.
        let address = stack.add_with(
            "lb",
            ComputeGlobalAddress {
                name: format!("{}-lb", self.app).into(),
                project: Some(self.project.clone()),
                description: Some(format!("Load balancer of {}", self.app).into()),
                ip_version: Some("IPV4".to_owned()),
                address_type: Some("EXTERNAL".to_owned()),
            },
            meta(),
        );
        // Google provisions and renews the certificate once DNS points the
        // domain at the reserved IP.
        let certificate = self.domain.as_ref().map(|domain| {
            stack.add_with(
                "lb",
                ComputeManagedSslCertificate {
                    name: format!("{}-cert", self.app).into(),
                    project: Some(self.project.clone()),
                    description: Some(format!("TLS for {domain}").into()),
                    managed: ManagedDomains {
                        domains: vec![domain.clone()],
                    },
                },
                meta(),
            )
        });
        let security_policy = self.armor.as_ref().map(|armor| {
            let mut rules = Vec::new();
            if !armor.deny.is_empty() {
                rules.push(SecurityPolicyRule {
                    action: "deny(403)".to_owned(),
                    priority: 1000,
                    description: Some("Blocked source ranges".to_owned()),
                    matcher: src_ips(armor.deny.iter().map(Cidr::to_string).collect()),
                    rate_limit_options: None,
                });
            }
            if let Some(limit) = armor.rate_limit_per_minute {
                rules.push(SecurityPolicyRule {
                    action: "throttle".to_owned(),
                    priority: 2000,
                    description: Some("Requests per client address and minute".to_owned()),
                    matcher: src_ips(BTreeSet::from(["*".to_owned()])),
                    rate_limit_options: Some(RateLimitOptions {
                        conform_action: "allow".to_owned(),
                        exceed_action: "deny(429)".to_owned(),
                        enforce_on_key: "IP".to_owned(),
                        rate_limit_threshold: RateLimitThreshold {
                            count: limit,
                            interval_sec: 60,
                        },
                    }),
                });
            }
            rules.push(SecurityPolicyRule {
                action: "allow".to_owned(),
                priority: DEFAULT_RULE_PRIORITY,
                description: Some("Everything else".to_owned()),
                matcher: src_ips(BTreeSet::from(["*".to_owned()])),
                rate_limit_options: None,
            });
            stack.add_with(
                "lb",
                ComputeSecurityPolicy {
                    name: format!("{}-armor", self.app).into(),
                    project: Some(self.project.clone()),
                    description: Some(format!("Cloud Armor for {}", self.app).into()),
                    rule: rules,
                },
                meta(),
            )
        });
        FrontendRefs {
            address,
            certificate,
            security_policy,
        }
    }
}

fn src_ips(ranges: BTreeSet<String>) -> RuleMatch {
    RuleMatch {
        versioned_expr: "SRC_IPS_V1".to_owned(),
        config: RuleMatchConfig {
            src_ip_ranges: ranges,
        },
    }
}
