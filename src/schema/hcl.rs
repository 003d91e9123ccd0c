//! Validation of Terraform's native syntax (`.tf` files) against provider
//! schemas.
//!
//! A `.tf` file is read into the Terraform JSON document that says the
//! same thing (a block becomes an object, several blocks of one type an
//! array, an expression a `${...}` template, a literal string its escaped
//! text), and validation checks that document exactly as it checks a
//! `.tf.json` file read into the same layout: the findings are the same,
//! each placed at the line and column of what it is about (or of the
//! block it is missing from). What only the native syntax can get wrong,
//! and only a schema can decide, is found while reading: an argument
//! written for a block type (Terraform's "Unsupported argument"), a block
//! written for an argument ("Unsupported block type"), and labels on a
//! block type that takes none. Such an entry is left out of the document,
//! as Terraform leaves it out. What Terraform refuses in a file of either
//! syntax is found while reading too: an unknown top-level block type, an
//! argument at the top level, a variable, output, module call, check or
//! local value declared twice.

use std::collections::BTreeMap;
use std::fmt;

use hcl_edit::Span;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::{Element, Template};
use serde_json::{Map, Value};

use super::validate::META;
use super::validate::{indexed, join, validate_read};
use super::{BlockSchema, Kind, Lookup, NestingMode, Schemas};
use crate::diagnostic::Diagnostic;
use crate::emit::write_json_string;
use crate::tf::escape_template;

/// A place in a file: line and column, both counted from 1 (the column
/// in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A finding with the place in its file it is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Placed {
    /// Where: the attribute or block the finding names, or the block it is
    /// missing from.
    pub position: Position,
    /// What.
    pub finding: Diagnostic,
}

/// The outcome of validating one `.tf` file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HclReport {
    /// Problems, sorted by place.
    pub findings: Vec<Placed>,
    /// Things that were not checked, e.g. a provider with no schema.
    pub warnings: Vec<String>,
    /// Each resource and data source the file declares (`data.` before the
    /// address of a data source), with where, in the order written.
    pub declared: Vec<(String, Position)>,
}

impl HclReport {
    /// Whether nothing is wrong.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}

/// A `.tf` file that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{position}: not valid HCL: {message}")]
pub struct HclSyntaxError {
    /// Where the parser stopped.
    pub position: Position,
    /// What it expected.
    pub message: String,
}

/// Validates every resource, data source and provider block of a `.tf`
/// file's text, as [`validate_document`](super::validate_document)
/// validates a `.tf.json` file.
///
/// # Errors
///
/// When the text is not HCL: the error gives the line and column where
/// parsing stopped.
pub fn validate_hcl(text: &str, schemas: &Schemas) -> Result<HclReport, HclSyntaxError> {
    let read = read_hcl(None, text, schemas)?;
    let report = validate_read(&read.doc, schemas, None);
    Ok(read.report(report))
}

/// A `.tf` file read into the Terraform JSON document it stands for, with
/// where each block and path is written.
pub(crate) struct HclRead<'t> {
    /// The document, in the layout validation walks.
    pub(crate) doc: Value,
    lines: Lines<'t>,
    places: BTreeMap<String, BTreeMap<String, usize>>,
    /// What only the native syntax gets wrong, at byte offsets.
    findings: Vec<(usize, Diagnostic)>,
    declared: Vec<(String, usize)>,
}

/// Reads a `.tf` file's text into the document it stands for.
pub(crate) fn read_hcl<'t>(
    file: Option<&'t str>,
    text: &'t str,
    schemas: &Schemas,
) -> Result<HclRead<'t>, HclSyntaxError> {
    let lines = Lines::new(text);
    let body = hcl_edit::parser::parse_body(text).map_err(|e| HclSyntaxError {
        position: Position {
            line: e.location().line(),
            column: e.location().column(),
        },
        message: e.message().to_owned(),
    })?;
    let mut reader = Reader {
        text,
        file,
        schemas,
        places: BTreeMap::new(),
        findings: Vec::new(),
        declared: Vec::new(),
    };
    let doc = reader.document(&body);
    let Reader {
        places,
        findings,
        declared,
        ..
    } = reader;
    Ok(HclRead {
        doc,
        lines,
        places,
        findings,
        declared,
    })
}

impl HclRead<'_> {
    /// The report of the file: what reading found, and validation's
    /// findings, each at its place.
    pub(crate) fn report(self, report: super::Report) -> HclReport {
        let HclRead {
            lines,
            places,
            mut findings,
            declared,
            ..
        } = self;
        for finding in report.findings {
            let offset = place_of(&places, &finding.address, &finding.key);
            findings.push((offset, finding));
        }
        let mut findings: Vec<Placed> = findings
            .into_iter()
            .map(|(offset, finding)| Placed {
                position: lines.position(offset),
                finding,
            })
            .collect();
        findings.sort();
        findings.dedup();
        HclReport {
            findings,
            warnings: report.warnings,
            declared: declared
                .into_iter()
                .map(|(address, offset)| (address, lines.position(offset)))
                .collect(),
        }
    }
}

/// Where the finding at `path` of `address` is: the place recorded for
/// the path, or for the nearest enclosing path that has one (a missing
/// attribute is placed at the block it is missing from).
fn place_of(
    places: &BTreeMap<String, BTreeMap<String, usize>>,
    address: &str,
    path: &str,
) -> usize {
    let Some(paths) = places.get(address) else {
        return 0;
    };
    if let Some(&at) = paths.get(path) {
        return at;
    }
    paths
        .iter()
        .filter(|(p, _)| {
            p.is_empty()
                || (path.starts_with(p.as_str())
                    && matches!(path.as_bytes().get(p.len()), Some(b'.' | b'[')))
        })
        .max_by_key(|(p, _)| p.len())
        .map_or(0, |(_, &at)| at)
}

/// Line starts of a text, to turn byte offsets into positions.
pub(crate) struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    pub(crate) fn position(&self, offset: usize) -> Position {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        Position { line, column }
    }
}

/// Which keys of a body are Terraform's, not the schema's.
#[derive(Clone, Copy, PartialEq)]
enum Top {
    /// A resource or data source: meta-arguments.
    Block,
    /// A provider: `alias` and `version`.
    Provider,
    /// A nested block: none.
    Nested,
}

impl Top {
    fn is_meta(self, key: &str) -> bool {
        match self {
            Top::Block => META.contains(&key),
            Top::Provider => key == "alias" || key == "version",
            Top::Nested => false,
        }
    }
}

/// Reads a parsed `.tf` file into a Terraform JSON document, recording
/// where each path of each block is written.
struct Reader<'t, 's> {
    text: &'t str,
    /// The file, as named in messages, when known.
    file: Option<&'t str>,
    schemas: &'s Schemas,
    /// Byte offsets, by block address and then path.
    places: BTreeMap<String, BTreeMap<String, usize>>,
    /// What only the native syntax gets wrong, at byte offsets.
    findings: Vec<(usize, Diagnostic)>,
    declared: Vec<(String, usize)>,
}

fn start(span: Option<std::ops::Range<usize>>) -> usize {
    span.map_or(0, |s| s.start)
}

fn keyed(path: &str, key: &str) -> String {
    let mut p = String::with_capacity(path.len() + key.len() + 4);
    p.push_str(path);
    p.push('[');
    write_json_string(&mut p, key);
    p.push(']');
    p
}

impl Reader<'_, '_> {
    /// Whether `address` was declared before (Terraform's "Duplicate
    /// variable declaration" and the like): a finding at `offset` naming
    /// where.
    fn declared_before(&mut self, address: &str, offset: usize, what: &str) -> bool {
        let Some(&first) = self.places.get(address).and_then(|p| p.get("")) else {
            return false;
        };
        let first = Lines::new(self.text).position(first);
        let place = match self.file {
            Some(file) => format!("{file}:{first}"),
            None => first.to_string(),
        };
        let message = format!("duplicate {what}: already declared at {place}");
        self.finding(offset, address, "", message);
        true
    }

    fn finding(&mut self, offset: usize, address: &str, path: &str, message: String) {
        self.findings.push((
            offset,
            Diagnostic::at_address(address, message).with_key(path),
        ));
    }

    fn document(&mut self, body: &Body) -> Value {
        let mut doc = Map::new();
        for structure in body.iter() {
            let Structure::Block(block) = structure else {
                continue;
            };
            let ident = block.ident.as_str();
            let offset = start(block.span());
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            match ident {
                "resource" | "data" => {
                    let (kind, prefix, what) = if ident == "resource" {
                        (Kind::Resource, "", "resource")
                    } else {
                        (Kind::Data, "data.", "data source")
                    };
                    let [type_name, name] = labels[..] else {
                        self.finding(
                            offset,
                            ident,
                            "",
                            format!(
                                "a {what} block takes two labels, its type and its name, got {}",
                                labels.len()
                            ),
                        );
                        continue;
                    };
                    let address = format!("{prefix}{type_name}.{name}");
                    let value = self.object_block(kind, type_name, &address, block, offset);
                    self.declared.push((address, offset));
                    insert_named(&mut doc, ident, type_name, name, value);
                }
                "provider" => {
                    let [name] = labels[..] else {
                        self.finding(
                            offset,
                            ident,
                            "",
                            format!(
                                "a provider block takes one label, the provider's name, got {}",
                                labels.len()
                            ),
                        );
                        continue;
                    };
                    let alias = block
                        .body
                        .get_attribute("alias")
                        .and_then(|a| a.value.as_str());
                    let address = match alias {
                        Some(alias) => format!("provider.{name}.{alias}"),
                        None => format!("provider.{name}"),
                    };
                    let schema = match self.schemas.provider_config(name) {
                        Lookup::Found(schema) => Some(schema),
                        _ => None,
                    };
                    let mut places = BTreeMap::from([(String::new(), offset)]);
                    let value = self.body(
                        &address,
                        &block.body,
                        schema,
                        Top::Provider,
                        "",
                        &mut places,
                    );
                    self.places.entry(address).or_insert(places);
                    let providers = doc
                        .entry("provider")
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Some(providers) = providers.as_object_mut() {
                        match providers.get_mut(name) {
                            Some(Value::Array(configs)) => configs.push(Value::Object(value)),
                            _ => {
                                providers.insert(
                                    name.to_owned(),
                                    Value::Array(vec![Value::Object(value)]),
                                );
                            }
                        }
                    }
                }
                "output" | "module" | "variable" | "check" => {
                    let [name] = labels[..] else {
                        self.finding(
                            offset,
                            ident,
                            "",
                            format!(
                                "a {ident} block takes one label, its name, got {}",
                                labels.len()
                            ),
                        );
                        continue;
                    };
                    // Validation names a variable as references do.
                    let prefix = if ident == "variable" { "var" } else { ident };
                    let address = format!("{prefix}.{name}");
                    let what = match ident {
                        "module" => "module call",
                        other => other,
                    };
                    if self.declared_before(&address, offset, what) {
                        continue;
                    }
                    let mut places = BTreeMap::from([(String::new(), offset)]);
                    let value = if ident == "check" {
                        self.check(&address, &block.body, &mut places)
                    } else {
                        self.body(&address, &block.body, None, Top::Nested, "", &mut places)
                    };
                    self.places.entry(address).or_insert(places);
                    let section = doc
                        .entry(ident)
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Some(section) = section.as_object_mut() {
                        section.entry(name).or_insert(Value::Object(value));
                    }
                }
                "locals" => {
                    let mut places = BTreeMap::new();
                    let value =
                        self.body("locals", &block.body, None, Top::Nested, "", &mut places);
                    for (name, v) in value {
                        let address = format!("local.{name}");
                        let at = places.get(&name).copied().unwrap_or(offset);
                        if self.declared_before(&address, at, "local value") {
                            continue;
                        }
                        self.places
                            .entry(address)
                            .or_insert_with(|| BTreeMap::from([(String::new(), at)]));
                        let section = doc
                            .entry("locals")
                            .or_insert_with(|| Value::Object(Map::new()));
                        if let Some(section) = section.as_object_mut() {
                            section.entry(name).or_insert(v);
                        }
                    }
                }
                "import" => {
                    let mut places = BTreeMap::from([(String::new(), offset)]);
                    let value =
                        self.body("import", &block.body, None, Top::Nested, "", &mut places);
                    self.places.entry("import".to_owned()).or_insert(places);
                    let section = doc
                        .entry("import")
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Some(items) = section.as_array_mut() {
                        items.push(Value::Object(value));
                    }
                }
                "terraform" | "moved" | "removed" | "ephemeral" => {}
                other => self.finding(
                    start(block.ident.span().or_else(|| block.span())),
                    other,
                    "",
                    super::json::unknown_top_level(other),
                ),
            }
        }
        for structure in body.iter() {
            if let Structure::Attribute(attr) = structure {
                let key = attr.key.as_str();
                self.finding(
                    start(attr.key.span().or_else(|| attr.span())),
                    key,
                    "",
                    "an argument is not expected at the top level of a file, only blocks"
                        .to_owned(),
                );
            }
        }
        Value::Object(doc)
    }

    /// A resource or data source block's body as Terraform JSON writes it,
    /// read with its type's schema; where each of its paths is written is
    /// recorded under `address`.
    fn object_block(
        &mut self,
        kind: Kind,
        type_name: &str,
        address: &str,
        block: &hcl_edit::structure::Block,
        offset: usize,
    ) -> Map<String, Value> {
        let schema = match self.schemas.lookup(kind, type_name) {
            Lookup::Found(schema) => Some(schema),
            _ => None,
        };
        let mut places = BTreeMap::from([(String::new(), offset)]);
        let value = self.body(address, &block.body, schema, Top::Block, "", &mut places);
        self.places.entry(address.to_owned()).or_insert(places);
        value
    }

    /// A check block as Terraform JSON writes it: scoped data sources by
    /// type and name (each read with its schema), and `assert` blocks.
    fn check(
        &mut self,
        address: &str,
        body: &Body,
        places: &mut BTreeMap<String, usize>,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        let mut asserts = Vec::new();
        for structure in body.iter() {
            let Structure::Block(block) = structure else {
                continue;
            };
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            match (block.ident.as_str(), &labels[..]) {
                ("data", [type_name, name]) => {
                    let data_address = format!("{address}.data.{type_name}.{name}");
                    let offset = start(block.span());
                    let value =
                        self.object_block(Kind::Data, type_name, &data_address, block, offset);
                    insert_named(&mut out, "data", type_name, name, value);
                }
                ("assert", []) => {
                    let at = indexed("assert", asserts.len());
                    places.insert(at.clone(), start(block.span()));
                    let value = self.body(address, &block.body, None, Top::Nested, &at, places);
                    asserts.push(Value::Object(value));
                }
                _ => {}
            }
        }
        if !asserts.is_empty() {
            out.insert("assert".to_owned(), Value::Array(asserts));
        }
        out
    }

    /// The JSON object for a block's body; `schema` is the block's, when
    /// known, and `path` where the body is inside its top-level block.
    fn body(
        &mut self,
        address: &str,
        body: &Body,
        schema: Option<&BlockSchema>,
        top: Top,
        path: &str,
        places: &mut BTreeMap<String, usize>,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        // Blocks by type, in the order written.
        let mut blocks: Vec<(&str, Vec<&hcl_edit::structure::Block>)> = Vec::new();
        let mut dynamics: Vec<(&str, Value)> = Vec::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    let key = attr.key.as_str();
                    let at = join(path, key);
                    let offset = start(attr.key.span().or_else(|| attr.span()));
                    if !top.is_meta(key) {
                        if let Some(schema) = schema {
                            if !schema.attributes.contains_key(key)
                                && schema.block_types.contains_key(key)
                            {
                                let message = argument_for_block(key, &attr.value);
                                self.finding(offset, address, &at, message);
                                continue;
                            }
                        }
                    }
                    places.insert(at.clone(), offset);
                    let value = self.expr(&attr.value, &at, places);
                    out.insert(key.to_owned(), value);
                }
                Structure::Block(block) => {
                    let ident = block.ident.as_str();
                    // Dynamic blocks: JSON holds them under "dynamic", by
                    // block type, with their content read as a block of
                    // that type.
                    if ident == "dynamic" {
                        let label = block.labels.first().map_or("", |l| l.as_str());
                        let inner = schema
                            .and_then(|s| s.block_types.get(label))
                            .map(|n| &n.block);
                        let at = join(path, &format!("dynamic.{label}"));
                        places.entry(at.clone()).or_insert(start(block.span()));
                        let mut d = Map::new();
                        for inside in block.body.iter() {
                            match inside {
                                Structure::Attribute(a) => {
                                    let key = a.key.as_str();
                                    let p = join(&at, key);
                                    places.insert(p.clone(), start(a.span()));
                                    d.insert(key.to_owned(), self.expr(&a.value, &p, places));
                                }
                                Structure::Block(b) => {
                                    let key = b.ident.as_str();
                                    let p = join(&at, key);
                                    places.insert(p.clone(), start(b.span()));
                                    let value =
                                        self.body(address, &b.body, inner, Top::Nested, &p, places);
                                    d.insert(key.to_owned(), Value::Object(value));
                                }
                            }
                        }
                        dynamics.push((label, Value::Object(d)));
                        continue;
                    }
                    if top.is_meta(ident) {
                        // `lifecycle` holds conditions and ignore_changes,
                        // which validation checks against the schema.
                        if ident == "lifecycle" {
                            let at = join(path, ident);
                            places.entry(at.clone()).or_insert(start(block.span()));
                            let value =
                                self.body(address, &block.body, None, Top::Nested, &at, places);
                            out.insert(ident.to_owned(), Value::Object(value));
                        }
                        continue;
                    }
                    if let Some(schema) = schema {
                        if !schema.block_types.contains_key(ident) {
                            if let Some(attr) = schema.attributes.get(ident) {
                                let offset = start(block.span());
                                let message = block_for_argument(ident, &attr.value_type());
                                self.finding(offset, address, &join(path, ident), message);
                                continue;
                            }
                        }
                    }
                    match blocks.iter_mut().find(|(name, _)| *name == ident) {
                        Some((_, list)) => list.push(block),
                        None => blocks.push((ident, vec![block])),
                    }
                }
            }
        }
        for (ident, list) in blocks {
            let at = join(path, ident);
            places.entry(at.clone()).or_insert(start(list[0].span()));
            let nested = schema.and_then(|s| s.block_types.get(ident));
            let mode = nested.map(|n| n.nesting_mode);
            let inner = nested.map(|n| &n.block);
            if mode == Some(NestingMode::Map) {
                let mut labeled = Map::new();
                for block in &list {
                    let label = block.labels.first().map_or("", |l| l.as_str());
                    let p = keyed(&at, label);
                    places.entry(p.clone()).or_insert(start(block.span()));
                    let value = self.body(address, &block.body, inner, Top::Nested, &p, places);
                    labeled.entry(label).or_insert(Value::Object(value));
                }
                out.insert(ident.to_owned(), Value::Object(labeled));
                continue;
            }
            if nested.is_some() {
                for block in &list {
                    if let Some(label) = block.labels.first() {
                        let offset = start(label.span().or_else(|| block.span()));
                        let message = format!("extraneous label: {ident} blocks take no labels");
                        self.finding(offset, address, &at, message);
                    }
                }
            }
            // Validation names one block of a single type by its type
            // alone, and any other block by its index.
            let unindexed =
                list.len() == 1 && matches!(mode, Some(NestingMode::Single | NestingMode::Group));
            let mut values = Vec::with_capacity(list.len());
            for (i, block) in list.iter().enumerate() {
                let p = if unindexed {
                    at.clone()
                } else {
                    indexed(&at, i)
                };
                places.entry(p.clone()).or_insert(start(block.span()));
                values.push(Value::Object(self.body(
                    address,
                    &block.body,
                    inner,
                    Top::Nested,
                    &p,
                    places,
                )));
            }
            let value = match <[Value; 1]>::try_from(values) {
                Ok([one]) => one,
                Err(many) => Value::Array(many),
            };
            out.insert(ident.to_owned(), value);
        }
        if !dynamics.is_empty() {
            let mut by_type: Map<String, Value> = Map::new();
            for (label, d) in dynamics {
                match by_type.get_mut(label) {
                    Some(Value::Array(items)) => items.push(d),
                    Some(one) => {
                        let first = one.take();
                        *one = Value::Array(vec![first, d]);
                    }
                    None => {
                        by_type.insert(label.to_owned(), d);
                    }
                }
            }
            out.insert("dynamic".to_owned(), Value::Object(by_type));
        }
        out
    }

    /// The source text of something parsed from the file.
    fn source(&self, span: Option<std::ops::Range<usize>>) -> Option<&str> {
        span.and_then(|s| self.text.get(s)).map(str::trim)
    }

    /// The JSON value Terraform JSON writes for an expression: literals as
    /// themselves (strings escaped), anything else as a template.
    fn expr(&self, e: &Expression, path: &str, places: &mut BTreeMap<String, usize>) -> Value {
        match e {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => {
                let n = n.value();
                let number = if let Some(u) = n.as_u64() {
                    Some(serde_json::Number::from(u))
                } else if let Some(i) = n.as_i64() {
                    Some(serde_json::Number::from(i))
                } else {
                    n.as_f64().and_then(serde_json::Number::from_f64)
                };
                number.map_or(Value::Null, Value::Number)
            }
            Expression::String(s) => Value::String(escape_template(s.value()).into_owned()),
            Expression::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let p = indexed(path, i);
                        places.insert(p.clone(), start(item.span()));
                        self.expr(item, &p, places)
                    })
                    .collect(),
            ),
            Expression::Object(object) => {
                let mut out = Map::new();
                for (key, value) in object.iter() {
                    let name = match key {
                        ObjectKey::Ident(ident) => ident.as_str().to_owned(),
                        ObjectKey::Expression(e) => {
                            match self.expr(e, path, &mut BTreeMap::new()) {
                                Value::String(s) => s,
                                other => other.to_string(),
                            }
                        }
                    };
                    let offset = start(key.span());
                    // A map's entries are named by key, an object's
                    // attributes by name: the type decides which.
                    let by_key = keyed(path, &name);
                    let by_name = join(path, &name);
                    places.insert(by_key.clone(), offset);
                    places.insert(by_name, offset);
                    let value = self.expr(value.expr(), &by_key, places);
                    out.insert(name, value);
                }
                Value::Object(out)
            }
            Expression::StringTemplate(t) => Value::String(self.template(t)),
            Expression::HeredocTemplate(h) => Value::String(self.template(&h.template)),
            other => {
                let text = match self.source(other.span()) {
                    Some(text) => text.to_owned(),
                    None => other.to_string(),
                };
                Value::String(format!("${{{text}}}"))
            }
        }
    }

    /// A template as Terraform JSON writes it: literal parts escaped,
    /// interpolations and directives as written.
    fn template(&self, t: &Template) -> String {
        let mut out = String::new();
        for element in t.iter() {
            match element {
                Element::Literal(lit) => out.push_str(&escape_template(lit.value())),
                Element::Interpolation(i) => {
                    out.push_str("${");
                    match self.source(i.expr.span()) {
                        Some(text) => out.push_str(text),
                        None => out.push_str(&i.expr.to_string()),
                    }
                    out.push('}');
                }
                Element::Directive(d) => {
                    if let Some(text) = self.source(d.span()) {
                        out.push_str(text);
                    } else {
                        out.push_str("%{}");
                    }
                }
            }
        }
        out
    }
}

/// Puts `value` at `section.type_name.name` of `doc`. A second block of one
/// address is reported as a duplicate; the first is the one validated.
fn insert_named(
    doc: &mut Map<String, Value>,
    section: &str,
    type_name: &str,
    name: &str,
    value: Map<String, Value>,
) {
    let named = doc
        .entry(section)
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .and_then(|types| {
            types
                .entry(type_name)
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
        });
    if let Some(named) = named {
        named.entry(name).or_insert(Value::Object(value));
    }
}

/// Terraform's "Unsupported argument", for an argument named after a
/// block type, with what to write instead.
fn argument_for_block(key: &str, value: &Expression) -> String {
    let instead = match value {
        Expression::Array(items) if items.is_empty() => "for no blocks, leave it out".to_owned(),
        Expression::Object(_) => format!("write it as a block, `{key} {{ ... }}`, without `=`"),
        _ => format!(
            "write `{key} {{ ... }}` blocks, or a `dynamic \"{key}\"` block for a computed list"
        ),
    };
    format!("unsupported argument: {key} is a block type; {instead}")
}

/// Terraform's "Unsupported block type", for a block named after an
/// argument, with what to write instead.
fn block_for_argument(key: &str, ty: &super::Type) -> String {
    use super::Type as T;
    let value = match ty {
        T::Map(_) | T::Object(_) => "{ ... }",
        T::List(_) | T::Set(_) | T::Tuple(_) => "[ ... ]",
        _ => "...",
    };
    format!("unsupported block type: {key} is an argument; write `{key} = {value}`")
}
