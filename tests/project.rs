//! The workflows the commands run, called through the library: a
//! project's stacks and schemas, the files `validate` reads, schema
//! indexes, running a plan's programs, and comparing generated files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tfsynth::diff::{RequiresReplace, Style, compare};
use tfsynth::ops::{self, Step, StepError};
use tfsynth::project::{Project, ProjectError};
use tfsynth::schema::plan_indexes;

fn write(base: &Path, rel: &str, text: &[u8]) {
    let path = base.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_missing_project_directory_is_named() {
    let err = Project::open("/nonexistent/project").unwrap_err();
    assert_eq!(
        err.to_string(),
        "-C /nonexistent/project: no such directory (it names the project directory, the one holding stacks/)"
    );
}

#[test]
fn stack_files_whose_names_are_not_stack_names_are_all_named() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["hello", "Bad", "a..b", "hello.local"] {
        write(dir.path(), &format!("stacks/{name}.toml"), b"");
    }
    let project = Project::open(dir.path()).unwrap();
    let names = project.stack_names(&[]).unwrap();
    assert_eq!(names, ["Bad", "a..b", "hello"]);
    // Each bad name is a problem of its own, reported with the others.
    let errors = project
        .synthesize(&names, tfsynth::synth::Format::Json, None)
        .unwrap_err();
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert!(
        shown[0].starts_with("stacks/Bad.toml: the file name: \"Bad\" is not a stack name"),
        "{shown:?}"
    );
    assert!(
        shown[1].starts_with("stacks/a..b.toml: the file name: "),
        "{shown:?}"
    );
    assert!(
        shown[2].starts_with("stacks/hello.toml:"),
        "an empty hello.toml's own problems: {shown:?}"
    );
    let empty = tempfile::tempdir().unwrap();
    std::fs::create_dir(empty.path().join("stacks")).unwrap();
    let err = Project::open(empty.path())
        .unwrap()
        .stack_names(&[])
        .unwrap_err();
    assert!(matches!(err, ProjectError::NoStacks(_)), "{err}");
}

#[test]
fn a_schema_directory_asked_for_must_exist_and_the_default_may_not() {
    let dir = tempfile::tempdir().unwrap();
    let project = Project::open(dir.path()).unwrap();
    let err = project.schemas(Some(Path::new("/typo"))).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("--schemas /typo: no such directory"),
        "{err}"
    );
    let loaded = project.schemas(None).unwrap();
    assert!(loaded.schemas.is_none());
    assert_eq!(
        loaded.warnings,
        ["schemas/ does not exist: output is not validated against provider schemas"]
    );
}

#[test]
fn validate_reads_terraform_files_below_directories_but_not_hidden_ones() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "roots/a/main.tf.json", b"{}");
    write(d, "roots/a/extra.tf", b"");
    write(d, "roots/a/notes.md", b"");
    write(d, "roots/a/.terraform/modules/m/main.tf", b"");
    write(d, "roots/b/bad.tf", b"\xff\xfe");
    let files = Project::open(d)
        .unwrap()
        .read_tf_files(&[PathBuf::from("roots")])
        .unwrap();
    let names: Vec<&str> = files.texts.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["roots/a/extra.tf", "roots/a/main.tf.json"]);
    assert_eq!(files.unreadable.len(), 1);
    assert!(
        files.unreadable[0]
            .to_string()
            .starts_with("roots/b/bad.tf: cannot read: "),
        "{:?}",
        files.unreadable
    );
    assert_eq!(files.len(), 3);
    let err = Project::open(d)
        .unwrap()
        .read_tf_files(&[PathBuf::from("missing")])
        .unwrap_err();
    assert!(err.starts_with("missing: "), "{err}");
}

#[test]
fn schema_indexes_are_created_refreshed_and_orphans_removed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let schema = include_bytes!("../schemas/kubernetes.json");
    write(d, "kubernetes.json", schema);
    write(d, "gone.json.idx", b"old");
    let plan = plan_indexes(d, "schemas").unwrap();
    assert_eq!(
        plan.lines(),
        [
            "create schemas/kubernetes.json.idx",
            "remove schemas/gone.json.idx"
        ]
    );
    plan.apply(d).unwrap();
    assert_eq!(
        std::fs::read_to_string(d.join("kubernetes.json.idx")).unwrap(),
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/kubernetes.json.idx")
        )
        .unwrap(),
        "the index is the one committed beside the schema"
    );
    assert!(plan_indexes(d, "schemas").unwrap().is_empty());
    write(d, "kubernetes.json.idx", b"stale");
    assert_eq!(
        plan_indexes(d, "schemas").unwrap().lines(),
        ["update schemas/kubernetes.json.idx"]
    );
}

#[test]
fn running_steps_stops_at_the_first_failure_with_its_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let step = |program: &str, args: &[&str], root: Option<&str>| Step {
        program: program.to_owned(),
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        root: root.map(str::to_owned),
        what: format!("{program} {}", args.join(" ")),
        unless: None,
    };
    let marker = dir.path().join("ran");
    let steps = [
        step("sh", &["-c", "exit 3"], Some("cluster")),
        step("touch", &[marker.to_str().unwrap()], None),
    ];
    let err = ops::run_steps(dir.path(), "hello", &steps).unwrap_err();
    assert_eq!(err.exit_code(), 3);
    assert_eq!(
        err.to_string(),
        "sh -c exit 3 failed with exit code 3, in root cluster of stack hello; the steps after it did not run"
    );
    assert!(!marker.exists(), "the step after the failure did not run");
    let missing = [step("tfsynth-no-such-program", &[], None)];
    let err = ops::run_steps(dir.path(), "hello", &missing).unwrap_err();
    assert!(matches!(err, StepError::CannotRun { .. }), "{err}");
    assert_eq!(err.exit_code(), 2);
    assert!(ops::run_steps(dir.path(), "hello", &[step("true", &[], None)]).is_ok());
}

#[test]
fn comparing_equal_files_finds_nothing_and_a_new_file_is_named() {
    let a: BTreeMap<PathBuf, String> =
        BTreeMap::from([(PathBuf::from("hello/README.md"), "x\n".to_owned())]);
    assert_eq!(
        compare(
            &a,
            &a,
            Path::new("generated"),
            Style::new(false),
            &|s| format!("stacks/{s}.toml"),
            &RequiresReplace::default(),
        ),
        None
    );
    let none = BTreeMap::new();
    assert_eq!(
        compare(
            &none,
            &a,
            Path::new("generated"),
            Style::new(false),
            &|s| format!("stacks/{s}.toml"),
            &RequiresReplace::default(),
        )
        .as_deref(),
        Some("generated/hello/README.md\n  new file, 1 line\n")
    );
}

#[test]
fn a_local_override_without_its_stack_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["hello.toml", "hello.local.toml", "helo.local.toml"] {
        write(dir.path(), &format!("stacks/{name}"), b"");
    }
    let project = Project::open(dir.path()).unwrap();
    assert_eq!(
        project.stack_warnings(),
        [
            "stacks/helo.local.toml: no stacks/helo.toml beside it, so no stack reads it (a typo in its name?)"
        ]
    );
    assert_eq!(project.stack_names(&[]).unwrap(), ["hello"]);
}

/// Issue 16's review: a stack file that is a link is a stack, and a
/// `NAME.toml` that is not a file is refused by name. Skipping either made
/// synth delete that stack's output as if it had been removed.
#[test]
fn a_linked_stack_file_is_a_stack_and_a_toml_that_is_not_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let stacks = dir.path().join("stacks");
    std::fs::create_dir(&stacks).unwrap();
    std::fs::write(dir.path().join("real.toml"), "").unwrap();
    std::os::unix::fs::symlink("../real.toml", stacks.join("hello.toml")).unwrap();
    assert_eq!(tfsynth::synth::stack_names(&stacks).unwrap(), ["hello"]);
    for (name, make) in [
        (
            "dir.toml",
            &(|p: &Path| std::fs::create_dir(p).unwrap()) as &dyn Fn(&Path),
        ),
        ("gone.toml", &|p: &Path| {
            std::os::unix::fs::symlink("/nonexistent", p).unwrap()
        }),
    ] {
        let path = stacks.join(name);
        make(&path);
        let err = tfsynth::synth::stack_names(&stacks)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(&format!("{}: ", path.display())), "{err}");
        std::fs::remove_dir(&path)
            .or_else(|_| std::fs::remove_file(&path))
            .unwrap();
    }
}
