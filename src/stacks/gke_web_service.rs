//! The GKE web-service blueprint: a regional GKE cluster across zones with
//! autoscaled node pools, private nodes behind Cloud NAT, and a dedicated
//! node identity.
//!
//! This slice builds the `cluster` root: project APIs, network, NAT,
//! health-check firewall, node identity, cluster, node pools, Artifact
//! Registry, the load balancer's IP, certificate and Cloud Armor policy,
//! and uptime alerting. The `workload` root (everything in Kubernetes)
//! follows.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::constructs::{
    Armor, AuthorizedNetwork, Cidr, Cluster, Frontend, FrontendRefs, HealthCheckFirewall, Https,
    MaintenanceWindow, Network, NodeIdentity, NodePool, PodResources, PoolSize, ProjectServices,
    Registry, ReleaseChannel, UptimeAlerting, WebService,
};
use crate::diagnostic::Diagnostic;
use crate::providers::google::google_container_cluster::MasterAuthRef;
use crate::providers::google::{
    DataGoogleClientConfig, DataGoogleClientConfigRef, GoogleArtifactRegistryRepository,
    GoogleArtifactRegistryRepositoryRef, GoogleComputeGlobalAddressRef,
    GoogleComputeManagedSslCertificateRef, GoogleComputeNetworkRef, GoogleComputeSecurityPolicyRef,
    GoogleComputeSubnetworkRef, GoogleContainerCluster, GoogleContainerClusterRef,
    GoogleMonitoringUptimeCheckConfigRef, GoogleProvider, GoogleServiceAccount,
    GoogleServiceAccountIamMember, GoogleServiceAccountRef,
};
use crate::providers::kubernetes::KubernetesProvider;
use crate::settings::Validate;
use crate::stacks::RootModule;
use crate::tf::{
    Address, Backend, Expr, Expression, Meta, NamedRoot, Output, Ref, Stack, Step, Template, Value,
    VarType, Variable, link_roots_with,
};

/// The name settings use for this blueprint.
pub const NAME: &str = "gke-web-service";

/// Terraform versions the output is written for: `removed` blocks need 1.7.
pub const REQUIRED_TERRAFORM: &str = ">= 1.7";

/// The path the load balancer, probes and uptime checks use.
pub const HEALTH_PATH: &str = "/healthz";

/// The APIs the cluster root needs, by short name.
pub const APIS: [&str; 6] = [
    "artifactregistry",
    "compute",
    "container",
    "iam",
    "logging",
    "monitoring",
];

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
    /// The web app.
    pub app: AppSettings,
    /// Uptime checks and alerts.
    pub monitoring: MonitoringSettings,
    /// Cloud Armor in front of the app; none when absent.
    #[serde(default)]
    pub cloud_armor: Option<CloudArmorSettings>,
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

/// `[app]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppSettings {
    /// The app's name, used for Kubernetes objects and firewall rules.
    pub name: String,
    /// The container port the app listens on (default 8080).
    #[serde(default = "default_port")]
    pub port: u16,
    /// The image's version tag, e.g. `0.1.0`; never `latest`.
    pub image_tag: String,
    /// The domain served over HTTPS with a Google-managed certificate;
    /// plain HTTP on the load balancer's IP when absent.
    #[serde(default)]
    pub domain: Option<String>,
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

/// The units of a kind of Kubernetes quantity as settings write them: the
/// suffixes taken, each with its size in base units, the size of a
/// number without one, and an example for messages.
struct Units {
    suffixes: &'static [(&'static str, u128)],
    plain: u128,
    example: &'static str,
}

/// CPU in millicores: `250m`, or cores (`0.5`).
const CPU: Units = Units {
    suffixes: &[("m", 1)],
    plain: 1000,
    example: "250m",
};

/// Memory in bytes: `128Mi`, with `Ki`, `Mi` or `Gi`.
const MEMORY: Units = Units {
    suffixes: &[("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30)],
    plain: 1,
    example: "128Mi",
};

/// `s` split into its number and the size of its unit.
fn split_quantity<'s>(s: &'s str, units: &Units) -> (&'s str, u128) {
    units
        .suffixes
        .iter()
        .find_map(|(suffix, scale)| s.strip_suffix(suffix).map(|n| (n, *scale)))
        .unwrap_or((s, units.plain))
}

/// A Kubernetes quantity as settings write them: digits with an optional
/// fraction, not zero, and one of `units`' suffixes or none.
fn is_quantity(s: &str, units: &Units) -> bool {
    let (number, _) = split_quantity(s, units);
    let mut parts = number.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let fraction = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|c| c.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|c| c.is_ascii_digit()))
        && number.bytes().any(|c| c != b'0' && c != b'.')
}

/// A quantity `is_quantity` accepted, as a fraction of base units
/// (millicores for CPU, bytes for memory): numerator and denominator, or
/// `None` when it is too large to compare.
fn quantity_value(s: &str, units: &Units) -> Option<(u128, u128)> {
    let (number, scale) = split_quantity(s, units);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits = format!("{whole}{fraction}");
    let denominator = 10u128.checked_pow(u32::try_from(fraction.len()).ok()?)?;
    let numerator = digits.parse::<u128>().ok()?.checked_mul(scale)?;
    Some((numerator, denominator))
}

/// Whether quantity `a` is larger than `b` (both accepted by
/// `is_quantity`); `false` when either is too large to compare.
fn quantity_exceeds(a: &str, b: &str, units: &Units) -> bool {
    match (quantity_value(a, units), quantity_value(b, units)) {
        (Some((an, ad)), Some((bn, bd))) => match (an.checked_mul(bd), bn.checked_mul(ad)) {
            (Some(left), Some(right)) => left > right,
            _ => false,
        },
        _ => false,
    }
}

/// Whether `key` is a Kubernetes label key: an optional prefix (a DNS
/// subdomain of at most 253 characters) and `/`, then a name of 1 to 63
/// letters, digits, `-`, `_` and `.`, beginning and ending with a letter
/// or digit (Kubernetes, "Labels and Selectors: Syntax and character set").
fn is_label_key(key: &str) -> bool {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|part| {
                !part.is_empty()
                    && part.len() <= 63
                    && part
                        .bytes()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
                    && !part.starts_with('-')
                    && !part.ends_with('-')
            })
    });
    prefix_ok && !name.is_empty() && is_label_value(name)
}

/// Whether `value` is a Kubernetes label value: empty, or 1 to 63
/// letters, digits, `-`, `_` and `.`, beginning and ending with a letter
/// or digit.
fn is_label_value(value: &str) -> bool {
    let edge = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    value.is_empty()
        || (value.len() <= 63
            && value
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
            && edge(value.bytes().next())
            && edge(value.bytes().last()))
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
    /// App name.
    pub app_name: String,
    /// App port.
    pub app_port: u16,
    /// Image tag.
    pub image_tag: String,
    /// HTTPS domain.
    pub domain: Option<String>,
    /// Monitoring.
    pub monitoring: MonitoringSettings,
    /// Cloud Armor.
    pub armor: Option<Armor>,
    /// Fewest replicas.
    pub min_replicas: u32,
    /// Most replicas.
    pub max_replicas: u32,
    /// HPA CPU target.
    pub cpu_target: u32,
    /// Pod resources.
    pub resources: PodResources,
    /// Remote state bucket and prefix.
    pub state: Option<(String, Option<String>)>,
}

/// Google Cloud project ids: 6 to 30 lowercase letters, digits or hyphens,
/// starting with a letter and not ending with a hyphen.
pub fn is_project_id(s: &str) -> bool {
    (6..=30).contains(&s.len()) && is_lower_name(s)
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
    (1..=63).contains(&s.len()) && is_lower_name(s)
}

fn is_lower_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_lowercase()
        && b[b.len() - 1] != b'-'
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// `2025-01-04T03:00:00Z`: an RFC 3339 time in UTC, to the second.
fn is_utc_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    b.len() == 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && b[19] == b'Z'
}

const DISK_TYPES: [&str; 3] = ["pd-balanced", "pd-standard", "pd-ssd"];
const PERIODS: [&str; 4] = ["60s", "300s", "600s", "900s"];
const CHECK_REGIONS: [&str; 4] = ["ASIA_PACIFIC", "EUROPE", "SOUTH_AMERICA", "USA"];

/// A Docker tag: 1 to 128 of letters, digits, `_`, `.` and `-`, not
/// starting with `.` or `-`.
fn is_image_tag(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && !s.starts_with(['.', '-'])
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

/// A DNS name with at least two labels, each 1 to 63 of letters, digits
/// and inner hyphens, and a top-level label that is not all digits.
pub fn is_domain(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    s.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
        })
        && !labels[labels.len() - 1].bytes().all(|c| c.is_ascii_digit())
}

/// An e-mail address: something before a single `@`, a domain after it.
pub fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local.len() <= 64
                && !local.contains(char::is_whitespace)
                && !local.contains(['@', '"', ',', '<', '>'])
                && is_domain(domain)
        }
        None => false,
    }
}

/// The most a count may be: Kubernetes (replicas) and the GKE and Compute
/// APIs (node counts, disk sizes, rate limits) hold counts as 32-bit
/// signed integers, and refuse anything larger at apply.
pub const MAX_COUNT: u32 = i32::MAX.unsigned_abs();

/// Refuses a count above [`MAX_COUNT`], at `key`.
fn at_most_max_count(key: &str, value: u32, p: &mut Vec<Diagnostic>) {
    if value > MAX_COUNT {
        p.push(Diagnostic::at_key(
            key,
            format!("{value} is more than the API accepts (at most {MAX_COUNT})"),
        ));
    }
}

/// The HPA's bounds: at least `replicas_per_zone` in each of `zones`
/// zones, and at most `max_replicas` (twice the minimum when unset). The
/// arithmetic is checked: a product or a default that does not fit a
/// Kubernetes replica count is a problem at the key that causes it, never
/// a wrapped number.
fn replicas(app: &AppSettings, zones: usize, p: &mut Vec<Diagnostic>) -> (u32, u32) {
    let per_zone = app.replicas_per_zone;
    if per_zone == 0 {
        p.push(Diagnostic::at_key(
            "app.replicas_per_zone",
            "must be at least 1",
        ));
    }
    let min = u32::try_from(zones)
        .ok()
        .and_then(|zones| per_zone.checked_mul(zones))
        .filter(|min| *min <= MAX_COUNT);
    let Some(min) = min else {
        p.push(Diagnostic::at_key(
            "app.replicas_per_zone",
            format!(
                "{per_zone} replicas in each of {zones} zone{} is more than Kubernetes accepts (at most {MAX_COUNT} replicas)",
                if zones == 1 { "" } else { "s" }
            ),
        ));
        return (0, 0);
    };
    let max = match app.max_replicas {
        Some(max) => {
            at_most_max_count("app.max_replicas", max, p);
            if max < min {
                p.push(Diagnostic::at_key(
                    "app.max_replicas",
                    format!("{max} is below the minimum ({min}: replicas_per_zone × zones)"),
                ));
            }
            max
        }
        None => match min.checked_mul(2).filter(|max| *max <= MAX_COUNT) {
            Some(max) => max,
            None => {
                p.push(Diagnostic::at_key(
                    "app.replicas_per_zone",
                    format!(
                        "the default max_replicas, twice the minimum of {min}, is more than Kubernetes accepts (at most {MAX_COUNT}); set app.max_replicas"
                    ),
                ));
                min
            }
        },
    };
    (min, max)
}

impl Validate for Settings {
    type Valid = Valid;

    fn validate(self) -> Result<Valid, Vec<Diagnostic>> {
        let mut p = Vec::new();
        if !is_project_id(&self.project) {
            p.push(Diagnostic::at_key(
                "project",
                format!(
                    "{:?} is not a project id (6-30 lowercase letters, digits or hyphens, starting with a letter)",
                    self.project
                ),
            ));
        }
        let region_ok = is_region(&self.region);
        if !region_ok {
            p.push(Diagnostic::at_key(
                "region",
                format!("{:?} is not a region like us-central1", self.region),
            ));
        }
        if self.zones.is_empty() {
            p.push(Diagnostic::at_key(
                "zones",
                "name at least one zone of the region",
            ));
        }
        let mut seen = BTreeSet::new();
        for (i, zone) in self.zones.iter().enumerate() {
            let in_region = zone
                .strip_prefix(&format!("{}-", self.region))
                .is_some_and(|z| z.len() == 1 && z.bytes().all(|c| c.is_ascii_lowercase()));
            if region_ok && !in_region {
                p.push(Diagnostic::at_key(
                    format!("zones[{i}]"),
                    format!(
                        "{zone:?} is not a zone of {} (like {}-a)",
                        self.region, self.region
                    ),
                ));
            }
            if !seen.insert(zone) {
                p.push(Diagnostic::at_key(
                    format!("zones[{i}]"),
                    format!("{zone:?} is listed twice"),
                ));
            }
        }

        let n = &self.network;
        if !is_resource_name(&n.name) {
            p.push(Diagnostic::at_key(
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
            ("network.master_cidr", &n.master_cidr),
        ] {
            match text.parse::<Cidr>() {
                Ok(c) => ranges.push((key, c)),
                Err(e) => p.push(Diagnostic::at_key(key, e.to_string())),
            }
        }
        for (i, (ka, a)) in ranges.iter().enumerate() {
            for (kb, b) in &ranges[i + 1..] {
                if a.overlaps(b) {
                    p.push(Diagnostic::at_key(*kb, format!("{b} overlaps {ka} ({a})")));
                }
            }
        }
        let range = |key: &str| ranges.iter().find(|(k, _)| *k == key).map(|(_, c)| *c);
        if let Some(m) = range("network.master_cidr") {
            if m.prefix() != 28 {
                p.push(Diagnostic::at_key(
                    "network.master_cidr",
                    format!("{m} must be a /28: GKE gives the control plane exactly 16 addresses"),
                ));
            }
        }

        let c = &self.cluster;
        // The node service account is `<cluster>-nodes`, at most 30 characters.
        if !is_resource_name(&c.name) || c.name.len() > 24 {
            p.push(Diagnostic::at_key(
                "cluster.name",
                format!(
                    "{:?} is not a cluster name (lowercase letters, digits and hyphens, a letter first, at most 24)",
                    c.name
                ),
            ));
        }
        let mut authorized = Vec::new();
        for (i, net) in c.authorized_networks.iter().enumerate() {
            match net.cidr.parse::<Cidr>() {
                Ok(cidr) => authorized.push(AuthorizedNetwork {
                    cidr,
                    name: net.name.clone(),
                }),
                Err(e) => p.push(Diagnostic::at_key(
                    format!("cluster.authorized_networks[{i}].cidr"),
                    e.to_string(),
                )),
            }
        }
        if let Some(m) = &c.maintenance {
            for (key, value) in [("start", &m.start), ("end", &m.end)] {
                if !is_utc_time(value) {
                    p.push(Diagnostic::at_key(
                        format!("cluster.maintenance.{key}"),
                        format!("{value:?} is not a UTC time like 2025-01-04T03:00:00Z"),
                    ));
                }
            }
            if is_utc_time(&m.start) && is_utc_time(&m.end) && m.end <= m.start {
                p.push(Diagnostic::at_key(
                    "cluster.maintenance.end",
                    "must be after start",
                ));
            }
            if !m.recurrence.starts_with("FREQ=") {
                p.push(Diagnostic::at_key(
                    "cluster.maintenance.recurrence",
                    format!(
                        "{:?} is not an RRULE like FREQ=WEEKLY;BYDAY=SA,SU",
                        m.recurrence
                    ),
                ));
            }
        }

        if self.node_pools.is_empty() {
            p.push(Diagnostic::at_key(
                "node_pools",
                "add at least one [[node_pools]]",
            ));
        }
        let mut pool_names = BTreeSet::new();
        let mut pools = Vec::new();
        for (i, pool) in self.node_pools.iter().enumerate() {
            let at = |key: &str| format!("node_pools[{i}].{key}");
            for (key, value) in &pool.labels {
                let place = at(&format!("labels.{key:?}"));
                if !is_label_key(key) {
                    p.push(Diagnostic::at_key(
                        place.clone(),
                        format!(
                            "{key:?} is not a Kubernetes label key (an optional DNS prefix and /, \
                             then 1 to 63 letters, digits, -, _ and ., a letter or digit at each end)"
                        ),
                    ));
                }
                if !is_label_value(value) {
                    p.push(Diagnostic::at_key(
                        place,
                        format!(
                            "{value:?} is not a Kubernetes label value (at most 63 letters, \
                             digits, -, _ and ., a letter or digit at each end)"
                        ),
                    ));
                }
            }
            if !is_resource_name(&pool.name) || pool.name.len() > 40 {
                p.push(Diagnostic::at_key(
                    at("name"),
                    format!(
                        "{:?} is not a node pool name (lowercase letters, digits and hyphens, a letter first, at most 40)",
                        pool.name
                    ),
                ));
            }
            if !pool_names.insert(&pool.name) {
                p.push(Diagnostic::at_key(
                    at("name"),
                    format!("{:?} is used by another pool", pool.name),
                ));
            }
            if !pool.machine_type.contains('-') || !is_lower_name(&pool.machine_type) {
                p.push(Diagnostic::at_key(
                    at("machine_type"),
                    format!(
                        "{:?} is not a machine type like e2-medium",
                        pool.machine_type
                    ),
                ));
            }
            if pool.disk_size_gb < 10 {
                p.push(Diagnostic::at_key(
                    at("disk_size_gb"),
                    "must be at least 10",
                ));
            }
            at_most_max_count(&at("disk_size_gb"), pool.disk_size_gb, &mut p);
            for (key, count) in [
                ("min_nodes_per_zone", pool.min_nodes_per_zone),
                ("max_nodes_per_zone", pool.max_nodes_per_zone),
                ("total_min_nodes", pool.total_min_nodes),
                ("total_max_nodes", pool.total_max_nodes),
            ] {
                if let Some(count) = count {
                    at_most_max_count(&at(key), count, &mut p);
                }
            }
            if !DISK_TYPES.contains(&pool.disk_type.as_str()) {
                p.push(Diagnostic::at_key(
                    at("disk_type"),
                    format!(
                        "{:?} is not one of {}",
                        pool.disk_type,
                        DISK_TYPES.join(", ")
                    ),
                ));
            }
            let size = match (
                pool.min_nodes_per_zone,
                pool.max_nodes_per_zone,
                pool.total_min_nodes,
                pool.total_max_nodes,
            ) {
                (Some(min), Some(max), None, None) => Some((
                    "max_nodes_per_zone",
                    PoolSize::PerZone { min, max },
                    min,
                    max,
                )),
                (None, None, Some(min), Some(max)) => {
                    Some(("total_max_nodes", PoolSize::Total { min, max }, min, max))
                }
                _ => {
                    p.push(Diagnostic::at_key(
                        format!("node_pools[{i}]"),
                        "set either min_nodes_per_zone and max_nodes_per_zone, or total_min_nodes and total_max_nodes",
                    ));
                    None
                }
            };
            if let Some((max_key, size, min, max)) = size {
                if max == 0 {
                    p.push(Diagnostic::at_key(
                        at(max_key),
                        "must be at least 1, or the pool can never run a pod",
                    ));
                } else if min > max {
                    p.push(Diagnostic::at_key(
                        at(max_key),
                        format!("{max} is below the minimum ({min})"),
                    ));
                } else {
                    pools.push((pool.clone(), size));
                }
            }
        }

        if !is_resource_name(&self.app.name) || self.app.name.len() > 40 {
            p.push(Diagnostic::at_key(
                "app.name",
                format!(
                    "{:?} is not an app name (lowercase letters, digits and hyphens, a letter first, at most 40)",
                    self.app.name
                ),
            ));
        }
        let tag = self.app.image_tag.as_str();
        if tag.is_empty() || tag.eq_ignore_ascii_case("latest") {
            p.push(Diagnostic::at_key(
                "app.image_tag",
                format!(
                    "{tag:?} names no version; use the app's version (e.g. \"0.1.0\") so every deploy is a reviewed change"
                ),
            ));
        } else if !is_image_tag(tag) {
            p.push(Diagnostic::at_key(
                "app.image_tag",
                format!(
                    "{tag:?} is not a Docker tag (up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-')"
                ),
            ));
        }
        if let Some(domain) = &self.app.domain {
            if !is_domain(domain) {
                p.push(Diagnostic::at_key(
                    "app.domain",
                    format!(
                        "{domain:?} is not a domain name (dot-separated labels of letters, digits and inner hyphens, like app.example.com)"
                    ),
                ));
            }
        }
        let m = &self.monitoring;
        if m.emails.is_empty() {
            p.push(Diagnostic::at_key(
                "monitoring.emails",
                "name at least one address: an alert nobody receives is no alert",
            ));
        }
        let mut seen_emails = BTreeSet::new();
        for (i, email) in m.emails.iter().enumerate() {
            if !is_email(email) {
                p.push(Diagnostic::at_key(
                    format!("monitoring.emails[{i}]"),
                    format!("{email:?} is not an e-mail address"),
                ));
            } else if !seen_emails.insert(email.to_ascii_lowercase()) {
                p.push(Diagnostic::at_key(
                    format!("monitoring.emails[{i}]"),
                    format!("{email:?} is listed twice"),
                ));
            }
        }
        if !PERIODS.contains(&m.uptime_period.as_str()) {
            p.push(Diagnostic::at_key(
                "monitoring.uptime_period",
                format!("{:?} is not one of {}", m.uptime_period, PERIODS.join(", ")),
            ));
        }
        let regions: BTreeSet<&str> = m.uptime_regions.iter().map(String::as_str).collect();
        if let Some(bad) = regions.iter().find(|r| !CHECK_REGIONS.contains(r)) {
            p.push(Diagnostic::at_key(
                "monitoring.uptime_regions",
                format!("{bad:?} is not one of {}", CHECK_REGIONS.join(", ")),
            ));
        } else if regions.len() < 3 {
            p.push(Diagnostic::at_key(
                "monitoring.uptime_regions",
                "name at least three regions: Cloud Monitoring requires them",
            ));
        }
        if !(m.error_ratio > 0.0 && m.error_ratio < 1.0) {
            p.push(Diagnostic::at_key(
                "monitoring.error_ratio",
                format!(
                    "{} is not a share between 0 and 1 (e.g. 0.05)",
                    m.error_ratio
                ),
            ));
        }
        let app = &self.app;
        let (min_replicas, max_replicas) = replicas(app, self.zones.len(), &mut p);
        if !(1..=100).contains(&app.cpu_target) {
            p.push(Diagnostic::at_key(
                "app.cpu_target",
                format!("{} is not a percentage from 1 to 100", app.cpu_target),
            ));
        }
        for (key, value, units) in [
            ("app.cpu_request", &app.cpu_request, &CPU),
            ("app.cpu_limit", &app.cpu_limit, &CPU),
            ("app.memory_request", &app.memory_request, &MEMORY),
            ("app.memory_limit", &app.memory_limit, &MEMORY),
        ] {
            if !is_quantity(value, units) {
                p.push(Diagnostic::at_key(
                    key,
                    format!("{value:?} is not a quantity like {}", units.example),
                ));
            }
        }
        // Kubernetes refuses a container whose request is above its limit.
        for (what, request, limit, units) in [
            ("cpu", &app.cpu_request, &app.cpu_limit, &CPU),
            ("memory", &app.memory_request, &app.memory_limit, &MEMORY),
        ] {
            if is_quantity(request, units)
                && is_quantity(limit, units)
                && quantity_exceeds(request, limit, units)
            {
                p.push(Diagnostic::at_key(
                    format!("app.{what}_request"),
                    format!(
                        "{request} is more than app.{what}_limit {limit}; Kubernetes refuses a \
                         request above its limit"
                    ),
                ));
            }
        }
        let mut armor = None;
        if let Some(a) = &self.cloud_armor {
            let mut deny = Vec::new();
            for (i, range) in a.deny_ranges.iter().enumerate() {
                match range.parse::<Cidr>() {
                    Ok(c) => deny.push(c),
                    Err(e) => p.push(Diagnostic::at_key(
                        format!("cloud_armor.deny_ranges[{i}]"),
                        e.to_string(),
                    )),
                }
            }
            if let Some(limit) = a.rate_limit_per_minute {
                at_most_max_count("cloud_armor.rate_limit_per_minute", limit, &mut p);
            }
            if a.rate_limit_per_minute == Some(0) {
                p.push(Diagnostic::at_key(
                    "cloud_armor.rate_limit_per_minute",
                    "0 would refuse every request; leave it out for no limit",
                ));
            }
            armor = Some(Armor {
                deny,
                rate_limit_per_minute: a.rate_limit_per_minute,
            });
        }
        if self.app.port == 0 {
            p.push(Diagnostic::at_key(
                "app.port",
                "0 is not a port the app can listen on (1024-65535)",
            ));
        } else if self.app.port < 1024 {
            p.push(Diagnostic::at_key(
                "app.port",
                format!(
                    "{} is a privileged port; the app runs as a non-root user",
                    self.app.port
                ),
            ));
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
                p.push(Diagnostic::at_key(
                    "state.bucket",
                    format!(
                        "{b:?} is not a Cloud Storage bucket name (3-63 lowercase letters, digits, '-', '_' and '.', starting and ending with a letter or digit)"
                    ),
                ));
            }
        }
        if !p.is_empty() {
            return Err(p);
        }
        let got = |key: &str| range(key).expect("every range parsed when there are no problems");
        Ok(Valid {
            subnet: got("network.subnet_cidr"),
            pods: got("network.pods_cidr"),
            services: got("network.services_cidr"),
            master: got("network.master_cidr"),
            description: self.description,
            project: self.project,
            region: self.region,
            zones: self.zones,
            network_name: self.network.name,
            cluster_name: self.cluster.name,
            release_channel: self.cluster.release_channel,
            deletion_protection: self.cluster.deletion_protection,
            authorized_networks: authorized,
            maintenance: self.cluster.maintenance.map(|m| MaintenanceWindow {
                start: m.start,
                end: m.end,
                recurrence: m.recurrence,
            }),
            node_pools: pools,
            min_replicas,
            max_replicas,
            cpu_target: self.app.cpu_target,
            resources: PodResources {
                cpu_request: self.app.cpu_request,
                memory_request: self.app.memory_request,
                cpu_limit: self.app.cpu_limit,
                memory_limit: self.app.memory_limit,
            },
            app_name: self.app.name,
            app_port: self.app.port,
            image_tag: self.app.image_tag,
            domain: self.app.domain,
            monitoring: self.monitoring,
            armor,
            state: self.state.map(|s| (s.bucket, s.prefix)),
        })
    }
}

/// The app's image reference with its tag, and the registry host: what the
/// workload deploys and `tfsynth deploy --build` pushes.
pub fn image(s: &Valid) -> (String, String) {
    let host = format!("{}-docker.pkg.dev", s.region);
    (
        format!(
            "{host}/{}/{app}/{app}:{}",
            s.project,
            s.image_tag,
            app = s.app_name
        ),
        host,
    )
}

/// Builds the stack's two roots, applied in order: `cluster` (everything in
/// Google Cloud) and `workload` (everything in Kubernetes). The kubernetes
/// provider must not be configured from a cluster created in the same
/// apply, so the workload reads the cluster root's outputs through remote
/// state; the references are typed handles, linked by
/// [`link_roots_with`].
/// `sensitive_attribute` tells which attributes the provider schemas mark
/// sensitive, so that an exported value is a sensitive output when it can
/// be.
pub fn build(
    stack_name: &str,
    s: &Valid,
    sensitive_attribute: &dyn Fn(&Address, &[Step]) -> bool,
) -> Vec<RootModule> {
    let (cluster, handles) = cluster_root(stack_name, "cluster", s);
    let workload = workload_root(stack_name, "workload", s, &handles);
    link_roots_with(
        vec![
            NamedRoot {
                name: "cluster".to_owned(),
                stack: cluster,
            },
            NamedRoot {
                name: "workload".to_owned(),
                stack: workload,
            },
        ],
        sensitive_attribute,
    )
    .expect("the workload root reads only from the cluster root, applied before it")
}

/// What the workload root uses from the cluster root.
struct ClusterHandles {
    cluster: Ref<GoogleContainerCluster>,
    app_account: Ref<GoogleServiceAccount>,
    repository: Ref<GoogleArtifactRegistryRepository>,
    frontend: FrontendRefs,
}

fn workload_root(stack_name: &str, root: &str, s: &Valid, c: &ClusterHandles) -> Stack {
    let mut stack = base_stack(stack_name, root, s);
    stack.terraform_mut().required_providers.insert(
        "kubernetes".to_owned(),
        crate::providers::kubernetes_required(),
    );
    stack.configure(GoogleProvider {
        project: Some(s.project.as_str().into()),
        region: Some(s.region.as_str().into()),
        default_labels: Some(labels(stack_name).into()),
        ..GoogleProvider::default()
    });
    let client = stack.data("current", DataGoogleClientConfig::default());
    stack.configure(KubernetesProvider {
        host: Some(
            Template::new()
                .lit("https://")
                .interp(c.cluster.endpoint())
                .build()
                .into(),
        ),
        cluster_ca_certificate: Some(
            Expr::call(
                "base64decode",
                vec![
                    c.cluster
                        .master_auth()
                        .index(0)
                        .cluster_ca_certificate()
                        .into(),
                ],
            )
            .into(),
        ),
        token: Some(client.access_token().into()),
        ..KubernetesProvider::default()
    });
    let image = Template::new()
        .interp(c.repository.location())
        .lit("-docker.pkg.dev/")
        .interp(c.repository.project())
        .lit("/")
        .interp(c.repository.repository_id())
        .lit(format!("/{}:{}", s.app_name, s.image_tag))
        .build();
    WebService {
        name: s.app_name.clone(),
        instance: stack_name.to_owned(),
        image: image.into(),
        version: s.image_tag.clone(),
        port: s.app_port,
        health_path: HEALTH_PATH.to_owned(),
        min_replicas: s.min_replicas,
        max_replicas: s.max_replicas,
        cpu_target: s.cpu_target,
        resources: s.resources.clone(),
        google_service_account: c.app_account.email().into(),
        static_ip_name: c.frontend.address.name().into(),
        https: c.frontend.certificate.as_ref().map(|cert| Https {
            certificate: cert.name().into(),
        }),
        security_policy: c.frontend.security_policy.as_ref().map(|p| p.name().into()),
    }
    .add_to(&mut stack);
    stack
}

fn base_stack(stack_name: &str, root: &str, s: &Valid) -> Stack {
    let mut stack = Stack::named(root);
    let t = stack.terraform_mut();
    t.required_version = Some(REQUIRED_TERRAFORM.to_owned());
    t.required_providers
        .insert("google".to_owned(), crate::providers::google_required());
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

/// Labels on every Google Cloud resource of the stack, so anyone looking at
/// one in the console knows it is managed here and must not be edited.
fn labels(stack_name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("managed-by".to_owned(), "tfsynth".to_owned()),
        ("tfsynth-stack".to_owned(), stack_name.to_owned()),
    ])
}

fn cluster_root(stack_name: &str, root: &str, s: &Valid) -> (Stack, ClusterHandles) {
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
    stack.configure(GoogleProvider {
        project: Some(project.clone()),
        region: Some(s.region.as_str().into()),
        default_labels: Some(labels(stack_name).into()),
        ..GoogleProvider::default()
    });
    let apis = ProjectServices {
        project: project.clone(),
        services: APIS.iter().map(|a| (*a).to_owned()).collect(),
    }
    .add_to(&mut stack);
    let net = Network {
        name: s.network_name.clone(),
        project: project.clone(),
        region: s.region.clone(),
        description: Some(s.description.clone()),
        subnet: s.subnet,
        pods: s.pods,
        services: s.services,
    }
    .add_to(&mut stack, apis.only(&["compute"]));
    let nodes = NodeIdentity {
        account_id: format!("{}-nodes", s.cluster_name),
        project: project.clone(),
    }
    .add_to(&mut stack, apis.only(&["iam"]));
    HealthCheckFirewall {
        name: format!("{}-lb-health-checks", s.app_name),
        network: net.network.clone(),
        project: project.clone(),
        nodes: nodes.clone(),
        ports: vec![s.app_port],
    }
    .add_to(&mut stack);
    let cluster = Cluster {
        name: s.cluster_name.clone(),
        project_id: s.project.clone(),
        project: project.clone(),
        region: s.region.clone(),
        zones: s.zones.clone(),
        network: net.network.clone(),
        subnetwork: net.subnetwork.clone(),
        master_cidr: s.master,
        authorized_networks: s.authorized_networks.clone(),
        release_channel: s.release_channel,
        maintenance: s.maintenance.clone(),
        deletion_protection: s.deletion_protection,
        labels: labels(stack_name),
    }
    .add_to(
        &mut stack,
        apis.only(&["container", "logging", "monitoring"]),
    );
    for (pool, size) in &s.node_pools {
        NodePool {
            name: pool.name.clone(),
            cluster: cluster.clone(),
            service_account: nodes.clone(),
            size: *size,
            machine_type: pool.machine_type.clone(),
            disk_size_gb: pool.disk_size_gb,
            disk_type: pool.disk_type.clone(),
            spot: pool.spot,
            labels: pool.labels.clone(),
        }
        .add_to(&mut stack);
    }

    let registry = Registry {
        name: s.app_name.clone(),
        region: s.region.clone(),
        project_id: s.project.clone(),
        project: project.clone(),
        readers: vec![nodes.clone()],
    };
    let repository = registry
        .add_to(&mut stack, apis.only(&["artifactregistry"]))
        .repository;
    // The app's own identity: pods act as it through Workload Identity. It
    // holds no roles; grant what the app needs, and nothing else.
    let app_account = stack.add_with(
        "app",
        GoogleServiceAccount {
            display_name: Some(format!("{} pods", s.app_name).into()),
            description: Some("Identity of the app's pods, through Workload Identity".into()),
            project: Some(project.clone()),
            ..GoogleServiceAccount::new(format!("{}-app", s.app_name))
        },
        Meta {
            depends_on: apis.only(&["iam"]),
            ..Meta::default()
        },
    );
    stack.add_with(
        "app_workload_identity",
        GoogleServiceAccountIamMember {
            service_account_id: app_account.name().into(),
            role: "roles/iam.workloadIdentityUser".into(),
            // Exactly the app's Kubernetes service account, in its namespace.
            member: format!(
                "serviceAccount:{}.svc.id.goog[{}/{}]",
                s.project, s.app_name, s.app_name
            )
            .into(),
            condition: None,
        },
        // The identity pool exists once the cluster does.
        Meta {
            depends_on: vec![cluster.dep()],
            ..Meta::default()
        },
    );
    let frontend = Frontend {
        app: s.app_name.clone(),
        project: project.clone(),
        domain: s.domain.clone(),
        armor: s.armor.clone(),
    }
    .add_to(&mut stack, apis.only(&["compute"]));
    let host: Value<String> = match &s.domain {
        Some(domain) => domain.as_str().into(),
        None => frontend.address.address().into(),
    };
    let alerting = UptimeAlerting {
        app: s.app_name.clone(),
        project_id: s.project.clone(),
        project: project.clone(),
        host: host.clone(),
        https: s.domain.is_some(),
        path: HEALTH_PATH.to_owned(),
        period: s.monitoring.uptime_period.clone(),
        regions: s.monitoring.uptime_regions.clone(),
        emails: s.monitoring.emails.clone(),
        error_ratio: s.monitoring.error_ratio,
        ingress: (s.app_name.clone(), s.app_name.clone()),
    }
    .add_to(&mut stack, apis.only(&["monitoring"]));

    let scheme = if s.domain.is_some() {
        "https://"
    } else {
        "http://"
    };
    stack.output(
        "app_url",
        Output::new(
            Template::new().lit(scheme).interp(host).lit("/").build(),
            "Where the app answers",
        ),
    );
    stack.output(
        "lb_ip",
        Output::new(
            frontend.address.address(),
            "The load balancer's reserved IP; point the domain's A record here",
        ),
    );
    stack.output(
        "image",
        Output::new(
            Expression::from(format!("{}:{}", registry.image(&s.app_name), s.image_tag)),
            "The app's image, with the version tag the workload deploys",
        ),
    );
    stack.output(
        "console_workloads",
        Output::new(
            Expression::from(format!(
                "https://console.cloud.google.com/kubernetes/workload/overview?project={}",
                s.project
            )),
            "The app's workloads in the Cloud Console",
        ),
    );
    stack.output(
        "console_uptime_check",
        Output::new(
            Template::new()
                .lit("https://console.cloud.google.com/monitoring/uptime/")
                .interp(alerting.uptime_check.uptime_check_id())
                .lit(format!("?project={}", s.project))
                .build(),
            "The uptime check in the Cloud Console",
        ),
    );
    stack.output(
        "cluster_name",
        Output::new(cluster.name(), "Name of the GKE cluster"),
    );
    stack.output(
        "cluster_location",
        Output::new(cluster.location(), "Region of the GKE cluster"),
    );
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
    stack.output(
        "node_service_account",
        Output::new(nodes.email(), "E-mail of the nodes' service account"),
    );
    stack.output(
        "console_cluster",
        Output::new(
            Template::new()
                .lit("https://console.cloud.google.com/kubernetes/clusters/details/")
                .interp(cluster.location())
                .lit("/")
                .interp(cluster.name())
                .lit("/details?project=")
                .lit(s.project.as_str())
                .build(),
            "The cluster in the Cloud Console",
        ),
    );
    let handles = ClusterHandles {
        cluster,
        app_account,
        repository,
        frontend,
    };
    (stack, handles)
}
