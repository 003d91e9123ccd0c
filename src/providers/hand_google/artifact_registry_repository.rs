use std::collections::BTreeMap;

use serde::Serialize;

use crate::tf::{Expr, Ref, Resource, Value};

/// An Artifact Registry repository (`google_artifact_registry_repository`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArtifactRegistryRepository {
    /// The repository's id, the last part of its path.
    pub repository_id: Value<String>,
    /// `DOCKER`, `MAVEN`, `NPM`, ...
    pub format: String,
    /// The region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Value<String>>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// What the repository holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Value<String>>,
    /// Labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Docker settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docker_config: Option<DockerConfig>,
    /// Whether cleanup policies only report what they would delete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleanup_policy_dry_run: Option<bool>,
    /// What gets deleted or kept over time.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cleanup_policies: Vec<CleanupPolicy>,
}

/// Docker settings of a repository (`docker_config` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DockerConfig {
    /// A tag, once pushed, can never point at another image.
    pub immutable_tags: bool,
}

/// One cleanup policy (`cleanup_policies` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CleanupPolicy {
    /// The policy's id.
    pub id: String,
    /// `DELETE` or `KEEP`.
    pub action: String,
    /// Which versions a `DELETE` policy matches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<CleanupCondition>,
    /// Which versions a `KEEP` policy keeps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub most_recent_versions: Option<MostRecentVersions>,
}

/// What a cleanup policy matches (`condition` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CleanupCondition {
    /// `TAGGED`, `UNTAGGED` or `ANY`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_state: Option<String>,
    /// Versions older than this, e.g. `604800s`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub older_than: Option<String>,
}

/// How many recent versions to keep (`most_recent_versions` block).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MostRecentVersions {
    /// How many.
    pub keep_count: u32,
}

impl Resource for ArtifactRegistryRepository {
    const TYPE: &'static str = "google_artifact_registry_repository";
    crate::serde_body!();
}

impl Ref<ArtifactRegistryRepository> {
    /// The repository id.
    pub fn repository_id(&self) -> Expr<String> {
        self.attr("repository_id")
    }
    /// The repository's location.
    pub fn location(&self) -> Expr<String> {
        self.attr("location")
    }
    /// The repository's resource name.
    pub fn name(&self) -> Expr<String> {
        self.attr("name")
    }
}
