use crate::constructs::names::{COMPUTE_NAME, CloudName};
use crate::constructs::{Cidr, scoped};
use crate::providers::google::google_compute_subnetwork::SecondaryIpRange;
use crate::providers::google::{
    GoogleComputeFirewall, GoogleComputeNetwork, GoogleComputeNetworkRef, GoogleComputeRouter,
    GoogleComputeRouterNat, GoogleComputeRouterRef, GoogleComputeSubnetwork, GoogleServiceAccount,
    GoogleServiceAccountRef, google_compute_firewall, google_compute_router_nat,
    google_compute_subnetwork,
};
use crate::tf::{Dependency, IgnoreChanges, Lifecycle, Meta, Number, Ref, Stack, Value};

/// A custom-mode VPC network with one regional subnetwork sized for GKE
/// (a primary range for nodes, secondary ranges for pods and services),
/// and a Cloud NAT so private nodes can reach the internet.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// The logical name its Terraform addresses are built from (see
    /// [`crate::constructs::scoped`]), so several coexist in one root.
    /// Addresses: `google_compute_network.SCOPE`,
    /// `google_compute_subnetwork.SCOPE_nodes`, and the router and its NAT
    /// at `SCOPE_nat`.
    pub scope: String,
    /// Name of the network and its subnetwork.
    pub name: String,
    /// The project, usually `var.project_id`.
    pub project: Value<String>,
    /// Region of the subnetwork.
    pub region: String,
    /// Free text shown in the console.
    pub description: Option<String>,
    /// Node range.
    pub subnet: Cidr,
    /// Pod range (secondary range `pods`).
    pub pods: Cidr,
    /// Service range (secondary range `services`).
    pub services: Cidr,
}

/// Handles to what a [`Network`] added.
#[derive(Debug, Clone)]
pub struct NetworkRefs {
    /// The VPC network.
    pub network: Ref<GoogleComputeNetwork>,
    /// Its subnetwork.
    pub subnetwork: Ref<GoogleComputeSubnetwork>,
    /// The Cloud Router that runs the NAT.
    pub router: Ref<GoogleComputeRouter>,
}

/// A network's and a subnetwork's `description` forces a new one (google
/// provider 6.50.0), and it is free text from settings: editing it must
/// not replace the network under a running cluster, so it is set at
/// creation and ignored after.
fn description_kept() -> Lifecycle {
    Lifecycle {
        ignore_changes: IgnoreChanges::Attrs(vec!["description".to_owned()]),
        ..Lifecycle::default()
    }
}

/// Name of the secondary range that holds pod IPs.
pub const PODS_RANGE: &str = "pods";
/// Name of the secondary range that holds service IPs.
pub const SERVICES_RANGE: &str = "services";

impl Network {
    /// The name of the Cloud Router and of its Cloud NAT, for a network
    /// named `network`.
    pub fn nat_name(network: &str) -> String {
        format!("{network}-nat")
    }

    /// Every name [`Network::add_to`] creates for a network named `name`.
    pub fn names(name: &str) -> Vec<CloudName> {
        vec![
            CloudName::new("the network", name, COMPUTE_NAME),
            CloudName::new("the Cloud Router", Self::nat_name(name), COMPUTE_NAME),
        ]
    }

    /// Adds the network and subnetwork; both wait for `after` (the APIs).
    pub fn add_to(&self, stack: &mut Stack, after: Vec<Dependency>) -> NetworkRefs {
        let network = stack.add_with(
            self.scope.as_str(),
            GoogleComputeNetwork {
                project: Some(self.project.clone()),
                description: self.description.clone().map(Value::Lit),
                // Custom mode: every range is chosen in settings and reviewed,
                // none appears in regions the stack does not use.
                auto_create_subnetworks: Some(false.into()),
                // Routes stay in the region the cluster runs in.
                routing_mode: Some("REGIONAL".into()),
                ..GoogleComputeNetwork::new(self.name.as_str())
            },
            Meta {
                depends_on: after.clone(),
                lifecycle: description_kept(),
                ..Meta::default()
            },
        );
        let subnetwork = stack.add_with(
            scoped(&self.scope, "nodes"),
            GoogleComputeSubnetwork {
                ip_cidr_range: Some(self.subnet.to_string().into()),
                region: Some(self.region.as_str().into()),
                project: Some(self.project.clone()),
                description: self.description.clone().map(Value::Lit),
                // Private nodes have no public IPs but must still reach
                // Google APIs (Artifact Registry, logging, monitoring).
                private_ip_google_access: Some(true.into()),
                secondary_ip_range: vec![
                    SecondaryIpRange {
                        ip_cidr_range: Some(self.pods.to_string().into()),
                        ..SecondaryIpRange::new(PODS_RANGE)
                    },
                    SecondaryIpRange {
                        ip_cidr_range: Some(self.services.to_string().into()),
                        ..SecondaryIpRange::new(SERVICES_RANGE)
                    },
                ],
                // Flow logs answer "who talked to what" after an incident;
                // half the flows, aggregated over 5 s, keeps the cost low.
                log_config: Some(google_compute_subnetwork::LogConfig {
                    aggregation_interval: Some("INTERVAL_5_SEC".into()),
                    flow_sampling: Some(Number::from_f64(0.5).expect("0.5 is finite").into()),
                    metadata: Some("INCLUDE_ALL_METADATA".into()),
                    ..google_compute_subnetwork::LogConfig::default()
                }),
                ..GoogleComputeSubnetwork::new(self.name.as_str(), network.self_link())
            },
            Meta {
                depends_on: after,
                lifecycle: description_kept(),
                ..Meta::default()
            },
        );
        let router = stack.add(
            scoped(&self.scope, "nat"),
            GoogleComputeRouter {
                region: Some(self.region.as_str().into()),
                project: Some(self.project.clone()),
                description: Some("Runs the Cloud NAT of the private nodes".into()),
                ..GoogleComputeRouter::new(Self::nat_name(&self.name), network.self_link())
            },
        );
        stack.add(
            scoped(&self.scope, "nat"),
            GoogleComputeRouterNat {
                region: Some(self.region.as_str().into()),
                project: Some(self.project.clone()),
                // Google allocates and scales the egress addresses.
                nat_ip_allocate_option: Some("AUTO_ONLY".into()),
                // Ports follow demand, so one busy node cannot exhaust them.
                enable_dynamic_port_allocation: Some(true.into()),
                min_ports_per_vm: Some(64.into()),
                // Errors only: dropped connections are what needs explaining.
                log_config: Some(google_compute_router_nat::LogConfig {
                    enable: true.into(),
                    filter: "ERRORS_ONLY".into(),
                }),
                ..GoogleComputeRouterNat::new(
                    Self::nat_name(&self.name),
                    router.name(),
                    "ALL_SUBNETWORKS_ALL_IP_RANGES",
                )
            },
        );
        NetworkRefs {
            network,
            subnetwork,
            router,
        }
    }
}

/// Google's load balancer and health checker ranges
/// (<https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges>).
pub const HEALTH_CHECK_RANGES: [&str; 2] = ["130.211.0.0/22", "35.191.0.0/16"];

/// A firewall rule that lets Google's load balancers and health checks
/// reach the nodes on the app's ports, and nothing else.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthCheckFirewall {
    /// The logical name its Terraform addresses are built from (see
    /// [`crate::constructs::scoped`]), so several coexist in one root.
    /// Address: `google_compute_firewall.SCOPE_health_checks`.
    pub scope: String,
    /// Rule name.
    pub name: String,
    /// The network.
    pub network: Ref<GoogleComputeNetwork>,
    /// The project, usually `var.project_id`.
    pub project: Value<String>,
    /// Only instances running as this account (the nodes) are opened.
    pub nodes: Ref<GoogleServiceAccount>,
    /// The container ports the load balancer talks to.
    pub ports: Vec<u16>,
}

impl HealthCheckFirewall {
    /// Adds the rule.
    pub fn add_to(&self, stack: &mut Stack) -> Ref<GoogleComputeFirewall> {
        let ports: Vec<String> = self.ports.iter().map(u16::to_string).collect();
        stack.add(
            scoped(&self.scope, "health_checks"),
            GoogleComputeFirewall {
                project: Some(self.project.clone()),
                description: Some(
                    "Google load balancers and health checkers to the app's pods".into(),
                ),
                direction: Some("INGRESS".into()),
                priority: Some(1000.into()),
                source_ranges: Some(HEALTH_CHECK_RANGES.to_vec().into()),
                target_service_accounts: Some(vec![self.nodes.email()].into()),
                allow: vec![google_compute_firewall::Allow {
                    // Every port when none is named.
                    ports: (!ports.is_empty()).then(|| ports.into()),
                    ..google_compute_firewall::Allow::new("tcp")
                }],
                // Logged: a blocked health check is the first thing to rule out.
                log_config: Some(google_compute_firewall::LogConfig::new(
                    "EXCLUDE_ALL_METADATA",
                )),
                ..GoogleComputeFirewall::new(self.name.as_str(), self.network.self_link())
            },
        )
    }
}
