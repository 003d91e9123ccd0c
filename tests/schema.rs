//! Synthesized and hand-written Terraform JSON is checked against the real
//! provider schemas in `schemas/`, offline.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::json;
use tfsynth::diagnostic::Diagnostic;
use tfsynth::emit::to_json_value;
use tfsynth::schema::{
    INDEX_SUFFIX, Kind, Lookup, Report, SchemaError, Schemas, index_of, validate_document,
    validate_files, validate_hcl, validate_resolved,
};
use tfsynth::tf::{Expression, ObjectMap};
use tfsynth::tf::{Resource, Stack, Value};

fn schemas() -> &'static Schemas {
    static SCHEMAS: OnceLock<Schemas> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        Schemas::load_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas"),
            "schemas",
        )
        .expect("the committed schemas load")
    })
}

/// Validates a hand-written JSON document, and checks that the same
/// resources built as a stack and validated without JSON
/// ([`validate_resolved`]) give exactly the same report.
fn report(doc: serde_json::Value) -> Report {
    let r = validate_document(&doc, schemas());
    let resolved = stack_from_json(&doc).resolve().unwrap();
    let direct = validate_resolved(&resolved, schemas());
    assert_eq!(
        direct,
        validate_document(&to_json_value(&resolved), schemas()),
        "validating a document and its JSON disagree"
    );
    // Providers and data sources are left out of the stack.
    if doc.get("provider").is_none() && doc.get("data").is_none() {
        assert_eq!(direct, r, "validating a document and its JSON disagree");
    }
    assert_tf_finds_what_tf_json_finds(&resolved);
    r
}

/// Validates a document's `.tf` form and its `.tf.json` form and checks
/// that they have the same findings, at the same addresses and paths, and
/// the same warnings; returns how many findings were compared.
///
/// One difference is Terraform's own: a block given by an expression,
/// which JSON reads as a value of the wrong shape ("expected a block, got
/// ..."), cannot be written as a block in HCL at all, and is there an
/// argument where none is allowed ("unsupported argument: ...").
fn assert_tf_finds_what_tf_json_finds(doc: &tfsynth::tf::Document) -> usize {
    let json_text = tfsynth::emit::to_json(doc, "test");
    let hcl_text = tfsynth::emit::to_hcl(doc, "test");
    let json = validate_document(&serde_json::from_str(&json_text).unwrap(), schemas());
    let hcl = validate_hcl(&hcl_text, schemas()).unwrap_or_else(|e| panic!("{e}\n{hcl_text}"));
    let shape = |f: &Diagnostic, from: &str, to: &str| {
        let mut f = f.clone();
        if f.message.starts_with(from) {
            f.message = to.to_owned();
        }
        f
    };
    let expected: Vec<Diagnostic> = json
        .findings
        .iter()
        .map(|f| {
            shape(
                f,
                "expected a block, got ",
                "a block given by an expression",
            )
        })
        .collect();
    let mut got: Vec<Diagnostic> = hcl
        .findings
        .iter()
        .map(|p| {
            shape(
                &p.finding,
                "unsupported argument: ",
                "a block given by an expression",
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got, expected,
        "the .tf and .tf.json forms differ\n--- JSON\n{json_text}\n--- HCL\n{hcl_text}"
    );
    assert_eq!(hcl.warnings, json.warnings);
    expected.len()
}

/// The resources of a JSON document as an untyped stack whose JSON is the
/// same: objects with identifier keys become blocks, `"${x}"` a raw
/// expression, other templates templates; every `var.` and `local.` named
/// is declared.
fn stack_from_json(doc: &serde_json::Value) -> Stack {
    use serde_json::Value as J;
    use tfsynth::tf::{Body, Meta, Part, Variable};
    fn is_ident(k: &str) -> bool {
        k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    }
    fn expr(v: &J) -> Expression {
        match v {
            J::Null => Expression::Null,
            J::Bool(b) => Expression::Bool(*b),
            J::Number(n) => Expression::Number(n.clone()),
            J::String(s) if !s.contains("${") => Expression::String(s.clone()),
            J::String(s)
                if s.starts_with("${") && s.ends_with('}') && s.matches("${").count() == 1 =>
            {
                Expression::raw(&s[2..s.len() - 1])
            }
            J::String(s) => {
                let mut parts = Vec::new();
                let mut rest = s.as_str();
                while let Some(start) = rest.find("${") {
                    if start > 0 {
                        parts.push(Part::Lit(rest[..start].to_owned()));
                    }
                    let end = start + rest[start..].find('}').unwrap();
                    parts.push(Part::Interp(Expression::raw(&rest[start + 2..end])));
                    rest = &rest[end + 1..];
                }
                if !rest.is_empty() {
                    parts.push(Part::Lit(rest.to_owned()));
                }
                Expression::Template(parts)
            }
            J::Array(items) => Expression::List(items.iter().map(expr).collect()),
            J::Object(map) => {
                Expression::Object(map.iter().map(|(k, v)| (k.clone(), expr(v))).collect())
            }
        }
    }
    fn body(map: &serde_json::Map<String, J>) -> Body {
        let mut b = Body::new();
        for (k, v) in map {
            match v {
                J::Object(inner) if inner.keys().all(|k| is_ident(k)) => {
                    b.push_block(k.clone(), body(inner));
                }
                J::Array(items)
                    if !items.is_empty()
                        && items.iter().all(|i| {
                            i.as_object().is_some_and(|o| o.keys().all(|k| is_ident(k)))
                        }) =>
                {
                    for i in items {
                        b.push_block(k.clone(), body(i.as_object().unwrap()));
                    }
                }
                other => b.set(k.clone(), expr(other)),
            }
        }
        b
    }
    let mut s = Stack::new();
    let text = doc.to_string();
    for (prefix, declare) in [("var.", true), ("local.", false)] {
        for (i, _) in text.match_indices(prefix) {
            let name: String = text[i + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let exists = if declare {
                s.variables().any(|(n, _)| n == name)
            } else {
                text[..i].contains(&format!("local.{name}"))
            };
            if !exists {
                if declare {
                    s.variable(&name, Variable::default());
                } else {
                    s.local(&name, Expression::Null);
                }
            }
        }
    }
    if let Some(types) = doc.get("resource").and_then(J::as_object) {
        for (kind, named) in types {
            for (name, b) in named.as_object().unwrap() {
                s.add_body(kind, name, body(b.as_object().unwrap()), Meta::default());
            }
        }
    }
    s
}

fn rendered(r: &Report) -> String {
    let mut out: Vec<String> = r.findings.iter().map(ToString::to_string).collect();
    out.extend(r.warnings.iter().map(|w| format!("warning: {w}")));
    out.join("\n")
}

fn snapshot(name: &str, r: &Report) {
    let text = rendered(r);
    common::snapshots().bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn every_committed_generated_file_validates_with_no_findings() {
    let mut files = Vec::new();
    collect(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("generated"),
        &mut files,
    );
    assert!(!files.is_empty());
    for file in files {
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let r = validate_document(&doc, schemas());
        assert!(
            r.findings.is_empty(),
            "{}:\n{}",
            file.display(),
            rendered(&r)
        );
        assert!(
            r.warnings.is_empty(),
            "{}:\n{}",
            file.display(),
            rendered(&r)
        );
    }
}

#[test]
fn validating_a_stack_in_memory_finds_what_validating_its_json_finds() {
    let stacks = Path::new(env!("CARGO_MANIFEST_DIR")).join("stacks");
    let mut docs = vec![fully_set_stack().resolve().unwrap()];
    for name in tfsynth::synth::stack_names(&stacks).unwrap() {
        let sources = tfsynth::settings::Sources::read(&stacks, "stacks", &name).unwrap();
        for root in tfsynth::stacks::build(&sources).unwrap() {
            docs.push(root.stack.resolve().unwrap());
        }
    }
    // And a stack with findings of every kind, reached through typed
    // structs, overrides and meta-arguments rather than hand-written JSON.
    let mut s = Stack::new();
    let vpc = s.add(
        "vpc",
        MisnamedSubnetwork {
            name: "s".into(),
            network: "n".into(),
            secure_boot: true,
        },
    );
    s.override_attr(&vpc, "private_ip_google_access", "yes");
    let net = s.add_body(
        "google_compute_network",
        "net",
        tfsynth::tf::Body::new(),
        tfsynth::tf::Meta::default(),
    );
    s.override_attr(&vpc, "description", net.attr::<String>("nope"));
    s.override_attr(&vpc, "network", net.attr::<String>("mtu"));
    let mut pool = tfsynth::tf::Body::new();
    pool.set("name", "pool");
    pool.set("node_count", "three");
    pool.push_block("autoscaling", tfsynth::tf::Body::new());
    pool.push_block("autoscaling", tfsynth::tf::Body::new());
    s.add_body(
        "google_container_node_pool",
        "pool",
        pool,
        tfsynth::tf::Meta {
            timeouts: Some(tfsynth::tf::Timeouts {
                create: Some("30m".into()),
                read: Some("5m".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    // A reference is type-checked at its last step, and every step must
    // exist: a string has no elements to index.
    for (name, locations) in [
        ("plain", net.attr::<String>("name")),
        ("indexed", net.path().attr("name").index(0).typed()),
    ] {
        let mut pool = tfsynth::tf::Body::new();
        pool.set("cluster", "c");
        pool.set("node_locations", locations);
        s.add_body(
            "google_container_node_pool",
            name,
            pool,
            tfsynth::tf::Meta::default(),
        );
    }
    let broken = s.resolve().unwrap();
    let r = validate_resolved(&broken, schemas());
    snapshot("error__schema_in_memory", &r);
    docs.push(broken);
    for doc in docs {
        let direct = validate_resolved(&doc, schemas());
        assert_eq!(direct, validate_document(&to_json_value(&doc), schemas()));
    }
}

#[test]
fn the_tf_form_of_every_document_has_the_findings_of_its_tf_json_form() {
    let stacks = Path::new(env!("CARGO_MANIFEST_DIR")).join("stacks");
    let mut docs = vec![fully_set_stack().resolve().unwrap()];
    for name in tfsynth::synth::stack_names(&stacks).unwrap() {
        let sources = tfsynth::settings::Sources::read(&stacks, "stacks", &name).unwrap();
        for root in tfsynth::stacks::build(&sources).unwrap() {
            docs.push(root.stack.resolve().unwrap());
        }
    }
    let clean = docs.len();
    // Documents with findings of every kind: the fixtures of the tests
    // below, each of which also goes through this check.
    let fixtures = [
        json!({ "resource": { "google_compute_netwrk": { "vpc": { "name": "n" } } } }),
        json!({ "resource": { "google_compute_subnetwork": { "s": {
            "name": "s", "network": "n", "private_ip_google_acess": true, "description": 42,
            "private_ip_google_access": "yes", "ip_cidr_range": ["10.0.0.0/24"],
            "log_config": { "flow_sampling": "half", "metadata_fields": "all" },
            "secondary_ip_range": [{ "range_name": "a", "colour": "red" }, { "ip_cidr_range": 1 }],
            "self_link": "x"
        } } } }),
        json!({ "resource": {
            "google_compute_network": { "vpc": { "name": "n", "gateway_ipv4": "10.0.0.1" } },
            "kubernetes_namespace_v1": { "ns": { "metadata": [{ "name": "a" }, { "name": "b" }] } },
            "google_compute_subnetwork": { "s": {
                "network": "${google_compute_network.vpc.self_lnk}",
                "private_ip_google_access": "${google_compute_network.vpc.name}",
                "description": "net ${google_compute_network.vpc.nope} and ${upper(var.x)}",
                "secondary_ip_range": "${local.ranges}"
            } },
            "random_id": { "r": { "byte_length": 4 } }
        } }),
    ];
    for doc in &fixtures {
        docs.push(stack_from_json(doc).resolve().unwrap());
    }
    let mut compared = Vec::new();
    for doc in &docs {
        compared.push(assert_tf_finds_what_tf_json_finds(doc));
    }
    // The committed stacks are clean; every fixture has findings to compare.
    assert!(compared[..clean].iter().all(|&n| n == 0), "{compared:?}");
    assert!(compared[clean..].iter().all(|&n| n >= 1), "{compared:?}");
}

#[test]
fn every_committed_stack_written_as_hcl_validates_with_no_findings() {
    let stacks = Path::new(env!("CARGO_MANIFEST_DIR")).join("stacks");
    let mut files = Vec::new();
    for name in tfsynth::synth::stack_names(&stacks).unwrap() {
        let sources = tfsynth::settings::Sources::read(&stacks, "stacks", &name).unwrap();
        let synthesis =
            tfsynth::synth::synth_stack(&sources, tfsynth::synth::Format::Hcl, Some(schemas()))
                .unwrap();
        for file in synthesis.files {
            let shown = file.path.display().to_string();
            if shown.ends_with(".tf") {
                files.push((shown, file.contents));
            }
        }
    }
    // Each committed root, once as HCL (hello and hello-prod, two roots each).
    let mut committed = Vec::new();
    collect(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("generated"),
        &mut committed,
    );
    assert_eq!(files.len(), committed.len());
    for report in validate_files(&files, schemas()) {
        assert!(report.is_clean(), "{:?}", report.problems);
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    }
}

/// Tokens of Terraform files and the schema names they use, for texts
/// that parse often enough to reach validation.
fn tf_token() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        prop::sample::select(vec![
            "resource",
            "data",
            "provider",
            "dynamic",
            "content",
            "lifecycle",
            "count",
            "\"google_compute_network\"",
            "\"kubernetes_namespace_v1\"",
            "\"google\"",
            "\"n\"",
            "metadata",
            "labels",
            "name",
            "spec",
            "ingress",
            "node_config",
            "{",
            "}",
            "[",
            "]",
            "(",
            ")",
            "=",
            ",",
            ".",
            ":",
            "?",
            "\n",
            " ",
            "\"",
            "\"${",
            "%{",
            "<<EOT\n",
            "EOT\n",
            "#",
            "//",
            "/*",
            "*/",
            "1",
            "1.5e3",
            "true",
            "null",
            "var.x",
            "google_compute_network.n.name",
            "[0]",
            "[*]",
            "\\",
            "é",
            "\u{0}",
        ])
        .prop_map(str::to_owned),
        any::<char>().prop_map(String::from),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Validation of any text as a `.tf` file ends in findings or a syntax
    /// error with a place in the text, never a panic.
    #[test]
    fn arbitrary_text_as_a_tf_file_gives_findings_or_a_syntax_error(
        tokens in proptest::collection::vec(tf_token(), 0..80),
        at in proptest::prelude::any::<proptest::sample::Index>(),
        raw in proptest::collection::vec(proptest::prelude::any::<char>(), 0..40),
    ) {
        let soup: String = tokens.concat();
        // The same tokens spliced into a valid file, which parses more often.
        let valid = "resource \"kubernetes_namespace_v1\" \"ns\" {\n  metadata {\n    name = \"a\"\n  }\n}\n";
        let cut = (0..=valid.len()).filter(|&i| valid.is_char_boundary(i)).collect::<Vec<_>>();
        let cut = cut[at.index(cut.len())];
        let spliced = format!("{}{soup}{}", &valid[..cut], &valid[cut..]);
        let raw: String = raw.into_iter().collect();
        for text in [soup.as_str(), spliced.as_str(), raw.as_str()] {
            let lines = text.split('\n').count();
            match validate_hcl(text, schemas()) {
                Ok(report) => {
                    for p in &report.findings {
                        proptest::prop_assert!(p.position.line >= 1 && p.position.line <= lines);
                    }
                }
                Err(e) => proptest::prop_assert!(e.position.line >= 1 && e.position.line <= lines + 1),
            }
        }
    }
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.to_string_lossy().ends_with(".tf.json") {
            out.push(path);
        }
    }
}

// ---- every shipped type, every attribute and block set ------------------------

/// A literal of schema type `t` (as `terraform providers schema -json`
/// writes it), one element deep in every collection.
fn literal_of(t: &serde_json::Value) -> Expression {
    use serde_json::Value as J;
    match t {
        J::String(s) if s == "string" => Expression::String("s".to_owned()),
        J::String(s) if s == "number" => Expression::Number(1.into()),
        J::String(s) if s == "bool" => Expression::Bool(true),
        // `dynamic`: any value; an object, as kubernetes_manifest wants.
        J::String(_) => Expression::Object(ObjectMap::from_iter([(
            "kind".to_owned(),
            Expression::String("s".to_owned()),
        )])),
        J::Array(parts) => match (parts[0].as_str(), &parts[1]) {
            (Some("list" | "set"), element) => Expression::List(vec![literal_of(element)]),
            (Some("map"), element) => Expression::Object(ObjectMap::from_iter([(
                "k".to_owned(),
                literal_of(element),
            )])),
            (Some("object"), J::Object(fields)) => Expression::Object(
                fields
                    .iter()
                    .map(|(name, t)| (name.clone(), literal_of(t)))
                    .collect(),
            ),
            (Some("tuple"), J::Array(items)) => {
                Expression::List(items.iter().map(literal_of).collect())
            }
            other => panic!("not a schema type: {other:?}"),
        },
        other => panic!("not a schema type: {other}"),
    }
}

/// A body with every settable attribute and every nested block of the
/// schema `block` set: as many blocks as `min_items` asks, and one where
/// it asks none. A type's own `id` (`top`) is left out: the provider sets it.
fn filled_body(block: &serde_json::Value, top: bool) -> tfsynth::tf::Body {
    let mut body = tfsynth::tf::Body::new();
    if let Some(attributes) = block["attributes"].as_object() {
        for (name, a) in attributes {
            let settable = a["required"] == true || a["optional"] == true;
            if settable && !(top && name == "id") {
                body.set(name.clone(), literal_of(&a["type"]));
            }
        }
    }
    if let Some(blocks) = block["block_types"].as_object() {
        for (name, b) in blocks {
            let inner = filled_body(&b["block"], false);
            if b["nesting_mode"] == "map" {
                body.set(
                    name.clone(),
                    Expression::Object(ObjectMap::from_iter([(
                        "k".to_owned(),
                        inner.into_object(),
                    )])),
                );
                continue;
            }
            let count = b["min_items"].as_u64().unwrap_or(0).max(1);
            for _ in 0..count {
                body.push_block(name.clone(), inner.clone());
            }
        }
    }
    body
}

/// Every type of the crate's generated bindings (`providers::GOOGLE_TYPES`
/// and `KUBERNETES_TYPES`) with every settable attribute and block set,
/// built from the schema itself: a large document reaching every kind of
/// attribute and nesting the shipped types have, for the equivalence
/// tests above, with no table of names kept by hand.
fn fully_set_stack() -> Stack {
    use tfsynth::providers::{GOOGLE_TYPES, KUBERNETES_TYPES};
    let mut s = Stack::new();
    for (file, types) in [("google", GOOGLE_TYPES), ("kubernetes", KUBERNETES_TYPES)] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("schemas/{file}.json"));
        let all: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let provider = &all["provider_schemas"][format!("registry.terraform.io/hashicorp/{file}")];
        for name in types {
            if let Some(data) = name.strip_prefix("data.") {
                // The shipped data sources, each with every argument it
                // takes set (a new one fails here until it is added).
                use tfsynth::providers::google::{
                    DataGoogleArtifactRegistryDockerImage, DataGoogleClientConfig,
                };
                match data {
                    "google_client_config" => {
                        s.data("full", DataGoogleClientConfig::default());
                    }
                    "google_artifact_registry_docker_image" => {
                        s.data(
                            "full",
                            DataGoogleArtifactRegistryDockerImage {
                                id: Some("x".into()),
                                project: Some("p".into()),
                                ..DataGoogleArtifactRegistryDockerImage::new("web:1.0.0", "eu", "r")
                            },
                        );
                    }
                    other => panic!("data.{other}: set its arguments here"),
                }
            } else {
                let block = &provider["resource_schemas"][*name]["block"];
                s.add_body(
                    *name,
                    "full",
                    filled_body(block, true),
                    tfsynth::tf::Meta::default(),
                );
            }
        }
    }
    s
}

#[test]
fn every_attribute_and_block_of_every_shipped_type_validates() {
    let doc = fully_set_stack().resolve().unwrap();
    let value = to_json_value(&doc);
    let r = validate_document(&value, schemas());
    assert!(r.is_clean() && r.warnings.is_empty(), "{}", rendered(&r));
    let types = tfsynth::providers::GOOGLE_TYPES.len() + tfsynth::providers::KUBERNETES_TYPES.len();
    let written = value["resource"].as_object().unwrap().len()
        + value["data"].as_object().map_or(0, serde_json::Map::len);
    assert_eq!(written, types);
}

/// A struct with a field the provider does not have, as a typo would make.
#[derive(Serialize)]
struct MisnamedSubnetwork {
    name: Value<String>,
    network: Value<String>,
    secure_boot: bool,
}

impl Resource for MisnamedSubnetwork {
    const TYPE: &'static str = "google_compute_subnetwork";
    tfsynth::serde_body!();
}

#[test]
fn a_misnamed_struct_field_fails_naming_the_resource_type_and_attribute() {
    let mut s = Stack::new();
    s.add(
        "typo",
        MisnamedSubnetwork {
            name: "s".into(),
            network: "n".into(),
            secure_boot: true,
        },
    );
    let r = validate_document(&to_json_value(&s.resolve().unwrap()), schemas());
    assert_eq!(
        rendered(&r),
        "google_compute_subnetwork.typo: secure_boot: unknown attribute or block"
    );
}

// ---- one test per kind of finding ------------------------------------------

#[test]
fn unknown_types_are_reported_with_the_closest_known_name() {
    let r = report(json!({
        "resource": { "google_compute_netwrk": { "vpc": { "name": "n" } } },
        "data": { "google_client_confg": { "me": {} } }
    }));
    assert_eq!(r.findings.len(), 2);
    snapshot("error__schema_unknown_type", &r);
}

#[test]
fn unknown_attributes_and_blocks_are_reported_with_a_suggestion() {
    let r = report(json!({
        "resource": { "google_compute_subnetwork": { "s": {
            "name": "s", "network": "n",
            "private_ip_google_acess": true,
            "secondary_ip_range": [{ "range_name": "a", "ip_cidr_range": "10.0.0.0/24", "colour": "red" }],
            "log_cfg": {}
        } } }
    }));
    assert!(rendered(&r).contains("(did you mean private_ip_google_access?)"));
    snapshot("error__schema_unknown_attribute", &r);
}

#[test]
fn missing_required_attributes_and_blocks_are_reported() {
    let r = report(json!({
        "resource": {
            "google_compute_subnetwork": { "s": { "secondary_ip_range": [{ "ip_cidr_range": "10.0.0.0/24" }] } },
            "kubernetes_namespace_v1": { "ns": {} }
        }
    }));
    snapshot("error__schema_missing_required", &r);
}

#[test]
fn more_blocks_than_the_schema_allows_are_reported() {
    let r = report(json!({
        "resource": { "kubernetes_namespace_v1": { "ns": {
            "metadata": [{ "name": "a" }, { "name": "b" }]
        } } }
    }));
    assert_eq!(
        rendered(&r),
        "kubernetes_namespace_v1.ns: metadata: at most 1 block allowed, got 2"
    );
}

#[test]
fn literals_of_the_wrong_type_are_reported_following_terraform_conversions() {
    let r = report(json!({
        "resource": { "google_compute_subnetwork": { "s": {
            "name": "s", "network": "n",
            // Terraform converts these: no finding.
            "description": 42,
            "enable_flow_logs": "true",
            // These cannot be converted.
            "private_ip_google_access": "yes",
            "ip_cidr_range": ["10.0.0.0/24"],
            "log_config": { "flow_sampling": "half", "metadata_fields": "all" }
        } } },
        "provider": { "google": { "default_labels": { "team": ["web"] }, "add_terraform_attribution_label": 1 } }
    }));
    let text = rendered(&r);
    assert!(
        !text.contains("description") && !text.contains("enable_flow_logs"),
        "{text}"
    );
    assert!(text.contains(
        "google_compute_subnetwork.s: private_ip_google_access: expected bool, got string \"yes\""
    ));
    snapshot("error__schema_wrong_type", &r);
}

#[test]
fn computed_only_attributes_cannot_be_set() {
    let r = report(json!({
        "resource": { "google_compute_network": { "vpc": {
            "name": "n", "self_link": "x", "gateway_ipv4": "10.0.0.1"
        } } }
    }));
    snapshot("error__schema_computed_only", &r);
}

#[test]
fn references_are_checked_where_their_type_is_known() {
    let r = report(json!({
        "resource": {
            "google_compute_network": { "vpc": { "name": "n" } },
            "google_compute_subnetwork": { "s": {
                "name": "${google_compute_network.vpc.name}",
                "network": "${google_compute_network.vpc.self_lnk}",
                "private_ip_google_access": "${google_compute_network.vpc.name}",
                "ip_cidr_range": "${google_compute_network.vpc.params}",
                "region": "${var.region}",
                "description": "net ${google_compute_network.vpc.nope} and ${upper(var.x)}",
                "secondary_ip_range": "${local.ranges}"
            } }
        }
    }));
    let text = rendered(&r);
    // Unknown types (var.region, a function call) are accepted.
    assert!(
        !text.contains("region") && !text.contains("upper"),
        "{text}"
    );
    snapshot("error__schema_references", &r);
}

#[test]
fn a_provider_with_no_schema_is_a_warning_not_an_error() {
    let r = report(json!({
        "resource": {
            "random_id": { "a": { "byte_length": 8 } },
            "random_pet": { "b": {} },
            "terraform_data": { "c": { "input": 1 } }
        }
    }));
    assert!(r.is_clean());
    assert_eq!(
        r.warnings,
        ["no schema for provider random: 2 blocks not validated"]
    );
}

#[test]
fn findings_come_sorted_by_address_then_path() {
    let r = report(json!({
        "resource": {
            "google_compute_network": { "z": { "nam": "n" }, "a": { "nam": "n" } }
        }
    }));
    let lines: Vec<String> = r.findings.iter().map(ToString::to_string).collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
    assert_eq!(lines.len(), 4);
}

// ---- loading -------------------------------------------------------------------

#[test]
fn full_schema_files_with_several_providers_load_as_is() {
    let mut s = Schemas::empty();
    let text = json!({
        "format_version": "1.0",
        "provider_schemas": {
            "registry.terraform.io/hashicorp/random": {
                "provider": { "version": 0, "block": {} },
                "resource_schemas": { "random_id": { "version": 0, "block": {
                    "attributes": {
                        "byte_length": { "type": "number", "required": true },
                        "hex": { "type": "string", "computed": true }
                    }
                } } }
            },
            "registry.terraform.io/hashicorp/null": {
                "resource_schemas": { "null_resource": { "version": 0, "block": {
                    "attributes": { "triggers": { "type": ["map", "string"], "optional": true } }
                } } }
            }
        }
    })
    .to_string();
    s.add_text("schemas/extra.json", text).unwrap();
    let r = validate_document(
        &json!({ "resource": {
            "random_id": { "a": { "hex": "x" } },
            "null_resource": { "n": { "triggers": { "a": "b" } } }
        } }),
        &s,
    );
    assert_eq!(
        rendered(&r),
        "random_id.a: byte_length: required attribute is missing\nrandom_id.a: hex: computed by the provider; it cannot be set"
    );
}

#[test]
fn broken_or_conflicting_schema_files_are_errors_naming_the_file() {
    let mut s = Schemas::empty();
    let err = s
        .add_text("schemas/bad.json", "{\"nope\": 1}".into())
        .unwrap_err();
    assert!(matches!(err, SchemaError::Format { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("schemas/bad.json: not a provider schema file")
    );
    let one =
        json!({ "provider_schemas": { "registry.terraform.io/hashicorp/random": {} } }).to_string();
    s.add_text("schemas/a.json", one.clone()).unwrap();
    let err = s.add_text("schemas/b.json", one).unwrap_err();
    assert_eq!(
        err.to_string(),
        "provider random is defined in both schemas/a.json and schemas/b.json"
    );
}

// ---- indexes ---------------------------------------------------------------

/// A schema file with two resource types whose names have the same length,
/// so that one can be renamed without moving anything.
fn indexed_fixture() -> String {
    json!({
        "format_version": "1.0",
        "provider_schemas": {
            "registry.terraform.io/hashicorp/random": {
                "provider": { "version": 0, "block": {
                    "attributes": { "seed": { "type": "string", "optional": true } }
                } },
                "resource_schemas": {
                    "random_id": { "version": 0, "block": {
                        "attributes": { "byte_length": { "type": "number", "required": true } }
                    } },
                    "random_pw": { "version": 0, "block": {
                        "attributes": { "length": { "type": "number", "required": true } }
                    } }
                }
            }
        }
    })
    .to_string()
}

/// A directory holding `random.json` and, when given, `random.json.idx`.
fn schema_dir(json: &str, index: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("random.json"), json).unwrap();
    if let Some(index) = index {
        std::fs::write(dir.path().join(format!("random.json{INDEX_SUFFIX}")), index).unwrap();
    }
    dir
}

/// What validating one resource of `type_name` reports.
fn findings_for(schemas: &Schemas, type_name: &str) -> String {
    rendered(&validate_document(
        &json!({ "resource": { type_name: { "a": {} } } }),
        schemas,
    ))
}

#[test]
fn committed_schema_indexes_are_fresh() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    for name in ["google.json", "kubernetes.json"] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let index = std::fs::read_to_string(dir.join(format!("{name}{INDEX_SUFFIX}")))
            .expect("every committed schema file has its index");
        assert!(
            index == index_of(&format!("schemas/{name}"), &text).unwrap(),
            "schemas/{name}{INDEX_SUFFIX} is stale: run `cargo run -- schemas index`"
        );
    }
}

#[test]
fn every_schema_read_through_the_committed_index_equals_the_one_in_the_whole_file() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let indexed = schemas();
    assert!(indexed.notes().is_empty(), "{:?}", indexed.notes());
    let mut whole = Schemas::empty();
    for name in ["google.json", "kubernetes.json"] {
        let text = std::fs::read_to_string(committed.join(name)).unwrap();
        whole.add_text(&format!("schemas/{name}"), text).unwrap();
    }
    let mut compared = 0;
    for provider in ["google", "kubernetes"] {
        for kind in [Kind::Resource, Kind::Data] {
            for type_name in whole.type_names(kind, provider) {
                let (Lookup::Found(a), Lookup::Found(b)) = (
                    indexed.lookup(kind, type_name),
                    whole.lookup(kind, type_name),
                ) else {
                    panic!("{type_name} is not found both ways");
                };
                assert_eq!(a, b, "{type_name}");
                compared += 1;
            }
        }
        let (Lookup::Found(a), Lookup::Found(b)) = (
            indexed.provider_config(provider),
            whole.provider_config(provider),
        ) else {
            panic!("provider {provider}'s configuration is not found both ways");
        };
        assert_eq!(a, b, "provider {provider}");
    }
    assert_eq!(compared, 1096 + 373 + 82 + 26);
}

#[test]
fn an_index_of_another_size_is_noted_and_the_whole_file_is_read() {
    let json = indexed_fixture();
    let index = index_of("schemas/random.json", &json).unwrap();
    let grown = json.replace("\"length\"", "\"length_in_chars\"");
    let dir = schema_dir(&grown, Some(&index));
    let s = Schemas::load_dir(dir.path(), "schemas").unwrap();
    assert_eq!(
        s.notes(),
        [format!(
            "schemas/random.json.idx is out of date (the file is {} bytes, the index is of {} bytes): \
             schemas/random.json is read whole, which is slower; run `tfsynth schemas index` to refresh it",
            grown.len(),
            json.len()
        )]
    );
    assert_eq!(
        findings_for(&s, "random_pw"),
        "random_pw.a: length_in_chars: required attribute is missing"
    );
}

#[test]
fn an_index_whose_positions_no_longer_hold_what_it_says_is_never_trusted() {
    let json = indexed_fixture();
    let index = index_of("schemas/random.json", &json).unwrap();
    // Same size, so the index looks current; but random_id is now random_ix.
    let renamed = json.replace("\"random_id\"", "\"random_ix\"");
    assert_eq!(renamed.len(), json.len());
    let dir = schema_dir(&renamed, Some(&index));
    let s = Schemas::load_dir(dir.path(), "schemas").unwrap();
    assert!(s.notes().is_empty());
    assert_eq!(
        findings_for(&s, "random_ix"),
        "random_ix.a: byte_length: required attribute is missing"
    );
    assert!(
        findings_for(&s, "random_id").starts_with("random_id.a: unknown resource type"),
        "{}",
        findings_for(&s, "random_id")
    );
    // The type whose position still holds it is read through the index.
    assert_eq!(
        findings_for(&s, "random_pw"),
        "random_pw.a: length: required attribute is missing"
    );
}

#[test]
fn a_type_or_provider_an_index_leaves_out_is_found_in_the_whole_file() {
    let json = indexed_fixture();
    let index = index_of("schemas/random.json", &json).unwrap();
    let without_pw: String = index
        .lines()
        .filter(|l| !l.starts_with("resource random_pw "))
        .map(|l| format!("{l}\n"))
        .collect();
    let dir = schema_dir(&json, Some(&without_pw));
    let s = Schemas::load_dir(dir.path(), "schemas").unwrap();
    assert_eq!(
        findings_for(&s, "random_pw"),
        "random_pw.a: length: required attribute is missing"
    );
    let no_providers: String = index
        .lines()
        .take_while(|l| !l.starts_with("provider "))
        .map(|l| format!("{l}\n"))
        .collect();
    let dir = schema_dir(&json, Some(&no_providers));
    let s = Schemas::load_dir(dir.path(), "schemas").unwrap();
    assert_eq!(
        findings_for(&s, "random_id"),
        "random_id.a: byte_length: required attribute is missing"
    );
    assert!(matches!(s.provider_config("random"), Lookup::Found(_)));
}

#[test]
fn an_index_whose_provider_is_elsewhere_is_noted_and_the_whole_file_is_read() {
    let json = indexed_fixture();
    let index = index_of("schemas/random.json", &json).unwrap();
    let provider = index.lines().find(|l| l.starts_with("provider ")).unwrap();
    for key in ["3", "999999"] {
        let moved = index.replace(
            provider,
            &format!("provider registry.terraform.io/hashicorp/random {key}"),
        );
        let dir = schema_dir(&json, Some(&moved));
        let s = Schemas::load_dir(dir.path(), "schemas").unwrap();
        assert_eq!(
            s.notes(),
            [format!(
                "schemas/random.json.idx is out of date (registry.terraform.io/hashicorp/random \
                 is not at byte {key}): schemas/random.json is read whole, which is slower; \
                 run `tfsynth schemas index` to refresh it"
            )]
        );
        assert_eq!(
            findings_for(&s, "random_id"),
            "random_id.a: byte_length: required attribute is missing"
        );
    }
}

#[test]
fn a_damaged_index_is_an_error_naming_its_file_and_line() {
    let json = indexed_fixture();
    let index = index_of("schemas/random.json", &json)
        .unwrap()
        .replace("size ", "size x");
    let err = Schemas::load_dir(schema_dir(&json, Some(&index)).path(), "schemas").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "schemas/random.json.idx:5: \"x{}\" is not a file size; \
             run `tfsynth schemas index` to write it again",
            json.len()
        )
    );
}

/// A large root is validated by two threads sharing its blocks out (the
/// one writing JSON joins in when it is done): the report must be the one
/// a single thread gives, findings spread over the whole root included.
#[test]
fn a_large_root_validated_on_two_threads_reports_what_one_thread_does() {
    use tfsynth::synth::{Format, render};
    use tfsynth::tf::{Body, Expr, Meta};
    let mut s = Stack::new();
    let mut last = None;
    for i in 0..2_000 {
        let mut body = Body::new();
        if i % 101 != 0 {
            body.set("name", format!("net-{i}"));
        }
        if i % 37 == 0 {
            body.set("nmae", "typo");
        }
        if let Some(net) = &last {
            let id: Expr<String> = if i % 53 == 0 {
                tfsynth::tf::Ref::<tfsynth::tf::Untyped>::attr(net, "no_such_attribute")
            } else {
                tfsynth::tf::Ref::<tfsynth::tf::Untyped>::attr(net, "id")
            };
            body.set("description", id);
        }
        let kind = if i % 50 == 0 {
            "aws_vpc"
        } else {
            "google_compute_network"
        };
        let handle = s.add_body(kind, format!("n{i:04}"), body, Meta::default());
        if kind != "aws_vpc" {
            last = Some(handle);
        }
    }
    let doc = s.resolve().unwrap();
    let one_thread = validate_resolved(&doc, schemas());
    let out = render(&doc, Format::Json, "h", Some(schemas()));
    let two_threads = out.report.unwrap();
    assert_eq!(two_threads, one_thread);
    let json: serde_json::Value = serde_json::from_str(&out.json.unwrap()).unwrap();
    assert_eq!(two_threads, validate_document(&json, schemas()));
    // Every kind of finding made it, from both ends of the root.
    let text = rendered(&two_threads);
    for expected in [
        "google_compute_network.n0101: name: required attribute is missing",
        "google_compute_network.n1998: nmae: unknown attribute or block (did you mean name?)",
        "google_compute_network.n1961: description: google_compute_network.n1960.no_such_attribute: \
         google_compute_network has no attribute no_such_attribute",
    ] {
        assert!(text.contains(expected), "{expected} not in:\n{text}");
    }
    assert_eq!(
        two_threads.warnings,
        ["no schema for provider aws: 40 blocks not validated"]
    );
}

#[test]
fn each_of_several_blocks_is_named_by_its_index_or_label_and_too_few_are_reported() {
    let mut schemas = Schemas::empty();
    let schema = json!({
        "format_version": "1.0",
        "provider_schemas": { "registry.terraform.io/hashicorp/random": {
            "resource_schemas": { "random_rules": { "version": 0, "block": {
                "block_types": {
                    "step": { "nesting_mode": "list", "min_items": 3, "block": {
                        "attributes": { "size": { "type": "number", "optional": true } }
                    } },
                    "rule": { "nesting_mode": "map", "min_items": 1, "block": {
                        "attributes": { "size": { "type": "number", "optional": true } }
                    } }
                }
            } } }
        } }
    });
    schemas.add_text("random.json", schema.to_string()).unwrap();
    let doc = json!({ "resource": { "random_rules": { "r": {
        "step": [{ "size": 1 }, { "size": "big" }],
        "rule": { "a \"b\"": { "sise": 2 }, "c": { "size": 3 } }
    } } } });
    let from_json = validate_document(&doc, &schemas);
    let resolved = stack_from_json(&doc).resolve().unwrap();
    assert_eq!(validate_resolved(&resolved, &schemas), from_json);
    assert_eq!(
        rendered(&from_json),
        "random_rules.r: rule[\"a \\\"b\\\"\"].sise: unknown attribute or block (did you mean size?)\n\
         random_rules.r: step: at least 3 blocks required, got 2\n\
         random_rules.r: step[1].size: expected number, got string \"big\""
    );
}

/// `tfsynth validate` holds hand-written files to the same rule as synth:
/// an output reading a sensitive attribute, directly or through a local,
/// must be marked sensitive.
#[test]
fn a_hand_written_output_of_a_sensitive_attribute_is_reported_at_its_line() {
    let tf = r#"resource "google_sql_user" "app" {
  name     = "app"
  instance = "db"
}
locals {
  pw = google_sql_user.app.password
}
output "via_local" {
  value = local.pw
}
output "marked" {
  value     = upper(google_sql_user.app.password)
  sensitive = true
}
"#;
    let reports = validate_files(&[("main.tf".to_owned(), tf.to_owned())], schemas());
    let found: Vec<String> = reports[0]
        .problems
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        found,
        [
            "main.tf:9:3: output.via_local: value: google_sql_user.app.password is sensitive in its provider's schema; mark the output sensitive (Terraform refuses it: Output refers to sensitive values)"
        ]
    );
}
