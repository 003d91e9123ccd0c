use serde::Serialize;

use crate::tf::{Resource, Value};

/// Grants one role on one bucket (`google_storage_bucket_iam_member`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StorageBucketIamMember {
    /// The bucket's name.
    pub bucket: Value<String>,
    /// The role, e.g. `roles/storage.objectViewer`.
    pub role: Value<String>,
    /// Who gets it, e.g. `allUsers`.
    pub member: Value<String>,
}

impl Resource for StorageBucketIamMember {
    const TYPE: &'static str = "google_storage_bucket_iam_member";
    crate::serde_body!();
}
