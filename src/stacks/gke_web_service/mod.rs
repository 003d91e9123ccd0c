//! The GKE web-service blueprint: a regional GKE cluster across zones with
//! autoscaled node pools, private nodes behind Cloud NAT, and a dedicated
//! node identity, and the app's Kubernetes workload behind an HTTP(S)
//! load balancer, with uptime checks and alerts.
//!
//! It builds two roots, applied in order: `cluster` (project APIs,
//! network, NAT, health-check firewall, node identity, cluster, node
//! pools, Artifact Registry, the load balancer's IP, certificate and Cloud
//! Armor policy, uptime alerting) and `workload` (everything in
//! Kubernetes).
//!
//! One file per job: `settings` (what `stacks/<name>.toml` holds, and
//! [`Valid`]), `validate` (every rule GCP, GKE or Kubernetes would
//! otherwise enforce only at apply) and `roots` (the two root modules,
//! [`build`]).

/// The name settings use for this blueprint.
pub const NAME: &str = "gke-web-service";

/// Terraform versions the output is written for: `removed` blocks need 1.7.
pub const REQUIRED_TERRAFORM: &str = ">= 1.7";

/// The APIs the cluster root needs, by short name.
pub const APIS: [&str; 6] = [
    "artifactregistry",
    "compute",
    "container",
    "iam",
    "logging",
    "monitoring",
];

mod names;
mod risks;
mod roots;
mod settings;
mod validate;

pub use risks::{AcceptedRisk, DESIGN as DESIGN_RISKS};
pub use roots::build;
pub use settings::*;
pub use validate::{MAX_COUNT, is_domain, is_email, is_project_id, is_region, is_resource_name};

/// Each service's image (reference with its tag, and Dockerfile), and the
/// registry host: what the workload deploys and `tfsynth deploy --build`
/// pushes. Images live in the app's repository, one per service:
/// `REGION-docker.pkg.dev/PROJECT/APP/SERVICE:TAG`.
pub fn images(s: &Valid) -> (Vec<crate::stacks::Image>, String) {
    let host = format!("{}-docker.pkg.dev", s.region);
    let images = s
        .web_services
        .iter()
        .map(|service| crate::stacks::Image {
            service: service.name.clone(),
            reference: format!(
                "{host}/{}/{}/{}:{}",
                s.project, s.app_name, service.name, service.image_tag
            ),
            dockerfile: service.dockerfile.clone(),
        })
        .collect();
    (images, host)
}
