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
use std::sync::atomic::AtomicUsize;

use serde_json::Value;

use super::{BlockSchema, Kind, Lookup, NestingMode, Schemas, Type};
use crate::chunks::next_chunk;
use crate::emit::text::write_json_template;
use crate::emit::write_json_string;
use crate::tf::{
    Address, Block, Body, Condition, Document, Dynamic, Dynamics, Entry, Expression, IgnoreChanges,
    Reference, Root, Step, Timeouts, escape_template,
};
use crate::tf::{expression_references, template_references, write_index};

use crate::diagnostic::Diagnostic;

/// The outcome of validating one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Problems, sorted.
    pub findings: Vec<Diagnostic>,
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
/// JSON document (the parsed contents of a `.tf.json` file), read as
/// Terraform reads it: the root and each label level may be an object or
/// an array of objects. The file's shape (an unknown top-level block type,
/// a label level that is not an object), variables' and outputs'
/// arguments, and references are checked too.
pub fn validate_document(doc: &Value, schemas: &Schemas) -> Report {
    if is_read(doc) {
        return validate_read(doc, schemas, None);
    }
    let read = super::json::read(&super::json::Node::of_value(doc), None);
    let mut report = validate_read(&read.doc, schemas, None);
    report
        .findings
        .extend(read.findings.into_iter().map(|(_, finding)| finding));
    report.findings.sort();
    report.findings.dedup();
    report
}

/// Whether a document is already in the layout [`super::json::read`]
/// gives (as tfsynth writes documents), so validation can walk it as it
/// is.
fn is_read(doc: &Value) -> bool {
    let objects = |v: &Value| {
        v.is_object()
            || v.as_array()
                .is_some_and(|items| items.iter().all(Value::is_object))
    };
    let by_name = |v: &Value, each: &dyn Fn(&Value) -> bool| {
        v.as_object().is_some_and(|named| named.values().all(each))
    };
    let Some(root) = doc.as_object() else {
        return false;
    };
    root.iter().all(|(key, value)| match key.as_str() {
        "//" => true,
        "resource" | "data" | "ephemeral" => by_name(value, &|named| by_name(named, &objects)),
        "provider" => by_name(value, &objects),
        "variable" | "output" | "module" => by_name(value, &Value::is_object),
        "locals" => value.is_object(),
        "terraform" | "moved" | "import" | "removed" => objects(value),
        // A check's scoped data sources have label levels of their own.
        _ => false,
    })
}

/// What the files of one module declare: a reference from any of them to
/// anything else is Terraform's "Reference to undeclared ...".
#[derive(Debug, Clone, Default)]
pub(crate) struct Module {
    resources: BTreeSet<(Kind, String, String)>,
    variables: BTreeSet<String>,
    locals: BTreeSet<String>,
    modules: BTreeSet<String>,
}

impl Module {
    /// Adds what a document in the layout of [`super::json::read`]
    /// declares.
    pub(crate) fn add(&mut self, doc: &Value) {
        let named = |section: &str| {
            doc.get(section)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
        };
        for (section, kind) in [("resource", Kind::Resource), ("data", Kind::Data)] {
            for (type_name, blocks) in named(section) {
                for name in blocks.as_object().into_iter().flatten().map(|(n, _)| n) {
                    self.resources
                        .insert((kind, type_name.clone(), name.clone()));
                }
            }
        }
        self.variables
            .extend(named("variable").map(|(n, _)| n.clone()));
        self.locals.extend(named("locals").map(|(n, _)| n.clone()));
        self.modules.extend(named("module").map(|(n, _)| n.clone()));
    }

    fn declares(&self, kind: Kind, type_name: &str, name: &str) -> bool {
        self.resources
            .contains(&(kind, type_name.to_owned(), name.to_owned()))
    }
}

/// Validates a document in the layout of [`super::json::read`]; with the
/// `module` its file belongs to, references are checked against every file
/// of it, and a reference to what none declares is a finding.
pub(crate) fn validate_read(doc: &Value, schemas: &Schemas, module: Option<&Module>) -> Report {
    let contains = |kind: Kind, type_name: &str, name: &str| {
        if let Some(module) = module {
            return module.declares(kind, type_name, name);
        }
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
    v.module = module;
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
    declarations(&mut v, doc);
    json_references(&mut v, doc);
    v.report()
}

/// What a variable block takes (besides `//`).
const VARIABLE_ARGUMENTS: [&str; 7] = [
    "default",
    "description",
    "ephemeral",
    "nullable",
    "sensitive",
    "type",
    "validation",
];

/// What an output block takes (besides `//`).
const OUTPUT_ARGUMENTS: [&str; 6] = [
    "depends_on",
    "description",
    "ephemeral",
    "precondition",
    "sensitive",
    "value",
];

/// Checks the arguments of variables and outputs, as Terraform checks
/// them ("Extraneous JSON object property", "Missing required argument").
fn declarations(v: &mut Validator<'_>, doc: &Value) {
    for (section, prefix, what, known) in [
        ("variable", "var", "a variable", &VARIABLE_ARGUMENTS[..]),
        ("output", "output", "an output", &OUTPUT_ARGUMENTS[..]),
    ] {
        let named = doc.get(section).and_then(Value::as_object);
        for (name, body) in named.into_iter().flatten() {
            let address = format!("{prefix}.{name}");
            let Some(fields) = body.as_object() else {
                v.finding(
                    &address,
                    "",
                    &format!("expected a block, got {}", describe(body)),
                );
                continue;
            };
            for key in fields.keys() {
                if key == "//" || known.contains(&key.as_str()) {
                    continue;
                }
                let hint = closest(key, known.iter().copied());
                let message = format!(
                    "unknown argument of {what}{hint}; it takes {}",
                    known.join(", ")
                );
                v.finding(&address, key, &message);
            }
            if section == "output" && !fields.contains_key("value") {
                v.finding(&address, "value", "required attribute is missing");
            }
        }
    }
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
    findings: Vec<Diagnostic>,
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
        document_references(&mut v, self.doc);
        v.report()
    }
}

/// Terraform refuses an output whose value can be sensitive unless the
/// output is marked `sensitive` ("Output refers to sensitive values"):
/// an attribute the schema marks sensitive is reported where the output
/// reads it, as synth would otherwise write what `terraform plan` stops
/// at. Every form of reference counts: a structured one, one in a
/// template or raw expression, and one a local value the output reads
/// holds (followed through any chain of locals). `local` gives a local
/// value's expression by name.
fn sensitive_in_output<'t, T: Tree<'t>>(
    v: &mut Validator<'_>,
    at: &str,
    value: T,
    local: &dyn Fn(&str) -> Option<T>,
) {
    let mut found = BTreeSet::new();
    let mut seen_locals = BTreeSet::new();
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        // The value's references were checked on their own; here they
        // are only collected, so findings made on the way are dropped.
        let kept = v.findings.len();
        v.probe = Some(Vec::new());
        v.references_in(at, &mut "value".to_owned(), value);
        let probed = v.probe.take().unwrap_or_default();
        v.findings.truncate(kept);
        for r in probed {
            let Some(address) = r.root.address() else {
                continue;
            };
            if let Address::Local(name) = address {
                if seen_locals.insert(name.clone()) {
                    pending.extend(local(name));
                }
            } else if v.schemas.is_sensitive(address, &r.steps) {
                found.insert(r.to_string());
            }
        }
    }
    for reference in found {
        v.finding(
            at,
            "value",
            &format!(
                "{reference} is sensitive in its provider's schema; mark the output \
                 sensitive (Terraform refuses it: Output refers to sensitive values)"
            ),
        );
    }
}

/// Checks the references outside resource, data source and provider
/// bodies against the schemas: meta-arguments, conditions and
/// `ignore_changes` of every block; outputs, locals, module calls,
/// variable validations and check blocks (whose scoped data sources are
/// validated as data sources).
fn document_references(v: &mut Validator<'_>, doc: &Document) {
    let mut address = String::new();
    for (kind, section) in [(Kind::Resource, &doc.resources), (Kind::Data, &doc.data)] {
        for ((type_name, name), block) in section {
            address.clear();
            if kind == Kind::Data {
                address.push_str("data.");
            }
            address.push_str(type_name);
            address.push('.');
            address.push_str(name);
            let meta = &block.meta;
            for (what, e) in [("count", &meta.count), ("for_each", &meta.for_each)] {
                if let Some(e) = e {
                    v.references_in(&address, &mut what.to_owned(), Node::Expr(e));
                }
            }
            let l = &meta.lifecycle;
            conditions_in(v, &address, "lifecycle.precondition", &l.preconditions);
            conditions_in(v, &address, "lifecycle.postcondition", &l.postconditions);
            for (i, r) in l.replace_triggered_by.iter().enumerate() {
                let path = format!("lifecycle.replace_triggered_by[{i}]");
                v.reference(&address, &path, r, None);
            }
            if let IgnoreChanges::Attrs(attrs) = &l.ignore_changes {
                v.ignore_changes(kind, type_name, &address, attrs.iter().map(String::as_str));
            }
        }
    }
    for (name, o) in &doc.outputs {
        let at = format!("output.{name}");
        v.references_in(&at, &mut "value".to_owned(), Node::Expr(&o.value));
        conditions_in(v, &at, "precondition", &o.preconditions);
        if o.sensitive != Some(true) {
            let local = |name: &str| doc.locals.get(name).map(Node::Expr);
            sensitive_in_output(v, &at, Node::Expr(&o.value), &local);
        }
    }
    for (name, e) in &doc.locals {
        v.references_in(&format!("local.{name}"), &mut String::new(), Node::Expr(e));
    }
    for (name, m) in &doc.modules {
        let at = format!("module.{name}");
        for (input, e) in &m.inputs {
            v.references_in(&at, &mut input.clone(), Node::Expr(e));
        }
        for (what, e) in [("count", &m.count), ("for_each", &m.for_each)] {
            if let Some(e) = e {
                v.references_in(&at, &mut what.to_owned(), Node::Expr(e));
            }
        }
    }
    for (name, var) in &doc.variables {
        conditions_in(v, &format!("var.{name}"), "validation", &var.validations);
    }
    for (name, check) in &doc.checks {
        let at = format!("check.{name}");
        for b in &check.data {
            let address = format!("{at}.data.{}.{}", b.kind, b.name);
            v.block(Kind::Data, &b.kind, &address, [Node::Block(b)]);
        }
        conditions_in(v, &at, "assert", &check.assertions);
    }
    for i in &doc.imports {
        v.references_in("import", &mut "id".to_owned(), Node::Expr(&i.id));
    }
}

fn conditions_in(v: &mut Validator<'_>, address: &str, what: &str, list: &[Condition]) {
    for (i, c) in list.iter().enumerate() {
        for (field, e) in [
            ("condition", &c.condition),
            ("error_message", &c.error_message),
        ] {
            let mut path = format!("{what}[{i}].{field}");
            v.references_in(address, &mut path, Node::Expr(e));
        }
    }
}

/// The same checks as [`document_references`], on a Terraform JSON
/// document.
fn json_references(v: &mut Validator<'_>, doc: &Value) {
    let named = |section: &str| {
        doc.get(section)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
    };
    for (section, kind, prefix) in [
        ("resource", Kind::Resource, ""),
        ("data", Kind::Data, "data."),
    ] {
        for (type_name, blocks) in named(section) {
            for (name, body) in blocks.as_object().into_iter().flatten() {
                let address = format!("{prefix}{type_name}.{name}");
                let bodies = match body {
                    Value::Array(items) => items.iter().collect(),
                    one => vec![one],
                };
                for body in bodies {
                    for what in ["count", "for_each"] {
                        if let Some(e) = body.get(what) {
                            v.references_in(&address, &mut what.to_owned(), e);
                        }
                    }
                    depends_on(v, &address, body.get("depends_on"));
                    let Some(l) = body.get("lifecycle") else {
                        continue;
                    };
                    for what in ["precondition", "postcondition"] {
                        json_conditions(v, &address, &format!("lifecycle.{what}"), l.get(what));
                    }
                    if let Some(Value::Array(items)) = l.get("replace_triggered_by") {
                        for (i, item) in items.iter().enumerate() {
                            if let Some(text) = item.as_str() {
                                let path = format!("lifecycle.replace_triggered_by[{i}]");
                                let text = if text.contains("${") {
                                    text.to_owned()
                                } else {
                                    format!("${{{text}}}")
                                };
                                v.template_references(&address, &path, &text, None);
                            }
                        }
                    }
                    if let Some(Value::Array(items)) = l.get("ignore_changes") {
                        let entries = items.iter().filter_map(Value::as_str).map(|e| {
                            e.strip_prefix("${")
                                .and_then(|e| e.strip_suffix('}'))
                                .unwrap_or(e)
                        });
                        v.ignore_changes(kind, type_name, &address, entries);
                    }
                }
            }
        }
    }
    for (name, o) in named("output") {
        let at = format!("output.{name}");
        if let Some(value) = o.get("value") {
            v.references_in(&at, &mut "value".to_owned(), value);
        }
        depends_on(v, &at, o.get("depends_on"));
        json_conditions(v, &at, "precondition", o.get("precondition"));
        if let Some(value) = o
            .get("value")
            .filter(|_| o.get("sensitive") != Some(&Value::Bool(true)))
        {
            let local = |name: &str| doc.get("locals").and_then(|l| l.get(name));
            sensitive_in_output(v, &at, value, &local);
        }
    }
    for (name, e) in named("locals") {
        v.references_in(&format!("local.{name}"), &mut String::new(), e);
    }
    for (name, m) in named("module") {
        let at = format!("module.{name}");
        for (key, e) in m.as_object().into_iter().flatten() {
            if !matches!(
                key.as_str(),
                "source" | "version" | "providers" | "depends_on" | "//"
            ) {
                v.references_in(&at, &mut key.clone(), e);
            }
        }
    }
    for (name, var) in named("variable") {
        json_conditions(
            v,
            &format!("var.{name}"),
            "validation",
            var.get("validation"),
        );
    }
    for (name, check) in named("check") {
        let at = format!("check.{name}");
        for (type_name, blocks) in check
            .get("data")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for (data_name, body) in blocks.as_object().into_iter().flatten() {
                let address = format!("{at}.data.{type_name}.{data_name}");
                v.block(Kind::Data, type_name, &address, [body]);
            }
        }
        json_conditions(v, &at, "assert", check.get("assert"));
    }
    let imports = match doc.get("import") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    for i in imports {
        if let Some(id) = i.get("id") {
            v.references_in("import", &mut "id".to_owned(), id);
        }
    }
}

/// The addresses of a `depends_on`, each an object of the module
/// (`google_compute_network.vpc`, as written or as `${...}`), when the
/// module is known: an address has no steps to check, only whether it is
/// declared (and parsing each costs a tenth of validating a large root).
fn depends_on(v: &mut Validator<'_>, address: &str, list: Option<&Value>) {
    let (Some(_), Some(Value::Array(items))) = (v.module, list) else {
        return;
    };
    for (i, item) in items.iter().enumerate() {
        if let Some(text) = item.as_str() {
            let path = format!("depends_on[{i}]");
            let text = if text.contains("${") {
                text.to_owned()
            } else {
                format!("${{{text}}}")
            };
            v.template_references(address, &path, &text, None);
        }
    }
}

/// Condition blocks in JSON: one object or an array of them.
fn json_conditions(v: &mut Validator<'_>, address: &str, what: &str, blocks: Option<&Value>) {
    let list = match blocks {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    for (i, c) in list.into_iter().enumerate() {
        for field in ["condition", "error_message"] {
            if let Some(e) = c.get(field) {
                let mut path = format!("{what}[{i}].{field}");
                v.references_in(address, &mut path, e);
            }
        }
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
    /// The template, call or raw expression this value is, when it is
    /// one of a resolved document: its references are checked from the
    /// structure, not from text written and parsed back.
    fn expression(self) -> Option<&'a Expression> {
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
    fn expression(self) -> Option<&'a Expression> {
        match self {
            Node::Expr(
                e @ (Expression::Template(_) | Expression::Call(_) | Expression::Raw(_)),
            ) => Some(e),
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
    /// What the files of the module declare, when they are validated
    /// together: a reference to anything else is a finding.
    module: Option<&'a Module>,
    /// The iterators of the dynamic blocks being checked, which name no
    /// resource.
    bound: Vec<String>,
    findings: Vec<Diagnostic>,
    /// Blocks not validated, by provider without a schema.
    unchecked: BTreeMap<String, usize>,
    /// The last type found: blocks come sorted by type, so most lookups
    /// are of the type before.
    last_found: Option<(Kind, String, &'a BlockSchema)>,
    /// While set, every reference checked is also collected here.
    probe: Option<Vec<Reference>>,
}

impl<'a> Validator<'a> {
    fn new(schemas: &'a Schemas, contains: &'a Contains<'a>) -> Self {
        Validator {
            schemas,
            contains,
            module: None,
            bound: Vec::new(),
            findings: Vec::new(),
            unchecked: BTreeMap::new(),
            probe: None,
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
        self.findings
            .push(Diagnostic::at_address(address, message).with_key(path));
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
            Lookup::NoProvider(p) => {
                *self.unchecked.entry(p).or_default() += 1;
                self.references_in_bodies(address, bodies);
            }
            Lookup::Broken(e) => self.finding(address, "", &format!("broken schema: {e}")),
            Lookup::BuiltIn => self.references_in_bodies(address, bodies),
        }
    }

    /// The references in the bodies of a block whose type has no schema
    /// (a built-in such as `terraform_data`, or a provider without one):
    /// what they name must still exist.
    fn references_in_bodies<'t, T: Tree<'t>>(
        &mut self,
        address: &str,
        bodies: impl IntoIterator<Item = T>,
    ) {
        let mut path = String::new();
        for b in bodies {
            b.each_field(&mut |key, v| {
                if key == "//" || key == "depends_on" || key == "lifecycle" {
                    return;
                }
                path.clear();
                path.push_str(key);
                self.references_in(address, &mut path, v);
            });
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
                None => match schema.attributes.get(block_type).map(|a| a.value_type()) {
                    // An attribute that is a list or set of objects may be
                    // written as blocks, dynamic ones included ("attributes
                    // as blocks", as older providers' schemas have them).
                    Some(t)
                        if matches!(t.as_ref(), Type::List(e) | Type::Set(e) if matches!(**e, Type::Object(_))) => {}
                    Some(_) => self.finding(
                        address,
                        path,
                        &format!("{block_type} is an argument, not a block type: set it with {block_type} = ..."),
                    ),
                    None => {
                        let hint = suggestion(block_type, schema);
                        self.finding(address, path, &format!("unknown block type{hint}"));
                    }
                },
                Some(nested) => match list.shape() {
                    Shape::List(_) => {
                        let mut i = 0;
                        list.each_item(&mut |d| {
                            let _ = write_index(path, i);
                            self.dynamic(address, d, block_type, &nested.block, path);
                            path.truncate(len + 1 + block_type.len());
                            i += 1;
                        });
                    }
                    _ => self.dynamic(address, list, block_type, &nested.block, path),
                },
            }
            path.truncate(len);
        });
    }

    /// Checks one dynamic block: `for_each` and `content` are required,
    /// and `content` is a body of the block type's schema, `block`, in
    /// which the iterator (`iterator`, else the block type) is bound.
    fn dynamic<'t, T: Tree<'t>>(
        &mut self,
        address: &str,
        d: T,
        block_type: &str,
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
        let mut iterator = block_type.to_owned();
        d.each_field(&mut |key, v| {
            if let ("iterator", Shape::Str(name) | Shape::Literal(name)) = (key, v.shape()) {
                iterator = name.into_owned();
            }
        });
        self.bound.push(iterator);
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
        self.bound.pop();
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
            self.reference(address, path, r, Some(ty));
            return;
        }
        if let Some(e) = v.expression() {
            self.expression_references(address, path, e, Some(ty));
            return;
        }
        let shape = v.shape();
        if let Shape::Str(s) = &shape {
            if let Some(whole) = template_kind(s) {
                // Exactly `${reference}` has the reference's type; any
                // other template's type is unknown in general.
                self.template_references(address, path, s, whole.then_some(ty));
                return;
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

    /// Checks every reference in a template, call or raw expression of a
    /// resolved document, as [`Validator::template_references`] checks
    /// the text it is written as, without writing and parsing it: the
    /// structured references as they are, raw expressions parsed.
    fn expression_references(
        &mut self,
        address: &str,
        path: &str,
        e: &Expression,
        expected: Option<&Type>,
    ) {
        // `"${reference}"` is the one template whose type is known.
        if let Expression::Template(parts) = e {
            if let [crate::tf::Part::Interp(Expression::Ref(r))] = parts.as_slice() {
                self.reference(address, path, r, expected);
                return;
            }
        }
        e.visit_references(&mut |r| {
            self.reference(address, path, r, None);
        });
        let mut raws = Vec::new();
        e.raws(&mut raws);
        let mut parsed = Vec::new();
        for raw in raws {
            expression_references(raw, &mut parsed);
        }
        // A raw expression that is one reference, alone or as a template's
        // only part (so no structured reference beside it), reads as
        // `${reference}`: its type is known.
        let raw_whole = match e {
            Expression::Raw(text) => is_traversal(text),
            Expression::Template(parts) => {
                matches!(parts.as_slice(), [crate::tf::Part::Interp(Expression::Raw(text))] if is_traversal(text))
            }
            _ => false,
        };
        let expected = expected.filter(|_| raw_whole && parsed.len() == 1);
        for r in &parsed {
            self.reference(address, path, r, expected);
        }
    }

    /// Checks every reference in the template `text` (a string as
    /// Terraform JSON holds it); `expected` is the type the whole value
    /// must have, when the template is exactly one reference.
    fn template_references(
        &mut self,
        address: &str,
        path: &str,
        text: &str,
        expected: Option<&Type>,
    ) {
        let mut found = Vec::new();
        let whole = template_references(text, &mut found);
        let expected = expected.filter(|_| whole);
        for r in &found {
            self.reference(address, path, r, expected);
        }
    }

    /// Checks a reference: in a module's files, that what it names is
    /// declared; for a resource or data source, its steps and type
    /// ([`Validator::attr_reference`]).
    fn reference(&mut self, address: &str, path: &str, r: &Reference, expected: Option<&Type>) {
        if let Some(probe) = &mut self.probe {
            probe.push(r.clone());
        }
        if let Some(message) = self.undeclared(r) {
            self.finding(address, path, &message);
            return;
        }
        if let Some(r) = AttrRef::of_reference(r) {
            self.attr_reference(address, path, r, expected);
        }
    }

    /// Terraform's "Reference to undeclared ...", when the validator knows
    /// the module and `r` names a resource, data source, variable, local
    /// value or module call it does not declare. A dynamic block's
    /// iterator is not a resource, nor are Terraform's own names.
    fn undeclared(&self, r: &Reference) -> Option<String> {
        let module = self.module?;
        let Root::Object(object) = &r.root else {
            return None;
        };
        let (declared, what, shown) = match object {
            Address::Resource { kind, name } => {
                if kind == "data"
                    || NOT_RESOURCE_ROOTS.contains(&kind.as_str())
                    || self.bound.iter().any(|b| b == kind)
                {
                    return None;
                }
                let declared = module.declares(Kind::Resource, kind, name);
                (declared, "resource", format!("{kind}.{name}"))
            }
            Address::Data { kind, name } => {
                let declared = module.declares(Kind::Data, kind, name);
                (declared, "data source", format!("data.{kind}.{name}"))
            }
            Address::Variable(name) => (
                module.variables.contains(name),
                "variable",
                format!("var.{name}"),
            ),
            Address::Local(name) => (
                module.locals.contains(name),
                "local value",
                format!("local.{name}"),
            ),
            Address::Module(name) => (
                module.modules.contains(name),
                "module call",
                format!("module.{name}"),
            ),
            _ => return None,
        };
        (!declared).then(|| {
            format!("reference to undeclared {what} {shown}: no file of this module declares it")
        })
    }

    /// Checks a reference `TYPE.NAME.STEPS...` to a block in the document:
    /// every step must exist in the type's schema (attributes, nested
    /// blocks, object attributes, elements), and when the whole value is
    /// the reference, its type must fit `expected`.
    fn attr_reference(
        &mut self,
        address: &str,
        path: &str,
        r: AttrRef<'_>,
        expected: Option<&Type>,
    ) {
        let AttrRef {
            kind,
            type_name,
            name,
            shown,
        } = r;
        if !(self.contains)(kind, type_name, name) {
            return;
        }
        let Lookup::Found(schema) = self.schemas.lookup(kind, type_name) else {
            return;
        };
        match follow(schema, &shown.steps) {
            Ok(Some(got)) => {
                if let Some(expected) = expected {
                    if !compatible(&got, expected) {
                        let message = format!("expected {expected}, got {got} from {shown}");
                        self.finding(address, path, &message);
                    }
                }
            }
            Ok(None) => {}
            Err(StepError { at, message }) => {
                let message = format!("{shown}: {type_name}{at} {message}");
                self.finding(address, path, &message);
            }
        }
    }

    /// Checks the references in an expression that no schema types: an
    /// output, a local, a module input, a condition, a meta-argument.
    fn references_in<'t, T: Tree<'t>>(&mut self, address: &str, path: &mut String, v: T) {
        if let Some(r) = v.reference() {
            self.reference(address, path, r, None);
            return;
        }
        if let Some(e) = v.expression() {
            self.expression_references(address, path, e, None);
            return;
        }
        let len = path.len();
        match v.shape() {
            Shape::Str(s) if template_kind(&s).is_some() => {
                self.template_references(address, path, &s, None);
            }
            Shape::List(_) => {
                let mut i = 0;
                v.each_item(&mut |item| {
                    let _ = write_index(path, i);
                    self.references_in(address, path, item);
                    path.truncate(len);
                    i += 1;
                });
            }
            Shape::Object => {
                v.each_field(&mut |k, item| {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                    self.references_in(address, path, item);
                    path.truncate(len);
                });
            }
            _ => {}
        }
    }

    /// Checks the entries of a resource's `lifecycle.ignore_changes`:
    /// attribute paths of the resource itself (`labels`,
    /// `spec[0].replicas`), each step in its schema.
    fn ignore_changes<'e>(
        &mut self,
        kind: Kind,
        type_name: &str,
        address: &str,
        entries: impl IntoIterator<Item = &'e str>,
    ) {
        let Lookup::Found(schema) = self.schemas.lookup(kind, type_name) else {
            return;
        };
        for (i, entry) in entries.into_iter().enumerate() {
            let path = format!("lifecycle.ignore_changes[{i}]");
            let Some(steps) = attribute_path(entry) else {
                self.finding(
                    address,
                    &path,
                    &format!("{entry:?} is not an attribute path"),
                );
                continue;
            };
            if let Err(StepError { at, message }) = follow(schema, &steps) {
                let message = format!("{entry}: {type_name}{at} {message}");
                self.finding(address, &path, &message);
            }
        }
    }
}

/// What is wrong with a step of a reference, and the steps before it.
struct StepError {
    /// The steps that exist, written out: `.settings[0]`, or empty.
    at: String,
    /// `has no attribute charzet (did you mean charset?)`.
    message: String,
}

/// Where a reference stands while its steps are followed.
enum At<'s> {
    /// A block (the resource itself, or one nested block).
    Block(&'s BlockSchema),
    /// All the blocks of one nested block type.
    Blocks(&'s super::NestedBlock),
    /// A value of an attribute.
    Value(Cow<'s, Type>),
}

/// Follows `steps` from a resource or data source's schema: each
/// attribute, nested block, object attribute and element must exist, as
/// Terraform checks them when it plans. Leading index steps pick an
/// instance of a counted or `for_each` object. Returns the type reached,
/// or `None` where it cannot be known (a `dynamic` value, a splat).
fn follow<'s>(schema: &'s BlockSchema, steps: &[Step]) -> Result<Option<Cow<'s, Type>>, StepError> {
    let mut at = At::Block(schema);
    let mut splat = false;
    let first = steps
        .iter()
        .position(|s| matches!(s, Step::Attr(_)))
        .unwrap_or(steps.len());
    let steps = &steps[first..];
    // The steps that exist are written out only for a message: most
    // references have none to report.
    let err = |i: usize, message: String| StepError {
        at: steps[..i].iter().map(step_text).collect(),
        message,
    };
    for (i, step) in steps.iter().enumerate() {
        at = match (at, step) {
            (At::Block(b), Step::Attr(name)) => {
                if let Some(a) = b.attributes.get(name) {
                    At::Value(a.value_type())
                } else if let Some(nested) = b.block_types.get(name) {
                    At::Blocks(nested)
                } else if name == "id" && i == 0 {
                    At::Value(Cow::Owned(Type::String))
                } else {
                    return Err(err(
                        i,
                        format!("has no attribute {name}{}", suggestion(name, b)),
                    ));
                }
            }
            (At::Block(_), other) => {
                return Err(err(
                    i,
                    format!("is a block; it has no element {}", step_text(other)),
                ));
            }
            (At::Blocks(n), Step::Attr(name)) => match n.nesting_mode {
                NestingMode::Single | NestingMode::Group => {
                    let b = &n.block;
                    if let Some(a) = b.attributes.get(name) {
                        At::Value(a.value_type())
                    } else if let Some(nested) = b.block_types.get(name) {
                        At::Blocks(nested)
                    } else {
                        return Err(err(
                            i,
                            format!("has no attribute {name}{}", suggestion(name, b)),
                        ));
                    }
                }
                NestingMode::Map => {
                    return Err(err(
                        i,
                        format!("is a map of blocks: pick one by its label, [\"LABEL\"].{name}"),
                    ));
                }
                NestingMode::List | NestingMode::Set => {
                    return Err(err(
                        i,
                        format!("is a list of blocks: pick one first, [0].{name}"),
                    ));
                }
            },
            (At::Blocks(n), Step::Index(_)) if n.nesting_mode == NestingMode::List => {
                At::Block(&n.block)
            }
            (At::Blocks(n), Step::Key(_)) if n.nesting_mode == NestingMode::Map => {
                At::Block(&n.block)
            }
            (At::Blocks(n), Step::Splat) => {
                splat = true;
                At::Block(&n.block)
            }
            (At::Blocks(n), other) => {
                let what = match n.nesting_mode {
                    NestingMode::Set => {
                        "is a set of blocks, which has no order: it cannot be indexed (use a for expression, or one(...))"
                    }
                    NestingMode::Map => "is a map of blocks: pick one by its label",
                    _ => "is a single block: it has no elements",
                };
                return Err(err(i, format!("{what}, not {}", step_text(other))));
            }
            (At::Value(t), step) => match value_step(&t, step) {
                Ok(Some((next, is_splat))) => {
                    splat |= is_splat;
                    At::Value(Cow::Owned(next))
                }
                Ok(None) => return Ok(None),
                Err(message) => return Err(err(i, message)),
            },
        };
    }
    Ok(match at {
        At::Value(t) if !splat => Some(t),
        _ => None,
    })
}

/// One step into a value of type `t`: the type reached and whether the
/// step was a splat; `None` when `t` is dynamic.
fn value_step(t: &Type, step: &Step) -> Result<Option<(Type, bool)>, String> {
    use Type as T;
    Ok(Some(match (t, step) {
        (T::Dynamic, _) => return Ok(None),
        (T::Object(fields), Step::Attr(name) | Step::Key(name)) => match fields.get(name) {
            Some(f) => (f.clone(), false),
            None => {
                let hint = closest(name, fields.keys().map(String::as_str));
                return Err(format!("has no attribute {name}{hint}"));
            }
        },
        (T::Map(e), Step::Attr(_) | Step::Key(_) | Step::Index(_)) => ((**e).clone(), false),
        (T::List(e), Step::Index(_)) => ((**e).clone(), false),
        (T::List(e), Step::Key(k)) if k.parse::<u64>().is_ok() => ((**e).clone(), false),
        (T::Tuple(items), Step::Index(i)) => {
            match usize::try_from(*i).ok().and_then(|i| items.get(i)) {
                Some(e) => (e.clone(), false),
                None => return Err(format!("is a tuple of {} elements, not [{i}]", items.len())),
            }
        }
        (T::List(e) | T::Set(e), Step::Splat) => ((**e).clone(), true),
        (T::Set(_), _) => {
            return Err(format!(
                "is a set, which has no order: it cannot be indexed, not {}",
                step_text(step)
            ));
        }
        (T::List(_) | T::Tuple(_), Step::Attr(name)) => {
            return Err(format!("is a list: pick an element first, [0].{name}"));
        }
        (T::String | T::Number | T::Bool, _) => {
            return Err(format!(
                "is a {t}: it has no {}",
                match step {
                    Step::Attr(name) => format!("attribute {name}"),
                    other => format!("element {}", step_text(other)),
                }
            ));
        }
        (t, other) => return Err(format!("is {t}: it has no element {}", step_text(other))),
    }))
}

/// A step as Terraform writes it: `.name`, `[0]`, `["key"]`, `[*]`.
fn step_text(step: &Step) -> String {
    let mut out = String::new();
    match step {
        Step::Attr(name) => {
            out.push('.');
            out.push_str(name);
        }
        Step::Index(i) => {
            let _ = write_index(&mut out, *i);
        }
        Step::Key(k) => {
            out.push('[');
            write_json_string(&mut out, k);
            out.push(']');
        }
        Step::Splat => out.push_str("[*]"),
    }
    out
}

/// An `ignore_changes` entry as steps from the resource: `labels`,
/// `spec[0].replicas`, `metadata[0].labels["team"]`.
fn attribute_path(entry: &str) -> Option<Vec<Step>> {
    let parsed = hcl::Expression::from(hcl_edit::parser::parse_expr(entry).ok()?);
    let (root, ops) = match &parsed {
        hcl::Expression::Variable(v) => (v.as_str().to_owned(), Vec::new()),
        hcl::Expression::Traversal(t) => match &t.expr {
            hcl::Expression::Variable(v) => (v.as_str().to_owned(), t.operators.clone()),
            _ => return None,
        },
        _ => return None,
    };
    let mut steps = vec![Step::Attr(root)];
    for op in ops {
        steps.push(match op {
            hcl::TraversalOperator::GetAttr(name) => Step::Attr(name.to_string()),
            hcl::TraversalOperator::Index(hcl::Expression::Number(n)) => Step::Index(n.as_u64()?),
            hcl::TraversalOperator::Index(hcl::Expression::String(k)) => Step::Key(k),
            hcl::TraversalOperator::LegacyIndex(i) => Step::Index(i),
            _ => return None,
        });
    }
    Some(steps)
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

/// A reference to a resource or data source, with the steps after it:
/// what validation checks of a reference.
struct AttrRef<'s> {
    kind: Kind,
    type_name: &'s str,
    name: &'s str,
    /// The whole reference, for its steps and for messages.
    shown: &'s Reference,
}

impl<'s> AttrRef<'s> {
    /// The reference, when it starts at a resource or data source.
    fn of_reference(r: &'s Reference) -> Option<Self> {
        let (kind, type_name, name) = match &r.root {
            Root::Object(Address::Resource { kind, name }) => {
                (Kind::Resource, kind.as_str(), name.as_str())
            }
            Root::Object(Address::Data { kind, name }) => {
                (Kind::Data, kind.as_str(), name.as_str())
            }
            _ => return None,
        };
        if kind == Kind::Resource
            && (type_name == "data" || NOT_RESOURCE_ROOTS.contains(&type_name))
        {
            return None;
        }
        Some(AttrRef {
            kind,
            type_name,
            name,
            shown: r,
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

/// Whether raw expression text is one reference (a traversal), which
/// written as `${...}` has the referenced type.
fn is_traversal(text: &str) -> bool {
    hcl_edit::parser::parse_expr(text).is_ok_and(|e| {
        matches!(
            hcl::Expression::from(e),
            hcl::Expression::Traversal(_) | hcl::Expression::Variable(_)
        )
    })
}

/// Whether a JSON string in an expression position is a template:
/// `None` for literal text (no interpolation or directive, escapes
/// aside), `Some(true)` when it is exactly one `${...}`, `Some(false)`
/// for any other template.
fn template_kind(s: &str) -> Option<bool> {
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
                None => return Some(false),
            }
            continue;
        }
        i += 1;
    }
    if interps.is_empty() && !directive {
        return None;
    }
    Some(!directive && interps.len() == 1 && interps[0] == (2, s.len() - 1))
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

/// `path.name`, or `name` at the top (attribute paths in findings).
pub(super) fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// `path[i]`.
pub(super) fn indexed(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
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
pub(crate) fn closest<'n>(key: &str, names: impl IntoIterator<Item = &'n str>) -> String {
    match closest_name(key, names) {
        Some(n) => format!(" (did you mean {n}?)"),
        None => String::new(),
    }
}

/// The name closest to `key`, if close enough to be a likely misspelling.
pub(crate) fn closest_name<'n>(
    key: &str,
    names: impl IntoIterator<Item = &'n str>,
) -> Option<&'n str> {
    names
        .into_iter()
        .map(|n| (edit_distance(key, n), n))
        .filter(|(d, n)| *d <= 2.max(n.len() / 4))
        .min()
        .map(|(_, n)| n)
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
        assert_eq!(template_kind("plain"), None);
        assert_eq!(template_kind("$${not} %%{this}"), None);
        assert_eq!(template_kind("${a.b.c}"), Some(true));
        assert_eq!(template_kind("${upper(a.b.c)}"), Some(true));
        assert_eq!(template_kind("x-${a.b.c}"), Some(false));
        assert_eq!(template_kind("%{ if true }x%{ endif }"), Some(false));
    }

    #[test]
    fn steps_are_followed_through_blocks_objects_and_elements() {
        use crate::schema::{AttributeSchema, NestedBlock};
        let attr = |ty: Type| AttributeSchema {
            ty: Some(ty),
            nested_type: None,
            required: false,
            optional: true,
            computed: false,
            sensitive: false,
        };
        let mut settings = BlockSchema::default();
        settings
            .attributes
            .insert("charset".to_owned(), attr(Type::String));
        let mut root = BlockSchema::default();
        root.attributes
            .insert("labels".to_owned(), attr(Type::Map(Box::new(Type::String))));
        root.attributes.insert(
            "ips".to_owned(),
            attr(Type::List(Box::new(Type::Object(
                [("address".to_owned(), Type::String)].into_iter().collect(),
            )))),
        );
        root.attributes
            .insert("tags".to_owned(), attr(Type::Set(Box::new(Type::String))));
        root.attributes
            .insert("any".to_owned(), attr(Type::Dynamic));
        for (name, mode) in [
            ("settings", NestingMode::List),
            ("rules", NestingMode::Set),
            ("one", NestingMode::Single),
        ] {
            root.block_types.insert(
                name.to_owned(),
                NestedBlock {
                    nesting_mode: mode,
                    block: settings.clone(),
                    min_items: 0,
                    max_items: 0,
                },
            );
        }
        let steps = |text: &str| -> Vec<Step> {
            let mut found = Vec::new();
            template_references(&format!("${{x.y{text}}}"), &mut found);
            found.pop().map(|r| r.steps).unwrap_or_default()
        };
        for (path, expected) in [
            (".settings[0].charset", Ok(Some(Type::String))),
            ("[0].settings[0].charset", Ok(Some(Type::String))),
            (".one.charset", Ok(Some(Type::String))),
            (".labels.team", Ok(Some(Type::String))),
            (".labels[\"team\"]", Ok(Some(Type::String))),
            (".ips[0].address", Ok(Some(Type::String))),
            (".ips[*].address", Ok(None)),
            (".rules[*].charset", Ok(None)),
            (".any.whatever[3]", Ok(None)),
            (".id", Ok(Some(Type::String))),
            (
                ".settings[0].charzet",
                Err((
                    ".settings[0]",
                    "has no attribute charzet (did you mean charset?)",
                )),
            ),
            (
                ".settings.charset",
                Err((
                    ".settings",
                    "is a list of blocks: pick one first, [0].charset",
                )),
            ),
            (
                ".rules[0].charset",
                Err((
                    ".rules",
                    "is a set of blocks, which has no order: it cannot be indexed (use a for expression, or one(...)), not [0]",
                )),
            ),
            (
                ".ips[0].adress",
                Err((".ips[0]", "has no attribute adress (did you mean address?)")),
            ),
            (
                ".ips.address",
                Err((".ips", "is a list: pick an element first, [0].address")),
            ),
            (
                ".tags[0]",
                Err((
                    ".tags",
                    "is a set, which has no order: it cannot be indexed, not [0]",
                )),
            ),
            (
                ".labels.team.x",
                Err((".labels.team", "is a string: it has no attribute x")),
            ),
            (
                ".lables",
                Err(("", "has no attribute lables (did you mean labels?)")),
            ),
        ] {
            let got = follow(&root, &steps(path))
                .map(|t| t.map(Cow::into_owned))
                .map_err(|e| (e.at, e.message));
            let expected = expected.map_err(|(at, m): (&str, &str)| (at.to_owned(), m.to_owned()));
            assert_eq!(got, expected, "{path}");
        }
    }

    #[test]
    fn close_names_are_suggested() {
        assert_eq!(edit_distance("secure_boot", "enable_secure_boot"), 7);
        assert_eq!(edit_distance("self_lnik", "self_link"), 2);
    }
}
