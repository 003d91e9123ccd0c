//! Provider requirements and module `providers` maps (issue 13, B9): a
//! built-in provider is required without a version, and a module is handed
//! an aliased configuration as `terraform.src = terraform.west`, never as a
//! quoted reference (which Terraform warns is deprecated).

mod common;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;
use tfsynth::emit::{to_hcl, to_json, to_json_value};
use tfsynth::tf::{ModuleCall, Output, RequiredProvider, Stack};

use common::terraform::{HEADER, assert_success, warnings, write_file};

/// The built-in provider's source: it comes with Terraform, so it has no
/// versions to constrain.
const BUILTIN: &str = "terraform.io/builtin/terraform";

/// A provider configuration with no settings.
#[derive(Serialize)]
struct NoSettings {}

/// A local module that needs an aliased `terraform` configuration, `src`,
/// and reports which input it was given through a resource made with it.
const MODULE: &str = r#"terraform {
  required_providers {
    terraform = {
      source                = "terraform.io/builtin/terraform"
      configuration_aliases = [terraform.src]
    }
  }
}

resource "terraform_data" "made" {
  provider = terraform.src
  input    = "made with terraform.src"
}

output "made" {
  value = terraform_data.made.output
}
"#;

/// A root that requires the built-in provider without a version,
/// configures it twice (default and `west`), and hands `west` to the
/// module as its `terraform.src`, and its default as its default.
fn root_passing_an_alias() -> Stack {
    let mut s = Stack::new();
    s.terraform_mut().required_providers.insert(
        "terraform".to_owned(),
        RequiredProvider {
            source: BUILTIN.to_owned(),
            version: None,
        },
    );
    let default = s.provider("terraform", None, &NoSettings {});
    let west = s.provider("terraform", Some("west"), &NoSettings {});
    let m = s.module(
        "m",
        ModuleCall {
            source: "./m".to_owned(),
            providers: BTreeMap::from([
                ("terraform".to_owned(), default),
                ("terraform.src".to_owned(), west),
            ]),
            ..ModuleCall::default()
        },
    );
    s.output(
        "made",
        Output::new(m.output::<String>("made"), "what the module made"),
    );
    s
}

#[test]
fn a_module_is_handed_an_aliased_built_in_provider_without_warnings_in_either_syntax() {
    let doc = root_passing_an_alias().resolve().unwrap();
    let hcl = to_hcl(&doc, HEADER);
    assert!(
        hcl.contains("    terraform.src = terraform.west\n"),
        "the alias key is a bare reference:\n{hcl}"
    );
    let Some(terraform) = common::terraform::find(
        "a_module_is_handed_an_aliased_built_in_provider_without_warnings_in_either_syntax",
    ) else {
        return;
    };
    for (file, text) in [("main.tf.json", to_json(&doc, HEADER)), ("main.tf", hcl)] {
        let dir = tempfile::tempdir().unwrap();
        write_file(&dir.path().join(file), &text);
        write_file(&dir.path().join("m/main.tf"), MODULE);
        let init = terraform.run(dir.path(), &["init", "-input=false", "-no-color"]);
        assert_success(&init, &format!("terraform init of {file}:\n{text}"));
        let validate = terraform.run(dir.path(), &["validate", "-no-color"]);
        assert_success(&validate, &format!("terraform validate of {file}:\n{text}"));
        let said: Vec<String> = warnings(&init)
            .into_iter()
            .chain(warnings(&validate))
            .collect();
        assert!(said.is_empty(), "{file} warns {said:?}:\n{text}");
        terraform.assert_formatted(dir.path());
    }
    terraform.assert_outputs_with(
        &doc,
        &[("m/main.tf", MODULE)],
        &json!({ "made": "made with terraform.src" }),
    );
}

#[test]
fn a_required_provider_writes_its_version_only_when_it_has_one() {
    for (version, json_entry, hcl_entry) in [
        (
            None,
            json!({ "source": BUILTIN }),
            format!("    terraform = {{\n      source = \"{BUILTIN}\"\n    }}\n"),
        ),
        (
            Some("~> 1.0"),
            json!({ "source": BUILTIN, "version": "~> 1.0" }),
            format!(
                "    terraform = {{\n      source  = \"{BUILTIN}\"\n      version = \"~> 1.0\"\n    }}\n"
            ),
        ),
    ] {
        let mut s = Stack::new();
        s.terraform_mut().required_providers.insert(
            "terraform".to_owned(),
            RequiredProvider {
                source: BUILTIN.to_owned(),
                version: version.map(str::to_owned),
            },
        );
        let doc = s.resolve().unwrap();
        assert_eq!(
            to_json_value(&doc)["terraform"]["required_providers"]["terraform"],
            json_entry,
            "version {version:?}"
        );
        let hcl = to_hcl(&doc, HEADER);
        assert!(hcl.contains(&hcl_entry), "version {version:?}:\n{hcl}");
        assert_eq!(
            common::json_semantics(&to_json(&doc, HEADER)),
            common::hcl_semantics(&hcl),
            "version {version:?}"
        );
    }
}

#[test]
fn module_provider_keys_are_written_as_references_and_checked() {
    // key, whether it names a configuration, the HCL line when it does.
    let table = [
        ("terraform", true, "    terraform = terraform.west\n"),
        (
            "terraform.src",
            true,
            "    terraform.src = terraform.west\n",
        ),
        ("café.west", true, "    café.west = terraform.west\n"),
        ("terraform.src.x", false, ""),
        ("terraform src", false, ""),
        (".src", false, ""),
        ("terraform.", false, ""),
        ("", false, ""),
    ];
    for (key, valid, line) in table {
        let mut s = Stack::new();
        let west = s.provider("terraform", Some("west"), &NoSettings {});
        let mut providers = BTreeMap::from([(key.to_owned(), west.clone())]);
        if key != "terraform" && valid {
            // A second entry, so alignment over reference keys is exercised.
            providers.insert("terraform".to_owned(), west.clone());
        }
        s.module(
            "m",
            ModuleCall {
                source: "./m".to_owned(),
                providers,
                ..ModuleCall::default()
            },
        );
        match s.resolve() {
            Ok(doc) if valid => {
                let hcl = to_hcl(&doc, HEADER);
                assert!(hcl.contains(line), "key {key:?}:\n{hcl}");
                assert_eq!(
                    to_json_value(&doc)["module"]["m"]["providers"][key],
                    json!("terraform.west"),
                    "key {key:?}"
                );
            }
            Ok(_) => panic!("key {key:?} was accepted"),
            Err(e) if !valid => assert_eq!(
                e.problems.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
                vec![format!(
                    "module.m: providers: key {key:?} is not a provider name (NAME or NAME.ALIAS)"
                )],
            ),
            Err(e) => panic!("key {key:?} was refused: {e}"),
        }
    }
}
