use std::collections::BTreeSet;

use crate::constructs::Cidr;
use crate::constructs::names::{COMPUTE_NAME, CloudName};
use crate::providers::google::google_compute_managed_ssl_certificate::Managed;
use crate::providers::google::google_compute_security_policy::{
    Rule, RuleMatch, RuleMatchConfig, RuleRateLimitOptions, RuleRateLimitOptionsRateLimitThreshold,
};
use crate::providers::google::{
    GoogleComputeGlobalAddress, GoogleComputeManagedSslCertificate, GoogleComputeSecurityPolicy,
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
    /// The logical name its Terraform addresses are built from (see
    /// [`crate::constructs::scoped`]), so several coexist in one root.
    /// Addresses: the address, certificate and policy are each
    /// `SCOPE` (of their own resource types).
    pub scope: String,
    /// The app's name; resources are named after it.
    pub app: String,
    /// The project, usually `var.project_id`.
    pub project: Value<String>,
    /// The domains served over HTTPS, all on one Google-managed
    /// certificate (up to 100 per certificate, Compute Engine's limit);
    /// plain HTTP on the IP when empty.
    pub domains: Vec<String>,
    /// Cloud Armor; none when `None`.
    pub armor: Option<Armor>,
}

/// Handles to what a [`Frontend`] added.
#[derive(Debug, Clone)]
pub struct FrontendRefs {
    /// The reserved IP.
    pub address: Ref<GoogleComputeGlobalAddress>,
    /// The managed certificate, when there are domains.
    pub certificate: Option<Ref<GoogleComputeManagedSslCertificate>>,
    /// The Cloud Armor policy, when configured.
    pub security_policy: Option<Ref<GoogleComputeSecurityPolicy>>,
}

/// Priority of Cloud Armor's default rule, which every policy must have.
pub const DEFAULT_RULE_PRIORITY: u32 = 2_147_483_647;

impl Frontend {
    /// The reserved IP's name for app `app`.
    pub fn address_name(app: &str) -> String {
        format!("{app}-lb")
    }

    /// The managed certificate's name for app `app`.
    pub fn certificate_name(app: &str) -> String {
        format!("{app}-cert")
    }

    /// The Cloud Armor policy's name for app `app`.
    pub fn policy_name(app: &str) -> String {
        format!("{app}-armor")
    }

    /// Every name [`Frontend::add_to`] may create for app `app` (the
    /// certificate and the policy whether or not they are configured, so
    /// a name that would fail does not wait for the setting that adds it).
    pub fn names(app: &str) -> Vec<CloudName> {
        vec![
            CloudName::new(
                "the load balancer's IP address",
                Self::address_name(app),
                COMPUTE_NAME,
            ),
            CloudName::new(
                "the managed certificate",
                Self::certificate_name(app),
                COMPUTE_NAME,
            ),
            CloudName::new(
                "the Cloud Armor policy",
                Self::policy_name(app),
                COMPUTE_NAME,
            ),
        ]
    }

    /// Adds the address, certificate and policy; they wait for `after`.
    pub fn add_to(&self, stack: &mut Stack, after: Vec<Dependency>) -> FrontendRefs {
        let meta = || Meta {
            depends_on: after.clone(),
            ..Meta::default()
        };
        // Reserved, so the IP (and any DNS record pointing at it) survives
        // the Ingress being recreated.
        let address = stack.add_with(
            self.scope.as_str(),
            GoogleComputeGlobalAddress {
                project: Some(self.project.clone()),
                description: Some(format!("Load balancer of {}", self.app).into()),
                ip_version: Some("IPV4".into()),
                address_type: Some("EXTERNAL".into()),
                ..GoogleComputeGlobalAddress::new(Self::address_name(&self.app))
            },
            meta(),
        );
        // Google provisions and renews the certificate once DNS points the
        // domain at the reserved IP.
        let certificate = (!self.domains.is_empty()).then(|| {
            stack.add_with(
                self.scope.as_str(),
                GoogleComputeManagedSslCertificate {
                    name: Some(Self::certificate_name(&self.app).into()),
                    project: Some(self.project.clone()),
                    description: Some(format!("TLS for {}", self.domains.join(", ")).into()),
                    managed: Some(Managed::new(self.domains.clone())),
                    ..GoogleComputeManagedSslCertificate::default()
                },
                meta(),
            )
        });
        let security_policy = self.armor.as_ref().map(|armor| {
            let mut rules = Vec::new();
            if !armor.deny.is_empty() {
                rules.push(Rule {
                    description: Some("Blocked source ranges".into()),
                    ..Rule::new(
                        "deny(403)",
                        src_ips(armor.deny.iter().map(Cidr::to_string).collect()),
                        1000,
                    )
                });
            }
            if let Some(limit) = armor.rate_limit_per_minute {
                rules.push(Rule {
                    description: Some("Requests per client address and minute".into()),
                    rate_limit_options: Some(RuleRateLimitOptions {
                        enforce_on_key: Some("IP".into()),
                        ..RuleRateLimitOptions::new(
                            "allow",
                            "deny(429)",
                            RuleRateLimitOptionsRateLimitThreshold {
                                count: limit.into(),
                                interval_sec: 60.into(),
                            },
                        )
                    }),
                    ..Rule::new("throttle", src_ips(BTreeSet::from(["*".to_owned()])), 2000)
                });
            }
            rules.push(Rule {
                description: Some("Everything else".into()),
                ..Rule::new(
                    "allow",
                    src_ips(BTreeSet::from(["*".to_owned()])),
                    DEFAULT_RULE_PRIORITY,
                )
            });
            stack.add_with(
                self.scope.as_str(),
                GoogleComputeSecurityPolicy {
                    project: Some(self.project.clone()),
                    description: Some(format!("Cloud Armor for {}", self.app).into()),
                    rule: rules,
                    ..GoogleComputeSecurityPolicy::new(Self::policy_name(&self.app))
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

/// A match on source ranges, sorted and without duplicates: the set the
/// provider keeps, so a reordered settings list changes nothing.
fn src_ips(ranges: BTreeSet<String>) -> RuleMatch {
    RuleMatch {
        versioned_expr: Some("SRC_IPS_V1".into()),
        config: Some(RuleMatchConfig::new(ranges.into_iter().collect::<Vec<_>>())),
        ..RuleMatch::default()
    }
}
