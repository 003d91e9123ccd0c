use crate::constructs::scoped;
use crate::providers::google::{
    GoogleServiceAccount, GoogleServiceAccountIamMember, GoogleServiceAccountRef,
};
use crate::tf::{Dependency, Meta, Ref, Stack, Value};

/// A Kubernetes service account, by namespace and name: what a Google
/// service account trusts through Workload Identity.
/// [`crate::constructs::WebService::service_account`] gives the one a
/// web service's pods run as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubernetesServiceAccount {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
}

impl KubernetesServiceAccount {
    /// The IAM member Workload Identity gives it in project `project_id`:
    /// `serviceAccount:PROJECT.svc.id.goog[NAMESPACE/NAME]` (GKE,
    /// "Authenticate to Google Cloud APIs from GKE workloads").
    pub fn member(&self, project_id: &str) -> String {
        format!(
            "serviceAccount:{project_id}.svc.id.goog[{}/{}]",
            self.namespace, self.name
        )
    }
}

/// A Google service account that exactly one Kubernetes service account
/// acts as through Workload Identity, with no keys. It holds no roles:
/// grant what the workload needs, and nothing else.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadIdentity {
    /// The logical name its Terraform addresses are built from (see
    /// [`crate::constructs::scoped`]), so several coexist in one root.
    /// Addresses: `google_service_account.SCOPE` and
    /// `google_service_account_iam_member.SCOPE_workload_identity`.
    pub scope: String,
    /// The Google service account's id, 6 to 30 characters.
    pub account_id: String,
    /// Who it is for, shown in the console: `hello pods`.
    pub display_name: String,
    /// The project id (a literal: the identity pool is named after it).
    pub project_id: String,
    /// The project, usually `var.project_id`.
    pub project: Value<String>,
    /// The Kubernetes service account that may act as it.
    pub kubernetes: KubernetesServiceAccount,
}

impl WorkloadIdentity {
    /// Adds the account, which waits for `after` (the IAM API), and the
    /// binding, which waits for `pool` (the cluster: its identity pool
    /// exists once the cluster does). Returns the account.
    pub fn add_to(
        &self,
        stack: &mut Stack,
        after: Vec<Dependency>,
        pool: Dependency,
    ) -> Ref<GoogleServiceAccount> {
        let account = stack.add_with(
            self.scope.as_str(),
            GoogleServiceAccount {
                display_name: Some(self.display_name.as_str().into()),
                description: Some("Identity of the app's pods, through Workload Identity".into()),
                project: Some(self.project.clone()),
                ..GoogleServiceAccount::new(self.account_id.as_str())
            },
            Meta {
                depends_on: after,
                ..Meta::default()
            },
        );
        stack.add_with(
            scoped(&self.scope, "workload_identity"),
            GoogleServiceAccountIamMember {
                service_account_id: account.name().into(),
                role: "roles/iam.workloadIdentityUser".into(),
                // Exactly one Kubernetes service account, in its namespace.
                member: self.kubernetes.member(&self.project_id).into(),
                condition: None,
            },
            Meta {
                depends_on: vec![pool],
                ..Meta::default()
            },
        );
        account
    }
}
