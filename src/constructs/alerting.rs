use std::collections::{BTreeMap, BTreeSet};

use crate::providers::hand_google::{
    Aggregation, AlertCondition, AlertStrategy, ConditionThreshold, Documentation, HttpCheck,
    MonitoredResource, MonitoringAlertPolicy, MonitoringNotificationChannel,
    MonitoringUptimeCheckConfig, Trigger,
};
use crate::tf::{Dependency, Meta, Ref, Stack, Template, Value};

/// Uptime checks on the load balancer and alerts that e-mail people: one
/// when the app stops answering, one when too many requests fail with 5xx.
#[derive(Debug, Clone, PartialEq)]
pub struct UptimeAlerting {
    /// The app's name.
    pub app: String,
    /// The project id (a literal: it goes into labels and links).
    pub project_id: String,
    /// The project, usually `var.project_id`.
    pub project: Value<String>,
    /// What is checked: the domain, or the load balancer's IP.
    pub host: Value<String>,
    /// HTTPS (with a valid certificate) or plain HTTP.
    pub https: bool,
    /// The path checked, e.g. `/healthz`.
    pub path: String,
    /// How often: `60s`, `300s`, `600s` or `900s`.
    pub period: String,
    /// Where checks come from (at least three regions).
    pub regions: Vec<String>,
    /// Who is e-mailed.
    pub emails: Vec<String>,
    /// Share of 5xx responses that opens an incident, e.g. 0.05.
    pub error_ratio: f64,
    /// Namespace and name of the Ingress that creates the load balancer.
    pub ingress: (String, String),
}

/// Handles to what [`UptimeAlerting`] added.
#[derive(Debug, Clone)]
pub struct AlertingRefs {
    /// The uptime check.
    pub uptime_check: Ref<MonitoringUptimeCheckConfig>,
    /// The e-mail channels, by address.
    pub channels: BTreeMap<String, Ref<MonitoringNotificationChannel>>,
}

/// A logical name for an e-mail channel that does not change when the list
/// of addresses is reordered: `oncall@example.com` → `oncall_example_com`.
/// Different addresses can share it (`a.b@…` and `a-b@…`); see
/// [`channel_names`] for names that never collide.
pub fn channel_name(email: &str) -> String {
    let mut name: String = email
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "email_");
    }
    name
}

/// An address spelled out in a logical name, one word for each character
/// that is not a letter or digit: `a.b@example.com` →
/// `a-dot-b-at-example-dot-com`. Different addresses (ignoring case) get
/// different names, and none of them is a [`channel_name`], which never
/// holds a `-`.
fn spelled_channel_name(email: &str) -> String {
    let mut name = String::with_capacity(email.len().saturating_mul(2));
    for c in email.chars() {
        let word = match c {
            c if c.is_ascii_alphanumeric() => {
                name.push(c.to_ascii_lowercase());
                continue;
            }
            '.' => "dot",
            '@' => "at",
            '-' => "dash",
            '_' => "underscore",
            '+' => "plus",
            other => {
                name.push_str(&format!("-u{:x}-", u32::from(other)));
                continue;
            }
        };
        name.push('-');
        name.push_str(word);
        name.push('-');
    }
    // A name starts with a letter or an underscore.
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert(0, '_');
    }
    name
}

/// The logical name of each address's channel, in the order given: its
/// [`channel_name`] (what tfsynth has always named it), unless another
/// address of the list has the same one, as `a.b@example.com`,
/// `a-b@example.com` and `a_b@example.com` do; then each of those is
/// spelled out in full (`a-dot-b-at-example-dot-com`). A name depends only
/// on the list's set of addresses, never on their order. Addresses that
/// differ only in case are one mailbox and get one name.
pub fn channel_names(emails: &[String]) -> Vec<String> {
    let mut by_name: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for email in emails {
        by_name
            .entry(channel_name(email))
            .or_default()
            .insert(email.to_ascii_lowercase());
    }
    emails
        .iter()
        .map(|email| {
            let name = channel_name(email);
            if by_name.get(&name).is_some_and(|set| set.len() > 1) {
                spelled_channel_name(email)
            } else {
                name
            }
        })
        .collect()
}

impl UptimeAlerting {
    fn url(&self) -> Template {
        Template::new()
            .lit(if self.https { "https://" } else { "http://" })
            .interp(self.host.clone())
    }

    /// Adds channels, the uptime check and both alert policies.
    pub fn add_to(&self, stack: &mut Stack, after: Vec<Dependency>) -> AlertingRefs {
        let meta = || Meta {
            depends_on: after.clone(),
            ..Meta::default()
        };
        let mut channels = BTreeMap::new();
        for (email, name) in self.emails.iter().zip(channel_names(&self.emails)) {
            let channel = stack.add_with(
                name,
                MonitoringNotificationChannel {
                    kind: "email".to_owned(),
                    display_name: Some(format!("{} on-call: {email}", self.app).into()),
                    project: Some(self.project.clone()),
                    labels: BTreeMap::from([("email_address".to_owned(), email.clone())]),
                    enabled: Some(true),
                },
                meta(),
            );
            channels.insert(email.clone(), channel);
        }
        let notify: Vec<Value<String>> = channels.values().map(|c| c.name().into()).collect();

        let uptime_check = stack.add_with(
            "app",
            MonitoringUptimeCheckConfig {
                display_name: format!("{} {}", self.app, self.path).into(),
                timeout: "10s".to_owned(),
                period: Some(self.period.clone()),
                project: Some(self.project.clone()),
                selected_regions: self.regions.clone(),
                checker_type: Some("STATIC_IP_CHECKERS".to_owned()),
                // Failed checks are logged with the reason, for the on-call.
                log_check_failures: Some(true),
                user_labels: BTreeMap::new(),
                http_check: Some(HttpCheck {
                    path: self.path.clone(),
                    port: if self.https { 443 } else { 80 },
                    use_ssl: self.https,
                    // An expired or wrong certificate is an outage too.
                    validate_ssl: self.https,
                    request_method: Some("GET".to_owned()),
                }),
                monitored_resource: Some(MonitoredResource {
                    kind: "uptime_url".to_owned(),
                    labels: BTreeMap::from([
                        ("host".to_owned(), self.host.clone()),
                        ("project_id".to_owned(), Value::Lit(self.project_id.clone())),
                    ]),
                }),
                content_matchers: Vec::new(),
            },
            meta(),
        );

        let console = format!(
            "https://console.cloud.google.com/kubernetes/workload/overview?project={}",
            self.project_id
        );
        let (namespace, ingress) = &self.ingress;
        let runbook = |what: &str| {
            Template::new()
                .lit(format!("{what}\n\nApp: "))
                .then(self.url())
                .lit(self.path.as_str())
                .lit(format!(
                    "\n\nWhat to look at, in order:\n\
                     1. Workloads in the console: {console}\n\
                     2. `kubectl -n {namespace} get pods -o wide` — are pods Running and Ready, in every zone?\n\
                     3. `kubectl -n {namespace} describe ingress {ingress}` — are the backends HEALTHY?\n\
                     4. `kubectl -n {namespace} logs -l app.kubernetes.io/name={} --since=15m` — errors after the last deploy?\n\
                     5. Roll back with the previous image tag if a deploy started it.\n",
                    self.app
                ))
                .build()
        };

        // Uptime: more than one region failing at once is an outage, not a
        // blip in one checker's network.
        stack.add_with(
            "uptime",
            MonitoringAlertPolicy {
                display_name: format!("{} is down", self.app).into(),
                combiner: "OR".to_owned(),
                project: Some(self.project.clone()),
                enabled: Some(true),
                severity: Some("CRITICAL".to_owned()),
                notification_channels: notify.clone(),
                user_labels: BTreeMap::new(),
                documentation: Some(Documentation {
                    content: runbook("The uptime check is failing from more than one region.").into(),
                    mime_type: "text/markdown".to_owned(),
                    subject: Some(format!("{} is down", self.app)),
                }),
                alert_strategy: Some(AlertStrategy {
                    auto_close: "1800s".to_owned(),
                }),
                conditions: vec![AlertCondition {
                    display_name: format!("{} uptime check failing", self.app),
                    condition_threshold: ConditionThreshold {
                        filter: Template::new()
                            .lit("metric.type=\"monitoring.googleapis.com/uptime_check/check_passed\" AND resource.type=\"uptime_url\" AND metric.label.\"check_id\"=\"")
                            .interp(uptime_check.uptime_check_id())
                            .lit("\"")
                            .build()
                            .into(),
                        denominator_filter: None,
                        comparison: "COMPARISON_GT".to_owned(),
                        threshold_value: 1.0,
                        duration: "60s".to_owned(),
                        aggregations: vec![Aggregation {
                            alignment_period: "1200s".to_owned(),
                            per_series_aligner: "ALIGN_NEXT_OLDER".to_owned(),
                            cross_series_reducer: Some("REDUCE_COUNT_FALSE".to_owned()),
                            group_by_fields: vec!["resource.label.*".to_owned()],
                        }],
                        denominator_aggregations: Vec::new(),
                        trigger: Some(Trigger { count: 1 }),
                    },
                }],
            },
            meta(),
        );

        // 5xx ratio on the load balancer the Ingress creates; its forwarding
        // rules are named k8s2-fr-…-NAMESPACE-INGRESS-… (HTTP) and
        // k8s2-fs-… (HTTPS).
        let rules = format!(
            "resource.type=\"https_lb_rule\" AND resource.label.\"forwarding_rule_name\"=monitoring.regex.full_match(\"k8s2-f[rs]-.*-{namespace}-{ingress}-.*\")"
        );
        let rate = Aggregation {
            alignment_period: "300s".to_owned(),
            per_series_aligner: "ALIGN_RATE".to_owned(),
            cross_series_reducer: Some("REDUCE_SUM".to_owned()),
            group_by_fields: Vec::new(),
        };
        stack.add_with(
            "errors",
            MonitoringAlertPolicy {
                display_name: format!("{} is failing requests", self.app).into(),
                combiner: "OR".to_owned(),
                project: Some(self.project.clone()),
                enabled: Some(true),
                severity: Some("ERROR".to_owned()),
                notification_channels: notify,
                user_labels: BTreeMap::new(),
                documentation: Some(Documentation {
                    content: runbook(&format!(
                        "More than {:.0}% of requests to the load balancer answered 5xx for 5 minutes.",
                        self.error_ratio * 100.0
                    ))
                    .into(),
                    mime_type: "text/markdown".to_owned(),
                    subject: Some(format!("{} is failing requests", self.app)),
                }),
                alert_strategy: Some(AlertStrategy {
                    auto_close: "1800s".to_owned(),
                }),
                conditions: vec![AlertCondition {
                    display_name: format!("{} 5xx ratio", self.app),
                    condition_threshold: ConditionThreshold {
                        filter: format!(
                            "metric.type=\"loadbalancing.googleapis.com/https/request_count\" AND {rules} AND metric.label.\"response_code_class\"=500"
                        )
                        .into(),
                        denominator_filter: Some(
                            format!("metric.type=\"loadbalancing.googleapis.com/https/request_count\" AND {rules}").into(),
                        ),
                        comparison: "COMPARISON_GT".to_owned(),
                        threshold_value: self.error_ratio,
                        duration: "300s".to_owned(),
                        aggregations: vec![rate.clone()],
                        denominator_aggregations: vec![rate],
                        trigger: Some(Trigger { count: 1 }),
                    },
                }],
            },
            meta(),
        );
        AlertingRefs {
            uptime_check,
            channels,
        }
    }
}
