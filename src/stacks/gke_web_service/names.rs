//! The names the blueprint gives what it creates, each derived from one
//! setting, so that validation checks every one of them against its rule
//! (a 63-character network name would make a 67-character router name)
//! and the roots create exactly the names validation checked.

use super::settings::Settings;
use crate::constructs::names::{COMPUTE_NAME, CloudName, DNS_LABEL, GKE_NAME, SERVICE_ACCOUNT_ID};
use crate::constructs::{Frontend, Network};

/// The node service account's id for cluster `cluster`.
pub(super) fn node_account(cluster: &str) -> String {
    format!("{cluster}-nodes")
}

/// A service's own service account id (its pods act as it), from its
/// [`super::full_name`].
pub(super) fn app_account(full_name: &str) -> String {
    format!("{full_name}-app")
}

/// The firewall rule that lets the load balancer's health checks reach
/// the app's pods.
pub(super) fn health_check_firewall(app: &str) -> String {
    format!("{app}-lb-health-checks")
}

/// A name the blueprint creates, and the setting it comes from.
pub(super) struct Derived {
    /// The setting's key: `app.name`.
    pub key: String,
    /// What the setting is, for messages: `an app name`.
    pub noun: &'static str,
    /// The setting's value.
    pub setting: String,
    /// The name created from it.
    pub name: CloudName,
}

/// Every name the blueprint creates from settings; for each key the
/// setting's own name comes first.
pub(super) fn derived(s: &Settings) -> Vec<Derived> {
    let mut names = Vec::new();
    let mut add = |key: &str, noun: &'static str, setting: &str, list: Vec<CloudName>| {
        names.extend(list.into_iter().map(|name| Derived {
            key: key.to_owned(),
            noun,
            setting: setting.to_owned(),
            name,
        }));
    };
    add(
        "network.name",
        "a network name",
        &s.network.name,
        Network::names(&s.network.name),
    );
    let cluster = &s.cluster.name;
    add(
        "cluster.name",
        "a cluster name",
        cluster,
        vec![
            CloudName::new("the cluster", cluster.as_str(), GKE_NAME),
            CloudName::new(
                "the node service account id",
                node_account(cluster),
                SERVICE_ACCOUNT_ID,
            ),
        ],
    );
    for (i, pool) in s.node_pools.iter().enumerate() {
        add(
            &format!("node_pools[{i}].name"),
            "a node pool name",
            &pool.name,
            vec![CloudName::new(
                "the node pool",
                pool.name.as_str(),
                GKE_NAME,
            )],
        );
    }
    let app = &s.app.name;
    let mut app_names = vec![
        CloudName::new(
            "the Artifact Registry repository",
            app.as_str(),
            COMPUTE_NAME,
        ),
        CloudName::new("the Kubernetes namespace", app.as_str(), DNS_LABEL),
        CloudName::new(
            "the health-check firewall rule",
            health_check_firewall(app),
            COMPUTE_NAME,
        ),
    ];
    app_names.extend(Frontend::names(app));
    add("app.name", "an app name", app, app_names);
    for (i, name) in Frontend::more_certificate_names(app, &s.app.domains) {
        add(
            &format!("app.domains[{i}]"),
            "a domain",
            &s.app.domains[i],
            vec![name],
        );
    }
    for (i, service) in s.services.iter().enumerate() {
        // Without an app name (refused at app.name, or not a table) the
        // service's full name would blame the service for it.
        if app.is_empty() {
            break;
        }
        let full = super::full_name(app, &service.name);
        add(
            &format!("services[{i}].name"),
            "a service name",
            &service.name,
            vec![
                // A Service name is a DNS-1035 label: a letter first, as for
                // Compute Engine names.
                CloudName::new(
                    "the Kubernetes Service",
                    service.name.as_str(),
                    COMPUTE_NAME,
                ),
                CloudName::new(
                    "the service's Google service account id",
                    app_account(&full),
                    SERVICE_ACCOUNT_ID,
                ),
            ],
        );
    }
    names
}
