use crate::constructs::scoped;
use crate::providers::google::google_artifact_registry_repository::{
    CleanupPolicies, CleanupPoliciesCondition, CleanupPoliciesMostRecentVersions, DockerConfig,
};
use crate::providers::google::{
    GoogleArtifactRegistryRepository, GoogleArtifactRegistryRepositoryIamMember,
    GoogleArtifactRegistryRepositoryRef, GoogleServiceAccount, GoogleServiceAccountRef,
};
use crate::tf::{Dependency, Meta, Ref, Stack, Value};

/// A Docker repository in Artifact Registry for the app's images, readable
/// by the nodes and nobody else by default.
#[derive(Debug, Clone, PartialEq)]
pub struct Registry {
    /// The logical name its Terraform addresses are built from (see
    /// [`crate::constructs::scoped`]), so several coexist in one root.
    /// Addresses: `google_artifact_registry_repository.SCOPE`, and each
    /// reader's access at `SCOPE_reader` (`SCOPE_reader_1`, ... after the
    /// first).
    pub scope: String,
    /// Repository id, e.g. `hello`.
    pub name: String,
    /// The region, next to the cluster: pulls stay in-region.
    pub region: String,
    /// The project id (a literal: it is part of image paths).
    pub project_id: String,
    /// The project, usually `var.project_id`.
    pub project: Value<String>,
    /// The nodes' identity, which pulls images.
    pub readers: Vec<Ref<GoogleServiceAccount>>,
}

/// Handles to what a [`Registry`] added.
#[derive(Debug, Clone)]
pub struct RegistryRefs {
    /// The repository.
    pub repository: Ref<GoogleArtifactRegistryRepository>,
}

impl Registry {
    /// The image path without a tag: `REGION-docker.pkg.dev/PROJECT/REPO/IMAGE`.
    pub fn image(&self, image: &str) -> String {
        format!(
            "{}-docker.pkg.dev/{}/{}/{image}",
            self.region, self.project_id, self.name
        )
    }

    /// Adds the repository and the readers' access; waits for `after`.
    pub fn add_to(&self, stack: &mut Stack, after: Vec<Dependency>) -> RegistryRefs {
        let repository = stack.add_with(
            self.scope.as_str(),
            GoogleArtifactRegistryRepository {
                location: Some(self.region.as_str().into()),
                project: Some(self.project.clone()),
                description: Some(format!("Container images of {}", self.name).into()),
                // Immutable tags: a version tag always means the same image,
                // so nothing is ever effectively `latest`.
                docker_config: Some(DockerConfig {
                    immutable_tags: Some(true.into()),
                }),
                cleanup_policy_dry_run: Some(false.into()),
                cleanup_policies: vec![
                    // Untagged images are leftovers of builds; a week is
                    // enough to notice a mistake.
                    CleanupPolicies {
                        action: Some("DELETE".into()),
                        condition: Some(CleanupPoliciesCondition {
                            tag_state: Some("UNTAGGED".into()),
                            older_than: Some("604800s".into()),
                            ..CleanupPoliciesCondition::default()
                        }),
                        ..CleanupPolicies::new("delete-untagged")
                    },
                    // The last twenty versions stay, for rollbacks.
                    CleanupPolicies {
                        action: Some("KEEP".into()),
                        most_recent_versions: Some(CleanupPoliciesMostRecentVersions {
                            keep_count: Some(20.into()),
                            ..CleanupPoliciesMostRecentVersions::default()
                        }),
                        ..CleanupPolicies::new("keep-recent")
                    },
                ],
                ..GoogleArtifactRegistryRepository::new("DOCKER", self.name.as_str())
            },
            Meta {
                depends_on: after,
                ..Meta::default()
            },
        );
        for (i, reader) in self.readers.iter().enumerate() {
            let name = if i == 0 {
                scoped(&self.scope, "reader")
            } else {
                scoped(&self.scope, &format!("reader_{i}"))
            };
            stack.add(
                name,
                GoogleArtifactRegistryRepositoryIamMember {
                    repository: repository.name().into(),
                    location: Some(repository.location().into()),
                    project: Some(self.project.clone()),
                    // Read only: nodes pull; only the deploy pipeline pushes.
                    role: "roles/artifactregistry.reader".into(),
                    member: reader.member().into(),
                    condition: None,
                },
            );
        }
        RegistryRefs { repository }
    }
}
