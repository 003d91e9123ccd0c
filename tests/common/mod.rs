//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod terraform;

use serde_json::{Map, Number, Value as J, json};

/// insta settings: every snapshot lives in the top-level `snapshots/`,
/// named exactly as given (no module prefix).
pub fn snapshots() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

// ---------------------------------------------------------------------------
// Semantic form of a Terraform file, to compare JSON with HCL.
//
// Both syntaxes are read into one canonical JSON value: blocks nest by their
// labels, a single nested block is an object and several are an array,
// literal strings are plain strings with escapes undone, and expressions are
// `{"$expr": text}` / `{"$template": [...]}` with the text as hcl-rs
// formats the parsed expression. The JSON side decides template versus
// literal positions by Terraform's documented JSON rules; nothing here
// shares code with the emitters.
// ---------------------------------------------------------------------------

/// How Terraform reads a JSON string at some position.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Pos {
    /// A string template (the default for expressions).
    Template,
    /// A literal, never evaluated.
    Literal,
    /// A bare traversal such as `google_compute_network.vpc`.
    Traversal,
}

/// The semantic form of a Terraform JSON file.
pub fn json_semantics(text: &str) -> J {
    let v: J = serde_json::from_str(text).expect("emitted JSON parses");
    let J::Object(root) = v else {
        panic!("a Terraform JSON file is an object")
    };
    let mut out = Map::new();
    for (key, value) in root {
        let canon = match key.as_str() {
            "//" => continue,
            "terraform" => json_body(&value, &|_| Pos::Literal),
            "provider" => by_name(&value, &|path: &[&str]| match path {
                ["alias"] => Pos::Literal,
                _ => Pos::Template,
            }),
            "variable" => by_name(&value, &|path: &[&str]| match path {
                ["type"] => Pos::Traversal,
                ["validation", ..] => Pos::Template,
                _ => Pos::Literal,
            }),
            "locals" => json_body(&value, &|_| Pos::Template),
            "data" | "resource" => {
                let J::Object(types) = value else {
                    panic!("{key} is an object")
                };
                let mut t = Map::new();
                for (kind, named) in types {
                    t.insert(kind, by_name(&named, &resource_pos));
                }
                J::Object(t)
            }
            "module" => by_name(&value, &|path: &[&str]| match path {
                ["source"] | ["version"] => Pos::Literal,
                ["providers", _] | ["depends_on"] => Pos::Traversal,
                _ => Pos::Template,
            }),
            "output" => by_name(&value, &|path: &[&str]| match path {
                ["description"] => Pos::Literal,
                ["depends_on"] => Pos::Traversal,
                _ => Pos::Template,
            }),
            "check" => by_name(&value, &|path: &[&str]| match path {
                ["data", _, _, rest @ ..] => resource_pos(rest),
                _ => Pos::Template,
            }),
            "moved" => json_blocks(&value, &|_| Pos::Traversal),
            "import" => json_blocks(&value, &|path: &[&str]| match path {
                ["id"] => Pos::Template,
                _ => Pos::Traversal,
            }),
            "removed" => json_blocks(&value, &|path: &[&str]| match path {
                ["from"] => Pos::Traversal,
                _ => Pos::Literal,
            }),
            other => panic!("unexpected top-level key {other}"),
        };
        out.insert(key, canon);
    }
    J::Object(out)
}

fn resource_pos(path: &[&str]) -> Pos {
    match path {
        ["depends_on"] | ["provider"] => Pos::Traversal,
        ["lifecycle", "ignore_changes" | "replace_triggered_by"] => Pos::Traversal,
        ["lifecycle", "precondition" | "postcondition", ..] => Pos::Template,
        ["lifecycle", _] => Pos::Literal,
        // A dynamic block's iterator is a bare name, read as a keyword.
        [.., "dynamic", _, "iterator"] => Pos::Traversal,
        _ => Pos::Template,
    }
}

/// `{"name": body}` or `{"name": [body, body]}`.
fn by_name(value: &J, pos: &dyn Fn(&[&str]) -> Pos) -> J {
    let J::Object(named) = value else {
        panic!("expected an object of named blocks")
    };
    let mut out = Map::new();
    for (name, body) in named {
        out.insert(name.clone(), json_blocks(body, pos));
    }
    J::Object(out)
}

/// One block (an object) or several (an array of objects).
fn json_blocks(value: &J, pos: &dyn Fn(&[&str]) -> Pos) -> J {
    match value {
        J::Array(items) if items.len() == 1 => json_body(&items[0], pos),
        J::Array(items) => J::Array(items.iter().map(|b| json_body(b, pos)).collect()),
        other => json_body(other, pos),
    }
}

/// A block body. Which keys are nested blocks cannot be known without the
/// schema, so objects are compared structurally either way.
fn json_body(value: &J, pos: &dyn Fn(&[&str]) -> Pos) -> J {
    json_value(value, pos, &mut Vec::new(), true)
}

fn json_value(value: &J, pos: &dyn Fn(&[&str]) -> Pos, path: &mut Vec<String>, body: bool) -> J {
    let here = {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        pos(&p)
    };
    match value {
        J::String(s) => match here {
            Pos::Literal => J::String(s.clone()),
            Pos::Template => template(s),
            Pos::Traversal => parse_expr(s),
        },
        J::Array(items) => {
            if body && !items.is_empty() && items.iter().all(J::is_object) {
                // Repeated nested blocks.
                return J::Array(
                    items
                        .iter()
                        .map(|i| json_value(i, pos, path, true))
                        .collect(),
                );
            }
            J::Array(
                items
                    .iter()
                    .map(|i| json_value(i, pos, path, false))
                    .collect(),
            )
        }
        J::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                if body && k == "//" {
                    continue;
                }
                // Keys of object values are templates; keys of block bodies
                // are identifiers, which read the same either way.
                let key = if here == Pos::Template {
                    literal_of(&template(k))
                } else {
                    k.clone()
                };
                path.push(k.clone());
                out.insert(key, json_value(v, pos, path, body));
                path.pop();
            }
            J::Object(out)
        }
        J::Number(n) => J::Number(canon_number_json(n)),
        other => other.clone(),
    }
}

fn literal_of(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        other => panic!("object key is not a literal: {other}"),
    }
}

/// A JSON template string: a literal, a single expression, or a template.
fn template(s: &str) -> J {
    let t = hcl_edit::parser::parse_template(s).expect("template parses");
    template_json(&t)
}

fn template_json(t: &hcl_edit::template::Template) -> J {
    use hcl_edit::template::Element;
    let mut parts: Vec<J> = Vec::new();
    let push_lit = |parts: &mut Vec<J>, l: &str| match parts.last_mut() {
        Some(J::String(prev)) => prev.push_str(l),
        _ => parts.push(J::String(l.to_owned())),
    };
    for e in t.iter() {
        match e {
            Element::Literal(l) => push_lit(&mut parts, l.value()),
            Element::Interpolation(i) => match expr_json(&i.expr) {
                // `${"$"}` is how a literal `$` before an interpolation is written.
                J::String(l) => push_lit(&mut parts, &l),
                other => parts.push(json!({ "expr": other })),
            },
            Element::Directive(d) => panic!("unexpected template directive {d:?}"),
        }
    }
    match parts.len() {
        0 => J::String(String::new()),
        1 => match parts.pop().unwrap() {
            J::Object(mut m) if m.contains_key("expr") => m.remove("expr").unwrap(),
            other => other,
        },
        _ => json!({ "$template": parts }),
    }
}

fn canon_number_json(n: &Number) -> Number {
    if n.is_f64() {
        let f = n.as_f64().unwrap();
        if f.fract() == 0.0 && f.abs() < 9.0e15 {
            return Number::from(f as i64);
        }
    }
    n.clone()
}

fn canon_number_hcl(n: &hcl::Number) -> Number {
    if let Some(i) = n.as_i64() {
        Number::from(i)
    } else if let Some(u) = n.as_u64() {
        Number::from(u)
    } else {
        canon_number_json(&Number::from_f64(n.as_f64().unwrap()).unwrap())
    }
}

/// An expression as canonical JSON: literals as values, the rest as tagged
/// structure, all read with hcl-edit.
fn expr_json(e: &hcl_edit::expr::Expression) -> J {
    use hcl_edit::expr::{Expression as E, ObjectKey, TraversalOperator as Op};
    match e {
        E::Null(_) => J::Null,
        E::Bool(b) => J::Bool(*b.value()),
        E::Number(n) => J::Number(canon_number_hcl(n.value())),
        E::String(s) => J::String(s.value().clone()),
        E::Array(items) => J::Array(items.iter().map(expr_json).collect()),
        E::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map.iter() {
                let key = match k {
                    ObjectKey::Ident(i) => i.value().to_string(),
                    ObjectKey::Expression(e) => match expr_json(e) {
                        J::String(s) => s,
                        other => format!("{other}"),
                    },
                };
                out.insert(key, expr_json(v.expr()));
            }
            J::Object(out)
        }
        E::StringTemplate(t) => template_json(t),
        E::Parenthesis(inner) => expr_json(inner.inner()),
        E::Variable(v) => json!({ "$var": v.value().to_string() }),
        E::FuncCall(f) => json!({
            "$call": f.name.name.value().to_string(),
            "args": f.args.iter().map(expr_json).collect::<Vec<_>>(),
        }),
        E::Traversal(t) => {
            let ops: Vec<J> = t
                .operators
                .iter()
                .map(|op| match op.value() {
                    Op::GetAttr(a) => json!({ "attr": a.value().to_string() }),
                    Op::Index(i) => json!({ "index": expr_json(i) }),
                    Op::LegacyIndex(i) => json!({ "index": *i.value() }),
                    Op::AttrSplat(_) => json!("attr_splat"),
                    Op::FullSplat(_) => json!("splat"),
                })
                .collect();
            json!({ "$traversal": expr_json(&t.expr), "ops": ops })
        }
        // Operators, conditionals and for expressions only come from raw
        // expressions; compare their text without white space.
        other => {
            let text: String = other
                .to_string()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            json!({ "$other": text })
        }
    }
}

fn parse_expr(s: &str) -> J {
    expr_json(&hcl_edit::parser::parse_expr(s).expect("expression parses"))
}

/// The semantic form of an HCL file.
pub fn hcl_semantics(text: &str) -> J {
    let body = hcl_edit::parser::parse_body(text).expect("emitted HCL parses");
    let mut out = Map::new();
    for structure in body.iter() {
        if let Some(a) = structure.as_attribute() {
            panic!("top-level attribute {}", a.key.value());
        }
        let b = structure
            .as_block()
            .expect("a structure is an attribute or a block");
        let ident = b.ident.value().to_string();
        let canon = hcl_body(&b.body);
        let mut path: Vec<String> = vec![ident.clone()];
        path.extend(b.labels.iter().map(label));
        match ident.as_str() {
            "locals" => merge_into(&mut out, "locals", canon),
            "moved" | "import" | "removed" => push_into(&mut out, &ident, canon),
            _ => insert_path(&mut out, &path, canon),
        }
    }
    // Lists of moved/import/removed blocks: one is an object, as in JSON.
    for key in ["moved", "import", "removed"] {
        if let Some(J::Array(items)) = out.get(key) {
            if items.len() == 1 {
                let only = items[0].clone();
                out.insert(key.to_owned(), only);
            }
        }
    }
    J::Object(out)
}

fn label(l: &hcl_edit::structure::BlockLabel) -> String {
    match l {
        hcl_edit::structure::BlockLabel::Ident(i) => i.value().to_string(),
        hcl_edit::structure::BlockLabel::String(s) => s.value().clone(),
    }
}

fn merge_into(out: &mut Map<String, J>, key: &str, value: J) {
    let J::Object(new) = value else {
        unreachable!()
    };
    let entry = out
        .entry(key.to_owned())
        .or_insert_with(|| J::Object(Map::new()));
    if let J::Object(m) = entry {
        m.extend(new);
    }
}

fn push_into(out: &mut Map<String, J>, key: &str, value: J) {
    let entry = out
        .entry(key.to_owned())
        .or_insert_with(|| J::Array(Vec::new()));
    if let J::Array(items) = entry {
        items.push(value);
    }
}

/// Inserts at a label path; a second block at the same path makes an array.
fn insert_path(out: &mut Map<String, J>, path: &[String], value: J) {
    let (first, rest) = path.split_first().unwrap();
    if rest.is_empty() {
        match out.remove(first) {
            None => {
                out.insert(first.clone(), value);
            }
            Some(J::Array(mut items)) if !items.is_empty() && items.iter().all(J::is_object) => {
                items.push(value);
                out.insert(first.clone(), J::Array(items));
            }
            Some(prev) => {
                out.insert(first.clone(), J::Array(vec![prev, value]));
            }
        }
        return;
    }
    let entry = out
        .entry(first.clone())
        .or_insert_with(|| J::Object(Map::new()));
    let J::Object(inner) = entry else {
        panic!("label path {path:?} collides")
    };
    insert_path(inner, rest, value);
}

fn hcl_body(body: &hcl_edit::structure::Body) -> J {
    let mut out = Map::new();
    for structure in body.iter() {
        if let Some(a) = structure.as_attribute() {
            out.insert(a.key.value().to_string(), expr_json(&a.value));
        } else if let Some(b) = structure.as_block() {
            let mut path = vec![b.ident.value().to_string()];
            path.extend(b.labels.iter().map(label));
            insert_path(&mut out, &path, hcl_body(&b.body));
        }
    }
    J::Object(out)
}
