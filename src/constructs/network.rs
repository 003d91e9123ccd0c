use crate::constructs::Cidr;
use crate::providers::google::{
    ComputeNetwork, ComputeSubnetwork, RoutingMode, SecondaryIpRange, SubnetworkLogConfig,
};
use crate::tf::{Dependency, Meta, Ref, Stack, Value};

/// A custom-mode VPC network with one regional subnetwork sized for GKE:
/// a primary range for nodes and secondary ranges for pods and services.
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
        NetworkRefs {
            network,
            subnetwork,
        }
    }
}
