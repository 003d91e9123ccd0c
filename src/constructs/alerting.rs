use std::collections::{BTreeMap, BTreeSet};

use crate::constructs::scoped;
use crate::providers::google::google_monitoring_alert_policy::{
    AlertStrategy, Conditions, ConditionsConditionThreshold,
    ConditionsConditionThresholdAggregations, ConditionsConditionThresholdDenominatorAggregations,
    ConditionsConditionThresholdTrigger, Documentation,
};
use crate::providers::google::google_monitoring_uptime_check_config::{
    HttpCheck, MonitoredResource,
};
use crate::providers::google::{
    GoogleMonitoringAlertPolicy, GoogleMonitoringNotificationChannel,
    GoogleMonitoringUptimeCheckConfig, GoogleMonitoringUptimeCheckConfigRef,
};
use crate::tf::{Body, BodyError, Dependency, Meta, Number, Ref, Resource, Stack, Template, Value};

/// E-mail notification channels, one per address, shared by every alert
/// of a project that names them. Their addresses are each address's
/// [`channel_names`] (`google_monitoring_notification_channel.oncall_example_com`):
/// a channel exists once per mailbox, so two instances that list one
/// address collide, and synth refuses the duplicate rather than make a
/// second channel for it.
#[derive(Debug, Clone, PartialEq)]
pub struct EmailChannels {
    /// Whose on-call they are, in display names: `hello`.
    pub owner: String,
    /// The project, usually `var.project_id`.
    pub project: Value<String>,
    /// Who is e-mailed.
    pub emails: Vec<String>,
}

impl EmailChannels {
    /// Adds one channel per address; they wait for `after` (the
    /// monitoring API). Returns them by address.
    pub fn add_to(
        &self,
        stack: &mut Stack,
        after: Vec<Dependency>,
    ) -> BTreeMap<String, Ref<GoogleMonitoringNotificationChannel>> {
        let mut channels = BTreeMap::new();
        for (email, name) in self.emails.iter().zip(channel_names(&self.emails)) {
            let channel = stack.add_with(
                name,
                GoogleMonitoringNotificationChannel {
                    display_name: Some(format!("{} on-call: {email}", self.owner).into()),
                    project: Some(self.project.clone()),
                    labels: Some(
                        BTreeMap::from([("email_address".to_owned(), email.clone())]).into(),
                    ),
                    enabled: Some(true.into()),
                    ..GoogleMonitoringNotificationChannel::new("email")
                },
                Meta {
                    depends_on: after.clone(),
                    ..Meta::default()
                },
            );
            channels.insert(email.clone(), channel);
        }
        channels
    }
}

/// Where a service runs and how the load balancer reaches it, for an
/// alert's runbook and its 5xx filter.
#[derive(Debug, Clone, PartialEq)]
pub struct ServedBy {
    /// The Kubernetes namespace.
    pub namespace: String,
    /// The Ingress that creates the load balancer.
    pub ingress: String,
    /// The Kubernetes Service (and the `app.kubernetes.io/name` of its pods).
    pub service: String,
    /// A regular expression (RE2, full match) for the names of the
    /// load balancer's backend services that send to it, from
    /// [`crate::constructs::WebService::backend_service_regex`].
    pub backend_service_regex: String,
}

/// An uptime check on one service through the load balancer, and alerts
/// that notify people: one when it stops answering, one when too many of
/// its requests fail with 5xx.
#[derive(Debug, Clone, PartialEq)]
pub struct UptimeAlerting {
    /// The logical name its Terraform addresses are built from (see
    /// [`crate::constructs::scoped`]), so several coexist in one root.
    /// Addresses: `google_monitoring_uptime_check_config.SCOPE`, and
    /// `google_monitoring_alert_policy.SCOPE_uptime` and `.SCOPE_errors`.
    pub scope: String,
    /// The service's name in display names and subjects: `hello`,
    /// `shop-api`.
    pub name: String,
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
    /// The notification channels' names (`channel.name()`).
    pub channels: Vec<Value<String>>,
    /// Share of 5xx responses that opens an incident, e.g. 0.05.
    pub error_ratio: f64,
    /// Where the service runs.
    pub served_by: ServedBy,
}

/// Handles to what [`UptimeAlerting`] added.
#[derive(Debug, Clone)]
pub struct AlertingRefs {
    /// The uptime check.
    pub uptime_check: Ref<GoogleMonitoringUptimeCheckConfig>,
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

    /// Adds the uptime check and both alert policies; they wait for
    /// `after` (the monitoring API).
    pub fn add_to(&self, stack: &mut Stack, after: Vec<Dependency>) -> AlertingRefs {
        let meta = || Meta {
            depends_on: after.clone(),
            ..Meta::default()
        };
        let notification_channels =
            (!self.channels.is_empty()).then(|| Value::Lit(self.channels.clone()));

        let uptime_check = stack.add_with(
            self.scope.as_str(),
            GoogleMonitoringUptimeCheckConfig {
                period: Some(self.period.as_str().into()),
                project: Some(self.project.clone()),
                selected_regions: (!self.regions.is_empty()).then(|| self.regions.clone().into()),
                checker_type: Some("STATIC_IP_CHECKERS".into()),
                // Failed checks are logged with the reason, for the on-call.
                log_check_failures: Some(true.into()),
                http_check: Some(HttpCheck {
                    path: Some(self.path.as_str().into()),
                    port: Some(if self.https { 443 } else { 80 }.into()),
                    use_ssl: Some(self.https.into()),
                    // An expired or wrong certificate is an outage too.
                    validate_ssl: Some(self.https.into()),
                    request_method: Some("GET".into()),
                    ..HttpCheck::default()
                }),
                monitored_resource: Some(MonitoredResource {
                    r#type: "uptime_url".into(),
                    labels: Value::Lit(BTreeMap::from([
                        ("host".to_owned(), self.host.clone()),
                        ("project_id".to_owned(), Value::Lit(self.project_id.clone())),
                    ])),
                }),
                ..GoogleMonitoringUptimeCheckConfig::new(
                    format!("{} {}", self.name, self.path),
                    "10s",
                )
            },
            meta(),
        );

        let console = format!(
            "https://console.cloud.google.com/kubernetes/workload/overview?project={}",
            self.project_id
        );
        let ServedBy {
            namespace,
            ingress,
            service,
            backend_service_regex,
        } = &self.served_by;
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
                     4. `kubectl -n {namespace} logs -l app.kubernetes.io/name={service} --since=15m` — errors after the last deploy?\n\
                     5. Roll back with the previous image tag if a deploy started it.\n"
                ))
                .build()
        };

        // Uptime: more than one region failing at once is an outage, not a
        // blip in one checker's network.
        stack.add_with(
            scoped(&self.scope, "uptime"),
            GoogleMonitoringAlertPolicy {
                project: Some(self.project.clone()),
                enabled: Some(true.into()),
                severity: Some("CRITICAL".into()),
                notification_channels: notification_channels.clone(),
                documentation: Some(Documentation {
                    content: Some(runbook("The uptime check is failing from more than one region.").into()),
                    mime_type: Some("text/markdown".into()),
                    subject: Some(format!("{} is down", self.name).into()),
                    ..Documentation::default()
                }),
                alert_strategy: Some(AlertStrategy {
                    auto_close: Some("1800s".into()),
                    ..AlertStrategy::default()
                }),
                conditions: vec![Conditions {
                    condition_threshold: Some(ConditionsConditionThreshold {
                        filter: Some(Template::new()
                            .lit("metric.type=\"monitoring.googleapis.com/uptime_check/check_passed\" AND resource.type=\"uptime_url\" AND metric.label.\"check_id\"=\"")
                            .interp(uptime_check.uptime_check_id())
                            .lit("\"")
                            .build()
                            .into()),
                        threshold_value: Some(Number::from_f64(1.0).expect("1.0 is finite").into()),
                        aggregations: vec![ConditionsConditionThresholdAggregations {
                            alignment_period: Some("1200s".into()),
                            per_series_aligner: Some("ALIGN_NEXT_OLDER".into()),
                            cross_series_reducer: Some("REDUCE_COUNT_FALSE".into()),
                            group_by_fields: Some(vec!["resource.label.*"].into()),
                        }],
                        trigger: Some(ConditionsConditionThresholdTrigger {
                            count: Some(1.into()),
                            ..ConditionsConditionThresholdTrigger::default()
                        }),
                        ..ConditionsConditionThreshold::new("COMPARISON_GT", "60s")
                    }),
                    ..Conditions::new(format!("{} uptime check failing", self.name))
                }],
                ..GoogleMonitoringAlertPolicy::new("OR", format!("{} is down", self.name))
            },
            meta(),
        );

        // 5xx ratio of the requests the load balancer sends to this
        // service's backend services, whichever forwarding rule (HTTP or
        // HTTPS) they came in through.
        let rules = format!(
            "resource.type=\"https_lb_rule\" AND resource.label.\"backend_target_name\"=monitoring.regex.full_match(\"{backend_service_regex}\")"
        );
        let rate = ConditionsConditionThresholdAggregations {
            alignment_period: Some("300s".into()),
            per_series_aligner: Some("ALIGN_RATE".into()),
            cross_series_reducer: Some("REDUCE_SUM".into()),
            group_by_fields: None,
        };
        // The same aggregation for the denominator, which the binding
        // declares as a type of its own.
        let ConditionsConditionThresholdAggregations {
            alignment_period,
            per_series_aligner,
            cross_series_reducer,
            group_by_fields,
        } = rate.clone();
        let denominator_rate = ConditionsConditionThresholdDenominatorAggregations {
            alignment_period,
            per_series_aligner,
            cross_series_reducer,
            group_by_fields,
        };
        let errors = GoogleMonitoringAlertPolicy {
            project: Some(self.project.clone()),
            enabled: Some(true.into()),
            severity: Some("ERROR".into()),
            notification_channels,
            documentation: Some(Documentation {
                content: Some(runbook(&format!(
                    "More than {:.0}% of requests to the load balancer answered 5xx for 5 minutes.",
                    self.error_ratio * 100.0
                ))
                .into()),
                mime_type: Some("text/markdown".into()),
                subject: Some(format!("{} is failing requests", self.name).into()),
                ..Documentation::default()
            }),
            alert_strategy: Some(AlertStrategy {
                auto_close: Some("1800s".into()),
                ..AlertStrategy::default()
            }),
            conditions: vec![Conditions {
                condition_threshold: Some(ConditionsConditionThreshold {
                    filter: Some(format!(
                        "metric.type=\"loadbalancing.googleapis.com/https/request_count\" AND {rules} AND metric.label.\"response_code_class\"=500"
                    )
                    .into()),
                    denominator_filter: Some(
                        format!("metric.type=\"loadbalancing.googleapis.com/https/request_count\" AND {rules}").into(),
                    ),
                    threshold_value: Number::from_f64(self.error_ratio).map(Value::from),
                    aggregations: vec![rate],
                    denominator_aggregations: vec![denominator_rate],
                    trigger: Some(ConditionsConditionThresholdTrigger {
                        count: Some(1.into()),
                        ..ConditionsConditionThresholdTrigger::default()
                    }),
                    ..ConditionsConditionThreshold::new("COMPARISON_GT", "300s")
                }),
                ..Conditions::new(format!("{} 5xx ratio", self.name))
            }],
            ..GoogleMonitoringAlertPolicy::new("OR", format!("{} is failing requests", self.name))
        };
        // A ratio that is not a finite number is refused at synth, at this
        // policy's address: a Number cannot hold it.
        let errors = if self.error_ratio.is_finite() {
            Refusable::Resource(errors)
        } else {
            Refusable::Refused(BodyError(format!(
                "conditions: condition_threshold: threshold_value: {} is not a finite number",
                self.error_ratio
            )))
        };
        stack.add_with(scoped(&self.scope, "errors"), errors, meta());
        AlertingRefs { uptime_check }
    }
}

/// A resource, or the reason its body cannot be written; the reason is
/// reported at synth with the resource's address, as for any body error.
enum Refusable<R> {
    /// A body that can be written.
    Resource(R),
    /// Why not.
    Refused(BodyError),
}

impl<R: Resource> Resource for Refusable<R> {
    const TYPE: &'static str = R::TYPE;

    fn into_body(self) -> Result<Body, BodyError> {
        match self {
            Refusable::Resource(resource) => resource.into_body(),
            Refusable::Refused(error) => Err(error),
        }
    }
}
