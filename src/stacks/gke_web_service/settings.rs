//! The blueprint's settings as `stacks/<name>.toml` writes them, with
//! their defaults, and [`Valid`], what validation makes of them.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::constructs::{
    Armor, AuthorizedNetwork, Cidr, MaintenanceWindow, PodResources, PoolSize, ReleaseChannel,
};

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
    /// Zones of the region the nodes run in, e.g. `["us-central1-a", ...]`.
    pub zones: Vec<String>,
    /// The VPC network.
    pub network: NetworkSettings,
    /// The cluster.
    pub cluster: ClusterSettings,
    /// One or more node pools.
    pub node_pools: Vec<NodePoolSettings>,
    /// The application.
    pub app: AppSettings,
    /// Its web services, at least one, all behind one load balancer.
    pub services: Vec<ServiceSettings>,
    /// Uptime checks and alerts.
    pub monitoring: MonitoringSettings,
    /// Cloud Armor in front of the app; none when absent.
    #[serde(default)]
    pub cloud_armor: Option<CloudArmorSettings>,
    /// Where state is kept; Terraform's local state when absent.
    #[serde(default)]
    pub state: Option<StateSettings>,
    /// `[atlantis]`: list this stack's roots in `atlantis.yaml`, so pull
    /// requests plan and apply them on the team's Atlantis; not listed
    /// when absent.
    #[serde(default)]
    pub atlantis: Option<AtlantisSettings>,
    /// `[accepted_risks]`: security-scanner findings this stack leaves open
    /// on purpose, by the scanner's check id, each with a one-line reason
    /// (`CKV_GCP_18 = "sandbox: kubectl from anywhere, behind Google
    /// auth"`). Synth refuses settings that leave a finding open without
    /// accepting it, and the generated README lists them.
    #[serde(default)]
    pub accepted_risks: BTreeMap<String, String>,
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
    /// The control plane's private range, a /28.
    pub master_cidr: String,
}

/// `[cluster]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSettings {
    /// The cluster's name (at most 24 characters: it names the node account).
    pub name: String,
    /// `RAPID`, `REGULAR` (default) or `STABLE`.
    #[serde(default = "default_channel")]
    pub release_channel: ReleaseChannel,
    /// Refuse `terraform destroy` of the cluster; on unless set to false.
    #[serde(default = "default_true")]
    pub deletion_protection: bool,
    /// Networks allowed to reach the control plane; none means only from
    /// inside Google Cloud's private network.
    #[serde(default)]
    pub authorized_networks: Vec<AuthorizedNetworkSettings>,
    /// When GKE may do disruptive maintenance; any time when absent.
    #[serde(default)]
    pub maintenance: Option<MaintenanceSettings>,
    /// The Google Group whose nested groups Kubernetes RBAC can name
    /// (Google Groups for RBAC); GKE requires it to be called
    /// `gke-security-groups@<your domain>`. None when absent.
    #[serde(default)]
    pub security_group: Option<String>,
}

fn default_channel() -> ReleaseChannel {
    ReleaseChannel::Regular
}

fn default_true() -> bool {
    true
}

/// `[[cluster.authorized_networks]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorizedNetworkSettings {
    /// The range, e.g. `203.0.113.0/24`.
    pub cidr: String,
    /// Why it is allowed.
    pub name: String,
}

/// `[cluster.maintenance]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceSettings {
    /// First start, RFC 3339 in UTC, e.g. `2025-01-04T03:00:00Z`.
    pub start: String,
    /// First end; the window lasts end minus start (at least 4 hours a week).
    pub end: String,
    /// RFC 5545 recurrence, e.g. `FREQ=WEEKLY;BYDAY=SA,SU`.
    pub recurrence: String,
}

/// `[[node_pools]]`. Size is bounded either per zone
/// (`min_nodes_per_zone` / `max_nodes_per_zone`) or in total
/// (`total_min_nodes` / `total_max_nodes`), not both.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodePoolSettings {
    /// The pool's name.
    pub name: String,
    /// e.g. `e2-medium`.
    pub machine_type: String,
    /// Boot disk size in GB (default 50).
    #[serde(default = "default_disk_size")]
    pub disk_size_gb: u32,
    /// `pd-balanced` (default), `pd-standard` or `pd-ssd`.
    #[serde(default = "default_disk_type")]
    pub disk_type: String,
    /// Fewest nodes in each zone.
    #[serde(default)]
    pub min_nodes_per_zone: Option<u32>,
    /// Most nodes in each zone.
    #[serde(default)]
    pub max_nodes_per_zone: Option<u32>,
    /// Fewest nodes in all zones together.
    #[serde(default)]
    pub total_min_nodes: Option<u32>,
    /// Most nodes in all zones together.
    #[serde(default)]
    pub total_max_nodes: Option<u32>,
    /// Spot VMs (default false).
    #[serde(default)]
    pub spot: bool,
    /// Kubernetes labels on the nodes.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

fn default_disk_size() -> u32 {
    50
}

fn default_disk_type() -> String {
    "pd-balanced".to_owned()
}

/// `[app]`: the application its services make up together. Keys it does
/// not know land in `moved`, which validation refuses by name.
#[derive(Debug, Clone, Deserialize)]
pub struct AppSettings {
    /// The application's name: its namespace, image repository, load
    /// balancer, Ingress and health-check firewall rule are named after it.
    pub name: String,
    /// The domains served over HTTPS, each on a Google-managed certificate
    /// of its own (at most 15, the certificates one load balancer takes);
    /// plain HTTP on the load balancer's IP when empty (the default).
    #[serde(default)]
    pub domains: Vec<String>,
    /// Settings of the single-service layout, each now a key of
    /// `[[services]]` (or `domains` here); present only to say so.
    #[serde(flatten)]
    pub moved: BTreeMap<String, toml::Value>,
}

/// `[[services]]`: one web service of the app.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSettings {
    /// The service's name: its Kubernetes objects, image and alerts.
    pub name: String,
    /// The container port the service listens on (default 8080).
    #[serde(default = "default_port")]
    pub port: u16,
    /// The image's version tag, e.g. `0.1.0`; never `latest`.
    pub image_tag: String,
    /// The Dockerfile `tfsynth deploy` builds its image from, relative to
    /// the project (default `app/Dockerfile`, the app in `app/`).
    #[serde(default = "default_dockerfile")]
    pub dockerfile: String,
    /// Requests for this host only (one of `app.domains`); any host when
    /// absent.
    #[serde(default)]
    pub host: Option<String>,
    /// Requests whose path starts with this prefix (default `/`: all).
    /// The path reaches the service unchanged.
    #[serde(default = "default_path")]
    pub path: String,
    /// The path its probes and the load balancer's health check ask for
    /// on the pod (default `/healthz`).
    #[serde(default = "default_health_path")]
    pub health_path: String,
    /// The path the uptime check asks for through the load balancer
    /// (default `health_path`, under `path` when that is not `/`:
    /// `/api/healthz`).
    #[serde(default)]
    pub uptime_path: Option<String>,
    /// Replicas in each zone (default 3, the original's layout); the HPA
    /// never goes below `zones × replicas_per_zone`.
    #[serde(default = "default_replicas")]
    pub replicas_per_zone: u32,
    /// Most replicas the HPA scales to (default twice the minimum).
    #[serde(default)]
    pub max_replicas: Option<u32>,
    /// Average CPU, in percent of requests, the HPA aims for (default 70).
    #[serde(default = "default_cpu_target")]
    pub cpu_target: u32,
    /// CPU reserved per pod (default `100m`).
    #[serde(default = "default_cpu_request")]
    pub cpu_request: String,
    /// Memory reserved per pod (default `64Mi`).
    #[serde(default = "default_memory_request")]
    pub memory_request: String,
    /// CPU ceiling per pod (default `500m`).
    #[serde(default = "default_cpu_limit")]
    pub cpu_limit: String,
    /// Memory ceiling per pod (default `128Mi`).
    #[serde(default = "default_memory_limit")]
    pub memory_limit: String,
}

fn default_dockerfile() -> String {
    "app/Dockerfile".to_owned()
}
fn default_path() -> String {
    "/".to_owned()
}
fn default_health_path() -> String {
    "/healthz".to_owned()
}
fn default_replicas() -> u32 {
    3
}
fn default_cpu_target() -> u32 {
    70
}
fn default_cpu_request() -> String {
    "100m".to_owned()
}
fn default_memory_request() -> String {
    "64Mi".to_owned()
}
fn default_cpu_limit() -> String {
    "500m".to_owned()
}
fn default_memory_limit() -> String {
    "128Mi".to_owned()
}

/// `[monitoring]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitoringSettings {
    /// Who is e-mailed when the app is down or failing.
    pub emails: Vec<String>,
    /// How often the uptime check runs: `60s`, `300s` (default), `600s`, `900s`.
    #[serde(default = "default_period")]
    pub uptime_period: String,
    /// Where checks come from; at least three of `USA`, `EUROPE`,
    /// `SOUTH_AMERICA`, `ASIA_PACIFIC`.
    #[serde(default = "default_regions")]
    pub uptime_regions: Vec<String>,
    /// Share of 5xx responses that alerts (default 0.05).
    #[serde(default = "default_error_ratio")]
    pub error_ratio: f64,
}

fn default_period() -> String {
    "300s".to_owned()
}

fn default_regions() -> Vec<String> {
    vec!["ASIA_PACIFIC".into(), "EUROPE".into(), "USA".into()]
}

fn default_error_ratio() -> f64 {
    0.05
}

/// `[cloud_armor]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudArmorSettings {
    /// Source ranges refused with 403.
    #[serde(default)]
    pub deny_ranges: Vec<String>,
    /// Requests one client address may make per minute; unlimited when absent.
    #[serde(default)]
    pub rate_limit_per_minute: Option<u32>,
}

fn default_port() -> u16 {
    8080
}

/// `[state]`: where Terraform keeps each root's state, and who runs it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateSettings {
    /// `local`, `gcs` or `cloud`; `gcs` when absent (the table's meaning
    /// before there was a choice). A string, read in validation, so that
    /// a value that is none of them is named as such.
    #[serde(default)]
    pub backend: Option<String>,
    /// `gcs`: an existing bucket.
    #[serde(default)]
    pub bucket: Option<String>,
    /// `gcs`: path prefix inside the bucket; `tfsynth/<stack>` when absent.
    #[serde(default)]
    pub prefix: Option<String>,
    /// `cloud`: the HCP Terraform or Terraform Enterprise organization.
    #[serde(default)]
    pub organization: Option<String>,
    /// `cloud`: the Terraform Enterprise host; HCP Terraform
    /// (`app.terraform.io`) when absent.
    #[serde(default)]
    pub hostname: Option<String>,
    /// `cloud`: the project the workspaces are created in; the
    /// organization's default project when absent.
    #[serde(default)]
    pub project: Option<String>,
    /// `cloud`: what each root's workspace name starts with, the root's
    /// name following (`hello-prod-` gives `hello-prod-cluster`);
    /// `<stack>-` when absent.
    #[serde(default)]
    pub workspace_prefix: Option<String>,
}

/// `[atlantis]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AtlantisSettings {
    /// Plan a root in every pull request that changes its generated
    /// files; on unless false (then only `atlantis plan` comments plan).
    #[serde(default = "default_true")]
    pub autoplan: bool,
}

/// `state.backend`: who keeps the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateBackend {
    /// A `terraform.tfstate` file in each root's directory, never
    /// committed: for one person trying the stack.
    Local,
    /// A Cloud Storage bucket (the `gcs` backend), with locking.
    Gcs,
    /// HCP Terraform or Terraform Enterprise workspaces, one per root
    /// (the `cloud` block): they keep the state and run plans and
    /// applies, so a team shares one history of runs.
    Cloud,
}

/// Where state is kept, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateChoice {
    /// Terraform's default: a file in each root's directory.
    Local,
    /// A Cloud Storage bucket.
    Gcs {
        /// The bucket.
        bucket: String,
        /// The path prefix; `tfsynth/<stack>` when `None`.
        prefix: Option<String>,
    },
    /// One HCP Terraform workspace per root.
    Cloud {
        /// The organization.
        organization: String,
        /// The Terraform Enterprise host; HCP Terraform when `None`.
        hostname: Option<String>,
        /// The project; the organization's default when `None`.
        project: Option<String>,
        /// What workspace names start with; `<stack>-` when `None`.
        workspace_prefix: Option<String>,
    },
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
    /// Zones of the region.
    pub zones: Vec<String>,
    /// Network name.
    pub network_name: String,
    /// Node range.
    pub subnet: Cidr,
    /// Pod range.
    pub pods: Cidr,
    /// Service range.
    pub services: Cidr,
    /// Control plane range.
    pub master: Cidr,
    /// Cluster name.
    pub cluster_name: String,
    /// Release channel.
    pub release_channel: ReleaseChannel,
    /// Deletion protection.
    pub deletion_protection: bool,
    /// Control plane allow-list.
    pub authorized_networks: Vec<AuthorizedNetwork>,
    /// Maintenance window.
    pub maintenance: Option<MaintenanceWindow>,
    /// Node pools, with validated sizes.
    pub node_pools: Vec<(NodePoolSettings, PoolSize)>,
    /// The application's name.
    pub app_name: String,
    /// HTTPS domains.
    pub domains: Vec<String>,
    /// The web services, in settings order.
    pub web_services: Vec<ValidService>,
    /// Monitoring.
    pub monitoring: MonitoringSettings,
    /// Cloud Armor.
    pub armor: Option<Armor>,
    /// Where state is kept.
    pub state: StateChoice,
    /// What the stack asks of Atlantis, when `atlantis.yaml` lists it.
    pub atlantis: Option<crate::atlantis::Options>,
    /// Google Groups for RBAC: the `gke-security-groups@` group.
    pub security_group: Option<String>,
    /// Scanner findings accepted, the blueprint's and the settings', by
    /// check id.
    pub accepted_risks: Vec<super::risks::AcceptedRisk>,
}

/// One web service, validated.
#[derive(Debug, Clone)]
pub struct ValidService {
    /// Its name.
    pub name: String,
    /// Its name among everything the project holds: the app's name when
    /// they are the same, else `APP-SERVICE` (as Helm's `fullname` does).
    pub full_name: String,
    /// The container port.
    pub port: u16,
    /// Image tag.
    pub image_tag: String,
    /// The Dockerfile deploy builds.
    pub dockerfile: String,
    /// The host it serves only, if any.
    pub host: Option<String>,
    /// Its path prefix.
    pub path: String,
    /// The probes' path.
    pub health_path: String,
    /// The uptime check's path.
    pub uptime_path: String,
    /// Fewest replicas.
    pub min_replicas: u32,
    /// Most replicas.
    pub max_replicas: u32,
    /// HPA CPU target.
    pub cpu_target: u32,
    /// Pod resources.
    pub resources: PodResources,
}

/// A service's name among everything the project holds: `app` when the
/// service has the app's name (the single-service layout), else
/// `app-service`. The same rule as a Helm chart's `fullname`, which drops
/// the chart's name when the release already holds it.
pub fn full_name(app: &str, service: &str) -> String {
    if app == service {
        app.to_owned()
    } else {
        format!("{app}-{service}")
    }
}
