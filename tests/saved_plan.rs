//! `deploy --saved-plans` applies a saved plan only when it was made from
//! the files in its root now: real terraform makes the plans here, so the
//! check reads the plan files terraform really writes.

mod common;

use std::path::Path;

use common::terraform::find;
use tfsynth::saved_plan::{Saved, check};

const CONFIG: &str = r#"{"resource": {"terraform_data": {"x": {"input": "a"}}}}"#;

/// A root holding `CONFIG`, planned with `terraform plan -out`.
fn planned_root(tf: &common::terraform::Terraform) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf.json"), CONFIG).unwrap();
    tf.ok(dir.path(), &["init", "-input=false", "-no-color"]);
    tf.ok(
        dir.path(),
        &["plan", "-input=false", "-no-color", "-out=tfsynth.tfplan"],
    );
    dir
}

fn check_root(dir: &Path) -> Result<Saved, String> {
    check(&dir.join("tfsynth.tfplan"), dir, "generated/s/r")
}

#[test]
fn a_plan_of_the_roots_files_as_they_are_is_accepted_and_applies() {
    let Some(tf) = find("the check of a real saved plan") else {
        return;
    };
    let dir = planned_root(&tf);
    assert_eq!(check_root(dir.path()), Ok(Saved::Local));
    tf.ok(
        dir.path(),
        &["apply", "-input=false", "-no-color", "tfsynth.tfplan"],
    );
    assert!(dir.path().join("terraform.tfstate").is_file());
}

#[test]
fn a_plan_of_other_files_than_the_roots_is_refused_naming_the_file() {
    let Some(tf) = find("the check of a real saved plan") else {
        return;
    };
    /// What is done to the root after the plan, and what the check says.
    type Case = (&'static str, fn(&Path));
    let cases: [Case; 3] = [
        (
            "generated/s/r/main.tf.json has changed since the plan was made",
            |d| {
                std::fs::write(d.join("main.tf.json"), CONFIG.replace("\"a\"", "\"b\"")).unwrap();
            },
        ),
        (
            "generated/s/r/extra.tf was not there when the plan was made",
            |d| {
                std::fs::write(d.join("extra.tf"), "locals {}\n").unwrap();
            },
        ),
        (
            "generated/s/r/main.tf.json was planned and is not there any more",
            |d| {
                std::fs::remove_file(d.join("main.tf.json")).unwrap();
            },
        ),
    ];
    for (expected, change) in cases {
        let dir = planned_root(&tf);
        change(dir.path());
        let why = check_root(dir.path()).unwrap_err();
        assert!(why.starts_with(expected), "{why}");
    }
}

#[test]
fn a_plan_saved_in_hcp_terraform_is_known_by_its_run_and_anything_else_is_not_a_plan() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf.json"), CONFIG).unwrap();
    std::fs::write(
        dir.path().join("tfsynth.tfplan"),
        r#"{"remote_plan_format": 1, "run_id": "run-abc123", "hostname": "app.terraform.io"}"#,
    )
    .unwrap();
    assert_eq!(
        check_root(dir.path()),
        Ok(Saved::Cloud {
            run: "run-abc123".into()
        })
    );
    for garbage in ["{}", "not a plan", ""] {
        std::fs::write(dir.path().join("tfsynth.tfplan"), garbage).unwrap();
        let why = check_root(dir.path()).unwrap_err();
        assert!(
            why.starts_with("generated/s/r/tfsynth.tfplan: not a saved plan"),
            "{garbage:?}: {why}"
        );
    }
}
