use std::collections::BTreeMap;

use crate::providers::google::google_container_node_pool::{
    Autoscaling, Management, NodeConfig, NodeConfigShieldedInstanceConfig,
    NodeConfigWorkloadMetadataConfig, UpgradeSettings,
};
use crate::providers::google::{
    GoogleContainerCluster, GoogleContainerClusterRef, GoogleContainerNodePool,
    GoogleServiceAccount, GoogleServiceAccountRef,
};
use crate::tf::{IgnoreChanges, Lifecycle, Meta, Ref, Stack, Timeouts};

/// How a pool's size is bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolSize {
    /// Bounds for each zone: the pool holds `zones × n` nodes.
    PerZone {
        /// Fewest nodes in each zone.
        min: u32,
        /// Most nodes in each zone.
        max: u32,
    },
    /// Bounds across all zones together.
    Total {
        /// Fewest nodes in all.
        min: u32,
        /// Most nodes in all.
        max: u32,
    },
}

/// An autoscaled GKE node pool of hardened nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct NodePool {
    /// The pool's name, also its logical name in the stack.
    pub name: String,
    /// The cluster.
    pub cluster: Ref<GoogleContainerCluster>,
    /// The nodes' identity.
    pub service_account: Ref<GoogleServiceAccount>,
    /// Autoscaling bounds.
    pub size: PoolSize,
    /// e.g. `e2-medium`.
    pub machine_type: String,
    /// Boot disk size in GB.
    pub disk_size_gb: u32,
    /// `pd-standard`, `pd-balanced` or `pd-ssd`.
    pub disk_type: String,
    /// Spot VMs: up to 90% cheaper, reclaimed at any time.
    pub spot: bool,
    /// Kubernetes labels on the nodes.
    pub labels: BTreeMap<String, String>,
}

impl NodePool {
    /// Adds the pool to the stack.
    pub fn add_to(&self, stack: &mut Stack) -> Ref<GoogleContainerNodePool> {
        let autoscaling = match self.size {
            PoolSize::PerZone { min, max } => Autoscaling {
                min_node_count: Some(min.into()),
                max_node_count: Some(max.into()),
                ..Autoscaling::default()
            },
            PoolSize::Total { min, max } => Autoscaling {
                total_min_node_count: Some(min.into()),
                total_max_node_count: Some(max.into()),
                ..Autoscaling::default()
            },
        };
        let pool = GoogleContainerNodePool {
            name: Some(self.name.as_str().into()),
            location: Some(self.cluster.location().into()),
            // The pool starts at its minimum, so the autoscaler has a node to
            // schedule onto and never waits at zero.
            initial_node_count: Some(
                match self.size {
                    PoolSize::PerZone { min, .. } => min.max(1),
                    PoolSize::Total { .. } => 1,
                }
                .into(),
            ),
            // No node_count: with autoscaling it would fight the autoscaler.
            node_count: None,
            autoscaling: Some(Autoscaling {
                // BALANCED keeps zones even, which the topology spread of the
                // workload relies on.
                location_policy: Some("BALANCED".into()),
                ..autoscaling
            }),
            // Broken nodes are replaced and nodes follow the control plane's
            // version, as the release channel requires.
            management: Some(Management {
                auto_repair: Some(true.into()),
                auto_upgrade: Some(true.into()),
            }),
            node_config: Some(NodeConfig {
                machine_type: Some(self.machine_type.as_str().into()),
                disk_size_gb: Some(self.disk_size_gb.into()),
                disk_type: Some(self.disk_type.as_str().into()),
                // Container-Optimized OS: minimal, read-only root, auto-updated.
                image_type: Some("COS_CONTAINERD".into()),
                service_account: Some(self.service_account.email().into()),
                // Access is decided by IAM roles; the broad scope only avoids
                // a second, confusing layer of permission checks.
                oauth_scopes: Some(vec!["https://www.googleapis.com/auth/cloud-platform"].into()),
                labels: (!self.labels.is_empty()).then(|| self.labels.clone().into()),
                spot: self.spot.then(|| true.into()),
                // Legacy metadata endpoints off: they leak node credentials.
                metadata: Some(
                    BTreeMap::from([("disable-legacy-endpoints".to_owned(), "true".to_owned())])
                        .into(),
                ),
                shielded_instance_config: Some(NodeConfigShieldedInstanceConfig {
                    enable_secure_boot: Some(true.into()),
                    enable_integrity_monitoring: Some(true.into()),
                }),
                // Pods see the Workload Identity metadata server, never the
                // node's own credentials.
                workload_metadata_config: Some(NodeConfigWorkloadMetadataConfig::new(
                    "GKE_METADATA",
                )),
                ..NodeConfig::default()
            }),
            // One extra node during upgrades and none taken away first:
            // capacity never drops below what is running.
            upgrade_settings: Some(UpgradeSettings {
                strategy: Some("SURGE".into()),
                max_surge: Some(1.into()),
                max_unavailable: Some(0.into()),
                ..UpgradeSettings::default()
            }),
            ..GoogleContainerNodePool::new(self.cluster.name())
        };
        stack.add_with(
            self.name.replace('-', "_"),
            pool,
            Meta {
                // initial_node_count forces a new pool (google provider
                // docs, google_container_node_pool), and it follows
                // min_nodes_per_zone: raising the minimum must change only
                // the autoscaler's bounds, in place, never replace the pool.
                lifecycle: Lifecycle {
                    ignore_changes: IgnoreChanges::Attrs(vec!["initial_node_count".to_owned()]),
                    ..Lifecycle::default()
                },
                timeouts: Some(Timeouts {
                    create: Some("30m".to_owned()),
                    update: Some("60m".to_owned()),
                    delete: Some("30m".to_owned()),
                    read: None,
                }),
                ..Meta::default()
            },
        )
    }
}
