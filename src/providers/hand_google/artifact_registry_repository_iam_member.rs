use serde::Serialize;

use crate::tf::{Resource, Value};

/// Grants one role on one Artifact Registry repository
/// (`google_artifact_registry_repository_iam_member`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArtifactRegistryRepositoryIamMember {
    /// The repository's name (or id).
    pub repository: Value<String>,
    /// The repository's location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Value<String>>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// The role, e.g. `roles/artifactregistry.reader`.
    pub role: Value<String>,
    /// Who gets it.
    pub member: Value<String>,
}

impl Resource for ArtifactRegistryRepositoryIamMember {
    const TYPE: &'static str = "google_artifact_registry_repository_iam_member";
    crate::serde_body!();
}
