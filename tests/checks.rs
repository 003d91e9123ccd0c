//! Synth-time checks report every problem at once, each naming the address
//! and the attribute; raw overrides deep-merge into resource bodies.

mod common;

use std::collections::BTreeMap;

use tfsynth::emit::to_json;
use tfsynth::tf::{
    Backend, Body, Expression, Meta, ModuleCall, ObjectMap, Output, Stack, Validation, Variable,
    count_index, each_key,
};

fn body(pairs: &[(&str, Expression)]) -> Body {
    let mut b = Body::new();
    for (k, v) in pairs {
        b.set(*k, v.clone());
    }
    b
}

/// The rendered error, as the CLI prints it.
fn problems(stack: &Stack) -> String {
    match stack.resolve() {
        Ok(_) => panic!("expected synth-time problems"),
        Err(e) => e.to_string(),
    }
}

fn snapshot(name: &str, text: &str) {
    common::snapshots().bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn duplicate_addresses_are_reported_with_their_count() {
    let mut s = Stack::new();
    s.add_body("terraform_data", "a", Body::new(), Meta::default());
    s.add_body("terraform_data", "a", Body::new(), Meta::default());
    s.variable("v", Variable::default());
    s.variable("v", Variable::default());
    s.local("l", 1);
    s.local("l", 2);
    s.output("o", Output::new(Expression::from(1), "one"));
    s.output("o", Output::new(Expression::from(2), "two"));
    let text = problems(&s);
    assert!(text.contains("terraform_data.a: duplicate address (2 definitions)"));
    snapshot("error__duplicate_addresses", &text);
}

#[test]
fn names_terraform_would_reject_are_reported() {
    let mut s = Stack::new();
    s.add_body(
        "terraform_data",
        "1starts_with_digit",
        Body::new(),
        Meta::default(),
    );
    s.add_body("Bad-Type", "ok", Body::new(), Meta::default());
    s.add_body(
        "terraform_data",
        "bad_key",
        body(&[("has space", 1.into())]),
        Meta::default(),
    );
    s.variable("count", Variable::default());
    s.output("has.dot", Output::new(Expression::from(1), "x"));
    let text = problems(&s);
    assert!(text.contains("var.count: \"count\" is reserved by Terraform"));
    snapshot("error__invalid_names", &text);
}

#[test]
fn references_to_things_not_in_the_stack_are_reported_wherever_they_hide() {
    let mut other = Stack::named("other");
    let foreign = other.add_body("terraform_data", "elsewhere", Body::new(), Meta::default());

    let mut s = Stack::new();
    let a = s.add_body(
        "terraform_data",
        "a",
        body(&[
            ("from_other_stack", foreign.attr::<String>("output").into()),
            ("raw_missing_var", Expression::raw("upper(var.missing)")),
            (
                "raw_missing_data",
                Expression::raw("data.google_client_config.me.project"),
            ),
            ("raw_missing_module", Expression::raw("module.net.id")),
            (
                "raw_for_binding_is_fine",
                Expression::raw("[for x in [1] : x]"),
            ),
            ("raw_builtin_is_fine", Expression::raw("path.module")),
        ]),
        Meta {
            depends_on: vec![foreign.dep()],
            ..Meta::default()
        },
    );
    s.override_attr(
        &a,
        "via_override",
        Expression::raw("terraform_data.ghost.id"),
    );
    s.override_attr(&foreign, "anything", 1);
    s.output("o", Output::new(Expression::raw("local.nothing"), "x"));
    let text = problems(&s);
    assert!(text.contains(
        "terraform_data.a: from_other_stack: terraform_data.elsewhere.output belongs to root other, not to this root"
    ));
    assert!(text.contains(
        "terraform_data.a: depends_on: terraform_data.elsewhere belongs to root other; depends_on cannot point into another root"
    ));
    assert!(!text.contains("raw_for_binding_is_fine"));
    assert!(!text.contains("raw_builtin_is_fine"));
    snapshot("error__dangling_references", &text);
}

/// Two roots may hold the same address; a handle of one used in the other
/// must not silently mean the other's object.
#[test]
fn a_handle_of_another_root_is_refused_even_where_this_root_has_the_same_address() {
    let mut first = Stack::named("first");
    let theirs = first.add_body("terraform_data", "lb", Body::new(), Meta::default());
    let mut s = Stack::named("second");
    s.add_body("terraform_data", "lb", Body::new(), Meta::default());
    s.add_body(
        "terraform_data",
        "user",
        body(&[("input", theirs.attr::<String>("output").into())]),
        Meta {
            depends_on: vec![theirs.dep()],
            ..Meta::default()
        },
    );
    s.override_attr(&theirs, "input", "x");
    s.moved("terraform_data.old", &theirs);
    let text = problems(&s);
    assert_eq!(
        text,
        "4 problems in the stack
  moved: to: terraform_data.lb belongs to root first, not to this root
  terraform_data.lb: override \"input\": the handle belongs to root first, not to this root
  terraform_data.user: depends_on: terraform_data.lb belongs to root first; depends_on cannot point into another root (roots are ordered by applying them in turn)
  terraform_data.user: input: terraform_data.lb.output belongs to root first, not to this root; link the roots (link_roots) to read it through remote state"
    );
}

#[test]
fn raw_expressions_that_do_not_parse_are_reported() {
    let mut s = Stack::new();
    s.add_body(
        "terraform_data",
        "a",
        body(&[("input", Expression::raw("upper(var.x"))]),
        Meta::default(),
    );
    let text = problems(&s);
    assert!(
        text.contains("raw expression \"upper(var.x\" does not parse"),
        "{text}"
    );
    snapshot("error__raw_expression_syntax", &text);
}

#[test]
fn dependency_cycles_are_reported_with_every_member() {
    let mut s = Stack::new();
    let mut a_body = Body::new();
    a_body.set("input", Expression::raw("terraform_data.b.output"));
    s.add_body("terraform_data", "a", a_body, Meta::default());
    let mut b_body = Body::new();
    b_body.set("input", Expression::raw("local.c"));
    s.add_body("terraform_data", "b", b_body, Meta::default());
    s.local("c", Expression::raw("terraform_data.a.output"));
    let own = s.add_body("terraform_data", "self_ref", Body::new(), Meta::default());
    s.override_attr(&own, "input", own.attr::<String>("id"));
    let text = problems(&s);
    assert!(text.contains(
        "terraform_data.a: dependency cycle: terraform_data.a -> terraform_data.b -> local.c -> terraform_data.a"
    ));
    assert!(text.contains("terraform_data.self_ref -> terraform_data.self_ref"));
    snapshot("error__dependency_cycles", &text);
}

#[test]
fn a_tangle_of_cycles_is_reported_once_by_its_shortest_loop_naming_every_member() {
    let mut s = Stack::new();
    // x -> z -> x is the short loop; x -> y -> w -> x the long one.
    for (name, refs) in [
        ("x", "[terraform_data.y.id, terraform_data.z.id]"),
        ("y", "terraform_data.w.id"),
        ("w", "terraform_data.x.id"),
        ("z", "terraform_data.x.id"),
    ] {
        s.add_body(
            "terraform_data",
            name,
            body(&[("input", Expression::raw(refs))]),
            Meta::default(),
        );
    }
    assert_eq!(
        problems(&s),
        "1 problem in the stack\n  terraform_data.w: dependency cycle: terraform_data.w -> terraform_data.x -> terraform_data.y -> terraform_data.w (one of several among terraform_data.w, terraform_data.x, terraform_data.y, terraform_data.z)"
    );
}

#[test]
fn each_and_count_outside_for_each_and_count_are_reported() {
    let mut s = Stack::new();
    s.add_body(
        "terraform_data",
        "a",
        body(&[("k", each_key().into()), ("i", count_index().into())]),
        Meta::default(),
    );
    s.add_body(
        "terraform_data",
        "counted",
        body(&[("i", count_index().into())]),
        Meta {
            count: Some(2.into()),
            ..Meta::default()
        },
    );
    s.add_body(
        "terraform_data",
        "both",
        Body::new(),
        Meta {
            count: Some(1.into()),
            for_each: Some(Expression::raw("toset([\"a\"])")),
            ..Meta::default()
        },
    );
    let text = problems(&s);
    assert!(!text.contains("terraform_data.counted"));
    snapshot("error__each_and_count", &text);
}

#[test]
fn literals_are_required_where_terraform_cannot_evaluate() {
    let mut s = Stack::new();
    let v = s.variable("v", Variable::default());
    s.variable(
        "w",
        Variable {
            default: Some(v.value::<String>().into()),
            validations: vec![Validation {
                condition: Expression::raw("var.v != \"\""),
                error_message: "must be set".into(),
            }],
            ..Variable::default()
        },
    );
    s.terraform_mut().backend = Some(Backend {
        kind: "gcs".into(),
        settings: BTreeMap::from([("bucket".to_owned(), v.value::<String>().into())]),
    });
    let text = problems(&s);
    assert!(text.contains("var.w: default: must be a literal value"));
    assert!(text.contains("terraform: backend.gcs.bucket: must be a literal value"));
    assert!(text.contains(
        "var.w: validation[0]: refers to var.v; Terraform accepts references to other objects in a variable's validation from 1.9 on, and no required_version is set (set it to \">= 1.9\")"
    ));
    snapshot("error__literals_required", &text);
}

#[test]
fn meta_arguments_in_a_body_moved_removed_and_providers_are_checked() {
    let mut s = Stack::new();
    let a = s.add_body(
        "terraform_data",
        "a",
        body(&[("count", 2.into())]),
        Meta::default(),
    );
    s.moved("not an address", &a);
    s.removed("terraform_data.a", false);
    s.module(
        "m",
        ModuleCall {
            source: "./m".into(),
            providers: BTreeMap::new(),
            ..ModuleCall::default()
        },
    );
    let mut other = Stack::new();
    let west = other.provider("google", Some("west"), &BTreeMap::<String, String>::new());
    s.add_body(
        "terraform_data",
        "b",
        Body::new(),
        Meta {
            provider: Some(west),
            ..Meta::default()
        },
    );
    let text = problems(&s);
    assert!(text.contains("count: a meta-argument; set it through Meta, not the body"));
    snapshot("error__meta_moved_removed_provider", &text);
}

#[test]
fn every_problem_is_reported_at_once_and_sorted() {
    let mut s = Stack::new();
    s.add_body(
        "terraform_data",
        "z",
        body(&[("x", Expression::raw("var.nope"))]),
        Meta::default(),
    );
    s.add_body(
        "terraform_data",
        "a",
        body(&[("x", Expression::raw("var.nope"))]),
        Meta::default(),
    );
    s.variable("count", Variable::default());
    let e = s.resolve().unwrap_err();
    assert_eq!(e.problems.len(), 3);
    let addresses: Vec<&str> = e.problems.iter().map(|p| p.address.as_str()).collect();
    assert_eq!(
        addresses,
        ["terraform_data.a", "terraform_data.z", "var.count"]
    );
}

// ---- overrides ---------------------------------------------------------------

fn resolved_json(s: &Stack) -> serde_json::Value {
    let doc = s.resolve().unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&to_json(
        &doc,
        "generated by tfsynth from test, do not edit",
    ))
    .unwrap()
}

#[test]
fn overrides_deep_merge_into_nested_blocks_lists_and_objects() {
    let mut s = Stack::new();
    let mut config = Body::new();
    config.set(
        "labels",
        Expression::Object(ObjectMap::from([("a", "1".into())])),
    );
    config.set("tags", Expression::List(vec!["x".into(), "y".into()]));
    let mut b = body(&[("keep", true.into()), ("drop", 1.into())]);
    b.push_block("node_config", config);
    b.push_block("rule", Body::new());
    b.push_block("rule", Body::new());
    let r = s.add_body("terraform_data", "a", b, Meta::default());
    s.override_attr(&r, "node_config.0.labels.team", "web ${x}");
    s.override_attr(&r, "node_config.tags.1", "z");
    s.override_attr(&r, "rule.1.priority", 10);
    s.override_attr(&r, "new_block.inner", false);
    s.remove_attr(&r, "drop");
    s.remove_attr(&r, "rule.0");
    let json = resolved_json(&s);
    let a = &json["resource"]["terraform_data"]["a"];
    assert_eq!(a["keep"], true);
    assert!(a.get("drop").is_none());
    assert_eq!(a["node_config"]["labels"]["a"], "1");
    // An override value is a literal like any other: escaped.
    assert_eq!(a["node_config"]["labels"]["team"], "web $${x}");
    assert_eq!(a["node_config"]["tags"], serde_json::json!(["x", "z"]));
    assert_eq!(a["rule"], serde_json::json!({ "priority": 10 }));
    assert_eq!(a["new_block"], serde_json::json!({ "inner": false }));
}

#[test]
fn overrides_that_cannot_apply_are_reported_with_the_path() {
    let mut s = Stack::new();
    let mut b = Body::new();
    b.push_block("rule", Body::new());
    b.push_block("rule", Body::new());
    b.set("name", "n");
    let r = s.add_body("terraform_data", "a", b, Meta::default());
    s.override_attr(&r, "rule.x", 1);
    s.override_attr(&r, "rule.5.x", 1);
    s.override_attr(&r, "name.inner", 1);
    s.override_attr(&r, "a..b", 1);
    let text = problems(&s);
    assert!(
        text.contains("override \"rule.5.x\": rule has 2 blocks, no index 5"),
        "{text}"
    );
    snapshot("error__overrides", &text);
}

/// A root of 300 blocks or more is checked on two threads that share its
/// blocks out: every problem, and a cycle through every block (so through
/// both threads' shares), must still be found, and reported in order.
#[test]
fn a_large_stack_checked_on_two_threads_reports_every_problem_in_order() {
    let n = 1_000;
    let mut s = Stack::new();
    let mut first = None;
    for i in 0..n {
        let mut b = Body::new();
        if i > 0 {
            let previous = format!("terraform_data.t{:04}.id", i - 1);
            b.set("input", Expression::raw(&previous));
        }
        if i % 97 == 0 {
            b.set(
                "ghost",
                Expression::raw(format!("terraform_data.ghost{i}.id")),
            );
        }
        let handle = s.add_body("terraform_data", format!("t{i:04}"), b, Meta::default());
        first.get_or_insert(handle);
    }
    let last = format!("terraform_data.t{:04}.id", n - 1);
    s.override_attr(&first.unwrap(), "back", Expression::raw(&last));
    let text = problems(&s);
    let ghosts: Vec<usize> = (0..n).filter(|i| i % 97 == 0).collect();
    assert!(
        text.starts_with(&format!("{} problems in the stack\n", ghosts.len() + 1)),
        "{text}"
    );
    for i in ghosts {
        let line =
            format!("terraform_data.t{i:04}: ghost: terraform_data.ghost{i} is not in this stack");
        assert!(text.contains(&line), "{line} missing from:\n{text}");
    }
    assert!(
        text.contains(
            "terraform_data.t0000: dependency cycle: terraform_data.t0000 -> terraform_data.t0999 -> terraform_data.t0998 -> "
        ),
        "{text}"
    );
    // The lines come sorted, as from one thread.
    let lines: Vec<&str> = text.lines().skip(1).collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
}

/// A module input named like a meta-argument would be read as the
/// meta-argument by Terraform: refused.
#[test]
fn a_module_input_named_like_a_meta_argument_is_refused() {
    let mut s = Stack::new();
    s.module(
        "m",
        ModuleCall {
            source: "./m".into(),
            inputs: BTreeMap::from([("count".to_owned(), Expression::from(2))]),
            ..ModuleCall::default()
        },
    );
    assert_eq!(
        problems(&s),
        "1 problem in the stack\n  module.m: count: a module meta-argument, not an input; set it through ModuleCall's own field"
    );
}

/// What terraform init refuses in the terraform block is refused at
/// synth: a provider local name that is not a name, a source that is
/// not a source address, a backend type that is not a name.
#[test]
fn the_terraform_block_holds_names_and_sources_terraform_reads() {
    let mut s = Stack::new();
    let t = s.terraform_mut();
    for (name, source) in [
        ("1x", "hashicorp/google"),
        ("google", "not a source!!"),
        ("terraform", "terraform.io/builtin/terraform"),
        ("kubernetes", "hashicorp/kubernetes"),
    ] {
        t.required_providers.insert(
            name.to_owned(),
            tfsynth::tf::RequiredProvider {
                source: source.to_owned(),
                version: None,
            },
        );
    }
    t.backend = Some(Backend {
        kind: "a b".into(),
        settings: BTreeMap::new(),
    });
    assert_eq!(
        problems(&s),
        "3 problems in the stack
  terraform: backend type \"a b\" is not a valid Terraform name (a letter or underscore, then letters, digits, underscores or dashes)
  terraform: required_providers.google.source: \"not a source!!\" is not a provider source ([HOSTNAME/]NAMESPACE/TYPE, e.g. hashicorp/google)
  terraform: required_providers: provider local name \"1x\" is not a valid Terraform name (a letter or underscore, then letters, digits, underscores or dashes)"
    );
}

/// A raw expression of several lines that does not parse says the line
/// as well as the column.
#[test]
fn a_raw_expression_of_several_lines_that_does_not_parse_names_its_line() {
    let mut s = Stack::new();
    s.local("l", Expression::raw("[\n  1,\n  2 3\n]"));
    let text = problems(&s);
    assert!(
        text.contains("does not parse: ") && text.contains("at line 3, column "),
        "{text}"
    );
}

/// A cloud block is checked for the names HCP Terraform accepts, each
/// problem naming the key, and refused beside a backend block (Terraform
/// takes one of them).
#[test]
fn a_cloud_block_with_names_hcp_terraform_refuses_or_beside_a_backend_is_refused() {
    use tfsynth::tf::{Cloud, CloudWorkspaces};
    let cases: &[(Cloud, &[&str])] = &[
        (Cloud::workspace("example-org", "hello-cluster"), &[]),
        (
            Cloud {
                hostname: Some("tfe.example.com".into()),
                project: Some("Web services".into()),
                ..Cloud::workspace("example.org_1", "a_b-C9")
            },
            &[],
        ),
        (
            Cloud::workspace("example org", "hello"),
            &["cloud.organization: \"example org\" is not an organization name"],
        ),
        (
            Cloud::workspace("", "hello"),
            &["cloud.organization: \"\" is not an organization name"],
        ),
        (
            Cloud::workspace("org", "hello.cluster"),
            &["cloud.workspaces.name: \"hello.cluster\" is not a workspace name"],
        ),
        (
            Cloud::workspace("org", "w".repeat(91)),
            &["cloud.workspaces.name: \"wwww"],
        ),
        (
            Cloud {
                hostname: Some("https://tfe.example.com".into()),
                ..Cloud::workspace("org", "w")
            },
            &["cloud.hostname: \"https://tfe.example.com\" is not a host name"],
        ),
        (
            Cloud {
                project: Some(" ".into()),
                ..Cloud::workspace("org", "w")
            },
            &["cloud.workspaces.project: \" \" is not a project name (3 to 40"],
        ),
        (
            Cloud {
                workspaces: CloudWorkspaces::Tags(Default::default()),
                ..Cloud::workspace("org", "w")
            },
            &["cloud.workspaces.tags: empty"],
        ),
        (
            Cloud {
                workspaces: CloudWorkspaces::Tags(["app:web".to_owned(), "a b".to_owned()].into()),
                ..Cloud::workspace("org", "w")
            },
            &["cloud.workspaces.tags: \"a b\" is not a workspace tag"],
        ),
    ];
    for (cloud, expected) in cases {
        let mut s = Stack::new();
        s.terraform_mut().cloud = Some(cloud.clone());
        match s.resolve() {
            Ok(_) => assert!(
                expected.is_empty(),
                "{cloud:?} passed; expected {expected:?}"
            ),
            Err(e) => {
                let text = e.to_string();
                assert!(!expected.is_empty(), "{cloud:?}: {text}");
                for part in *expected {
                    assert!(text.contains(&format!("terraform: {part}")), "{text}");
                }
            }
        }
    }
    let mut s = Stack::new();
    s.terraform_mut().cloud = Some(Cloud::workspace("org", "w"));
    s.terraform_mut().backend = Some(Backend {
        kind: "local".into(),
        settings: BTreeMap::new(),
    });
    assert_eq!(
        problems(&s),
        "1 problem in the stack\n  terraform: both a backend block and a cloud block: Terraform takes one of them"
    );
}
