//! The two root modules built from valid settings: `cluster` (everything
//! in Google Cloud) and `workload` (everything in Kubernetes).

use std::collections::BTreeMap;

use crate::constructs::{
    Cluster, EmailChannels, Frontend, FrontendRefs, HealthCheckFirewall, Https, Ingress, Namespace,
    Network, NodeIdentity, NodePool, ProjectServices, Registry, Route, ServedBy, UptimeAlerting,
    WebService, WorkloadIdentity,
};
use crate::providers::google::google_container_cluster::MasterAuthRef;
use crate::providers::google::{
    DataGoogleArtifactRegistryDockerImage, DataGoogleArtifactRegistryDockerImageRef,
    DataGoogleClientConfig, DataGoogleClientConfigRef, GoogleArtifactRegistryRepository,
    GoogleArtifactRegistryRepositoryRef, GoogleComputeGlobalAddressRef,
    GoogleComputeManagedSslCertificateRef, GoogleComputeNetworkRef, GoogleComputeSecurityPolicyRef,
    GoogleComputeSubnetworkRef, GoogleContainerCluster, GoogleContainerClusterRef,
    GoogleMonitoringNotificationChannelRef, GoogleMonitoringUptimeCheckConfigRef, GoogleProvider,
    GoogleServiceAccount, GoogleServiceAccountRef,
};
use crate::providers::kubernetes::KubernetesProvider;
use crate::stacks::RootModule;
use crate::tf::{
    Address, Backend, Cloud, Expr, Expression, NamedRoot, Output, Ref, Stack, Step, Template,
    Value, VarType, Variable, link_roots_with,
};

use super::names;
use super::settings::{StateChoice, Valid, ValidService};
use super::{APIS, REQUIRED_TERRAFORM};

/// Scopes of the blueprint's one-per-stack constructs: the Terraform
/// names they have always had, so that existing state stays where it is.
mod scope {
    /// The network, its subnetwork, router and NAT.
    pub const NETWORK: &str = "vpc";
    /// The cluster.
    pub const CLUSTER: &str = "primary";
    /// The nodes' service account and its role.
    pub const NODES: &str = "nodes";
    /// The image repository and its readers.
    pub const IMAGES: &str = "images";
    /// The load balancer's IP, certificate, Cloud Armor policy and
    /// health-check firewall rule.
    pub const LOAD_BALANCER: &str = "lb";
}

/// `moved` blocks from addresses an earlier tfsynth gave objects to the
/// ones they have now, for the root `root`, so applying the new output
/// keeps every object. The network's subnetwork, router and NAT were
/// `nodes` and `nat` before constructs took scopes. A stack from before
/// `[[services]]` had one service, named like the app, whose objects
/// were `app`, `backend_config`, `uptime`, `errors`, ...; those moves are
/// written when a service has the app's name. Terraform skips a move
/// whose `from` holds nothing, so a new stack loses nothing by them.
fn legacy_moves(root: &str, s: &Valid) -> Vec<(String, String)> {
    let net = scope::NETWORK;
    let mut moves: Vec<(String, String)> = Vec::new();
    let mut add = |from: &str, to: String| moves.push((from.to_owned(), to));
    let original = s.web_services.iter().find(|w| w.name == s.app_name);
    match root {
        "cluster" => {
            add(
                "google_compute_subnetwork.nodes",
                format!("google_compute_subnetwork.{net}_nodes"),
            );
            add(
                "google_compute_router.nat",
                format!("google_compute_router.{net}_nat"),
            );
            add(
                "google_compute_router_nat.nat",
                format!("google_compute_router_nat.{net}_nat"),
            );
            if let Some(w) = original {
                let n = &w.name;
                add(
                    "google_service_account.app",
                    format!("google_service_account.{n}"),
                );
                add(
                    "google_service_account_iam_member.app_workload_identity",
                    format!("google_service_account_iam_member.{n}_workload_identity"),
                );
                add(
                    "google_monitoring_uptime_check_config.app",
                    format!("google_monitoring_uptime_check_config.{n}"),
                );
                add(
                    "google_monitoring_alert_policy.uptime",
                    format!("google_monitoring_alert_policy.{n}_uptime"),
                );
                add(
                    "google_monitoring_alert_policy.errors",
                    format!("google_monitoring_alert_policy.{n}_errors"),
                );
            }
        }
        "workload" => {
            if let Some(w) = original {
                let n = &w.name;
                let app = &s.app_name;
                add(
                    "kubernetes_namespace_v1.app",
                    format!("kubernetes_namespace_v1.{app}"),
                );
                add(
                    "kubernetes_ingress_v1.app",
                    format!("kubernetes_ingress_v1.{app}"),
                );
                add(
                    "kubernetes_manifest.frontend_config",
                    format!("kubernetes_manifest.{app}_frontend_config"),
                );
                add(
                    "kubernetes_manifest.backend_config",
                    format!("kubernetes_manifest.{n}_backend_config"),
                );
                for ty in [
                    "kubernetes_service_account_v1",
                    "kubernetes_deployment_v1",
                    "kubernetes_service_v1",
                    "kubernetes_horizontal_pod_autoscaler_v2",
                    "kubernetes_pod_disruption_budget_v1",
                    "kubernetes_network_policy_v1",
                ] {
                    moves.push((format!("{ty}.app"), format!("{ty}.{n}")));
                }
            }
        }
        _ => {}
    }
    moves
}

/// Adds `moves` to `stack`, each only where it means something: the new
/// address exists and the old one is not itself still declared (a
/// service named `app` keeps its addresses).
fn add_moves(stack: &mut Stack, moves: Vec<(String, String)>) {
    let defined: std::collections::BTreeSet<String> =
        stack.defined().iter().map(ToString::to_string).collect();
    for (from, to) in moves {
        if from != to && defined.contains(&to) && !defined.contains(&from) {
            if let Some(target) = stack.target_of(&to) {
                stack.moved(from, target);
            }
        }
    }
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
    let (mut cluster, handles) = cluster_root(stack_name, "cluster", s);
    add_moves(&mut cluster, legacy_moves("cluster", s));
    let mut workload = workload_root(stack_name, "workload", s, &handles);
    add_moves(&mut workload, legacy_moves("workload", s));
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
    /// Each service's Google service account, in settings order.
    accounts: Vec<Ref<GoogleServiceAccount>>,
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
    let namespace = Namespace {
        scope: s.app_name.clone(),
        name: s.app_name.clone(),
        instance: stack_name.to_owned(),
    }
    .add_to(&mut stack);
    let mut routes = Vec::new();
    for (service, account) in s.web_services.iter().zip(&c.accounts) {
        // The image by digest: the registry resolves the reviewed tag at
        // plan time, so pods run exactly the image the tag named when it
        // was applied (and a tag not pushed yet fails the plan, not the
        // rollout), while generated/ holds only the tag.
        let image = stack.data(
            service.name.as_str(),
            DataGoogleArtifactRegistryDockerImage {
                project: Some(c.repository.project().into()),
                ..DataGoogleArtifactRegistryDockerImage::new(
                    format!("{}:{}", service.name, service.image_tag),
                    c.repository.location(),
                    c.repository.repository_id(),
                )
            },
        );
        let refs = WebService {
            scope: service.name.clone(),
            name: service.name.clone(),
            part_of: s.app_name.clone(),
            namespace: namespace.clone(),
            instance: stack_name.to_owned(),
            image: image.self_link().into(),
            version: service.image_tag.clone(),
            port: service.port,
            health_path: service.health_path.clone(),
            min_replicas: service.min_replicas,
            max_replicas: service.max_replicas,
            cpu_target: service.cpu_target,
            resources: service.resources.clone(),
            google_service_account: account.email().into(),
            security_policy: c.frontend.security_policy.as_ref().map(|p| p.name().into()),
        }
        .add_to(&mut stack);
        routes.push(Route {
            host: service.host.clone(),
            path: service.path.clone(),
            to: refs,
        });
    }
    Ingress {
        scope: s.app_name.clone(),
        name: s.app_name.clone(),
        namespace,
        instance: stack_name.to_owned(),
        static_ip_name: c.frontend.address.name().into(),
        https: (!c.frontend.certificates.is_empty()).then(|| Https {
            certificates: c
                .frontend
                .certificates
                .iter()
                .map(|cert| cert.name().into())
                .collect(),
        }),
        routes,
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
    match &s.state {
        StateChoice::Local => {}
        StateChoice::Gcs { bucket, prefix } => {
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
        StateChoice::Cloud {
            organization,
            hostname,
            project,
            workspace_prefix,
        } => {
            let prefix = workspace_prefix
                .clone()
                .unwrap_or_else(|| format!("{stack_name}-"));
            t.cloud = Some(Cloud {
                hostname: hostname.clone(),
                project: project.clone(),
                ..Cloud::workspace(organization.as_str(), format!("{prefix}{root}"))
            });
        }
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

/// Where a service answers through the load balancer: its host (or the
/// first domain, or the load balancer's IP) and scheme.
fn service_host(
    s: &Valid,
    service: &ValidService,
    ip: &Ref<crate::providers::google::GoogleComputeGlobalAddress>,
) -> Value<String> {
    match service.host.as_ref().or(s.domains.first()) {
        Some(host) => host.as_str().into(),
        None => ip.address().into(),
    }
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
        scope: scope::NETWORK.to_owned(),
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
        scope: scope::NODES.to_owned(),
        account_id: names::node_account(&s.cluster_name),
        project: project.clone(),
    }
    .add_to(&mut stack, apis.only(&["iam"]));
    let mut ports: Vec<u16> = s.web_services.iter().map(|w| w.port).collect();
    ports.sort_unstable();
    ports.dedup();
    HealthCheckFirewall {
        scope: scope::LOAD_BALANCER.to_owned(),
        name: names::health_check_firewall(&s.app_name),
        network: net.network.clone(),
        project: project.clone(),
        nodes: nodes.clone(),
        ports,
    }
    .add_to(&mut stack);
    let cluster = Cluster {
        scope: scope::CLUSTER.to_owned(),
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
        security_group: s.security_group.clone(),
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
        scope: scope::IMAGES.to_owned(),
        name: s.app_name.clone(),
        region: s.region.clone(),
        project_id: s.project.clone(),
        project: project.clone(),
        readers: vec![nodes.clone()],
    };
    let repository = registry
        .add_to(&mut stack, apis.only(&["artifactregistry"]))
        .repository;
    // Each service's own identity: its pods act as it through Workload
    // Identity, trusted for exactly the Kubernetes service account its
    // construct names.
    let accounts: Vec<Ref<GoogleServiceAccount>> = s
        .web_services
        .iter()
        .map(|service| {
            WorkloadIdentity {
                scope: service.name.clone(),
                account_id: names::app_account(&service.full_name),
                display_name: format!("{} pods", service.full_name),
                project_id: s.project.clone(),
                project: project.clone(),
                kubernetes: WebService::service_account(&s.app_name, &service.name),
            }
            .add_to(&mut stack, apis.only(&["iam"]), cluster.dep())
        })
        .collect();
    let frontend = Frontend {
        scope: scope::LOAD_BALANCER.to_owned(),
        app: s.app_name.clone(),
        project: project.clone(),
        domains: s.domains.clone(),
        armor: s.armor.clone(),
    }
    .add_to(&mut stack, apis.only(&["compute"]));
    let channels: Vec<Value<String>> = EmailChannels {
        owner: s.app_name.clone(),
        project: project.clone(),
        emails: s.monitoring.emails.clone(),
    }
    .add_to(&mut stack, apis.only(&["monitoring"]))
    .values()
    .map(|c| c.name().into())
    .collect();
    let https = !s.domains.is_empty();
    let scheme = if https { "https://" } else { "http://" };
    let mut uptime_checks = BTreeMap::new();
    for service in &s.web_services {
        let alerting = UptimeAlerting {
            scope: service.name.clone(),
            name: service.full_name.clone(),
            project_id: s.project.clone(),
            project: project.clone(),
            host: service_host(s, service, &frontend.address),
            https,
            path: service.uptime_path.clone(),
            period: s.monitoring.uptime_period.clone(),
            regions: s.monitoring.uptime_regions.clone(),
            channels: channels.clone(),
            error_ratio: s.monitoring.error_ratio,
            served_by: ServedBy {
                namespace: s.app_name.clone(),
                ingress: s.app_name.clone(),
                service: service.name.clone(),
                backend_service_regex: WebService::backend_service_regex(
                    &s.app_name,
                    &service.name,
                ),
            },
        }
        .add_to(&mut stack, apis.only(&["monitoring"]));
        uptime_checks.insert(service.name.clone(), alerting.uptime_check);
    }

    let lb_host: Value<String> = match s.domains.first() {
        Some(domain) => domain.as_str().into(),
        None => frontend.address.address().into(),
    };
    stack.output(
        "app_url",
        Output::new(
            Template::new().lit(scheme).interp(lb_host).lit("/").build(),
            "Where the app answers",
        ),
    );
    stack.output(
        "lb_ip",
        Output::new(
            frontend.address.address(),
            "The load balancer's reserved IP; point the domains' A records here",
        ),
    );
    stack.output(
        "images",
        Output::new(
            Expression::Object(
                s.web_services
                    .iter()
                    .map(|w| {
                        (
                            w.name.clone(),
                            Expression::from(format!(
                                "{}:{}",
                                registry.image(&w.name),
                                w.image_tag
                            )),
                        )
                    })
                    .collect(),
            ),
            "Each service's image, with the version tag the workload deploys",
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
        "console_uptime_checks",
        Output::new(
            Expression::Object(
                uptime_checks
                    .iter()
                    .map(|(name, check)| {
                        (
                            name.clone(),
                            Template::new()
                                .lit("https://console.cloud.google.com/monitoring/uptime/")
                                .interp(check.uptime_check_id())
                                .lit(format!("?project={}", s.project))
                                .build()
                                .into(),
                        )
                    })
                    .collect(),
            ),
            "Each service's uptime check in the Cloud Console",
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
        accounts,
        repository,
        frontend,
    };
    (stack, handles)
}
