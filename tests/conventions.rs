//! Issue 17, item 4: the command-line conventions of a cargo-era tool:
//! completions and a man page from the clap definitions, `--color` with
//! `NO_COLOR`, finding the project from any subdirectory, and a version
//! line that names the provider schemas.

use std::path::Path;
use std::process::{Command, Output};

const HELLO: &str = include_str!("../stacks/hello.toml");

fn tfsynth(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tfsynth"));
    command.args(args).current_dir(dir).env_remove("NO_COLOR");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("tfsynth runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// A project with the hello stack and the committed schemas, synthesized.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (rel, from) in [
        ("stacks/hello.toml", None),
        ("schemas/google.json", Some("schemas/google.json")),
        ("schemas/kubernetes.json", Some("schemas/kubernetes.json")),
    ] {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        match from {
            None => std::fs::write(path, HELLO).unwrap(),
            Some(from) => {
                std::fs::copy(root.join(from), path).unwrap();
            }
        }
    }
    ok(&tfsynth(dir.path(), &["synth"], &[]));
    dir
}

/// Whether `program` runs here (a shell to check a script's syntax with).
fn available(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn completions_are_generated_for_bash_zsh_and_fish_and_parse() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, checker, check_args) in [
        ("bash", "bash", &["-n"][..]),
        ("zsh", "zsh", &["-n"][..]),
        ("fish", "fish", &["--no-execute"][..]),
    ] {
        let script = ok(&tfsynth(dir.path(), &["completions", shell], &[]));
        for command in ["synth", "validate", "deploy", "diff", "completions", "man"] {
            assert!(script.contains(command), "{shell}: no {command}");
        }
        // The shell itself parses the script, where it is installed (bash
        // always is on CI's machines).
        if available(checker) {
            let path = dir.path().join(format!("tfsynth.{shell}"));
            std::fs::write(&path, &script).unwrap();
            let parsed = Command::new(checker)
                .args(check_args)
                .arg(&path)
                .output()
                .unwrap();
            assert!(parsed.status.success(), "{shell}: {}", text(&parsed.stderr));
        } else {
            assert_ne!(shell, "bash", "bash is needed to check the bash script");
        }
    }
    let unknown = tfsynth(dir.path(), &["completions", "tcsh"], &[]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr).contains("possible values: bash, elvish, fish, powershell, zsh"),
        "{}",
        text(&unknown.stderr)
    );
}

#[test]
fn the_man_page_is_roff_that_names_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let page = ok(&tfsynth(dir.path(), &["man"], &[]));
    assert!(page.contains(".TH tfsynth 1"), "{page}");
    assert!(page.contains(".SH NAME"), "{page}");
    for command in [
        "synth",
        "list",
        "validate",
        "deploy",
        "destroy",
        "smoketest",
        "diff",
    ] {
        assert!(page.contains(command), "no {command} in the man page");
    }
    // Each subcommand's page, named as the main page's list names it.
    for command in ["synth", "deploy", "plan", "diff", "validate"] {
        assert!(
            page.contains(&format!("tfsynth\\-{command}(1)")),
            "{command}"
        );
        let sub = ok(&tfsynth(dir.path(), &["man", command], &[]));
        assert!(sub.contains(&format!(".TH tfsynth-{command} 1")), "{sub}");
        assert!(sub.contains(&format!("\\fBtfsynth {command}\\fR")), "{sub}");
        // The options it takes: the global ones too, and no --version,
        // which a subcommand refuses.
        for global in [
            "\\fB\\-C\\fR",
            "\\fB\\-\\-color\\fR",
            "\\fB\\-\\-message\\-format\\fR",
        ] {
            assert!(sub.contains(global), "{command}: no {global}: {sub}");
        }
        assert!(!sub.contains("\\-\\-version"), "{command}: {sub}");
    }
    let deploy = ok(&tfsynth(dir.path(), &["man", "deploy"], &[]));
    assert!(deploy.contains("saved\\-plans"), "{deploy}");
    // Every page a page names (SEE ALSO: tfsynth-schemas-index(1)) can
    // be printed, down the tree.
    let mut pending = vec![String::new()];
    let mut seen = 0;
    while let Some(name) = pending.pop() {
        let args: Vec<&str> = std::iter::once("man")
            .chain((!name.is_empty()).then_some(name.as_str()))
            .collect();
        let page = ok(&tfsynth(dir.path(), &args, &[]));
        seen += 1;
        let own = if name.is_empty() {
            "tfsynth".to_owned()
        } else {
            format!("tfsynth-{name}")
        };
        assert!(page.contains(&format!(".TH {own} 1")), "{own}: {page}");
        for named in page.split("tfsynth\\-").skip(1) {
            let Some(end) = named.find("(1)") else {
                continue;
            };
            let child = named[..end].replace("\\-", "-");
            let below =
                child.starts_with(&format!("{name}-")) || name.is_empty() && !child.contains('-');
            if below && !pending.contains(&child) {
                pending.push(child);
            }
        }
    }
    assert!(seen >= 15, "only {seen} pages");
    let extra = tfsynth(dir.path(), &["man", "synth", "extra"], &[]);
    assert_eq!(extra.status.code(), Some(2));
    assert!(
        text(&extra.stderr).contains("man: no subcommand \"extra\" of synth; synth has none"),
        "{}",
        text(&extra.stderr)
    );
    let unknown = tfsynth(dir.path(), &["man", "nope"], &[]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("man: no subcommand \"nope\"; one of: synth, list,"));
    // A reader that stops early is no error, and no panic.
    let mut child = Command::new(env!("CARGO_BIN_EXE_tfsynth"))
        .args(["completions", "bash"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("panicked"));
}

#[test]
fn the_version_line_names_the_provider_schemas_it_validates_against() {
    let dir = tempfile::tempdir().unwrap();
    let line = ok(&tfsynth(dir.path(), &["--version"], &[]));
    assert_eq!(
        line,
        format!(
            "tfsynth {} (provider schemas: hashicorp/google 6.50.0, hashicorp/kubernetes 2.38.0)\n",
            env!("CARGO_PKG_VERSION")
        )
    );
    // The versions are the schemas' own, as schemas/README.md lists them.
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/README.md"))
            .unwrap();
    for (provider, version) in tfsynth::providers::SCHEMA_VERSIONS {
        assert!(
            readme
                .lines()
                .any(|l| l.contains(&format!("registry.terraform.io/{provider} | {version} "))),
            "schemas/README.md does not list {provider} {version}"
        );
    }
}

#[test]
fn commands_find_the_project_from_any_subdirectory_and_c_still_names_it() {
    let p = project();
    let sub = p.path().join("generated/hello");
    let listed = ok(&tfsynth(&sub, &["list"], &[]));
    assert!(listed.starts_with("hello\t"), "{listed}");
    assert!(ok(&tfsynth(&sub, &["synth", "--check"], &[])).contains("generated/ is up to date"),);
    // Paths given are from the current directory.
    let valid = ok(&tfsynth(&sub, &["validate", "cluster"], &[]));
    assert_eq!(valid, "1 file valid\n");
    // -C names the project from anywhere, with paths from the project.
    let elsewhere = tempfile::tempdir().unwrap();
    let c = p.path().display().to_string();
    let valid = ok(&tfsynth(
        elsewhere.path(),
        &["-C", &c, "validate", "generated/hello/workload"],
        &[],
    ));
    assert_eq!(valid, "1 file valid\n");
    // A stacks/ with no settings (a Rust module's src/stacks/) is not a
    // project: from src/ the project above is found.
    std::fs::create_dir_all(p.path().join("src/stacks")).unwrap();
    std::fs::write(p.path().join("src/stacks/mod.rs"), "").unwrap();
    let from_src = ok(&tfsynth(&p.path().join("src"), &["list"], &[]));
    assert!(from_src.starts_with("hello\t"), "{from_src}");
    // Outside any project, the error names the missing stacks/.
    let none = tfsynth(elsewhere.path(), &["list"], &[]);
    assert_eq!(none.status.code(), Some(2));
    assert!(
        text(&none.stderr).contains("stacks"),
        "{}",
        text(&none.stderr)
    );
}

#[test]
fn color_follows_the_color_option_then_no_color() {
    let p = project();
    let settings = p.path().join("stacks/hello.toml");
    let changed = HELLO.replace("uptime_period = \"300s\"", "uptime_period = \"60s\"");
    std::fs::write(&settings, changed).unwrap();
    let escape = |out: &Output| text(&out.stdout).contains('\u{1b}');
    let diff = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["diff"];
        all.extend_from_slice(args);
        tfsynth(p.path(), &all, env)
    };
    // Standard output is a pipe here: auto means no color.
    assert!(!escape(&diff(&[], &[])));
    assert!(escape(&diff(&["--color", "always"], &[])));
    assert!(escape(&diff(&["--color", "always"], &[("NO_COLOR", "1")])));
    assert!(!escape(&diff(&["--color", "never"], &[])));
    assert!(!escape(&diff(&["--color=auto"], &[("NO_COLOR", "1")])));
    let bad = diff(&["--color", "sometimes"], &[]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("possible values: auto, always, never"));
}

#[test]
fn settings_errors_come_as_json_lines_with_message_format_json() {
    let p = project();
    let bad = HELLO
        .replace("project = \"tfsynth-hello\"", "project = 5")
        .replace("port = 8080", "port = 80");
    std::fs::write(p.path().join("stacks/hello.toml"), bad).unwrap();
    let out = tfsynth(p.path(), &["--message-format", "json", "synth"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(
        lines,
        [
            serde_json::json!({"reason": "settings-error", "file": "stacks/hello.toml", "line": 5, "column": 1, "key": "project", "message": "invalid type: integer `5`, expected a string"}),
            serde_json::json!({"reason": "settings-error", "file": "stacks/hello.toml", "line": 42, "column": 1, "key": "services[0].port", "message": "80 is a privileged port; the service runs as a non-root user"}),
        ]
    );
    // The human lines still go to standard error.
    assert!(text(&out.stderr).contains("stacks/hello.toml:5:1: project:"));
    // list reports the same problems, one line each.
    let listed = tfsynth(p.path(), &["--message-format", "json", "list"], &[]);
    assert_eq!(listed.status.code(), Some(2));
    assert_eq!(text(&listed.stdout), text(&out.stdout));
    // Without the option, standard output stays empty.
    let human = tfsynth(p.path(), &["synth"], &[]);
    assert!(human.stdout.is_empty());
    // A failure with no settings problem is one line with its message.
    let other = tfsynth(
        p.path(),
        &["--message-format=json", "validate", "nowhere"],
        &[],
    );
    assert_eq!(other.status.code(), Some(2));
    let line: serde_json::Value = serde_json::from_str(text(&other.stdout).trim()).unwrap();
    assert_eq!(line["reason"], "error");
}
