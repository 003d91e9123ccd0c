use std::collections::BTreeMap;

use serde::Serialize;

use crate::tf::{Expr, Ref, Resource, Value};

/// Where alerts are sent, e.g. an e-mail address
/// (`google_monitoring_notification_channel`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonitoringNotificationChannel {
    /// `email`, `sms`, `slack`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Shown in the console and in alert e-mails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<Value<String>>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// The channel's settings, e.g. `email_address`.
    pub labels: BTreeMap<String, String>,
    /// Whether alerts are sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

impl Resource for MonitoringNotificationChannel {
    const TYPE: &'static str = "google_monitoring_notification_channel";
    crate::serde_body!();
}

impl Ref<MonitoringNotificationChannel> {
    /// The channel's resource name, as alert policies take it.
    pub fn name(&self) -> Expr<String> {
        self.attr("name")
    }
}
