use serde::Serialize;

use crate::tf::{Resource, Value};

/// Grants one role to one member on a project, leaving other members of
/// the role alone (`google_project_iam_member`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectIamMember {
    /// The project.
    pub project: Value<String>,
    /// The role, e.g. `roles/container.defaultNodeServiceAccount`.
    pub role: Value<String>,
    /// Who gets it, e.g. `serviceAccount:EMAIL`.
    pub member: Value<String>,
}

impl Resource for ProjectIamMember {
    const TYPE: &'static str = "google_project_iam_member";
    crate::serde_body!();
}
