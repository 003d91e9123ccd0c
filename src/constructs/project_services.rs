use std::collections::BTreeMap;

use crate::providers::google::GoogleProjectService;
use crate::tf::{Dependency, Ref, Stack, Value};

/// The Google APIs a stack needs, each a `google_project_service` named
/// after the API's short name (`container` for `container.googleapis.com`).
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectServices {
    /// The project, usually `var.project_id`.
    pub project: Value<String>,
    /// Short API names, e.g. `compute`, `container`.
    pub services: Vec<String>,
}

/// Handles to the enabled APIs.
#[derive(Debug, Clone)]
pub struct ProjectServicesRefs {
    /// By short name.
    pub services: BTreeMap<String, Ref<GoogleProjectService>>,
}

impl ProjectServicesRefs {
    /// `depends_on` entries on every API.
    pub fn deps(&self) -> Vec<Dependency> {
        self.services.values().map(Ref::dep).collect()
    }

    /// `depends_on` entries on just the named APIs, so each resource waits
    /// for what it uses and the output says what that is. Names that were
    /// not enabled are left out.
    pub fn only(&self, names: &[&str]) -> Vec<Dependency> {
        names
            .iter()
            .filter_map(|n| self.services.get(*n))
            .map(Ref::dep)
            .collect()
    }
}

impl ProjectServices {
    /// Adds one `google_project_service` per API.
    pub fn add_to(&self, stack: &mut Stack) -> ProjectServicesRefs {
        let mut services = BTreeMap::new();
        for name in &self.services {
            let service = GoogleProjectService {
                project: Some(self.project.clone()),
                // Keep APIs on when this stack is destroyed: other workloads
                // in the project may use them, and turning an API off can
                // delete their resources.
                disable_on_destroy: Some(false.into()),
                // Never cascade to APIs this stack did not enable.
                disable_dependent_services: Some(false.into()),
                ..GoogleProjectService::new(format!("{name}.googleapis.com"))
            };
            services.insert(name.clone(), stack.add(name.as_str(), service));
        }
        ProjectServicesRefs { services }
    }
}
