//! `deploy` and `destroy` against fake `terraform`, `docker` and `gcloud`
//! executables first on PATH, which record their arguments and working
//! directory (and fail when asked to).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const HELLO: &str = include_str!("../stacks/hello.toml");
const SHOP: &str = include_str!("../stacks/shop.toml");
const GOOGLE: &str = include_str!("../schemas/google.json");
const KUBERNETES: &str = include_str!("../schemas/kubernetes.json");

const FAKE: &str = r#"#!/bin/sh
name=${0##*/}
printf '%s|%s %s\n' "$(pwd)" "$name" "$*" >> "$FAKE_LOG"
if [ -n "$FAKE_FAIL" ]; then
  case "$name $*" in
    *"$FAKE_FAIL"*) echo "fake $name: failing as asked" >&2; exit 3 ;;
  esac
fi
echo "fake $name $*"
"#;

struct Project {
    dir: tempfile::TempDir,
    bin: PathBuf,
}

impl Project {
    /// A project with the hello stack and schemas, and fakes of `programs`.
    fn new(programs: &[&str]) -> Project {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in [
            ("stacks/hello.toml", HELLO),
            ("app/Dockerfile", "FROM scratch\n"),
            ("schemas/google.json", GOOGLE),
            ("schemas/kubernetes.json", KUBERNETES),
        ] {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let bin = dir.path().join("fake-bin");
        std::fs::create_dir(&bin).unwrap();
        for program in programs {
            let path = bin.join(program);
            std::fs::write(&path, FAKE).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
        }
        Project { dir, bin }
    }

    fn run(&self, args: &[&str], stdin: &str, fail: &str) -> Output {
        // Only the fakes (which need no other program): a real terraform,
        // docker or gcloud on this machine is never found.
        let path = self.bin.display().to_string();
        // Terraform keeps its colors, as on a terminal, unless a test says
        // otherwise: the calls are then as terraform is run by hand.
        let color: &[&str] = if args.contains(&"--color") {
            &[]
        } else {
            &["--color", "always"]
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_tfsynth"))
            .args(color)
            .args(args)
            .current_dir(self.dir.path())
            .env("PATH", path)
            .env("FAKE_LOG", self.dir.path().join("calls.log"))
            .env("FAKE_FAIL", fail)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// The recorded calls, `program args`, checking each ran in the project.
    fn calls(&self) -> Vec<String> {
        let log = std::fs::read_to_string(self.dir.path().join("calls.log")).unwrap_or_default();
        log.lines()
            .map(|line| {
                let (cwd, call) = line.split_once('|').unwrap();
                assert_eq!(
                    Path::new(cwd).canonicalize().unwrap(),
                    self.dir.path().canonicalize().unwrap(),
                    "ran outside the project: {line}"
                );
                call.to_owned()
            })
            .collect()
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn exists(&self, rel: &str) -> bool {
        self.dir.path().join(rel).exists()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const CLUSTER: &str = "-chdir=generated/hello/cluster";
const WORKLOAD: &str = "-chdir=generated/hello/workload";

#[test]
fn deploy_synthesizes_then_inits_and_applies_each_root_in_order() {
    let p = Project::new(&["terraform"]);
    let out = p.run(&["deploy", "--stack", "hello"], "", "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(p.exists("generated/hello/cluster/main.tf.json"));
    assert_eq!(
        p.calls(),
        [
            format!("terraform {CLUSTER} init -input=false"),
            format!("terraform {CLUSTER} apply -input=false"),
            format!("terraform {WORKLOAD} init -input=false"),
            format!("terraform {WORKLOAD} apply -input=false"),
        ]
    );
    // terraform's own output is streamed through.
    assert!(text(&out.stdout).contains(&format!("fake terraform {CLUSTER} apply -input=false")));
    assert!(text(&out.stderr).contains("==> terraform apply (workload)"));
}

#[test]
fn deploy_with_yes_approves_each_apply_and_a_rerun_does_the_same_again() {
    let p = Project::new(&["terraform"]);
    for _ in 0..2 {
        let out = p.run(&["deploy", "--stack", "hello", "--yes"], "", "");
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let calls = p.calls();
    assert_eq!(calls.len(), 8);
    assert_eq!(calls[..4], calls[4..], "a re-run does exactly the same");
    assert_eq!(
        calls[1],
        format!("terraform {CLUSTER} apply -input=false -auto-approve")
    );
}

#[test]
fn a_failure_in_the_first_root_stops_before_the_second_with_its_exit_code() {
    let p = Project::new(&["terraform"]);
    let out = p.run(&["deploy", "--stack", "hello"], "", "cluster apply");
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains(
            "error: terraform apply (cluster) failed with exit code 3, in root cluster of stack hello; the steps after it did not run"
        ),
        "{}",
        text(&out.stderr)
    );
    assert!(p.calls().iter().all(|c| !c.contains("workload")));
}

#[test]
fn deploy_build_pushes_the_image_after_the_registry_exists_and_before_the_workload() {
    let p = Project::new(&["terraform", "docker", "gcloud"]);
    // The registry does not have the image yet: the fake gcloud fails to
    // describe it.
    let out = p.run(
        &["deploy", "--stack", "hello", "--build", "--yes"],
        "",
        "images describe",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let image = "us-central1-docker.pkg.dev/tfsynth-hello/hello/hello:0.1.0";
    assert_eq!(
        p.calls(),
        [
            format!("terraform {CLUSTER} init -input=false"),
            format!("terraform {CLUSTER} apply -input=false -auto-approve"),
            "gcloud auth configure-docker us-central1-docker.pkg.dev --quiet".to_owned(),
            format!("gcloud artifacts docker images describe {image} --quiet"),
            format!("docker build -f app/Dockerfile -t {image} ."),
            format!("docker push {image}"),
            format!("terraform {WORKLOAD} init -input=false"),
            format!("terraform {WORKLOAD} apply -input=false -auto-approve"),
        ]
    );
}

#[test]
fn deploy_build_builds_and_pushes_every_service_s_image_from_its_dockerfile() {
    let p = Project::new(&["terraform", "docker", "gcloud"]);
    p.write("stacks/shop.toml", SHOP);
    p.write("shop/web/Dockerfile", "FROM scratch\n");
    p.write("shop/api/Dockerfile", "FROM scratch\n");
    let registry = "europe-west1-docker.pkg.dev/tfsynth-shop/shop";
    // web:1.4.0 is new; api:2.0.1 is in the registry already, and its
    // immutable tag must not be pushed again.
    let out = p.run(
        &["deploy", "--stack", "shop", "--build", "--yes"],
        "",
        &format!("images describe {registry}/web"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let calls = p.calls();
    assert_eq!(
        calls[2..7],
        [
            "gcloud auth configure-docker europe-west1-docker.pkg.dev --quiet".to_owned(),
            format!("gcloud artifacts docker images describe {registry}/web:1.4.0 --quiet"),
            format!("docker build -f shop/web/Dockerfile -t {registry}/web:1.4.0 ."),
            format!("docker push {registry}/web:1.4.0"),
            format!("gcloud artifacts docker images describe {registry}/api:2.0.1 --quiet"),
        ]
    );
    assert!(
        calls[7].contains("generated/shop/workload init"),
        "{calls:?}"
    );
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "==> skipped: docker push {registry}/api:2.0.1 (already in the registry, whose tags are immutable)"
        )),
        "{err}"
    );
}

#[test]
fn a_missing_dockerfile_is_named_before_anything_runs() {
    let p = Project::new(&["terraform", "docker", "gcloud"]);
    p.write("stacks/shop.toml", SHOP);
    p.write("shop/web/Dockerfile", "FROM scratch\n");
    let out = p.run(&["deploy", "--stack", "shop", "--build", "--yes"], "", "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: stack shop: no Dockerfile at shop/api/Dockerfile (service api); create it, or \
         set the service's dockerfile in stacks/shop.toml; nothing was written or run\n"
    );
    assert!(p.calls().is_empty());
    assert!(!p.exists("generated"), "nothing is written");
}

#[test]
fn a_missing_program_is_named_with_how_to_get_it_before_anything_runs() {
    let p = Project::new(&[]);
    let out = p.run(&["deploy", "--stack", "hello"], "", "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: terraform is not on PATH: install Terraform 1.7 or later: https://developer.hashicorp.com/terraform/install\n"
    );
    assert!(!p.exists("generated"), "nothing is written");

    let p = Project::new(&["terraform"]);
    let out = p.run(&["deploy", "--stack", "hello", "--build"], "", "");
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("gcloud is not on PATH: install the Google Cloud CLI"),
        "{err}"
    );
    assert!(
        err.contains("docker is not on PATH: install Docker"),
        "{err}"
    );
    assert!(p.calls().is_empty());
}

#[test]
fn destroy_asks_for_the_stack_name_and_does_nothing_without_it() {
    let p = Project::new(&["terraform"]);
    let out = p.run(&["destroy", "--stack", "hello"], "yes\n", "");
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains(
        "Destroy every resource of stack hello (roots workload, cluster, in that order)?"
    ));
    assert!(err.contains("destroy of stack hello cancelled"), "{err}");
    assert!(p.calls().is_empty());

    let out = p.run(&["destroy", "--stack", "hello"], "", "");
    assert_eq!(out.status.code(), Some(1), "no answer is no");
    assert!(p.calls().is_empty());
}

#[test]
fn destroy_goes_in_reverse_order_once_confirmed_or_with_yes() {
    let p = Project::new(&["terraform"]);
    let out = p.run(&["destroy", "--stack", "hello"], "hello\n", "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let expected = [
        format!("terraform {WORKLOAD} init -input=false"),
        format!("terraform {WORKLOAD} destroy -input=false -auto-approve"),
        format!("terraform {CLUSTER} init -input=false"),
        format!("terraform {CLUSTER} destroy -input=false -auto-approve"),
    ];
    assert_eq!(p.calls(), expected);

    let p = Project::new(&["terraform"]);
    let out = p.run(&["destroy", "--stack", "hello", "--yes"], "", "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("Type the stack name"));
    assert_eq!(p.calls(), expected);
}

/// Issue 17, item 6: on a terminal each step shows its number, root and
/// the time since the start; in a log (here, a pipe) the plain lines.
#[test]
fn deploy_shows_step_counters_and_elapsed_time_on_a_terminal_only() {
    let p = Project::new(&["terraform"]);
    let piped = p.run(&["deploy", "--stack", "hello", "--yes"], "", "");
    assert!(piped.status.success(), "{}", text(&piped.stderr));
    let log = text(&piped.stderr);
    assert!(log.contains("==> terraform init (cluster)\n"), "{log}");
    assert!(!log.contains("[1/"), "no counters in a log: {log}");
    // util-linux `script` gives the command a terminal.
    let command = format!(
        "{} deploy --stack hello --yes",
        env!("CARGO_BIN_EXE_tfsynth")
    );
    let tty = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(p.dir.path())
        .env("PATH", format!("{}:/usr/bin:/bin", p.bin.display()))
        .env("FAKE_LOG", p.dir.path().join("calls.log"))
        .env("FAKE_FAIL", "")
        .output()
        .expect("script (util-linux) runs");
    let screen = text(&tty.stdout);
    assert!(tty.status.success(), "{screen}");
    assert!(
        screen.contains("==> [1/4] cluster: terraform init (cluster)  [0s]"),
        "{screen}"
    );
    assert!(
        screen.contains("==> [4/4] workload: terraform apply (workload)"),
        "{screen}"
    );
    assert!(screen.contains("==> done in "), "{screen}");
}

/// With colors off, terraform gets `-no-color` right after its
/// subcommand, for every step of deploy and destroy.
#[test]
fn colors_off_reach_every_terraform_step_as_no_color() {
    let p = Project::new(&["terraform"]);
    let out = p.run(
        &["--color", "never", "deploy", "--stack", "hello", "--yes"],
        "",
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = p.run(
        &["--color", "never", "destroy", "--stack", "hello", "--yes"],
        "",
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        p.calls(),
        [
            format!("terraform {CLUSTER} init -no-color -input=false"),
            format!("terraform {CLUSTER} apply -no-color -input=false -auto-approve"),
            format!("terraform {WORKLOAD} init -no-color -input=false"),
            format!("terraform {WORKLOAD} apply -no-color -input=false -auto-approve"),
            format!("terraform {WORKLOAD} init -no-color -input=false"),
            format!("terraform {WORKLOAD} destroy -no-color -input=false -auto-approve"),
            format!("terraform {CLUSTER} init -no-color -input=false"),
            format!("terraform {CLUSTER} destroy -no-color -input=false -auto-approve"),
        ]
    );
}
