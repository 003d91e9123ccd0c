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
        // Terraform keeps its colors, as on a terminal, unless a test
        // says otherwise: the calls are then as terraform is run by hand.
        let color: &[&str] = if args.contains(&"--color") {
            &[]
        } else {
            &["--color", "always"]
        };
        Command::new(env!("CARGO_BIN_EXE_tfsynth"))
            .args(color)
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
    assert!(
        text(&out.stderr).contains(
            "==> to apply what was planned: tfsynth deploy --stack hello --saved-plans\n"
        )
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(
            "  workload: not planned: it reads the state of root cluster, whose changes are not applied yet; apply cluster first (tfsynth deploy --stack hello --saved-plans applies the plans saved now), then plan again\n"
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

// ---- deploy --saved-plans ---------------------------------------------------

impl Project {
    /// A saved plan in `root` as `terraform plan -out` writes one: a zip
    /// archive whose `tfconfig/m-/` holds the root's files as planned,
    /// here `main_tf_json`.
    fn save_plan(&self, root: &str, main_tf_json: &str) {
        use std::io::Write as _;
        let file =
            std::fs::File::create(self.path(&format!("generated/hello/{root}/tfsynth.tfplan")))
                .unwrap();
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("tfplan", options).unwrap();
        zip.write_all(b"plan").unwrap();
        zip.start_file("tfconfig/m-/main.tf.json", options).unwrap();
        zip.write_all(main_tf_json.as_bytes()).unwrap();
        zip.finish().unwrap();
    }

    fn generated(&self, root: &str) -> String {
        std::fs::read_to_string(self.path(&format!("generated/hello/{root}/main.tf.json"))).unwrap()
    }
}

#[test]
fn deploy_saved_plans_applies_each_roots_plan_in_order_and_removes_it() {
    let p = Project::new();
    p.answer("cluster", 2, &[("google_compute_network.vpc", &["create"])]);
    assert_eq!(p.run(&["plan", "--stack", "hello"]).status.code(), Some(2));
    // The workload root was not planned: it reads the cluster's changes.
    p.save_plan("cluster", &p.generated("cluster"));
    let before = p.calls().len();
    let out = p.run(&["deploy", "--stack", "hello", "--saved-plans"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        p.calls()[before..],
        [
            format!("{CLUSTER} init -input=false"),
            format!("{CLUSTER} apply -input=false tfsynth.tfplan"),
        ]
    );
    assert!(!p.path("generated/hello/cluster/tfsynth.tfplan").exists());
    assert!(
        text(&out.stderr).contains(
            "==> stack hello: applied the saved plans of cluster; workload has no saved plan (tfsynth plan does not plan a root that reads changes not applied yet): run `tfsynth plan --stack hello`, review it, then `tfsynth deploy --stack hello --saved-plans`"
        ),
        "{}",
        text(&out.stderr)
    );

    // Planned again, both roots: both applied, in order.
    p.save_plan("cluster", &p.generated("cluster"));
    p.save_plan("workload", &p.generated("workload"));
    let before = p.calls().len();
    let out = p.run(&["deploy", "--stack", "hello", "--saved-plans"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        p.calls()[before..],
        [
            format!("{CLUSTER} init -input=false"),
            format!("{CLUSTER} apply -input=false tfsynth.tfplan"),
            format!("{WORKLOAD} init -input=false"),
            format!("{WORKLOAD} apply -input=false tfsynth.tfplan"),
        ]
    );
    assert!(
        text(&out.stderr)
            .contains("==> stack hello is deployed from its saved plans (cluster, workload)")
    );
}

#[test]
fn deploy_saved_plans_runs_nothing_when_a_plan_is_of_other_files_or_the_settings_changed() {
    let p = Project::new();
    p.answer("cluster", 0, &[]);
    p.answer("workload", 0, &[]);
    assert_eq!(p.run(&["plan", "--stack", "hello"]).status.code(), Some(0));
    let calls = p.calls().len();

    // No plan at all.
    let out = p.run(&["deploy", "--stack", "hello", "--saved-plans"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no saved plan in generated/hello/cluster; nothing was run"),
        "{}",
        text(&out.stderr)
    );

    // A plan of another main.tf.json than the one generated now.
    p.save_plan("cluster", "{}");
    let out = p.run(&["deploy", "--stack", "hello", "--saved-plans"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("generated/hello/cluster/main.tf.json has changed since the plan was made; nothing was run: run `tfsynth plan --stack hello`, review it, then"),
        "{}",
        text(&out.stderr)
    );

    // The settings changed since the plan: generated/ is not what they
    // synthesize, and deploy --saved-plans writes nothing.
    p.save_plan("cluster", &p.generated("cluster"));
    let settings = std::fs::read_to_string(p.path("stacks/hello.toml")).unwrap();
    p.write(
        "stacks/hello.toml",
        &settings.replace("image_tag = \"0.1.0\"", "image_tag = \"0.2.0\""),
    );
    let out = p.run(&["deploy", "--stack", "hello", "--saved-plans"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("generated/hello is not what the settings synthesize now, so the saved plans are of other files; nothing was run")
            && stderr.contains("stale: generated/hello/workload/main.tf.json"),
        "{stderr}"
    );
    assert!(p.generated("workload").contains("0.1.0"));
    assert_eq!(p.calls().len(), calls, "nothing ran");

    let out = p.run(&["deploy", "--stack", "hello", "--saved-plans", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot be used with"),
        "{}",
        text(&out.stderr)
    );
}

/// Terraform colors its output even into a pipe and reads no NO_COLOR:
/// with colors off (`--color never`, `NO_COLOR`, or a pipe), it gets
/// `-no-color` after its subcommand.
#[test]
fn colors_off_reach_terraform_as_no_color() {
    let p = Project::new();
    p.answer("cluster", 0, &[]);
    p.answer("workload", 0, &[]);
    for args in [
        &["--color", "never", "plan", "--stack", "hello"][..],
        &["--color", "auto", "plan", "--stack", "hello"][..],
    ] {
        let before = p.calls().len();
        let out = p.run(args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(
            p.calls()[before..before + 3],
            [
                format!("{CLUSTER} init -no-color -input=false"),
                format!(
                    "{CLUSTER} plan -no-color -input=false -detailed-exitcode -out=tfsynth.tfplan"
                ),
                format!("{CLUSTER} show -no-color -json tfsynth.tfplan"),
            ],
            "{args:?}"
        );
    }
}

/// A build after the cluster's apply fails: the cluster's plan is spent
/// all the same, so running the deploy again does not apply it twice.
#[test]
fn deploy_saved_plans_removes_an_applied_plan_even_when_the_image_build_after_it_fails() {
    let p = Project::new();
    p.write("app/Dockerfile", "FROM scratch\n");
    // gcloud finds no image in the registry; docker fails to build it.
    for (program, exit) in [
        ("docker", "exit 3"),
        ("gcloud", "case \"$*\" in *describe*) exit 1 ;; esac"),
    ] {
        let path = format!("fake/{program}");
        p.write(
            &path,
            &format!(
                "#!/bin/sh\nprintf '{program} %s\\n' \"$*\" >> \"$FAKE_DIR/calls.log\"\n{exit}\n"
            ),
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(p.path(&path), std::fs::Permissions::from_mode(0o755))
                .unwrap();
        }
    }
    p.answer("cluster", 2, &[("google_compute_network.vpc", &["create"])]);
    assert_eq!(p.run(&["plan", "--stack", "hello"]).status.code(), Some(2));
    p.save_plan("cluster", &p.generated("cluster"));
    let out = p.run(&["deploy", "--stack", "hello", "--saved-plans", "--build"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        p.calls()
            .contains(&format!("{CLUSTER} apply -input=false tfsynth.tfplan")),
        "{:?}",
        p.calls()
    );
    assert!(
        p.calls().iter().any(|c| c.starts_with("docker build")),
        "{:?}",
        p.calls()
    );
    assert!(
        !p.path("generated/hello/cluster/tfsynth.tfplan").exists(),
        "an applied plan is not kept"
    );
    // Again: no saved plan is left to apply, and it says so.
    let before = p.calls().len();
    let out = p.run(&["deploy", "--stack", "hello", "--saved-plans", "--build"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("no saved plan in"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(p.calls().len(), before, "nothing runs");
}

/// A root whose state is to move (its backend or cloud block changed) is
/// neither planned, deployed nor destroyed while the old place holds the
/// state, as the root's working directory (terraform's record, also below
/// `TF_DATA_DIR`) or its files in generated/ (JSON or HCL) say: terraform
/// would find no state at the new place and plan to create every object
/// again.
#[test]
fn plan_deploy_and_destroy_refuse_a_root_whose_state_has_not_moved_yet() {
    let p = Project::new();
    let cloud = |prefix: &str| {
        format!(
            "{HELLO}[state]\nbackend = \"cloud\"\norganization = \"example-org\"\nworkspace_prefix = \"{prefix}\"\n"
        )
    };
    p.write("stacks/hello.toml", &cloud("hello-"));
    assert!(p.run(&["synth"]).status.success());
    let written = p.generated("cluster");
    // Another workspace name: generated/ still names the old one.
    p.write("stacks/hello.toml", &cloud("web-hello-"));
    // plan fails with 1, as every failure of it (2 means changes).
    for (args, code) in [
        (&["plan", "--stack", "hello"][..], 1),
        (&["deploy", "--stack", "hello", "--yes"][..], 2),
        (&["destroy", "--stack", "hello", "--yes"][..], 2),
    ] {
        let out = p.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains(
                "generated/hello/cluster: its state is to move from HCP Terraform workspace example-org/hello-cluster on app.terraform.io to HCP Terraform workspace example-org/web-hello-cluster on app.terraform.io. To carry it over: HCP Terraform copies no state between workspaces (`init -migrate-state` moves nothing): rename the old workspace to the new name in HCP Terraform (its settings), then run `terraform -chdir=generated/hello/cluster init` (`tfsynth synth --stack hello` writes the new configuration). Then run this again."
            ),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(p.calls().is_empty(), "{args:?}: nothing runs");
        assert_eq!(
            p.generated("cluster"),
            written,
            "{args:?}: nothing is written"
        );
    }
    // synth writes the move, and says once what to do before any plan.
    let out = p.run(&["synth"]);
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("warning: generated/hello/workload: its state is to move from HCP Terraform workspace example-org/hello-workload on app.terraform.io to HCP Terraform workspace example-org/web-hello-workload on app.terraform.io; before any plan or apply, HCP Terraform copies no state between workspaces"),
        "{}",
        text(&out.stderr)
    );
    assert!(!text(&p.run(&["synth"]).stderr).contains("state is to move"));
    // Written, but the working directory was initialized with the old
    // workspace (terraform's record of it): still refused, wherever
    // TF_DATA_DIR keeps the record.
    let record = |name: &str| {
        serde_json::json!({"version": 3, "backend": {"type": "cloud", "config": {
            "hostname": null, "organization": "example-org", "token": null,
            "workspaces": {"name": name, "project": null, "tags": null}}, "hash": 1}})
        .to_string()
    };
    let record_at = |data_dir: &str, prefix: &str| {
        for root in ["cluster", "workload"] {
            p.write(
                &format!("generated/hello/{root}/{data_dir}/terraform.tfstate"),
                &record(&format!("{prefix}{root}")),
            );
        }
    };
    record_at(".terraform", "hello-");
    let out = p.run(&["plan", "--stack", "hello"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("generated/hello/workload: its state is to move"));
    record_at(".terraform", "web-hello-");
    record_at(".tfdata", "hello-");
    let out = Command::new(env!("CARGO_BIN_EXE_tfsynth"))
        .args(["--color", "always", "plan", "--stack", "hello"])
        .current_dir(p.dir.path())
        .env(
            "PATH",
            format!(
                "{}:{}",
                p.path("fake").display(),
                std::env::var("PATH").unwrap()
            ),
        )
        .env("FAKE_DIR", p.path("fake"))
        .env("TF_DATA_DIR", ".tfdata")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(p.calls().is_empty());
    // Renamed in HCP Terraform and initialized again: planned.
    p.answer("cluster", 0, &[]);
    p.answer("workload", 0, &[]);
    let out = p.run(&["plan", "--stack", "hello"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // A record of another shape, or for workspaces chosen by tags, tells
    // nothing; it is not taken for state in the root's directory.
    for odd in [
        "[]".to_owned(),
        "null".to_owned(),
        "not json".to_owned(),
        r#"{"backend": "cloud"}"#.to_owned(),
        r#"{"backend": {"type": "cloud", "config": null}}"#.to_owned(),
        r#"{"backend": {"type": "cloud", "config": {"organization": "example-org", "workspaces": {"tags": ["web"]}}}}"#.to_owned(),
    ] {
        p.write("generated/hello/cluster/.terraform/terraform.tfstate", &odd);
        let out = p.run(&["plan", "--stack", "hello"]);
        assert_eq!(out.status.code(), Some(0), "{odd}: {}", text(&out.stderr));
    }

    // From one GCS prefix to another, with no working directory (a fresh
    // clone in CI), generated/ written as HCL: it says where the state is.
    let p = Project::new();
    let gcs =
        |prefix: &str| format!("{HELLO}[state]\nbucket = \"b-tfstate\"\nprefix = \"{prefix}\"\n");
    p.write("stacks/hello.toml", &gcs("tfsynth/hello"));
    assert!(p.run(&["synth", "--format", "hcl"]).status.success());
    p.write("stacks/hello.toml", &gcs("tf/hello"));
    let out = p.run(&["deploy", "--stack", "hello", "--yes"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(
            "generated/hello/cluster: its state is to move from gs://b-tfstate/tfsynth/hello/cluster/default.tfstate to gs://b-tfstate/tf/hello/cluster/default.tfstate. To carry it over: run `terraform -chdir=generated/hello/cluster init -migrate-state` (`tfsynth synth --stack hello` writes the new configuration). Then run this again."
        ),
        "{}",
        text(&out.stderr)
    );
    assert!(p.calls().is_empty());
    assert!(
        p.path("generated/hello/cluster/main.tf").is_file(),
        "nothing is written"
    );
}

/// After synth has written a move, with no working directory recorded
/// (a teammate's checkout, `.terraform` removed), the committed
/// generated/ still says where the state is: plan, deploy and destroy
/// refuse until the move is committed.
#[test]
fn a_move_synth_wrote_but_not_committed_is_refused_from_what_git_holds() {
    let p = Project::new();
    let gcs = |bucket: &str| format!("{HELLO}[state]\nbucket = \"{bucket}\"\n");
    p.write("stacks/hello.toml", &gcs("b-tfstate"));
    assert!(p.run(&["synth"]).status.success());
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(p.dir.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
    };
    git(&["init", "-q"]);
    git(&["add", "stacks", "generated"]);
    git(&["commit", "-q", "-m", "applied"]);
    p.write("stacks/hello.toml", &gcs("b-tfstate-eu"));
    let out = p.run(&["synth"]);
    assert!(text(&out.stderr).contains("warning: generated/hello/cluster: its state is to move"));
    for (args, code, would) in [
        (
            &["plan", "--stack", "hello"][..],
            1,
            "plan to create every object again",
        ),
        (
            &["deploy", "--stack", "hello", "--yes"][..],
            2,
            "plan to create every object again",
        ),
        (
            &["destroy", "--stack", "hello", "--yes"][..],
            2,
            "destroy nothing there and report success",
        ),
    ] {
        let out = p.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains(&format!(
                "terraform would find no state at the new place and {would}"
            )),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("generated/hello/cluster: its state is to move from gs://b-tfstate/tfsynth/hello/cluster/default.tfstate to gs://b-tfstate-eu/tfsynth/hello/cluster/default.tfstate."),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(p.calls().is_empty(), "{args:?}");
    }
    // Moved, and the move committed.
    git(&["add", "stacks", "generated"]);
    git(&["commit", "-q", "-m", "moved"]);
    p.answer("cluster", 0, &[]);
    p.answer("workload", 0, &[]);
    let out = p.run(&["plan", "--stack", "hello"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}
