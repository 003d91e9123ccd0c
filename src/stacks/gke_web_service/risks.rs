//! What a common IaC security scanner (checkov) flags in the blueprint's
//! output, and how each finding is answered: fixed in the blueprint, a
//! setting whose default is the safe choice, or an accepted risk with a
//! one-line reason that the stack's generated README lists.
//!
//! Some findings are the blueprint's design, accepted here for every
//! stack ([`DESIGN`]). Others depend on settings ([`open`]): a stack that
//! leaves one open must accept it in `[accepted_risks]`, by the scanner's
//! check id, or synth refuses its settings.

use std::collections::BTreeMap;

use super::settings::Settings;

/// A finding a stack accepts, as its generated README lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedRisk {
    /// The scanner's check id: `CKV_GCP_18`.
    pub check: String,
    /// What it flags.
    pub what: String,
    /// Why it is accepted: the blueprint's reason, or the settings'.
    pub reason: String,
    /// Whether the settings accepted it (`false`: the blueprint's design).
    pub in_settings: bool,
}

/// Findings the blueprint accepts for every stack: check id, what it
/// flags, and why it is not fixed.
pub const DESIGN: [(&str, &str, &str); 5] = [
    (
        "CKV_GCP_12",
        "network policy enforcement not enabled",
        "Dataplane V2 (datapath_provider = ADVANCED_DATAPATH) enforces NetworkPolicy itself; \
         the scanner looks for the Calico add-on, which Dataplane V2 clusters must not enable",
    ),
    (
        "CKV_GCP_13",
        "client certificate issuance not explicitly disabled",
        "GKE has issued no client certificate unless asked since 1.12, and this blueprint never \
         asks; the attribute forces a new cluster whenever it differs from the cluster's state \
         (google provider 6.50.0), so it is left unwritten",
    ),
    (
        "CKV_GCP_69",
        "the cluster's node_config lacks the GKE metadata server",
        "that node_config is the default pool's, which is removed at creation; every node pool \
         sets workload_metadata_config = GKE_METADATA, and a node_config on the cluster forces \
         a new cluster",
    ),
    (
        "CKV_K8S_14",
        "container image tag not fixed (latest or blank)",
        "the image is the registry's digest for the service's image_tag (data \
         google_artifact_registry_docker_image), which the scanner cannot resolve; the tag \
         itself is never latest or blank: synth refuses those",
    ),
    (
        "CKV_K8S_43",
        "container image referenced by tag, not digest",
        "pods run the image by digest: the registry resolves the reviewed tag at plan time \
         (self_link of google_artifact_registry_docker_image), a reference the scanner cannot \
         follow; the pull policy stays IfNotPresent (CKV_K8S_15), as a digest names one image",
    ),
];

/// The findings whose reason is the one above (same answer, two checks).
const SAME_AS: [(&str, &str); 1] = [("CKV_K8S_15", "CKV_K8S_43")];

/// A finding settings leave open: its check id, what it flags, and how to
/// close it instead of accepting it (`Ok`: the setting that does), or why
/// no setting does yet (`Err`).
pub(super) type Open = (
    &'static str,
    &'static str,
    Result<&'static str, &'static str>,
);

/// Findings `s` leaves open.
pub(super) fn open(s: &Settings) -> Vec<Open> {
    let mut open = Vec::new();
    if s.cluster
        .authorized_networks
        .iter()
        .any(|n| n.cidr.ends_with("/0"))
    {
        open.push((
            "CKV_GCP_18",
            "the control plane is reachable from 0.0.0.0/0 (behind Google auth)",
            Ok("narrow cluster.authorized_networks"),
        ));
    }
    if s.cluster.security_group.is_none() {
        open.push((
            "CKV_GCP_65",
            "Kubernetes RBAC not managed through Google Groups",
            Ok("set cluster.security_group = \"gke-security-groups@<your domain>\""),
        ));
    }
    open.push((
        "CKV_GCP_66",
        "Binary Authorization not enforced",
        Err("images would first need attestations"),
    ));
    open.push((
        "CKV_GCP_84",
        "the Artifact Registry repository is not encrypted with a customer-managed key",
        Err("the key would force a new repository"),
    ));
    if s.cloud_armor.is_some() {
        open.push((
            "CKV_GCP_73",
            "the Cloud Armor policy has no rule against Log4j2 lookups (CVE-2021-44228)",
            Err("the app is not Java"),
        ));
    }
    open
}

/// Every accepted finding of a stack whose settings passed validation:
/// the blueprint's and those `accepted_in_settings` (check id to reason)
/// among the findings [`open`] found, sorted by check id.
pub(super) fn accepted(
    accepted_in_settings: &BTreeMap<String, String>,
    open: &[Open],
) -> Vec<AcceptedRisk> {
    let mut all: Vec<AcceptedRisk> = DESIGN
        .iter()
        .map(|(check, what, reason)| AcceptedRisk {
            check: (*check).to_owned(),
            what: (*what).to_owned(),
            reason: (*reason).to_owned(),
            in_settings: false,
        })
        .collect();
    for (check, of) in SAME_AS {
        all.push(AcceptedRisk {
            check: check.to_owned(),
            what: "image pull policy not Always".to_owned(),
            reason: format!(
                "IfNotPresent: tags are immutable, so a cached image is the one pushed (see {of})"
            ),
            in_settings: false,
        });
    }
    for (check, reason) in accepted_in_settings {
        let what = open
            .iter()
            .find(|(c, _, _)| c == check)
            .map_or("", |(_, what, _)| *what);
        all.push(AcceptedRisk {
            check: check.clone(),
            what: what.to_owned(),
            reason: reason.clone(),
            in_settings: true,
        });
    }
    all.sort_by(|a, b| a.check.cmp(&b.check));
    all
}
