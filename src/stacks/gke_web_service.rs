//! The GKE web-service blueprint. This first slice builds the `cluster`
//! root's foundation: the project's APIs, a custom VPC network and a
//! subnetwork sized for GKE, with the project as a variable and the network
//! as outputs.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::constructs::{Cidr, Network, ProjectServices};
use crate::providers::google::{self, GoogleProvider};
use crate::settings::{Invalid, Validate};
use crate::stacks::RootModule;
use crate::tf::{Backend, Expression, Output, Stack, Value, VarType, Variable};

/// The name settings use for this blueprint.
pub const NAME: &str = "gke-web-service";

/// Terraform versions the output is written for: `removed` blocks need 1.7.
pub const REQUIRED_TERRAFORM: &str = ">= 1.7";

/// Settings as written in `stacks/<name>.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Always `gke-web-service`.
    pub blueprint: String,
    /// What this stack is for; shown in the console and in variable docs.
    pub description: String,
    /// Google Cloud project id.
    pub project: String,
    /// Region of the cluster and its subnetwork, e.g. `us-central1`.
    pub region: String,
    /// The VPC network.
    pub network: NetworkSettings,
    /// Remote state; Terraform's local state when absent.
    #[serde(default)]
    pub state: Option<StateSettings>,
}

/// `[network]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSettings {
    /// Name of the network and its subnetwork.
    pub name: String,
    /// Node range, e.g. `10.10.0.0/20`.
    pub subnet_cidr: String,
    /// Pod range, e.g. `10.20.0.0/14`.
    pub pods_cidr: String,
    /// Service range, e.g. `10.24.0.0/20`.
    pub services_cidr: String,
}

/// `[state]`: keep Terraform state in a Cloud Storage bucket.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateSettings {
    /// An existing bucket.
    pub bucket: String,
    /// Path prefix inside the bucket; `tfsynth/<stack>` when absent.
    #[serde(default)]
    pub prefix: Option<String>,
}

/// Settings that passed validation.
#[derive(Debug, Clone)]
pub struct Valid {
    /// Free text about the stack.
    pub description: String,
    /// Google Cloud project id.
    pub project: String,
    /// Region.
    pub region: String,
    /// Network name.
    pub network_name: String,
    /// Node range.
    pub subnet: Cidr,
    /// Pod range.
    pub pods: Cidr,
    /// Service range.
    pub services: Cidr,
    /// Remote state bucket and prefix.
    pub state: Option<(String, Option<String>)>,
}

/// Google Cloud project ids: 6 to 30 lowercase letters, digits or hyphens,
/// starting with a letter and not ending with a hyphen.
pub fn is_project_id(s: &str) -> bool {
    let b = s.as_bytes();
    (6..=30).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b[b.len() - 1] != b'-'
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// Regions look like `us-central1` or `europe-west4`.
pub fn is_region(s: &str) -> bool {
    let Some((area, rest)) = s.split_once('-') else {
        return false;
    };
    let digits = rest.trim_start_matches(|c: char| c.is_ascii_lowercase());
    !area.is_empty()
        && area.bytes().all(|c| c.is_ascii_lowercase())
        && digits.len() < rest.len()
        && !digits.is_empty()
        && digits.bytes().all(|c| c.is_ascii_digit())
}

/// Compute Engine resource names: 1 to 63 characters, a lowercase letter
/// first, then lowercase letters, digits or hyphens, not ending with a hyphen.
pub fn is_resource_name(s: &str) -> bool {
    let b = s.as_bytes();
    (1..=63).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b[b.len() - 1] != b'-'
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

impl Validate for Settings {
    type Valid = Valid;

    fn validate(self) -> Result<Valid, Vec<Invalid>> {
        let mut problems = Vec::new();
        if !is_project_id(&self.project) {
            problems.push(Invalid::new(
                "project",
                format!(
                    "{:?} is not a project id (6-30 lowercase letters, digits or hyphens, starting with a letter)",
                    self.project
                ),
            ));
        }
        if !is_region(&self.region) {
            problems.push(Invalid::new(
                "region",
                format!("{:?} is not a region like us-central1", self.region),
            ));
        }
        let n = &self.network;
        if !is_resource_name(&n.name) {
            problems.push(Invalid::new(
                "network.name",
                format!(
                    "{:?} is not a resource name (lowercase letters, digits and hyphens, a letter first, at most 63)",
                    n.name
                ),
            ));
        }
        let mut ranges = Vec::new();
        for (key, text) in [
            ("network.subnet_cidr", &n.subnet_cidr),
            ("network.pods_cidr", &n.pods_cidr),
            ("network.services_cidr", &n.services_cidr),
        ] {
            match text.parse::<Cidr>() {
                Ok(c) => ranges.push((key, c)),
                Err(e) => problems.push(Invalid::new(key, e.to_string())),
            }
        }
        for (i, (ka, a)) in ranges.iter().enumerate() {
            for (kb, b) in &ranges[i + 1..] {
                if a.overlaps(b) {
                    problems.push(Invalid::new(*kb, format!("{b} overlaps {ka} ({a})")));
                }
            }
        }
        if let Some(state) = &self.state {
            let b = &state.bucket;
            let ok = (3..=63).contains(&b.len())
                && b.bytes().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'-' | b'_' | b'.')
                })
                && b.as_bytes()[0].is_ascii_alphanumeric()
                && b.as_bytes()[b.len() - 1].is_ascii_alphanumeric();
            if !ok {
                problems.push(Invalid::new(
                    "state.bucket",
                    format!("{b:?} is not a Cloud Storage bucket name"),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let range = |key: &str| {
            ranges
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, c)| *c)
                .expect("every range parsed when there are no problems")
        };
        Ok(Valid {
            subnet: range("network.subnet_cidr"),
            pods: range("network.pods_cidr"),
            services: range("network.services_cidr"),
            description: self.description,
            project: self.project,
            region: self.region,
            network_name: self.network.name,
            state: self.state.map(|s| (s.bucket, s.prefix)),
        })
    }
}

/// Builds the stack's roots from validated settings.
pub fn build(stack_name: &str, s: &Valid) -> Vec<RootModule> {
    vec![RootModule {
        name: "cluster".to_owned(),
        stack: cluster_root(stack_name, "cluster", s),
    }]
}

fn base_stack(stack_name: &str, root: &str, s: &Valid) -> Stack {
    let mut stack = Stack::new();
    let t = stack.terraform_mut();
    t.required_version = Some(REQUIRED_TERRAFORM.to_owned());
    t.required_providers
        .insert("google".to_owned(), google::required());
    if let Some((bucket, prefix)) = &s.state {
        let prefix = prefix
            .clone()
            .unwrap_or_else(|| format!("tfsynth/{stack_name}"));
        t.backend = Some(Backend {
            kind: "gcs".to_owned(),
            settings: BTreeMap::from([
                ("bucket".to_owned(), Expression::from(bucket.as_str())),
                (
                    "prefix".to_owned(),
                    Expression::from(format!("{prefix}/{root}")),
                ),
            ]),
        });
    }
    stack
}

fn cluster_root(stack_name: &str, root: &str, s: &Valid) -> Stack {
    let mut stack = base_stack(stack_name, root, s);
    let project = stack.variable(
        "project_id",
        Variable {
            r#type: Some(VarType::String),
            default: Some(s.project.as_str().into()),
            description: Some(format!(
                "Google Cloud project of this stack: {}",
                s.description
            )),
            nullable: Some(false),
            ..Variable::default()
        },
    );
    let project: Value<String> = project.value::<String>().into();
    stack.provider(
        "google",
        None,
        &GoogleProvider {
            project: Some(project.clone()),
            region: Some(s.region.as_str().into()),
            // Every resource says who manages it, so nobody edits it by hand.
            default_labels: BTreeMap::from([
                ("managed-by".to_owned(), "tfsynth".to_owned()),
                ("tfsynth-stack".to_owned(), stack_name.to_owned()),
            ]),
            ..GoogleProvider::default()
        },
    );
    let apis = ProjectServices {
        project: project.clone(),
        services: vec!["compute".to_owned()],
    }
    .add_to(&mut stack);
    let net = Network {
        name: s.network_name.clone(),
        project,
        region: s.region.clone(),
        description: Some(s.description.clone()),
        subnet: s.subnet,
        pods: s.pods,
        services: s.services,
    }
    .add_to(&mut stack, apis.deps());
    stack.output(
        "network",
        Output::new(net.network.self_link(), "URI of the VPC network"),
    );
    stack.output(
        "subnetwork",
        Output::new(
            net.subnetwork.self_link(),
            "URI of the subnetwork the cluster's nodes use",
        ),
    );
    stack
}
