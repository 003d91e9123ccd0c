//! Reading a `.tf.json` file as Terraform reads it (HCL's JSON syntax),
//! into the one layout validation walks: `{"resource": {TYPE: {NAME:
//! body}}}` and likewise for the other top-level blocks.
//!
//! HCL lets a file say the same thing in several shapes: the root, and
//! every body, may be an object or an array of objects; each label level
//! of a block (a resource's type, then its name) may be an object or an
//! array of objects; after the labels comes one body, or an array of
//! bodies; and a property may be written twice, each time adding blocks
//! (two `"resource"` properties are both read). All of them are read here,
//! recording where each block, key and array item is written, so that a
//! finding names its line. What Terraform refuses in the shape itself (a
//! root that is not an object, an unknown top-level block type, a label
//! level that is not an object, a variable declared twice) is a finding
//! of the reading.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::validate::{indexed, join};
use crate::diagnostic::Diagnostic;

/// Where each path of each block is written, as byte offsets: by block
/// address (`google_compute_network.vpc`, `var.region`), then by path in
/// the validator's spelling (`node_config[0].disk_size_gb`, `labels.team`
/// and `labels["team"]`; the block itself at the empty path).
pub(crate) type Places = BTreeMap<String, BTreeMap<String, usize>>;

/// A JSON value with the byte offset it starts at, keeping every property
/// of an object in the order written, a key written twice included.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// Where the value starts.
    pub(crate) at: usize,
    /// What it is.
    pub(crate) kind: NodeKind,
}

/// What a [`Node`] holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeKind {
    /// `null`, a boolean, a number or a string.
    Scalar(Value),
    /// An array.
    Array(Vec<Node>),
    /// An object: each property with where its key starts.
    Object(Vec<(String, usize, Node)>),
}

impl Node {
    /// The node for a parsed value, with no places (every offset 0).
    pub(crate) fn of_value(value: &Value) -> Node {
        let kind = match value {
            Value::Array(items) => NodeKind::Array(items.iter().map(Node::of_value).collect()),
            Value::Object(map) => NodeKind::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), 0, Node::of_value(v)))
                    .collect(),
            ),
            scalar => NodeKind::Scalar(scalar.clone()),
        };
        Node { at: 0, kind }
    }

    /// How the value is named in a message: `string "x"`, `a list of 2
    /// items`, `an object`.
    fn describe(&self) -> String {
        match &self.kind {
            NodeKind::Scalar(Value::Null) => "null".to_owned(),
            NodeKind::Scalar(Value::Bool(b)) => format!("bool {b}"),
            NodeKind::Scalar(Value::Number(n)) => format!("number {n}"),
            NodeKind::Scalar(Value::String(s)) => {
                let shown: String = s.chars().take(40).collect();
                let more = if s.chars().count() > 40 { "…" } else { "" };
                format!("string {shown:?}{more}")
            }
            NodeKind::Scalar(other) => other.to_string(),
            NodeKind::Array(items) => format!(
                "a list of {} item{}",
                items.len(),
                if items.len() == 1 { "" } else { "s" }
            ),
            NodeKind::Object(_) => "an object".to_owned(),
        }
    }
}

/// Deeper than this, serde_json refuses a document ("recursion limit
/// exceeded"); the parser below never goes deeper either.
pub(crate) const MOST_DEPTH: usize = 128;

/// Parses JSON text that serde_json has accepted into a [`Node`]; `None`
/// for anything else.
pub(crate) fn parse(text: &str) -> Option<Node> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    let node = p.value(0)?;
    p.ws();
    (p.pos == p.bytes.len()).then_some(node)
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while matches!(self.bytes.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.ws();
        if self.bytes.get(self.pos) == Some(&byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// A string's text with its quotes, decoded.
    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        if self.bytes.get(start) != Some(&b'"') {
            return None;
        }
        let mut i = start + 1;
        loop {
            match self.bytes.get(i)? {
                b'\\' => i += 2,
                b'"' => break,
                _ => i += 1,
            }
        }
        self.pos = i + 1;
        serde_json::from_str(self.text.get(start..self.pos)?).ok()
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        if depth > MOST_DEPTH {
            return None;
        }
        self.ws();
        let at = self.pos;
        let kind = match self.bytes.get(at)? {
            b'{' => {
                self.pos += 1;
                let mut members = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.ws();
                        let key_at = self.pos;
                        let key = self.string()?;
                        if !self.eat(b':') {
                            return None;
                        }
                        members.push((key, key_at, self.value(depth + 1)?));
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                NodeKind::Object(members)
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                NodeKind::Array(items)
            }
            b'"' => NodeKind::Scalar(Value::String(self.string()?)),
            _ => {
                let end = self.bytes[at..]
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                    .map_or(self.bytes.len(), |n| at + n);
                self.pos = end;
                NodeKind::Scalar(serde_json::from_str(self.text.get(at..end)?).ok()?)
            }
        };
        Some(Node { at, kind })
    }
}

/// The top-level block types Terraform reads, and how many labels each
/// takes.
const TOP_LEVEL: [(&str, usize); 13] = [
    ("check", 1),
    ("data", 2),
    ("ephemeral", 2),
    ("import", 0),
    ("locals", 0),
    ("module", 1),
    ("moved", 0),
    ("output", 1),
    ("provider", 1),
    ("removed", 0),
    ("resource", 2),
    ("terraform", 0),
    ("variable", 1),
];

/// A file read into the layout validation walks.
#[derive(Debug, Default)]
pub(crate) struct Read {
    /// The document: every top-level block in object form.
    pub(crate) doc: Value,
    /// Where each block and path is written.
    pub(crate) places: Places,
    /// Each resource and data source declared (`data.` before a data
    /// source's address), where its name is written, in the order written.
    pub(crate) declared: Vec<(String, usize)>,
    /// What Terraform refuses in the file's shape, at byte offsets.
    pub(crate) findings: Vec<(usize, Diagnostic)>,
}

/// Reads a file's root: an object of top-level blocks, or an array of
/// such objects. `place` names an offset in messages (`main.tf.json:3:5`),
/// or `None` where offsets are not known.
pub(crate) fn read(root: &Node, place: Option<&dyn Fn(usize) -> String>) -> Read {
    let mut reader = Reader {
        place,
        read: Read::default(),
        first: BTreeMap::new(),
    };
    let mut doc = Map::new();
    for (key, key_at, value) in reader.members(root, "", "the file", "top-level blocks") {
        reader.top_level(&mut doc, key, key_at, value);
    }
    reader.read.doc = Value::Object(doc);
    reader.read
}

struct Reader<'p> {
    place: Option<&'p dyn Fn(usize) -> String>,
    read: Read,
    /// The first declaration of each variable, output, module call, check
    /// and local value, for "declared twice".
    first: BTreeMap<String, usize>,
}

fn keyed(path: &str, key: &str) -> String {
    let mut p = String::with_capacity(path.len() + key.len() + 4);
    p.push_str(path);
    p.push('[');
    crate::emit::write_json_string(&mut p, key);
    p.push(']');
    p
}

impl<'n> Reader<'_> {
    fn finding(&mut self, at: usize, address: &str, path: &str, message: String) {
        self.read
            .findings
            .push((at, Diagnostic::at_address(address, message).with_key(path)));
    }

    /// The properties of a body or label level, in order: of an object,
    /// or of each object of an array. Anything else is a finding, at
    /// `address`, naming `what` it should hold.
    fn members(
        &mut self,
        node: &'n Node,
        address: &str,
        holder: &str,
        what: &str,
    ) -> Vec<(&'n str, usize, &'n Node)> {
        let mut out = Vec::new();
        let objects: Vec<&Node> = match &node.kind {
            NodeKind::Array(items) => items.iter().collect(),
            _ => vec![node],
        };
        for object in objects {
            match &object.kind {
                NodeKind::Object(members) => {
                    out.extend(members.iter().map(|(k, at, v)| (k.as_str(), *at, v)));
                }
                _ => {
                    let got = object.describe();
                    let message = if address.is_empty() {
                        format!(
                            "{holder} must be an object of {what}, or an array of such objects; got {got}"
                        )
                    } else {
                        format!(
                            "expected an object of {what}, or an array of such objects; got {got}"
                        )
                    };
                    self.finding(object.at, address, "", message);
                }
            }
        }
        out
    }

    /// The bodies after a block's labels: one object, or an array of them.
    fn bodies(&mut self, node: &'n Node, address: &str) -> Vec<&'n Node> {
        match &node.kind {
            NodeKind::Array(items) => {
                let mut bodies = Vec::new();
                for item in items {
                    if matches!(item.kind, NodeKind::Object(_)) {
                        bodies.push(item);
                    } else {
                        let got = item.describe();
                        self.finding(item.at, address, "", format!("expected a block, got {got}"));
                    }
                }
                bodies
            }
            NodeKind::Object(_) => vec![node],
            _ => {
                let got = node.describe();
                self.finding(node.at, address, "", format!("expected a block, got {got}"));
                Vec::new()
            }
        }
    }

    fn top_level(
        &mut self,
        doc: &mut Map<String, Value>,
        key: &'n str,
        key_at: usize,
        value: &'n Node,
    ) {
        if key == "//" {
            return;
        }
        let Some(&(_, labels)) = TOP_LEVEL.iter().find(|(k, _)| *k == key) else {
            self.finding(key_at, key, "", unknown_top_level(key));
            return;
        };
        match (key, labels) {
            ("resource" | "data" | "ephemeral", _) => self.two_labels(doc, key, value, None),
            ("locals", _) => self.locals(doc, value),
            ("provider", _) => self.providers(doc, value),
            (_, 1) => self.one_label(doc, key, value),
            _ => {
                // terraform, moved, import and removed: bodies, kept as
                // written, as an array.
                let bodies = self.bodies(value, key);
                let section = doc.entry(key).or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = section {
                    for body in bodies {
                        let places = self.read.places.entry(key.to_owned()).or_default();
                        places.entry(String::new()).or_insert(body.at);
                        items.push(body_value(body, "", places));
                    }
                }
            }
        }
    }

    /// Resources, data sources and ephemeral resources: by type, then by
    /// name. A check's scoped data sources are addressed inside it
    /// (`check.c.data.TYPE.NAME`) and declare nothing in the module.
    fn two_labels(
        &mut self,
        doc: &mut Map<String, Value>,
        section: &str,
        value: &'n Node,
        check: Option<&str>,
    ) {
        let prefix = match (section, check) {
            ("data", Some(check)) => format!("{check}.data."),
            ("data", None) => "data.".to_owned(),
            ("ephemeral", _) => "ephemeral.".to_owned(),
            _ => String::new(),
        };
        let types_are = match section {
            "data" => "data source types",
            "ephemeral" => "ephemeral resource types",
            _ => "resource types",
        };
        let mut types: Map<String, Value> = match doc.remove(section) {
            Some(Value::Object(types)) => types,
            _ => Map::new(),
        };
        for (type_name, _, named) in self.members(value, section, "", types_are) {
            let type_address = format!("{prefix}{type_name}");
            for (name, name_at, body) in self.members(named, &type_address, "", "named blocks") {
                let address = format!("{prefix}{type_name}.{name}");
                let bodies = self.bodies(body, &address);
                // A second body of one name declares it again: each is at
                // its own place (the first at the name, the others at
                // their opening brace), and only the first is validated,
                // as Terraform stops at the duplicate.
                let declares = section != "ephemeral" && check.is_none();
                if declares {
                    self.read.declared.extend(
                        bodies
                            .iter()
                            .enumerate()
                            .map(|(i, b)| (address.clone(), if i == 0 { name_at } else { b.at })),
                    );
                }
                let named = types
                    .entry(type_name)
                    .or_insert_with(|| Value::Object(Map::new()));
                let Value::Object(named) = named else {
                    continue;
                };
                let bodies = if declares {
                    &bodies[..bodies.len().min(1)]
                } else {
                    &bodies[..]
                };
                for body in bodies {
                    let places = self.read.places.entry(address.clone()).or_default();
                    places.entry(String::new()).or_insert(name_at);
                    let value = body_value(body, "", places);
                    push_body(named, name, value);
                }
            }
        }
        doc.insert(section.to_owned(), Value::Object(types));
    }

    /// Provider configurations, by provider name: several of one name are
    /// its aliases.
    fn providers(&mut self, doc: &mut Map<String, Value>, value: &'n Node) {
        let mut providers = match doc.remove("provider") {
            Some(Value::Object(providers)) => providers,
            _ => Map::new(),
        };
        for (name, name_at, configs) in self.members(value, "provider", "", "provider names") {
            for body in self.bodies(configs, &format!("provider.{name}")) {
                let alias = match &body.kind {
                    NodeKind::Object(members) => {
                        members
                            .iter()
                            .rev()
                            .find_map(|(k, _, v)| match (k.as_str(), &v.kind) {
                                ("alias", NodeKind::Scalar(Value::String(a))) => Some(a.clone()),
                                _ => None,
                            })
                    }
                    _ => None,
                };
                let address = match alias {
                    Some(alias) => format!("provider.{name}.{alias}"),
                    None => format!("provider.{name}"),
                };
                let places = self.read.places.entry(address).or_default();
                places.entry(String::new()).or_insert(name_at);
                let value = body_value(body, "", places);
                push_body(&mut providers, name, value);
            }
        }
        doc.insert("provider".to_owned(), Value::Object(providers));
    }

    /// Variables, outputs, module calls and checks: by name, each declared
    /// once.
    fn one_label(&mut self, doc: &mut Map<String, Value>, section: &str, value: &'n Node) {
        let (prefix, what) = match section {
            "variable" => ("var", "variable"),
            "output" => ("output", "output"),
            "module" => ("module", "module call"),
            _ => ("check", "check"),
        };
        let mut named = match doc.remove(section) {
            Some(Value::Object(named)) => named,
            _ => Map::new(),
        };
        for (name, name_at, body) in self.members(value, section, "", &format!("{what}s by name")) {
            let address = format!("{prefix}.{name}");
            for (i, body) in self.bodies(body, &address).into_iter().enumerate() {
                // A later body of one name is a duplicate at its own brace.
                let at = if i == 0 { name_at } else { body.at };
                if !self.declared_once(&address, at, what) {
                    continue;
                }
                let mut places = BTreeMap::from([(String::new(), name_at)]);
                let value = if section == "check" {
                    self.check(&address, body, &mut places)
                } else {
                    body_value(body, "", &mut places)
                };
                self.read.places.entry(address.clone()).or_insert(places);
                named.insert(name.to_owned(), value);
            }
        }
        doc.insert(section.to_owned(), Value::Object(named));
    }

    /// Whether `address` is declared here for the first time; a finding
    /// when it is not, naming where it was.
    fn declared_once(&mut self, address: &str, at: usize, what: &str) -> bool {
        match self.first.get(address) {
            None => {
                self.first.insert(address.to_owned(), at);
                true
            }
            Some(&first) => {
                let place = match self.place {
                    Some(place) => format!(": already declared at {}", place(first)),
                    None => String::new(),
                };
                self.finding(at, address, "", format!("duplicate {what}{place}"));
                false
            }
        }
    }

    /// A check block's body: its scoped data sources by type and name (as
    /// resources are), and everything else as written.
    fn check(
        &mut self,
        address: &str,
        body: &'n Node,
        places: &mut BTreeMap<String, usize>,
    ) -> Value {
        let mut out = Map::new();
        let NodeKind::Object(members) = &body.kind else {
            return Value::Object(out);
        };
        for (key, key_at, value) in members {
            if key == "data" {
                let mut scoped = Map::new();
                self.two_labels(&mut scoped, "data", value, Some(address));
                if let Some(Value::Object(types)) = scoped.remove("data") {
                    match out.get_mut("data") {
                        Some(Value::Object(existing)) => existing.extend(types),
                        _ => {
                            out.insert("data".to_owned(), Value::Object(types));
                        }
                    }
                }
            } else {
                let at = join("", key);
                places.insert(at.clone(), *key_at);
                let value = body_value(value, &at, places);
                push_body(&mut out, key, value);
            }
        }
        Value::Object(out)
    }

    /// Local values: every `locals` block's attributes, each name once.
    fn locals(&mut self, doc: &mut Map<String, Value>, value: &'n Node) {
        let mut locals = match doc.remove("locals") {
            Some(Value::Object(locals)) => locals,
            _ => Map::new(),
        };
        for body in self.bodies(value, "locals") {
            let NodeKind::Object(members) = &body.kind else {
                continue;
            };
            for (name, name_at, value) in members {
                if name == "//" {
                    continue;
                }
                let address = format!("local.{name}");
                if !self.declared_once(&address, *name_at, "local value") {
                    continue;
                }
                let mut places = BTreeMap::from([(String::new(), *name_at)]);
                let value = body_value(value, "", &mut places);
                self.read.places.entry(address).or_insert(places);
                locals.insert(name.clone(), value);
            }
        }
        doc.insert("locals".to_owned(), Value::Object(locals));
    }
}

/// Terraform's "No argument or block type is named ..." at the top level
/// of a file, with the closest name and every one there is.
pub(crate) fn unknown_top_level(key: &str) -> String {
    let names = TOP_LEVEL.iter().map(|(k, _)| *k);
    let hint = super::validate::closest(key, names.clone());
    let known: Vec<&str> = names.collect();
    format!(
        "unknown top-level block type{hint}; Terraform reads {}",
        known.join(", ")
    )
}

/// Adds a body under `name`: the first as it is, more as an array.
fn push_body(named: &mut Map<String, Value>, name: &str, body: Value) {
    match named.get_mut(name) {
        None => {
            named.insert(name.to_owned(), body);
        }
        Some(Value::Array(bodies)) => bodies.push(body),
        Some(first) => {
            let first = first.take();
            named.insert(name.to_owned(), Value::Array(vec![first, body]));
        }
    }
}

/// The value of a node inside a block, recording where each key and item
/// is written. A key written twice in one object adds blocks when both
/// are objects or arrays (HCL reads each as blocks of that type) and
/// otherwise keeps the last, as serde_json does.
fn body_value(node: &Node, path: &str, places: &mut BTreeMap<String, usize>) -> Value {
    match &node.kind {
        NodeKind::Scalar(v) => v.clone(),
        NodeKind::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let p = indexed(path, i);
                    places.entry(p.clone()).or_insert(item.at);
                    body_value(item, &p, places)
                })
                .collect(),
        ),
        NodeKind::Object(members) => {
            let mut out = Map::new();
            // Blocks of a key written more than once are numbered across
            // all of its properties, as validation numbers them.
            let mut blocks_so_far: BTreeMap<&str, usize> = BTreeMap::new();
            for (key, key_at, value) in members {
                let merged;
                let value = match one_object(key, path, value) {
                    Some(object) => {
                        merged = object;
                        &merged
                    }
                    None => value,
                };
                let by_name = join(path, key);
                places.entry(keyed(path, key)).or_insert(*key_at);
                places.entry(by_name.clone()).or_insert(*key_at);
                let repeated = members.iter().filter(|(k, _, _)| k == key).count() > 1;
                let value = match &value.kind {
                    NodeKind::Object(_) | NodeKind::Array(_) if repeated => {
                        let n = blocks_so_far.entry(key.as_str()).or_default();
                        let items: Vec<&Node> = match &value.kind {
                            NodeKind::Array(items) => items.iter().collect(),
                            _ => vec![value],
                        };
                        let mut blocks = Vec::with_capacity(items.len());
                        for item in items {
                            let p = indexed(&by_name, *n);
                            places.entry(p.clone()).or_insert(item.at);
                            blocks.push(body_value(item, &p, places));
                            *n += 1;
                        }
                        Value::Array(blocks)
                    }
                    _ => body_value(value, &by_name, places),
                };
                let blocks = |v: &Value| matches!(v, Value::Object(_) | Value::Array(_));
                match out.get_mut(key.as_str()) {
                    Some(first) if blocks(first) && blocks(&value) => {
                        let mut all = match first.take() {
                            Value::Array(items) => items,
                            one => vec![one],
                        };
                        match value {
                            Value::Array(items) => all.extend(items),
                            one => all.push(one),
                        }
                        *first = Value::Array(all);
                    }
                    _ => {
                        out.insert(key.clone(), value);
                    }
                }
            }
            Value::Object(out)
        }
    }
}

/// A `dynamic` block's label level, or a resource's `lifecycle`, written
/// as an array of objects, read as the one object of all their
/// properties, which is how validation reads them (a block type written
/// twice then stands for several dynamic blocks of it).
fn one_object(key: &str, path: &str, value: &Node) -> Option<Node> {
    let NodeKind::Array(items) = &value.kind else {
        return None;
    };
    if !(key == "dynamic" || (key == "lifecycle" && path.is_empty())) {
        return None;
    }
    let mut members = Vec::new();
    for item in items {
        let NodeKind::Object(inner) = &item.kind else {
            return None;
        };
        members.extend(inner.iter().cloned());
    }
    Some(Node {
        at: value.at,
        kind: NodeKind::Object(members),
    })
}

/// Where the finding at `path` of `address` is: the place recorded for
/// the path, for it with each `[0]` of a block written as one object left
/// out, or for the nearest enclosing path that has one.
pub(crate) fn place_of(places: &Places, address: &str, path: &str) -> Option<usize> {
    let paths = places.get(address)?;
    if let Some(&at) = paths.get(path) {
        return Some(at);
    }
    let unindexed = path.replace("[0]", "");
    if let Some(&at) = paths.get(&unindexed) {
        return Some(at);
    }
    let within = |p: &str, path: &str| {
        p.is_empty()
            || (path.starts_with(p) && matches!(path.as_bytes().get(p.len()), Some(b'.' | b'[')))
    };
    paths
        .iter()
        .filter(|(p, _)| within(p, path) || within(p, &unindexed))
        .max_by_key(|(p, _)| p.len())
        .map(|(_, &at)| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value, as serde_json holds it: of a key written twice, the
    /// last.
    fn to_value(node: &Node) -> Value {
        match &node.kind {
            NodeKind::Scalar(v) => v.clone(),
            NodeKind::Array(items) => Value::Array(items.iter().map(to_value).collect()),
            NodeKind::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, _, v)| (k.clone(), to_value(v)))
                    .collect(),
            ),
        }
    }

    fn parsed(text: &str) -> Node {
        serde_json::from_str::<Value>(text).unwrap();
        parse(text).unwrap()
    }

    #[test]
    fn every_property_is_kept_in_order_with_where_it_is() {
        let text = "{\"a\": 1, \"b\": [true, \"x\\\"y\"], \"a\": {}}";
        let node = parsed(text);
        let NodeKind::Object(members) = &node.kind else {
            panic!("an object")
        };
        let keys: Vec<(&str, usize)> = members.iter().map(|(k, at, _)| (k.as_str(), *at)).collect();
        assert_eq!(keys, [("a", 1), ("b", 9), ("a", 30)]);
        assert_eq!(
            to_value(&node),
            serde_json::json!({"a": {}, "b": [true, "x\"y"]})
        );
        assert_eq!(parse("[1, 2"), None);
    }

    #[test]
    fn arrays_of_objects_at_every_level_read_as_objects() {
        let text = r#"[{"resource": [{"t_a": [{"x": [{"n": 1}]}]}, {"t_a": {"y": {"n": 2}}}]},
                       {"resource": {"t_a": {"z": {}}}}, {"variable": [{"v": {}}]}]"#;
        let read = read(&parsed(text), None);
        assert_eq!(
            read.doc,
            serde_json::json!({
                "resource": {"t_a": {"x": {"n": 1}, "y": {"n": 2}, "z": {}}},
                "variable": {"v": {}},
            })
        );
        assert!(read.findings.is_empty(), "{:?}", read.findings);
        let declared: Vec<&str> = read.declared.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(declared, ["t_a.x", "t_a.y", "t_a.z"]);
        assert_eq!(place_of(&read.places, "t_a.x", "n"), text.find("\"n\""));
    }

    #[test]
    fn a_path_finds_its_place_or_the_nearest_one_around_it() {
        let places: Places = BTreeMap::from([(
            "t.x".to_owned(),
            BTreeMap::from([
                (String::new(), 1),
                ("a".to_owned(), 5),
                ("a.b".to_owned(), 9),
            ]),
        )]);
        assert_eq!(place_of(&places, "t.x", "a[0].b"), Some(9));
        assert_eq!(place_of(&places, "t.x", "a.c"), Some(5));
        assert_eq!(place_of(&places, "t.x", "z"), Some(1));
        assert_eq!(place_of(&places, "t.y", "z"), None);
    }
}
