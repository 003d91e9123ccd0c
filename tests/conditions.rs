//! Preconditions, postconditions and check blocks (issue 13, D14): what
//! tfsynth writes, real terraform enforces, in both syntaxes.

mod common;

use std::collections::BTreeMap;

use common::terraform::{HEADER, find, write_file};
use serde_json::json;
use tfsynth::emit::{to_hcl, to_json};
use tfsynth::tf::{
    Body, Condition, Expression, Lifecycle, Meta, Output, Stack, Template, TerraformRemoteState,
    VarType, Variable,
};

fn condition(condition: &str, error_message: impl Into<Expression>) -> Condition {
    Condition {
        condition: Expression::raw(condition),
        error_message: error_message.into(),
    }
}

/// `var.replicas` must be positive before `terraform_data.app` is planned,
/// its output must echo the input after, and the output `replicas` must
/// not exceed 10.
fn guarded() -> Stack {
    let mut s = Stack::new();
    let replicas = s.variable(
        "replicas",
        Variable {
            r#type: Some(VarType::Number),
            default: Some(2.into()),
            ..Variable::default()
        },
    );
    let mut body = Body::new();
    body.set("input", replicas.value::<i64>());
    let app = s.add_body(
        "terraform_data",
        "app",
        body,
        Meta {
            lifecycle: Lifecycle {
                preconditions: vec![condition(
                    "var.replicas > 0",
                    Template::new()
                        .lit("replicas must be positive, not ")
                        .interp(replicas.value::<i64>())
                        .build(),
                )],
                postconditions: vec![condition(
                    "self.output == var.replicas",
                    "the output echoes the input",
                )],
                ..Lifecycle::default()
            },
            ..Meta::default()
        },
    );
    s.output(
        "replicas",
        Output {
            preconditions: vec![condition(
                "terraform_data.app.output <= 10",
                "at most 10 replicas, ${evil} stays text",
            )],
            ..Output::new(app.attr::<i64>("output"), "replicas applied")
        },
    );
    s
}

#[test]
fn conditions_pass_and_fail_as_terraform_enforces_them_in_both_syntaxes() {
    let doc = guarded().resolve().unwrap();
    let Some(tf) = find("preconditions and postconditions") else {
        return;
    };
    tf.assert_outputs(&doc, &json!({ "replicas": 2 }));
    for (file, text) in [
        ("main.tf.json", to_json(&doc, HEADER)),
        ("main.tf", to_hcl(&doc, HEADER)),
    ] {
        for (var, message) in [
            ("replicas=0", "replicas must be positive, not 0"),
            ("replicas=11", "at most 10 replicas, ${evil} stays text"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            write_file(&dir.path().join(file), &text);
            tf.ok(dir.path(), &["init", "-no-color"]);
            let out = tf.run(
                dir.path(),
                &["apply", "-auto-approve", "-no-color", "-var", var],
            );
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "{file} {var}: must fail");
            assert!(stderr.contains(message), "{file} {var}: {stderr}");
        }
    }
}

/// A check block whose assertion fails is a warning: the apply goes on.
/// Its scoped data source reads a state file that does not exist, which
/// is a warning of the check too, not an error.
fn checked() -> Stack {
    let mut s = Stack::new();
    let mut body = Body::new();
    body.set("input", "v1");
    let app = s.add_body("terraform_data", "app", body, Meta::default());
    s.check("version", |_| {
        vec![Condition {
            condition: Expression::raw("terraform_data.app.output == \"v2\""),
            error_message: Template::new()
                .lit("app runs ")
                .interp(app.attr::<String>("output"))
                .lit(", not v2")
                .build()
                .into(),
        }]
    });
    s.check("peer", |scope| {
        let peer = scope.data(
            "peer",
            TerraformRemoteState {
                backend: "local".into(),
                config: BTreeMap::from([(
                    "path".to_owned(),
                    Expression::from("missing/peer.tfstate"),
                )]),
            },
        );
        vec![Condition {
            condition: Expression::call("can", vec![peer.attr::<String>("outputs").into()]),
            error_message: "the peer root has no state".into(),
        }]
    });
    s.output("app", Output::new(app.attr::<String>("output"), "x"));
    s
}

#[test]
fn a_failing_check_is_a_warning_and_the_apply_goes_on_in_both_syntaxes() {
    let doc = checked().resolve().unwrap();
    let Some(tf) = find("check blocks") else {
        return;
    };
    for (file, text) in [
        ("main.tf.json", to_json(&doc, HEADER)),
        ("main.tf", to_hcl(&doc, HEADER)),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write_file(&dir.path().join(file), &text);
        tf.ok(dir.path(), &["init", "-no-color"]);
        let out = tf.ok(dir.path(), &["apply", "-auto-approve", "-no-color"]);
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(said.contains("app runs v1, not v2"), "{file}: {said}");
        assert!(
            said.contains("Check block assertion failed"),
            "{file}: {said}"
        );
    }
}

#[test]
fn a_scoped_data_source_is_read_only_by_its_own_check() {
    let mut s = Stack::new();
    let mut outside = None;
    s.check("peer", |scope| {
        let peer = scope.data(
            "peer",
            TerraformRemoteState {
                backend: "local".into(),
                config: BTreeMap::new(),
            },
        );
        outside = Some(peer.attr::<String>("outputs"));
        Vec::new()
    });
    s.output("leak", Output::new(outside.unwrap(), "x"));
    s.check("peer", |_| Vec::new());
    s.check("bad name", |_| Vec::new());
    s.add_body(
        "terraform_data",
        "plain",
        Body::new(),
        Meta {
            lifecycle: Lifecycle {
                preconditions: vec![condition("count.index > 0", "x")],
                ..Lifecycle::default()
            },
            ..Meta::default()
        },
    );
    let text = s.resolve().unwrap_err().to_string();
    common::snapshots().bind(|| insta::assert_snapshot!("error__conditions_and_checks", text));
}

/// Conditions terraform refuses at plan are refused at synth: one that
/// refers to nothing (always true or always false), `self` outside a
/// postcondition, a check block with no assert.
#[test]
fn conditions_terraform_would_refuse_are_reported_at_synth() {
    let mut s = Stack::new();
    s.variable(
        "size",
        Variable {
            validations: vec![condition("true", "never fails")],
            ..Variable::default()
        },
    );
    s.add_body(
        "terraform_data",
        "app",
        Body::new(),
        Meta {
            lifecycle: Lifecycle {
                preconditions: vec![condition("self.input != null", "no self here")],
                postconditions: vec![condition("self.output == null", "self is fine here")],
                ..Lifecycle::default()
            },
            ..Meta::default()
        },
    );
    s.output(
        "o",
        Output {
            preconditions: vec![condition("1 + 1 == 2", "constant")],
            ..Output::new(Expression::from(1), "x")
        },
    );
    s.check("empty", |_| Vec::new());
    s.check("uses_self", |_| {
        vec![condition("self.x", "no self in a check")]
    });
    let text = s.resolve().unwrap_err().to_string();
    assert!(!text.contains("lifecycle.postcondition"), "{text}");
    common::snapshots()
        .bind(|| insta::assert_snapshot!("error__conditions_terraform_refuses", text));
}
