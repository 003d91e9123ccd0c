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
/// certificate for each domain, and an optional Cloud Armor policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Frontend {
    /// The logical name its Terraform addresses are built from (see
    /// [`crate::constructs::scoped`]), so several coexist in one root.
    /// Addresses: the address, the first domain's certificate and the
    /// policy are each `SCOPE` (of their own resource types); each other
    /// domain's certificate is `SCOPE_DOMAIN` (`lb_api_example_com`).
    pub scope: String,
    /// The app's name; resources are named after it.
    pub app: String,
    /// The project, usually `var.project_id`.
    pub project: Value<String>,
    /// The domains served over HTTPS, each on a Google-managed
    /// certificate of its own, so a domain added or removed leaves the
    /// others' certificates alone (a managed certificate's domains cannot
    /// change: the provider replaces it) and one domain whose DNS is not
    /// ready yet does not hold up the others; plain HTTP on the IP when
    /// empty. At most [`MAX_CERTIFICATES`].
    pub domains: Vec<String>,
    /// Cloud Armor; none when `None`.
    pub armor: Option<Armor>,
}

/// Handles to what a [`Frontend`] added.
#[derive(Debug, Clone)]
pub struct FrontendRefs {
    /// The reserved IP.
    pub address: Ref<GoogleComputeGlobalAddress>,
    /// The managed certificates, one per domain, in the order of the
    /// domains.
    pub certificates: Vec<Ref<GoogleComputeManagedSslCertificate>>,
    /// The Cloud Armor policy, when configured.
    pub security_policy: Option<Ref<GoogleComputeSecurityPolicy>>,
}

/// The most SSL certificates one target HTTPS proxy takes (Cloud Load
/// Balancing quotas and limits, "SSL certificates per target HTTPS
/// proxy"): the most domains a [`Frontend`] serves.
pub const MAX_CERTIFICATES: usize = 15;

/// Priority of Cloud Armor's default rule, which every policy must have.
pub const DEFAULT_RULE_PRIORITY: u32 = 2_147_483_647;

impl Frontend {
    /// The reserved IP's name for app `app`.
    pub fn address_name(app: &str) -> String {
        format!("{app}-lb")
    }

    /// The managed certificate's name for the domain at `index` of app
    /// `app`'s domains: `APP-cert` for the first (the name of the
    /// single-domain layout), `APP-cert-DOMAIN` with dots as hyphens for
    /// the others (`shop-cert-api-shop-example-com`).
    pub fn certificate_name(app: &str, index: usize, domain: &str) -> String {
        if index == 0 {
            format!("{app}-cert")
        } else {
            format!("{app}-cert-{}", domain.replace('.', "-"))
        }
    }

    /// The Terraform name of that certificate, under `scope`.
    fn certificate_address(scope: &str, index: usize, domain: &str) -> String {
        if index == 0 {
            scope.to_owned()
        } else {
            crate::constructs::scoped(scope, &domain.replace(['.', '-'], "_"))
        }
    }

    /// The Cloud Armor policy's name for app `app`.
    pub fn policy_name(app: &str) -> String {
        format!("{app}-armor")
    }

    /// Every name [`Frontend::add_to`] may create for app `app`, apart
    /// from the domains' certificates (the first one's and the policy
    /// whether or not they are configured, so a name that would fail does
    /// not wait for the setting that adds it).
    pub fn names(app: &str) -> Vec<CloudName> {
        vec![
            CloudName::new(
                "the load balancer's IP address",
                Self::address_name(app),
                COMPUTE_NAME,
            ),
            CloudName::new(
                "the managed certificate",
                Self::certificate_name(app, 0, ""),
                COMPUTE_NAME,
            ),
            CloudName::new(
                "the Cloud Armor policy",
                Self::policy_name(app),
                COMPUTE_NAME,
            ),
        ]
    }

    /// The name of each certificate after the first, for app `app`'s
    /// `domains`, with its index.
    pub fn more_certificate_names(app: &str, domains: &[String]) -> Vec<(usize, CloudName)> {
        domains
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, domain)| {
                (
                    i,
                    CloudName::new(
                        "its managed certificate",
                        Self::certificate_name(app, i, domain),
                        COMPUTE_NAME,
                    ),
                )
            })
            .collect()
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
        // Google provisions and renews each certificate once DNS points
        // its domain at the reserved IP.
        let certificates = self
            .domains
            .iter()
            .enumerate()
            .map(|(i, domain)| {
                stack.add_with(
                    Self::certificate_address(&self.scope, i, domain),
                    GoogleComputeManagedSslCertificate {
                        name: Some(Self::certificate_name(&self.app, i, domain).into()),
                        project: Some(self.project.clone()),
                        description: Some(format!("TLS for {domain}").into()),
                        managed: Some(Managed::new(vec![domain.clone()])),
                        ..GoogleComputeManagedSslCertificate::default()
                    },
                    meta(),
                )
            })
            .collect();
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
            certificates,
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
