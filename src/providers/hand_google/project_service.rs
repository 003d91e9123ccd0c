use serde::Serialize;

use crate::tf::{Resource, Value};

/// Enables one Google API in a project (`google_project_service`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectService {
    /// The API, e.g. `container.googleapis.com`.
    pub service: Value<String>,
    /// The project; the provider's project when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value<String>>,
    /// Whether destroying this resource disables the API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_on_destroy: Option<bool>,
    /// Whether disabling the API also disables the APIs that depend on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_dependent_services: Option<bool>,
}

impl ProjectService {
    /// Enables `service`, leaving everything else to the provider.
    pub fn new(service: impl Into<Value<String>>) -> Self {
        ProjectService {
            service: service.into(),
            project: None,
            disable_on_destroy: None,
            disable_dependent_services: None,
        }
    }
}

impl Resource for ProjectService {
    const TYPE: &'static str = "google_project_service";
    crate::serde_body!();
}
