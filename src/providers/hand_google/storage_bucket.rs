use std::collections::BTreeMap;

use serde::Serialize;

use crate::tf::{Expr, Ref, Resource, Value};

/// A Cloud Storage bucket (`google_storage_bucket`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StorageBucket {
    /// Globally unique name.
    pub name: Value<String>,
    /// `EU`, `US`, or a region.
    pub location: String,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// Access is decided by IAM on the bucket only, never per object ACLs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uniform_bucket_level_access: Option<bool>,
    /// `enforced` forbids public access; `inherited` allows granting it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_access_prevention: Option<String>,
    /// Whether `terraform destroy` deletes the objects too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force_destroy: Option<bool>,
    /// Labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Index and error pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<BucketWebsite>,
    /// Object versioning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versioning: Option<BucketVersioning>,
}

/// Website settings of a bucket (`website` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BucketWebsite {
    /// The object served for a directory, e.g. `index.html`.
    pub main_page_suffix: String,
    /// The object served when one is missing, e.g. `404.html`.
    pub not_found_page: String,
}

/// Object versioning (`versioning` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BucketVersioning {
    /// Keep overwritten and deleted objects as old versions.
    pub enabled: bool,
}

impl StorageBucket {
    /// A bucket called `name` in `location`, every optional setting left out.
    pub fn new(name: impl Into<Value<String>>, location: impl Into<String>) -> Self {
        StorageBucket {
            name: name.into(),
            location: location.into(),
            project: None,
            uniform_bucket_level_access: None,
            public_access_prevention: None,
            force_destroy: None,
            labels: BTreeMap::new(),
            website: None,
            versioning: None,
        }
    }
}

impl Resource for StorageBucket {
    const TYPE: &'static str = "google_storage_bucket";
    crate::serde_body!();
}

impl Ref<StorageBucket> {
    /// The bucket's name.
    pub fn name(&self) -> Expr<String> {
        self.attr("name")
    }
}
