//! The two root modules built from valid settings: `cluster` (everything
//! in Google Cloud) and `workload` (everything in Kubernetes).

use std::collections::BTreeMap;

use crate::constructs::{
    Cluster, Frontend, FrontendRefs, HealthCheckFirewall, Https, Network, NodeIdentity, NodePool,
    ProjectServices, Registry, UptimeAlerting, WebService,
};
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
use crate::stacks::RootModule;
use crate::tf::{
    Address, Backend, Expr, Expression, Meta, NamedRoot, Output, Ref, Stack, Step, Template, Value,
    VarType, Variable, link_roots_with,
};

use super::names;
use super::settings::Valid;
use super::{APIS, HEALTH_PATH, REQUIRED_TERRAFORM};

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
        account_id: names::node_account(&s.cluster_name),
        project: project.clone(),
    }
    .add_to(&mut stack, apis.only(&["iam"]));
    HealthCheckFirewall {
        name: names::health_check_firewall(&s.app_name),
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
            ..GoogleServiceAccount::new(names::app_account(&s.app_name))
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
