//! Issue 17, item 5: a team hands its runs to the engines it already
//! uses. A stack whose `[state]` says `backend = "cloud"` keeps each root
//! in an HCP Terraform workspace named from its settings, and every cloud
//! block tfsynth writes fits Terraform's own definition of the block.

mod common;

use std::path::Path;

use proptest::prelude::*;
use serde_json::Value as J;
use tfsynth::schema::Schemas;
use tfsynth::settings::Sources;
use tfsynth::synth::{Format, synth_stack};
use tfsynth::tf::{Cloud, CloudWorkspaces, Stack};

const HELLO: &str = include_str!("../stacks/hello.toml");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `stacks/hello.toml` with `state` as its `[state]` table, synthesized
/// and validated against the provider schemas: each file by path.
fn synth_hello_with(state: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hello.toml"),
        format!("{HELLO}[state]\n{state}"),
    )
    .unwrap();
    let sources = Sources::read(dir.path(), "stacks", "hello").unwrap();
    let schemas = Schemas::load_dir(&root().join("schemas"), "schemas").unwrap();
    let synthesis =
        synth_stack(&sources, Format::Json, Some(&schemas)).unwrap_or_else(|e| panic!("{e}"));
    synthesis
        .files
        .into_iter()
        .map(|f| (f.path.display().to_string(), f.contents))
        .collect()
}

fn json(files: &[(String, String)], path: &str) -> J {
    let (_, text) = files
        .iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("no {path}"));
    serde_json::from_str(text).unwrap()
}

#[test]
fn a_stack_kept_in_hcp_terraform_has_one_workspace_per_root_named_from_its_settings() {
    let files = synth_hello_with("backend = \"cloud\"\norganization = \"example-org\"\n");
    let cluster = json(&files, "hello/cluster/main.tf.json");
    let workload = json(&files, "hello/workload/main.tf.json");
    assert_eq!(
        cluster["terraform"]["cloud"],
        serde_json::json!({ "organization": "example-org", "workspaces": { "name": "hello-cluster" } })
    );
    assert!(cluster["terraform"].get("backend").is_none());
    assert_eq!(
        workload["terraform"]["cloud"]["workspaces"]["name"],
        "hello-workload"
    );
    // The workload root reads the cluster root's outputs from its workspace.
    assert_eq!(
        workload["data"]["terraform_remote_state"]["cluster"],
        serde_json::json!({ "backend": "remote", "config": {
            "organization": "example-org",
            "workspaces": { "name": "hello-cluster" }
        } })
    );

    let files = synth_hello_with(
        "backend = \"cloud\"\norganization = \"example-org\"\nhostname = \"tfe.example.com\"\nproject = \"Web services\"\nworkspace_prefix = \"web_prod-\"\n",
    );
    let workload = json(&files, "hello/workload/main.tf.json");
    assert_eq!(
        workload["terraform"]["cloud"],
        serde_json::json!({
            "hostname": "tfe.example.com",
            "organization": "example-org",
            "workspaces": { "name": "web_prod-workload", "project": "Web services" }
        })
    );
    assert_eq!(
        workload["data"]["terraform_remote_state"]["cluster"]["config"],
        serde_json::json!({
            "hostname": "tfe.example.com",
            "organization": "example-org",
            "workspaces": { "name": "web_prod-cluster" }
        })
    );
    let (_, readme) = files.iter().find(|(p, _)| p == "hello/README.md").unwrap();
    let section =
        &readme[readme.find("## HCP Terraform").unwrap()..readme.find("## Apply").unwrap()];
    common::snapshots().bind(|| insta::assert_snapshot!("handoff__hcp_terraform_readme", section));
}

/// `backend = "local"` is Terraform's default: no backend block, and the
/// workload root reads the cluster root's state file beside it, as with
/// no `[state]` at all.
#[test]
fn backend_local_writes_what_no_state_table_writes() {
    let local = synth_hello_with("backend = \"local\"\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hello.toml"), HELLO).unwrap();
    let sources = Sources::read(dir.path(), "stacks", "hello").unwrap();
    let none = synth_stack(&sources, Format::Json, None).unwrap();
    for file in &none.files {
        let (_, text) = local
            .iter()
            .find(|(p, _)| *p == file.path.display().to_string())
            .unwrap();
        assert_eq!(*text, file.contents, "{}", file.path.display());
    }
}

// ---- the cloud block against Terraform's definition of it ------------------

/// Terraform's cloud block, as its cloud backend defines it
/// (`internal/cloud/backend.go`, `ConfigSchema` and `PrepareConfig`):
/// the attributes `hostname`, `organization` and `token`, strings; one
/// `workspaces` block of `name` and `project` (strings) and `tags` (a
/// list of strings or a map), `name` and `tags` never both. Terraform
/// decodes the block only at `init`, with network access, so `validate`
/// cannot judge it here: this check stands in.
fn fits_terraforms_cloud_block(cloud: &J) -> Result<(), String> {
    let block = cloud
        .as_object()
        .ok_or("the cloud block is not an object")?;
    for (key, value) in block {
        match key.as_str() {
            "hostname" | "organization" | "token" if value.is_string() => {}
            "workspaces" => {
                let w = value.as_object().ok_or("workspaces is not a block")?;
                for (key, value) in w {
                    match key.as_str() {
                        "name" | "project" if value.is_string() => {}
                        "tags"
                            if value
                                .as_array()
                                .is_some_and(|tags| tags.iter().all(J::is_string))
                                || value.is_object() => {}
                        other => return Err(format!("workspaces.{other}: not in the schema")),
                    }
                }
                if w.contains_key("name") && w.contains_key("tags") {
                    return Err("workspaces: name and tags both set".into());
                }
            }
            other => return Err(format!("{other}: not in the schema")),
        }
    }
    // No organization in the block means TF_CLOUD_ORGANIZATION; tfsynth
    // always writes it, so a root never depends on the environment.
    if !block.contains_key("organization") {
        return Err("no organization".into());
    }
    Ok(())
}

fn name(chars: &'static str, max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[{chars}]{{1,{max}}}")).unwrap()
}

fn cloud() -> impl Strategy<Value = Cloud> {
    let workspaces = prop_oneof![
        name("a-zA-Z0-9_-", 90).prop_map(CloudWorkspaces::Name),
        proptest::collection::btree_set(name("a-zA-Z0-9:_-", 20), 1..4)
            .prop_map(CloudWorkspaces::Tags),
    ];
    (
        name("a-zA-Z0-9._-", 40),
        proptest::option::of("[a-z]{1,10}(\\.[a-z]{1,10}){0,2}(:[0-9]{2,5})?"),
        workspaces,
        proptest::option::of("[A-Za-z0-9 _$%{}-]{0,10}[A-Za-z]"),
    )
        .prop_map(|(organization, hostname, workspaces, project)| Cloud {
            organization,
            hostname,
            workspaces,
            project,
        })
}

proptest! {
    /// Any cloud block synth accepts is one Terraform's schema accepts,
    /// in JSON and (parsed back) in HCL, holding exactly what was given.
    #[test]
    fn every_cloud_block_synth_accepts_fits_terraforms_definition(cloud in cloud()) {
        let mut s = Stack::new();
        s.terraform_mut().cloud = Some(cloud.clone());
        let doc = s.resolve().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let json: J = serde_json::from_str(&tfsynth::emit::to_json(&doc, "h")).unwrap();
        let block = &json["terraform"]["cloud"];
        prop_assert_eq!(fits_terraforms_cloud_block(block), Ok(()));
        prop_assert_eq!(block["organization"].as_str(), Some(cloud.organization.as_str()));
        prop_assert_eq!(block["hostname"].as_str(), cloud.hostname.as_deref());
        prop_assert_eq!(block["workspaces"]["project"].as_str(), cloud.project.as_deref());
        match &cloud.workspaces {
            CloudWorkspaces::Name(n) => {
                prop_assert_eq!(block["workspaces"]["name"].as_str(), Some(n.as_str()));
            }
            CloudWorkspaces::Tags(tags) => {
                let written: Vec<&str> = block["workspaces"]["tags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(J::as_str)
                    .collect();
                prop_assert_eq!(written, tags.iter().map(String::as_str).collect::<Vec<_>>());
            }
        }
        let hcl = common::hcl_semantics(&tfsynth::emit::to_hcl(&doc, "h"));
        prop_assert_eq!(hcl, common::json_semantics(&tfsynth::emit::to_json(&doc, "h")));
    }
}

#[test]
fn the_cloud_block_check_refuses_what_terraform_refuses() {
    for bad in [
        serde_json::json!({ "organization": "o", "workspaces": { "name": "a", "tags": ["b"] } }),
        serde_json::json!({ "organization": "o", "workspace": { "name": "a" } }),
        serde_json::json!({ "organization": "o", "workspaces": { "prefix": "a-" } }),
        serde_json::json!({ "workspaces": { "name": "a" } }),
    ] {
        assert!(fits_terraforms_cloud_block(&bad).is_err(), "{bad}");
    }
}
