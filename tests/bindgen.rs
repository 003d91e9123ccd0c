//! `tfsynth bindgen` end to end: the committed bindings of a provider the
//! project never saw (hashicorp/random) are current, work through the
//! typed API and validate clean; every shipped type generates valid Rust.

#[rustfmt::skip]
#[allow(dead_code, unused_imports)]
#[path = "../examples/random/mod.rs"]
mod random;

use std::path::{Path, PathBuf};
use std::process::Command;

use random::{RandomPassword, RandomPasswordRef, RandomProvider, RandomShuffle, RandomShuffleRef};
use tfsynth::bindgen::{self, Options};
use tfsynth::schema::{Schemas, validate_resolved};
use tfsynth::tf::{Expr, Number, Output, Stack, Value, each_value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn random_options() -> Options {
    Options {
        provider: "hashicorp/random".to_owned(),
        types: Vec::new(),
        crate_path: "tfsynth".to_owned(),
    }
}

/// The shipped schemas plus random's.
fn schemas() -> Schemas {
    let mut schemas = Schemas::load_dir(&root().join("schemas"), "schemas").unwrap();
    let text = std::fs::read_to_string(root().join("examples/schemas/random.json")).unwrap();
    schemas
        .add_text("examples/schemas/random.json", text)
        .unwrap();
    schemas
}

#[test]
fn the_committed_random_bindings_are_what_the_generator_writes() {
    let text = std::fs::read_to_string(root().join("examples/schemas/random.json")).unwrap();
    let files =
        bindgen::generate("examples/schemas/random.json", &text, &random_options()).unwrap();
    let stale = bindgen::stale(&root().join("examples/random"), &files).unwrap();
    assert!(
        stale.is_empty(),
        "regenerate with `cargo run -- bindgen --schema examples/schemas/random.json --provider hashicorp/random --out examples/random`: {stale:?}"
    );
}

/// The crate's own `src/providers/` is generated; this is CI's check that
/// it is current. `TFSYNTH_REGENERATE=1 cargo test --test bindgen
/// shipped` rewrites it (after a schema refresh or a generator change).
#[test]
fn the_shipped_provider_bindings_are_what_the_generator_writes() {
    use tfsynth::providers::{GOOGLE_TYPES, KUBERNETES_TYPES};
    let regenerate = std::env::var_os("TFSYNTH_REGENERATE").is_some_and(|v| v == "1");
    for (name, types) in [("google", GOOGLE_TYPES), ("kubernetes", KUBERNETES_TYPES)] {
        let schema = format!("schemas/{name}.json");
        let text = std::fs::read_to_string(root().join(&schema)).unwrap();
        let options = Options {
            provider: format!("hashicorp/{name}"),
            types: types.iter().map(|t| (*t).to_owned()).collect(),
            crate_path: "crate".to_owned(),
        };
        let files = bindgen::generate(&schema, &text, &options).unwrap();
        let dir = root().join("src/providers").join(name);
        if regenerate {
            bindgen::write(&dir, &files).unwrap();
        }
        let stale = bindgen::stale(&dir, &files).unwrap();
        assert!(
            stale.is_empty(),
            "src/providers/{name} is not what `tfsynth bindgen` writes from {schema}; \
             regenerate with `TFSYNTH_REGENERATE=1 cargo test --test bindgen shipped` \
             and review the diff: {stale:?}"
        );
    }
}

/// The password stack of `examples/random_password.rs`, its output
/// marked sensitive or not.
fn password_stack(sensitive: Option<bool>) -> Stack {
    let mut stack = Stack::new();
    stack.configure(RandomProvider::default());
    let password = stack.add(
        "db",
        RandomPassword {
            special: Some(false.into()),
            min_numeric: Some(2.into()),
            ..RandomPassword::new(24)
        },
    );
    stack.output(
        "db_password",
        Output {
            sensitive,
            ..Output::new(password.result(), "the database user's password")
        },
    );
    stack
}

#[test]
fn a_random_password_through_the_typed_api_synthesizes_and_validates_clean() {
    let doc = password_stack(Some(true)).resolve().unwrap();
    let json = tfsynth::emit::to_json(&doc, "test");
    assert!(
        json.contains(
            r#""random_password": {
      "db": {
        "length": 24,
        "min_numeric": 2,
        "special": false
      }
    }"#
        ),
        "{json}"
    );
    assert!(
        json.contains(r#""value": "${random_password.db.result}""#),
        "{json}"
    );
    let report = validate_resolved(&doc, &schemas());
    assert_eq!(report.findings, Vec::new());
    assert_eq!(report.warnings, Vec::<String>::new());
}

#[test]
fn the_validator_checks_random_types_against_their_schema() {
    // Proof that validation above really read random's schema: an
    // attribute it lacks, set through the escape hatch, is found.
    let mut stack = password_stack(Some(true));
    let handle = stack.add("typo", RandomPassword::new(8));
    stack.override_attr(&handle, "lenght", 3);
    let doc = stack.resolve().unwrap();
    let report = validate_resolved(&doc, &schemas());
    let findings: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(findings[0].contains("random_password.typo"), "{findings:?}");
    assert!(findings[0].contains("lenght"), "{findings:?}");
}

#[test]
fn fields_take_references_calls_raw_expressions_and_iterator_values() {
    let mut stack = Stack::new();
    let shuffle = stack.add(
        "zones",
        RandomShuffle {
            result_count: Some(Expr::<Number>::raw("length(var.zones) - 1").into()),
            ..RandomShuffle::new(Expr::<Vec<Value<String>>>::raw("var.zones"))
        },
    );
    let first = shuffle.result().index(0);
    stack.add(
        "named",
        RandomPassword {
            keepers: Some(
                [("zone".to_owned(), Value::from(first.clone()))]
                    .into_iter()
                    .collect::<std::collections::BTreeMap<_, _>>()
                    .into(),
            ),
            override_special: Some(Expr::<String>::call("upper", vec!["_%@".into()]).into()),
            ..RandomPassword::new(Expr::<Number>::call("max", vec![16.into(), 24.into()]))
        },
    );
    stack.add_with(
        "each",
        RandomPassword::new(each_value::<Number>()),
        tfsynth::tf::Meta {
            for_each: Some(tfsynth::tf::Expression::raw("{ a = 16, b = 20 }")),
            ..Default::default()
        },
    );
    stack.variable("zones", tfsynth::tf::Variable::default());
    let doc = stack.resolve().unwrap();
    let json = tfsynth::emit::to_json(&doc, "test");
    for expected in [
        r#""input": "${var.zones}""#,
        r#""result_count": "${length(var.zones) - 1}""#,
        r#""zone": "${random_shuffle.zones.result[0]}""#,
        r#""override_special": "${upper(\"_%@\")}""#,
        r#""length": "${max(16, 24)}""#,
        r#""length": "${each.value}""#,
    ] {
        assert!(json.contains(expected), "missing {expected} in {json}");
    }
}

#[test]
fn every_shipped_google_and_kubernetes_type_generates_rust_that_parses() {
    // `generate` parses each file with syn before printing it; a file that
    // does not parse is an error. Every type of both shipped providers.
    for (file, provider, at_least) in [
        ("schemas/google.json", "hashicorp/google", 1400),
        ("schemas/kubernetes.json", "hashicorp/kubernetes", 100),
    ] {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        let options = Options {
            provider: provider.to_owned(),
            ..random_options()
        };
        let files = bindgen::generate(file, &text, &options).unwrap();
        assert!(files.len() > at_least, "{file}: {} files", files.len());
        for f in &files {
            if f.path != "mod.rs" {
                assert!(
                    f.text.starts_with("// Generated by `tfsynth bindgen`"),
                    "{}",
                    f.path
                );
            }
        }
    }
}

#[test]
fn a_selection_of_types_generates_only_those() {
    let text = std::fs::read_to_string(root().join("schemas/google.json")).unwrap();
    let options = Options {
        provider: "registry.terraform.io/hashicorp/google".to_owned(),
        types: vec![
            "google_compute_network".to_owned(),
            "data.google_compute_network".to_owned(),
            "google_sql_database_instance".to_owned(),
        ],
        crate_path: "tfsynth".to_owned(),
    };
    let files = bindgen::generate("schemas/google.json", &text, &options).unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "data_google_compute_network.rs",
            "google_compute_network.rs",
            "google_sql_database_instance.rs",
            "mod.rs",
            "provider.rs"
        ]
    );
    let instance = &files[2].text;
    // `settings` is a list block of at most one: an `Option`.
    assert!(
        instance.contains("pub settings: Option<Settings>,"),
        "{instance}"
    );
    assert!(
        instance.contains("pub struct SettingsIpConfiguration {"),
        "{instance}"
    );
}

fn tfsynth(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tfsynth"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn the_command_writes_checks_and_names_stale_files() {
    let committed = [
        "bindgen",
        "--schema",
        "examples/schemas/random.json",
        "--provider",
        "hashicorp/random",
        "--out",
        "examples/random",
        "--check",
    ];
    assert_eq!(
        tfsynth(&committed),
        (true, "examples/random: 10 files up to date\n".to_owned())
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("random");
    let out_arg = out.to_str().unwrap();
    let mut args = committed.to_vec();
    args[6] = out_arg;
    args.push("--types");
    args.push("random_uuid");
    let (ok, text) = tfsynth(&args);
    assert!(!ok);
    assert!(text.contains("bindings are out of date"), "{text}");
    assert!(text.contains("random_uuid.rs (missing)"), "{text}");
    args.retain(|a| *a != "--check");
    let (ok, text) = tfsynth(&args);
    assert!(ok, "{text}");
    assert_eq!(list(&out), ["mod.rs", "provider.rs", "random_uuid.rs"]);
    // A type dropped from the selection is removed; files without the
    // generated header are left alone.
    std::fs::write(out.join("mine.rs"), "// mine\n").unwrap();
    let mut args = args.clone();
    let at = args.iter().position(|a| *a == "random_uuid").unwrap();
    args[at] = "random_pet";
    let (ok, text) = tfsynth(&args);
    assert!(ok, "{text}");
    assert_eq!(
        list(&out),
        ["mine.rs", "mod.rs", "provider.rs", "random_pet.rs"]
    );
    // The summary says what went, not only what was written.
    assert_eq!(
        text,
        format!("{out_arg}: wrote 3 files; removed 1 no longer generated: random_uuid.rs\n")
    );
    let (ok, text) = tfsynth(&args);
    assert!(ok, "{text}");
    assert_eq!(text, format!("{out_arg}: wrote 3 files\n"));
}

/// `tfsynth bindgen` on random's schema into `out`, with `extra` arguments.
fn bindgen_random(out: &Path, extra: &[&str]) -> (bool, String) {
    let mut args = vec![
        "bindgen",
        "--schema",
        "examples/schemas/random.json",
        "--provider",
        "random",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    tfsynth(&args)
}

/// A list of types the generator cannot use stops it before it writes
/// anything, with every name quoted and an empty entry named by position.
#[test]
fn bad_type_lists_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("random");
    for (types, message) in [
        (
            "random_uuid,,random_pet",
            "error: entry 2 of --types is empty\n",
        ),
        ("random_uuid,", "error: entry 2 of --types is empty\n"),
        (
            "random_uuid, random_pett",
            "error: examples/schemas/random.json: registry.terraform.io/hashicorp/random \
             has no resource or data source type \"random_pett\" (did you mean \"random_pet\"?)\n",
        ),
    ] {
        assert_eq!(
            bindgen_random(&out, &["--types", types]),
            (false, message.to_owned()),
            "{types:?}"
        );
        assert!(!out.exists(), "{types:?} wrote {}", out.display());
    }
    // Spaces after the commas are not part of the names.
    let (ok, text) = bindgen_random(&out, &["--types", "random_uuid, random_pet"]);
    assert!(ok, "{text}");
    assert_eq!(
        list(&out),
        ["mod.rs", "provider.rs", "random_pet.rs", "random_uuid.rs"]
    );
}

/// `--crate-path` is written into every file's `use`: anything but a Rust
/// path is refused before anything is written.
#[test]
fn a_crate_path_that_is_not_a_rust_path_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("random");
    for path in ["tf-synth", "", "tfsynth::"] {
        assert_eq!(
            bindgen_random(&out, &["--crate-path", path]),
            (
                false,
                format!(
                    "error: --crate-path {path:?} is not a Rust path to the tfsynth crate \
                     (such as tfsynth, crate::tf_lib or ::tfsynth)\n"
                )
            ),
        );
        assert!(!out.exists(), "{path:?} wrote {}", out.display());
    }
    let (ok, text) = bindgen_random(&out, &["--crate-path", "::tfsynth"]);
    assert!(ok, "{text}");
    let uuid = std::fs::read_to_string(out.join("random_uuid.rs")).unwrap();
    assert!(uuid.contains("use ::tfsynth::tf::{"), "{uuid}");
}

/// The one step from "I need google_sql_database_instance" to a typed
/// struct: no schema file to find, the shipped one is built in.
#[test]
fn a_shipped_provider_needs_no_schema_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("google");
    let (ok, text) = tfsynth(&[
        "bindgen",
        "--provider",
        "google",
        "--types",
        "google_sql_database_instance",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{text}");
    assert_eq!(
        list(&out),
        ["google_sql_database_instance.rs", "mod.rs", "provider.rs"]
    );
    let (ok, text) = tfsynth(&["bindgen", "--provider", "hashicorp/random", "--out", "x"]);
    assert!(!ok);
    assert!(
        text.contains("no schema of \"hashicorp/random\" is built in"),
        "{text}"
    );
    let (ok, text) = tfsynth(&[
        "bindgen",
        "--provider",
        "google",
        "--types",
        "google_sql_databse_instance",
        "--out",
        "x",
    ]);
    assert!(!ok);
    assert!(
        text.contains("schemas/google.json (built in): registry.terraform.io/hashicorp/google has no resource or data source type \"google_sql_databse_instance\" (did you mean \"google_sql_database_instance\"?)"),
        "{text}"
    );
    // `google_sql_user` is a resource only: asked for as a data source, it
    // is named as the resource, not as the nearest data source.
    let (ok, text) = tfsynth(&[
        "bindgen",
        "--provider",
        "google",
        "--types",
        "data.google_sql_user",
        "--out",
        "x",
    ]);
    assert!(!ok);
    assert_eq!(
        text,
        "error: schemas/google.json (built in): registry.terraform.io/hashicorp/google has no \
         resource or data source type \"data.google_sql_user\" (it is a resource: \"google_sql_user\")\n"
    );
}

fn list(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn files_of_the_same_name_the_generator_did_not_write_are_never_overwritten() {
    let text = std::fs::read_to_string(root().join("examples/schemas/random.json")).unwrap();
    let files =
        bindgen::generate("examples/schemas/random.json", &text, &random_options()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    std::fs::write(out.join("mod.rs"), "mine\n").unwrap();
    // The header quoted below the first line is not the generator's.
    let quoted = "fn x() {}\n// Generated by `tfsynth bindgen`; do not edit.\n";
    std::fs::write(out.join("random_uuid.rs"), quoted).unwrap();
    std::fs::write(out.join("notes.txt"), "keep\n").unwrap();
    let err = bindgen::write(out, &files).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("nothing was written: move them away")
            && message.ends_with("mod.rs, random_uuid.rs"),
        "{message}"
    );
    // One such file is "it", not "them".
    let one = tempfile::tempdir().unwrap();
    std::fs::write(one.path().join("mod.rs"), "mine\n").unwrap();
    assert_eq!(
        bindgen::write(one.path(), &files).unwrap_err().to_string(),
        "not written by tfsynth bindgen (no generated header where it puts one), so not \
         overwritten; nothing was written: move it away or choose another --out: mod.rs"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("mod.rs")).unwrap(),
        "mine\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("random_uuid.rs")).unwrap(),
        quoted
    );
    assert!(
        !out.join("random_password.rs").exists(),
        "nothing was written"
    );
    let stale = bindgen::stale(out, &files).unwrap();
    assert!(
        stale.contains(&"mod.rs (not written by tfsynth bindgen)".to_owned()),
        "{stale:?}"
    );
    // Once moved away, the generator writes, and a second run changes nothing.
    std::fs::remove_file(out.join("mod.rs")).unwrap();
    std::fs::remove_file(out.join("random_uuid.rs")).unwrap();
    bindgen::write(out, &files).unwrap();
    // Nothing left over from an earlier run: nothing removed.
    assert_eq!(bindgen::write(out, &files).unwrap(), Vec::<String>::new());
    assert!(bindgen::stale(out, &files).unwrap().is_empty());
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "keep\n"
    );
}

/// README's snippet, as written there, with the stack it needs.
#[test]
fn the_readme_snippet_synthesizes_and_validates() {
    use tfsynth::tf::{VarType, Variable};
    let mut stack = Stack::new();
    let keepers = stack.variable(
        "keepers",
        Variable {
            r#type: Some(VarType::Map(Box::new(VarType::String))),
            ..Variable::default()
        },
    );
    let password = stack.add(
        "db",
        RandomPassword {
            special: Some(false.into()),
            keepers: Some(keepers.value().into()),
            ..RandomPassword::new(24)
        },
    );
    stack.output(
        "db_password",
        Output {
            sensitive: Some(true),
            ..Output::new(password.result(), "the password")
        },
    );
    let doc = stack.into_document().unwrap();
    let report = validate_resolved(&doc, &schemas());
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

/// Terraform refuses an output that reads a sensitive attribute unless it
/// is marked sensitive: validation says so before terraform does.
#[test]
fn an_output_of_a_sensitive_attribute_must_be_marked_sensitive() {
    for (sensitive, refused) in [(None, true), (Some(false), true), (Some(true), false)] {
        let doc = password_stack(sensitive).into_document().unwrap();
        let findings: Vec<String> = validate_resolved(&doc, &schemas())
            .findings
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(!findings.is_empty(), refused, "{sensitive:?}: {findings:?}");
        if refused {
            assert_eq!(
                findings,
                [
                    "output.db_password: value: random_password.db.result is sensitive in its provider's schema; mark the output sensitive (Terraform refuses it: Output refers to sensitive values)"
                ]
            );
        }
    }
}

/// Every way an output can read a sensitive attribute is caught, in a
/// stack and in JSON alike: a template, a raw expression, a function
/// call, and a local value (or a chain of them) holding the reference.
#[test]
fn a_sensitive_attribute_reached_through_templates_raw_expressions_or_locals_is_caught() {
    use tfsynth::tf::{Expression, Template};
    let pw = || {
        let mut s = Stack::new();
        s.configure(RandomProvider::default());
        let p = s.add("db", RandomPassword::new(24));
        (s, p)
    };
    type Build = fn(&mut Stack, &tfsynth::tf::Ref<RandomPassword>) -> Expression;
    let cases: [(&str, Build); 6] = [
        ("a reference", |_, p| p.result().into()),
        ("a template", |_, p| {
            Template::new().lit("pw=").interp(p.result()).build().into()
        }),
        ("a raw expression", |_, _| {
            Expression::raw("random_password.db.result")
        }),
        ("a function call", |_, p| {
            Expression::call("upper", vec![p.result().into()])
        }),
        ("a local", |s, p| {
            s.local("pw", p.result()).value::<String>().into()
        }),
        ("a chain of locals", |s, p| {
            let first = s.local("first", p.result());
            s.local(
                "second",
                Expression::call("trimspace", vec![first.value::<String>().into()]),
            )
            .value::<String>()
            .into()
        }),
    ];
    for (what, build) in cases {
        for sensitive in [None, Some(true)] {
            let (mut s, p) = pw();
            let value = build(&mut s, &p);
            s.output(
                "out",
                Output {
                    sensitive,
                    ..Output::new(Expr::<String>::new(value), "out")
                },
            );
            let doc = s.into_document().unwrap();
            let direct = validate_resolved(&doc, &schemas());
            let json =
                tfsynth::schema::validate_document(&tfsynth::emit::to_json_value(&doc), &schemas());
            for (how, report) in [("in memory", &direct), ("as JSON", &json)] {
                let found: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
                if sensitive == Some(true) {
                    assert!(found.is_empty(), "{what} {how}: {found:?}");
                } else {
                    assert_eq!(
                        found,
                        [
                            "output.out: value: random_password.db.result is sensitive in its provider's schema; mark the output sensitive (Terraform refuses it: Output refers to sensitive values)"
                        ],
                        "{what} {how}"
                    );
                }
            }
        }
    }
}

/// Nested blocks, sets and objects of the crate's generated bindings are
/// reached through typed accessors, written as Terraform reads them, and
/// the validator type-checks every reference against the schema.
#[test]
fn nested_blocks_sets_and_objects_are_referenced_as_terraform_reads_them() {
    use tfsynth::providers::google::google_container_cluster::{
        MasterAuthRef, NodeConfigEffectiveTaintsRef, NodeConfigRef,
    };
    use tfsynth::providers::google::{
        GoogleComputeNetwork, GoogleContainerCluster, GoogleContainerClusterRef,
    };

    let mut stack = Stack::new();
    let cluster = stack.add("gke", GoogleContainerCluster::new("web"));
    let ca = cluster.master_auth().index(0).cluster_ca_certificate();
    // A set has no index: `tolist` first, as Terraform requires.
    let zone = cluster.node_locations().to_list().index(0);
    let taint = cluster
        .node_config()
        .index(0)
        .effective_taints()
        .index(0)
        .effect();
    stack.add(
        "net",
        GoogleComputeNetwork {
            description: Some(zone.into()),
            ..GoogleComputeNetwork::new(taint)
        },
    );
    stack.output("ca", Output::new(ca, "the cluster's CA"));
    let doc = stack.resolve().unwrap();
    let json = tfsynth::emit::to_json(&doc, "test");
    for expected in [
        r#""value": "${google_container_cluster.gke.master_auth[0].cluster_ca_certificate}""#,
        r#""description": "${element(tolist(google_container_cluster.gke.node_locations), 0)}""#,
        r#""name": "${google_container_cluster.gke.node_config[0].effective_taints[0].effect}""#,
    ] {
        assert!(json.contains(expected), "{expected} not in {json}");
    }
    let report = validate_resolved(&doc, &schemas());
    assert!(report.is_clean(), "{:?}", report.findings);
}
