//! Terraform JSON (`main.tf.json`).
//!
//! Strings in expression positions are templates in Terraform JSON, so
//! literals are escaped there (`${` → `$${`, `%{` → `%%{`); positions that
//! Terraform reads literally (variable defaults and descriptions, output
//! descriptions, everything under `terraform`, module sources, addresses in
//! `depends_on`, `provider` and `lifecycle`) are written as given.

use std::fmt::Write;

use serde_json::Number;

use super::text::{json_template, write_expression};
use crate::tf::{
    Block, Body, Document, Entry, Expression, IgnoreChanges, Lifecycle, Meta, ModuleCall, Output,
    Variable, escape_template,
};

/// A JSON value with its key order fixed by construction.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum J {
    Null,
    Bool(bool),
    Num(Number),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    fn str(s: impl Into<String>) -> J {
        J::Str(s.into())
    }
}

/// Renders a resolved document as Terraform JSON, starting with a `"//"`
/// comment holding `header`.
pub fn to_json(doc: &Document, header: &str) -> String {
    let mut out = String::new();
    write_json(&mut out, &document(doc, header), 0);
    out.push('\n');
    out
}

/// The same document as [`to_json`], as a JSON value (for validation,
/// without writing and re-reading text).
pub fn to_json_value(doc: &Document) -> serde_json::Value {
    document(doc, "").into_value()
}

impl J {
    fn into_value(self) -> serde_json::Value {
        use serde_json::Value as V;
        match self {
            J::Null => V::Null,
            J::Bool(b) => V::Bool(b),
            J::Num(n) => V::Number(n),
            J::Str(s) => V::String(s),
            J::Arr(items) => V::Array(items.into_iter().map(J::into_value).collect()),
            J::Obj(fields) => V::Object(
                fields
                    .into_iter()
                    .map(|(k, v)| (k, v.into_value()))
                    .collect(),
            ),
        }
    }
}

fn document(doc: &Document, header: &str) -> J {
    let mut root = vec![("//".to_owned(), J::str(header))];
    let t = &doc.terraform;
    let mut terraform = Vec::new();
    if let Some(v) = &t.required_version {
        terraform.push(("required_version".to_owned(), J::str(v)));
    }
    if !t.required_providers.is_empty() {
        let providers = t
            .required_providers
            .iter()
            .map(|(name, p)| {
                (
                    name.clone(),
                    J::Obj(vec![
                        ("source".to_owned(), J::str(&p.source)),
                        ("version".to_owned(), J::str(&p.version)),
                    ]),
                )
            })
            .collect();
        terraform.push(("required_providers".to_owned(), J::Obj(providers)));
    }
    if let Some(b) = &t.backend {
        let settings = b
            .settings
            .iter()
            .map(|(k, v)| (k.clone(), literal(v)))
            .collect();
        terraform.push((
            "backend".to_owned(),
            J::Obj(vec![(b.kind.clone(), J::Obj(settings))]),
        ));
    }
    if !terraform.is_empty() {
        root.push(("terraform".to_owned(), J::Obj(terraform)));
    }

    if !doc.providers.is_empty() {
        let mut by_name: Vec<(String, Vec<J>)> = Vec::new();
        for p in &doc.providers {
            let mut fields = Vec::new();
            if let Some(alias) = &p.alias {
                fields.push(("alias".to_owned(), J::str(alias)));
            }
            fields.extend(body_fields(&p.body));
            match by_name.last_mut() {
                Some((name, configs)) if *name == p.name => configs.push(J::Obj(fields)),
                _ => by_name.push((p.name.clone(), vec![J::Obj(fields)])),
            }
        }
        let providers = by_name
            .into_iter()
            .map(|(name, configs)| (name, one_or_many(configs)))
            .collect();
        root.push(("provider".to_owned(), J::Obj(providers)));
    }

    if !doc.variables.is_empty() {
        let vars = doc
            .variables
            .iter()
            .map(|(name, v)| (name.clone(), variable(v)))
            .collect();
        root.push(("variable".to_owned(), J::Obj(vars)));
    }
    if !doc.locals.is_empty() {
        let locals = doc
            .locals
            .iter()
            .map(|(name, e)| (name.clone(), expr(e)))
            .collect();
        root.push(("locals".to_owned(), J::Obj(locals)));
    }
    for (key, blocks) in [("data", &doc.data), ("resource", &doc.resources)] {
        if blocks.is_empty() {
            continue;
        }
        let mut by_type: Vec<(String, J)> = Vec::new();
        for ((kind, name), block) in blocks {
            let entry = (name.clone(), J::Obj(block_fields(block)));
            match by_type.last_mut() {
                Some((k, J::Obj(named))) if k == kind => named.push(entry),
                _ => by_type.push((kind.clone(), J::Obj(vec![entry]))),
            }
        }
        root.push((key.to_owned(), J::Obj(by_type)));
    }
    if !doc.modules.is_empty() {
        let modules = doc
            .modules
            .iter()
            .map(|(name, m)| (name.clone(), module(m)))
            .collect();
        root.push(("module".to_owned(), J::Obj(modules)));
    }
    if !doc.outputs.is_empty() {
        let outputs = doc
            .outputs
            .iter()
            .map(|(name, o)| (name.clone(), output(o)))
            .collect();
        root.push(("output".to_owned(), J::Obj(outputs)));
    }
    if !doc.moved.is_empty() {
        let moved = doc
            .moved
            .iter()
            .map(|m| {
                J::Obj(vec![
                    ("from".to_owned(), J::str(&m.from)),
                    ("to".to_owned(), J::Str(m.to.address().to_string())),
                ])
            })
            .collect();
        root.push(("moved".to_owned(), J::Arr(moved)));
    }
    if !doc.imports.is_empty() {
        let imports = doc
            .imports
            .iter()
            .map(|i| {
                let mut fields = vec![
                    ("id".to_owned(), expr(&i.id)),
                    ("to".to_owned(), J::Str(i.to.address().to_string())),
                ];
                if let Some(p) = &i.provider {
                    fields.push(("provider".to_owned(), J::Str(p.to_string())));
                }
                J::Obj(fields)
            })
            .collect();
        root.push(("import".to_owned(), J::Arr(imports)));
    }
    if !doc.removed.is_empty() {
        let removed = doc
            .removed
            .iter()
            .map(|r| {
                J::Obj(vec![
                    ("from".to_owned(), J::str(&r.from)),
                    (
                        "lifecycle".to_owned(),
                        J::Obj(vec![("destroy".to_owned(), J::Bool(r.destroy))]),
                    ),
                ])
            })
            .collect();
        root.push(("removed".to_owned(), J::Arr(removed)));
    }
    J::Obj(root)
}

fn one_or_many(mut items: Vec<J>) -> J {
    if items.len() == 1 {
        items.pop().expect("one item")
    } else {
        J::Arr(items)
    }
}

/// An expression in a template position.
fn expr(e: &Expression) -> J {
    match e {
        Expression::Null => J::Null,
        Expression::Bool(b) => J::Bool(*b),
        Expression::Number(n) => J::Num(n.clone()),
        Expression::String(s) => J::Str(escape_template(s).into_owned()),
        Expression::List(items) => J::Arr(items.iter().map(expr).collect()),
        Expression::Object(map) => J::Obj(
            map.iter()
                .map(|(k, v)| (escape_template(k).into_owned(), expr(v)))
                .collect(),
        ),
        Expression::Template(parts) => J::Str(json_template(parts)),
        Expression::Ref(_) | Expression::Call(_) | Expression::Raw(_) => {
            let mut s = String::from("${");
            write_expression(&mut s, e);
            s.push('}');
            J::Str(s)
        }
    }
}

/// A literal in a position Terraform does not read as a template.
fn literal(e: &Expression) -> J {
    match e {
        Expression::String(s) => J::Str(s.clone()),
        Expression::List(items) => J::Arr(items.iter().map(literal).collect()),
        Expression::Object(map) => {
            J::Obj(map.iter().map(|(k, v)| (k.clone(), literal(v))).collect())
        }
        // Synth-time checks keep non-literals out of literal positions.
        other => expr(other),
    }
}

/// Attributes first, then nested blocks, each sorted by name.
fn body_fields(body: &Body) -> Vec<(String, J)> {
    let mut attrs = Vec::new();
    let mut blocks = Vec::new();
    for (name, entry) in &body.entries {
        match entry {
            Entry::Attr(e) => attrs.push((name.clone(), expr(e))),
            Entry::Blocks(bs) => blocks.push((
                name.clone(),
                one_or_many(bs.iter().map(|b| J::Obj(body_fields(b))).collect()),
            )),
        }
    }
    attrs.extend(blocks);
    attrs
}

fn addresses<T: ToString>(items: &[T]) -> J {
    J::Arr(items.iter().map(|a| J::Str(a.to_string())).collect())
}

fn block_fields(block: &Block) -> Vec<(String, J)> {
    let Meta {
        count,
        for_each,
        depends_on,
        provider,
        lifecycle,
        timeouts,
    } = &block.meta;
    let mut fields = Vec::new();
    if let Some(c) = count {
        fields.push(("count".to_owned(), expr(c)));
    }
    if let Some(f) = for_each {
        fields.push(("for_each".to_owned(), expr(f)));
    }
    if let Some(p) = provider {
        fields.push(("provider".to_owned(), J::Str(p.to_string())));
    }
    if !depends_on.is_empty() {
        let deps: Vec<_> = depends_on.iter().map(|d| d.address()).collect();
        fields.push(("depends_on".to_owned(), addresses(&deps)));
    }
    fields.extend(body_fields(&block.body));
    if let Some(t) = timeouts {
        let t = crate::tf::Body::from_serialize(t).expect("timeouts are plain strings");
        fields.push(("timeouts".to_owned(), J::Obj(body_fields(&t))));
    }
    let lc = lifecycle_fields(lifecycle);
    if !lc.is_empty() {
        fields.push(("lifecycle".to_owned(), J::Obj(lc)));
    }
    fields
}

fn lifecycle_fields(l: &Lifecycle) -> Vec<(String, J)> {
    let mut fields = Vec::new();
    if let Some(b) = l.create_before_destroy {
        fields.push(("create_before_destroy".to_owned(), J::Bool(b)));
    }
    if let Some(b) = l.prevent_destroy {
        fields.push(("prevent_destroy".to_owned(), J::Bool(b)));
    }
    match &l.ignore_changes {
        IgnoreChanges::None => {}
        IgnoreChanges::All => fields.push(("ignore_changes".to_owned(), J::str("all"))),
        IgnoreChanges::Attrs(attrs) => {
            fields.push(("ignore_changes".to_owned(), addresses(attrs)));
        }
    }
    if !l.replace_triggered_by.is_empty() {
        fields.push((
            "replace_triggered_by".to_owned(),
            addresses(&l.replace_triggered_by),
        ));
    }
    fields
}

fn variable(v: &Variable) -> J {
    let mut fields = Vec::new();
    if let Some(t) = &v.r#type {
        fields.push(("type".to_owned(), J::Str(t.to_string())));
    }
    if let Some(d) = &v.default {
        fields.push(("default".to_owned(), literal(d)));
    }
    if let Some(d) = &v.description {
        fields.push(("description".to_owned(), J::str(d)));
    }
    if let Some(s) = v.sensitive {
        fields.push(("sensitive".to_owned(), J::Bool(s)));
    }
    if let Some(n) = v.nullable {
        fields.push(("nullable".to_owned(), J::Bool(n)));
    }
    if !v.validations.is_empty() {
        let validations = v
            .validations
            .iter()
            .map(|val| {
                J::Obj(vec![
                    ("condition".to_owned(), expr(&val.condition)),
                    ("error_message".to_owned(), expr(&val.error_message)),
                ])
            })
            .collect();
        fields.push(("validation".to_owned(), one_or_many(validations)));
    }
    J::Obj(fields)
}

fn output(o: &Output) -> J {
    let mut fields = vec![("value".to_owned(), expr(&o.value))];
    if let Some(d) = &o.description {
        fields.push(("description".to_owned(), J::str(d)));
    }
    if let Some(s) = o.sensitive {
        fields.push(("sensitive".to_owned(), J::Bool(s)));
    }
    if !o.depends_on.is_empty() {
        let deps: Vec<_> = o.depends_on.iter().map(|d| d.address()).collect();
        fields.push(("depends_on".to_owned(), addresses(&deps)));
    }
    J::Obj(fields)
}

fn module(m: &ModuleCall) -> J {
    let mut fields = vec![("source".to_owned(), J::str(&m.source))];
    if let Some(v) = &m.version {
        fields.push(("version".to_owned(), J::str(v)));
    }
    if let Some(c) = &m.count {
        fields.push(("count".to_owned(), expr(c)));
    }
    if let Some(f) = &m.for_each {
        fields.push(("for_each".to_owned(), expr(f)));
    }
    if !m.providers.is_empty() {
        let providers = m
            .providers
            .iter()
            .map(|(k, p)| (k.clone(), J::Str(p.to_string())))
            .collect();
        fields.push(("providers".to_owned(), J::Obj(providers)));
    }
    if !m.depends_on.is_empty() {
        let deps: Vec<_> = m.depends_on.iter().map(|d| d.address()).collect();
        fields.push(("depends_on".to_owned(), addresses(&deps)));
    }
    fields.extend(m.inputs.iter().map(|(k, v)| (k.clone(), expr(v))));
    J::Obj(fields)
}

/// Pretty JSON: two-space indent, `\n` line endings, no trailing spaces.
pub(crate) fn write_json(out: &mut String, value: &J, indent: usize) {
    match value {
        J::Null => out.push_str("null"),
        J::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        J::Num(n) => {
            let _ = write!(out, "{n}");
        }
        J::Str(s) => write_json_string(out, s),
        J::Arr(items) if items.is_empty() => out.push_str("[]"),
        J::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                push_indent(out, indent + 1);
                write_json(out, item, indent + 1);
            }
            out.push('\n');
            push_indent(out, indent);
            out.push(']');
        }
        J::Obj(fields) if fields.is_empty() => out.push_str("{}"),
        J::Obj(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                push_indent(out, indent + 1);
                write_json_string(out, k);
                out.push_str(": ");
                write_json(out, v, indent + 1);
            }
            out.push('\n');
            push_indent(out, indent);
            out.push('}');
        }
    }
}

fn push_indent(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}

fn write_json_string(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).expect("strings always serialize"));
}
