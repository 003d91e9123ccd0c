use std::collections::BTreeMap;

use serde::Serialize;

use crate::tf::Value;

/// The `google` provider configuration block.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GoogleProvider {
    /// Project for resources that do not name one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// Region for regional resources that do not name one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Value<String>>,
    /// Labels added to every resource that supports labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub default_labels: BTreeMap<String, String>,
    /// Whether the provider adds its own `goog-terraform-provisioned` label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub add_terraform_attribution_label: Option<bool>,
}
