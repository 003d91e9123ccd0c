//! Validation of a Terraform JSON document against provider schemas.
//!
//! Checks every resource, data source and provider block: unknown types,
//! unknown attributes and blocks, missing required attributes and blocks,
//! too many blocks, literals of the wrong type (following Terraform's own
//! conversions: `"true"` is a fine bool, `"yes"` is not), values for
//! computed-only attributes, and references to attributes that the
//! referenced type does not have. Expressions whose type cannot be known
//! are accepted.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::atomic::AtomicUsize;

use serde_json::Value;

use super::{BlockSchema, Kind, Lookup, NestingMode, Schemas, Type};
use crate::chunks::next_chunk;
use crate::emit::text::write_json_template;
use crate::emit::write_json_string;
use crate::tf::write_index;
use crate::tf::{
    Block, Body, Document, Dynamic, Dynamics, Entry, Expression, Reference, Root, Step, Timeouts,
    escape_template,
};

/// One problem with one block.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// The block: `google_container_node_pool.primary`, `data.x.y`, `provider.google`.
    pub address: String,
    /// Where inside it: `node_config[0].shielded_instance_config[0].enable_secure_boot`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.address, self.message)
        } else {
            write!(f, "{}: {}: {}", self.address, self.path, self.message)
        }
    }
}

/// The outcome of validating one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Problems, sorted.
    pub findings: Vec<Finding>,
    /// Things that were not checked, e.g. a provider with no schema.
    pub warnings: Vec<String>,
}

impl Report {
    /// Whether nothing is wrong.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Meta-arguments of resources and data sources, not in provider schemas.
pub(super) const META: [&str; 7] = [
    "count",
    "for_each",
    "depends_on",
    "provider",
    "lifecycle",
    "connection",
    "provisioner",
];

/// Validates every resource, data source and provider block of a Terraform
/// JSON document (the parsed contents of a `.tf.json` file).
pub fn validate_document(doc: &Value, schemas: &Schemas) -> Report {
    let contains = |kind: Kind, type_name: &str, name: &str| {
        let section = match kind {
            Kind::Resource => "resource",
            Kind::Data => "data",
        };
        doc.get(section)
            .and_then(|s| s.get(type_name))
            .and_then(|t| t.get(name))
            .is_some()
    };
    let mut v = Validator::new(schemas, &contains);
    for (key, kind, prefix) in [
        ("resource", Kind::Resource, ""),
        ("data", Kind::Data, "data."),
    ] {
        let Some(types) = doc.get(key).and_then(Value::as_object) else {
            continue;
        };
        for (type_name, named) in types {
            let Some(named) = named.as_object() else {
                v.finding(
                    &format!("{prefix}{type_name}"),
                    "",
                    "expected an object of named blocks",
                );
                continue;
            };
            for (name, body) in named {
                let address = format!("{prefix}{type_name}.{name}");
                let bodies = match body {
                    Value::Array(items) => items.iter().collect(),
                    one => vec![one],
                };
                v.block(kind, type_name, &address, bodies);
            }
        }
    }
    if let Some(providers) = doc.get("provider").and_then(Value::as_object) {
        for (name, configs) in providers {
            let configs = match configs {
                Value::Array(items) => items.iter().collect(),
                one => vec![one],
            };
            for config in configs {
                let address = match config.get("alias").and_then(Value::as_str) {
                    Some(alias) => format!("provider.{name}.{alias}"),
                    None => format!("provider.{name}"),
                };
                v.provider(name, &address, config);
            }
        }
    }
    v.report()
}

/// Validates a resolved document the same way as [`validate_document`]
/// validates the JSON that [`to_json`](crate::emit::to_json) writes for it
/// (the findings are the same), without writing or parsing JSON.
pub fn validate_resolved(doc: &Document, schemas: &Schemas) -> Report {
    let work = Shared::new(doc, schemas);
    let part = work.run();
    work.finish([part])
}

/// How many blocks a thread takes at a time from [`Shared`]: enough that
/// taking them costs nothing next to validating them, few enough that two
/// threads finish close together.
const CHUNK: usize = 16;

/// One resolved document's blocks, validated by every thread that calls
/// [`Shared::run`], each taking the next chunk of blocks until none is
/// left. Validation is the longest step of a large synth, so the thread
/// that writes the JSON joins in once it is done (see
/// [`synth::render`](crate::synth::render)). The findings are the same
/// however the blocks were shared out: [`Shared::finish`] sorts them.
pub(crate) struct Shared<'d> {
    doc: &'d Document,
    schemas: &'d Schemas,
    /// Resources, then data sources, each sorted by type and name.
    blocks: Vec<(Kind, &'d str, &'d str, &'d Block)>,
    /// Where the data sources start in `blocks`.
    data_from: usize,
    /// The first block no thread has taken yet.
    next: AtomicUsize,
}

/// What one thread found in the blocks it took.
pub(crate) struct Part {
    findings: Vec<Finding>,
    unchecked: BTreeMap<String, usize>,
}

impl<'d> Shared<'d> {
    pub(crate) fn new(doc: &'d Document, schemas: &'d Schemas) -> Self {
        let mut blocks = Vec::with_capacity(doc.resources.len() + doc.data.len());
        for (kind, section) in [(Kind::Resource, &doc.resources), (Kind::Data, &doc.data)] {
            for ((type_name, name), block) in section {
                blocks.push((kind, type_name.as_str(), name.as_str(), block));
            }
        }
        Shared {
            doc,
            schemas,
            blocks,
            data_from: doc.resources.len(),
            next: AtomicUsize::new(0),
        }
    }

    /// Whether the document has this resource or data source: a binary
    /// search of the sorted blocks, with no key to build.
    fn contains(&self, kind: Kind, type_name: &str, name: &str) -> bool {
        let section = match kind {
            Kind::Resource => &self.blocks[..self.data_from],
            Kind::Data => &self.blocks[self.data_from..],
        };
        section
            .binary_search_by(|&(_, t, n, _)| (t, n).cmp(&(type_name, name)))
            .is_ok()
    }

    /// Validates chunks of blocks until none is left.
    pub(crate) fn run(&self) -> Part {
        let contains =
            |kind: Kind, type_name: &str, name: &str| self.contains(kind, type_name, name);
        let mut v = Validator::new(self.schemas, &contains);
        let mut address = String::new();
        while let Some(chunk) = next_chunk(&self.blocks, &self.next, CHUNK) {
            for &(kind, type_name, name, block) in chunk {
                address.clear();
                if kind == Kind::Data {
                    address.push_str("data.");
                }
                address.push_str(type_name);
                address.push('.');
                address.push_str(name);
                v.block(kind, type_name, &address, [Node::Block(block)]);
            }
        }
        Part {
            findings: v.findings,
            unchecked: v.unchecked,
        }
    }

    /// The report: every thread's part, and the provider blocks.
    pub(crate) fn finish(&self, parts: impl IntoIterator<Item = Part>) -> Report {
        let contains =
            |kind: Kind, type_name: &str, name: &str| self.contains(kind, type_name, name);
        let mut v = Validator::new(self.schemas, &contains);
        for part in parts {
            v.findings.extend(part.findings);
            for (provider, n) in part.unchecked {
                *v.unchecked.entry(provider).or_default() += n;
            }
        }
        for p in &self.doc.providers {
            let address = match &p.alias {
                Some(alias) => format!("provider.{}.{alias}", p.name),
                None => format!("provider.{}", p.name),
            };
            v.provider(&p.name, &address, Node::Body(&p.body));
        }
        v.report()
    }
}

/// What the validator sees of a value, from either source.
enum Shape<'a> {
    Null,
    Bool(bool),
    Number(&'a serde_json::Number),
    /// A string as Terraform JSON holds it: a template, maybe with `${...}`.
    Str(Cow<'a, str>),
    /// A string known to hold no interpolation or directive.
    Literal(Cow<'a, str>),
    List(usize),
    Object,
}

/// A value the validator can walk: a JSON value, or a part of a resolved
/// document seen as the JSON it becomes.
trait Tree<'a>: Copy {
    fn shape(self) -> Shape<'a>;
    fn each_item(self, f: &mut dyn FnMut(Self));
    fn each_field(self, f: &mut dyn FnMut(&str, Self));
    fn has_field(self, key: &str) -> bool;
    /// The structured reference this value is, when it is one: checked
    /// as it is, instead of written as text and parsed back.
    fn reference(self) -> Option<&'a Reference> {
        None
    }
}

impl<'a> Tree<'a> for &'a Value {
    fn shape(self) -> Shape<'a> {
        match self {
            Value::Null => Shape::Null,
            Value::Bool(b) => Shape::Bool(*b),
            Value::Number(n) => Shape::Number(n),
            Value::String(s) => Shape::Str(Cow::Borrowed(s)),
            Value::Array(items) => Shape::List(items.len()),
            Value::Object(_) => Shape::Object,
        }
    }
    fn each_item(self, f: &mut dyn FnMut(Self)) {
        if let Value::Array(items) = self {
            items.iter().for_each(f);
        }
    }
    fn each_field(self, f: &mut dyn FnMut(&str, Self)) {
        if let Value::Object(fields) = self {
            fields.iter().for_each(|(k, v)| f(k, v));
        }
    }
    fn has_field(self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

/// A part of a resolved document, standing for the JSON written for it.
#[derive(Clone, Copy)]
enum Node<'a> {
    /// A resource or data source: its body and its `timeouts` (the other
    /// meta-arguments are not in provider schemas).
    Block(&'a Block),
    Body(&'a Body),
    /// Several blocks of one type, written as an array.
    Bodies(&'a [Body]),
    Expr(&'a Expression),
    Timeouts(&'a Timeouts),
    /// A literal string in an expression position.
    Lit(&'a str),
    /// A body's `dynamic` blocks, by block type.
    Dynamics(&'a Dynamics),
    /// Several dynamic blocks of one type, written as an array.
    DynamicList(&'a [Dynamic]),
    /// One dynamic block.
    Dynamic(&'a Dynamic),
    /// A dynamic block's labels.
    Labels(&'a [Expression]),
}

impl<'a> Node<'a> {
    fn entry(entry: &'a Entry) -> Node<'a> {
        match entry {
            Entry::Attr(e) => Node::Expr(e),
            Entry::Blocks(blocks) => match blocks.as_slice() {
                [one] => Node::Body(one),
                many => Node::Bodies(many),
            },
            Entry::Dynamic(dynamics) => Node::Dynamics(dynamics),
        }
    }

    fn dynamics(list: &'a [Dynamic]) -> Node<'a> {
        match list {
            [one] => Node::Dynamic(one),
            many => Node::DynamicList(many),
        }
    }
}

impl<'a> Tree<'a> for Node<'a> {
    fn shape(self) -> Shape<'a> {
        match self {
            Node::Block(_)
            | Node::Body(_)
            | Node::Timeouts(_)
            | Node::Dynamics(_)
            | Node::Dynamic(_) => Shape::Object,
            Node::Bodies(bodies) => Shape::List(bodies.len()),
            Node::DynamicList(list) => Shape::List(list.len()),
            Node::Labels(labels) => Shape::List(labels.len()),
            Node::Lit(s) => Shape::Literal(escape_template(s)),
            Node::Expr(e) => match e {
                Expression::Null => Shape::Null,
                Expression::Bool(b) => Shape::Bool(*b),
                Expression::Number(n) => Shape::Number(n),
                Expression::String(s) => Shape::Literal(escape_template(s)),
                Expression::List(items) => Shape::List(items.len()),
                Expression::Object(_) => Shape::Object,
                Expression::Template(_)
                | Expression::Ref(_)
                | Expression::Call(_)
                | Expression::Raw(_) => {
                    // Room for a typical reference, so it is not grown.
                    let mut s = String::with_capacity(64);
                    write_json_template(&mut s, e);
                    Shape::Str(Cow::Owned(s))
                }
            },
        }
    }
    fn each_item(self, f: &mut dyn FnMut(Self)) {
        match self {
            Node::Bodies(bodies) => bodies.iter().for_each(|b| f(Node::Body(b))),
            Node::DynamicList(list) => list.iter().for_each(|d| f(Node::Dynamic(d))),
            Node::Labels(labels) => labels.iter().for_each(|e| f(Node::Expr(e))),
            Node::Expr(Expression::List(items)) => items.iter().for_each(|e| f(Node::Expr(e))),
            _ => {}
        }
    }
    fn each_field(self, f: &mut dyn FnMut(&str, Self)) {
        match self {
            Node::Block(block) => {
                Node::Body(&block.body).each_field(f);
                if let Some(t) = &block.meta.timeouts {
                    f("timeouts", Node::Timeouts(t));
                }
            }
            Node::Body(body) => body.entries.iter().for_each(|(k, e)| f(k, Node::entry(e))),
            Node::Timeouts(t) => t.fields().for_each(|(k, v)| f(k, Node::Lit(v))),
            // As the JSON writer writes them: no empty list of a type.
            Node::Dynamics(dynamics) => dynamics
                .iter()
                .filter(|(_, list)| !list.is_empty())
                .for_each(|(k, list)| f(k, Node::dynamics(list))),
            Node::Dynamic(d) => {
                f("for_each", Node::Expr(&d.for_each));
                if let Some(iterator) = &d.iterator {
                    f("iterator", Node::Lit(iterator));
                }
                if !d.labels.is_empty() {
                    f("labels", Node::Labels(&d.labels));
                }
                f("content", Node::Body(&d.content));
            }
            Node::Expr(Expression::Object(map)) => {
                map.iter()
                    .for_each(|(k, v)| f(&escape_template(k), Node::Expr(v)));
            }
            _ => {}
        }
    }
    fn has_field(self, key: &str) -> bool {
        match self {
            Node::Block(block) => {
                Node::Body(&block.body).has_field(key)
                    || (key == "timeouts" && block.meta.timeouts.is_some())
            }
            Node::Body(body) => body.entries.contains_key(key),
            Node::Timeouts(t) => t.fields().any(|(k, _)| k == key),
            Node::Dynamics(dynamics) => dynamics.get(key).is_some_and(|l| !l.is_empty()),
            Node::Dynamic(d) => match key {
                "for_each" | "content" => true,
                "iterator" => d.iterator.is_some(),
                "labels" => !d.labels.is_empty(),
                _ => false,
            },
            Node::Expr(Expression::Object(map)) => map.contains_key(key),
            _ => false,
        }
    }
    fn reference(self) -> Option<&'a Reference> {
        match self {
            Node::Expr(Expression::Ref(r)) => Some(r),
            _ => None,
        }
    }
}

/// Which top-level keys a body may carry beyond its schema.
#[derive(Clone, Copy, PartialEq)]
enum Top {
    Block,
    Provider,
    Nested,
}

/// Whether a resource or data source `TYPE.NAME` is in the document.
type Contains<'d> = dyn Fn(Kind, &str, &str) -> bool + 'd;

struct Validator<'a> {
    schemas: &'a Schemas,
    contains: &'a Contains<'a>,
    findings: Vec<Finding>,
    /// Blocks not validated, by provider without a schema.
    unchecked: BTreeMap<String, usize>,
    /// The last type found: blocks come sorted by type, so most lookups
    /// are of the type before.
    last_found: Option<(Kind, String, &'a BlockSchema)>,
}

impl<'a> Validator<'a> {
    fn new(schemas: &'a Schemas, contains: &'a Contains<'a>) -> Self {
        Validator {
            schemas,
            contains,
            findings: Vec::new(),
            unchecked: BTreeMap::new(),
            last_found: None,
        }
    }

    /// [`Schemas::lookup`], remembering the last type found.
    fn lookup(&mut self, kind: Kind, type_name: &str) -> Lookup<'a> {
        if let Some((k, name, schema)) = &self.last_found {
            if *k == kind && name == type_name {
                return Lookup::Found(schema);
            }
        }
        let found = self.schemas.lookup(kind, type_name);
        if let Lookup::Found(schema) = found {
            self.last_found = Some((kind, type_name.to_owned(), schema));
        }
        found
    }

    fn report(self) -> Report {
        let mut findings = self.findings;
        findings.sort();
        findings.dedup();
        let warnings = self
            .unchecked
            .into_iter()
            .map(|(provider, n)| {
                format!(
                    "no schema for provider {provider}: {n} block{} not validated",
                    if n == 1 { "" } else { "s" }
                )
            })
            .collect();
        Report { findings, warnings }
    }

    fn finding(&mut self, address: &str, path: &str, message: &str) {
        self.findings.push(Finding {
            address: address.to_owned(),
            path: path.to_owned(),
            message: message.to_owned(),
        });
    }

    fn provider<'t, T: Tree<'t>>(&mut self, name: &str, address: &str, config: T) {
        match self.schemas.provider_config(name) {
            Lookup::Found(schema) => {
                let mut path = String::new();
                self.body(address, config, schema, &mut path, Top::Provider);
            }
            Lookup::NoProvider(p) => {
                *self.unchecked.entry(p).or_default() += 1;
            }
            Lookup::Broken(e) => self.finding(address, "", &format!("broken schema: {e}")),
            Lookup::BuiltIn | Lookup::UnknownType => {}
        }
    }

    fn block<'t, T: Tree<'t>>(
        &mut self,
        kind: Kind,
        type_name: &str,
        address: &str,
        bodies: impl IntoIterator<Item = T>,
    ) {
        match self.lookup(kind, type_name) {
            Lookup::Found(schema) => {
                let mut path = String::with_capacity(64);
                for b in bodies {
                    self.body(address, b, schema, &mut path, Top::Block);
                }
            }
            Lookup::UnknownType => {
                let what = match kind {
                    Kind::Resource => "resource type",
                    Kind::Data => "data source type",
                };
                let provider = super::provider_of(type_name);
                let names = self.schemas.type_names(kind, provider);
                let hint = closest(type_name, names);
                self.finding(
                    address,
                    "",
                    &format!(
                        "unknown {what} {type_name} in the {provider} provider's schema{hint}"
                    ),
                );
            }
            Lookup::NoProvider(p) => *self.unchecked.entry(p).or_default() += 1,
            Lookup::Broken(e) => self.finding(address, "", &format!("broken schema: {e}")),
            Lookup::BuiltIn => {}
        }
    }

    fn body<'t, T: Tree<'t>>(
        &mut self,
        address: &str,
        value: T,
        schema: &BlockSchema,
        path: &mut String,
        top: Top,
    ) {
        if !matches!(value.shape(), Shape::Object) {
            let got = describe(value);
            self.finding(address, path, &format!("expected a block, got {got}"));
            return;
        }
        // Blocks that dynamic blocks add are not counted here: how many
        // there will be is known only to Terraform.
        let has_dynamic = value.has_field("dynamic");
        value.each_field(&mut |key, v| {
            if key == "//" {
                return;
            }
            if key == "dynamic" {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                self.dynamics(address, v, schema, path);
                path.truncate(len);
                return;
            }
            if top == Top::Block && META.contains(&key) {
                return;
            }
            if top == Top::Provider && (key == "alias" || key == "version") {
                return;
            }
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            if let Some(attr) = schema.attributes.get(key) {
                if attr.is_computed_only() {
                    self.finding(address, path, "computed by the provider; it cannot be set");
                } else if attr.required && matches!(v.shape(), Shape::Null) {
                    self.finding(address, path, "required, but null");
                } else {
                    self.value(address, v, &attr.value_type(), path);
                }
            } else if let Some(nested) = schema.block_types.get(key) {
                let counted = !(has_dynamic && dynamic_of(value, key));
                self.nested(address, v, nested, path, counted);
            } else {
                let hint = suggestion(key, schema);
                self.finding(address, path, &format!("unknown attribute or block{hint}"));
            }
            path.truncate(len);
        });
        for (name, attr) in &schema.attributes {
            if attr.required && !value.has_field(name) {
                let at = join(path, name);
                self.finding(address, &at, "required attribute is missing");
            }
        }
        for (name, nested) in &schema.block_types {
            if nested.min_items > 0
                && !value.has_field(name)
                && !(has_dynamic && dynamic_of(value, name))
            {
                let at = join(path, name);
                let n = nested.min_items;
                self.finding(
                    address,
                    &at,
                    &format!("required block is missing (at least {n})"),
                );
            }
        }
    }

    fn nested<'t, T: Tree<'t>>(
        &mut self,
        address: &str,
        v: T,
        nested: &super::NestedBlock,
        path: &mut String,
        counted: bool,
    ) {
        let shape = v.shape();
        if !matches!(shape, Shape::Object | Shape::List(_)) {
            let got = describe(v);
            let hint = if matches!(&shape, Shape::Str(s) if s.contains("${")) {
                " (a block cannot come from an expression; use a dynamic block)"
            } else {
                ""
            };
            self.finding(address, path, &format!("expected a block, got {got}{hint}"));
            return;
        }
        // Each block is checked as it is met (findings are sorted at the
        // end), with no list of them built first: bodies are checked by the
        // thousand.
        let len = path.len();
        let mut n: u64 = 0;
        let block = &nested.block;
        match (nested.nesting_mode, &shape) {
            (NestingMode::Map, Shape::Object) => {
                v.each_field(&mut |label, b| {
                    path.push('[');
                    write_json_string(path, label);
                    path.push(']');
                    self.body(address, b, block, path, Top::Nested);
                    path.truncate(len);
                    n += 1;
                });
            }
            (NestingMode::Single | NestingMode::Group, Shape::List(items)) if *items <= 1 => {
                v.each_item(&mut |b| {
                    self.body(address, b, block, path, Top::Nested);
                    n += 1;
                });
            }
            (NestingMode::Single | NestingMode::Group, _) => {
                self.body(address, v, block, path, Top::Nested);
                n = 1;
            }
            (_, Shape::List(_)) => {
                v.each_item(&mut |b| {
                    let _ = write_index(path, n);
                    self.body(address, b, block, path, Top::Nested);
                    path.truncate(len);
                    n += 1;
                });
            }
            (_, _) => {
                let _ = write_index(path, 0);
                self.body(address, v, block, path, Top::Nested);
                path.truncate(len);
                n = 1;
            }
        }
        if !counted {
            return;
        }
        if nested.max_items > 0 && n > nested.max_items {
            let max = nested.max_items;
            self.finding(
                address,
                path,
                &format!("at most {max} block{} allowed, got {n}", plural(max)),
            );
        }
        if n < nested.min_items {
            let min = nested.min_items;
            self.finding(
                address,
                path,
                &format!("at least {min} block{} required, got {n}", plural(min)),
            );
        }
    }

    /// Checks a body's `dynamic` blocks (`path` ends at `dynamic`): each
    /// generates blocks of a type of `schema`, and its content is checked
    /// as a body of that type.
    fn dynamics<'t, T: Tree<'t>>(
        &mut self,
        address: &str,
        v: T,
        schema: &BlockSchema,
        path: &mut String,
    ) {
        if !matches!(v.shape(), Shape::Object) {
            let got = describe(v);
            let message = format!("expected dynamic blocks by block type, got {got}");
            self.finding(address, path, &message);
            return;
        }
        v.each_field(&mut |block_type, list| {
            let len = path.len();
            path.push('.');
            path.push_str(block_type);
            match schema.block_types.get(block_type) {
                None => {
                    let hint = suggestion(block_type, schema);
                    self.finding(address, path, &format!("unknown block type{hint}"));
                }
                Some(nested) => match list.shape() {
                    Shape::List(_) => {
                        let mut i = 0;
                        list.each_item(&mut |d| {
                            let _ = write_index(path, i);
                            self.dynamic(address, d, &nested.block, path);
                            path.truncate(len + 1 + block_type.len());
                            i += 1;
                        });
                    }
                    _ => self.dynamic(address, list, &nested.block, path),
                },
            }
            path.truncate(len);
        });
    }

    /// Checks one dynamic block: `for_each` and `content` are required,
    /// and `content` is a body of the block type's schema, `block`.
    fn dynamic<'t, T: Tree<'t>>(
        &mut self,
        address: &str,
        d: T,
        block: &BlockSchema,
        path: &mut String,
    ) {
        if !matches!(d.shape(), Shape::Object) {
            let got = describe(d);
            self.finding(
                address,
                path,
                &format!("expected a dynamic block, got {got}"),
            );
            return;
        }
        let len = path.len();
        d.each_field(&mut |key, v| {
            path.push('.');
            path.push_str(key);
            match key {
                "for_each" | "iterator" | "labels" => {}
                "content" => self.body(address, v, block, path, Top::Nested),
                _ => self.finding(
                    address,
                    path,
                    "unknown argument of a dynamic block (for_each, iterator, labels, content)",
                ),
            }
            path.truncate(len);
        });
        for required in ["for_each", "content"] {
            if !d.has_field(required) {
                let at = join(path, required);
                self.finding(address, &at, "required in a dynamic block, but missing");
            }
        }
    }

    /// Checks a value against a type, following Terraform's conversions.
    fn value<'t, T: Tree<'t>>(&mut self, address: &str, v: T, ty: &Type, path: &mut String) {
        if let Some(r) = v.reference() {
            // What the text `${...}` it is written as would give, below.
            if let Some(r) = AttrRef::of_reference(r) {
                self.reference(address, path, r, Some(ty));
            }
            return;
        }
        let shape = v.shape();
        if let Shape::Str(s) = &shape {
            match template_kind(s) {
                TemplateKind::Literal => {}
                TemplateKind::Reference(r) => {
                    if let Some(r) = AttrRef::of_text(&r) {
                        self.reference(address, path, r, Some(ty));
                    }
                    return;
                }
                TemplateKind::Template(refs) => {
                    for r in refs.iter().filter_map(AttrRef::of_text) {
                        self.reference(address, path, r, None);
                    }
                    // A template with interpolations can still hold only a
                    // single expression; its type is unknown in general.
                    return;
                }
            }
        }
        let len = path.len();
        match (ty, &shape) {
            (_, Shape::Null) | (Type::Dynamic, _) => {}
            (
                Type::String,
                Shape::Str(_) | Shape::Literal(_) | Shape::Number(_) | Shape::Bool(_),
            ) => {}
            (Type::Number, Shape::Number(_)) => {}
            (Type::Number, Shape::Str(s) | Shape::Literal(s))
                if s.trim().parse::<f64>().is_ok() => {}
            (Type::Bool, Shape::Bool(_)) => {}
            (Type::Bool, Shape::Str(s) | Shape::Literal(s)) if s == "true" || s == "false" => {}
            (Type::List(t) | Type::Set(t), Shape::List(_)) => {
                let mut i = 0;
                v.each_item(&mut |item| {
                    let _ = write_index(path, i as u64);
                    self.value(address, item, t, path);
                    path.truncate(len);
                    i += 1;
                });
            }
            (Type::Tuple(ts), Shape::List(n)) => {
                if ts.len() != *n {
                    let message = format!("expected a tuple of {}, got {n} items", ts.len());
                    self.finding(address, path, &message);
                    return;
                }
                let mut i = 0;
                v.each_item(&mut |item| {
                    let _ = write_index(path, i as u64);
                    self.value(address, item, &ts[i], path);
                    path.truncate(len);
                    i += 1;
                });
            }
            (Type::Map(t), Shape::Object) => {
                v.each_field(&mut |k, item| {
                    path.push('[');
                    write_json_string(path, k);
                    path.push(']');
                    self.value(address, item, t, path);
                    path.truncate(len);
                });
            }
            (Type::Object(fields), Shape::Object) => {
                v.each_field(&mut |k, item| {
                    path.push('.');
                    path.push_str(k);
                    match fields.get(k) {
                        Some(t) => self.value(address, item, t, path),
                        None => self.finding(address, path, "unknown attribute of the object"),
                    }
                    path.truncate(len);
                });
            }
            _ => {
                let message = format!("expected {ty}, got {}", describe(v));
                self.finding(address, path, &message);
            }
        }
    }

    /// Checks a reference `TYPE.NAME.ATTR...` to a block in the document:
    /// the attribute must exist, and when the whole value is the reference,
    /// its type must fit `expected`.
    fn reference(&mut self, address: &str, path: &str, r: AttrRef<'_>, expected: Option<&Type>) {
        let AttrRef {
            kind,
            type_name,
            name,
            attr,
            plain,
            shown,
        } = r;
        if !(self.contains)(kind, type_name, name) {
            return;
        }
        let Lookup::Found(schema) = self.schemas.lookup(kind, type_name) else {
            return;
        };
        if let Some(a) = schema.attributes.get(attr) {
            if let (Some(expected), true) = (expected, plain) {
                let got = a.value_type();
                if !compatible(&got, expected) {
                    let message = format!("expected {expected}, got {got} from {shown}");
                    self.finding(address, path, &message);
                }
            }
        } else if !schema.block_types.contains_key(attr) && attr != "id" {
            let message = format!("{shown}: {type_name} has no attribute {attr}");
            self.finding(address, path, &message);
        }
    }
}

/// Whether the body `value` has dynamic blocks of `block_type`.
fn dynamic_of<'t, T: Tree<'t>>(value: T, block_type: &str) -> bool {
    let mut found = false;
    value.each_field(&mut |key, v| {
        if key == "dynamic" {
            found |= v.has_field(block_type);
        }
    });
    found
}

/// Roots a reference can start from that are not resource types.
const NOT_RESOURCE_ROOTS: [&str; 8] = [
    "var",
    "local",
    "module",
    "each",
    "count",
    "path",
    "terraform",
    "self",
];

/// A reference to an attribute of a resource or data source: what
/// validation checks of a reference.
struct AttrRef<'s> {
    kind: Kind,
    type_name: &'s str,
    name: &'s str,
    attr: &'s str,
    /// Nothing follows the attribute: the value is the attribute's own.
    plain: bool,
    shown: Shown<'s>,
}

/// How a reference is written, for messages; a structured one is written
/// only then.
enum Shown<'s> {
    Text(&'s str),
    Ref(&'s Reference),
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shown::Text(text) => f.write_str(text),
            Shown::Ref(r) => r.fmt(f),
        }
    }
}

impl<'s> AttrRef<'s> {
    /// From a reference found in a template's text.
    fn of_text(r: &Traversal<'s>) -> Option<Self> {
        let (kind, type_name, name, attr) = match r.parts.as_slice() {
            ["data", t, n, a, ..] => (Kind::Data, *t, *n, *a),
            ["data", ..] => return None,
            [root, ..] if NOT_RESOURCE_ROOTS.contains(root) => return None,
            [t, n, a, ..] => (Kind::Resource, *t, *n, *a),
            [_, _] | [_] | [] => return None,
        };
        // type.name.attr, or data.type.name.attr: nothing after the attribute.
        let to_attr = match kind {
            Kind::Resource => 3,
            Kind::Data => 4,
        };
        Some(AttrRef {
            kind,
            type_name,
            name,
            attr,
            plain: !r.indexed && r.parts.len() == to_attr,
            shown: Shown::Text(r.text),
        })
    }

    /// From a structured reference: what [`AttrRef::of_text`] gives for
    /// the text it is written as.
    fn of_reference(r: &'s Reference) -> Option<Self> {
        let (kind, type_name, name) = match &r.root {
            Root::Resource { kind, name } => (Kind::Resource, kind.as_str(), name.as_str()),
            Root::Data { kind, name } => (Kind::Data, kind.as_str(), name.as_str()),
            _ => return None,
        };
        if kind == Kind::Resource
            && (type_name == "data" || NOT_RESOURCE_ROOTS.contains(&type_name))
        {
            return None;
        }
        // The text is read as dotted names up to the first index step, and
        // only when each of them is a plain identifier.
        let dotted = r.steps.iter().map_while(|s| match s {
            Step::Attr(a) => Some(a.as_str()),
            _ => None,
        });
        if !is_traversal_name(type_name)
            || !is_traversal_name(name)
            || !dotted.clone().all(is_traversal_name)
        {
            return None;
        }
        let attr = dotted.clone().next()?;
        Some(AttrRef {
            kind,
            type_name,
            name,
            attr,
            plain: r.steps.len() == 1,
            shown: Shown::Ref(r),
        })
    }
}

/// Whether a value of type `got` can be assigned where `want` is expected.
/// Primitives convert into each other (Terraform may still fail at apply
/// time on the value); collections must be collections of a like kind.
fn compatible(got: &Type, want: &Type) -> bool {
    use Type as T;
    match (got, want) {
        (T::Dynamic, _) | (_, T::Dynamic) => true,
        (T::String | T::Number | T::Bool, T::String | T::Number | T::Bool) => true,
        (T::List(a) | T::Set(a), T::List(b) | T::Set(b)) => compatible(a, b),
        (T::Tuple(_), T::List(_) | T::Set(_) | T::Tuple(_)) => true,
        (T::List(_) | T::Set(_), T::Tuple(_)) => true,
        (T::Map(_) | T::Object(_), T::Map(_) | T::Object(_)) => true,
        _ => false,
    }
}

/// A reference found in a template, as dotted parts.
struct Traversal<'s> {
    text: &'s str,
    parts: Vec<&'s str>,
    /// Whether index steps follow the dotted parts.
    indexed: bool,
}

enum TemplateKind<'s> {
    /// No interpolation or directive: a plain string.
    Literal,
    /// Exactly `${reference}`: the value is the reference.
    Reference(Traversal<'s>),
    /// Anything else with `${` or `%{`; the simple references inside.
    Template(Vec<Traversal<'s>>),
}

/// Classifies a JSON string in an expression position.
fn template_kind(s: &str) -> TemplateKind<'_> {
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut interps: Vec<(usize, usize)> = Vec::new();
    let mut directive = false;
    while i + 1 < bytes.len() {
        if (bytes[i] == b'$' || bytes[i] == b'%')
            && bytes.get(i + 1) == Some(&bytes[i])
            && bytes.get(i + 2) == Some(&b'{')
        {
            i += 3;
            continue;
        }
        if bytes[i] == b'%' && bytes[i + 1] == b'{' {
            directive = true;
            i += 2;
            continue;
        }
        if bytes[i] == b'$' && bytes[i + 1] == b'{' {
            let start = i + 2;
            match s[start..].find('}') {
                Some(end) => {
                    interps.push((start, start + end));
                    i = start + end + 1;
                }
                None => return TemplateKind::Template(Vec::new()),
            }
            continue;
        }
        i += 1;
    }
    if interps.is_empty() && !directive {
        return TemplateKind::Literal;
    }
    let mut refs: Vec<Traversal<'_>> = interps
        .iter()
        .filter_map(|&(a, b)| simple_traversal(s[a..b].trim()))
        .collect();
    let whole = interps.len() == 1 && interps[0] == (2, s.len() - 1);
    if !directive && whole && refs.len() == 1 {
        return TemplateKind::Reference(refs.pop().expect("one reference"));
    }
    TemplateKind::Template(refs)
}

/// `a.b.c`, optionally followed by index steps, or `None` for anything
/// more complex (calls, operators, nested templates).
fn simple_traversal(text: &str) -> Option<Traversal<'_>> {
    let dotted = text.split('[').next()?;
    let parts: Vec<&str> = dotted.split('.').collect();
    if parts.len() < 2 || !parts.iter().all(|p| is_traversal_name(p)) {
        return None;
    }
    Some(Traversal {
        text,
        parts,
        indexed: dotted.len() < text.len(),
    })
}

/// Whether one dotted part of a reference is a plain name.
fn is_traversal_name(p: &str) -> bool {
    let mut c = p.chars();
    matches!(c.next(), Some(x) if x.is_ascii_alphabetic() || x == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_' || x == '-')
}

fn describe<'t>(v: impl Tree<'t>) -> String {
    match v.shape() {
        Shape::Null => "null".to_owned(),
        Shape::Bool(b) => format!("bool {b}"),
        Shape::Number(n) => format!("number {n}"),
        Shape::Str(s) | Shape::Literal(s) => {
            let shown: String = s.chars().take(40).collect();
            let more = if s.chars().count() > 40 { "…" } else { "" };
            format!("string {:?}{more}", shown)
        }
        Shape::List(n) => format!("a list of {n} item{}", plural(n as u64)),
        Shape::Object => "an object".to_owned(),
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// ` (did you mean x?)` when an attribute or block name is close to `key`.
fn suggestion(key: &str, schema: &BlockSchema) -> String {
    let names: BTreeSet<&str> = schema
        .attributes
        .keys()
        .chain(schema.block_types.keys())
        .collect();
    closest(key, names)
}

/// ` (did you mean x?)` for the name closest to `key`, if close enough.
fn closest<'n>(key: &str, names: impl IntoIterator<Item = &'n str>) -> String {
    let best = names
        .into_iter()
        .map(|n| (edit_distance(key, n), n))
        .filter(|(d, n)| *d <= 2.max(n.len() / 4))
        .min();
    match best {
        Some((_, n)) => format!(" (did you mean {n}?)"),
        None => String::new(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_told_from_literals_and_escapes() {
        assert!(matches!(template_kind("plain"), TemplateKind::Literal));
        assert!(matches!(
            template_kind("$${not} %%{this}"),
            TemplateKind::Literal
        ));
        assert!(matches!(
            template_kind("${a.b.c}"),
            TemplateKind::Reference(_)
        ));
        assert!(matches!(template_kind("x-${a.b.c}"), TemplateKind::Template(r) if r.len() == 1));
        assert!(
            matches!(template_kind("${upper(a.b.c)}"), TemplateKind::Template(r) if r.is_empty())
        );
        assert!(matches!(
            template_kind("%{ if true }x%{ endif }"),
            TemplateKind::Template(_)
        ));
    }

    #[test]
    fn close_names_are_suggested() {
        assert_eq!(edit_distance("secure_boot", "enable_secure_boot"), 7);
        assert_eq!(edit_distance("self_lnik", "self_link"), 2);
    }
}
