//! Issue 17, item 3: the CI pipelines and the pre-commit hook under
//! `ci/` and `.pre-commit-hooks.yaml` parse as YAML, and run the tfsynth
//! commands the README's "Use in CI" promises, with flags tfsynth has.

use std::path::Path;
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

fn load(rel: &str) -> (String, Yaml) {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"));
    let mut docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(docs.len(), 1, "{rel}: one YAML document");
    (text, docs.remove(0))
}

/// Every `cargo run --locked --quiet -- ARGS` (or `tfsynth ARGS`) line's
/// ARGS, up to a shell operator.
fn tfsynth_commands(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| {
            let at = line.find("cargo run --locked --quiet -- ")?;
            let rest = &line[at + "cargo run --locked --quiet -- ".len()..];
            let args: Vec<String> = rest
                .split_whitespace()
                .take_while(|w| !matches!(*w, ">" | "||" | "|" | "&&"))
                .map(|w| w.trim_matches('"').to_owned())
                .collect();
            Some(args)
        })
        .collect()
}

/// The flags a command line uses all exist: `tfsynth SUB --help` lists
/// each `--flag` and each value given to `--format`.
fn check_flags(rel: &str, args: &[String]) {
    let help = Command::new(env!("CARGO_BIN_EXE_tfsynth"))
        .args([args[0].as_str(), "--help"])
        .output()
        .unwrap();
    assert!(
        help.status.success(),
        "{rel}: tfsynth {} does not exist",
        args[0]
    );
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    for (i, arg) in args.iter().enumerate().skip(1) {
        if let Some(flag) = arg.strip_prefix("--") {
            assert!(
                help.contains(&format!("--{flag}")),
                "{rel}: tfsynth {} has no --{flag}",
                args[0]
            );
            if flag == "format" {
                let value = &args[i + 1];
                assert!(help.contains(value.as_str()), "{rel}: --format {value}");
            }
        }
    }
}

#[test]
fn the_github_workflow_checks_uploads_sarif_posts_the_diff_and_plans() {
    let rel = "ci/github/tfsynth.yml";
    let (text, doc) = load(rel);
    assert!(!doc["on"].is_badvalue(), "{rel}: no `on`");
    let jobs = doc["jobs"].as_hash().expect("jobs");
    assert!(jobs.contains_key(&Yaml::from_str("check")));
    assert!(jobs.contains_key(&Yaml::from_str("plan")));
    for job in jobs.values() {
        for step in job["steps"].as_vec().expect("steps") {
            assert!(
                !step["uses"].is_badvalue() || !step["run"].is_badvalue(),
                "{rel}: a step with neither uses nor run"
            );
        }
    }
    assert!(text.contains("github/codeql-action/upload-sarif@"));
    let commands = tfsynth_commands(&text);
    let subs: Vec<&str> = commands.iter().map(|c| c[0].as_str()).collect();
    assert_eq!(subs, ["synth", "validate", "diff", "plan"]);
    for args in &commands {
        check_flags(rel, args);
    }
}

#[test]
fn the_gitlab_jobs_check_keep_sarif_post_the_diff_and_plan() {
    let rel = "ci/gitlab/tfsynth.gitlab-ci.yml";
    let (text, doc) = load(rel);
    let stages: Vec<&str> = doc["stages"]
        .as_vec()
        .expect("stages")
        .iter()
        .filter_map(Yaml::as_str)
        .collect();
    for job in ["tfsynth-check", "tfsynth-diff", "tfsynth-plan"] {
        let stage = doc[job]["stage"]
            .as_str()
            .unwrap_or_else(|| panic!("{job}: stage"));
        assert!(stages.contains(&stage), "{job}: stage {stage}");
        assert!(doc[job]["script"].as_vec().is_some(), "{job}: script");
    }
    let commands = tfsynth_commands(&text);
    let subs: Vec<&str> = commands.iter().map(|c| c[0].as_str()).collect();
    assert_eq!(subs, ["synth", "validate", "diff", "plan"]);
    for args in &commands {
        check_flags(rel, args);
    }
}

#[test]
fn the_pre_commit_hook_runs_synth_check() {
    let (_, doc) = load(".pre-commit-hooks.yaml");
    let hooks = doc.as_vec().expect("a list of hooks");
    assert_eq!(hooks.len(), 1);
    let hook = &hooks[0];
    assert_eq!(hook["id"].as_str(), Some("tfsynth-synth-check"));
    assert_eq!(hook["entry"].as_str(), Some("tfsynth synth --check"));
    assert_eq!(hook["language"].as_str(), Some("rust"));
    assert_eq!(hook["pass_filenames"].as_bool(), Some(false));
    assert!(hook["name"].as_str().is_some());
}
