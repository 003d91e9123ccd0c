//! `tfsynth plan` against a fake `terraform` first on PATH, which records
//! its calls and answers `plan` and `show -json` as each test sets up.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const HELLO: &str = include_str!("../stacks/hello.toml");
const GOOGLE: &str = include_str!("../schemas/google.json");
const KUBERNETES: &str = include_str!("../schemas/kubernetes.json");

/// The fake: logs `ARGS`; `plan` exits with the code in
/// `$FAKE_DIR/ROOT.plan` (0 when there is none), and `show -json` prints
/// `$FAKE_DIR/ROOT.json`.
const FAKE: &str = r#"#!/bin/sh
printf '%s\n' "$*" >> "$FAKE_DIR/calls.log"
root=$(basename "${1#-chdir=}")
case "$2" in
  init) echo "fake init $root" ;;
  plan)
    code=0
    [ -f "$FAKE_DIR/$root.plan" ] && code=$(cat "$FAKE_DIR/$root.plan")
    echo "fake plan $root"
    exit "$code" ;;
  show) cat "$FAKE_DIR/$root.json" ;;
esac
"#;

struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        let p = Project { dir };
        for (rel, text) in [
            ("stacks/hello.toml", HELLO),
            ("schemas/google.json", GOOGLE),
            ("schemas/kubernetes.json", KUBERNETES),
            ("fake/terraform", FAKE),
        ] {
            p.write(rel, text);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                p.path("fake/terraform"),
                std::fs::Permissions::from_mode(0o755),
            )
            .unwrap();
        }
        p
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// What `terraform plan` of `root` answers: its exit code and the
    /// plan's resource changes, as `(address, actions)`.
    fn answer(&self, root: &str, code: i32, changes: &[(&str, &[&str])]) {
        let changes: Vec<serde_json::Value> = changes
            .iter()
            .map(|(address, actions)| {
                serde_json::json!({"address": address, "change": {"actions": actions}})
            })
            .collect();
        self.write(&format!("fake/{root}.plan"), &code.to_string());
        self.write(
            &format!("fake/{root}.json"),
            &serde_json::json!({"format_version": "1.2", "resource_changes": changes}).to_string(),
        );
    }

    fn run(&self, args: &[&str]) -> Output {
        let path = format!(
            "{}:{}",
            self.path("fake").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Command::new(env!("CARGO_BIN_EXE_tfsynth"))
            .args(args)
            .current_dir(self.dir.path())
            .env("PATH", path)
            .env("FAKE_DIR", self.path("fake"))
            .output()
            .unwrap()
    }

    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.path("fake/calls.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const CLUSTER: &str = "-chdir=generated/hello/cluster";
const WORKLOAD: &str = "-chdir=generated/hello/workload";

#[test]
fn nothing_to_change_exits_0_after_planning_every_root_in_order() {
    let p = Project::new();
    p.answer("cluster", 0, &[("google_compute_network.vpc", &["no-op"])]);
    p.answer("workload", 0, &[]);
    let out = p.run(&["plan", "--stack", "hello"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        p.calls(),
        [
            format!("{CLUSTER} init -input=false"),
            format!("{CLUSTER} plan -input=false -detailed-exitcode -out=tfsynth.tfplan"),
            format!("{CLUSTER} show -json tfsynth.tfplan"),
            format!("{WORKLOAD} init -input=false"),
            format!("{WORKLOAD} plan -input=false -detailed-exitcode -out=tfsynth.tfplan"),
            format!("{WORKLOAD} show -json tfsynth.tfplan"),
        ]
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.ends_with(
            "plan of stack hello (saved as tfsynth.tfplan in each root):\n  cluster: 0 to add, 0 to change, 0 to replace, 0 to destroy\n  workload: 0 to add, 0 to change, 0 to replace, 0 to destroy\n"
        ),
        "{stdout}"
    );
    assert!(Path::new(&p.path("generated/hello/cluster/main.tf.json")).is_file());
}

#[test]
fn changes_exit_2_with_each_replacement_and_destruction_named() {
    let p = Project::new();
    p.answer("cluster", 0, &[("google_compute_network.vpc", &["no-op"])]);
    p.answer(
        "workload",
        2,
        &[
            ("kubernetes_deployment_v1.hello", &["update"]),
            ("kubernetes_namespace_v1.hello", &["delete", "create"]),
            ("kubernetes_manifest.old", &["delete"]),
            ("kubernetes_service_v1.new", &["create"]),
        ],
    );
    let out = p.run(&["plan", "--stack", "hello"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.ends_with(
            "  workload: 1 to add, 1 to change, 1 to replace, 1 to destroy\n    replaces kubernetes_namespace_v1.hello\n    destroys kubernetes_manifest.old\n"
        ),
        "{stdout}"
    );
}

#[test]
fn a_root_that_reads_the_state_of_an_unapplied_root_is_not_planned_and_says_why() {
    let p = Project::new();
    p.answer(
        "cluster",
        2,
        &[("google_container_cluster.primary", &["create"])],
    );
    // A plan left from an earlier run does not survive to be applied.
    p.write("generated/hello/workload/tfsynth.tfplan", "old");
    let out = p.run(&["plan", "--stack", "hello"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        p.calls().iter().all(|c| !c.contains("workload")),
        "{:?}",
        p.calls()
    );
    assert!(!p.path("generated/hello/workload/tfsynth.tfplan").exists());
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(
            "  workload: not planned: it reads the state of root cluster, whose changes are not applied yet; apply cluster first (tfsynth deploy --stack hello, or terraform -chdir=generated/hello/cluster apply tfsynth.tfplan), then plan again\n"
        ),
        "{stdout}"
    );
}

#[test]
fn a_failing_plan_exits_1_naming_the_root_and_stops() {
    let p = Project::new();
    p.answer("cluster", 1, &[]);
    let out = p.run(&["plan", "--stack", "hello"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr).lines().last(),
        Some("error: terraform plan failed in root cluster of stack hello")
    );
    assert!(p.calls().iter().all(|c| !c.contains("workload")));
    // Bad settings are errors too (1), never "changes" (2).
    p.write(
        "stacks/hello.toml",
        &HELLO.replace("project = \"tfsynth-hello\"", "project = 5"),
    );
    let out = p.run(&["plan", "--stack", "hello"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
}

#[test]
fn without_terraform_plan_says_where_to_get_it_and_runs_nothing() {
    let p = Project::new();
    std::fs::remove_file(p.path("fake/terraform")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tfsynth"))
        .args(["plan", "--stack", "hello"])
        .current_dir(p.dir.path())
        .env("PATH", p.path("fake"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("terraform is not on PATH: install Terraform"),
        "{}",
        text(&out.stderr)
    );
    assert!(!p.path("generated").exists(), "nothing is written");
}
