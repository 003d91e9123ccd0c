use std::collections::BTreeMap;

use serde::Serialize;

use crate::tf::{Resource, Value};

/// A Cloud Monitoring alert policy (`google_monitoring_alert_policy`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonitoringAlertPolicy {
    /// Shown in the console and in notifications.
    pub display_name: Value<String>,
    /// `OR`: any condition opens an incident.
    pub combiner: String,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// Whether the policy is evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// `CRITICAL`, `ERROR` or `WARNING`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    /// Channels notified when an incident opens or closes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notification_channels: Vec<Value<String>>,
    /// Labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub user_labels: BTreeMap<String, String>,
    /// What to look at, sent with every notification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documentation: Option<Documentation>,
    /// When incidents close by themselves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert_strategy: Option<AlertStrategy>,
    /// The conditions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<AlertCondition>,
}

/// Notification text (`documentation` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Documentation {
    /// The text.
    pub content: Value<String>,
    /// `text/markdown`.
    pub mime_type: String,
    /// The notification's subject line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

/// How incidents end (`alert_strategy` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertStrategy {
    /// Close an incident when its data stops, after this long, e.g. `1800s`.
    pub auto_close: String,
}

/// One condition (`conditions` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertCondition {
    /// Shown in the incident.
    pub display_name: String,
    /// A metric crossing a threshold.
    pub condition_threshold: ConditionThreshold,
}

/// A metric threshold (`condition_threshold` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConditionThreshold {
    /// The time series.
    pub filter: Value<String>,
    /// For a ratio: the time series divided by.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator_filter: Option<Value<String>>,
    /// `COMPARISON_GT`, `COMPARISON_LT`, ...
    pub comparison: String,
    /// The threshold.
    pub threshold_value: f64,
    /// How long the condition must hold, e.g. `300s`.
    pub duration: String,
    /// How the series are aligned and combined.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aggregations: Vec<Aggregation>,
    /// Alignment of the denominator series.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub denominator_aggregations: Vec<Aggregation>,
    /// How many series must meet the condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Trigger>,
}

/// Alignment and reduction of time series (`aggregations` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aggregation {
    /// e.g. `300s`.
    pub alignment_period: String,
    /// e.g. `ALIGN_RATE`, `ALIGN_NEXT_OLDER`.
    pub per_series_aligner: String,
    /// e.g. `REDUCE_SUM`, `REDUCE_COUNT_FALSE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cross_series_reducer: Option<String>,
    /// Labels kept when reducing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub group_by_fields: Vec<String>,
}

/// How many series must meet a condition (`trigger` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trigger {
    /// At least this many.
    pub count: u32,
}

impl Resource for MonitoringAlertPolicy {
    const TYPE: &'static str = "google_monitoring_alert_policy";
    crate::serde_body!();
}
