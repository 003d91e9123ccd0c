use std::collections::BTreeMap;

use super::web_service::{NamespaceRefs, ObjectMeta, custom_object, object, recommended_labels};
use crate::constructs::{Https, WebServiceRefs, scoped};
use crate::providers::kubernetes::kubernetes_ingress_v1::{self as ingress, KubernetesIngressV1};
use crate::providers::kubernetes::kubernetes_manifest::KubernetesManifest;
use crate::providers::kubernetes::kubernetes_service_v1::{
    KubernetesServiceV1Ref as _, MetadataRef as _,
};
use crate::tf::{Dependency, Expression, Meta, Ref, Stack, Template, Value};

/// Which requests the load balancer sends to one web service: those for
/// `host` (any host when `None`) whose path starts with `path`.
#[derive(Debug, Clone)]
pub struct Route {
    /// The host, one of the certificate's domains; any host when `None`.
    pub host: Option<String>,
    /// The path prefix, `/` or `/api` (no trailing `/`): `/api` takes
    /// `/api` and `/api/...`, not `/apiary` (Kubernetes `pathType:
    /// Prefix`, which GKE Ingress supports). Paths are passed on
    /// unchanged: a service on `/api` serves `/api/...`.
    pub path: String,
    /// The web service it goes to.
    pub to: WebServiceRefs,
}

impl Route {
    /// Whether it takes every request no other route takes: any host,
    /// path `/`. It becomes the Ingress's default backend.
    fn is_default(&self) -> bool {
        self.host.is_none() && self.path == "/"
    }
}

/// One external HTTP(S) load balancer for an application's web services:
/// a Kubernetes Ingress of class `gce` on a reserved global IP that
/// routes by host and path, with HTTPS on a Google-managed certificate
/// and a redirect from HTTP (a FrontendConfig) when there is one.
/// Requests no route takes get GKE's default backend, which answers 404.
#[derive(Debug, Clone)]
pub struct Ingress {
    /// The logical name its Terraform addresses are built from (see
    /// [`crate::constructs::scoped`]). Addresses:
    /// `kubernetes_ingress_v1.SCOPE` and, with HTTPS,
    /// `kubernetes_manifest.SCOPE_frontend_config`.
    pub scope: String,
    /// The Ingress's name, and the application's.
    pub name: String,
    /// The namespace of the application's services: an Ingress sends only
    /// to Services in its own namespace.
    pub namespace: NamespaceRefs,
    /// The stack it belongs to (`app.kubernetes.io/instance`).
    pub instance: String,
    /// The reserved global IP's name.
    pub static_ip_name: Value<String>,
    /// HTTPS, with a redirect from HTTP; plain HTTP when `None`.
    pub https: Option<Https>,
    /// Where requests go, at most one of them the default (any host,
    /// path `/`).
    pub routes: Vec<Route>,
}

/// The certificates' names as GKE Ingress's `pre-shared-cert` annotation
/// takes several: comma-separated. One name is written as itself.
fn certificate_list(names: &[Value<String>]) -> Value<String> {
    if let [one] = names {
        return one.clone();
    }
    names
        .iter()
        .enumerate()
        .fold(Template::new(), |t, (i, name)| {
            let t = if i == 0 { t } else { t.lit(",") };
            match name {
                Value::Lit(name) => t.lit(name.as_str()),
                Value::Expr(name) => t.interp(name.clone()),
            }
        })
        .build()
        .into()
}

/// The Service port a backend sends to.
fn port() -> ingress::SpecRuleHttpPathBackendServicePort {
    ingress::SpecRuleHttpPathBackendServicePort {
        number: Some(super::web_service::SERVICE_PORT.into()),
        ..Default::default()
    }
}

impl Ingress {
    /// The recommended labels of the Ingress and its FrontendConfig: the
    /// application's, as the load balancer of all its services.
    fn labels(&self) -> BTreeMap<String, String> {
        recommended_labels(
            &self.name,
            &self.instance,
            &self.name,
            "load-balancer",
            None,
        )
    }

    /// Adds the Ingress (and its FrontendConfig with HTTPS). It waits for
    /// every Service it routes to.
    pub fn add_to(&self, stack: &mut Stack) -> Ref<KubernetesIngressV1> {
        let mut annotations = BTreeMap::from([
            (
                "kubernetes.io/ingress.class".to_owned(),
                Value::Lit("gce".to_owned()),
            ),
            // The reserved IP: DNS and uptime checks never chase a new one.
            (
                "kubernetes.io/ingress.global-static-ip-name".to_owned(),
                self.static_ip_name.clone(),
            ),
        ]);
        // Each Service once, though several routes may lead to it.
        let mut after: Vec<Dependency> = Vec::new();
        for route in &self.routes {
            let service = route.to.service.dep();
            if !after.contains(&service) {
                after.push(service);
            }
        }
        if let Some(https) = &self.https {
            annotations.insert(
                "ingress.gcp.kubernetes.io/pre-shared-cert".to_owned(),
                certificate_list(&https.certificates),
            );
            let frontend = stack.add(
                scoped(&self.scope, "frontend_config"),
                KubernetesManifest::new(custom_object(
                    "networking.gke.io/v1beta1",
                    "FrontendConfig",
                    &self.name,
                    &self.namespace,
                    self.labels(),
                    BTreeMap::from([(
                        "redirectToHttps".to_owned(),
                        object([
                            ("enabled", Expression::from(true)),
                            (
                                "responseCodeName",
                                Expression::from("MOVED_PERMANENTLY_DEFAULT"),
                            ),
                        ]),
                    )]),
                )),
            );
            annotations.insert(
                "networking.gke.io/v1beta1.FrontendConfig".to_owned(),
                Value::Lit(self.name.clone()),
            );
            after.push(frontend.dep());
        }
        let default_backend =
            self.routes
                .iter()
                .find(|r| r.is_default())
                .map(|r| ingress::SpecDefaultBackend {
                    service: Some(ingress::SpecDefaultBackendService::new(
                        r.to.service.metadata().index(0).name(),
                        ingress::SpecDefaultBackendServicePort {
                            number: Some(super::web_service::SERVICE_PORT.into()),
                            ..Default::default()
                        },
                    )),
                    ..Default::default()
                });
        // One rule per host (any host first), its paths in order of the
        // routes; sorted, so the order of services in settings does not
        // matter to the load balancer's URL map.
        let mut by_host: BTreeMap<Option<&str>, Vec<&Route>> = BTreeMap::new();
        for route in self.routes.iter().filter(|r| !r.is_default()) {
            by_host
                .entry(route.host.as_deref())
                .or_default()
                .push(route);
        }
        let rule = by_host
            .into_iter()
            .map(|(host, mut routes)| {
                routes.sort_by(|a, b| a.path.cmp(&b.path));
                ingress::SpecRule {
                    host: host.map(Value::from),
                    http: Some(ingress::SpecRuleHttp {
                        path: routes
                            .into_iter()
                            .map(|r| ingress::SpecRuleHttpPath {
                                path: Some(r.path.as_str().into()),
                                path_type: Some("Prefix".into()),
                                backend: Some(ingress::SpecRuleHttpPathBackend {
                                    service: Some(ingress::SpecRuleHttpPathBackendService::new(
                                        r.to.service.metadata().index(0).name(),
                                        port(),
                                    )),
                                    ..Default::default()
                                }),
                            })
                            .collect(),
                    }),
                }
            })
            .collect();
        stack.add_with(
            self.scope.as_str(),
            KubernetesIngressV1 {
                // Apply returns once the load balancer has its address.
                wait_for_load_balancer: Some(true.into()),
                ..KubernetesIngressV1::new(
                    ObjectMeta {
                        name: Some(self.name.as_str().into()),
                        namespace: Some(self.namespace.reference().into()),
                        labels: self.labels(),
                        annotations,
                    }
                    .into(),
                    ingress::Spec {
                        default_backend,
                        rule,
                        ..Default::default()
                    },
                )
            },
            Meta {
                depends_on: after,
                ..Meta::default()
            },
        )
    }
}
