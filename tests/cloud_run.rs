//! The Cloud Run example (`examples/cloud_run/`), written only through
//! generated bindings: they are current, the stack validates clean
//! against the provider schemas, and its output is reviewed as snapshots
//! that `terraform fmt` finds nothing to change in. That a misspelled
//! attribute or accessor of these bindings does not compile is shown by
//! the README's doctests (section "A Cloud Run service through generated
//! bindings").

mod common;

#[path = "../examples/cloud_run/mod.rs"]
mod cloud_run;
#[rustfmt::skip]
#[allow(dead_code, unused_imports)]
#[path = "../examples/random/mod.rs"]
mod random;

use std::path::PathBuf;

use serde_json::Value as J;
use tfsynth::bindgen::{self, Options};
use tfsynth::emit::{to_hcl, to_json, to_json_value};
use tfsynth::schema::{Schemas, validate_resolved};
use tfsynth::tf::Document;

use cloud_run::{HEADER, Settings, stack};

/// The google types `examples/cloud_run/google/` holds: exactly those the
/// stack uses.
const GOOGLE_TYPES: &[&str] = &[
    "google_cloud_run_v2_service",
    "google_cloud_run_v2_service_iam_member",
    "google_compute_global_address",
    "google_compute_network",
    "google_project_iam_member",
    "google_project_service",
    "google_secret_manager_secret",
    "google_secret_manager_secret_iam_member",
    "google_secret_manager_secret_version",
    "google_service_account",
    "google_service_networking_connection",
    "google_sql_database",
    "google_sql_database_instance",
    "google_sql_user",
    "google_vpc_access_connector",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn doc() -> Document {
    stack(&Settings::example()).resolve().unwrap()
}

#[test]
fn the_committed_google_bindings_are_what_the_generator_writes() {
    // examples/random/ is checked the same way by tests/bindgen.rs.
    let text = std::fs::read_to_string(root().join("schemas/google.json")).unwrap();
    let options = Options {
        provider: "hashicorp/google".to_owned(),
        types: GOOGLE_TYPES.iter().map(|t| (*t).to_owned()).collect(),
        crate_path: "tfsynth".to_owned(),
    };
    let files = bindgen::generate("schemas/google.json", &text, &options).unwrap();
    let stale = bindgen::stale(&root().join("examples/cloud_run/google"), &files).unwrap();
    assert!(
        stale.is_empty(),
        "regenerate with `cargo run -- bindgen --schema schemas/google.json --provider hashicorp/google --types {} --out examples/cloud_run/google`: {stale:?}",
        GOOGLE_TYPES.join(",")
    );
}

#[test]
fn every_generated_google_type_is_used_by_the_stack() {
    let json = to_json_value(&doc());
    let used: Vec<&str> = json["resource"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .filter(|t| t.starts_with("google_"))
        .collect();
    assert_eq!(used, GOOGLE_TYPES);
}

#[test]
fn the_stack_validates_clean_against_the_shipped_schemas_and_random() {
    let mut schemas = Schemas::load_dir(&root().join("schemas"), "schemas").unwrap();
    let text = std::fs::read_to_string(root().join("examples/schemas/random.json")).unwrap();
    schemas
        .add_text("examples/schemas/random.json", text)
        .unwrap();
    let report = validate_resolved(&doc(), &schemas);
    assert_eq!(report.findings, Vec::new());
    assert_eq!(report.warnings, Vec::<String>::new());
}

#[test]
fn the_synthesized_json_and_hcl_match_their_snapshots_and_each_other() {
    let doc = doc();
    let json = to_json(&doc, HEADER);
    let hcl = to_hcl(&doc, HEADER);
    assert_eq!(common::json_semantics(&json), common::hcl_semantics(&hcl));
    let mut settings = common::snapshots();
    settings.set_description(format!("{:?}", Settings::example()));
    settings.bind(|| {
        insta::assert_snapshot!("cloud_run__main.tf.json", json);
        insta::assert_snapshot!("cloud_run__main.tf", hcl);
    });
}

#[test]
fn terraform_fmt_finds_nothing_to_change_in_the_hcl() {
    let Some(terraform) =
        common::terraform::find("terraform_fmt_finds_nothing_to_change_in_the_hcl")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    common::terraform::write_file(&dir.path().join("main.tf"), &to_hcl(&doc(), HEADER));
    terraform.assert_formatted(dir.path());
}

#[test]
fn the_database_is_private_and_its_password_reaches_the_service_only_as_a_secret() {
    let json = to_json_value(&doc());
    let r = &json["resource"];
    let ip = &r["google_sql_database_instance"]["db"]["settings"]["ip_configuration"];
    assert_eq!(ip["ipv4_enabled"], false);
    assert_eq!(ip["private_network"], "${google_compute_network.vpc.id}");
    let result = "${random_password.db.result}";
    assert_eq!(r["google_sql_user"]["app"]["password"], result);
    assert_eq!(
        r["google_secret_manager_secret_version"]["db_password"]["secret_data"],
        result
    );
    // The service reads it from the secret, never as a plain value.
    let service = &r["google_cloud_run_v2_service"]["service"];
    assert!(
        !service.to_string().contains("random_password"),
        "{service}"
    );
    let env = service["template"]["containers"]["env"].as_array().unwrap();
    let password = env.iter().find(|e| e["name"] == "DB_PASSWORD").unwrap();
    assert_eq!(
        password["value_source"]["secret_key_ref"]["secret"],
        "${google_secret_manager_secret.db_password.secret_id}"
    );
    let outputs = &json["output"];
    assert_eq!(outputs["db_password"]["sensitive"], true);
    let marked: Vec<&str> = outputs
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, o)| o["sensitive"] == J::Bool(true))
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(marked, ["db_password"]);
}
