use serde::Serialize;

use crate::tf::{Resource, Value};

/// Grants one role on one service account, e.g. Workload Identity's
/// `roles/iam.workloadIdentityUser` (`google_service_account_iam_member`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceAccountIamMember {
    /// The account's resource name.
    pub service_account_id: Value<String>,
    /// The role.
    pub role: Value<String>,
    /// Who gets it.
    pub member: Value<String>,
}

impl Resource for ServiceAccountIamMember {
    const TYPE: &'static str = "google_service_account_iam_member";
    crate::serde_body!();
}
