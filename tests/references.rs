//! References are checked against the provider schemas wherever they
//! appear, every step of them (issue 13, D17): outputs, locals, module
//! inputs, conditions, meta-arguments and `ignore_changes`, through nested
//! blocks, object attributes and elements.

mod common;

use std::path::Path;

use tfsynth::emit::to_json;
use tfsynth::schema::{Schemas, validate_document, validate_resolved};
use tfsynth::tf::{
    Body, Condition, Expression, IgnoreChanges, Lifecycle, Meta, ModuleCall, Output, Stack,
};

fn shipped() -> Schemas {
    Schemas::load_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas"),
        "schemas",
    )
    .unwrap()
}

/// The findings of a stack, from the resolved document and from its JSON;
/// the two must agree.
fn findings(s: &Stack) -> Vec<String> {
    let doc = s.resolve().unwrap_or_else(|e| panic!("{e}"));
    let schemas = shipped();
    let resolved = validate_resolved(&doc, &schemas);
    let json: serde_json::Value = serde_json::from_str(&to_json(&doc, "test")).unwrap();
    let from_json = validate_document(&json, &schemas);
    assert_eq!(
        resolved.findings, from_json.findings,
        "resolved and JSON differ"
    );
    resolved.findings.iter().map(ToString::to_string).collect()
}

fn database(s: &mut Stack) -> tfsynth::tf::Ref<tfsynth::tf::Untyped> {
    let mut settings = Body::new();
    settings.set("tier", "db-f1-micro");
    let mut body = Body::new();
    body.set("name", "db");
    body.set("database_version", "POSTGRES_16");
    body.set("region", "europe-west4");
    body.push_block("settings", settings);
    s.add_body("google_sql_database_instance", "db", body, Meta::default())
}

/// The inputs: one misspelled attribute in each place a reference
/// can stand, each reported with where it stands and what it could mean.
#[test]
fn a_misspelled_attribute_is_reported_wherever_the_reference_stands() {
    let mut s = Stack::new();
    let db = database(&mut s);
    s.output(
        "charset",
        Output::new(
            db.path()
                .attr("settings")
                .index(0)
                .attr("charzet")
                .typed::<String>(),
            "x",
        ),
    );
    s.local("conn", db.attr::<String>("conection_name"));
    s.module(
        "app",
        ModuleCall {
            source: "./app".into(),
            inputs: [(
                "db_ip".to_owned(),
                Expression::raw("google_sql_database_instance.db.ip_address[0].ip_adress"),
            )]
            .into_iter()
            .collect(),
            ..ModuleCall::default()
        },
    );
    let mut user = Body::new();
    user.set("name", "app");
    user.set("instance", db.attr::<String>("name"));
    s.add_body(
        "google_sql_user",
        "app",
        user,
        Meta {
            lifecycle: Lifecycle {
                ignore_changes: IgnoreChanges::Attrs(vec![
                    "pasword".into(),
                    "password_policy[0].allowed_failed_attempts".into(),
                    "password_policy[0].alowed_failed_attempts".into(),
                ]),
                preconditions: vec![Condition {
                    condition: Expression::raw(
                        "google_sql_database_instance.db.settings.tier != \"\"",
                    ),
                    error_message: "tier".into(),
                }],
                ..Lifecycle::default()
            },
            ..Meta::default()
        },
    );
    let text = findings(&s).join("\n");
    common::snapshots().bind(|| insta::assert_snapshot!("error__references_every_step", text));
}

#[test]
fn references_that_exist_at_every_step_are_accepted() {
    let mut s = Stack::new();
    let db = database(&mut s);
    s.output(
        "tier",
        Output::new(
            db.path()
                .attr("settings")
                .index(0)
                .attr("tier")
                .typed::<String>(),
            "x",
        ),
    );
    s.output(
        "ips",
        Output::new(
            db.path()
                .attr("ip_address")
                .splat()
                .attr("ip_address")
                .typed::<Vec<String>>(),
            "x",
        ),
    );
    s.local(
        "first",
        Expression::raw("google_sql_database_instance.db.ip_address[0].ip_address"),
    );
    s.local("id", db.attr::<String>("id"));
    assert_eq!(findings(&s), Vec::<String>::new());
}
