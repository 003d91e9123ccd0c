//! A semantic diff of synthesized Terraform JSON: what changes per address,
//! attribute by attribute, and which removals are renames that Terraform
//! would turn into destroy-and-recreate.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde_json::Value;

use crate::emit::write_json_string;
use crate::tf::write_index;

/// One changed attribute: its path and the values before and after
/// (`None` where it is absent).
#[derive(Debug, Clone, PartialEq)]
pub struct AttrChange {
    /// e.g. `node_config[0].machine_type`.
    pub path: String,
    /// Before.
    pub old: Option<Value>,
    /// After.
    pub new: Option<Value>,
    /// Whether the new body's `lifecycle.ignore_changes` covers it, so
    /// Terraform does not act on it.
    pub ignored: bool,
}

/// What happens to one address.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Only in the new document.
    Added(String),
    /// Only in the old document.
    Removed(String),
    /// In both, with these attribute changes, made in place.
    Changed(String, Vec<AttrChange>),
    /// In both, but a changed attribute forces replacement: Terraform
    /// destroys the object and creates it anew.
    Replaced {
        /// The address.
        address: String,
        /// Every attribute change.
        changes: Vec<AttrChange>,
        /// The paths among them that force replacement.
        forced_by: Vec<String>,
    },
    /// Removed under one address and added under another with a similar
    /// body: Terraform destroys and recreates it unless a `moved` block
    /// says it is the same object.
    Renamed {
        /// The old address.
        from: String,
        /// The new address.
        to: String,
        /// Attribute changes besides the name.
        changes: Vec<AttrChange>,
        /// Those among them that force replacement (see
        /// [`diff_with_replacements`]): then moving the state to the new
        /// address does not keep the object either.
        forced_by: Vec<String>,
    },
    /// The root's state is to be kept somewhere else (its backend or
    /// cloud block changed): until it is moved there (`how`), Terraform
    /// finds no state at the new place, and plans to create every object
    /// again. `None` is the root's own directory.
    StateMoved {
        /// Where it is kept now.
        from: Option<String>,
        /// Where it is to be kept.
        to: Option<String>,
        /// How the state gets there.
        how: StateMove,
    },
    /// The new document's `moved` block says the object once at `from` is
    /// the one now at `to`: Terraform keeps it. Changes of its attributes
    /// are reported at `to`, against the old body, with references to
    /// moved objects read at their new addresses.
    Moved {
        /// The old address.
        from: String,
        /// The new address.
        to: String,
    },
}

/// Every top-level object of a Terraform JSON document by address:
/// `google_compute_network.vpc`, `data.x.y`, `output.o`, `var.v`,
/// `provider.google`, `locals`, `terraform`, `moved`, ...
pub fn objects(doc: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let Some(root) = doc.as_object() else {
        return out;
    };
    for (section, value) in root {
        match section.as_str() {
            "//" => {}
            "resource" | "data" => {
                let prefix = if section == "data" { "data." } else { "" };
                for (kind, named) in value.as_object().into_iter().flatten() {
                    for (name, body) in named.as_object().into_iter().flatten() {
                        out.insert(format!("{prefix}{kind}.{name}"), body.clone());
                    }
                }
            }
            "variable" | "output" | "module" | "provider" => {
                let prefix = if section == "variable" {
                    "var"
                } else {
                    section.as_str()
                };
                for (name, body) in value.as_object().into_iter().flatten() {
                    out.insert(format!("{prefix}.{name}"), body.clone());
                }
            }
            other => {
                out.insert(other.to_owned(), value.clone());
            }
        }
    }
    out
}

/// Leaf values by path: objects step in with `.key` (or `["key"]` when the
/// key is not an identifier), arrays with `[i]`.
pub fn leaves(value: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    collect(value, &mut String::new(), &mut out);
    out
}

fn collect(value: &Value, path: &mut String, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let len = path.len();
                let plain = k
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                    && !k.is_empty();
                if plain {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                } else {
                    path.push('[');
                    write_json_string(path, k);
                    path.push(']');
                }
                collect(v, path, out);
                path.truncate(len);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, v) in items.iter().enumerate() {
                let len = path.len();
                let _ = write_index(path, i as u64);
                collect(v, path, out);
                path.truncate(len);
            }
        }
        leaf => {
            out.insert(path.clone(), leaf.clone());
        }
    }
}

fn attr_changes(old: &Value, new: &Value) -> Vec<AttrChange> {
    let (a, b) = (leaves(old), leaves(new));
    let paths: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    paths
        .into_iter()
        .filter(|p| a.get(*p) != b.get(*p))
        .map(|p| AttrChange {
            path: p.clone(),
            old: a.get(p).cloned(),
            new: b.get(p).cloned(),
            ignored: false,
        })
        .collect()
}

/// Whether `address` is a resource or data source (`google_compute_network.vpc`,
/// `data.x.y`), not a variable, output, provider, module call or
/// top-level block (`locals`, `terraform`).
fn is_configured_object(address: &str) -> bool {
    address.contains('.') && !matches!(kind_of(address), "var" | "output" | "provider" | "module")
}

/// The type of an address: `google_compute_network` for
/// `google_compute_network.vpc`, `data.x` for `data.x.y`.
fn kind_of(address: &str) -> &str {
    address.rsplit_once('.').map_or(address, |(k, _)| k)
}

/// Share of leaves two bodies have in common, from 0 to 1.
fn similarity(a: &Value, b: &Value) -> f64 {
    let (a, b) = (leaves(a), leaves(b));
    let total = a.len().max(b.len());
    if total == 0 {
        return 1.0;
    }
    let same = a.iter().filter(|(k, v)| b.get(*k) == Some(v)).count();
    same as f64 / total as f64
}

/// Bodies at least this similar are taken for the same object renamed.
pub const RENAME_SIMILARITY: f64 = 0.6;

/// The `moved` blocks of a JSON document whose `from` and `to` are both
/// resource addresses (`type.name`), as (from, to).
fn moves(doc: &Value) -> Vec<(String, String)> {
    let resource = |a: &str| {
        let steps: Vec<&str> = a.split('.').collect();
        steps.len() == 2
            && steps
                .iter()
                .all(|s| !s.is_empty() && s.chars().all(is_identifier_char))
    };
    doc["moved"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| Some((m["from"].as_str()?, m["to"].as_str()?)))
        .filter(|(from, to)| resource(from) && resource(to))
        .map(|(from, to)| (from.to_owned(), to.to_owned()))
        .collect()
}

fn is_identifier_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// `text` with every reference to the address `from` (not part of a
/// longer name: `t.a` is not in `t.ab` nor in `x_t.a`) made one to `to`.
fn rename_references(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        // The character before the match: in `rest`, or, at its start,
        // the last one already written.
        let before = rest[..at].chars().last().or_else(|| out.chars().last());
        let after = rest[at + from.len()..].chars().next();
        let starts = before.is_none_or(|c| !is_identifier_char(c) && c != '.');
        let ends = after.is_none_or(|c| !is_identifier_char(c));
        out.push_str(&rest[..at]);
        out.push_str(if starts && ends { to } else { from });
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

/// `value` with [`rename_references`] applied to every string in it.
fn renamed_in(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::String(text) if text.contains(from) => *text = rename_references(text, from, to),
        Value::Array(items) => items.iter_mut().for_each(|v| renamed_in(v, from, to)),
        Value::Object(map) => map.values_mut().for_each(|v| renamed_in(v, from, to)),
        _ => {}
    }
}

/// The objects of `old` as `new`'s `moved` blocks see them: each object
/// the new document moves is at its new address, and every reference to
/// it reads the new address, as Terraform resolves them after the move.
/// Returns the objects and the moves that apply (the old document has an
/// object at `from` and none at `to`). `moved` itself is left out of both
/// sides: the moves are the change it makes.
fn with_moves_applied(
    old: &Value,
    new: &Value,
) -> (BTreeMap<String, Value>, Vec<(String, String)>) {
    let mut objects_of_old = objects(old);
    objects_of_old.remove("moved");
    let applied: Vec<(String, String)> = moves(new)
        .into_iter()
        .filter(|(from, to)| objects_of_old.contains_key(from) && !objects_of_old.contains_key(to))
        .collect();
    for (from, to) in &applied {
        if let Some(body) = objects_of_old.remove(from) {
            objects_of_old.insert(to.clone(), body);
        }
    }
    for body in objects_of_old.values_mut() {
        for (from, to) in &applied {
            renamed_in(body, from, to);
        }
    }
    (objects_of_old, applied)
}

/// The changes from `old` to `new`, sorted by address. The new
/// document's `moved` blocks are honoured: a moved object is a
/// [`Change::Moved`], never a removal and an addition.
pub fn diff_documents(old: &Value, new: &Value) -> Vec<Change> {
    let (a, moved) = with_moves_applied(old, new);
    let mut b = objects(new);
    b.remove("moved");
    let mut removed: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let mut added: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    let mut changes = Vec::new();
    // Renames: a removed and an added resource of one type with similar bodies.
    let mut renamed = Vec::new();
    for from in &removed {
        // Only managed resources have objects a rename would destroy; a
        // data source is read again under its new address.
        if !is_configured_object(from) || from.starts_with("data.") {
            continue;
        }
        let best = added
            .iter()
            .filter(|to| {
                kind_of(to) == kind_of(from)
                    && !renamed.iter().any(|(_, t): &(String, String)| t == **to)
            })
            .map(|to| (similarity(&a[*from], &b[*to]), *to))
            .filter(|(s, _)| *s >= RENAME_SIMILARITY)
            .max_by(|x, y| x.0.total_cmp(&y.0).then_with(|| y.1.cmp(x.1)));
        if let Some((_, to)) = best {
            renamed.push(((*from).clone(), to.clone()));
        }
    }
    removed.retain(|r| !renamed.iter().any(|(f, _)| f == *r));
    added.retain(|n| !renamed.iter().any(|(_, t)| t == *n));
    for (from, to) in renamed {
        let changes_besides = attr_changes(&a[&from], &b[&to]);
        changes.push(Change::Renamed {
            from,
            to,
            changes: changes_besides,
            forced_by: Vec::new(),
        });
    }
    changes.extend(removed.into_iter().map(|r| Change::Removed(r.clone())));
    changes.extend(added.into_iter().map(|n| Change::Added(n.clone())));
    changes.extend(
        moved
            .into_iter()
            .map(|(from, to)| Change::Moved { from, to }),
    );
    for (address, old_body) in &a {
        if let Some(new_body) = b.get(address) {
            let attrs = attr_changes(old_body, new_body);
            if !attrs.is_empty() {
                changes.push(Change::Changed(address.clone(), attrs));
            }
        }
    }
    changes.sort_by(|x, y| key(x).cmp(key(y)));
    changes
}

/// Which attributes and blocks of which resource types force replacement
/// when they change (a provider's `ForceNew` or `RequiresReplace`), as
/// dotted paths without list indexes: `node_config.machine_type`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequiresReplace {
    attributes: BTreeSet<(String, String)>,
    blocks: BTreeSet<(String, String)>,
}

impl RequiresReplace {
    /// Reads tables of lines `<resource type>\t<dotted path>\t<attribute
    /// or block>[\tconditional]` (`schemas/flags/requires-replace-*.tsv`);
    /// `#` lines are comments. Conditional ones (replacement only when the
    /// provider's own function says so) are left out: the diff cannot
    /// decide them.
    pub fn from_tables(tables: &[&str]) -> Self {
        let mut rules = RequiresReplace::default();
        for line in tables.iter().flat_map(|t| t.lines()) {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            let entry = |f: &[&str]| (f[0].to_owned(), f[1].to_owned());
            match fields.as_slice() {
                [_, _, "attribute"] => {
                    rules.attributes.insert(entry(&fields));
                }
                [_, _, "block"] => {
                    rules.blocks.insert(entry(&fields));
                }
                _ => {}
            }
        }
        rules
    }

    /// Whether changing the attribute at `path` (a diff path:
    /// `node_config[0].machine_type`, `labels.team`) of a resource of type
    /// `ty` forces replacement: the path or an attribute holding it is in
    /// the table. Where the provider forces replacement on
    /// `effective_labels` (computed from `labels` and the provider's
    /// `default_labels`), a change of `labels` forces it too.
    pub fn forces(&self, ty: &str, path: &str) -> bool {
        let plain = without_indexes(path);
        let rule = |p: &str| self.attributes.contains(&(ty.to_owned(), p.to_owned()));
        let mut prefix = String::new();
        plain.split('.').any(|step| {
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(step);
            rule(&prefix)
        }) || (within(&plain, "labels") && rule("effective_labels"))
    }

    /// The blocks of `ty` whose adding or removing forces replacement.
    fn blocks_of<'r>(&'r self, ty: &'r str) -> impl Iterator<Item = &'r str> + 'r {
        self.blocks
            .iter()
            .filter(move |(t, _)| t == ty)
            .map(|(_, p)| p.as_str())
    }
}

/// `node_config[0].machine_type` as `node_config.machine_type`; a quoted
/// key (`labels["a.b"]`) ends the path there.
fn without_indexes(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        if rest[open + 1..].starts_with('"') {
            return out;
        }
        rest = rest[open..].split_once(']').map_or("", |(_, after)| after);
    }
    out.push_str(rest);
    out
}

/// Whether the dotted path `path` is `at` or lies inside it.
fn within(path: &str, at: &str) -> bool {
    path.strip_prefix(at)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// How many blocks at the dotted block path `block` (through the first
/// block of each enclosing list) a resource body holds.
fn block_count(body: &Value, block: &str) -> usize {
    let mut here = body;
    let steps: Vec<&str> = block.split('.').collect();
    for (i, step) in steps.iter().enumerate() {
        here = &here[*step];
        if i + 1 < steps.len() {
            here = match here {
                Value::Array(items) => items.first().unwrap_or(&Value::Null),
                other => other,
            };
        }
    }
    match here {
        Value::Array(items) => items.len(),
        Value::Null => 0,
        _ => 1,
    }
}

/// Whether the resource body `body` tells Terraform to ignore changes of
/// `path` (`lifecycle.ignore_changes`: `all`, the path, or a prefix).
fn ignored(body: &Value, path: &str) -> bool {
    match &body["lifecycle"]["ignore_changes"] {
        Value::String(all) => all == "all",
        Value::Array(paths) => {
            let plain = without_indexes(path);
            paths
                .iter()
                .filter_map(Value::as_str)
                .any(|p| within(&plain, &without_indexes(p)))
        }
        _ => false,
    }
}

/// [`diff_documents`], with the in-place changes of resources that
/// `rules` says force replacement made [`Change::Replaced`]. A change
/// the new body's `lifecycle.ignore_changes` covers forces nothing:
/// Terraform does not act on it.
pub fn diff_with_replacements(old: &Value, new: &Value, rules: &RequiresReplace) -> Vec<Change> {
    let (old_bodies, bodies) = (with_moves_applied(old, new).0, objects(new));
    let mut changes: Vec<Change> = diff_documents(old, new)
        .into_iter()
        .map(|change| match change {
            Change::Changed(address, mut changes) if !address.starts_with("data.") => {
                let ty = kind_of(&address);
                let body = &bodies[&address];
                for c in &mut changes {
                    c.ignored = ignored(body, &c.path);
                }
                let old_body = &old_bodies[&address];
                let mut forced_by = forcing_attributes(&changes, ty, body, rules);
                forced_by.extend(
                    rules
                        .blocks_of(ty)
                        .filter(|b| {
                            block_count(old_body, b) != block_count(body, b) && !ignored(body, b)
                        })
                        .map(str::to_owned),
                );
                if forced_by.is_empty() {
                    Change::Changed(address, changes)
                } else {
                    Change::Replaced {
                        address,
                        changes,
                        forced_by,
                    }
                }
            }
            Change::Renamed {
                from, to, changes, ..
            } => {
                let forced_by = forcing_attributes(&changes, kind_of(&to), &bodies[&to], rules);
                Change::Renamed {
                    from,
                    to,
                    changes,
                    forced_by,
                }
            }
            other => other,
        })
        .collect();
    replaced_through_references(&mut changes, &bodies, rules);
    if let Some(moved) = state_move(old, new) {
        changes.insert(0, moved);
    }
    changes
}

/// Where a Terraform JSON document keeps its state, from its `terraform`
/// block as written: a `cloud` block, or the `remote` backend (HCP
/// Terraform's older way in) naming one workspace, is HCP Terraform; any
/// other backend is as [`crate::tf::TerraformBlock::state_location`]
/// names it. `None` when it cannot be told: workspaces chosen by tags or
/// by a prefix.
fn state_place(doc: &Value) -> Option<Place> {
    use crate::tf::{Backend, Cloud, CloudWorkspaces, TerraformBlock};
    let t = &doc["terraform"];
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let mut backend = t["backend"].as_object().and_then(|b| b.iter().next());
    let mut c = &t["cloud"];
    if let Some(("remote", settings)) = backend.map(|(k, v)| (k.as_str(), v)) {
        c = settings;
        backend = None;
    }
    let cloud = if c.is_object() {
        let name = text(&c["workspaces"]["name"])?;
        Some(Cloud {
            organization: text(&c["organization"]).unwrap_or_default(),
            hostname: text(&c["hostname"]),
            workspaces: CloudWorkspaces::Name(name),
            project: None,
        })
    } else {
        None
    };
    let organization_and_host = cloud.as_ref().map(|c| {
        (
            c.organization.to_ascii_lowercase(),
            crate::tf::Cloud::normal_host(c.hostname.as_deref()),
        )
    });
    let backend = backend.map(|(kind, settings)| Backend {
        kind: kind.clone(),
        settings: settings
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.clone(), crate::tf::Expression::from(v.as_str()?))))
            .collect(),
    });
    let location = TerraformBlock {
        backend,
        cloud,
        ..TerraformBlock::default()
    }
    .state_location();
    Some(Place {
        location,
        cloud: organization_and_host,
    })
}

/// The paths among `changes` of a `ty` resource whose new body is `body`
/// that force replacement and that `lifecycle.ignore_changes` does not
/// cover.
fn forcing_attributes(
    changes: &[AttrChange],
    ty: &str,
    body: &Value,
    rules: &RequiresReplace,
) -> Vec<String> {
    changes
        .iter()
        .filter(|c| rules.forces(ty, &c.path) && !ignored(body, &c.path))
        .map(|c| c.path.clone())
        .collect()
}

/// A resource that refers to a replaced object (`${google_container_cluster.primary.id}`)
/// in an attribute that forces replacement is replaced too: its value is
/// known only after the new object exists. Followed until nothing more
/// is replaced; the path is listed as `path (refers to address)`.
fn replaced_through_references(
    changes: &mut Vec<Change>,
    bodies: &BTreeMap<String, Value>,
    rules: &RequiresReplace,
) {
    loop {
        let replaced: Vec<String> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Replaced { address, .. } => Some(address.clone()),
                Change::Renamed { to, .. } => Some(to.clone()),
                _ => None,
            })
            .collect();
        // Objects created anew either way: replaced ones and added ones.
        let new_anyway = |address: &String| {
            replaced.contains(address)
                || changes
                    .iter()
                    .any(|c| matches!(c, Change::Added(a) if a == address))
        };
        let mut more = Vec::new();
        for (address, body) in bodies {
            if address.starts_with("data.") || !is_configured_object(address) || new_anyway(address)
            {
                continue;
            }
            let ty = kind_of(address);
            let forcing: Vec<String> = leaves(body)
                .into_iter()
                .filter_map(|(path, value)| {
                    let text = value.as_str()?;
                    let target = replaced
                        .iter()
                        .find(|r| text.contains("${") && text.contains(&format!("{r}.")))?;
                    (rules.forces(ty, &path) && !ignored(body, &path))
                        .then(|| format!("{path} (refers to {target})"))
                })
                .collect();
            if !forcing.is_empty() {
                more.push((address.clone(), forcing));
            }
        }
        if more.is_empty() {
            return;
        }
        for (address, forcing) in more {
            // Its in-place change, if any (a moved object has its move
            // too, which stays).
            match changes
                .iter()
                .position(|c| matches!(c, Change::Changed(a, _) if *a == address))
            {
                Some(i) => {
                    if let Change::Changed(_, attrs) = &mut changes[i] {
                        let attrs = std::mem::take(attrs);
                        changes[i] = Change::Replaced {
                            address,
                            changes: attrs,
                            forced_by: forcing,
                        };
                    }
                }
                None => changes.push(Change::Replaced {
                    address,
                    changes: Vec::new(),
                    forced_by: forcing,
                }),
            }
        }
        changes.sort_by(|x, y| key(x).cmp(key(y)));
    }
}

fn key(c: &Change) -> &str {
    match c {
        Change::Added(a) | Change::Removed(a) | Change::Changed(a, _) => a,
        Change::Replaced { address, .. } => address,
        Change::Renamed { to, .. } | Change::Moved { to, .. } => to,
        Change::StateMoved { .. } => "terraform",
    }
}

/// A place a root's state is kept, as `diff` shows it: its own directory
/// when `None`.
fn place(at: &Option<String>) -> &str {
    at.as_deref().unwrap_or("the root's directory")
}

/// How a changed value is shown, before and after: as [`show`] shows
/// each, unless that elides both alike (a long text changed in its
/// middle); then each is shown around the first character where they
/// differ, so the line always shows what changed.
pub fn show_change(old: &Option<Value>, new: &Option<Value>) -> (String, String) {
    const BEFORE: usize = 24;
    const AFTER: usize = 44;
    let (a, b) = (show(old), show(new));
    if a != b {
        return (a, b);
    }
    let text = |v: &Option<Value>| v.as_ref().map_or_else(String::new, Value::to_string);
    let (ta, tb): (Vec<char>, Vec<char>) =
        (text(old).chars().collect(), text(new).chars().collect());
    let at = ta.iter().zip(&tb).take_while(|(x, y)| x == y).count();
    let window = |t: &[char]| {
        let start = at.saturating_sub(BEFORE);
        let end = (at + AFTER).min(t.len());
        let mut out = String::new();
        if start > 0 {
            out.push('…');
        }
        out.extend(&t[start..end]);
        if end < t.len() {
            out.push('…');
        }
        out
    };
    (window(&ta), window(&tb))
}

/// How a value is shown: JSON, long ones elided in the middle.
pub fn show(value: &Option<Value>) -> String {
    const MAX: usize = 72;
    let Some(v) = value else {
        return "(absent)".to_owned();
    };
    let text = v.to_string();
    let count = text.chars().count();
    if count <= MAX {
        return text;
    }
    let head: String = text.chars().take(MAX / 2).collect();
    let tail: String = text.chars().skip(count - MAX / 2 + 3).collect();
    format!("{head}…{tail}")
}

/// Colors for a terminal, or none.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// ANSI colors when `color`.
    pub fn new(color: bool) -> Style {
        Style { color }
    }
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

/// What the reader of a diff can do to keep an object that a rename would
/// destroy and recreate.
#[derive(Debug, Clone, Copy)]
pub enum Keep<'a> {
    /// The stack is Rust code: a `moved` block, written by
    /// `stack.moved(from, &handle)`, tells Terraform it is the same object.
    Code,
    /// The stack comes from settings: the new address comes from a value
    /// in them, which can be set back, or the object's state moved to the
    /// new address before the root is applied.
    Settings {
        /// The settings files, as named to the user (`stacks/hello.toml`).
        files: &'a str,
        /// The root's directory, for `terraform -chdir=...`.
        root_dir: &'a str,
    },
}

/// A word for a POSIX shell: in single quotes, each `'` written as `'\''`.
fn shell_word(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// Renders one file's changes as the diff command prints them; `keep`
/// says how a renamed object is kept.
pub fn render(file: &str, changes: &[Change], style: Style, keep: Keep<'_>, out: &mut String) {
    let _ = writeln!(out, "{}", style.paint("1", file));
    for change in changes {
        match change {
            Change::StateMoved { from, to, how } => {
                let dir = std::path::Path::new(file)
                    .parent()
                    .map_or_else(|| ".".to_owned(), |d| d.display().to_string());
                let _ = writeln!(
                    out,
                    "  {}",
                    style.paint(
                        "35",
                        &format!("! state moves: {} -> {}", place(from), place(to))
                    )
                );
                let _ = writeln!(
                    out,
                    "      {}, before any plan or apply: until then the new place holds no \
                     state, and terraform would plan to create every object again",
                    how.advice(&dir)
                );
            }
            Change::Added(a) => {
                let _ = writeln!(out, "  {}", style.paint("32", &format!("+ {a}")));
            }
            Change::Removed(a) => {
                let _ = writeln!(out, "  {}", style.paint("31", &format!("- {a}")));
            }
            Change::Changed(a, attrs) => {
                let _ = writeln!(out, "  {}", style.paint("33", &format!("~ {a}")));
                render_attrs(attrs, &[], out);
            }
            Change::Replaced {
                address,
                changes,
                forced_by,
            } => {
                let _ = writeln!(
                    out,
                    "  {}",
                    style.paint(
                        "35",
                        &format!(
                            "-/+ {address}: replaces it; terraform would destroy and recreate it"
                        )
                    )
                );
                render_attrs(changes, forced_by, out);
            }
            Change::Renamed {
                from,
                to,
                changes,
                forced_by,
            } if !forced_by.is_empty() => {
                let _ = writeln!(
                    out,
                    "  {}",
                    style.paint(
                        "35",
                        &format!(
                            "-/+ {from} -> {to}: renamed, and replaces it; terraform would destroy and recreate it"
                        )
                    )
                );
                let undo = match keep {
                    Keep::Code => "undo the change".to_owned(),
                    Keep::Settings { files, .. } => format!("set the value in {files} back"),
                };
                let _ = writeln!(
                    out,
                    "      a moved block or terraform state mv would not keep it: the attributes marked \
                     below force replacement; to keep it, {undo}"
                );
                render_attrs(changes, forced_by, out);
            }
            Change::Moved { from, to } => {
                let _ = writeln!(
                    out,
                    "  {}",
                    style.paint(
                        "36",
                        &format!("> {from} -> {to}: moved; a moved block keeps the object")
                    )
                );
            }
            Change::Renamed {
                from, to, changes, ..
            } => {
                let _ = writeln!(
                    out,
                    "  {}",
                    style.paint(
                        "35",
                        &format!(
                            "! {from} -> {to}: a rename; terraform would destroy and recreate it"
                        )
                    )
                );
                match keep {
                    Keep::Code => {
                        let _ = writeln!(
                            out,
                            "      to keep the object, add `stack.moved(\"{from}\", &handle)`, which writes:"
                        );
                        let _ = writeln!(out, "      moved {{");
                        let _ = writeln!(out, "        from = {from}");
                        let _ = writeln!(out, "        to   = {to}");
                        let _ = writeln!(out, "      }}");
                    }
                    Keep::Settings { files, root_dir } => {
                        let _ = writeln!(
                            out,
                            "      its name comes from a value in {files}: to keep the object, set that value back,"
                        );
                        let _ = writeln!(
                            out,
                            "      or keep the new value and move the object's state to it before applying:"
                        );
                        let _ = writeln!(
                            out,
                            "        terraform -chdir={} state mv {} {}",
                            shell_word(root_dir),
                            shell_word(from),
                            shell_word(to)
                        );
                    }
                }
                render_attrs(changes, &[], out);
            }
        }
    }
}

/// The attribute lines; those in `forcing` are marked as forcing
/// replacement.
fn render_attrs(attrs: &[AttrChange], forcing: &[String], out: &mut String) {
    for forced in forcing
        .iter()
        .filter(|f| !attrs.iter().any(|a| &a.path == *f))
    {
        // `network (refers to google_compute_network.vpc)`: its value is
        // known only once the object it refers to is replaced.
        let why = if forced.contains(" (refers to ") {
            "its value is known only after that object is replaced"
        } else {
            "a block added or removed"
        };
        let _ = writeln!(out, "      {forced}: {why}  (forces replacement)");
    }
    for attr in attrs {
        let path = if attr.path.is_empty() {
            "(value)"
        } else {
            attr.path.as_str()
        };
        let (old, new) = show_change(&attr.old, &attr.new);
        let _ = writeln!(
            out,
            "      {path}: {old} -> {new}{}",
            if forcing.contains(&attr.path) {
                "  (forces replacement)"
            } else if attr.ignored {
                "  (ignored: lifecycle ignore_changes)"
            } else {
                ""
            }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// How each kind of backend change moves a root's state, as
    /// `terraform init` treats it.
    #[test]
    fn a_state_move_is_carried_out_as_terraform_init_allows_for_its_kind() {
        let gcs = |prefix: &str| json!({"terraform": {"backend": {"gcs": {"bucket": "b", "prefix": prefix}}}});
        let cloud = |org: &str, name: &str, host: Option<&str>| {
            let mut c = json!({"organization": org, "workspaces": {"name": name}});
            if let Some(host) = host {
                c["hostname"] = json!(host);
            }
            json!({"terraform": {"cloud": c}})
        };
        let none = json!({"terraform": {"required_version": ">= 1.7"}});
        let how = |old: &Value, new: &Value| match state_move(old, new) {
            Some(Change::StateMoved { how, .. }) => Some(how),
            _ => None,
        };
        let table = [
            (gcs("a"), gcs("a"), None),
            (gcs("a"), gcs("b"), Some(StateMove::MigrateState)),
            (none.clone(), gcs("a"), Some(StateMove::MigrateState)),
            (gcs("a"), none.clone(), Some(StateMove::MigrateState)),
            (gcs("a"), cloud("o", "w", None), Some(StateMove::IntoCloud)),
            (
                none.clone(),
                cloud("o", "w", None),
                Some(StateMove::IntoCloud),
            ),
            // HTTPS's port is the host's own.
            (
                cloud("o", "w", None),
                cloud("o", "w", Some("app.terraform.io:443")),
                None,
            ),
            // The remote backend on the same workspace is the same place.
            (
                json!({"terraform": {"backend": {"remote": {"organization": "o", "workspaces": {"name": "w"}}}}}),
                cloud("o", "w", None),
                None,
            ),
            (
                json!({"terraform": {"backend": {"remote": {"organization": "o", "workspaces": {"name": "w"}}}}}),
                cloud("o", "w2", None),
                Some(StateMove::RenameWorkspace),
            ),
            // Workspaces chosen by tags: where the state is cannot be told.
            (
                json!({"terraform": {"cloud": {"organization": "o", "workspaces": {"tags": ["t"]}}}}),
                cloud("o", "w", None),
                None,
            ),
            (
                cloud("o", "w", None),
                cloud("o", "w2", None),
                Some(StateMove::RenameWorkspace),
            ),
            // Names are compared without regard to case, the default host
            // is app.terraform.io.
            (
                cloud("O", "W", None),
                cloud("o", "w", Some("APP.terraform.io")),
                None,
            ),
            (
                cloud("o", "w", None),
                cloud("o2", "w", None),
                Some(StateMove::PullAndPush),
            ),
            (
                cloud("o", "w", None),
                cloud("o", "w", Some("tfe.example.com")),
                Some(StateMove::PullAndPush),
            ),
            (
                cloud("o", "w", None),
                gcs("a"),
                Some(StateMove::PullAndPush),
            ),
            (
                cloud("o", "w", None),
                none.clone(),
                Some(StateMove::PullAndPush),
            ),
            // A root that is new or gone has no state to move.
            (Value::Null, cloud("o", "w", None), None),
            (cloud("o", "w", None), Value::Null, None),
        ];
        for (old, new, want) in table {
            assert_eq!(how(&old, &new), want, "{old} -> {new}");
        }
    }

    #[test]
    fn a_moved_object_is_kept_and_references_to_it_are_not_changes() {
        // The namespace moves from `app` to `hello`; the deployment that
        // refers to it, and depends on it, moves too. Nothing is
        // destroyed, and the rewritten references are no changes.
        let old = json!({"resource": {
            "k_namespace": {"app": {"name": "hello"}},
            "k_deployment": {"app": {
                "namespace": "${k_namespace.app.name}",
                "depends_on": ["k_namespace.app"],
                "replicas": 1}},
            "k_other": {"apps": {"note": "${k_namespace.apps.name} k_namespace.app_x"}}
        }});
        let new = json!({
            "resource": {
                "k_namespace": {"hello": {"name": "hello"}},
                "k_deployment": {"hello": {
                    "namespace": "${k_namespace.hello.name}",
                    "depends_on": ["k_namespace.hello"],
                    "replicas": 2}},
                "k_other": {"apps": {"note": "${k_namespace.apps.name} k_namespace.app_x"}}
            },
            "moved": [
                {"from": "k_namespace.app", "to": "k_namespace.hello"},
                {"from": "k_deployment.app", "to": "k_deployment.hello"},
                {"from": "k_gone.x", "to": "k_gone.y"}
            ]
        });
        let rules = RequiresReplace::from_tables(&["k_deployment\tnamespace\tattribute\n"]);
        assert_eq!(
            diff_with_replacements(&old, &new, &rules),
            [
                Change::Moved {
                    from: "k_deployment.app".into(),
                    to: "k_deployment.hello".into()
                },
                Change::Changed(
                    "k_deployment.hello".into(),
                    vec![AttrChange {
                        path: "replicas".into(),
                        old: Some(json!(1)),
                        new: Some(json!(2)),
                        ignored: false,
                    }]
                ),
                Change::Moved {
                    from: "k_namespace.app".into(),
                    to: "k_namespace.hello".into()
                },
            ]
        );
        // Without the moved blocks, the same change is a rename that
        // destroys.
        let mut unmoved = new.clone();
        unmoved.as_object_mut().unwrap().remove("moved");
        assert!(
            diff_documents(&old, &unmoved)
                .iter()
                .any(|c| matches!(c, Change::Renamed { .. })),
        );
    }

    #[test]
    fn replacement_follows_references_to_moved_and_past_added_objects() {
        // `t_b.moved` moves and must be replaced because `t_a.x` is; the
        // new `t_b.added` refers to `t_a.x` too, and is created anyway.
        // Both once: the search for what else is replaced ends.
        let old = json!({"resource": {
            "t_a": {"x": {"name": "one"}},
            "t_b": {"old": {"parent": "${t_a.x.id}"}}
        }});
        let new = json!({
            "resource": {
                "t_a": {"x": {"name": "two"}},
                "t_b": {
                    "moved": {"parent": "${t_a.x.id}"},
                    "added": {"parent": "${t_a.x.id}"}
                }
            },
            "moved": [{"from": "t_b.old", "to": "t_b.moved"}]
        });
        let rules =
            RequiresReplace::from_tables(&["t_a\tname\tattribute\nt_b\tparent\tattribute\n"]);
        let changes = diff_with_replacements(&old, &new, &rules);
        let replaced: Vec<&str> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Replaced { address, .. } => Some(address.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(replaced, ["t_a.x", "t_b.moved"], "{changes:#?}");
        assert!(changes.contains(&Change::Added("t_b.added".into())));
        assert!(changes.contains(&Change::Moved {
            from: "t_b.old".into(),
            to: "t_b.moved".into()
        }));
    }

    #[test]
    fn a_data_source_under_a_new_name_is_read_again_not_renamed() {
        let body = json!({"image_name": "web:1.0.0", "location": "eu", "repository_id": "r"});
        let old = json!({"data": {"d_image": {"hello": body}}});
        let new = json!({"data": {"d_image": {"web": body}}});
        assert_eq!(
            diff_documents(&old, &new),
            [
                Change::Removed("data.d_image.hello".into()),
                Change::Added("data.d_image.web".into()),
            ]
        );
    }

    #[test]
    fn a_long_text_changed_in_its_middle_shows_where_it_changed() {
        let long = |word: &str| Some(json!(format!("{}{word}{}", "a".repeat(80), "z".repeat(80))));
        let (old, new) = show_change(&long("hello-hello"), &long("hello-web"));
        assert_ne!(old, new);
        assert!(
            old.contains("hello-hello") && new.contains("hello-web"),
            "{old} / {new}"
        );
        assert!(old.starts_with('…') && old.ends_with('…'), "{old}");
        // Short or differently elided values are shown as show() shows them.
        let (a, b) = (Some(json!("x")), Some(json!("y")));
        assert_eq!(show_change(&a, &b), (show(&a), show(&b)));
        assert_eq!(show_change(&None, &b), ("(absent)".to_owned(), show(&b)));
    }

    #[test]
    fn a_reference_is_renamed_only_where_it_is_the_whole_address() {
        let cases = [
            ("${t.a.id}", "${t.b.id}"),
            ("t.a", "t.b"),
            ("${t.a[0].id}", "${t.b[0].id}"),
            ("${t.ab.id}", "${t.ab.id}"),
            ("${x_t.a.id}", "${x_t.a.id}"),
            ("${data.t.a.id}", "${data.t.a.id}"),
            ("${t.a-1.id}", "${t.a-1.id}"),
            ("${t.a.id} ${t.a.name}", "${t.b.id} ${t.b.name}"),
            ("${f(t.a.id,t.a.x)}", "${f(t.b.id,t.b.x)}"),
        ];
        for (text, want) in cases {
            assert_eq!(rename_references(text, "t.a", "t.b"), want, "{text}");
        }
    }

    #[test]
    fn one_changed_setting_is_one_changed_attribute() {
        let old = json!({"resource": {"t_a": {"x": {"size": 1, "name": "n"}}}});
        let new = json!({"resource": {"t_a": {"x": {"size": 2, "name": "n"}}}});
        assert_eq!(
            diff_documents(&old, &new),
            [Change::Changed(
                "t_a.x".into(),
                vec![AttrChange {
                    path: "size".into(),
                    old: Some(json!(1)),
                    new: Some(json!(2)),
                    ignored: false,
                }]
            )]
        );
        assert!(diff_documents(&old, &old).is_empty());
    }

    #[test]
    fn a_similar_body_under_a_new_name_is_a_rename_not_a_new_object() {
        let body = json!({"name": "n", "region": "r", "cidr": "10.0.0.0/8", "flag": true});
        let old = json!({"resource": {"t_a": {"old": body}}});
        let new = json!({"resource": {"t_a": {"new": body}, "t_b": {"other": {"z": 1}}}});
        let changes = diff_documents(&old, &new);
        assert_eq!(
            changes,
            [
                Change::Renamed {
                    from: "t_a.old".into(),
                    to: "t_a.new".into(),
                    changes: vec![],
                    forced_by: vec![],
                },
                Change::Added("t_b.other".into()),
            ]
        );
    }

    #[test]
    fn paths_quote_keys_that_are_not_names_and_index_list_items() {
        let value = json!({
            "labels": { "app.kubernetes.io/name": "x", "a\"b": 1, "team": "web" },
            "list": [1, { "k": 2 }]
        });
        assert_eq!(
            leaves(&value).into_keys().collect::<Vec<_>>(),
            [
                "labels.team",
                "labels[\"a\\\"b\"]",
                "labels[\"app.kubernetes.io/name\"]",
                "list[0]",
                "list[1].k",
            ]
        );
    }

    #[test]
    fn a_rename_says_how_to_keep_the_object_in_the_stack_s_own_terms() {
        let changes = [Change::Renamed {
            from: "t_a.old".into(),
            to: "t_a.new".into(),
            changes: vec![],
            forced_by: vec![],
        }];
        let mut code = String::new();
        render("f", &changes, Style::new(false), Keep::Code, &mut code);
        assert!(
            code.contains("add `stack.moved(\"t_a.old\", &handle)`, which writes:\n      moved {\n        from = t_a.old\n        to   = t_a.new\n      }\n"),
            "{code}"
        );
        let mut settings = String::new();
        let keep = Keep::Settings {
            files: "stacks/s.toml",
            root_dir: "out/s's/root",
        };
        render("f", &changes, Style::new(false), keep, &mut settings);
        assert!(!settings.contains("stack.moved"), "{settings}");
        assert!(
            settings.contains("terraform -chdir='out/s'\\''s/root' state mv 't_a.old' 't_a.new'\n"),
            "{settings}"
        );
    }

    /// The kind: a change replaces the object when its path, or a prefix
    /// of it, forces replacement for the resource's type, unless the new
    /// body's `lifecycle.ignore_changes` covers it.
    #[test]
    fn a_change_replaces_the_object_when_its_attribute_forces_replacement() {
        let rules = RequiresReplace::from_tables(&[
            "# comment\ngoogle_container_node_pool\tinitial_node_count\tattribute\n\
             google_container_node_pool\tnode_config.disk_type\tattribute\n\
             google_container_node_pool\tnode_config\tblock\n\
             google_compute_subnetwork\tsecondary_ip_range\tattribute\n\
             google_compute_global_address\teffective_labels\tattribute\n\
             google_compute_network\tname\tattribute\tconditional\n",
        ]);
        let pool = |count: u32, disk: &str, ignore: Option<Value>| {
            let mut body = json!({
                "initial_node_count": count,
                "node_config": [{"disk_type": disk, "labels": {"a.b": "x"}}],
            });
            if let Some(ignore) = ignore {
                body["lifecycle"] = json!({ "ignore_changes": ignore });
            }
            json!({"resource": {"google_container_node_pool": {"p": body}}})
        };
        let forced = |old: &Value, new: &Value| -> Vec<String> {
            diff_with_replacements(old, new, &rules)
                .into_iter()
                .flat_map(|c| match c {
                    Change::Replaced { forced_by, .. } => forced_by,
                    _ => Vec::new(),
                })
                .collect()
        };
        let before = pool(1, "pd-standard", None);
        for (after, expected) in [
            (pool(2, "pd-standard", None), vec!["initial_node_count"]),
            (pool(1, "pd-ssd", None), vec!["node_config[0].disk_type"]),
            (
                pool(2, "pd-standard", Some(json!(["initial_node_count"]))),
                vec![],
            ),
            (pool(2, "pd-ssd", Some(json!("all"))), vec![]),
            (pool(1, "pd-ssd", Some(json!(["node_config"]))), vec![]),
            (
                pool(1, "pd-ssd", Some(json!(["node_config[0].labels"]))),
                vec!["node_config[0].disk_type"],
            ),
        ] {
            assert_eq!(forced(&before, &after), expected, "{after}");
        }
        let subnet = |range: &str| {
            json!({"resource": {"google_compute_subnetwork": {"s": {
                "secondary_ip_range": [{"range_name": "pods", "ip_cidr_range": range}]
            }}}})
        };
        assert_eq!(
            forced(&subnet("10.0.0.0/14"), &subnet("10.4.0.0/14")),
            ["secondary_ip_range[0].ip_cidr_range"]
        );
        // A block forces replacement when it is added or removed, not when
        // an attribute of it that does not changes.
        let no_config =
            json!({"resource": {"google_container_node_pool": {"p": {"initial_node_count": 1}}}});
        assert_eq!(
            forced(&no_config, &before),
            ["node_config[0].disk_type", "node_config"]
        );
        assert!(forced(&pool(1, "pd-standard", None), &{
            let mut b = pool(1, "pd-standard", None);
            b["resource"]["google_container_node_pool"]["p"]["node_config"][0]["labels"]["a.b"] = json!("y");
            b
        }).is_empty());
        // Labels are copied into effective_labels, which forces replacement here.
        let address = |team: &str| json!({"resource": {"google_compute_global_address": {"a": {"labels": {"team": team}}}}});
        assert_eq!(forced(&address("a"), &address("b")), ["labels.team"]);
        // Conditional rules are the provider's to decide: never claimed.
        let net = |n: &str| json!({"resource": {"google_compute_network": {"n": {"name": n}}}});
        assert!(forced(&net("a"), &net("b")).is_empty());
        assert!(rules.forces("google_container_node_pool", "node_config[0].disk_type"));
        assert!(!rules.forces(
            "google_container_node_pool",
            "node_config[0].labels[\"a.b\"]"
        ));
    }

    /// The kind: replacement follows references in attributes that force
    /// replacement, through as many objects as refer on.
    #[test]
    fn an_object_that_refers_to_a_replaced_one_where_it_forces_replacement_is_replaced_too() {
        let rules = RequiresReplace::from_tables(&[
            "c\tname\tattribute\np\tcluster\tattribute\nm\tpool\tattribute\n",
        ]);
        let doc = |name: &str| {
            json!({"resource": {
                "c": {"x": {"name": name}},
                "p": {"y": {"cluster": "${c.x.name}", "labels": "${c.x.id}"}},
                "m": {"z": {"pool": "${p.y.id}"}},
                "q": {"w": {"other": "${c.x.id}"}},
            }})
        };
        let replaced: Vec<(String, Vec<String>)> =
            diff_with_replacements(&doc("a"), &doc("b"), &rules)
                .into_iter()
                .filter_map(|c| match c {
                    Change::Replaced {
                        address, forced_by, ..
                    } => Some((address, forced_by)),
                    _ => None,
                })
                .collect();
        assert_eq!(
            replaced,
            [
                ("c.x".to_owned(), vec!["name".to_owned()]),
                ("m.z".to_owned(), vec!["pool (refers to p.y)".to_owned()]),
                ("p.y".to_owned(), vec!["cluster (refers to c.x)".to_owned()]),
            ]
        );
    }

    #[test]
    fn a_replacement_is_shown_with_the_attribute_that_forces_it() {
        let mut out = String::new();
        let changes = [Change::Replaced {
            address: "google_container_node_pool.p".to_owned(),
            changes: vec![
                AttrChange {
                    path: "initial_node_count".to_owned(),
                    old: Some(json!(1)),
                    new: Some(json!(2)),
                    ignored: false,
                },
                AttrChange {
                    path: "autoscaling[0].min_node_count".to_owned(),
                    old: Some(json!(1)),
                    new: Some(json!(2)),
                    ignored: false,
                },
            ],
            forced_by: vec!["initial_node_count".to_owned()],
        }];
        render(
            "main.tf.json",
            &changes,
            Style::new(false),
            Keep::Code,
            &mut out,
        );
        assert_eq!(
            out,
            "main.tf.json\n  -/+ google_container_node_pool.p: replaces it; terraform would destroy and recreate it\n      \
             initial_node_count: 1 -> 2  (forces replacement)\n      autoscaling[0].min_node_count: 1 -> 2\n"
        );
    }

    #[test]
    fn long_values_are_elided_in_the_middle() {
        let long = Some(json!("x".repeat(200)));
        let shown = show(&long);
        assert!(shown.chars().count() <= 72 && shown.contains('…'));
    }
}

/// The generated files of `stacks` as they were, by path relative to the
/// output directory: those tfsynth wrote (see [`crate::output`]) below a
/// directory, or in a git revision of the output directory.
#[cfg(feature = "gke")]
pub mod before {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use crate::output;

    /// The files tfsynth wrote for `stacks` (`None`: every stack, those
    /// whose settings are gone too) below `base` (the output directory, or
    /// another to compare with). A missing `base` holds nothing: every file
    /// is new.
    ///
    /// # Errors
    ///
    /// A directory or file that cannot be read, named.
    pub fn in_dir(
        base: &Path,
        stacks: Option<&[String]>,
    ) -> Result<BTreeMap<PathBuf, String>, String> {
        let mut files = BTreeMap::new();
        for rel in output::owned_files(base, stacks).map_err(|e| e.to_string())? {
            let text = std::fs::read_to_string(base.join(&rel))
                .map_err(|e| format!("{}: {e}", rel.display()))?;
            files.insert(rel, text);
        }
        Ok(files)
    }

    /// The files tfsynth wrote for `stacks` (`None`: every stack) in the
    /// output directory `out` (relative to the repository in `dir`) as
    /// committed in `rev`, read with `git ls-tree` and `git show`.
    ///
    /// # Errors
    ///
    /// When git cannot run or fails (an unknown revision), with its message.
    pub fn in_git(
        dir: &Path,
        out: &Path,
        rev: &str,
        stacks: Option<&[String]>,
    ) -> Result<BTreeMap<PathBuf, String>, String> {
        let git = |args: &[&str]| -> Result<String, String> {
            let output = std::process::Command::new("git")
                .arg("-C")
                .arg(dir)
                .args(args)
                .output()
                .map_err(|e| format!("git: cannot run: {e}"))?;
            if !output.status.success() {
                return Err(format!(
                    "git {}: {}",
                    args.join(" "),
                    String::from_utf8_lossy(&output.stderr).trim()
                ));
            }
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        };
        // Git lists paths from `dir` (the project directory, which may be
        // below the top of the repository), so the output directory is
        // named from there too, even when given as an absolute path.
        let prefix = output::within_project(dir, out)
            .unwrap_or_else(|_| out.to_string_lossy().trim_end_matches('/').to_owned());
        let listing = git(&["ls-tree", "-r", "--name-only", rev, "--", &prefix])?;
        let mut files = BTreeMap::new();
        for path in listing.lines() {
            let Some(rel) = path.strip_prefix(&format!("{prefix}/")) else {
                continue;
            };
            let rel = PathBuf::from(rel);
            if stacks.is_some_and(|stacks| !stacks.iter().any(|s| rel.starts_with(s))) {
                continue;
            }
            // `REV:./PATH` is from `dir`; `REV:PATH` would be from the top
            // of the repository.
            let text = git(&["show", &format!("{rev}:./{path}")])?;
            if output::is_owned(&rel, &text) {
                files.insert(rel, text);
            }
        }
        Ok(files)
    }
}

/// How a root's state gets to its new place, by what `terraform init`
/// does for the change (Terraform's `internal/command/meta_backend.go`,
/// `meta_backend_migrate.go` and `internal/cloud/migration.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateMove {
    /// Between backends (the root's own directory counting as one):
    /// `terraform init -migrate-state` copies it.
    MigrateState,
    /// From a backend into HCP Terraform: `terraform init` offers to copy
    /// it into the workspace (`-migrate-state` is refused there: "not
    /// applicable when using HCP Terraform").
    IntoCloud,
    /// From one HCP Terraform workspace to another of the same
    /// organization: `init` only switches workspaces ("configuration block
    /// has changed", no migration), so the workspace is renamed in HCP
    /// Terraform, its state going with it.
    RenameWorkspace,
    /// Out of HCP Terraform (Terraform refuses: "not yet implemented"), or
    /// to another organization or host: `terraform state pull` with the
    /// old configuration, `terraform state push` with the new.
    PullAndPush,
}

impl StateMove {
    /// How `diff --format json` names it.
    pub fn name(self) -> &'static str {
        match self {
            StateMove::MigrateState => "migrate-state",
            StateMove::IntoCloud => "init-into-cloud",
            StateMove::RenameWorkspace => "rename-workspace",
            StateMove::PullAndPush => "pull-and-push",
        }
    }

    /// What to do, for a root in the directory `dir` (from the project
    /// directory, where the commands are run), before any plan or apply
    /// (which the caller says).
    /// A pulled state goes to a file named after the root's last two
    /// directories (`hello-cluster.tfstate`), in the project directory.
    pub fn advice(self, dir: &str) -> String {
        match self {
            StateMove::MigrateState => {
                format!("run `terraform -chdir={dir} init -migrate-state`")
            }
            StateMove::IntoCloud => format!(
                "run `terraform -chdir={dir} init` and answer yes when it offers to copy the \
                 state into the workspace (HCP Terraform refuses `-migrate-state`)"
            ),
            StateMove::RenameWorkspace => format!(
                "HCP Terraform copies no state between workspaces (`init -migrate-state` \
                 moves nothing): rename the old workspace to the new name in HCP Terraform \
                 (its settings), then run `terraform -chdir={dir} init`"
            ),
            StateMove::PullAndPush => {
                let parts: Vec<&str> = dir
                    .trim_end_matches('/')
                    .rsplit('/')
                    .take(2)
                    .filter(|p| !p.is_empty() && *p != "." && *p != "..")
                    .collect();
                let file = format!(
                    "{}.tfstate",
                    parts.into_iter().rev().collect::<Vec<_>>().join("-")
                );
                format!(
                    "terraform cannot migrate state out of HCP Terraform, nor between its \
                     organizations or hosts: with the root's old configuration in place (as \
                     committed before this change; `git stash` sets the change aside), run \
                     `terraform -chdir={dir} init` and `terraform -chdir={dir} state pull > \
                     {file}`; with the new (`git stash pop`, then synth), `terraform -chdir={dir} \
                     init -reconfigure` and `terraform -chdir={dir} state push \"$PWD/{file}\"`, \
                     then delete {file} (a state holds secrets)"
                )
            }
        }
    }
}

/// Where a root keeps its state, as [`state_move`] compares two: the
/// location ([`crate::tf::TerraformBlock::state_location`]; `None`, the
/// root's own directory), and HCP Terraform's organization and host when
/// it is there.
struct Place {
    location: Option<String>,
    cloud: Option<(String, String)>,
}

/// The terraform block of a root file (`name` ends `.tf.json` or `.tf`)
/// as a Terraform JSON document, for [`state_move`]: the JSON as it is;
/// HCL as hcl-rs reads it into the same shape (`backend "gcs" { ... }` is
/// `{"backend": {"gcs": {...}}}`). `None` when the text does not parse.
pub fn root_document(name: &str, text: &str) -> Option<Value> {
    if name.ends_with(".tf.json") {
        serde_json::from_str(text).ok()
    } else if name.ends_with(".tf") {
        hcl::from_str::<Value>(text).ok()
    } else {
        None
    }
}

/// The state move between two documents of one root (Terraform JSON, as
/// [`root_document`] gives), from their `terraform` blocks; `None` when
/// the state stays where it is, either document is absent (`null`: a
/// root that is new or gone has no state to move), or either place
/// cannot be told (workspaces chosen by tags).
pub fn state_move(old: &Value, new: &Value) -> Option<Change> {
    if old.is_null() || new.is_null() {
        return None;
    }
    let (before, after) = (state_place(old)?, state_place(new)?);
    if before.location == after.location {
        return None;
    }
    let how = match (&before.cloud, &after.cloud) {
        (Some(a), Some(b)) if a == b => StateMove::RenameWorkspace,
        (Some(_), _) => StateMove::PullAndPush,
        (None, Some(_)) => StateMove::IntoCloud,
        (None, None) => StateMove::MigrateState,
    };
    Some(Change::StateMoved {
        from: before.location,
        to: after.location,
        how,
    })
}

/// One file's differences, as [`changes_by_file`] finds them.
#[derive(Debug, Clone, PartialEq)]
pub enum FileDiff {
    /// A Terraform JSON file: its changes by address (empty: formatting
    /// only).
    Terraform(Vec<Change>),
    /// Another file (a README): `new file, 12 lines`, `removed`, or
    /// `text changed (10 -> 12 lines)`.
    Text(String),
}

/// The differences between the files `old` and `new` (paths relative to
/// the output directory), by path, sorted; files that are the same are
/// left out.
pub fn changes_by_file(
    old: &BTreeMap<std::path::PathBuf, String>,
    new: &BTreeMap<std::path::PathBuf, String>,
    rules: &RequiresReplace,
) -> Vec<(std::path::PathBuf, FileDiff)> {
    let paths: BTreeSet<&std::path::PathBuf> = old.keys().chain(new.keys()).collect();
    let mut out = Vec::new();
    for path in paths {
        let (before, after) = (old.get(path), new.get(path));
        if before == after {
            continue;
        }
        let diff = if path.to_string_lossy().ends_with(".tf.json") {
            let parse = |t: Option<&String>| {
                t.and_then(|t| serde_json::from_str::<Value>(t).ok())
                    .unwrap_or(Value::Null)
            };
            FileDiff::Terraform(diff_with_replacements(&parse(before), &parse(after), rules))
        } else {
            let count = |t: Option<&String>| t.map_or(0, |t| t.lines().count());
            let lines = |n: usize| {
                if n == 1 {
                    "1 line".to_owned()
                } else {
                    format!("{n} lines")
                }
            };
            FileDiff::Text(match (before, after) {
                (None, Some(_)) => format!("new file, {}", lines(count(after))),
                (Some(_), None) => "removed".to_owned(),
                _ => format!(
                    "text changed ({} -> {})",
                    count(before),
                    lines(count(after))
                ),
            })
        };
        out.push((path.clone(), diff));
    }
    out
}

/// One change as JSON (`diff --format json`): `{"change": "added" |
/// "removed" | "changed" | "replaced" | "renamed" | "moved", "address"
/// (or "from" and "to"), "attributes": [{"path", "old", "new",
/// "forces_replacement", "ignored"}]}`, or `{"change": "state_moved",
/// "from", "to"}` (`null`: the root's own directory); an absent value is
/// `null`.
pub fn change_json(change: &Change) -> Value {
    let attrs = |changes: &[AttrChange], forced: &[String]| -> Value {
        Value::Array(
            changes
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "path": c.path,
                        "old": c.old,
                        "new": c.new,
                        "forces_replacement": forced.contains(&c.path),
                        "ignored": c.ignored,
                    })
                })
                .collect(),
        )
    };
    match change {
        Change::StateMoved { from, to, how } => {
            serde_json::json!({"change": "state_moved", "from": from, "to": to, "how": how.name()})
        }
        Change::Added(a) => serde_json::json!({"change": "added", "address": a}),
        Change::Removed(a) => serde_json::json!({"change": "removed", "address": a}),
        Change::Changed(a, changes) => serde_json::json!({
            "change": "changed", "address": a, "attributes": attrs(changes, &[]),
        }),
        Change::Replaced {
            address,
            changes,
            forced_by,
        } => serde_json::json!({
            "change": "replaced", "address": address,
            "attributes": attrs(changes, forced_by), "forced_by": forced_by,
        }),
        Change::Renamed {
            from,
            to,
            changes,
            forced_by,
        } => serde_json::json!({
            "change": "renamed", "from": from, "to": to,
            "attributes": attrs(changes, forced_by), "forced_by": forced_by,
        }),
        Change::Moved { from, to } => {
            serde_json::json!({"change": "moved", "from": from, "to": to})
        }
    }
}

/// A Markdown table cell: `|` escaped and line breaks as spaces, in code
/// spans where `code`.
fn cell(text: &str, code: bool) -> String {
    let text = text.replace('|', "\\|").replace(['\n', '\r'], " ");
    if text.is_empty() || !code {
        return text;
    }
    // A code span fenced with more backticks than the text holds in a row.
    let run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(run + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// The differences as Markdown, ready to post as a pull-request comment:
/// per file, a table of address, attribute and `old → new`, with what
/// destroys or replaces an object in bold. `None` when nothing differs.
pub fn render_markdown(
    files: &[(std::path::PathBuf, FileDiff)],
    out: &std::path::Path,
) -> Option<String> {
    if files.is_empty() {
        return None;
    }
    let mut md = String::new();
    for (path, diff) in files {
        let shown = out.join(path).display().to_string();
        let _ = writeln!(md, "### {}\n", cell(&shown, true));
        let changes = match diff {
            FileDiff::Text(what) => {
                let _ = writeln!(md, "{what}\n");
                continue;
            }
            FileDiff::Terraform(changes) if changes.is_empty() => {
                let _ = writeln!(md, "formatting only\n");
                continue;
            }
            FileDiff::Terraform(changes) => changes,
        };
        let _ = writeln!(md, "| | address | attribute | old → new |");
        let _ = writeln!(md, "|---|---|---|---|");
        let row =
            |md: &mut String, what: &str, address: &str, attr: &AttrChange, forced: &[String]| {
                let (old, new) = show_change(&attr.old, &attr.new);
                let note = if forced.contains(&attr.path) {
                    " **(forces replacement)**"
                } else if attr.ignored {
                    " (ignored: lifecycle ignore_changes)"
                } else {
                    ""
                };
                let _ = writeln!(
                    md,
                    "| {what} | {} | {}{note} | {} → {} |",
                    cell(address, true),
                    cell(
                        if attr.path.is_empty() {
                            "(value)"
                        } else {
                            &attr.path
                        },
                        true
                    ),
                    cell(&old, true),
                    cell(&new, true)
                );
            };
        for change in changes {
            match change {
                Change::StateMoved { from, to, how } => {
                    let what = match how {
                        StateMove::MigrateState => "run `terraform init -migrate-state`",
                        StateMove::IntoCloud => {
                            "run `terraform init` and let it copy the state into the workspace"
                        }
                        StateMove::RenameWorkspace => {
                            "rename the workspace in HCP Terraform (it copies no state between workspaces)"
                        }
                        StateMove::PullAndPush => {
                            "`terraform state pull` with the old configuration, `state push` with the new"
                        }
                    };
                    let _ = writeln!(
                        md,
                        "| **! state moves** | `terraform` | | {} → {}: {what} before any plan, or terraform plans to create everything again |",
                        cell(place(from), true),
                        cell(place(to), true)
                    );
                }
                Change::Added(a) => {
                    let _ = writeln!(md, "| + add | {} | | |", cell(a, true));
                }
                // Only a managed resource is destroyed; an output, a
                // variable or a data source is just no longer there.
                Change::Removed(a) if is_configured_object(a) && !a.starts_with("data.") => {
                    let _ = writeln!(md, "| **− destroy** | {} | | |", cell(a, true));
                }
                Change::Removed(a) => {
                    let _ = writeln!(md, "| − remove | {} | | |", cell(a, true));
                }
                Change::Moved { from, to } => {
                    let _ = writeln!(
                        md,
                        "| → move | {} → {} | | kept by a `moved` block |",
                        cell(from, true),
                        cell(to, true)
                    );
                }
                Change::Changed(a, attrs) => {
                    for attr in attrs {
                        row(&mut md, "~ change", a, attr, &[]);
                    }
                }
                Change::Replaced {
                    address,
                    changes,
                    forced_by,
                } => {
                    if changes.is_empty() {
                        let _ = writeln!(
                            md,
                            "| **± replace** | {} | {} | |",
                            cell(address, true),
                            cell(&forced_by.join(", "), true)
                        );
                    }
                    for attr in changes {
                        row(&mut md, "**± replace**", address, attr, forced_by);
                    }
                }
                Change::Renamed {
                    from,
                    to,
                    changes,
                    forced_by,
                } => {
                    let address = format!("{from} → {to}");
                    let _ = writeln!(
                        md,
                        "| **± rename: destroy and recreate** | {} | | no `moved` block keeps it |",
                        cell(&address, true)
                    );
                    for attr in changes {
                        row(&mut md, "", &address, attr, forced_by);
                    }
                }
            }
        }
        md.push('\n');
    }
    Some(md)
}

/// What changes between the files `old` and `new` (paths relative to the
/// output directory, shown under `out`): for Terraform JSON, per resource
/// address and attribute ([`render`]); for other files, whether they are
/// new, removed or changed. `None` when nothing differs.
///
/// Every stack comes from settings: `settings_files` names the settings
/// files of a stack (`stacks/hello.toml`, or `stacks/hello.toml or
/// stacks/hello.local.toml`), for what a rename warning tells the user to
/// do ([`Keep::Settings`]).
pub fn compare(
    old: &BTreeMap<std::path::PathBuf, String>,
    new: &BTreeMap<std::path::PathBuf, String>,
    out: &std::path::Path,
    style: Style,
    settings_files: &dyn Fn(&str) -> String,
    rules: &RequiresReplace,
) -> Option<String> {
    let files = changes_by_file(old, new, rules);
    if files.is_empty() {
        return None;
    }
    let mut text = String::new();
    for (path, diff) in &files {
        let shown = out.join(path).display().to_string();
        match diff {
            FileDiff::Terraform(changes) if changes.is_empty() => {
                let _ = write!(text, "{shown}\n  (formatting only)\n");
            }
            FileDiff::Terraform(changes) => {
                let stack = path
                    .iter()
                    .next()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let files = settings_files(&stack);
                let root_dir = out.join(path.parent().unwrap_or(path));
                let keep = Keep::Settings {
                    files: &files,
                    root_dir: &root_dir.display().to_string(),
                };
                render(&shown, changes, style, keep, &mut text);
            }
            FileDiff::Text(what) => {
                let _ = write!(text, "{shown}\n  {what}\n");
            }
        }
    }
    Some(text)
}
