//! Issue 14, section 4: `validate` reads hand-written files the way
//! Terraform reads them. Each input of the issue is a test with its whole
//! report; the last test runs one input of each kind through tfsynth and
//! through real terraform, which must agree on whether it is valid.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use tfsynth::schema::{Schemas, validate_files};

fn schemas() -> &'static Schemas {
    static SCHEMAS: OnceLock<Schemas> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
        Schemas::load_dir(&dir, "schemas").unwrap()
    })
}

/// Every problem `validate` prints for the files, in order.
fn problems(files: &[(&str, &str)]) -> Vec<String> {
    let owned: Vec<(String, String)> = files
        .iter()
        .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
        .collect();
    validate_files(&owned, schemas())
        .into_iter()
        .flat_map(|r| r.problems)
        .map(|d| d.to_string())
        .collect()
}

/// The issue's example: arrays of objects at the resource, type and name
/// levels, and at the root.
const ARRAYS: &str = r#"[
  {"resource": [{"terraform_data": [{"x": [{"input": "a"}]}]}]},
  {"output": [{"o": {"value": "${terraform_data.x.output}"}}]}
]
"#;

#[test]
fn arrays_of_objects_are_read_at_every_level_terraform_allows() {
    assert_eq!(
        problems(&[("m/main.tf.json", ARRAYS)]),
        Vec::<String>::new()
    );
}

#[test]
fn errors_inside_arrays_of_objects_are_found_at_their_line_and_key() {
    let text = r#"[
  {"resource": [
    {"google_compute_network": [
      {"vpc": [{"nam": "n", "auto_create_subnetworks": "no"}]}
    ]}
  ]},
  {"resource": {"google_compute_subnetwork": {"s": {
    "name": "s",
    "ip_cidr_range": "10.0.0.0/24",
    "network": "${google_compute_network.vpc.self_lnk}"
  }}}}
]
"#;
    assert_eq!(
        problems(&[("m/main.tf.json", text)]),
        [
            "m/main.tf.json:4:8: google_compute_network.vpc: name: required attribute is missing",
            "m/main.tf.json:4:17: google_compute_network.vpc: nam: unknown attribute or block (did you mean name?)",
            "m/main.tf.json:4:29: google_compute_network.vpc: auto_create_subnetworks: expected bool, got string \"no\"",
            "m/main.tf.json:10:5: google_compute_subnetwork.s: network: google_compute_network.vpc.self_lnk: google_compute_network has no attribute self_lnk (did you mean self_link?)",
        ]
    );
}

#[test]
fn a_root_that_is_a_string_is_reported_at_its_place() {
    assert_eq!(
        problems(&[("m/main.tf.json", "\n  \"just a string\"\n")]),
        [
            "m/main.tf.json:2:3: the file must be an object of top-level blocks, or an array of such objects; got string \"just a string\""
        ]
    );
}

#[test]
fn an_unknown_top_level_key_is_reported_with_the_closest_name() {
    let text = "{\n  \"resorce\": {\"terraform_data\": {\"x\": {}}}\n}\n";
    assert_eq!(
        problems(&[("m/main.tf.json", text)]),
        [
            "m/main.tf.json:2:3: resorce: unknown top-level block type (did you mean resource?); Terraform reads check, data, ephemeral, import, locals, module, moved, output, provider, removed, resource, terraform, variable"
        ]
    );
    // The same in a .tf file, and an argument where only blocks are read.
    let hcl = "resorce \"terraform_data\" \"x\" {}\nregion = \"x\"\n";
    assert_eq!(
        problems(&[("m/main.tf", hcl)]),
        [
            "m/main.tf:1:1: resorce: unknown top-level block type (did you mean resource?); Terraform reads check, data, ephemeral, import, locals, module, moved, output, provider, removed, resource, terraform, variable",
            "m/main.tf:2:1: region: an argument is not expected at the top level of a file, only blocks",
        ]
    );
}

#[test]
fn an_unknown_key_in_a_variable_block_is_reported() {
    let text = "{\n  \"variable\": {\n    \"region\": {\"type\": \"string\", \"defualt\": \"x\"}\n  }\n}\n";
    assert_eq!(
        problems(&[("m/main.tf.json", text)]),
        [
            "m/main.tf.json:3:34: var.region: defualt: unknown argument of a variable (did you mean default?); it takes default, description, ephemeral, nullable, sensitive, type, validation"
        ]
    );
    let hcl = "variable \"region\" {\n  type    = string\n  defualt = \"x\"\n}\n";
    assert_eq!(
        problems(&[("m/main.tf", hcl)]),
        [
            "m/main.tf:3:3: var.region: defualt: unknown argument of a variable (did you mean default?); it takes default, description, ephemeral, nullable, sensitive, type, validation"
        ]
    );
}

#[test]
fn a_variable_or_local_value_declared_twice_is_reported_in_both_syntaxes() {
    let hcl = "variable \"v\" {}\nvariable \"v\" {}\nlocals {\n  a = 1\n}\nlocals {\n  a = 2\n}\n";
    let json = r#"{"variable": [{"v": {}}, {"v": {}}], "locals": [{"a": 1}, {"a": 2}]}"#;
    assert_eq!(
        problems(&[("m/main.tf", hcl), ("n/main.tf.json", json)]),
        [
            "m/main.tf:2:1: var.v: duplicate variable: already declared at m/main.tf:1:1",
            "m/main.tf:7:3: local.a: duplicate local value: already declared at m/main.tf:4:3",
            "n/main.tf.json:1:27: var.v: duplicate variable: already declared at n/main.tf.json:1:16",
            "n/main.tf.json:1:60: local.a: duplicate local value: already declared at n/main.tf.json:1:50",
        ]
    );
}

#[test]
fn references_in_outputs_and_bodies_to_what_the_module_does_not_declare_are_found() {
    let text = r#"{
  "output": {
    "nope": {"value": "${google_compute_network.nope.id}"},
    "v": {"value": "${var.missing}"}
  },
  "resource": {"terraform_data": {"t": {
    "input": "${data.google_client_config.me.access_token}",
    "depends_on": ["google_compute_network.gone"]
  }}}
}
"#;
    assert_eq!(
        problems(&[("m/main.tf.json", text)]),
        [
            "m/main.tf.json:3:14: output.nope: value: reference to undeclared resource google_compute_network.nope: no file of this module declares it",
            "m/main.tf.json:4:11: output.v: value: reference to undeclared variable var.missing: no file of this module declares it",
            "m/main.tf.json:7:5: terraform_data.t: input: reference to undeclared data source data.google_client_config.me: no file of this module declares it",
            "m/main.tf.json:8:20: terraform_data.t: depends_on[0]: reference to undeclared resource google_compute_network.gone: no file of this module declares it",
        ]
    );
}

#[test]
fn a_reference_to_another_file_of_the_module_is_declared_and_its_steps_are_checked() {
    let network = r#"{"resource": {"google_compute_network": {"vpc": {"name": "n"}}}}"#;
    let output = r#"{"output": {
  "id": {"value": "${google_compute_network.vpc.id}"},
  "bad": {"value": "${google_compute_network.vpc.self_lnk}"}
}}"#;
    // The same output in another directory is another module's.
    assert_eq!(
        problems(&[
            ("m/network.tf.json", network),
            ("m/outputs.tf.json", output),
            ("n/outputs.tf.json", output),
        ]),
        [
            "m/outputs.tf.json:3:11: output.bad: value: google_compute_network.vpc.self_lnk: google_compute_network has no attribute self_lnk (did you mean self_link?)",
            "n/outputs.tf.json:2:10: output.id: value: reference to undeclared resource google_compute_network.vpc: no file of this module declares it",
            "n/outputs.tf.json:3:11: output.bad: value: reference to undeclared resource google_compute_network.vpc: no file of this module declares it",
        ]
    );
}

#[test]
fn a_dynamic_blocks_iterator_and_a_for_expressions_names_are_not_resources() {
    let text = r#"{
  "resource": {"google_compute_firewall": {"fw": {
    "name": "fw",
    "network": "n",
    "source_ranges": "${[for r in var.rules : r.cidr]}",
    "dynamic": {"allow": {
      "for_each": "${var.rules}",
      "iterator": "rule",
      "content": {"protocol": "${rule.value.protocol}"}
    }}
  }}},
  "variable": {"rules": {}}
}
"#;
    assert_eq!(problems(&[("m/main.tf.json", text)]), Vec::<String>::new());
}

#[test]
fn dynamic_and_lifecycle_blocks_written_as_arrays_of_objects_are_read_and_checked() {
    let text = r#"{
  "resource": {"google_compute_firewall": {"fw": {
    "name": "fw",
    "network": "n",
    "dynamic": [
      {"allow": {"for_each": "${var.rules}", "content": {"protocol": "${allow.value}"}}},
      {"allow": {"for_each": "${var.rules}", "content": {"protocl": "tcp"}}}
    ],
    "lifecycle": [{"ignore_changes": ["nmae"]}]
  }}},
  "variable": {"rules": {}}
}
"#;
    assert_eq!(
        problems(&[("m/main.tf.json", text)]),
        [
            "m/main.tf.json:7:46: google_compute_firewall.fw: dynamic.allow[1].content.protocol: required attribute is missing",
            "m/main.tf.json:7:58: google_compute_firewall.fw: dynamic.allow[1].content.protocl: unknown attribute or block (did you mean protocol?)",
            "m/main.tf.json:9:39: google_compute_firewall.fw: lifecycle.ignore_changes[0]: nmae: google_compute_firewall has no attribute nmae (did you mean name?)",
        ]
    );
}

/// One input of each kind, in Terraform JSON with only built-in types, so
/// that real terraform judges it too: tfsynth finds a problem exactly when
/// terraform refuses the configuration.
#[test]
fn each_kind_of_file_is_judged_as_terraform_judges_it() {
    let cases: [(&str, &str, &[&str]); 17] = [
        ("arrays of objects at every level", ARRAYS, &[]),
        (
            "a root that is a string",
            "\"just a string\"",
            &[
                "main.tf.json:1:1: the file must be an object of top-level blocks, or an array of such objects; got string \"just a string\"",
            ],
        ),
        (
            "a root that is an array with a string in it",
            "[{\"locals\": {\"a\": 1}}, \"x\"]",
            &[
                "main.tf.json:1:24: the file must be an object of top-level blocks, or an array of such objects; got string \"x\"",
            ],
        ),
        (
            "a property written twice at the top level",
            r#"{"resource": {"terraform_data": {"x": {}}}, "resource": {"terraform_data": {"y": {}}},
               "output": {"o": {"value": "${terraform_data.x.id}"}}}"#,
            &[],
        ),
        (
            "an unknown top-level key",
            r#"{"zzz": {}}"#,
            &[
                "main.tf.json:1:2: zzz: unknown top-level block type; Terraform reads check, data, ephemeral, import, locals, module, moved, output, provider, removed, resource, terraform, variable",
            ],
        ),
        (
            "a type level that is a string",
            r#"{"resource": {"terraform_data": "x"}}"#,
            &[
                "main.tf.json:1:33: terraform_data: expected an object of named blocks, or an array of such objects; got string \"x\"",
            ],
        ),
        (
            "an unknown key in a variable",
            r#"{"variable": {"v": {"type": "string", "defualt": "x"}}}"#,
            &[
                "main.tf.json:1:39: var.v: defualt: unknown argument of a variable (did you mean default?); it takes default, description, ephemeral, nullable, sensitive, type, validation",
            ],
        ),
        (
            "an unknown key in an output",
            r#"{"output": {"o": {"value": 1, "valeu": 2}}}"#,
            &[
                "main.tf.json:1:31: output.o: valeu: unknown argument of an output (did you mean value?); it takes depends_on, description, ephemeral, precondition, sensitive, value",
            ],
        ),
        (
            "a variable declared twice",
            r#"{"variable": [{"v": {}}, {"v": {}}]}"#,
            &[
                "main.tf.json:1:27: var.v: duplicate variable: already declared at main.tf.json:1:16",
            ],
        ),
        (
            "a resource declared twice",
            r#"{"resource": {"terraform_data": {"x": [{}, {}]}}}"#,
            &[
                "main.tf.json:1:44: terraform_data.x: duplicate resource: already declared at main.tf.json:1:34",
            ],
        ),
        (
            "a reference in an output to a missing resource",
            r#"{"output": {"o": {"value": "${terraform_data.nope.id}"}}}"#,
            &[
                "main.tf.json:1:19: output.o: value: reference to undeclared resource terraform_data.nope: no file of this module declares it",
            ],
        ),
        (
            "a resource declared twice by an array of bodies",
            r#"{"resource": {"terraform_data": {"s": [{"input": 1}, {"bogus": 2}]}}}"#,
            &[
                "main.tf.json:1:54: terraform_data.s: duplicate resource: already declared at main.tf.json:1:34",
            ],
        ),
        (
            "a variable declared twice by an array of bodies",
            r#"{"variable": {"v": [{"type": "string"}, {"type": "number"}]}}"#,
            &[
                "main.tf.json:1:41: var.v: duplicate variable: already declared at main.tf.json:1:15",
            ],
        ),
        (
            "an argument terraform_data does not have",
            r#"{"resource": {"terraform_data": {"x": {"input": "hi", "bogus": 1}}}}"#,
            &["main.tf.json:1:55: terraform_data.x: bogus: unknown attribute or block"],
        ),
        (
            "a misspelled attribute of terraform_data in a reference",
            r#"{"resource": {"terraform_data": {"x": {"input": "hi"}, "y": {"input": "${terraform_data.x.outptu}"}}}}"#,
            &[
                "main.tf.json:1:62: terraform_data.y: input: terraform_data.x.outptu: terraform_data has no attribute outptu (did you mean output?)",
            ],
        ),
        (
            "terraform_remote_state without its backend",
            r#"{"data": {"terraform_remote_state": {"r": {"config": {"path": "x"}}}}}"#,
            &[
                "main.tf.json:1:38: data.terraform_remote_state.r: backend: required attribute is missing",
            ],
        ),
        (
            "a reference in a resource to a missing variable",
            r#"{"resource": {"terraform_data": {"x": {"input": "${var.nope}"}}}}"#,
            &[
                "main.tf.json:1:40: terraform_data.x: input: reference to undeclared variable var.nope: no file of this module declares it",
            ],
        ),
    ];
    for (kind, text, expected) in &cases {
        assert_eq!(&problems(&[("main.tf.json", text)]), expected, "{kind}");
    }
    let Some(tf) = common::terraform::find("validate's reading of .tf.json files") else {
        return;
    };
    for (kind, text, expected) in &cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf.json"), text).unwrap();
        let init = tf.run(dir.path(), &["init", "-backend=false", "-no-color"]);
        let validate = tf.run(dir.path(), &["validate", "-no-color"]);
        let accepted = init.status.success() && validate.status.success();
        assert_eq!(
            accepted,
            expected.is_empty(),
            "{kind}: terraform says\n{}{}",
            String::from_utf8_lossy(&init.stderr),
            String::from_utf8_lossy(&validate.stderr)
        );
    }
}
