//! The static-site example stack: built through the public API only,
//! valid against the provider schemas, and reviewed as a snapshot.

mod common;

#[path = "../examples/static_site.rs"]
#[allow(dead_code, missing_docs)]
mod static_site;

use std::path::Path;

use tfsynth::emit::{to_hcl, to_json, to_json_value};
use tfsynth::schema::{Schemas, validate_document};

#[test]
fn the_static_site_validates_and_matches_its_snapshot() {
    let doc = static_site::stack(&static_site::example_site())
        .resolve()
        .unwrap();
    let schemas = Schemas::load_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas"),
        "schemas",
    )
    .unwrap();
    let report = validate_document(&to_json_value(&doc), &schemas);
    assert!(
        report.is_clean() && report.warnings.is_empty(),
        "{:?}",
        report
    );
    let json = to_json(&doc, static_site::HEADER);
    let hcl = to_hcl(&doc, static_site::HEADER);
    common::snapshots().bind(|| {
        insta::assert_snapshot!("static_site__main.tf.json", json);
        insta::assert_snapshot!("static_site__main.tf", hcl);
    });
}

#[test]
fn http_only_redirects_and_https_serves_the_bucket_through_the_cdn() {
    let doc = static_site::stack(&static_site::example_site())
        .resolve()
        .unwrap();
    let json = to_json_value(&doc);
    let r = &json["resource"];
    assert_eq!(
        r["google_compute_backend_bucket"]["site"]["enable_cdn"],
        true
    );
    assert_eq!(
        r["google_compute_url_map"]["http_redirect"]["default_url_redirect"]["https_redirect"],
        true
    );
    assert_eq!(
        r["google_compute_global_forwarding_rule"]["https"]["port_range"],
        "443"
    );
    assert_eq!(
        r["google_storage_bucket"]["site"]["uniform_bucket_level_access"],
        true
    );
}
