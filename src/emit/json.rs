//! Terraform JSON (`main.tf.json`).
//!
//! Strings in expression positions are templates in Terraform JSON, so
//! literals are escaped there (`${` → `$${`, `%{` → `%%{`); positions that
//! Terraform reads literally (variable defaults and descriptions, output
//! descriptions, everything under `terraform`, module sources, addresses in
//! `depends_on`, `provider` and `lifecycle`) are written as given.
//!
//! The document is written in one pass straight into the output string:
//! no intermediate tree, so a 7,000-resource stack costs its output's bytes
//! and little more.

use std::fmt::Write;

use super::text::write_json_template;
use crate::tf::{
    Block, Body, CloudWorkspaces, Condition, Document, Dynamic, Entry, Expression, IgnoreChanges,
    Lifecycle, Meta, ModuleCall, Output, Variable, escape_template,
};

/// Renders a resolved document as Terraform JSON, starting with a `"//"`
/// comment holding `header`.
pub fn to_json(doc: &Document, header: &str) -> String {
    // Room for what a typical resource takes (a Kubernetes deployment is
    // about 1.5 KB, a firewall rule 0.3 KB), so a large document is not
    // copied again and again as it grows; pages reserved and not written
    // cost no memory.
    let blocks = doc.resources.len() + doc.data.len();
    let mut w = Writer {
        out: String::with_capacity(4096 + 800 * blocks),
        ..Writer::default()
    };
    document(&mut w, doc, header);
    w.out.push('\n');
    w.out
}

/// The same document as [`to_json`], as a JSON value, for tests and tools
/// that want to look into it.
pub fn to_json_value(doc: &Document) -> serde_json::Value {
    serde_json::from_str(&to_json(doc, "")).expect("the JSON writer writes valid JSON")
}

/// Pretty JSON, streamed: two-space indent, `\n` line endings, no trailing
/// spaces, `{}` and `[]` when empty.
#[derive(Default)]
struct Writer {
    out: String,
    depth: usize,
    /// Whether the innermost open object or array has no item yet.
    first: bool,
    /// Scratch space for expressions written inside a JSON string.
    scratch: String,
}

impl Writer {
    fn open(&mut self, c: char) {
        self.out.push(c);
        self.depth += 1;
        self.first = true;
    }

    fn close(&mut self, c: char) {
        self.depth -= 1;
        if !self.first {
            self.out.push('\n');
            self.indent();
        }
        self.out.push(c);
        self.first = false;
    }

    fn indent(&mut self) {
        /// Enough for every depth tfsynth writes in one copy.
        const SPACES: &str = "                                                                ";
        let mut n = 2 * self.depth;
        while n > 0 {
            let run = n.min(SPACES.len());
            self.out.push_str(&SPACES[..run]);
            n -= run;
        }
    }

    /// Starts the next array item.
    fn item(&mut self) {
        self.out.push_str(if self.first { "\n" } else { ",\n" });
        self.first = false;
        self.indent();
    }

    /// Starts the next object member.
    fn key(&mut self, key: &str) {
        self.item();
        write_json_string(&mut self.out, key);
        self.out.push_str(": ");
    }

    fn str(&mut self, s: &str) {
        write_json_string(&mut self.out, s);
    }

    fn bool(&mut self, b: bool) {
        self.out.push_str(if b { "true" } else { "false" });
    }

    fn str_field(&mut self, key: &str, value: &str) {
        self.key(key);
        self.str(value);
    }

    fn display<T: std::fmt::Display>(&mut self, value: T) {
        self.scratch.clear();
        let _ = write!(self.scratch, "{value}");
        write_json_string(&mut self.out, &self.scratch);
    }
}

fn document(w: &mut Writer, doc: &Document, header: &str) {
    w.open('{');
    w.str_field("//", header);
    let t = &doc.terraform;
    if t.required_version.is_some()
        || !t.required_providers.is_empty()
        || t.backend.is_some()
        || t.cloud.is_some()
    {
        w.key("terraform");
        w.open('{');
        if let Some(v) = &t.required_version {
            w.str_field("required_version", v);
        }
        if !t.required_providers.is_empty() {
            w.key("required_providers");
            w.open('{');
            for (name, p) in &t.required_providers {
                w.key(name);
                w.open('{');
                w.str_field("source", &p.source);
                if let Some(v) = &p.version {
                    w.str_field("version", v);
                }
                w.close('}');
            }
            w.close('}');
        }
        if let Some(b) = &t.backend {
            w.key("backend");
            w.open('{');
            w.key(&b.kind);
            w.open('{');
            for (k, v) in &b.settings {
                w.key(k);
                literal(w, v);
            }
            w.close('}');
            w.close('}');
        }
        if let Some(c) = &t.cloud {
            w.key("cloud");
            w.open('{');
            if let Some(hostname) = &c.hostname {
                w.str_field("hostname", hostname);
            }
            w.str_field("organization", &c.organization);
            w.key("workspaces");
            w.open('{');
            match &c.workspaces {
                CloudWorkspaces::Name(name) => {
                    w.str_field("name", name);
                    if let Some(project) = &c.project {
                        w.str_field("project", project);
                    }
                }
                CloudWorkspaces::Tags(tags) => {
                    if let Some(project) = &c.project {
                        w.str_field("project", project);
                    }
                    w.key("tags");
                    w.open('[');
                    for tag in tags {
                        w.item();
                        w.str(tag);
                    }
                    w.close(']');
                }
            }
            w.close('}');
            w.close('}');
        }
        w.close('}');
    }

    if !doc.providers.is_empty() {
        w.key("provider");
        w.open('{');
        // Providers are sorted by name: each name's configurations are a run.
        for run in doc.providers.chunk_by(|a, b| a.name == b.name) {
            w.key(&run[0].name);
            one_or_many(w, run, |w, p| {
                w.open('{');
                if let Some(alias) = &p.alias {
                    w.str_field("alias", alias);
                }
                body_fields(w, &p.body);
                w.close('}');
            });
        }
        w.close('}');
    }

    if !doc.variables.is_empty() {
        w.key("variable");
        w.open('{');
        for (name, v) in &doc.variables {
            w.key(name);
            variable(w, v);
        }
        w.close('}');
    }
    if !doc.locals.is_empty() {
        w.key("locals");
        w.open('{');
        for (name, e) in &doc.locals {
            w.key(name);
            expr(w, e);
        }
        w.close('}');
    }
    for (key, blocks) in [("data", &doc.data), ("resource", &doc.resources)] {
        if blocks.is_empty() {
            continue;
        }
        w.key(key);
        w.open('{');
        let mut current: Option<&str> = None;
        for ((kind, name), block) in blocks {
            if current != Some(kind.as_str()) {
                if current.is_some() {
                    w.close('}');
                }
                w.key(kind);
                w.open('{');
                current = Some(kind);
            }
            w.key(name);
            block_fields(w, block);
        }
        w.close('}');
        w.close('}');
    }
    if !doc.modules.is_empty() {
        w.key("module");
        w.open('{');
        for (name, m) in &doc.modules {
            w.key(name);
            module(w, m);
        }
        w.close('}');
    }
    if !doc.outputs.is_empty() {
        w.key("output");
        w.open('{');
        for (name, o) in &doc.outputs {
            w.key(name);
            output(w, o);
        }
        w.close('}');
    }
    if !doc.checks.is_empty() {
        w.key("check");
        w.open('{');
        for (name, check) in &doc.checks {
            w.key(name);
            w.open('{');
            if !check.data.is_empty() {
                w.key("data");
                w.open('{');
                let mut current: Option<&str> = None;
                for b in &check.data {
                    if current != Some(b.kind.as_str()) {
                        if current.is_some() {
                            w.close('}');
                        }
                        w.key(&b.kind);
                        w.open('{');
                        current = Some(&b.kind);
                    }
                    w.key(&b.name);
                    block_fields(w, b);
                }
                w.close('}');
                w.close('}');
            }
            conditions(w, "assert", &check.assertions);
            w.close('}');
        }
        w.close('}');
    }
    if !doc.moved.is_empty() {
        w.key("moved");
        w.open('[');
        for m in &doc.moved {
            w.item();
            w.open('{');
            w.str_field("from", &m.from);
            w.key("to");
            w.display(&m.to);
            w.close('}');
        }
        w.close(']');
    }
    if !doc.imports.is_empty() {
        w.key("import");
        w.open('[');
        for i in &doc.imports {
            w.item();
            w.open('{');
            w.key("id");
            expr(w, &i.id);
            w.key("to");
            w.display(&i.to);
            if let Some(p) = &i.provider {
                w.key("provider");
                w.display(p);
            }
            w.close('}');
        }
        w.close(']');
    }
    if !doc.removed.is_empty() {
        w.key("removed");
        w.open('[');
        for r in &doc.removed {
            w.item();
            w.open('{');
            w.str_field("from", &r.from);
            w.key("lifecycle");
            w.open('{');
            w.key("destroy");
            w.bool(r.destroy);
            w.close('}');
            w.close('}');
        }
        w.close(']');
    }
    w.close('}');
}

/// One item as itself, several as an array: Terraform JSON's two forms of
/// a repeated block.
fn one_or_many<T>(w: &mut Writer, items: &[T], mut each: impl FnMut(&mut Writer, &T)) {
    if let [one] = items {
        each(w, one);
        return;
    }
    w.open('[');
    for item in items {
        w.item();
        each(w, item);
    }
    w.close(']');
}

/// An expression in a template position.
fn expr(w: &mut Writer, e: &Expression) {
    match e {
        Expression::Null => w.out.push_str("null"),
        Expression::Bool(b) => w.bool(*b),
        Expression::Number(n) => {
            let _ = write!(w.out, "{n}");
        }
        Expression::String(s) => w.str(&escape_template(s)),
        Expression::List(items) => {
            w.open('[');
            for item in items {
                w.item();
                expr(w, item);
            }
            w.close(']');
        }
        Expression::Object(map) => {
            w.open('{');
            for (k, v) in map {
                w.key(&escape_template(k));
                expr(w, v);
            }
            w.close('}');
        }
        Expression::Template(_) | Expression::Ref(_) | Expression::Call(_) | Expression::Raw(_) => {
            let mut s = std::mem::take(&mut w.scratch);
            s.clear();
            write_json_template(&mut s, e);
            w.str(&s);
            w.scratch = s;
        }
    }
}

/// A literal in a position Terraform does not read as a template.
fn literal(w: &mut Writer, e: &Expression) {
    match e {
        Expression::String(s) => w.str(s),
        Expression::List(items) => {
            w.open('[');
            for item in items {
                w.item();
                literal(w, item);
            }
            w.close(']');
        }
        Expression::Object(map) => {
            w.open('{');
            for (k, v) in map {
                w.key(k);
                literal(w, v);
            }
            w.close('}');
        }
        // Synth-time checks keep non-literals out of literal positions.
        other => expr(w, other),
    }
}

/// The members of a body, attributes first, then nested blocks, each
/// sorted by name; the caller opens and closes the object.
fn body_fields(w: &mut Writer, body: &Body) {
    for (name, entry) in &body.entries {
        if let Entry::Attr(e) = entry {
            w.key(name);
            expr(w, e);
        }
    }
    for (name, entry) in &body.entries {
        // Zero blocks are written as no block at all, as in HCL.
        match entry {
            Entry::Blocks(blocks) if !blocks.is_empty() => {
                w.key(name);
                one_or_many(w, blocks, |w, b| {
                    w.open('{');
                    body_fields(w, b);
                    w.close('}');
                });
            }
            Entry::Dynamic(dynamics) if dynamics.values().any(|d| !d.is_empty()) => {
                w.key(name);
                w.open('{');
                for (block_type, list) in dynamics {
                    if list.is_empty() {
                        continue;
                    }
                    w.key(block_type);
                    one_or_many(w, list, dynamic);
                }
                w.close('}');
            }
            _ => {}
        }
    }
}

/// One `dynamic` block: `for_each` and `labels` are expressions, `iterator`
/// a bare name (Terraform reads it as a keyword, not a template).
fn dynamic(w: &mut Writer, d: &Dynamic) {
    w.open('{');
    w.key("for_each");
    expr(w, &d.for_each);
    if let Some(iterator) = &d.iterator {
        w.str_field("iterator", iterator);
    }
    if !d.labels.is_empty() {
        w.key("labels");
        w.open('[');
        for label in &d.labels {
            w.item();
            expr(w, label);
        }
        w.close(']');
    }
    w.key("content");
    w.open('{');
    body_fields(w, &d.content);
    w.close('}');
    w.close('}');
}

fn addresses<T: std::fmt::Display>(w: &mut Writer, key: &str, items: impl Iterator<Item = T>) {
    w.key(key);
    w.open('[');
    for a in items {
        w.item();
        w.display(a);
    }
    w.close(']');
}

fn block_fields(w: &mut Writer, block: &Block) {
    let Meta {
        count,
        for_each,
        depends_on,
        provider,
        lifecycle,
        timeouts,
    } = &block.meta;
    w.open('{');
    if let Some(c) = count {
        w.key("count");
        expr(w, c);
    }
    if let Some(f) = for_each {
        w.key("for_each");
        expr(w, f);
    }
    if let Some(p) = provider {
        w.key("provider");
        w.display(p);
    }
    if !depends_on.is_empty() {
        addresses(w, "depends_on", depends_on.iter().map(|d| d.address()));
    }
    body_fields(w, &block.body);
    if let Some(t) = timeouts {
        w.key("timeouts");
        w.open('{');
        body_fields(w, &t.to_body());
        w.close('}');
    }
    lifecycle_fields(w, lifecycle);
    w.close('}');
}

fn lifecycle_fields(w: &mut Writer, l: &Lifecycle) {
    let empty = l.create_before_destroy.is_none()
        && l.prevent_destroy.is_none()
        && matches!(l.ignore_changes, IgnoreChanges::None)
        && l.replace_triggered_by.is_empty()
        && l.preconditions.is_empty()
        && l.postconditions.is_empty();
    if empty {
        return;
    }
    w.key("lifecycle");
    w.open('{');
    if let Some(b) = l.create_before_destroy {
        w.key("create_before_destroy");
        w.bool(b);
    }
    if let Some(b) = l.prevent_destroy {
        w.key("prevent_destroy");
        w.bool(b);
    }
    match &l.ignore_changes {
        IgnoreChanges::None => {}
        IgnoreChanges::All => w.str_field("ignore_changes", "all"),
        IgnoreChanges::Attrs(attrs) => addresses(w, "ignore_changes", attrs.iter()),
    }
    if !l.replace_triggered_by.is_empty() {
        addresses(w, "replace_triggered_by", l.replace_triggered_by.iter());
    }
    conditions(w, "precondition", &l.preconditions);
    conditions(w, "postcondition", &l.postconditions);
    w.close('}');
}

/// Custom condition blocks of one type (`precondition`, `assert`,
/// `validation`): one as an object, several as an array, as other
/// repeated blocks; nothing when there are none.
fn conditions(w: &mut Writer, key: &str, list: &[Condition]) {
    if list.is_empty() {
        return;
    }
    w.key(key);
    one_or_many(w, list, |w, c| {
        w.open('{');
        w.key("condition");
        expr(w, &c.condition);
        w.key("error_message");
        expr(w, &c.error_message);
        w.close('}');
    });
}

fn variable(w: &mut Writer, v: &Variable) {
    w.open('{');
    if let Some(t) = &v.r#type {
        w.key("type");
        w.display(t);
    }
    if let Some(d) = &v.default {
        w.key("default");
        literal(w, d);
    }
    if let Some(d) = &v.description {
        w.str_field("description", d);
    }
    if let Some(s) = v.sensitive {
        w.key("sensitive");
        w.bool(s);
    }
    if let Some(n) = v.nullable {
        w.key("nullable");
        w.bool(n);
    }
    conditions(w, "validation", &v.validations);
    w.close('}');
}

fn output(w: &mut Writer, o: &Output) {
    w.open('{');
    w.key("value");
    expr(w, &o.value);
    if let Some(d) = &o.description {
        w.str_field("description", d);
    }
    if let Some(s) = o.sensitive {
        w.key("sensitive");
        w.bool(s);
    }
    if !o.depends_on.is_empty() {
        addresses(w, "depends_on", o.depends_on.iter().map(|d| d.address()));
    }
    conditions(w, "precondition", &o.preconditions);
    w.close('}');
}

fn module(w: &mut Writer, m: &ModuleCall) {
    w.open('{');
    w.str_field("source", &m.source);
    if let Some(v) = &m.version {
        w.str_field("version", v);
    }
    if let Some(c) = &m.count {
        w.key("count");
        expr(w, c);
    }
    if let Some(f) = &m.for_each {
        w.key("for_each");
        expr(w, f);
    }
    if !m.providers.is_empty() {
        w.key("providers");
        w.open('{');
        for (k, p) in &m.providers {
            w.key(k);
            w.display(p);
        }
        w.close('}');
    }
    if !m.depends_on.is_empty() {
        addresses(w, "depends_on", m.depends_on.iter().map(|d| d.address()));
    }
    for (k, v) in &m.inputs {
        w.key(k);
        expr(w, v);
    }
    w.close('}');
}

/// A JSON string, escaped exactly as serde_json does: `"` and `\`, the
/// short escapes `\b \t \n \f \r`, other control characters as `\u00xx`.
pub(crate) fn write_json_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Most strings need no escape at all: skip them eight bytes at a
        // time, and look at single bytes only in a word that needs it.
        if let Some(word) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
            if !needs_escape(word) {
                i += 8;
                continue;
            }
        }
        let end = (i + 8).min(bytes.len());
        for (i, &b) in bytes.iter().enumerate().take(end).skip(i) {
            let short = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\t' => "\\t",
                b'\r' => "\\r",
                0x08 => "\\b",
                0x0c => "\\f",
                0x00..=0x1f => "",
                _ => continue,
            };
            // Every byte escaped here is ASCII, so `i` is a char boundary.
            out.push_str(&s[start..i]);
            if short.is_empty() {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            } else {
                out.push_str(short);
            }
            start = i + 1;
        }
        i = end;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Whether any of the eight bytes in `word` is a control character, `"`
/// or `\`: the bytes JSON escapes. Exact, not a hint: each test is the
/// "has a zero byte" trick, which has no false answer for the word as a
/// whole.
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let control = word.wrapping_sub(ONES * 0x20) & !word;
    let quote = word ^ (ONES * u64::from(b'"'));
    let backslash = word ^ (ONES * u64::from(b'\\'));
    let quote = quote.wrapping_sub(ONES) & !quote;
    let backslash = backslash.wrapping_sub(ONES) & !backslash;
    (control | quote | backslash) & HIGH != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_exactly_like_serde_json() {
        let mut every: String = (0u32..0x80).filter_map(char::from_u32).collect();
        every.push_str("é€😀\u{2028}\u{7f}");
        for s in [every.as_str(), "", "plain", "a\"b\\c", "\u{1}x\u{1f}"] {
            let mut out = String::new();
            write_json_string(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap());
        }
    }

    #[test]
    fn an_escaped_byte_is_found_at_any_place_in_a_word() {
        // Strings are scanned eight bytes at a time: put each byte that
        // needs an escape, and its neighbours that do not, at every offset
        // of strings around that size.
        let specials = [
            '"', '\\', '\n', '\u{0}', '\u{1f}', ' ', '!', '[', ']', '\u{7f}', 'é', '😀',
        ];
        for len in 0..20 {
            for at in 0..len {
                for special in specials {
                    let s: String = (0..len)
                        .map(|i| if i == at { special } else { 'a' })
                        .collect();
                    let mut out = String::new();
                    write_json_string(&mut out, &s);
                    assert_eq!(out, serde_json::to_string(&s).unwrap(), "{s:?}");
                }
            }
        }
    }
}
