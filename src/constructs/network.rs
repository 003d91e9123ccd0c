use crate::constructs::Cidr;
use crate::providers::google::{GoogleServiceAccount, GoogleServiceAccountRef};
use crate::providers::hand_google::{
    ComputeFirewall, ComputeNetwork, ComputeRouter, ComputeRouterNat, ComputeSubnetwork,
    FirewallLogConfig, FirewallRule, RouterNatLogConfig, RoutingMode, SecondaryIpRange,
    SubnetworkLogConfig,
};
use crate::tf::{Dependency, Meta, Ref, Stack, Value};

/// A custom-mode VPC network with one regional subnetwork sized for GKE
/// (a primary range for nodes, secondary ranges for pods and services),
/// and a Cloud NAT so private nodes can reach the internet.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
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
    pub network: Ref<ComputeNetwork>,
    /// Its subnetwork.
    pub subnetwork: Ref<ComputeSubnetwork>,
    /// The Cloud Router that runs the NAT.
    pub router: Ref<ComputeRouter>,
}

/// Name of the secondary range that holds pod IPs.
pub const PODS_RANGE: &str = "pods";
/// Name of the secondary range that holds service IPs.
pub const SERVICES_RANGE: &str = "services";

impl Network {
    /// Adds the network and subnetwork; both wait for `after` (the APIs).
    pub fn add_to(&self, stack: &mut Stack, after: Vec<Dependency>) -> NetworkRefs {
        let network = stack.add_with(
            "vpc",
            ComputeNetwork {
                project: Some(self.project.clone()),
                description: self.description.clone().map(Value::Lit),
                // Custom mode: every range is chosen in settings and reviewed,
                // none appears in regions the stack does not use.
                auto_create_subnetworks: Some(false),
                // Routes stay in the region the cluster runs in.
                routing_mode: Some(RoutingMode::Regional),
                ..ComputeNetwork::new(self.name.as_str())
            },
            Meta {
                depends_on: after.clone(),
                ..Meta::default()
            },
        );
        let subnetwork = stack.add_with(
            "nodes",
            ComputeSubnetwork {
                ip_cidr_range: Some(self.subnet.to_string().into()),
                region: Some(self.region.as_str().into()),
                project: Some(self.project.clone()),
                description: self.description.clone().map(Value::Lit),
                // Private nodes have no public IPs but must still reach
                // Google APIs (Artifact Registry, logging, monitoring).
                private_ip_google_access: Some(true),
                secondary_ip_range: vec![
                    SecondaryIpRange {
                        range_name: PODS_RANGE.to_owned(),
                        ip_cidr_range: self.pods.to_string().into(),
                    },
                    SecondaryIpRange {
                        range_name: SERVICES_RANGE.to_owned(),
                        ip_cidr_range: self.services.to_string().into(),
                    },
                ],
                // Flow logs answer "who talked to what" after an incident;
                // half the flows, aggregated over 5 s, keeps the cost low.
                log_config: Some(SubnetworkLogConfig {
                    aggregation_interval: Some("INTERVAL_5_SEC".to_owned()),
                    flow_sampling: Some(0.5),
                    metadata: Some("INCLUDE_ALL_METADATA".to_owned()),
                }),
                ..ComputeSubnetwork::new(self.name.as_str(), network.self_link())
            },
            Meta {
                depends_on: after,
                ..Meta::default()
            },
        );
        let router = stack.add(
            "nat",
            ComputeRouter {
                name: format!("{}-nat", self.name).into(),
                network: network.self_link().into(),
                region: Some(self.region.as_str().into()),
                project: Some(self.project.clone()),
                description: Some("Runs the Cloud NAT of the private nodes".into()),
            },
        );
        stack.add(
            "nat",
            ComputeRouterNat {
                name: format!("{}-nat", self.name).into(),
                router: router.name().into(),
                region: Some(self.region.as_str().into()),
                project: Some(self.project.clone()),
                // Google allocates and scales the egress addresses.
                nat_ip_allocate_option: Some("AUTO_ONLY".to_owned()),
                source_subnetwork_ip_ranges_to_nat: "ALL_SUBNETWORKS_ALL_IP_RANGES".to_owned(),
                // Ports follow demand, so one busy node cannot exhaust them.
                enable_dynamic_port_allocation: Some(true),
                min_ports_per_vm: Some(64),
                // Errors only: dropped connections are what needs explaining.
                log_config: Some(RouterNatLogConfig {
                    enable: true,
                    filter: "ERRORS_ONLY".to_owned(),
                }),
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
    /// Rule name.
    pub name: String,
    /// The network.
    pub network: Ref<ComputeNetwork>,
    /// The project, usually `var.project_id`.
    pub project: Value<String>,
    /// Only instances running as this account (the nodes) are opened.
    pub nodes: Ref<GoogleServiceAccount>,
    /// The container ports the load balancer talks to.
    pub ports: Vec<u16>,
}

impl HealthCheckFirewall {
    /// Adds the rule.
    pub fn add_to(&self, stack: &mut Stack) -> Ref<ComputeFirewall> {
        stack.add(
            "lb_health_checks",
            ComputeFirewall {
                name: self.name.as_str().into(),
                network: self.network.self_link().into(),
                project: Some(self.project.clone()),
                description: Some(
                    "Google load balancers and health checkers to the app's pods".into(),
                ),
                direction: Some("INGRESS".to_owned()),
                priority: Some(1000),
                source_ranges: HEALTH_CHECK_RANGES
                    .iter()
                    .map(|r| (*r).to_owned())
                    .collect(),
                target_service_accounts: vec![self.nodes.email().into()],
                allow: vec![FirewallRule {
                    protocol: "tcp".to_owned(),
                    ports: self.ports.iter().map(u16::to_string).collect(),
                }],
                // Logged: a blocked health check is the first thing to rule out.
                log_config: Some(FirewallLogConfig {
                    metadata: "EXCLUDE_ALL_METADATA".to_owned(),
                }),
            },
        )
    }
}
