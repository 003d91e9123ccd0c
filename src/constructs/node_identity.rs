use crate::constructs::scoped;
use crate::providers::google::{
    GoogleProjectIamMember, GoogleServiceAccount, GoogleServiceAccountRef,
};
use crate::tf::{Dependency, Meta, Ref, Stack, Value};

/// The identity GKE nodes run as: a dedicated service account with only the
/// role nodes need, never the Compute Engine default account (which holds
/// project-wide Editor).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeIdentity {
    /// The logical name its Terraform addresses are built from (see
    /// [`crate::constructs::scoped`]), so several coexist in one root.
    /// Addresses: `google_service_account.SCOPE` and
    /// `google_project_iam_member.SCOPE_default_role`.
    pub scope: String,
    /// Account id, 6 to 30 characters, e.g. `hello-nodes`.
    pub account_id: String,
    /// The project, usually `var.project_id`.
    pub project: Value<String>,
}

/// The role Google maintains for exactly what nodes need: writing logs and
/// metrics, reading monitoring, and resource metadata.
pub const NODE_ROLE: &str = "roles/container.defaultNodeServiceAccount";

impl NodeIdentity {
    /// Adds the account and its one role; the account waits for `after`.
    pub fn add_to(&self, stack: &mut Stack, after: Vec<Dependency>) -> Ref<GoogleServiceAccount> {
        let account = stack.add_with(
            self.scope.as_str(),
            GoogleServiceAccount {
                display_name: Some(format!("GKE nodes ({})", self.account_id).into()),
                description: Some(
                    "Identity of the cluster's nodes: logs and metrics only; pods use Workload Identity"
                        .into(),
                ),
                project: Some(self.project.clone()),
                ..GoogleServiceAccount::new(self.account_id.as_str())
            },
            Meta {
                depends_on: after,
                ..Meta::default()
            },
        );
        stack.add(
            scoped(&self.scope, "default_role"),
            GoogleProjectIamMember {
                project: self.project.clone(),
                role: NODE_ROLE.into(),
                member: account.member().into(),
                condition: None,
            },
        );
        account
    }
}
