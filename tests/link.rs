//! References between roots become outputs and remote-state reads.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use proptest::prelude::*;
use tfsynth::emit::{to_json, to_json_value};
use tfsynth::tf::{
    Address, Backend, Body, Expression, Meta, ModuleCall, NamedRoot, ObjectMap, Output, Stack,
    Step, Template, Variable, link_roots, link_roots_with,
};

fn two_roots(backend: Option<Backend>) -> (Vec<NamedRoot>, Vec<NamedRoot>) {
    let mut a = Stack::new();
    a.terraform_mut().backend = backend;
    let mut body = Body::new();
    body.set("input", "hello from a");
    let thing = a.add_body("terraform_data", "thing", body, Meta::default());

    let mut b = Stack::new();
    let mut used = Body::new();
    used.set("input", thing.attr::<String>("output"));
    b.add_body("terraform_data", "user", used, Meta::default());
    b.output(
        "seen",
        Output::new(
            Template::new()
                .lit("b saw: ")
                .interp(thing.attr::<String>("output"))
                .build(),
            "what b read from a",
        ),
    );
    let roots = vec![
        NamedRoot {
            name: "a".into(),
            stack: a,
        },
        NamedRoot {
            name: "b".into(),
            stack: b,
        },
    ];
    let linked = link_roots(roots.clone()).unwrap_or_else(|p| panic!("{p:?}"));
    (roots, linked)
}

fn json(root: &NamedRoot) -> serde_json::Value {
    to_json_value(&root.stack.resolve().unwrap_or_else(|e| panic!("{e}")))
}

#[test]
fn a_reference_to_an_earlier_root_becomes_an_output_and_a_local_remote_state_read() {
    let (_, linked) = two_roots(None);
    let a = json(&linked[0]);
    let b = json(&linked[1]);
    assert_eq!(
        a["output"]["terraform_data_thing_output"]["value"],
        "${terraform_data.thing.output}"
    );
    assert_eq!(
        b["data"]["terraform_remote_state"]["a"],
        serde_json::json!({ "backend": "local", "config": { "path": "../a/terraform.tfstate" } })
    );
    assert_eq!(
        b["resource"]["terraform_data"]["user"]["input"],
        "${data.terraform_remote_state.a.outputs.terraform_data_thing_output}"
    );
    assert_eq!(
        b["output"]["seen"]["value"],
        "b saw: ${data.terraform_remote_state.a.outputs.terraform_data_thing_output}"
    );
}

#[test]
fn a_root_with_a_gcs_backend_is_read_through_the_same_bucket_and_prefix() {
    let backend = Backend {
        kind: "gcs".into(),
        settings: BTreeMap::from([
            ("bucket".to_owned(), Expression::from("state-bucket")),
            ("prefix".to_owned(), Expression::from("tfsynth/x/a")),
        ]),
    };
    let (_, linked) = two_roots(Some(backend));
    let b = json(&linked[1]);
    assert_eq!(
        b["data"]["terraform_remote_state"]["a"],
        serde_json::json!({ "backend": "gcs", "config": { "bucket": "state-bucket", "prefix": "tfsynth/x/a" } })
    );
}

#[test]
fn reading_from_a_root_applied_later_is_an_error_naming_both() {
    let (roots, _) = two_roots(None);
    let reversed: Vec<NamedRoot> = roots.into_iter().rev().collect();
    let problems = link_roots(reversed).unwrap_err();
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        ["root b: terraform_data.thing.output belongs to root a, which is applied after b"]
    );
}

/// Applies both roots with real terraform, in order, each in its own
/// directory as `generated/<stack>/<root>/` lays them out: the second reads
/// the first's output from its local state.
#[test]
fn terraform_applies_linked_roots_in_order_and_the_second_reads_the_first() {
    if !terraform_on_path("the apply of linked roots") {
        return;
    }
    let (_, linked) = two_roots(None);
    let dir = tempfile::tempdir().unwrap();
    apply_in_order(dir.path(), &linked);
    let out = run(&dir.path().join("b"), &["output", "-raw", "seen"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "b saw: hello from a");
}

/// Whether terraform can run. Missing in CI (`CI=true`) is a failure;
/// elsewhere the test says it skips, naming what it would have checked.
fn terraform_on_path(what: &str) -> bool {
    if Command::new("terraform").arg("version").output().is_ok() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "terraform is not on PATH, and CI needs it for {what}"
    );
    eprintln!("terraform is not on PATH: skipping {what}");
    false
}

/// Writes each root as `DIR/<root>/main.tf.json` (sibling directories, as
/// `generated/<stack>/` lays them out) and runs init and apply in each,
/// in order.
fn apply_in_order(dir: &Path, roots: &[NamedRoot]) {
    for root in roots {
        let root_dir = dir.join(&root.name);
        std::fs::create_dir_all(&root_dir).unwrap();
        let doc = root.stack.resolve().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            root_dir.join("main.tf.json"),
            to_json(&doc, "generated by tfsynth from test, do not edit"),
        )
        .unwrap();
        for args in [
            &["init", "-input=false", "-no-color"][..],
            &["apply", "-auto-approve", "-input=false", "-no-color"][..],
        ] {
            let out = run(&root_dir, args);
            assert!(
                out.status.success(),
                "{}: terraform {args:?}: {}{}",
                root.name,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// `terraform output -json` of one applied root, as a JSON value.
fn outputs(dir: &Path) -> serde_json::Value {
    let out = run(dir, &["output", "-json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut values = serde_json::Map::new();
    for (name, o) in all.as_object().unwrap() {
        values.insert(name.clone(), o["value"].clone());
    }
    serde_json::Value::Object(values)
}

fn named(name: &str, stack: Stack) -> NamedRoot {
    NamedRoot {
        name: name.into(),
        stack,
    }
}

fn data(
    stack: &mut Stack,
    name: &str,
    input: Expression,
) -> tfsynth::tf::Ref<tfsynth::tf::Untyped> {
    let mut body = Body::new();
    body.set("input", input);
    stack.add_body("terraform_data", name, body, Meta::default())
}

fn problems_of(roots: Vec<NamedRoot>) -> Vec<String> {
    link_roots(roots)
        .map(|_| panic!("expected link problems"))
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// Issue 13, A1: two roots hold `terraform_data.lb`; a reader uses the
/// second's handle and must read the second's state.
fn two_roots_with_the_same_address() -> Vec<NamedRoot> {
    let mut first = Stack::named("first");
    data(&mut first, "lb", "first lb".into());
    let mut second = Stack::named("second");
    let lb = data(&mut second, "lb", "second lb".into());
    let mut reader = Stack::named("reader");
    // The reader holds the same address too: it still means the second's.
    data(&mut reader, "lb", "reader's own lb".into());
    reader.output(
        "lb",
        Output::new(lb.attr::<String>("output"), "the second root's lb"),
    );
    vec![
        named("first", first),
        named("second", second),
        named("reader", reader),
    ]
}

#[test]
fn a_reference_is_wired_to_the_root_its_handle_came_from_not_to_one_with_the_same_address() {
    let linked = link_roots(two_roots_with_the_same_address()).unwrap();
    let reader = json(&linked[2]);
    assert_eq!(
        reader["output"]["lb"]["value"],
        "${data.terraform_remote_state.second.outputs.terraform_data_lb_output}"
    );
    assert!(
        reader["data"]["terraform_remote_state"]
            .get("first")
            .is_none()
    );
    assert!(json(&linked[0]).get("output").is_none());
    if !terraform_on_path("the apply of roots that share an address") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    apply_in_order(dir.path(), &linked);
    assert_eq!(outputs(&dir.path().join("reader"))["lb"], "second lb");
}

#[test]
fn a_handle_of_a_root_outside_the_link_is_an_error_naming_both_roots() {
    let mut outside = Stack::named("outside");
    let lb = data(&mut outside, "lb", "x".into());
    let mut reader = Stack::named("reader");
    reader.output("lb", Output::new(lb.attr::<String>("output"), "x"));
    let mut other = Stack::named("other");
    data(&mut other, "lb", "y".into());
    assert_eq!(
        problems_of(vec![named("other", other), named("reader", reader)]),
        [
            "root reader: terraform_data.lb.output belongs to root outside, which is not one of the linked roots (other, reader)"
        ]
    );
}

#[test]
fn one_stack_linked_twice_is_an_error() {
    let stack = Stack::named("a");
    assert_eq!(
        problems_of(vec![named("a", stack.clone()), named("b", stack)]),
        ["root b: is the same stack as root a (a clone); give each root its own Stack"]
    );
}

/// Issue 13, A2: two keys whose readable names are the same.
fn ranges_roots() -> Vec<NamedRoot> {
    let mut a = Stack::named("a");
    let ranges = data(
        &mut a,
        "ranges",
        Expression::Object(ObjectMap::from([
            ("eu-west", Expression::from("10.0.0.0/20")),
            ("eu_west", Expression::from("10.9.0.0/20")),
        ])),
    );
    let mut b = Stack::named("b");
    for key in ["eu-west", "eu_west"] {
        b.output(
            key.replace('-', "_dash_"),
            Output::new(ranges.at("output").key(key).typed::<String>(), "a range"),
        );
    }
    vec![named("a", a), named("b", b)]
}

#[test]
fn two_references_with_the_same_readable_name_get_two_outputs_and_read_their_own_values() {
    let linked = link_roots(ranges_roots()).unwrap();
    let a = json(&linked[0]);
    let b = json(&linked[1]);
    assert_eq!(
        a["output"]["terraform_data_ranges_output_eu_west"]["value"],
        "${terraform_data.ranges.output[\"eu-west\"]}"
    );
    assert_eq!(
        a["output"]["terraform_data_ranges_output_eu_west_2"]["value"],
        "${terraform_data.ranges.output[\"eu_west\"]}"
    );
    assert_eq!(
        b["output"]["eu_dash_west"]["value"],
        "${data.terraform_remote_state.a.outputs.terraform_data_ranges_output_eu_west}"
    );
    assert_eq!(
        b["output"]["eu_west"]["value"],
        "${data.terraform_remote_state.a.outputs.terraform_data_ranges_output_eu_west_2}"
    );
    if !terraform_on_path("the apply of two references with one readable name") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    apply_in_order(dir.path(), &linked);
    assert_eq!(
        outputs(&dir.path().join("b")),
        serde_json::json!({ "eu_dash_west": "10.0.0.0/20", "eu_west": "10.9.0.0/20" })
    );
}

#[test]
fn an_exported_name_never_takes_over_an_output_the_root_already_has() {
    let mut a = Stack::named("a");
    let thing = data(&mut a, "thing", "the thing".into());
    a.output(
        "terraform_data_thing_output",
        Output::new(Expression::from("something else"), "the user's own"),
    );
    let mut b = Stack::named("b");
    b.output("seen", Output::new(thing.attr::<String>("output"), "x"));
    let linked = link_roots(vec![named("a", a), named("b", b)]).unwrap();
    let a = json(&linked[0]);
    assert_eq!(
        a["output"]["terraform_data_thing_output"]["value"],
        "something else"
    );
    assert_eq!(
        a["output"]["terraform_data_thing_output_2"]["value"],
        "${terraform_data.thing.output}"
    );
    assert_eq!(
        json(&linked[1])["output"]["seen"]["value"],
        "${data.terraform_remote_state.a.outputs.terraform_data_thing_output_2}"
    );
}

#[test]
fn several_readers_of_one_reference_share_one_output_that_names_them_all() {
    let mut a = Stack::named("a");
    let thing = data(&mut a, "thing", "x".into());
    let mut b = Stack::named("b");
    let mut c = Stack::named("c");
    for s in [&mut b, &mut c] {
        s.output("seen", Output::new(thing.attr::<String>("output"), "x"));
    }
    let linked = link_roots(vec![named("a", a), named("b", b), named("c", c)]).unwrap();
    let a = json(&linked[0]);
    assert_eq!(
        a["output"],
        serde_json::json!({ "terraform_data_thing_output": {
            "value": "${terraform_data.thing.output}",
            "description": "Read by the b and c roots",
        } })
    );
}

proptest! {
    /// The kind behind A2: whatever keys a reader reads, each distinct
    /// reference gets its own valid output name, the same on every run
    /// and in any order of reading, and the output holds that reference.
    #[test]
    fn distinct_references_always_get_distinct_outputs_of_their_own(
        keys in proptest::collection::btree_set("[a-c_\\-. /é]{0,4}", 1..8),
        reversed in any::<bool>(),
    ) {
        let build = |order: Vec<&String>| {
            let mut a = Stack::named("a");
            let m = data(&mut a, "m", Expression::Object(ObjectMap::new()));
            let mut b = Stack::named("b");
            for (i, key) in order.iter().enumerate() {
                b.output(format!("o{i}_{}", key.len()), Output::new(m.at("output").key(key.as_str()).typed::<String>(), "x"));
            }
            link_roots(vec![named("a", a), named("b", b)]).unwrap()
        };
        let mut order: Vec<&String> = keys.iter().collect();
        if reversed {
            order.reverse();
        }
        let linked = build(order.clone());
        let a = json(&linked[0]);
        let b = json(&linked[1]);
        let exported = a["output"].as_object().unwrap();
        prop_assert_eq!(exported.len(), keys.len());
        for (i, key) in order.iter().enumerate() {
            let read = b["output"][format!("o{i}_{}", key.len())]["value"].as_str().unwrap().to_owned();
            let name = read
                .strip_prefix("${data.terraform_remote_state.a.outputs.")
                .and_then(|r| r.strip_suffix('}'))
                .unwrap();
            prop_assert!(tfsynth::tf::is_identifier(name), "{}", name);
            let mut expected = String::from("${terraform_data.m.output[");
            expected.push_str(&serde_json::to_string(key).unwrap().replace("${", "$${").replace("%{", "%%{"));
            expected.push_str("]}");
            prop_assert_eq!(exported[name]["value"].as_str().unwrap(), expected.as_str());
        }
        // The same keys read in the other order give the same outputs.
        let mut other = order.clone();
        other.reverse();
        prop_assert_eq!(&json(&build(other)[0])["output"], &a["output"]);
    }
}

/// Issue 13, A3: root a has a sensitive variable; root b reads it.
#[test]
fn an_exported_sensitive_value_is_a_sensitive_output_and_terraform_applies_it() {
    let mut a = Stack::named("a");
    let password = a.variable(
        "db_password",
        Variable {
            r#type: Some(tfsynth::tf::VarType::String),
            default: Some("s3cret".into()),
            sensitive: Some(true),
            ..Variable::default()
        },
    );
    let plain = a.variable(
        "region",
        Variable {
            default: Some("europe-west4".into()),
            ..Variable::default()
        },
    );
    let derived = a.local(
        "dsn",
        Template::new()
            .lit("postgres://app:")
            .interp(password.value::<String>())
            .lit("@db")
            .build(),
    );
    let raw_derived = a.local("upper_password", Expression::raw("upper(var.db_password)"));
    let module = a.module(
        "m",
        ModuleCall {
            source: "./m".into(),
            ..ModuleCall::default()
        },
    );
    let mut b = Stack::named("b");
    data(&mut b, "password", password.value::<String>().into());
    data(&mut b, "dsn", derived.value::<String>().into());
    data(&mut b, "upper", raw_derived.value::<String>().into());
    data(&mut b, "token", module.output::<String>("token").into());
    b.output(
        "region",
        Output::new(plain.value::<String>(), "not sensitive"),
    );
    let linked = link_roots(vec![named("a", a), named("b", b)]).unwrap();
    let exported = json(&linked[0])["output"].clone();
    for (name, sensitive) in [
        ("var_db_password", true),
        ("local_dsn", true),
        ("local_upper_password", true),
        ("module_m_token", true),
        ("var_region", false),
    ] {
        assert_eq!(
            exported[name].get("sensitive").and_then(|s| s.as_bool()),
            sensitive.then_some(true),
            "{name}: {exported}"
        );
    }
    if !terraform_on_path("the apply of a sensitive exported output") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let module_dir = dir.path().join("a/m");
    std::fs::create_dir_all(&module_dir).unwrap();
    std::fs::write(
        module_dir.join("main.tf"),
        "output \"token\" {\n  value     = \"t0ken\"\n  sensitive = true\n}\n",
    )
    .unwrap();
    apply_in_order(dir.path(), &linked);
    let show = run(&dir.path().join("b"), &["show", "-json"]);
    let state = String::from_utf8_lossy(&show.stdout);
    for value in ["s3cret", "postgres://app:s3cret@db", "S3CRET", "t0ken"] {
        assert!(
            state.contains(&format!("\"{value}\"")),
            "b read {value}: {state}"
        );
    }
}

#[test]
fn an_attribute_the_schema_marks_sensitive_is_exported_as_a_sensitive_output() {
    let mut a = Stack::named("a");
    let key = data(&mut a, "key", "x".into());
    let mut b = Stack::named("b");
    b.output(
        "private",
        Output::new(key.attr::<String>("private_key"), "x"),
    );
    b.output("public", Output::new(key.attr::<String>("public_key"), "x"));
    let schema = |address: &Address, steps: &[Step]| {
        address.to_string() == "terraform_data.key"
            && steps.first() == Some(&Step::Attr("private_key".into()))
    };
    let linked = link_roots_with(vec![named("a", a), named("b", b)], &schema).unwrap();
    let exported = json(&linked[0])["output"].clone();
    assert_eq!(
        exported["terraform_data_key_private_key"]["sensitive"],
        true
    );
    assert!(
        exported["terraform_data_key_public_key"]
            .get("sensitive")
            .is_none()
    );
}

/// Issue 13, A4: a local backend at a relative path is read from the
/// reader's directory.
#[test]
fn a_local_backend_path_is_read_from_the_readers_directory() {
    let backend = Backend {
        kind: "local".into(),
        settings: BTreeMap::from([("path".to_owned(), Expression::from("state/cluster.tfstate"))]),
    };
    let mut cluster = Stack::named("cluster");
    cluster.terraform_mut().backend = Some(backend);
    let endpoint = data(&mut cluster, "endpoint", "10.0.0.1".into());
    let mut workload = Stack::named("workload");
    workload.output(
        "endpoint",
        Output::new(endpoint.attr::<String>("output"), "x"),
    );
    let linked = link_roots(vec![named("cluster", cluster), named("workload", workload)]).unwrap();
    assert_eq!(
        json(&linked[1])["data"]["terraform_remote_state"]["cluster"],
        serde_json::json!({ "backend": "local", "config": { "path": "../cluster/state/cluster.tfstate" } })
    );
    if !terraform_on_path("the apply of a root with a local backend path") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    apply_in_order(dir.path(), &linked);
    assert!(dir.path().join("cluster/state/cluster.tfstate").is_file());
    assert_eq!(
        outputs(&dir.path().join("workload"))["endpoint"],
        "10.0.0.1"
    );
}

/// Issue 13, A5.
#[test]
fn depends_on_a_resource_of_another_root_names_the_root_that_owns_it() {
    let mut cluster = Stack::new();
    let api = data(&mut cluster, "api", "x".into());
    let mut workload = Stack::new();
    workload.add_body(
        "terraform_data",
        "app",
        Body::new(),
        Meta {
            depends_on: vec![api.dep()],
            ..Meta::default()
        },
    );
    workload.output(
        "o",
        Output {
            depends_on: vec![api.dep()],
            ..Output::new(Expression::from(1), "x")
        },
    );
    assert_eq!(
        problems_of(vec![named("cluster", cluster), named("workload", workload)]),
        [
            "root workload: output.o: depends_on: terraform_data.api belongs to root cluster; it cannot point into another root (roots are ordered by applying them in turn)",
            "root workload: terraform_data.app: depends_on: terraform_data.api belongs to root cluster; it cannot point into another root (roots are ordered by applying them in turn)",
        ]
    );
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("terraform")
        .args(args)
        .current_dir(dir)
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_IN_AUTOMATION", "1")
        .output()
        .expect("terraform runs")
}
