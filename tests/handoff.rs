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
        proptest::option::of("[a-z]{1,10}(\\.[a-z]([a-z0-9-]{0,8}[a-z])?){0,2}(:[1-9][0-9]{1,3})?"),
        workspaces,
        proptest::option::of("[A-Za-z0-9_-][A-Za-z0-9 _-]{1,38}[A-Za-z0-9_-]"),
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

// ---- atlantis.yaml ---------------------------------------------------------

/// The keys Atlantis reads in a repository's `atlantis.yaml` (v0.47,
/// `server/core/config/raw/repo_cfg.go` and `project.go`; it decodes with
/// known fields only, so any other key is an error).
const TOP_KEYS: [&str; 14] = [
    "version",
    "projects",
    "workflows",
    "policies",
    "autodiscover",
    "automerge",
    "parallel_apply",
    "parallel_plan",
    "delete_source_branch_on_merge",
    "emoji_reaction",
    "allowed_regexp_prefixes",
    "abort_on_execution_order_fail",
    "repo_locks",
    "silence_pr_comments",
];

/// A project's keys that a repository may set without the server's
/// `allowed_overrides` (`server/core/config/valid/global_cfg.go`,
/// `ValidateRepoCfg`): the others (`workflow`, `apply_requirements`,
/// `plan_requirements`, `import_requirements`,
/// `delete_source_branch_on_merge`, `repo_locking`, `repo_locks`,
/// `custom_policy_check`, `silence_pr_comments`) fail the whole file on a
/// server left at its defaults.
const PROJECT_KEYS: [&str; 10] = [
    "name",
    "branch",
    "dir",
    "workspace",
    "terraform_distribution",
    "terraform_version",
    "autoplan",
    "depends_on",
    "execution_order_group",
    "policy_check",
];

/// Whether `config` is a repository configuration Atlantis accepts on a
/// server at its defaults, by the rules of its parser and validator
/// (v0.47: `RepoCfg.Validate`, `Project.Validate`,
/// `ValidateWorkspaceName`, `validateProjectNames`), and whether each
/// dependency names a project planned in an earlier group (else Atlantis
/// would refuse to apply the project, waiting for a dependency it cannot
/// find or applies later).
fn fits_atlantis_repo_config(config: &yaml_rust2::Yaml) -> Result<(), String> {
    use yaml_rust2::Yaml;
    let top = config.as_hash().ok_or("not a mapping")?;
    for key in top.keys() {
        let key = key.as_str().ok_or("a key that is not a string")?;
        if !TOP_KEYS.contains(&key) {
            return Err(format!("{key}: not a key of atlantis.yaml"));
        }
    }
    match config["version"].as_i64() {
        Some(2 | 3) => {}
        _ => return Err("version: must be 2 or 3".into()),
    }
    if let Some(b) = top.get(&Yaml::String("abort_on_execution_order_fail".into())) {
        b.as_bool()
            .ok_or("abort_on_execution_order_fail: not a boolean")?;
    }
    let projects = config["projects"].as_vec().ok_or("projects: not a list")?;
    let mut groups = std::collections::BTreeMap::new();
    for (i, p) in projects.iter().enumerate() {
        let at = |what: &str| format!("projects[{i}].{what}");
        let map = p.as_hash().ok_or_else(|| at("not a mapping"))?;
        for key in map.keys() {
            let key = key.as_str().unwrap_or_default();
            if !PROJECT_KEYS.contains(&key) {
                return Err(at(&format!("{key}: not a key a repository may set")));
            }
        }
        let dir = p["dir"].as_str().ok_or_else(|| at("dir: required"))?;
        if dir.contains("..") || dir.starts_with('/') || dir.contains(['*', '?', '[']) {
            return Err(at(&format!(
                "dir: {dir:?} is not a plain relative directory"
            )));
        }
        let name = p["name"]
            .as_str()
            .ok_or_else(|| at("name: tfsynth always names"))?;
        let url_safe = name
            .replace('/', "-")
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~'));
        if name.is_empty() || !url_safe {
            return Err(at(&format!("name: {name:?} is not URL-safe")));
        }
        if let Some(w) = p["workspace"].as_str() {
            if w.contains(['/', '\\', '$'])
                || w.contains("..")
                || w == "."
                || w.starts_with(['-', '~'])
                || w.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                return Err(at(&format!("workspace: {w:?} is refused")));
            }
        } else if !p["workspace"].is_badvalue() {
            return Err(at("workspace: not a string"));
        }
        let group = match &p["execution_order_group"] {
            Yaml::Integer(g) => *g,
            Yaml::BadValue => 0,
            _ => return Err(at("execution_order_group: not an integer")),
        };
        if !p["autoplan"].is_badvalue() {
            let autoplan = p["autoplan"]
                .as_hash()
                .ok_or_else(|| at("autoplan: not a mapping"))?;
            for (key, value) in autoplan {
                match key.as_str() {
                    Some("enabled") if value.as_bool().is_some() => {}
                    Some("when_modified")
                        if value
                            .as_vec()
                            .is_some_and(|v| v.iter().all(|p| p.as_str().is_some())) => {}
                    _ => return Err(at(&format!("autoplan.{key:?}: not a key of autoplan"))),
                }
            }
        }
        if groups.insert(name.to_owned(), group).is_some() {
            return Err(format!("two projects named {name:?}"));
        }
    }
    for (i, p) in projects.iter().enumerate() {
        let group = p["execution_order_group"].as_i64().unwrap_or(0);
        for dependency in p["depends_on"].as_vec().into_iter().flatten() {
            let dependency = dependency.as_str().unwrap_or_default();
            match groups.get(dependency) {
                Some(g) if *g < group => {}
                Some(_) => {
                    return Err(format!(
                        "projects[{i}].depends_on: {dependency} is not in an earlier group"
                    ));
                }
                None => return Err(format!("projects[{i}].depends_on: no project {dependency}")),
            }
        }
    }
    Ok(())
}

fn yaml(text: &str) -> yaml_rust2::Yaml {
    let mut docs =
        yaml_rust2::YamlLoader::load_from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(docs.len(), 1, "{text}");
    docs.remove(0)
}

#[test]
fn the_atlantis_check_refuses_what_atlantis_refuses() {
    let good = "version: 3\nprojects:\n  - name: a/b\n    dir: generated/a/b\n";
    assert_eq!(fits_atlantis_repo_config(&yaml(good)), Ok(()));
    for bad in [
        "projects: []\n",
        "version: 4\nprojects: []\n",
        "version: 3\nparallel: true\nprojects: []\n",
        "version: 3\nprojects:\n  - name: a\n",
        "version: 3\nprojects:\n  - name: a\n    dir: ../a\n",
        "version: 3\nprojects:\n  - name: a b\n    dir: a\n",
        "version: 3\nprojects:\n  - name: a\n    dir: a\n    workflow: custom\n",
        "version: 3\nprojects:\n  - name: a\n    dir: a\n    apply_requirements: [approved]\n",
        "version: 3\nprojects:\n  - name: a\n    dir: a\n    workspace: -w\n",
        "version: 3\nprojects:\n  - name: a\n    dir: a\n  - name: a\n    dir: b\n",
        "version: 3\nprojects:\n  - name: a\n    dir: a\n    depends_on: [b]\n",
        "version: 3\nprojects:\n  - name: a\n    dir: a\n    depends_on: [b]\n  - name: b\n    dir: b\n",
        "version: 3\nprojects:\n  - name: a\n    dir: a\n    autoplan:\n      when: [x]\n",
    ] {
        assert!(fits_atlantis_repo_config(&yaml(bad)).is_err(), "{bad}");
    }
}

/// A project directory with `hello` (its roots in HCP Terraform) and
/// `shop` (local state), and `[atlantis]` in the stacks `asks`.
fn project_with(asks: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("stacks")).unwrap();
    let shop = include_str!("../stacks/shop.toml");
    for (name, text) in [
        (
            "hello",
            format!("{HELLO}[state]\nbackend = \"cloud\"\norganization = \"example-org\"\n"),
        ),
        ("shop", shop.to_owned()),
    ] {
        let table = if asks.contains(&name) {
            "\n[atlantis]\n"
        } else {
            ""
        };
        std::fs::write(
            dir.path().join("stacks").join(format!("{name}.toml")),
            format!("{text}{table}"),
        )
        .unwrap();
    }
    dir
}

fn tfsynth(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tfsynth"))
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn synth_writes_atlantis_yaml_with_one_project_per_root_in_apply_order() {
    let dir = project_with(&["hello", "shop"]);
    let (ok, stdout, stderr) = tfsynth(dir.path(), &["synth", "--no-validate"]);
    assert!(ok, "{stderr}");
    assert!(stdout.ends_with("created: atlantis.yaml\n"), "{stdout}");
    let text = std::fs::read_to_string(dir.path().join("atlantis.yaml")).unwrap();
    assert!(text.starts_with("# generated by tfsynth from stacks/*.toml, do not edit\n"));
    let config = yaml(&text);
    assert_eq!(fits_atlantis_repo_config(&config), Ok(()));
    let projects = config["projects"].as_vec().unwrap();
    let listed: Vec<(&str, &str, &str, i64, Vec<&str>)> = projects
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap(),
                p["dir"].as_str().unwrap(),
                p["workspace"].as_str().unwrap(),
                p["execution_order_group"].as_i64().unwrap(),
                p["depends_on"]
                    .as_vec()
                    .into_iter()
                    .flatten()
                    .map(|d| d.as_str().unwrap())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (
                "hello/cluster",
                "generated/hello/cluster",
                "hello-cluster",
                0,
                vec![]
            ),
            (
                "hello/workload",
                "generated/hello/workload",
                "hello-workload",
                1,
                vec!["hello/cluster"]
            ),
            (
                "shop/cluster",
                "generated/shop/cluster",
                "default",
                0,
                vec![]
            ),
            (
                "shop/workload",
                "generated/shop/workload",
                "default",
                1,
                vec!["shop/cluster"]
            ),
        ]
    );
    // Each project's directory is a root synth wrote, and its workspace is
    // the one the root's cloud block selects (else Atlantis would switch).
    for p in projects {
        let root: J = serde_json::from_str(
            &std::fs::read_to_string(
                dir.path()
                    .join(p["dir"].as_str().unwrap())
                    .join("main.tf.json"),
            )
            .unwrap(),
        )
        .unwrap();
        let selected = root["terraform"]["cloud"]["workspaces"]["name"]
            .as_str()
            .unwrap_or("default");
        assert_eq!(p["workspace"].as_str(), Some(selected));
    }
    // Only keys that mean something on a server at its defaults.
    assert_eq!(
        config
            .as_hash()
            .unwrap()
            .keys()
            .map(|k| k.as_str().unwrap())
            .collect::<Vec<_>>(),
        ["version", "projects"]
    );
    let (ok, stdout, _) = tfsynth(dir.path(), &["synth", "--no-validate", "--check"]);
    assert!(ok);
    assert_eq!(
        stdout,
        "generated/ is up to date (6 files), and so is atlantis.yaml\n"
    );
}

#[test]
fn synth_check_names_a_stale_atlantis_yaml_and_synth_removes_it_when_no_stack_asks() {
    let dir = project_with(&["shop"]);
    assert!(tfsynth(dir.path(), &["synth", "--no-validate"]).0);
    // hello asks too now: the file is stale.
    let hello = dir.path().join("stacks/hello.toml");
    let text = std::fs::read_to_string(&hello).unwrap();
    std::fs::write(&hello, format!("{text}\n[atlantis]\nautoplan = false\n")).unwrap();
    let (ok, _, stderr) = tfsynth(dir.path(), &["synth", "--no-validate", "--check"]);
    assert!(!ok);
    assert!(
        stderr.contains("atlantis.yaml is out of date; run `tfsynth synth` and commit the result:\n  stale: atlantis.yaml"),
        "{stderr}"
    );
    let (ok, stdout, _) = tfsynth(dir.path(), &["synth", "--no-validate"]);
    assert!(ok);
    assert!(stdout.ends_with("updated: atlantis.yaml\n"), "{stdout}");
    let config = yaml(&std::fs::read_to_string(dir.path().join("atlantis.yaml")).unwrap());
    assert_eq!(
        config["projects"][0]["autoplan"]["enabled"].as_bool(),
        Some(false)
    );
    assert_eq!(
        config["projects"][2]["autoplan"]["enabled"].as_bool(),
        Some(true)
    );
    // No stack asks any more: synth removes the file it wrote.
    for name in ["hello", "shop"] {
        let path = dir.path().join(format!("stacks/{name}.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text[..text.find("\n[atlantis]").unwrap()].to_owned();
        std::fs::write(&path, text).unwrap();
    }
    let (ok, stdout, _) = tfsynth(dir.path(), &["synth", "--no-validate", "--check"]);
    assert!(!ok, "{stdout}");
    let (ok, stdout, _) = tfsynth(dir.path(), &["synth", "--no-validate"]);
    assert!(ok);
    assert!(stdout.ends_with("removed: atlantis.yaml\n"), "{stdout}");
    assert!(!dir.path().join("atlantis.yaml").exists());
}

#[test]
fn a_users_own_atlantis_yaml_is_never_replaced_and_nothing_is_written() {
    let dir = project_with(&["shop"]);
    let mine = "version: 3\nprojects:\n  - dir: infra\n";
    std::fs::write(dir.path().join("atlantis.yaml"), mine).unwrap();
    let (ok, _, stderr) = tfsynth(dir.path(), &["synth", "--no-validate"]);
    assert!(!ok);
    assert!(
        stderr.contains("atlantis.yaml is a file tfsynth did not write (its first line is not tfsynth's header), and a stack's settings ask synth to write it; nothing was written: move it away, or take [atlantis] out of the stacks' settings to keep it"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("atlantis.yaml")).unwrap(),
        mine
    );
    assert!(!dir.path().join("generated").exists());
    // When no stack asks, the user's file is left as it is.
    let dir = project_with(&[]);
    std::fs::write(dir.path().join("atlantis.yaml"), mine).unwrap();
    assert!(tfsynth(dir.path(), &["synth", "--no-validate"]).0);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("atlantis.yaml")).unwrap(),
        mine
    );
}

/// atlantis.yaml lists every stack that asks, so a synth of some stacks
/// leaves it as it is, but says when their projects in it are out of
/// date; `synth --check --stack` fails then, so a per-stack CI job sees a
/// change of its stack's [atlantis].
#[test]
fn synth_of_one_stack_leaves_atlantis_yaml_alone_but_checks_its_projects() {
    let dir = project_with(&["hello"]);
    assert!(tfsynth(dir.path(), &["synth", "--no-validate"]).0);
    let written = std::fs::read_to_string(dir.path().join("atlantis.yaml")).unwrap();
    let check = |stack: &str| {
        tfsynth(
            dir.path(),
            &["synth", "--no-validate", "--check", "--stack", stack],
        )
    };
    assert_eq!(check("hello").1, "generated/ is up to date (3 files)\n");
    let hello = dir.path().join("stacks/hello.toml");
    let settings = std::fs::read_to_string(&hello).unwrap();
    std::fs::write(&hello, format!("{settings}autoplan = false\n")).unwrap();
    let (ok, _, stderr) = check("hello");
    assert!(!ok);
    assert!(
        stderr.contains("stale: atlantis.yaml (its projects hello/cluster, hello/workload; it lists every stack, so run `tfsynth synth`)"),
        "{stderr}"
    );
    // Another stack's check does not speak for hello's projects.
    assert!(check("shop").0);
    // Not YAML, or not there at all: hello's check says so.
    let path = dir.path().join("atlantis.yaml");
    std::fs::write(
        &path,
        format!(
            "{}\nprojects: [ - {{{{ bad\n",
            written.lines().next().unwrap()
        ),
    )
    .unwrap();
    let (ok, _, stderr) = check("hello");
    assert!(
        !ok && stderr.contains("stale: atlantis.yaml (it is not YAML;"),
        "{stderr}"
    );
    std::fs::remove_file(&path).unwrap();
    let (ok, _, stderr) = check("hello");
    assert!(
        !ok && stderr.contains("missing: atlantis.yaml (it lists every stack"),
        "{stderr}"
    );
    std::fs::write(&path, &written).unwrap();
    let (ok, stdout, stderr) = tfsynth(dir.path(), &["synth", "--no-validate", "--stack", "hello"]);
    assert!(ok);
    assert!(!stdout.contains("atlantis.yaml"), "{stdout}");
    assert!(stderr.contains("note: atlantis.yaml lists every stack, so a synth of some (--stack) leaves it as it is, and it is now out of date for them (its projects hello/cluster, hello/workload); `tfsynth synth` brings it in line"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("atlantis.yaml")).unwrap(),
        written
    );
    // A stack that no longer asks: its projects are stale too.
    std::fs::write(&hello, settings.replace("\n[atlantis]\n", "\n")).unwrap();
    let (ok, _, stderr) = check("hello");
    assert!(!ok, "{stderr}");
    assert!(tfsynth(dir.path(), &["synth", "--no-validate"]).0);
    assert!(!dir.path().join("atlantis.yaml").exists());
}

/// Atlantis reads the file at the repository's root only: a project in a
/// subdirectory of a repository is told so.
#[test]
fn a_project_below_the_repository_root_is_warned_that_atlantis_will_not_find_the_file() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    let dir = project_with(&["shop"]);
    let inner = repo.path().join("infra");
    std::fs::rename(dir.path(), &inner).unwrap_or_else(|_| {
        // A different file system: copy the one stack needed.
        std::fs::create_dir_all(inner.join("stacks")).unwrap();
        std::fs::copy(
            dir.path().join("stacks/shop.toml"),
            inner.join("stacks/shop.toml"),
        )
        .unwrap();
    });
    let (ok, _, stderr) = tfsynth(&inner, &["synth", "--no-validate"]);
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("warning: atlantis.yaml: Atlantis reads it only at the root of a repository, and this project is inside the repository at"),
        "{stderr}"
    );
}

fn stack_name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_-]{0,20}[a-z0-9]"
}

proptest! {
    /// Whatever stacks, roots, workspaces and output directory (spaces,
    /// colons and `#` included), the file is one Atlantis accepts, and
    /// reads back as exactly what was listed.
    #[test]
    fn every_atlantis_yaml_synth_writes_is_one_atlantis_accepts(
        out_dir in "[a-z]([a-z0-9 :#_.*-]{0,12}[a-z0-9])?",
        stacks in proptest::collection::btree_map(
            stack_name(),
            (proptest::collection::vec(("[a-z_][a-z0-9_-]{0,12}", proptest::option::of("[A-Za-z0-9_-]{1,20}")), 1..4), any::<bool>()),
            1..4,
        ),
    ) {
        let stacks: Vec<tfsynth::atlantis::StackRoots> = stacks
            .into_iter()
            .map(|(stack, (roots, autoplan))| {
                let mut seen = std::collections::BTreeSet::new();
                tfsynth::atlantis::StackRoots {
                    local: autoplan,
                    stack,
                    options: tfsynth::atlantis::Options { autoplan },
                    roots: roots
                        .into_iter()
                        .filter(|(r, _)| seen.insert(r.clone()))
                        .filter_map(|(r, w)| {
                            // The workspace synth would list for a root in
                            // that HCP Terraform workspace, or in none.
                            let mut s = Stack::new();
                            s.terraform_mut().cloud = w.map(|w| Cloud::workspace("org", w));
                            let doc = s.resolve().unwrap();
                            tfsynth::atlantis::workspace(&doc).ok().map(|w| (r, w))
                        })
                        .collect(),
                }
            })
            .collect();
        let projects: Vec<_> = stacks
            .iter()
            .flat_map(|s| tfsynth::atlantis::projects(&out_dir, s))
            .collect();
        prop_assume!(!projects.is_empty());
        prop_assume!(tfsynth::atlantis::check_out_dir(&out_dir).is_ok());
        let text = tfsynth::atlantis::render_stacks(&out_dir, &stacks);
        prop_assert!(tfsynth::atlantis::is_owned(&text));
        let config = yaml(&text);
        prop_assert_eq!(fits_atlantis_repo_config(&config), Ok(()));
        let read = config["projects"].as_vec().unwrap();
        prop_assert_eq!(read.len(), projects.len());
        for (p, r) in projects.iter().zip(read) {
            prop_assert_eq!(r["name"].as_str(), Some(p.name.as_str()));
            prop_assert_eq!(r["dir"].as_str(), Some(p.dir.as_str()));
            prop_assert_eq!(r["workspace"].as_str(), Some(p.workspace.as_str()));
            prop_assert_eq!(r["autoplan"]["enabled"].as_bool(), Some(p.autoplan));
        }
    }
}

/// A workspace Atlantis refuses, or local state, is refused in the
/// settings of a stack that asks for Atlantis, at the key to change.
#[test]
fn what_atlantis_cannot_run_is_refused_at_the_setting_to_change() {
    let dir = project_with(&["hello"]);
    let hello = dir.path().join("stacks/hello.toml");
    let text = std::fs::read_to_string(&hello).unwrap().replace(
        "organization = \"example-org\"\n",
        "organization = \"example-org\"\nworkspace_prefix = \"-web-\"\n",
    );
    std::fs::write(&hello, &text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tfsynth"))
        .arg("-C")
        .arg(dir.path())
        .args(["synth", "--no-validate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("stacks/hello.toml:59:1: state.workspace_prefix: \"-web-\" starts the workspace names with \"-\", which Atlantis refuses in a workspace name, and [atlantis] lists this stack"),
        "{stderr}"
    );
    assert!(!dir.path().join("generated").exists());

    // Local state does not survive the fresh clone Atlantis plans in.
    let text = HELLO.to_owned() + "\n[atlantis]\n";
    std::fs::write(&hello, text).unwrap();
    let (ok, _, stderr) = tfsynth(dir.path(), &["synth", "--no-validate"]);
    assert!(!ok);
    assert!(
        stderr.contains("stacks/hello.toml:57:2: atlantis: Atlantis runs each pull request in a fresh clone, where a local state file does not survive; keep the state elsewhere ([state] backend = \"gcs\" or \"cloud\")"),
        "{stderr}"
    );
}

/// atlantis.yaml lists the roots in generated/, the committed output: a
/// synth into another directory (a scratch copy, inside the project or
/// not) writes it there and leaves atlantis.yaml as it is, saying so.
#[test]
fn a_synth_into_another_output_directory_leaves_atlantis_yaml_alone() {
    let scratch = tempfile::tempdir().unwrap();
    let outside = scratch.path().join("out").display().to_string();
    for out in ["out-both", "build..1", "gen*", outside.as_str()] {
        let dir = project_with(&["shop"]);
        assert!(tfsynth(dir.path(), &["synth", "--no-validate"]).0);
        let written = std::fs::read_to_string(dir.path().join("atlantis.yaml")).unwrap();
        let (ok, stdout, stderr) = tfsynth(dir.path(), &["synth", "--no-validate", "--out", out]);
        assert!(ok, "{out}: {stderr}");
        assert!(!stdout.contains("atlantis.yaml"), "{out}: {stdout}");
        assert!(
            stderr.contains(&format!(
                "note: atlantis.yaml lists the roots in generated/, so a synth into --out {out} leaves it as it is"
            )),
            "{out}: {stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("atlantis.yaml")).unwrap(),
            written,
            "{out}"
        );
        assert!(
            dir.path()
                .join(out)
                .join("shop/cluster/main.tf.json")
                .is_file(),
            "{out}"
        );
        // diff of that directory has nothing to say of atlantis.yaml.
        let (_, stdout, _) = tfsynth(dir.path(), &["diff", "--out", out]);
        assert_eq!(stdout, "", "{out}");
        let _ = std::fs::remove_dir_all(&outside);
    }
}

/// A local override that shapes atlantis.yaml is named in its header, as
/// in every generated file's, and the file stays synth's own.
#[test]
fn a_local_override_that_shapes_atlantis_yaml_is_named_in_its_header() {
    let dir = project_with(&["shop"]);
    std::fs::write(
        dir.path().join("stacks/hello.local.toml"),
        "[atlantis]\nautoplan = false\n",
    )
    .unwrap();
    let (ok, stdout, stderr) = tfsynth(dir.path(), &["synth", "--no-validate"]);
    assert!(ok, "{stderr}");
    assert!(stdout.ends_with("created: atlantis.yaml\n"), "{stdout}");
    let text = std::fs::read_to_string(dir.path().join("atlantis.yaml")).unwrap();
    assert_eq!(
        text.lines().next(),
        Some("# generated by tfsynth from stacks/*.toml + stacks/hello.local.toml, do not edit")
    );
    assert!(tfsynth::atlantis::is_owned(&text));
    // Without the override, synth replaces its own file.
    std::fs::remove_file(dir.path().join("stacks/hello.local.toml")).unwrap();
    let (ok, stdout, _) = tfsynth(dir.path(), &["synth", "--no-validate"]);
    assert!(ok);
    assert!(stdout.ends_with("updated: atlantis.yaml\n"), "{stdout}");
    for not_ours in [
        "# generated by tfsynth from stacks/*.toml + my notes, do not edit\n",
        "# generated by tfsynth from stacks/*.toml, do not edit!\n",
        "version: 3\n# generated by tfsynth from stacks/*.toml, do not edit\n",
    ] {
        assert!(!tfsynth::atlantis::is_owned(not_ours), "{not_ours}");
    }
}

/// What stands where atlantis.yaml goes is named for what it is; a
/// temporary copy an interrupted synth left is reported and cleaned.
#[test]
fn a_directory_or_link_at_atlantis_yaml_is_named_and_a_leftover_copy_is_cleaned() {
    let dir = project_with(&["shop"]);
    std::fs::create_dir(dir.path().join("atlantis.yaml")).unwrap();
    let (ok, _, stderr) = tfsynth(dir.path(), &["synth", "--no-validate"]);
    assert!(!ok);
    assert!(stderr.contains("atlantis.yaml is a directory, and a stack's settings ask synth to write it; nothing was written"), "{stderr}");
    std::fs::remove_dir(dir.path().join("atlantis.yaml")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("elsewhere.yaml", dir.path().join("atlantis.yaml")).unwrap();
        let (ok, _, stderr) = tfsynth(dir.path(), &["synth", "--no-validate"]);
        assert!(!ok);
        assert!(
            stderr.contains("atlantis.yaml is a symbolic link"),
            "{stderr}"
        );
        std::fs::remove_file(dir.path().join("atlantis.yaml")).unwrap();
    }
    assert!(tfsynth(dir.path(), &["synth", "--no-validate"]).0);
    std::fs::write(dir.path().join(".atlantis.yaml.tfsynth-tmp"), "half").unwrap();
    let (ok, _, stderr) = tfsynth(dir.path(), &["synth", "--no-validate", "--check"]);
    assert!(!ok);
    assert!(stderr.contains("leftover: .atlantis.yaml.tfsynth-tmp (a temporary file of an interrupted synth; synth removes it)"), "{stderr}");
    let (ok, stdout, _) = tfsynth(dir.path(), &["synth", "--no-validate"]);
    assert!(ok);
    assert!(
        stdout.ends_with("cleaned: .atlantis.yaml.tfsynth-tmp\n"),
        "{stdout}"
    );
    assert!(!dir.path().join(".atlantis.yaml.tfsynth-tmp").exists());
    // An atlantis.yml beside it makes Atlantis refuse the repository.
    std::fs::write(dir.path().join("atlantis.yml"), "version: 3\n").unwrap();
    let (_, _, stderr) = tfsynth(dir.path(), &["synth", "--no-validate"]);
    assert!(stderr.contains("warning: atlantis.yml: Atlantis reads only atlantis.yaml and refuses a repository that has atlantis.yml beside it"), "{stderr}");
}

/// Terraform reads a token from `TF_TOKEN_<host>` only for a host without
/// a port (a variable name cannot hold `:`): the README says so.
#[test]
fn the_readme_of_a_host_with_a_port_names_a_credentials_block_not_a_variable() {
    let files = synth_hello_with(
        "backend = \"cloud\"\norganization = \"example-org\"\nhostname = \"tfe.example.com:8443\"\n",
    );
    let (_, readme) = files.iter().find(|(p, _)| p == "hello/README.md").unwrap();
    assert!(
        readme.contains("- sign in: `terraform login tfe.example.com:8443` (in CI, a team token in a `credentials \"tfe.example.com:8443\"` block of the CLI configuration (a host with a port has no `TF_TOKEN_` variable));"),
        "{readme}"
    );
}

/// `diff` shows what synth would change in atlantis.yaml, project by
/// project, in every format, against the file or a git revision of it.
#[test]
fn diff_shows_atlantis_yaml_changes_project_by_project() {
    let dir = project_with(&["shop"]);
    assert!(tfsynth(dir.path(), &["synth", "--no-validate"]).0);
    let (ok, stdout, _) = tfsynth(dir.path(), &["diff", "--exit-code"]);
    assert!(ok, "{stdout}");
    assert_eq!(stdout, "");
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(dir.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "shop on Atlantis"]);

    // hello asks too, and shop plans only on comments now.
    let hello = dir.path().join("stacks/hello.toml");
    let text = std::fs::read_to_string(&hello).unwrap();
    std::fs::write(&hello, format!("{text}\n[atlantis]\n")).unwrap();
    let shop = dir.path().join("stacks/shop.toml");
    let text = std::fs::read_to_string(&shop).unwrap();
    std::fs::write(
        &shop,
        text.replace("\n[atlantis]\n", "\n[atlantis]\nautoplan = false\n"),
    )
    .unwrap();

    let expected = "atlantis.yaml\n  + project hello/cluster\n  + project hello/workload\n  ~ project shop/cluster: autoplan.enabled: true -> false\n  ~ project shop/workload: autoplan.enabled: true -> false\n";
    for base in [&[][..], &["--against-git", "HEAD"][..]] {
        let mut args = vec!["diff", "--exit-code"];
        args.extend(base);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tfsynth"))
            .arg("-C")
            .arg(dir.path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.ends_with(expected), "{args:?}\n{stdout}");
    }
    let (_, markdown, _) = tfsynth(dir.path(), &["diff", "--format", "markdown"]);
    assert!(
        markdown.ends_with("### `atlantis.yaml`\n\n| | project | key | old → new |\n|---|---|---|---|\n| + add | `hello/cluster` | | |\n| + add | `hello/workload` | | |\n| ~ change | `shop/cluster` | `autoplan.enabled` | `true` → `false` |\n| ~ change | `shop/workload` | `autoplan.enabled` | `true` → `false` |\n\n"),
        "{markdown}"
    );
    let (_, json, _) = tfsynth(dir.path(), &["diff", "--format", "json"]);
    let json: J = serde_json::from_str(&json).unwrap();
    let files = json["files"].as_array().unwrap();
    assert_eq!(
        files.last().unwrap(),
        &serde_json::json!({"path": "atlantis.yaml", "projects": [
            {"change": "added", "name": "hello/cluster"},
            {"change": "added", "name": "hello/workload"},
            {"change": "changed", "name": "shop/cluster", "keys": [{"key": "autoplan.enabled", "old": true, "new": false}]},
            {"change": "changed", "name": "shop/workload", "keys": [{"key": "autoplan.enabled", "old": true, "new": false}]},
        ]})
    );
    // Once written, nothing is left to show.
    assert!(tfsynth(dir.path(), &["synth", "--no-validate"]).0);
    let (ok, stdout, _) = tfsynth(dir.path(), &["diff", "--exit-code"]);
    assert!(ok, "{stdout}");
}

/// Two stacks whose roots would keep their state in one HCP Terraform
/// workspace (or one GCS object) are refused at each stack's [state],
/// by synth, deploy and plan, before anything is written or run. HCP
/// Terraform's organization and workspace names are one whatever their
/// case.
#[test]
fn two_stacks_that_would_share_a_state_are_refused_at_each_ones_state() {
    let dir = project_with(&[]);
    let shop = dir.path().join("stacks/shop.toml");
    let text = std::fs::read_to_string(&shop).unwrap().replace(
        "[state]\nbucket = \"tfsynth-shop-tfstate\"\n",
        "[state]\nbackend = \"cloud\"\norganization = \"Example-Org\"\nworkspace_prefix = \"HELLO-\"\n",
    );
    std::fs::write(&shop, text).unwrap();
    for args in [
        &["synth", "--no-validate"][..],
        &["synth", "--no-validate", "--stack", "shop"][..],
        &["deploy", "--stack", "shop", "--schemas", "."][..],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tfsynth"))
            .arg("-C")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("stacks/shop.toml:78:2: state: stack hello, root cluster and stack shop, root cluster keep their state in one place, HCP Terraform workspace example-org/hello-cluster on app.terraform.io: applying one would plan to undo what the other made; give each its own (state.workspace_prefix, state.prefix or state.bucket)"),
            "{args:?}: {stderr}"
        );
        assert!(!dir.path().join("generated").exists(), "{args:?}");
    }
    // The same for one GCS object.
    let dir = project_with(&[]);
    let hello = dir.path().join("stacks/hello.toml");
    let text = std::fs::read_to_string(&hello).unwrap().replace(
        "backend = \"cloud\"\norganization = \"example-org\"\n",
        "bucket = \"tfsynth-shop-tfstate\"\nprefix = \"tfsynth/shop\"\n",
    );
    std::fs::write(&hello, text).unwrap();
    let (ok, _, stderr) = tfsynth(dir.path(), &["synth", "--no-validate"]);
    assert!(!ok);
    assert!(
        stderr.contains("keep their state in one place, gs://tfsynth-shop-tfstate/tfsynth/shop/cluster/default.tfstate"),
        "{stderr}"
    );
    assert!(
        stderr.contains("stacks/hello.toml:56:2: state:")
            && stderr.contains("stacks/shop.toml:78:2: state:"),
        "{stderr}"
    );
}

/// The entry of `path` in `diff --format json`'s files.
fn file_in<'j>(json: &'j J, path: &str) -> &'j J {
    json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("no {path} in {json}"))
}

/// Moving a stack's state to another backend (here GCS to HCP Terraform)
/// is called out by diff for each root, with the command that carries the
/// state over: without it, the first plan would create everything again.
#[test]
fn diff_calls_out_a_root_whose_state_moves_and_how_to_carry_it_over() {
    let dir = project_with(&[]);
    assert!(tfsynth(dir.path(), &["synth", "--no-validate", "--stack", "shop"]).0);
    let shop = dir.path().join("stacks/shop.toml");
    let text = std::fs::read_to_string(&shop).unwrap().replace(
        "[state]\nbucket = \"tfsynth-shop-tfstate\"\n",
        "[state]\nbackend = \"cloud\"\norganization = \"example-org\"\n",
    );
    std::fs::write(&shop, text).unwrap();
    let (_, stdout, _) = tfsynth(dir.path(), &["diff", "--stack", "shop"]);
    assert!(
        stdout.contains("generated/shop/cluster/main.tf.json\n  ! state moves: gs://tfsynth-shop-tfstate/tfsynth/shop/cluster/default.tfstate -> HCP Terraform workspace example-org/shop-cluster on app.terraform.io\n      run `terraform -chdir=generated/shop/cluster init` and answer yes when it offers to copy the state into the workspace (HCP Terraform refuses `-migrate-state`), before any plan or apply: until then the new place holds no state, and terraform would plan to create every object again\n"),
        "{stdout}"
    );
    let (_, json, _) = tfsynth(dir.path(), &["diff", "--stack", "shop", "--format", "json"]);
    let json: J = serde_json::from_str(&json).unwrap();
    let workload = file_in(&json, "generated/shop/workload/main.tf.json");
    assert_eq!(
        workload["changes"][0],
        serde_json::json!({"change": "state_moved",
            "from": "gs://tfsynth-shop-tfstate/tfsynth/shop/workload/default.tfstate",
            "to": "HCP Terraform workspace example-org/shop-workload on app.terraform.io",
            "how": "init-into-cloud"})
    );
    let (_, markdown, _) = tfsynth(
        dir.path(),
        &["diff", "--stack", "shop", "--format", "markdown"],
    );
    assert!(
        markdown.contains("| **! state moves** | `terraform` | | `gs://tfsynth-shop-tfstate/tfsynth/shop/cluster/default.tfstate` → `HCP Terraform workspace example-org/shop-cluster on app.terraform.io`: run `terraform init` and let it copy the state into the workspace before any plan, or terraform plans to create everything again |"),
        "{markdown}"
    );
}

/// Within HCP Terraform, terraform init moves no state: a new workspace
/// name is a rename to make there, another organization a state pull and
/// push; diff says which, in every format.
#[test]
fn diff_says_how_to_move_a_state_between_hcp_terraform_workspaces() {
    let dir = project_with(&[]);
    assert!(tfsynth(dir.path(), &["synth", "--no-validate", "--stack", "hello"]).0);
    let hello = dir.path().join("stacks/hello.toml");
    let settings = std::fs::read_to_string(&hello).unwrap();
    for (change, how, advice, markdown_advice) in [
        (
            "organization = \"example-org\"\nworkspace_prefix = \"web-hello-\"\n",
            "rename-workspace",
            "HCP Terraform copies no state between workspaces (`init -migrate-state` moves nothing): rename the old workspace to the new name in HCP Terraform (its settings), then run `terraform -chdir=generated/hello/cluster init`",
            "rename the workspace in HCP Terraform (it copies no state between workspaces)",
        ),
        (
            "organization = \"other-org\"\n",
            "pull-and-push",
            "terraform cannot migrate state out of HCP Terraform, nor between its organizations or hosts: with the root's old configuration in place (as committed before this change; `git stash` sets the change aside), run `terraform -chdir=generated/hello/cluster init` and `terraform -chdir=generated/hello/cluster state pull > hello-cluster.tfstate`; with the new (`git stash pop`, then synth), `terraform -chdir=generated/hello/cluster init -reconfigure` and `terraform -chdir=generated/hello/cluster state push \"$PWD/hello-cluster.tfstate\"`, then delete hello-cluster.tfstate (a state holds secrets)",
            "`terraform state pull` with the old configuration, `state push` with the new",
        ),
    ] {
        std::fs::write(
            &hello,
            settings.replace("organization = \"example-org\"\n", change),
        )
        .unwrap();
        let (_, stdout, _) = tfsynth(dir.path(), &["diff", "--stack", "hello"]);
        assert!(
            stdout.contains(&format!(
                "\n      {advice}, before any plan or apply: until then the new place holds no state"
            )),
            "{stdout}"
        );
        let (_, json, _) = tfsynth(
            dir.path(),
            &["diff", "--stack", "hello", "--format", "json"],
        );
        let json: J = serde_json::from_str(&json).unwrap();
        let cluster = file_in(&json, "generated/hello/cluster/main.tf.json");
        assert_eq!(cluster["changes"][0]["how"], how, "{json}");
        let (_, markdown, _) = tfsynth(
            dir.path(),
            &["diff", "--stack", "hello", "--format", "markdown"],
        );
        assert!(
            markdown.contains(&format!(": {markdown_advice} before any plan")),
            "{markdown}"
        );
    }
    // Only the case of a name changed: the same workspace.
    std::fs::write(
        &hello,
        settings.replace(
            "organization = \"example-org\"\n",
            "organization = \"Example-Org\"\n",
        ),
    )
    .unwrap();
    let (_, stdout, _) = tfsynth(dir.path(), &["diff", "--stack", "hello"]);
    assert!(!stdout.contains("state moves"), "{stdout}");
}

#[test]
fn a_roots_state_location_is_named_where_roots_could_share_it() {
    use std::collections::BTreeMap;
    use tfsynth::tf::{Backend, Expression, TerraformBlock};
    let gcs = |prefix: Option<&str>| TerraformBlock {
        backend: Some(Backend {
            kind: "gcs".into(),
            settings: [("bucket".to_owned(), Expression::from("b"))]
                .into_iter()
                .chain(prefix.map(|p| ("prefix".to_owned(), Expression::from(p))))
                .collect::<BTreeMap<_, _>>(),
        }),
        ..TerraformBlock::default()
    };
    let local = |path: &str| TerraformBlock {
        backend: Some(Backend {
            kind: "local".into(),
            settings: BTreeMap::from([("path".to_owned(), Expression::from(path))]),
        }),
        ..TerraformBlock::default()
    };
    let cloud = |c: Cloud| TerraformBlock {
        cloud: Some(c),
        ..TerraformBlock::default()
    };
    let cases = [
        (TerraformBlock::default(), None),
        (gcs(None), Some("gs://b/default.tfstate")),
        (gcs(Some("a/b/")), Some("gs://b/a/b/default.tfstate")),
        (gcs(Some("/")), Some("gs://b/default.tfstate")),
        (local("state/x.tfstate"), None),
        (
            local("/var/tf/x.tfstate"),
            Some("the file /var/tf/x.tfstate"),
        ),
        (
            cloud(Cloud::workspace("o", "w")),
            Some("HCP Terraform workspace o/w on app.terraform.io"),
        ),
        (
            cloud(Cloud {
                hostname: Some("TFE.example.com".into()),
                ..Cloud::workspace("o", "w")
            }),
            Some("HCP Terraform workspace o/w on tfe.example.com"),
        ),
        (
            cloud(Cloud {
                workspaces: CloudWorkspaces::Tags(["t".to_owned()].into()),
                ..Cloud::workspace("o", "w")
            }),
            None,
        ),
    ];
    for (block, expected) in cases {
        assert_eq!(block.state_location().as_deref(), expected, "{block:?}");
    }
}

/// diff says what synth would do to atlantis.yaml even when its projects
/// stay the same: a key or comment added by hand is written over, and a
/// file that is not synth's is refused.
#[test]
fn diff_says_when_synth_rewrites_or_refuses_atlantis_yaml() {
    let dir = project_with(&["shop"]);
    assert!(tfsynth(dir.path(), &["synth", "--no-validate"]).0);
    let path = dir.path().join("atlantis.yaml");
    let written = std::fs::read_to_string(&path).unwrap();
    for edited in [
        format!("{written}automerge: true\n"),
        written.replace("version: 3", "version: 2"),
        format!("{written}# a note\n"),
    ] {
        std::fs::write(&path, &edited).unwrap();
        let (_, stdout, _) = tfsynth(dir.path(), &["diff", "--exit-code"]);
        assert_eq!(
            stdout,
            "atlantis.yaml\n  ~ changes outside its projects (a top-level key or a comment): synth writes it anew\n",
            "{edited}"
        );
        let (ok, _, stderr) = tfsynth(dir.path(), &["synth", "--no-validate", "--check"]);
        assert!(!ok && stderr.contains("atlantis.yaml"), "{stderr}");
    }
    std::fs::write(&path, "version: 3\nprojects: []\n").unwrap();
    let (_, stdout, _) = tfsynth(dir.path(), &["diff"]);
    assert_eq!(
        stdout,
        "atlantis.yaml\n  ! atlantis.yaml is a file tfsynth did not write (its first line is not tfsynth's header), and a stack's settings ask synth to write it: synth refuses to replace it; move it away, or take [atlantis] out of the stacks' settings to keep it\n"
    );
    let (_, json, _) = tfsynth(dir.path(), &["diff", "--format", "json"]);
    let json: J = serde_json::from_str(&json).unwrap();
    assert_eq!(
        json["files"][0]["projects"][0]["change"], "refused",
        "{json}"
    );
    let (ok, _, _) = tfsynth(dir.path(), &["synth", "--no-validate"]);
    assert!(!ok, "synth refuses, as diff said");
    // A synth or check of shop alone says so too.
    let (ok, _, stderr) = tfsynth(
        dir.path(),
        &["synth", "--no-validate", "--check", "--stack", "shop"],
    );
    assert!(!ok, "{stderr}");
    assert!(
        stderr.contains("refused: atlantis.yaml is a file tfsynth did not write (its first line is not tfsynth's header), and a stack's settings ask synth to write it: synth refuses to replace it;"),
        "{stderr}"
    );
    // A directory or a link in its place is refused, and diff says so.
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    let (_, stdout, _) = tfsynth(dir.path(), &["diff"]);
    assert!(
        stdout.starts_with("atlantis.yaml\n  ! atlantis.yaml is a directory, and a stack's settings ask synth to write it: synth refuses to replace it;"),
        "{stdout}"
    );
    std::fs::remove_dir(&path).unwrap();
    #[cfg(unix)]
    {
        let elsewhere = dir.path().join("kept.yaml");
        std::fs::write(&elsewhere, &written).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
        let (_, stdout, _) = tfsynth(dir.path(), &["diff"]);
        assert!(
            stdout.starts_with("atlantis.yaml\n  ! atlantis.yaml is a symbolic link"),
            "{stdout}"
        );
        std::fs::remove_file(&path).unwrap();
    }
    // synth's header over text that is not YAML: written anew.
    std::fs::write(
        &path,
        format!("{}\n: : [\n", written.lines().next().unwrap()),
    )
    .unwrap();
    let (_, stdout, _) = tfsynth(dir.path(), &["diff"]);
    assert_eq!(
        stdout,
        "atlantis.yaml\n  ~ is not YAML (not as synth wrote it): synth writes it anew\n"
    );
    // No stack asks any more: synth removes it, and diff says so first.
    std::fs::write(&path, &written).unwrap();
    let shop = dir.path().join("stacks/shop.toml");
    let settings = std::fs::read_to_string(&shop).unwrap();
    std::fs::write(&shop, settings.replace("\n[atlantis]\n", "\n")).unwrap();
    let (_, stdout, _) = tfsynth(dir.path(), &["diff"]);
    assert!(
        stdout.starts_with("atlantis.yaml\n  - no stack asks for it any more: synth removes it\n  - project shop/cluster\n"),
        "{stdout}"
    );
}
