use serde::Serialize;

use crate::tf::{Expr, Ref, Resource, Value};

/// A Google service account (`google_service_account`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceAccount {
    /// The part of the e-mail before `@`, 6 to 30 characters.
    pub account_id: Value<String>,
    /// Shown in the console.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<Value<String>>,
    /// What the account is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Value<String>>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
}

impl ServiceAccount {
    /// An account with id `account_id`, every optional setting left out.
    pub fn new(account_id: impl Into<Value<String>>) -> Self {
        ServiceAccount {
            account_id: account_id.into(),
            display_name: None,
            description: None,
            project: None,
        }
    }
}

impl Resource for ServiceAccount {
    const TYPE: &'static str = "google_service_account";
    crate::serde_body!();
}

impl Ref<ServiceAccount> {
    /// The account's e-mail address.
    pub fn email(&self) -> Expr<String> {
        self.attr("email")
    }
    /// The account as an IAM member, `serviceAccount:EMAIL`.
    pub fn member(&self) -> Expr<String> {
        self.attr("member")
    }
    /// The account's resource name, `projects/P/serviceAccounts/EMAIL`.
    pub fn name(&self) -> Expr<String> {
        self.attr("name")
    }
}
