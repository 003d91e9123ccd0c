//! `dynamic` blocks (issue 13, B8): a body entry per generated block type,
//! with a typed iterator handle for `ITER.key` / `ITER.value`, checked like
//! every other reference, emitted as Terraform writes them, and validated
//! against provider schemas as a block of its type.

mod common;

use std::path::Path;

use proptest::prelude::*;
use serde::Serialize;
use serde_json::{Value as J, json};
use tfsynth::emit::{to_hcl, to_json, to_json_value};
use tfsynth::schema::{Schemas, validate_document, validate_resolved};
use tfsynth::tf::{
    Body, DynamicIter, Expression, Meta, ObjectMap, Output, RequiredProvider, Stack, Template,
    Variable,
};

use common::terraform::HEADER;

fn object(entries: &[(&str, Expression)]) -> Expression {
    Expression::Object(
        entries
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect::<ObjectMap>(),
    )
}

/// An AWS provider configuration that plans without credentials or
/// network: nothing is read from AWS with `-refresh=false`.
#[derive(Serialize)]
struct OfflineAws {
    region: &'static str,
    access_key: &'static str,
    secret_key: &'static str,
    skip_credentials_validation: bool,
    skip_requesting_account_id: bool,
    skip_metadata_api_check: bool,
}

/// A security group whose ingress rules come from a variable (iterator
/// `rule`) and whose egress rules come from a local list (the default
/// iterator, `egress`, used from a raw expression too), and a launch
/// template whose disks come from a variable, each disk's `ebs` block from
/// a dynamic block inside the first one that reads the outer iterator.
fn aws_stack() -> Stack {
    let mut s = Stack::new();
    s.terraform_mut().required_providers.insert(
        "aws".to_owned(),
        RequiredProvider {
            source: "hashicorp/aws".to_owned(),
            version: None,
        },
    );
    s.provider(
        "aws",
        None,
        &OfflineAws {
            region: "eu-west-1",
            access_key: "offline",
            secret_key: "offline",
            skip_credentials_validation: true,
            skip_requesting_account_id: true,
            skip_metadata_api_check: true,
        },
    );
    let port = |n: u32| object(&[("port", n.into())]);
    let rules = s.variable(
        "rules",
        Variable {
            default: Some(object(&[("http", port(80)), ("https", port(443))])),
            ..Variable::default()
        },
    );
    let egress_ports = s.local("egress_ports", Expression::from(vec![53u32, 443]));
    let disk = |kind: &str, size: u32| {
        object(&[
            ("type", kind.into()),
            ("sizes", Expression::from(vec![size])),
        ])
    };
    let disks = s.variable(
        "disks",
        Variable {
            default: Some(object(&[
                ("/dev/sda1", disk("gp3", 20)),
                ("/dev/sdb", disk("gp2", 100)),
            ])),
            ..Variable::default()
        },
    );

    let mut sg = Body::new();
    sg.set("name", "web");
    sg.dynamic_as("ingress", "rule", rules.value::<()>(), |rule| {
        let mut content = Body::new();
        content.set("from_port", rule.attr::<i64>("port"));
        content.set("to_port", rule.value_path().attr("port").typed::<i64>());
        content.set("protocol", "tcp");
        content.set(
            "description",
            Template::new()
                .lit("allow ")
                .interp(rule.key::<String>())
                .build(),
        );
        content.set("cidr_blocks", vec!["0.0.0.0/0"]);
        content
    });
    sg.dynamic("egress", egress_ports.value::<()>(), |egress| {
        let mut content = Body::new();
        content.set("from_port", egress.value::<i64>());
        content.set("to_port", Expression::raw("egress.value"));
        content.set("protocol", "udp");
        content.set("description", Expression::raw("\"egress ${egress.key}\""));
        content.set("cidr_blocks", vec!["0.0.0.0/0"]);
        content
    });
    s.add_body("aws_security_group", "web", sg, Meta::default());

    let mut lt = Body::new();
    lt.set("name", "web");
    lt.dynamic_as(
        "block_device_mappings",
        "disk",
        disks.value::<()>(),
        |disk| {
            let mut content = Body::new();
            content.set("device_name", disk.key::<String>());
            content.dynamic(
                "ebs",
                disk.value_path().attr("sizes").typed::<()>(),
                |ebs| {
                    let mut inner = Body::new();
                    inner.set("volume_size", ebs.value::<i64>());
                    inner.set("volume_type", disk.attr::<String>("type"));
                    inner
                },
            );
            content
        },
    );
    s.add_body("aws_launch_template", "web", lt, Meta::default());
    s
}

/// The planned values of the resource `address` in `terraform show -json`.
fn planned<'a>(plan: &'a J, address: &str) -> &'a J {
    plan["planned_values"]["root_module"]["resources"]
        .as_array()
        .expect("a plan lists its resources")
        .iter()
        .find(|r| r["address"] == address)
        .map(|r| &r["values"])
        .unwrap_or_else(|| panic!("{address} is not in the plan"))
}

/// What the dynamic blocks generated, in a fixed order.
fn generated(plan: &J) -> J {
    let sg = planned(plan, "aws_security_group.web");
    let rules = |key: &str| {
        let mut rules: Vec<J> = sg[key]
            .as_array()
            .expect("rules are a list")
            .iter()
            .map(|r| {
                json!([
                    r["description"],
                    r["from_port"],
                    r["to_port"],
                    r["protocol"]
                ])
            })
            .collect();
        rules.sort_by_key(|r| r.to_string());
        rules
    };
    let lt = planned(plan, "aws_launch_template.web");
    let disks: Vec<J> = lt["block_device_mappings"]
        .as_array()
        .expect("disks are a list")
        .iter()
        .map(|d| {
            json!([
                d["device_name"],
                d["ebs"][0]["volume_size"],
                d["ebs"][0]["volume_type"]
            ])
        })
        .collect();
    json!({ "ingress": rules("ingress"), "egress": rules("egress"), "disks": disks })
}

#[test]
fn dynamic_blocks_generate_what_terraform_plans_in_both_syntaxes() {
    let doc = aws_stack().resolve().unwrap();
    let Some(terraform) = common::terraform::find_with_mirror(
        "dynamic_blocks_generate_what_terraform_plans_in_both_syntaxes",
        "hashicorp/aws",
    ) else {
        return;
    };
    let (from_json, from_hcl) = terraform.plans_of_both(&doc);
    let expected = json!({
        "ingress": [["allow http", 80, 80, "tcp"], ["allow https", 443, 443, "tcp"]],
        "egress": [["egress 0", 53, 53, "udp"], ["egress 1", 443, 443, "udp"]],
        "disks": [["/dev/sda1", 20, "gp3"], ["/dev/sdb", 100, "gp2"]],
    });
    assert_eq!(
        generated(&from_json),
        expected,
        "\n--- JSON\n{}",
        to_json(&doc, HEADER)
    );
    assert_eq!(
        generated(&from_hcl),
        expected,
        "\n--- HCL\n{}",
        to_hcl(&doc, HEADER)
    );
}

#[test]
fn dynamic_blocks_are_written_as_terraform_reads_them() {
    let doc = aws_stack().resolve().unwrap();
    let hcl = to_hcl(&doc, HEADER);
    for expected in [
        "  dynamic \"ingress\" {\n    for_each = var.rules\n    iterator = rule\n\n    content {\n",
        "      from_port   = rule.value.port\n",
        "      description = \"allow ${rule.key}\"\n",
        "  dynamic \"egress\" {\n    for_each = local.egress_ports\n\n    content {\n",
        "      dynamic \"ebs\" {\n        for_each = disk.value.sizes\n\n        content {\n          volume_size = ebs.value\n          volume_type = disk.value.type\n",
    ] {
        assert!(hcl.contains(expected), "{expected:?} missing from\n{hcl}");
    }
    let json = to_json_value(&doc);
    let sg = &json["resource"]["aws_security_group"]["web"];
    assert_eq!(sg["dynamic"]["ingress"]["for_each"], json!("${var.rules}"));
    assert_eq!(sg["dynamic"]["ingress"]["iterator"], json!("rule"));
    assert_eq!(
        sg["dynamic"]["ingress"]["content"]["description"],
        json!("allow ${rule.key}")
    );
    assert_eq!(sg["dynamic"]["egress"].get("iterator"), None);
    let lt = &json["resource"]["aws_launch_template"]["web"];
    assert_eq!(
        lt["dynamic"]["block_device_mappings"]["content"]["dynamic"]["ebs"]["content"]["volume_type"],
        json!("${disk.value.type}")
    );
    assert_eq!(
        common::json_semantics(&to_json(&doc, HEADER)),
        common::hcl_semantics(&hcl)
    );
    let Some(terraform) =
        common::terraform::find("dynamic_blocks_are_written_as_terraform_reads_them")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    common::terraform::write_file(&dir.path().join("main.tf"), &hcl);
    terraform.assert_formatted(dir.path());
}

/// A stack with one resource holding `body`, a variable `rules`, and a
/// resource `other` to refer to.
fn problems(body: Body, output: Option<Expression>) -> Vec<String> {
    let mut s = Stack::new();
    s.variable("rules", Variable::default());
    s.add_body("terraform_data", "other", Body::new(), Meta::default());
    s.add_body("aws_security_group", "web", body, Meta::default());
    if let Some(value) = output {
        s.output("o", Output::new(value, "an output"));
    }
    match s.resolve() {
        Ok(_) => Vec::new(),
        Err(e) => e.problems.iter().map(|p| p.to_string()).collect(),
    }
}

fn rules() -> Expression {
    Expression::raw("var.rules")
}

fn content(entries: &[(&str, Expression)]) -> Body {
    let mut body = Body::new();
    for (k, v) in entries {
        body.set(*k, v.clone());
    }
    body
}

#[test]
fn iterator_references_are_checked_where_they_stand() {
    let rule = DynamicIter::new("rule");
    let key = || Expression::from(rule.key::<String>());
    type Case = (&'static str, Body, Option<Expression>, Vec<&'static str>);
    let mut cases: Vec<Case> = Vec::new();

    let mut b = Body::new();
    b.dynamic_as("ingress", "rule", rules(), |rule| {
        content(&[
            ("description", rule.key::<String>().into()),
            ("from_port", Expression::raw("rule.value.port")),
            ("to_port", Expression::raw("rule.key")),
        ])
    });
    cases.push(("inside its content, typed or raw", b, None, vec![]));

    let mut b = Body::new();
    b.dynamic_as("outer", "o", rules(), |o| {
        let mut c = Body::new();
        c.dynamic_as("inner", "i", o.attr::<()>("items"), |i| {
            content(&[
                ("a", i.value::<String>().into()),
                ("b", o.key::<String>().into()),
            ])
        });
        c
    });
    cases.push(("nested, the inner one reading the outer", b, None, vec![]));

    let mut b = content(&[("name", key())]);
    b.dynamic_as("ingress", "rule", rules(), |_| Body::new());
    cases.push((
        "beside the dynamic block",
        b,
        None,
        vec![
            "aws_security_group.web: name: rule.key: rule is the iterator of a dynamic block, available only inside its content",
        ],
    ));

    let mut b = Body::new();
    b.dynamic_as("ingress", "rule", key(), |_| Body::new());
    cases.push((
        "in its own for_each",
        b,
        None,
        vec![
            "aws_security_group.web: dynamic.ingress.for_each: rule.key: rule is the iterator of a dynamic block, available only inside its content",
        ],
    ));

    let mut b = Body::new();
    b.dynamic_as("ingress", "rule", rules(), |_| Body::new());
    cases.push((
        "in an output",
        b,
        Some(key()),
        vec![
            "output.o: value: rule.key: rule is the iterator of a dynamic block, available only inside its content",
        ],
    ));

    let mut b = Body::new();
    b.dynamic("ingress", rules(), |_| content(&[("description", key())]));
    cases.push((
        "under a name the block does not give its iterator",
        b,
        None,
        vec![
            "aws_security_group.web: dynamic.ingress.content.description: rule.key: rule is the iterator of a dynamic block, available only inside its content",
        ],
    ));

    let mut b = Body::new();
    b.dynamic_as("outer", "o", rules(), |o| {
        let mut c = content(&[(
            "x",
            Expression::from(DynamicIter::new("i").value::<String>()),
        )]);
        c.dynamic_as("inner", "i", o.value::<()>(), |_| Body::new());
        c
    });
    cases.push((
        "the inner iterator in the outer content",
        b,
        None,
        vec![
            "aws_security_group.web: dynamic.outer.content.x: i.value: i is the iterator of a dynamic block, available only inside its content",
        ],
    ));

    let mut b = Body::new();
    b.dynamic_as("ingress", "rule", rules(), |_| {
        content(&[("description", Expression::raw("rule.nope"))])
    });
    cases.push((
        "an attribute an iterator does not have",
        b,
        None,
        vec![
            "aws_security_group.web: dynamic.ingress.content.description: rule.nope: an iterator has only key and value",
        ],
    ));

    let mut b = Body::new();
    b.dynamic_as("ingress", "rule", Expression::raw("var.missing"), |_| {
        content(&[("x", Expression::raw("terraform_data.gone.output"))])
    });
    cases.push((
        "for_each and content refer to what is not there",
        b,
        None,
        vec![
            "aws_security_group.web: dynamic.ingress.content.x: terraform_data.gone is not in this stack",
            "aws_security_group.web: dynamic.ingress.for_each: var.missing is not in this stack",
        ],
    ));

    let mut b = Body::new();
    b.dynamic_as("ingress", "1x", rules(), |_| Body::new());
    cases.push((
        "a bad iterator name",
        b,
        None,
        vec![
            "aws_security_group.web: dynamic.ingress.iterator: \"1x\" is not a valid Terraform name",
        ],
    ));

    // What once wrote `dynamic {` with no block type: a struct field or a
    // block named dynamic.
    let mut b = Body::new();
    b.push_block("dynamic", content(&[("for_each", rules())]));
    cases.push((
        "a plain block named dynamic",
        b,
        None,
        vec![
            "aws_security_group.web: dynamic: reserved for dynamic blocks; add them with Body::dynamic",
        ],
    ));

    for (case, body, output, expected) in cases {
        let mut expected: Vec<String> = expected.into_iter().map(str::to_owned).collect();
        expected.sort();
        assert_eq!(problems(body, output), expected, "{case}");
    }
}

#[test]
fn references_in_dynamic_blocks_are_dependencies() {
    let mut s = Stack::new();
    let mut a = Body::new();
    a.dynamic(
        "ingress",
        Expression::raw("terraform_data.b.output"),
        |_| Body::new(),
    );
    s.add_body("terraform_data", "a", a, Meta::default());
    let mut b = Body::new();
    b.dynamic("ingress", Expression::raw("[1]"), |_| {
        content(&[("x", Expression::raw("terraform_data.a.id"))])
    });
    s.add_body("terraform_data", "b", b, Meta::default());
    let problems: Vec<String> = s
        .resolve()
        .unwrap_err()
        .problems
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(
        problems,
        vec![
            "terraform_data.a: dependency cycle: terraform_data.a -> terraform_data.b -> terraform_data.a"
        ]
    );
}

fn shipped() -> Schemas {
    Schemas::load_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas"),
        "schemas",
    )
    .unwrap()
}

/// Findings of validating `doc`, resolved and as its JSON, which must agree.
fn findings(s: Stack) -> Vec<String> {
    let doc = s.resolve().unwrap();
    let schemas = shipped();
    let resolved = validate_resolved(&doc, &schemas);
    let from_json = validate_document(&to_json_value(&doc), &schemas);
    assert_eq!(resolved.findings, from_json.findings);
    resolved.findings.iter().map(|f| f.to_string()).collect()
}

#[test]
fn dynamic_content_is_validated_as_a_block_of_its_type() {
    let firewall = |allow: &str, port_key: &str| {
        let mut s = Stack::new();
        let mut body = Body::new();
        body.set("name", "web");
        body.set("network", "default");
        let port_key = port_key.to_owned();
        body.dynamic_as(
            allow,
            "rule",
            Expression::raw("{ tcp = [\"80\"] }"),
            |rule| {
                content(&[
                    ("protocol", rule.key::<String>().into()),
                    (port_key.as_str(), rule.value::<Vec<String>>().into()),
                ])
            },
        );
        s.add_body("google_compute_firewall", "web", body, Meta::default());
        s
    };
    assert_eq!(findings(firewall("allow", "ports")), Vec::<String>::new());
    assert_eq!(
        findings(firewall("allow", "portz")),
        vec![
            "google_compute_firewall.web: dynamic.allow.content.portz: unknown attribute or block (did you mean ports?)"
        ]
    );
    assert_eq!(
        findings(firewall("alow", "ports")),
        vec!["google_compute_firewall.web: dynamic.alow: unknown block type (did you mean allow?)"]
    );

    // A required block may come from a dynamic block alone; its content
    // must still hold what the block requires.
    let policy = |with_selector: bool| {
        let mut s = Stack::new();
        let mut body = Body::new();
        body.push_block("metadata", content(&[("name", "deny".into())]));
        body.dynamic("spec", Expression::raw("[\"Ingress\"]"), |spec| {
            let mut c = content(&[(
                "policy_types",
                Expression::List(vec![spec.value::<String>().into()]),
            )]);
            if with_selector {
                c.push_block("pod_selector", Body::new());
            }
            c
        });
        s.add_body(
            "kubernetes_network_policy_v1",
            "deny",
            body,
            Meta::default(),
        );
        s
    };
    assert_eq!(findings(policy(true)), Vec::<String>::new());
    assert_eq!(
        findings(policy(false)),
        vec![
            "kubernetes_network_policy_v1.deny: dynamic.spec.content.pod_selector: required block is missing (at least 1)"
        ]
    );
}

// ---- JSON and HCL say the same of any dynamic block --------------------------

#[derive(Debug, Clone)]
struct Gen {
    block_type: String,
    iterator: Option<String>,
    labels: usize,
    /// Attributes of the content, each reading the iterator or an outer one.
    attrs: Vec<(String, u8)>,
    inner: Option<Box<Gen>>,
}

fn gen_dynamic(depth: u32) -> BoxedStrategy<Gen> {
    let leaf = (
        "[a-c]{1,2}",
        proptest::option::of("[i-k]{1,2}"),
        0usize..3,
        proptest::collection::vec(("[x-z]{1,2}", 0u8..4), 0..3),
    );
    if depth == 0 {
        leaf.prop_map(|(block_type, iterator, labels, attrs)| Gen {
            block_type,
            iterator,
            labels,
            attrs,
            inner: None,
        })
        .boxed()
    } else {
        (leaf, proptest::option::of(gen_dynamic(depth - 1)))
            .prop_map(|((block_type, iterator, labels, attrs), inner)| Gen {
                block_type,
                iterator,
                labels,
                attrs,
                inner: inner.map(Box::new),
            })
            .boxed()
    }
}

/// Adds `g` to `body`, inside the dynamic blocks whose iterators are
/// `outer`.
fn build(body: &mut Body, g: &Gen, outer: &[DynamicIter]) {
    let name = g.iterator.clone().unwrap_or_else(|| g.block_type.clone());
    let iter = DynamicIter::new(name);
    let for_each: Expression = match outer.last() {
        Some(o) => o.attr::<()>("items").into(),
        None => Expression::raw("var.rules"),
    };
    let mut c = Body::new();
    let mut scope = outer.to_vec();
    scope.push(iter.clone());
    for (attr, pick) in &g.attrs {
        let it = &scope[usize::from(*pick) % scope.len()];
        let value: Expression = match pick % 4 {
            0 => it.key::<String>().into(),
            1 => it.value::<String>().into(),
            2 => it.attr::<String>("x").into(),
            _ => Template::new()
                .lit("${not} ")
                .interp(it.key::<String>())
                .build()
                .into(),
        };
        c.set(attr.as_str(), value);
    }
    if let Some(inner) = &g.inner {
        build(&mut c, inner, &scope);
    }
    let d = match &g.iterator {
        Some(name) => body.dynamic_as(g.block_type.as_str(), name.as_str(), for_each, |_| c),
        None => body.dynamic(g.block_type.as_str(), for_each, |_| c),
    };
    d.labels = (0..g.labels)
        .map(|i| match i {
            0 => Expression::from("label"),
            _ => iter.key::<String>().into(),
        })
        .collect();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any dynamic blocks, nested up to three deep, resolve without a
    /// problem and read the same in both syntaxes.
    #[test]
    fn any_dynamic_blocks_read_the_same_in_json_and_hcl(
        gens in proptest::collection::vec(gen_dynamic(2), 1..4)
    ) {
        let mut s = Stack::new();
        s.variable("rules", Variable::default());
        let mut body = Body::new();
        for g in &gens {
            build(&mut body, g, &[]);
        }
        s.add_body("x_y", "z", body, Meta::default());
        let doc = s.resolve().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let json = to_json(&doc, HEADER);
        let hcl = to_hcl(&doc, HEADER);
        prop_assert_eq!(common::json_semantics(&json), common::hcl_semantics(&hcl), "\n{}\n{}", json, hcl);
    }
}

#[test]
fn labels_and_several_dynamic_blocks_of_a_type_are_formatted_as_terraform_fmt_would() {
    let mut body = Body::new();
    for name in ["first", "second"] {
        let d = body.dynamic_as("rule", name, Expression::raw("var.rules"), |it| {
            content(&[
                ("a_long_name", it.key::<String>().into()),
                ("b", "x".into()),
            ])
        });
        d.labels = vec![
            DynamicIter::new(name).key::<String>().into(),
            "fixed".into(),
        ];
    }
    let mut s = Stack::new();
    s.variable("rules", Variable::default());
    s.add_body("x_y", "z", body, Meta::default());
    let doc = s.resolve().unwrap();
    let hcl = to_hcl(&doc, HEADER);
    assert!(
        hcl.contains(
            "    iterator = second\n    labels = [\n      second.key,\n      \"fixed\"\n    ]\n"
        ),
        "{hcl}"
    );
    assert_eq!(
        common::json_semantics(&to_json(&doc, HEADER)),
        common::hcl_semantics(&hcl)
    );
    let Some(terraform) = common::terraform::find(
        "labels_and_several_dynamic_blocks_of_a_type_are_formatted_as_terraform_fmt_would",
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    common::terraform::write_file(&dir.path().join("main.tf"), &hcl);
    terraform.assert_formatted(dir.path());
}

/// An iterator named like one of Terraform's own objects would hide it
/// in the content (`var.x` would read the iterator): refused.
#[test]
fn an_iterator_may_not_hide_terraforms_own_names() {
    let mut s = tfsynth::tf::Stack::new();
    let mut body = tfsynth::tf::Body::new();
    body.dynamic_as(
        "ingress",
        "var",
        tfsynth::tf::Expression::raw("[1]"),
        |_| tfsynth::tf::Body::new(),
    );
    s.add_body(
        "aws_security_group",
        "web",
        body,
        tfsynth::tf::Meta::default(),
    );
    let text = s.resolve().unwrap_err().to_string();
    assert!(
        text.contains("aws_security_group.web: dynamic.ingress.iterator: \"var\" would hide Terraform's own var; choose another name"),
        "{text}"
    );
}
