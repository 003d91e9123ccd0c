//! Issue 17, item 2: `validate --format sarif` and `--format json`, the
//! SARIF checked against the SARIF 2.1.0 JSON schema (OASIS, as the
//! serde-sarif 0.8.0 crate ships it: `tests/data/sarif-schema-2.1.0.json`).

use std::path::Path;
use std::process::{Command, Output};

fn tfsynth(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tfsynth"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("tfsynth runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A project with the committed schemas and, in `tf/`, a root with a
/// misspelled attribute (`nmae`, line 4) and a valid one.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(dir.path().join("schemas")).unwrap();
    std::fs::create_dir_all(dir.path().join("stacks")).unwrap();
    for file in ["google.json", "kubernetes.json"] {
        std::fs::copy(
            root.join("schemas").join(file),
            dir.path().join("schemas").join(file),
        )
        .unwrap();
    }
    std::fs::create_dir_all(dir.path().join("tf/bad")).unwrap();
    std::fs::create_dir_all(dir.path().join("tf/good")).unwrap();
    std::fs::write(
        dir.path().join("tf/bad/main.tf"),
        "resource \"google_compute_network\" \"vpc\" {\n  name = \"a\"\n  auto_create_subnetworks = false\n  nmae = \"b\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("tf/good/main.tf"),
        "resource \"google_compute_network\" \"vpc\" {\n  name = \"a\"\n}\n",
    )
    .unwrap();
    dir
}

/// The language-tag pattern of the OASIS schema (run.language,
/// toolComponent.language), which is not a valid ECMA-262 regular
/// expression (an unbalanced `]`), and the tag it describes.
const BROKEN_LANGUAGE: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
const LANGUAGE: &str = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$";

/// Replaces every `pattern` equal to [`BROKEN_LANGUAGE`]; how many.
fn mend(value: &mut serde_json::Value) -> usize {
    match value {
        serde_json::Value::Object(map) => {
            let mut n = 0;
            if map.get("pattern").and_then(|p| p.as_str()) == Some(BROKEN_LANGUAGE) {
                map.insert("pattern".to_owned(), serde_json::json!(LANGUAGE));
                n += 1;
            }
            n + map.values_mut().map(mend).sum::<usize>()
        }
        serde_json::Value::Array(items) => items.iter_mut().map(mend).sum(),
        _ => 0,
    }
}

fn sarif_schema() -> jsonschema::Validator {
    let mut schema: serde_json::Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json"))
            .expect("the schema is JSON");
    // The JSON Schema meta-schema refuses the schema's broken language
    // pattern; it is read as the tag it describes (tfsynth writes no
    // language). Exactly the two places the 2.1.0 schema has it.
    assert_eq!(mend(&mut schema), 2);
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

#[test]
fn sarif_output_follows_the_sarif_2_1_0_schema_and_places_each_finding() {
    let p = project();
    let out = tfsynth(p.path(), &["validate", "tf", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "error: 1 of 2 files failed validation\n");
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let validator = sarif_schema();
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "tfsynth");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let result = &results[0];
    assert_eq!(result["level"], "error");
    assert_eq!(result["ruleId"], "tfsynth/schema");
    let place = &result["locations"][0]["physicalLocation"];
    assert_eq!(place["artifactLocation"]["uri"], "tf/bad/main.tf");
    assert_eq!(place["region"]["startLine"], 4);
    assert_eq!(place["region"]["startColumn"], 3);
    assert_eq!(
        result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "google_compute_network.vpc.nmae"
    );
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("google_compute_network.vpc: nmae: unknown attribute or block"),
        "{}",
        result["message"]["text"]
    );
}

#[test]
fn a_clean_run_is_an_empty_sarif_log_and_exit_0() {
    let p = project();
    let out = tfsynth(p.path(), &["validate", "tf/good", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(sarif_schema().is_valid(&log));
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn json_output_lists_every_finding_with_its_place() {
    let p = project();
    let out = tfsynth(p.path(), &["validate", "tf", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["files"], 2);
    assert_eq!(report["invalid"], 1);
    assert_eq!(
        report["findings"],
        serde_json::json!([{
            "file": "tf/bad/main.tf",
            "line": 4,
            "column": 3,
            "address": "google_compute_network.vpc",
            "key": "nmae",
            "message": "unknown attribute or block (did you mean name?)"
        }])
    );
    let bad = tfsynth(p.path(), &["validate", "tf", "--format", "xml"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("possible values: text, json, sarif"));
}

#[test]
fn each_file_is_validated_once_and_every_finding_has_a_uri_and_a_line() {
    let p = project();
    // Named twice, once through `./` and `..`: one file, no duplicates.
    let out = tfsynth(
        p.path(),
        &["validate", "tf", "./tf/bad/../bad", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["files"], 2, "{report}");
    assert_eq!(report["findings"].as_array().unwrap().len(), 1, "{report}");

    // A path with spaces and #, a file that is not UTF-8, and a provider
    // with no schema.
    std::fs::create_dir_all(p.path().join("tf/my dir")).unwrap();
    std::fs::write(
        p.path().join("tf/my dir/a#b.tf"),
        "resource \"google_compute_network\" \"x\" {\n  nme = \"a\"\n}\n",
    )
    .unwrap();
    std::fs::write(p.path().join("tf/bad/latin1.tf"), b"# caf\xe9\n").unwrap();
    std::fs::write(
        p.path().join("tf/good/aws.tf"),
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n",
    )
    .unwrap();
    let out = tfsynth(p.path(), &["validate", "tf", "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<String> = sarif_schema()
        .iter_errors(&log)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"tf/my%20dir/a%23b.tf"), "{uris:?}");
    for result in results {
        let line = &result["locations"][0]["physicalLocation"]["region"]["startLine"];
        assert!(line.as_u64().is_some_and(|l| l >= 1), "{result}");
    }
    let unreadable = results
        .iter()
        .find(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "tf/bad/latin1.tf"
        })
        .expect("the unreadable file is a result");
    assert_eq!(unreadable["level"], "error");
    let warning = results
        .iter()
        .find(|r| r["ruleId"] == "tfsynth/not-validated")
        .expect("what was not validated is a warning");
    assert_eq!(warning["level"], "warning");
    assert!(
        warning["message"]["text"].as_str().unwrap().contains("aws"),
        "{warning}"
    );
}
