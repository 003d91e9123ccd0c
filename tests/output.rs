//! The output directory: synth replaces and removes only the files it
//! wrote, cleans what a kill left, and says what it had done when a write
//! fails. Called through the library, as the CLI calls it.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use tfsynth::output::{self, PlanError, is_owned};
use tfsynth::settings::{Source, Sources};
use tfsynth::synth::{Format, GeneratedFile, header, synth_stack};

const HELLO: &str = include_str!("../stacks/hello.toml");

fn file(path: &str, contents: &str) -> GeneratedFile {
    GeneratedFile {
        path: PathBuf::from(path),
        contents: contents.to_owned(),
    }
}

fn json_of(stack: &str) -> String {
    format!(
        "{{\n  \"//\": \"{}\",\n  \"terraform\": {{}}\n}}\n",
        header(stack, false)
    )
}

fn write(base: &Path, rel: &str, text: &str) {
    let path = base.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn read(base: &Path, rel: &str) -> String {
    std::fs::read_to_string(base.join(rel)).unwrap()
}

fn sync(out: &Path, files: Vec<GeneratedFile>) -> output::Plan {
    let plan = output::plan(out, None, files).unwrap();
    output::apply(out, &plan).unwrap();
    plan
}

#[test]
fn every_file_synth_writes_is_recognised_as_its_own() {
    // With and without a local override (its header names both files).
    for (local, format) in [
        (false, Format::Both),
        (true, Format::Both),
        (true, Format::Hcl),
    ] {
        let sources = Sources {
            name: "hello".to_owned(),
            base: Source {
                display: "stacks/hello.toml".to_owned(),
                text: HELLO.to_owned(),
            },
            local: local.then(|| Source {
                display: "stacks/hello.local.toml".to_owned(),
                text: String::new(),
            }),
        };
        let files = synth_stack(&sources, format, None).unwrap().files;
        assert!(files.len() >= 3);
        for f in files {
            assert!(
                is_owned(&f.path, &f.contents),
                "{} is not recognised as written by tfsynth",
                f.path.display()
            );
        }
    }
}

/// The kind: a file is tfsynth's only at a path synth writes, with its
/// stack's header in its exact place and form.
#[test]
fn ownership_needs_the_exact_path_and_header_place() {
    let h = header("hello", false);
    let local = header("hello", true);
    let cases: &[(&str, String, bool)] = &[
        ("hello/README.md", format!("<!-- {h} -->\n# Stack"), true),
        ("hello/README.md", format!("<!-- {local} -->\n"), true),
        ("hello/cluster/main.tf", format!("# {h}\n\nx"), true),
        ("hello/cluster/hcl/main.tf", format!("# {h}\n"), true),
        ("hello/cluster/main.tf.json", json_of("hello"), true),
        (
            "hello/cluster/main.tf.json",
            format!("{{\n  \"//\": \"{local}\",\n  \"x\": 1\n}}\n"),
            true,
        ),
        ("hello/cluster/main.tf", format!("# {local}\n"), true),
        (
            "hello/cluster/main.tf.json",
            format!("{{\n  \"//\": \"{h}\"\n}}\n"),
            true,
        ),
        // The inputs: the phrase on a second line of a user's file,
        // and a backup of a generated file.
        (
            "NOTES.md",
            format!("# Notes\nThese files are {h}.\n"),
            false,
        ),
        ("hello/NOTES.md", format!("<!-- {h} -->\n"), false),
        ("hello/cluster/main.tf.json.bak", json_of("hello"), false),
        // The header of another stack, or of none.
        ("gone/cluster/main.tf", format!("# {h}\n"), false),
        ("hello/cluster/main.tf", "# my own\n".to_owned(), false),
        // The header, but not in its place or its form.
        ("hello/cluster/main.tf", format!("\n# {h}\n"), false),
        ("hello/cluster/main.tf", format!("#{h}\n"), false),
        ("hello/cluster/main.tf", format!("# {h} (edited)\n"), false),
        ("hello/cluster/main.tf", format!("// {h}\n"), false),
        ("hello/README.md", format!("# {h}\n"), false),
        (
            "hello/cluster/main.tf.json",
            format!("{{\"//\": \"{h}\"}}"),
            false,
        ),
        (
            "hello/cluster/main.tf.json",
            format!("{{\n  \"x\": 1,\n  \"//\": \"{h}\"\n}}"),
            false,
        ),
        // Paths synth never writes.
        ("main.tf", format!("# {h}\n"), false),
        ("generated/hello/cluster/main.tf", format!("# {h}\n"), false),
        ("hello/cluster/modules/main.tf", format!("# {h}\n"), false),
        ("Hello/README.md", format!("<!-- {h} -->\n"), false),
        ("../hello/README.md", format!("<!-- {h} -->\n"), false),
        ("hello/9root/main.tf", format!("# {h}\n"), false),
    ];
    for (path, text, owned) in cases {
        assert_eq!(is_owned(Path::new(path), text), *owned, "{path}: {text:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Text around the header, or a file that only quotes it, is never
    /// enough: only the exact first line (second for JSON) counts.
    #[test]
    fn the_header_anywhere_but_its_place_is_not_ownership(
        before in "[ -~\n]{0,40}",
        after in "[ -~]{1,20}",
    ) {
        let h = header("hello", false);
        let text = format!("{before}# {h}{after}\n");
        prop_assert!(!is_owned(Path::new("hello/cluster/main.tf"), &text));
        let quoted = format!("{before}\n{h}\n");
        prop_assert!(!is_owned(Path::new("hello/README.md"), &quoted));
    }
}

#[test]
fn a_users_files_beside_and_inside_the_output_survive_a_synth() {
    let out = tempfile::tempdir().unwrap();
    let out = out.path();
    let h = header("hello", false);
    // generated/NOTES.md whose second line happens to hold the phrase,
    // and a backup of a generated file: both were deleted before.
    let notes = format!("# Notes\nAll of this is {h}, see below.\n");
    write(out, "NOTES.md", &notes);
    write(out, "hello/cluster/main.tf.json.bak", &json_of("hello"));
    write(out, "hello/cluster/terraform.tfvars", "x = 1\n");
    write(out, "hello/retired/main.tf.json", &json_of("hello"));
    write(out, "hello/retired/notes.txt", "keep me\n");
    let plan = sync(
        out,
        vec![file("hello/cluster/main.tf.json", &json_of("hello"))],
    );
    assert_eq!(plan.remove, [PathBuf::from("hello/retired/main.tf.json")]);
    assert_eq!(read(out, "NOTES.md"), notes);
    assert_eq!(
        read(out, "hello/cluster/main.tf.json.bak"),
        json_of("hello")
    );
    assert_eq!(read(out, "hello/cluster/terraform.tfvars"), "x = 1\n");
    assert_eq!(
        read(out, "hello/retired/notes.txt"),
        "keep me\n",
        "a directory keeping a user's file is not removed"
    );
    assert!(!out.join("hello/retired/main.tf.json").exists());
}

#[test]
fn a_hand_written_file_where_synth_writes_stops_it_with_nothing_written() {
    let out = tempfile::tempdir().unwrap();
    let out = out.path();
    write(out, "hello/cluster/main.tf.json", "{\"mine\": true}\n");
    std::fs::create_dir_all(out.join("hello/README.md")).unwrap();
    let files = vec![
        file("hello/README.md", "x"),
        file("hello/cluster/main.tf.json", &json_of("hello")),
        file("hello/workload/main.tf.json", &json_of("hello")),
    ];
    let err = output::plan(out, None, files).unwrap_err();
    match &err {
        PlanError::NotOwned(paths) => assert_eq!(
            paths,
            &[
                PathBuf::from("hello/README.md"),
                PathBuf::from("hello/cluster/main.tf.json")
            ]
        ),
        other => panic!("{other}"),
    }
    let message = err.message(Path::new("generated"));
    assert!(
        message.contains("\n  generated/hello/cluster/main.tf.json")
            && message.contains("nothing was written"),
        "{message}"
    );
    assert_eq!(
        read(out, "hello/cluster/main.tf.json"),
        "{\"mine\": true}\n"
    );
    assert!(!out.join("hello/workload").exists());
}

#[test]
fn leftovers_of_a_killed_write_are_cleaned_and_never_trusted() {
    let out = tempfile::tempdir().unwrap();
    let out = out.path();
    let whole = json_of("hello");
    // A kill mid-write: the old file is whole; a partial temporary file
    // carrying the header sits beside it, and another beside a README.
    write(out, "hello/cluster/main.tf.json", &whole);
    write(
        out,
        "hello/cluster/.main.tf.json.tfsynth-tmp",
        &whole[..whole.len() / 2],
    );
    write(out, "hello/.README.md.tfsynth-tmp", "<!-- gen");
    let readme = format!("<!-- {} -->\n", header("hello", false));
    let files = vec![
        file("hello/README.md", &readme),
        file("hello/cluster/main.tf.json", &whole),
    ];
    let plan = output::plan(out, None, files.clone()).unwrap();
    assert_eq!(
        plan.leftovers,
        [
            PathBuf::from("hello/.README.md.tfsynth-tmp"),
            PathBuf::from("hello/cluster/.main.tf.json.tfsynth-tmp"),
        ]
    );
    assert!(
        !plan.is_empty(),
        "a check reports leftovers, not 'up to date'"
    );
    assert!(plan.remove.is_empty(), "a leftover is not a generated file");
    let lines = plan.lines(Path::new("generated"), false);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("leftover: generated/hello/cluster/.main.tf.json.tfsynth-tmp")),
        "{lines:?}"
    );
    output::apply(out, &plan).unwrap();
    assert!(!out.join("hello/cluster/.main.tf.json.tfsynth-tmp").exists());
    assert!(!out.join("hello/.README.md.tfsynth-tmp").exists());
    assert_eq!(read(out, "hello/README.md"), readme);
    assert!(output::plan(out, None, files).unwrap().is_empty());
}

#[test]
fn a_failed_write_names_the_file_and_what_was_written_before_it() {
    let out = tempfile::tempdir().unwrap();
    let out = out.path();
    // A directory where the temporary file of the second file must go:
    // its write fails, after the first file was written.
    std::fs::create_dir_all(out.join("hello/workload/.main.tf.json.tfsynth-tmp/x")).unwrap();
    let files = vec![
        file("hello/cluster/main.tf.json", &json_of("hello")),
        file("hello/workload/main.tf.json", &json_of("hello")),
    ];
    let plan = output::plan(out, None, files).unwrap();
    let err = output::apply(out, &plan).unwrap_err();
    assert_eq!(err.path, PathBuf::from("hello/workload/main.tf.json"));
    assert_eq!(
        err.done.done,
        [("created", PathBuf::from("hello/cluster/main.tf.json"))]
    );
    let message = err.message(Path::new("generated"));
    assert!(
        message.starts_with(
            "generated/hello/workload/main.tf.json: cannot write: \
             hello/workload/.main.tf.json.tfsynth-tmp: "
        ) && message.ends_with("\n  created: generated/hello/cluster/main.tf.json"),
        "{message}"
    );
    assert_eq!(read(out, "hello/cluster/main.tf.json"), json_of("hello"));
}

#[test]
fn output_directories_that_are_not_ones_are_refused() {
    let project = tempfile::tempdir().unwrap();
    let p = project.path();
    std::fs::create_dir_all(p.join("stacks")).unwrap();
    std::fs::create_dir_all(p.join("src")).unwrap();
    std::fs::create_dir_all(p.join("vendor/lib/.git")).unwrap();
    for (out, refused) in [
        (".", true),
        ("./", true),
        ("..", true),
        ("generated/..", true),
        ("stacks", true),
        ("stacks/out", true),
        ("vendor/lib", true),
        ("generated", false),
        ("out/generated", false),
        ("src/../generated", false),
    ] {
        let result = output::check_output_dir(p, Path::new(out));
        assert_eq!(result.is_err(), refused, "--out {out}: {result:?}");
        if let Err(message) = result {
            assert!(message.starts_with(&format!("--out {out}: ")), "{message}");
        }
    }
}

#[test]
fn a_scoped_plan_leaves_other_stacks_alone() {
    let out = tempfile::tempdir().unwrap();
    let out = out.path();
    write(out, "other/cluster/main.tf.json", &json_of("other"));
    let plan = output::plan(
        out,
        Some(&["hello".to_owned()]),
        vec![file("hello/cluster/main.tf.json", &json_of("hello"))],
    )
    .unwrap();
    assert!(plan.remove.is_empty());
    output::apply(out, &plan).unwrap();
    assert_eq!(read(out, "other/cluster/main.tf.json"), json_of("other"));
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_at_the_temporary_path_is_never_written_through() {
    let out = tempfile::tempdir().unwrap();
    let out = out.path();
    let outside = tempfile::tempdir().unwrap();
    let precious = outside.path().join("precious.txt");
    std::fs::write(&precious, "my notes\n").unwrap();
    write(out, "hello/cluster/main.tf.json", &json_of("hello"));
    std::os::unix::fs::symlink(
        &precious,
        out.join("hello/cluster/.main.tf.json.tfsynth-tmp"),
    )
    .unwrap();
    let new = json_of("hello").replace("\"terraform\": {}", "\"terraform\": {\"x\": 1}");
    sync(out, vec![file("hello/cluster/main.tf.json", &new)]);
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "my notes\n");
    assert_eq!(read(out, "hello/cluster/main.tf.json"), new);
    assert!(
        std::fs::symlink_metadata(out.join("hello/cluster/main.tf.json"))
            .unwrap()
            .file_type()
            .is_file(),
        "the file is a file, not the link"
    );
}
