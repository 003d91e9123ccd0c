//! Synth-time checks, and the resolved document the emitters write.
//!
//! [`Stack::resolve`] applies raw overrides, then reports every problem at
//! once: duplicate addresses, names Terraform would reject, references to
//! things not in the stack (from raw expressions and overrides too),
//! non-literal values where Terraform wants literals, and dependency cycles.

use std::collections::BTreeMap;
use std::fmt;
use std::fmt::Write as _;
use std::sync::atomic::AtomicUsize;

use super::address::{Address, AddressKey};
use super::address::{ConfigAddress, InstanceKey, Target};
use super::body::{Body, Dynamic, Entry};
use super::expr::{Expression, ObjectMap, Reference, Root, Step};
use super::identity::RootModuleId;
use super::problem::{Problem, SynthError};
use super::stack::{
    Block, Check, Condition, Import, Lifecycle, ModuleCall, Moved, Output, Override, Provider,
    Removed, Stack, TerraformBlock, Variable,
};
use super::version::{Version, admits_only_from};
use crate::chunks::next_chunk;

/// A checked stack, sorted for output: what the emitters write.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The `terraform` block.
    pub terraform: TerraformBlock,
    /// Providers sorted by name, the unaliased configuration first.
    pub providers: Vec<Provider>,
    /// Variables by name.
    pub variables: BTreeMap<String, Variable>,
    /// Locals by name.
    pub locals: BTreeMap<String, Expression>,
    /// Data sources by (type, name), overrides applied.
    pub data: BTreeMap<(String, String), Block>,
    /// Resources by (type, name), overrides applied.
    pub resources: BTreeMap<(String, String), Block>,
    /// Module calls by name.
    pub modules: BTreeMap<String, ModuleCall>,
    /// Outputs by name.
    pub outputs: BTreeMap<String, Output>,
    /// `moved` blocks, by old address.
    pub moved: Vec<Moved>,
    /// `import` blocks, by target address.
    pub imports: Vec<Import>,
    /// `removed` blocks, by address.
    pub removed: Vec<Removed>,
    /// Check blocks by name.
    pub checks: BTreeMap<String, Check>,
}

/// Whether `name` is a valid Terraform identifier (block labels, names,
/// attribute names): a Unicode letter or `_`, then letters, digits, `_`
/// and `-`. HCL's identifiers are Unicode's (UAX #31: `ID_Start`, then
/// `ID_Continue` or `-`), so `café` and `日本` are names, `-x` and `1x`
/// are not (checked against terraform 1.11 in `tests/names.rs`).
pub fn is_identifier(name: &str) -> bool {
    // Most names are ASCII: the byte test below is the fast path (it runs
    // for every key of every body), and only a name it refuses is looked
    // at again for wider characters.
    let ascii = match name.as_bytes() {
        [first, rest @ ..] => {
            (first.is_ascii_alphabetic() || *first == b'_')
                && rest
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        }
        [] => return false,
    };
    if ascii || name.is_ascii() {
        return ascii;
    }
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || unicode_ident::is_xid_start(c))
        && chars.all(continues_identifier)
}

/// Whether `c` may follow the first character of an identifier.
///
/// XID, the NFKC-stable subset of ID, leaves out a few characters of
/// ID_Start (U+037A, U+309B, ...) that terraform takes: tfsynth refuses
/// them. The joiners U+200C and U+200D joined ID_Continue in Unicode
/// 15.1; terraform's tables are older and refuse them, and so does this.
fn continues_identifier(c: char) -> bool {
    c == '-' || (unicode_ident::is_xid_continue(c) && !matches!(c, '\u{200c}' | '\u{200d}'))
}

/// Whether `kind` is a valid resource or data source type name.
fn is_type_name(kind: &str) -> bool {
    match kind.as_bytes() {
        [first, rest @ ..] => {
            first.is_ascii_lowercase()
                && rest
                    .iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
        }
        [] => false,
    }
}

/// Whether `key` names a provider configuration as a module's `providers`
/// map does: `NAME`, or `NAME.ALIAS` for one of its `configuration_aliases`.
fn is_provider_key(key: &str) -> bool {
    match key.split_once('.') {
        Some((name, alias)) => is_identifier(name) && is_identifier(alias),
        None => is_identifier(key),
    }
}

/// Variable names Terraform reserves for meta-arguments.
const RESERVED_VARIABLE_NAMES: [&str; 8] = [
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "lifecycle",
    "depends_on",
    "locals",
];

/// Meta-argument names a resource body must not use for itself.
const META_ARGUMENTS: [&str; 6] = [
    "count",
    "for_each",
    "depends_on",
    "provider",
    "lifecycle",
    "timeouts",
];

/// From how many resources and data sources a root is checked, and later
/// written and validated, on two threads. Below it, one thread is faster:
/// a new thread costs more than it saves there, and so does its fresh heap
/// (glibc grows a thread's heap a page at a time).
pub(crate) const PARALLEL_FROM: usize = 300;

/// The first Terraform version whose variable validations may refer to
/// other objects (Terraform 1.9.0 changelog: "Input variable validation
/// rules can refer to other objects").
const CROSS_VARIABLE_VALIDATION: Version = Version::release(1, 9, 0);

/// How many blocks a checking thread takes at a time.
const CHECK_CHUNK: usize = 32;

/// Collects problems while the checks run.
#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
    /// References between nodes of the dependency graph, as indexes into
    /// the sorted list of known addresses; repeats allowed.
    edges: Vec<(usize, usize)>,
    /// The last node edges were added from: the references of one block
    /// come one after another.
    last_from: Option<usize>,
}

/// Every address in the stack, sorted and without repeats, borrowed from
/// the stack.
struct Known<'s>(
    Vec<AddressKey<'s>>,
    &'s RootModuleId,
    /// Data sources scoped to a check block, and its name: only that
    /// block's assertions may refer to them.
    Vec<(AddressKey<'s>, &'s str)>,
);

impl Known<'_> {
    fn index(&self, address: AddressKey<'_>) -> Option<usize> {
        self.0.binary_search(&address).ok()
    }
    fn contains(&self, address: AddressKey<'_>) -> bool {
        self.index(address).is_some()
    }
}

impl Checker {
    /// Takes in what another checker found.
    fn absorb(&mut self, other: Checker) {
        self.problems.extend(other.problems);
        self.edges.extend(other.edges);
    }

    /// Records that `from` refers to `to`, both known.
    fn edge(&mut self, known: &Known, from: AddressKey<'_>, to: AddressKey<'_>) {
        if let Some(t) = known.index(to) {
            self.edge_to(known, from, t);
        }
    }

    /// Records that `from` refers to the known node `to`.
    fn edge_to(&mut self, known: &Known, from: AddressKey<'_>, to: usize) {
        let f = match self.last_from {
            Some(f) if known.0[f] == from => Some(f),
            _ => {
                let f = known.index(from);
                self.last_from = f;
                f
            }
        };
        if let Some(f) = f {
            self.edges.push((f, to));
        }
    }

    fn problem(&mut self, address: impl fmt::Display, message: impl Into<String>) {
        self.problems.push(Problem::new(address, message));
    }

    fn name(&mut self, address: impl fmt::Display, what: &str, name: &str) {
        if !is_identifier(name) {
            self.problem(
                address,
                format!(
                    "{what} {name:?} is not a valid Terraform name (a letter or underscore, then letters, digits, underscores or dashes)"
                ),
            );
        }
    }
}

/// What an expression may refer to where it stands.
#[derive(Clone, Copy)]
struct Scope<'i> {
    each: bool,
    count: bool,
    /// The iterators of the dynamic blocks whose content this is.
    iterators: &'i [&'i str],
}

const PLAIN: Scope<'static> = Scope {
    each: false,
    count: false,
    iterators: &[],
};

impl Stack {
    /// Checks the stack and resolves it into a [`Document`] ready to emit.
    pub fn resolve(&self) -> Result<Document, SynthError> {
        self.clone().into_document()
    }

    /// Like [`Stack::resolve`], consuming the stack: blocks move into the
    /// document instead of being copied, which matters for large stacks.
    pub fn into_document(mut self) -> Result<Document, SynthError> {
        let mut c = Checker::default();
        c.problems.extend(self.deferred.iter().cloned());
        for block in &mut self.blocks {
            let overrides = std::mem::take(&mut block.overrides);
            apply_overrides(&mut c, &block.address, &overrides, &mut block.body);
        }
        // Blocks are large: sort their positions by address, check them
        // where they are, and move each once, in key order, at the end.
        let order = address_order(&self.blocks);
        self.check_all(&mut c, &order);

        if !c.problems.is_empty() {
            let mut problems = c.problems;
            problems.sort();
            problems.dedup();
            return Err(SynthError { problems });
        }

        let mut blocks: Vec<Option<Block>> = std::mem::take(&mut self.blocks)
            .into_iter()
            .map(Some)
            .collect();
        let mut data = Vec::new();
        let mut resources = Vec::with_capacity(blocks.len());
        for i in order {
            let Some(block) = blocks[i].take() else {
                continue;
            };
            let key = (block.kind.clone(), block.name.clone());
            match block.address {
                Address::Data { .. } => data.push((key, block)),
                _ => resources.push((key, block)),
            }
        }
        let data: BTreeMap<_, _> = data.into_iter().collect();
        let resources: BTreeMap<_, _> = resources.into_iter().collect();

        let mut providers = self.providers;
        providers.sort_by(|a, b| (&a.name, &a.alias).cmp(&(&b.name, &b.alias)));
        let mut moved = self.moved;
        moved.sort_by(|a, b| a.from.cmp(&b.from));
        let mut imports = self.imports;
        imports.sort_by_cached_key(|i| i.to.to_string());
        let mut removed = self.removed;
        removed.sort_by(|a, b| a.from.cmp(&b.from));
        Ok(Document {
            terraform: self.terraform,
            providers,
            variables: self.variables.into_iter().collect(),
            locals: self.locals.into_iter().collect(),
            data,
            resources,
            modules: self.modules.into_iter().collect(),
            outputs: self.outputs.into_iter().collect(),
            moved,
            imports,
            removed,
            checks: self.checks.into_iter().collect(),
        })
    }

    /// Every check but the overrides': names and duplicates, references,
    /// literals where Terraform wants them, and cycles. `order` lists the
    /// blocks sorted by address.
    fn check_all(&self, c: &mut Checker, order: &[usize]) {
        let known = self.check_names(c, order);
        // Blocks are checked one by one, and what the checks find is sorted
        // before use, so for a large root two threads share them out.
        let blocks: Vec<&Block> = order.iter().map(|&i| &self.blocks[i]).collect();
        let next = AtomicUsize::new(0);
        let check = || {
            let mut c = Checker::default();
            // One path for every block: it is grown once, not per block.
            let mut path = Vec::new();
            while let Some(chunk) = next_chunk(&blocks, &next, CHECK_CHUNK) {
                for block in chunk {
                    self.check_block(&mut c, &known, block, &mut path);
                }
            }
            c
        };
        if blocks.len() < PARALLEL_FROM {
            c.absorb(check());
        } else {
            let theirs = std::thread::scope(|scope| {
                let helper = scope.spawn(check);
                let mine = check();
                c.absorb(mine);
                helper
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            });
            c.absorb(theirs);
        }
        for p in &self.providers {
            let at = AddressKey::Provider(&p.name, p.alias.as_deref());
            // A provider's body may hold dynamic blocks: it is checked as
            // a resource's is.
            check_body(c, &known, at, &p.body, PLAIN, &mut Vec::new());
        }
        let elsewhere = self.validations_may_refer_elsewhere(c);
        for (name, v) in &self.variables {
            let at = AddressKey::Variable(name);
            if let Some(d) = &v.default {
                if !d.is_literal() {
                    c.problem(at, "default: must be a literal value");
                }
            }
            for (i, val) in v.validations.iter().enumerate() {
                if elsewhere.is_ok() {
                    // Any object of the root, checked and ordered like
                    // any other reference.
                    for e in [&val.condition, &val.error_message] {
                        refs(c, &known, at, e, PLAIN, Context::Text("validation"));
                    }
                    continue;
                }
                let mut found = Vec::new();
                collect_refs(c, at, &val.condition, &mut found);
                collect_refs(c, at, &val.error_message, &mut found);
                for r in found {
                    if let (Some(other), Err(why)) = (r.root.key(), &elsewhere) {
                        if other != at {
                            c.problem(
                                at,
                                format!(
                                    "validation[{i}]: refers to {r}; Terraform accepts references to other objects in a variable's validation from 1.9 on, and {why} (set it to \">= 1.9\")"
                                ),
                            );
                        }
                    }
                }
            }
        }
        for (name, value) in &self.locals {
            refs(
                c,
                &known,
                AddressKey::Local(name),
                value,
                PLAIN,
                Context::None,
            );
        }
        for (name, m) in &self.modules {
            let at = AddressKey::Module(name);
            let scope = Scope {
                each: m.for_each.is_some(),
                count: m.count.is_some(),
                iterators: &[],
            };
            for e in m.inputs.values().chain(&m.count).chain(&m.for_each) {
                refs(c, &known, at, e, scope, Context::None);
            }
            self.check_deps(c, &known, at, &m.depends_on);
            for (key, p) in &m.providers {
                if !is_provider_key(key) {
                    c.problem(
                        at,
                        format!(
                            "providers: key {key:?} is not a provider name (NAME or NAME.ALIAS)"
                        ),
                    );
                }
                self.check_provider_ref(c, at, p);
            }
        }
        for (name, o) in &self.outputs {
            let at = AddressKey::Output(name);
            refs(c, &known, at, &o.value, PLAIN, Context::Text("value"));
            conditions(c, &known, at, &o.preconditions, PLAIN, "precondition");
            self.check_deps(c, &known, at, &o.depends_on);
        }
        if let Some(backend) = &self.terraform.backend {
            for (key, value) in &backend.settings {
                if !value.is_literal() {
                    c.problem(
                        "terraform",
                        format!("backend.{}.{key}: must be a literal value", backend.kind),
                    );
                }
            }
        }
        for m in &self.moved {
            self.check_moved(c, &known, m);
        }
        for i in &self.imports {
            self.check_import(c, &known, i);
            refs(
                c,
                &known,
                AddressKey::Output("import"),
                &i.id,
                PLAIN,
                Context::Text("id"),
            );
        }
        for r in &self.removed {
            self.check_removed(c, r);
        }
        for (name, check) in &self.checks {
            check_check(c, &known, name, check);
        }
        find_cycles(c, &known);
    }

    /// Whether a variable's validation may refer to objects other than the
    /// variable: Terraform 1.9 and later check such references, earlier
    /// versions refuse them, so every version `required_version` admits
    /// must be 1.9 or later. The error says why not; a constraint
    /// Terraform cannot read is a problem of its own.
    fn validations_may_refer_elsewhere(&self, c: &mut Checker) -> Result<(), String> {
        let Some(required) = &self.terraform.required_version else {
            return Err("no required_version is set".to_owned());
        };
        match admits_only_from(required, &CROSS_VARIABLE_VALIDATION) {
            Ok(true) => Ok(()),
            Ok(false) => Err(format!(
                "required_version {required:?} admits earlier versions"
            )),
            Err(e) => {
                c.problem("terraform", format!("required_version: {e}"));
                Err(format!(
                    "required_version {required:?} is not a version constraint"
                ))
            }
        }
    }

    /// Checks names and duplicates; returns every address in the stack.
    /// `order` lists the blocks sorted by address: their addresses come as
    /// one sorted run, which the final sort merges with the few others.
    fn check_names(&self, c: &mut Checker, order: &[usize]) -> Known<'_> {
        let others = self.variables.len()
            + self.checks.len()
            + self.locals.len()
            + self.outputs.len()
            + self.modules.len()
            + self.providers.len();
        let mut seen: Vec<AddressKey<'_>> = Vec::with_capacity(order.len() + others);
        // Blocks of one type come together: each type is looked at once.
        let mut last_type: Option<(&str, bool)> = None;
        for b in order.iter().map(|&i| &self.blocks[i]) {
            let valid = match last_type {
                Some((kind, valid)) if kind == b.kind => valid,
                _ => is_type_name(&b.kind),
            };
            last_type = Some((&b.kind, valid));
            if !valid {
                c.problem(
                    &b.address,
                    format!("type {:?} is not a valid type name", b.kind),
                );
            }
            c.name(&b.address, "name", &b.name);
            seen.push(b.address.key());
        }
        for (name, _) in &self.variables {
            let at = AddressKey::Variable(name);
            c.name(at, "variable name", name);
            if RESERVED_VARIABLE_NAMES.contains(&name.as_str()) {
                c.problem(at, format!("{name:?} is reserved by Terraform"));
            }
            seen.push(at);
        }
        for (name, _) in &self.locals {
            let at = AddressKey::Local(name);
            c.name(at, "local name", name);
            seen.push(at);
        }
        for (name, _) in &self.outputs {
            let at = AddressKey::Output(name);
            c.name(at, "output name", name);
            seen.push(at);
        }
        for (name, _) in &self.modules {
            let at = AddressKey::Module(name);
            c.name(at, "module name", name);
            seen.push(at);
        }
        for (name, _) in &self.checks {
            let at = AddressKey::Check(name);
            c.name(at, "check name", name);
            seen.push(at);
        }
        for p in &self.providers {
            let at = AddressKey::Provider(&p.name, p.alias.as_deref());
            c.name(at, "provider name", &p.name);
            if let Some(alias) = &p.alias {
                c.name(at, "alias", alias);
            }
            seen.push(at);
        }
        seen.sort();
        for run in seen.chunk_by(|a, b| a == b) {
            if run.len() > 1 {
                let n = run.len();
                c.problem(run[0], format!("duplicate address ({n} definitions)"));
            }
        }
        seen.dedup();
        let mut scoped = Vec::new();
        for (name, check) in &self.checks {
            for b in &check.data {
                let key = b.address.key();
                if seen.binary_search(&key).is_ok() || scoped.iter().any(|(k, _)| *k == key) {
                    c.problem(
                        AddressKey::Check(name),
                        format!("{}: duplicate address (a check block's data source shares the root's names)", b.address),
                    );
                }
                c.name(AddressKey::Check(name), "data source name", &b.name);
                scoped.push((key, name.as_str()));
            }
        }
        Known(seen, &self.id, scoped)
    }

    /// Checks one block; `path` is scratch space, empty between calls.
    fn check_block<'b>(
        &self,
        c: &mut Checker,
        known: &Known,
        block: &'b Block,
        path: &mut Vec<PathStep<'b>>,
    ) {
        let at = block.address.key();
        let meta = &block.meta;
        let scope = Scope {
            each: meta.for_each.is_some(),
            count: meta.count.is_some(),
            iterators: &[],
        };
        if meta.count.is_some() && meta.for_each.is_some() {
            c.problem(at, "count and for_each cannot both be set");
        }
        for name in META_ARGUMENTS {
            let clash = match name {
                "timeouts" => meta.timeouts.is_some(),
                _ => true,
            };
            if clash && block.body.entries.contains_key(name) {
                c.problem(
                    at,
                    format!("{name}: a meta-argument; set it through Meta, not the body"),
                );
            }
        }
        check_body(c, known, at, &block.body, scope, path);
        if let Some(e) = &meta.count {
            refs(c, known, at, e, PLAIN, Context::Text("count"));
        }
        if let Some(e) = &meta.for_each {
            refs(c, known, at, e, PLAIN, Context::Text("for_each"));
        }
        self.check_deps(c, known, at, &meta.depends_on);
        if let Some(p) = &meta.provider {
            self.check_provider_ref(c, at, p);
        }
        let Lifecycle {
            replace_triggered_by,
            preconditions,
            postconditions,
            ..
        } = &meta.lifecycle;
        conditions(c, known, at, preconditions, scope, "lifecycle.precondition");
        conditions(
            c,
            known,
            at,
            postconditions,
            scope,
            "lifecycle.postcondition",
        );
        for r in replace_triggered_by {
            refs(
                c,
                known,
                at,
                &Expression::from(r.clone()),
                scope,
                Context::Text("lifecycle.replace_triggered_by"),
            );
        }
    }

    fn check_deps(
        &self,
        c: &mut Checker,
        known: &Known,
        at: AddressKey<'_>,
        deps: &[super::address::Dependency],
    ) {
        for d in deps {
            let key = d.address.key();
            match &d.origin {
                Some(origin) if origin != known.1 => c.problem(
                    at,
                    format!(
                        "depends_on: {} belongs to {origin}; depends_on cannot point into another root (roots are ordered by applying them in turn)",
                        d.address
                    ),
                ),
                _ if known.contains(key) => c.edge(known, at, key),
                _ => c.problem(
                    at,
                    format!("depends_on: {} is not in this stack", d.address),
                ),
            }
        }
    }

    fn check_provider_ref(
        &self,
        c: &mut Checker,
        at: AddressKey<'_>,
        p: &super::stack::ProviderRef,
    ) {
        if !self
            .providers
            .iter()
            .any(|q| q.name == p.name && q.alias == p.alias)
        {
            c.problem(at, format!("provider: {p} is not configured in this stack"));
        }
    }
}

/// The positions of `blocks` sorted by address, equal addresses in the
/// order they were added.
///
/// Stacks add blocks of several types in turn (a service's deployment,
/// then its service, ...), so one sort of them all compares long runs of
/// shared prefixes. Grouped by type first (few types), each group is in
/// the order added, usually name order already, which sorting finds in
/// one pass.
fn address_order(blocks: &[Block]) -> Vec<usize> {
    // Each type's group, found by type: resources before data sources,
    // then by type name, as addresses sort.
    let mut group_of: BTreeMap<(bool, &str), usize> = BTreeMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut last: Option<((bool, &str), usize)> = None;
    for (i, b) in blocks.iter().enumerate() {
        let key = (matches!(b.address, Address::Data { .. }), b.kind.as_str());
        let g = match last {
            Some((k, g)) if k == key => g,
            _ => {
                let next = groups.len();
                let g = *group_of.entry(key).or_insert(next);
                if g == next {
                    groups.push(Vec::new());
                }
                last = Some((key, g));
                g
            }
        };
        groups[g].push(i);
    }
    let mut order = Vec::with_capacity(blocks.len());
    for g in group_of.into_values() {
        let group = &mut groups[g];
        group.sort_by(|&a, &b| blocks[a].name.cmp(&blocks[b].name));
        order.extend_from_slice(group);
    }
    order
}

/// One step of the path to an entry, kept as pieces and only written out
/// for a message: most bodies have no problem to report.
#[derive(Clone, Copy)]
enum PathStep<'a> {
    Key(&'a str),
    Index(usize),
}

fn path_text(path: &[PathStep<'_>]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            PathStep::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            PathStep::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

fn check_body<'a>(
    c: &mut Checker,
    known: &Known,
    at: AddressKey<'_>,
    body: &'a Body,
    scope: Scope<'_>,
    path: &mut Vec<PathStep<'a>>,
) {
    for (key, entry) in &body.entries {
        path.push(PathStep::Key(key));
        if !is_identifier(key) {
            let shown = path_text(path);
            c.problem(at, format!("{shown}: not a valid attribute or block name"));
        }
        if key == "dynamic" && !matches!(entry, Entry::Dynamic(_)) {
            let shown = path_text(path);
            c.problem(
                at,
                format!("{shown}: reserved for dynamic blocks; add them with Body::dynamic"),
            );
        }
        match entry {
            Entry::Attr(e) => {
                if e.may_refer() {
                    refs(c, known, at, e, scope, Context::Path(path));
                }
            }
            Entry::Dynamic(dynamics) => {
                if key != "dynamic" {
                    let shown = path_text(path);
                    c.problem(
                        at,
                        format!("{shown}: dynamic blocks belong under the key dynamic"),
                    );
                }
                for (block_type, list) in dynamics.iter() {
                    path.push(PathStep::Key(block_type));
                    if !is_identifier(block_type) {
                        let shown = path_text(path);
                        c.problem(at, format!("{shown}: not a valid block type name"));
                    }
                    for (i, d) in list.iter().enumerate() {
                        if list.len() > 1 {
                            path.push(PathStep::Index(i));
                        }
                        check_dynamic(c, known, at, block_type, d, scope, path);
                        if list.len() > 1 {
                            path.pop();
                        }
                    }
                    path.pop();
                }
            }
            Entry::Blocks(blocks) => {
                for (i, b) in blocks.iter().enumerate() {
                    if blocks.len() > 1 {
                        path.push(PathStep::Index(i));
                    }
                    check_body(c, known, at, b, scope, path);
                    if blocks.len() > 1 {
                        path.pop();
                    }
                }
            }
        }
        path.pop();
    }
}

/// Checks one dynamic block: `for_each` sees the iterators around it;
/// `labels` and `content` see its own iterator too.
fn check_dynamic<'a>(
    c: &mut Checker,
    known: &Known,
    at: AddressKey<'_>,
    block_type: &'a str,
    d: &'a Dynamic,
    scope: Scope<'_>,
    path: &mut Vec<PathStep<'a>>,
) {
    let name = d.iterator_name(block_type);
    if d.iterator.is_some() && !is_identifier(name) {
        let shown = path_text(path);
        c.problem(
            at,
            format!("{shown}.iterator: {name:?} is not a valid Terraform name"),
        );
    }
    path.push(PathStep::Key("for_each"));
    refs(c, known, at, &d.for_each, scope, Context::Path(path));
    path.pop();
    let mut iterators = scope.iterators.to_vec();
    iterators.push(name);
    let inner = Scope {
        iterators: &iterators,
        ..scope
    };
    path.push(PathStep::Key("labels"));
    for label in &d.labels {
        refs(c, known, at, label, inner, Context::Path(path));
    }
    path.pop();
    path.push(PathStep::Key("content"));
    check_body(c, known, at, &d.content, inner, path);
    path.pop();
}

/// What a problem with a reference is said to be in, before the reference.
#[derive(Clone, Copy)]
enum Context<'p> {
    None,
    /// A fixed attribute name, such as `count`.
    Text(&'static str),
    /// The path to a body's entry, written out only for a message.
    Path(&'p [PathStep<'p>]),
}

impl fmt::Display for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Context::None => Ok(()),
            Context::Text(text) => write!(f, "{text}: "),
            Context::Path(path) => write!(f, "{}: ", path_text(path)),
        }
    }
}

/// Checks every reference in `e`: it must name something in the stack, and
/// `each` / `count` only where they exist. Adds graph edges.
fn refs(
    c: &mut Checker,
    known: &Known,
    at: AddressKey<'_>,
    e: &Expression,
    scope: Scope<'_>,
    context: Context<'_>,
) {
    e.visit_references(&mut |r| check_ref(c, known, at, r, scope, context));
    let mut raws = Vec::new();
    e.raws(&mut raws);
    if !raws.is_empty() {
        let mut found = Vec::new();
        raw_refs(c, at, &raws, &mut found);
        for r in &found {
            check_ref(c, known, at, r, scope, context);
        }
    }
}

/// Checks one reference found in an expression at `at`.
fn check_ref(
    c: &mut Checker,
    known: &Known,
    at: AddressKey<'_>,
    r: &Reference,
    scope: Scope<'_>,
    context: Context<'_>,
) {
    if let Some(origin) = &r.origin {
        if origin != known.1 {
            c.problem(
                at,
                format!(
                    "{context}{r} belongs to {origin}, not to this root; link the roots (link_roots) to read it through remote state"
                ),
            );
            return;
        }
    }
    match &r.root {
        Root::Iterator(name) => {
            if !scope.iterators.contains(&name.as_str()) {
                c.problem(
                    at,
                    format!(
                        "{context}{r}: {name} is the iterator of a dynamic block, available only inside its content"
                    ),
                );
            } else if !matches!(r.steps.first(), Some(Step::Attr(a)) if a == "key" || a == "value")
            {
                c.problem(
                    at,
                    format!("{context}{r}: an iterator has only key and value"),
                );
            }
            return;
        }
        // In a raw expression `rule.value` reads as a resource's address;
        // inside the content of a dynamic block whose iterator is `rule`,
        // Terraform reads it as the iterator, and so do the checks.
        Root::Resource { kind, name }
            if r.origin.is_none() && scope.iterators.contains(&kind.as_str()) =>
        {
            if name != "key" && name != "value" {
                c.problem(
                    at,
                    format!("{context}{r}: an iterator has only key and value"),
                );
            }
            return;
        }
        _ => {}
    }
    match r.root.key() {
        None if matches!(r.root, Root::Each) => {
            if !scope.each {
                c.problem(
                    at,
                    format!("{context}{r}: each is only available with for_each"),
                );
            }
        }
        None => {
            if !scope.count {
                c.problem(
                    at,
                    format!("{context}{r}: count is only available with count"),
                );
            }
        }
        Some(target) => match known.index(target) {
            None => {
                let shown = if r.steps.is_empty() {
                    String::new()
                } else {
                    format!("{r}: ")
                };
                match known.2.iter().find(|(k, _)| *k == target) {
                    Some((_, check)) => c.problem(
                        at,
                        format!(
                            "{context}{shown}{target} is scoped to check block {check}; only its assertions may refer to it"
                        ),
                    ),
                    None => c.problem(at, format!("{context}{shown}{target} is not in this stack")),
                }
            }
            Some(_) if matches!(target, AddressKey::Variable(_)) => {}
            Some(to) => c.edge_to(known, at, to),
        },
    }
}

/// Collects structured references, and those inside raw expressions after
/// parsing them (a raw expression that does not parse is a problem).
fn collect_refs(c: &mut Checker, at: AddressKey<'_>, e: &Expression, out: &mut Vec<Reference>) {
    e.references(out);
    let mut raws = Vec::new();
    e.raws(&mut raws);
    raw_refs(c, at, &raws, out);
}

/// Collects the references inside raw expressions, parsing them (a raw
/// expression that does not parse is a problem).
///
/// One trailing newline is allowed, and is needed after a heredoc's closing
/// marker: `<<EOT\nhello\nEOT\n`. A heredoc whose marker ends the text
/// parses, but Terraform refuses it once it is written into `${...}` in
/// JSON ("Unterminated template string"), so it is a problem here.
fn raw_refs(c: &mut Checker, at: AddressKey<'_>, raws: &[&str], out: &mut Vec<Reference>) {
    for raw in raws {
        let text = raw.strip_suffix('\n').unwrap_or(raw);
        match hcl_edit::parser::parse_expr(text) {
            Ok(parsed) => {
                let mut heredocs = HeredocEnds(Vec::new());
                hcl_edit::visit::Visit::visit_expr(&mut heredocs, &parsed);
                for (end, marker) in heredocs.0 {
                    if !raw[..end].ends_with('\n') && !raw[end..].starts_with('\n') {
                        c.problem(
                            at,
                            format!(
                                "raw expression {raw:?}: a heredoc needs a newline after its \
                                 closing {marker}"
                            ),
                        );
                    }
                }
                let parsed = hcl::Expression::from(parsed);
                let mut walker = RawWalker {
                    bound: Vec::new(),
                    out: &mut *out,
                    errors: Vec::new(),
                    steps: false,
                };
                walker.expr(&parsed);
                for err in walker.errors {
                    c.problem(at, format!("raw expression {raw:?}: {err}"));
                }
            }
            Err(err) => c.problem(
                at,
                format!(
                    "raw expression {raw:?} does not parse: {} at column {}",
                    err.message(),
                    err.location().column()
                ),
            ),
        }
    }
}

/// The references inside the raw expression `raw`, added to `out`. One
/// that does not parse adds none: the checks report it.
pub(crate) fn raw_references(raw: &str, out: &mut Vec<Reference>) {
    if let Ok(parsed) = hcl_edit::parser::parse_expr(raw) {
        let parsed = hcl::Expression::from(parsed);
        let mut walker = RawWalker {
            bound: Vec::new(),
            out,
            errors: Vec::new(),
            steps: false,
        };
        walker.expr(&parsed);
    }
}

/// Where each heredoc in a parsed raw expression ends (a byte offset into
/// the text), and its marker.
struct HeredocEnds(Vec<(usize, String)>);

impl hcl_edit::visit::Visit for HeredocEnds {
    fn visit_heredoc_template(&mut self, node: &hcl_edit::template::HeredocTemplate) {
        if let Some(span) = hcl_edit::Span::span(node) {
            self.0.push((span.end, node.delimiter.to_string()));
        }
        hcl_edit::visit::visit_heredoc_template(self, node);
    }
}

/// Finds the references inside a parsed raw expression.
struct RawWalker<'a> {
    /// Names bound by enclosing `for` expressions and directives.
    bound: Vec<String>,
    out: &'a mut Vec<Reference>,
    errors: Vec<String>,
    /// Whether to record the steps after a reference's root, or the root
    /// alone (all the synth-time checks need).
    steps: bool,
}

impl RawWalker<'_> {
    fn expr(&mut self, e: &hcl::Expression) {
        use hcl::Expression as E;
        match e {
            E::Null | E::Bool(_) | E::Number(_) | E::String(_) => {}
            E::Array(items) => items.iter().for_each(|i| self.expr(i)),
            E::Object(map) => {
                for (k, v) in map {
                    if let hcl::ObjectKey::Expression(k) = k {
                        self.expr(k);
                    }
                    self.expr(v);
                }
            }
            E::TemplateExpr(t) => match hcl::Template::from_expr(t) {
                Ok(template) => self.template(&template),
                Err(err) => self.errors.push(err.to_string()),
            },
            E::Variable(v) => self.root(v.as_str(), &[]),
            E::Traversal(t) => {
                if let E::Variable(v) = &t.expr {
                    self.root(v.as_str(), &t.operators);
                } else {
                    self.expr(&t.expr);
                }
                for op in &t.operators {
                    if let hcl::TraversalOperator::Index(i) = op {
                        self.expr(i);
                    }
                }
            }
            E::FuncCall(f) => f.args.iter().for_each(|a| self.expr(a)),
            E::Parenthesis(inner) => self.expr(inner),
            E::Conditional(cond) => {
                self.expr(&cond.cond_expr);
                self.expr(&cond.true_expr);
                self.expr(&cond.false_expr);
            }
            E::Operation(op) => match op.as_ref() {
                hcl::Operation::Unary(u) => self.expr(&u.expr),
                hcl::Operation::Binary(b) => {
                    self.expr(&b.lhs_expr);
                    self.expr(&b.rhs_expr);
                }
            },
            E::ForExpr(f) => {
                self.expr(&f.collection_expr);
                let depth = self.bound.len();
                self.bound.extend(f.key_var.iter().map(|k| k.to_string()));
                self.bound.push(f.value_var.to_string());
                if let Some(k) = &f.key_expr {
                    self.expr(k);
                }
                self.expr(&f.value_expr);
                if let Some(cond) = &f.cond_expr {
                    self.expr(cond);
                }
                self.bound.truncate(depth);
            }
            // hcl-rs may grow new expression kinds; they carry no references
            // this walker knows how to find.
            _ => {}
        }
    }

    fn template(&mut self, t: &hcl::Template) {
        for element in t.elements() {
            match element {
                hcl::template::Element::Literal(_) => {}
                hcl::template::Element::Interpolation(i) => self.expr(&i.expr),
                hcl::template::Element::Directive(d) => match d.as_ref() {
                    hcl::template::Directive::If(d) => {
                        self.expr(&d.cond_expr);
                        self.template(&d.true_template);
                        if let Some(f) = &d.false_template {
                            self.template(f);
                        }
                    }
                    hcl::template::Directive::For(d) => {
                        self.expr(&d.collection_expr);
                        let depth = self.bound.len();
                        self.bound.extend(d.key_var.iter().map(|k| k.to_string()));
                        self.bound.push(d.value_var.to_string());
                        self.template(&d.template);
                        self.bound.truncate(depth);
                    }
                },
            }
        }
    }

    fn root(&mut self, root: &str, ops: &[hcl::TraversalOperator]) {
        if self.bound.iter().any(|b| b == root) {
            return;
        }
        let attr = |i: usize| match ops.get(i) {
            Some(hcl::TraversalOperator::GetAttr(id)) => Some(id.to_string()),
            _ => None,
        };
        let root = match root {
            // Built-in objects that are always there.
            "path" | "terraform" | "self" => return,
            "each" => Root::Each,
            "count" => Root::Count,
            "var" | "local" | "module" => match attr(0) {
                Some(name) => match root {
                    "var" => Root::Var(name),
                    "local" => Root::Local(name),
                    _ => Root::Module(name),
                },
                None => {
                    self.errors
                        .push(format!("{root} must be followed by .NAME"));
                    return;
                }
            },
            "data" => match (attr(0), attr(1)) {
                (Some(kind), Some(name)) => Root::Data { kind, name },
                _ => {
                    self.errors
                        .push("data must be followed by .TYPE.NAME".to_owned());
                    return;
                }
            },
            kind => match attr(0) {
                Some(name) => Root::Resource {
                    kind: kind.to_owned(),
                    name,
                },
                None => {
                    self.errors.push(format!("unknown name {kind:?}"));
                    return;
                }
            },
        };
        let mut steps = Vec::new();
        if self.steps {
            // The operators the root took: `var.x` one, `data.t.n` two,
            // `t.n` one, `each` and `count` none.
            let taken = match &root {
                Root::Data { .. } => 2,
                Root::Each | Root::Count | Root::Iterator(_) => 0,
                _ => 1,
            };
            for op in ops.iter().skip(taken) {
                let step = match op {
                    hcl::TraversalOperator::GetAttr(id) => Step::Attr(id.to_string()),
                    hcl::TraversalOperator::Index(hcl::Expression::Number(n)) => match n.as_u64() {
                        Some(i) => Step::Index(i),
                        None => break,
                    },
                    hcl::TraversalOperator::Index(hcl::Expression::String(k)) => {
                        Step::Key(k.clone())
                    }
                    hcl::TraversalOperator::LegacyIndex(i) => Step::Index(*i),
                    hcl::TraversalOperator::FullSplat | hcl::TraversalOperator::AttrSplat => {
                        Step::Splat
                    }
                    // A computed index: what follows depends on its value.
                    _ => break,
                };
                steps.push(step);
            }
        }
        self.out.push(Reference::new(root, steps));
    }
}

/// Every reference inside `text`, a string as Terraform JSON holds it (a
/// template: `${...}` interpolations and `%{...}` directives), with its
/// attribute and index steps up to the first one computed at apply time.
/// Returns whether the whole template is one reference (`${a.b[0].c}`),
/// whose value then has the referenced type. Text that does not parse
/// gives none: the checks report it.
pub(crate) fn template_references(text: &str, out: &mut Vec<Reference>) -> bool {
    let Ok(parsed) = hcl_edit::parser::parse_template(text) else {
        return false;
    };
    let template = hcl::Template::from(parsed);
    let whole = matches!(
        template.elements(),
        [hcl::template::Element::Interpolation(i)]
            if matches!(i.expr, hcl::Expression::Traversal(_) | hcl::Expression::Variable(_))
    );
    let mut walker = RawWalker {
        bound: Vec::new(),
        out,
        errors: Vec::new(),
        steps: true,
    };
    walker.template(&template);
    whole
}

/// Every reference inside the raw expression `raw`, with its steps, as
/// [`template_references`] finds them in a template.
pub(crate) fn expression_references(raw: &str, out: &mut Vec<Reference>) {
    if let Ok(parsed) = hcl_edit::parser::parse_expr(raw) {
        let parsed = hcl::Expression::from(parsed);
        let mut walker = RawWalker {
            bound: Vec::new(),
            out,
            errors: Vec::new(),
            steps: true,
        };
        walker.expr(&parsed);
    }
}

/// Checks the references of custom conditions at `at`.
fn conditions(
    c: &mut Checker,
    known: &Known,
    at: AddressKey<'_>,
    list: &[Condition],
    scope: Scope,
    what: &'static str,
) {
    for cond in list {
        for e in [&cond.condition, &cond.error_message] {
            refs(c, known, at, e, scope, Context::Text(what));
        }
    }
}

/// A check block: its scoped data sources are checked like any body, and
/// its assertions may refer to them and to everything in the root.
fn check_check(c: &mut Checker, known: &Known, name: &str, check: &Check) {
    let at = AddressKey::Check(name);
    let own: Vec<AddressKey<'_>> = check.data.iter().map(|b| b.address.key()).collect();
    let mut path = Vec::new();
    for b in &check.data {
        check_body(c, known, at, &b.body, PLAIN, &mut path);
    }
    for cond in &check.assertions {
        for e in [&cond.condition, &cond.error_message] {
            let mut found = Vec::new();
            collect_refs(c, at, e, &mut found);
            for r in &found {
                if r.root.key().is_some_and(|k| own.contains(&k)) {
                    continue;
                }
                check_ref(c, known, at, r, PLAIN, Context::Text("assert"));
            }
        }
    }
}

/// The `to` of a `moved` or `import` block: a handle of this root, and an
/// address. Returns the address when it is one.
fn check_target(c: &mut Checker, known: &Known, what: &str, to: &Target) -> Option<ConfigAddress> {
    let base = &to.base;
    match &base.origin {
        Some(origin) if origin != known.1 => {
            c.problem(
                what,
                format!("to: {} belongs to {origin}, not to this root", base.address),
            );
            return None;
        }
        _ if !known.contains(base.address.key()) => {
            c.problem(what, format!("to: {} is not in this stack", base.address));
            return None;
        }
        _ => {}
    }
    match to.config_address() {
        Ok(address) => Some(address),
        Err(e) => {
            c.problem(what, format!("to: {e}"));
            None
        }
    }
}

/// Checks the names in an address written as text: type names and
/// identifiers, as Terraform would.
fn check_address_names(c: &mut Checker, what: &str, address: &ConfigAddress) {
    for m in &address.modules {
        c.name(what, "module name", &m.name);
    }
    if let Some(o) = &address.object {
        if !is_type_name(&o.kind) {
            c.problem(
                what,
                format!("from: type {:?} is not a valid type name", o.kind),
            );
        }
        c.name(what, "name", &o.name);
    }
}

/// Parses the `from` of a `moved` or `removed` block, reporting what is
/// wrong with it.
fn parse_from(c: &mut Checker, what: &str, from: &str) -> Option<ConfigAddress> {
    match ConfigAddress::parse(from) {
        Ok(address) => {
            check_address_names(c, what, &address);
            Some(address)
        }
        Err(e) => {
            c.problem(what, format!("from: {e}"));
            None
        }
    }
}

/// Whether the instance key `key` fits `meta`: an index for `count`, a
/// string for `for_each`, none for neither. Returns what is wrong.
fn key_fits(
    address: &dyn fmt::Display,
    key: Option<&InstanceKey>,
    count: bool,
    for_each: bool,
) -> Result<(), String> {
    match (key, count, for_each) {
        (None, false, false)
        | (Some(InstanceKey::Index(_)), true, _)
        | (Some(InstanceKey::Key(_)), _, true) => Ok(()),
        (None, true, _) => Err(format!(
            "{address} has count: name one instance, [0] to [count - 1]"
        )),
        (None, _, true) => Err(format!(
            "{address} has for_each: name one instance by its key"
        )),
        (Some(key), false, false) => Err(format!(
            "{address} has neither count nor for_each, so it has no instance {key}"
        )),
        (Some(key @ InstanceKey::Index(_)), false, true) => Err(format!(
            "{address} has for_each: its instances are keyed by strings, not {key}"
        )),
        (Some(key @ InstanceKey::Key(_)), true, false) => Err(format!(
            "{address} has count: its instances are numbered, not {key}"
        )),
    }
}

/// The address of a resource or module call of this root, with what
/// decides its instances.
fn repeated(stack: &Stack, address: &Address) -> (bool, bool) {
    match address {
        Address::Module(name) => stack
            .modules
            .iter()
            .find(|(n, _)| n == name)
            .map_or((false, false), |(_, m)| {
                (m.count.is_some(), m.for_each.is_some())
            }),
        _ => stack
            .blocks
            .iter()
            .find(|b| b.address == *address)
            .map_or((false, false), |b| {
                (b.meta.count.is_some(), b.meta.for_each.is_some())
            }),
    }
}

impl Stack {
    /// A `moved` block (Terraform's "Refactoring" rules): `from` an
    /// address that is no longer declared, `to` one of this root's
    /// resources or module calls (or an object inside one), both objects
    /// or both module calls, never a data source, never the same.
    fn check_moved(&self, c: &mut Checker, known: &Known, m: &Moved) {
        let from = parse_from(c, "moved", &m.from);
        let to = check_target(c, known, "moved", &m.to);
        if let Some(from) = &from {
            if from.object.as_ref().is_some_and(|o| o.data) {
                c.problem(
                    "moved",
                    format!("from: {from} is a data source; moved blocks move resources and module calls"),
                );
            }
            // An object of this root without instances, named without a
            // key, is still declared: Terraform refuses the move.
            if let (true, Some(o)) = (from.modules.is_empty(), &from.object) {
                let address = Address::Resource {
                    kind: o.kind.clone(),
                    name: o.name.clone(),
                };
                if o.key.is_none()
                    && !o.data
                    && known.contains(address.key())
                    && repeated(self, &address) == (false, false)
                {
                    c.problem("moved", format!("from: {from} is still in this stack"));
                }
            }
            if from.object.is_none() && from.modules.len() == 1 && !from.has_instance_key() {
                let address = Address::Module(from.modules[0].name.clone());
                if known.contains(address.key()) && repeated(self, &address) == (false, false) {
                    c.problem("moved", format!("from: {from} is still in this stack"));
                }
            }
        }
        let Some(to) = to else { return };
        if matches!(m.to.base.address, Address::Data { .. }) {
            c.problem(
                "moved",
                format!("to: {to} is a data source; moved blocks move resources and module calls"),
            );
            return;
        }
        if let Some(from) = &from {
            if from.object.is_some() != to.object.is_some() {
                c.problem(
                    "moved",
                    format!("from {from} to {to}: both must be resources or both module calls"),
                );
            } else if *from == to {
                c.problem("moved", format!("from and to are both {to}"));
            }
        }
        if m.to.within.is_none() {
            let (count, for_each) = repeated(self, &m.to.base.address);
            if m.to.key.is_some() {
                if let Err(e) = key_fits(&m.to.base.address, m.to.key.as_ref(), count, for_each) {
                    c.problem("moved", format!("to: {e}"));
                }
            }
        }
    }

    /// An `import` block: `to` is one resource instance of this root (or
    /// inside one of its module calls), keyed as its count or for_each
    /// says; `id` may refer to what is in the root.
    fn check_import(&self, c: &mut Checker, known: &Known, i: &Import) {
        let to = check_target(c, known, "import", &i.to);
        if let Some(to) = &to {
            match (&to.object, &i.to.base.address) {
                (Some(o), _) if o.data => c.problem(
                    "import",
                    format!("to: {to} is a data source; only managed resources are imported"),
                ),
                (None, _) => c.problem(
                    "import",
                    format!("to: {to} is a module call; import into a resource, inside it with .within(...)"),
                ),
                (Some(_), base) if i.to.within.is_none() => {
                    let (count, for_each) = repeated(self, base);
                    if let Err(e) = key_fits(base, i.to.key.as_ref(), count, for_each) {
                        c.problem("import", format!("to: {e}"));
                    }
                }
                _ => {}
            }
        }
        refs(
            c,
            known,
            AddressKey::Output("import"),
            &i.id,
            PLAIN,
            Context::Text("id"),
        );
    }

    /// A `removed` block: `from` a resource or module call no longer in
    /// the root, without instance keys (Terraform removes whole objects).
    fn check_removed(&self, c: &mut Checker, r: &Removed) {
        let Some(from) = parse_from(c, "removed", &r.from) else {
            return;
        };
        if from.has_instance_key() {
            c.problem(
                "removed",
                format!("from: {from} names an instance; removed takes a whole resource or module call ({})", from.without_keys()),
            );
        }
        if from.object.as_ref().is_some_and(|o| o.data) {
            c.problem("removed", format!("from: {from} is a data source; removed blocks forget resources and module calls"));
        }
        let declared = match (from.modules.as_slice(), &from.object) {
            ([], Some(o)) => Some(Address::Resource {
                kind: o.kind.clone(),
                name: o.name.clone(),
            }),
            ([m], None) => Some(Address::Module(m.name.clone())),
            _ => None,
        };
        if let Some(address) = declared {
            let still = self.blocks.iter().any(|b| b.address == address)
                || self
                    .modules
                    .iter()
                    .any(|(n, _)| Address::Module(n.clone()) == address);
            if still {
                c.problem(
                    "removed",
                    format!("from: {} is still in this stack", from.without_keys()),
                );
            }
        }
    }
}

/// Applies a block's raw overrides to a copy of its body.
fn apply_overrides(c: &mut Checker, address: &Address, overrides: &[Override], body: &mut Body) {
    for Override { path, value } in overrides {
        let segments: Vec<&str> = path.split('.').collect();
        if segments.iter().any(|s| s.is_empty()) {
            c.problem(address, format!("override {path:?}: empty path segment"));
            continue;
        }
        if let Err(err) = set_in_body(body, &segments, value.clone()) {
            c.problem(address, format!("override {path:?}: {err}"));
        }
    }
}

fn set_in_body(body: &mut Body, path: &[&str], value: Option<Expression>) -> Result<(), String> {
    let (first, rest) = path.split_first().ok_or("empty path")?;
    if rest.is_empty() {
        match value {
            Some(v) => body.set(*first, v),
            None => {
                body.entries.remove(first);
            }
        }
        return Ok(());
    }
    let entry = match body.entries.get_mut(first) {
        Some(entry) => entry,
        None if value.is_none() => return Ok(()),
        None => body
            .entries
            .get_or_insert_with((*first).to_owned(), || Entry::Blocks(vec![Body::new()])),
    };
    match entry {
        Entry::Blocks(blocks) => {
            let (index, rest) = match rest.first().and_then(|s| s.parse::<usize>().ok()) {
                Some(i) => (i, &rest[1..]),
                None if blocks.len() == 1 => (0, rest),
                None => {
                    return Err(format!(
                        "{first} has {} blocks; say which with a numeric segment",
                        blocks.len()
                    ));
                }
            };
            if rest.is_empty() {
                match value {
                    None if index < blocks.len() => {
                        blocks.remove(index);
                        if blocks.is_empty() {
                            body.entries.remove(first);
                        }
                        return Ok(());
                    }
                    None => return Ok(()),
                    Some(_) => return Err(format!("{first}.{index} is a block, not an attribute")),
                }
            }
            if index == blocks.len() && value.is_some() {
                blocks.push(Body::new());
            }
            let n = blocks.len();
            let block = blocks
                .get_mut(index)
                .ok_or_else(|| format!("{first} has {n} blocks, no index {index}"))?;
            set_in_body(block, rest, value)
        }
        Entry::Attr(e) => set_in_expression(e, rest, value),
        Entry::Dynamic(_) => Err(format!(
            "{first} holds dynamic blocks, which overrides do not reach; build them with Body::dynamic"
        )),
    }
}

fn set_in_expression(
    target: &mut Expression,
    path: &[&str],
    value: Option<Expression>,
) -> Result<(), String> {
    let Some((first, rest)) = path.split_first() else {
        *target = value.unwrap_or(Expression::Null);
        return Ok(());
    };
    match target {
        Expression::Object(map) => {
            if rest.is_empty() {
                match value {
                    Some(v) => {
                        map.insert((*first).to_owned(), v);
                    }
                    None => {
                        map.remove(first);
                    }
                }
                return Ok(());
            }
            let inner = map.get_or_insert_with(*first, || Expression::Object(ObjectMap::new()));
            set_in_expression(inner, rest, value)
        }
        Expression::List(items) => {
            let i: usize = first
                .parse()
                .map_err(|_| format!("{first:?} is not an index into a list"))?;
            let n = items.len();
            if rest.is_empty() && value.is_none() {
                if i < n {
                    items.remove(i);
                }
                return Ok(());
            }
            let item = items
                .get_mut(i)
                .ok_or_else(|| format!("the list has {n} items, no index {i}"))?;
            set_in_expression(item, rest, value)
        }
        _ => Err(format!(
            "cannot set {first:?} inside a value that is not an object or list"
        )),
    }
}

/// The dependency graph over known nodes, each node's successors in one
/// shared vector (one allocation, not one per node).
struct Graph {
    /// Where each node's successors start in `targets`; one more entry
    /// than nodes.
    starts: Vec<usize>,
    targets: Vec<usize>,
}

impl Graph {
    /// The graph of `n` nodes with `edges` (repeats allowed).
    fn new(n: usize, mut edges: Vec<(usize, usize)>) -> Graph {
        edges.sort_unstable();
        edges.dedup();
        let mut starts = Vec::with_capacity(n + 1);
        let mut at = 0;
        for v in 0..n {
            starts.push(at);
            while at < edges.len() && edges[at].0 == v {
                at += 1;
            }
        }
        starts.push(at);
        Graph {
            starts,
            targets: edges.into_iter().map(|(_, to)| to).collect(),
        }
    }

    /// The nodes `v` refers to, in order.
    fn next(&self, v: usize) -> &[usize] {
        &self.targets[self.starts[v]..self.starts[v + 1]]
    }
}

/// The shortest path from `start` back to itself inside `group`, as the
/// list of nodes visited (starting with `start`).
fn shortest_cycle(graph: &Graph, start: usize, group: &[usize]) -> Vec<usize> {
    let mut previous: BTreeMap<usize, usize> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &next in graph.next(node) {
            if next == start {
                let mut path = vec![node];
                let mut at = node;
                while at != start {
                    at = previous[&at];
                    path.push(at);
                }
                path.reverse();
                return path;
            }
            if group.binary_search(&next).is_ok() && !previous.contains_key(&next) {
                previous.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    group.to_vec()
}

/// Reports every dependency cycle among resources, data sources, locals
/// and modules (Tarjan's strongly connected components, over node indexes:
/// known addresses are sorted, so index order is address order).
fn find_cycles(c: &mut Checker, known: &Known) {
    const UNSEEN: usize = usize::MAX;
    struct Tarjan<'a> {
        graph: &'a Graph,
        index: Vec<usize>,
        low: Vec<usize>,
        stack: Vec<usize>,
        on_stack: Vec<bool>,
        next: usize,
        cycles: Vec<Vec<usize>>,
    }
    impl Tarjan<'_> {
        fn visit(&mut self, v: usize) {
            self.index[v] = self.next;
            self.low[v] = self.next;
            self.next += 1;
            self.stack.push(v);
            self.on_stack[v] = true;
            for &w in self.graph.next(v) {
                if self.index[w] == UNSEEN {
                    self.visit(w);
                    self.low[v] = self.low[v].min(self.low[w]);
                } else if self.on_stack[w] {
                    self.low[v] = self.low[v].min(self.index[w]);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                let self_loop = self.graph.next(v).contains(&v);
                if component.len() > 1 || self_loop {
                    component.sort_unstable();
                    self.cycles.push(component);
                }
            }
        }
    }
    let n = known.0.len();
    let graph = Graph::new(n, std::mem::take(&mut c.edges));
    let mut t = Tarjan {
        graph: &graph,
        index: vec![UNSEEN; n],
        low: vec![0; n],
        stack: Vec::new(),
        on_stack: vec![false; n],
        next: 0,
        cycles: Vec::new(),
    };
    for v in 0..n {
        if t.index[v] == UNSEEN && !graph.next(v).is_empty() {
            t.visit(v);
        }
    }
    for group in t.cycles {
        let start = group[0];
        let path = shortest_cycle(&graph, start, &group);
        let name = |i: &usize| known.0[*i].to_string();
        let mut names: Vec<String> = path.iter().map(name).collect();
        names.push(name(&start));
        let mut message = format!("dependency cycle: {}", names.join(" -> "));
        if group.len() > path.len() {
            let all: Vec<String> = group.iter().map(name).collect();
            message.push_str(&format!(" (one of several among {})", all.join(", ")));
        }
        c.problems.push(Problem::new(known.0[start], message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tf::Meta;
    use proptest::prelude::*;

    fn block(data: bool, kind: &str, name: &str) -> Block {
        let (kind, name) = (kind.to_owned(), name.to_owned());
        Block {
            address: if data {
                Address::Data {
                    kind: kind.clone(),
                    name: name.clone(),
                }
            } else {
                Address::Resource {
                    kind: kind.clone(),
                    name: name.clone(),
                }
            },
            kind,
            name,
            body: Body::new(),
            meta: Meta::default(),
            overrides: Vec::new(),
        }
    }

    proptest! {
        /// Blocks are checked and moved in this order, and a duplicate's
        /// last definition is the one kept: it must be a stable sort by
        /// address.
        #[test]
        fn blocks_are_ordered_as_a_stable_sort_by_address_orders_them(
            added in proptest::collection::vec((any::<bool>(), "[ab_]{0,2}", "[xy]{0,2}"), 0..40)
        ) {
            let blocks: Vec<Block> = added.iter().map(|(d, k, n)| block(*d, k, n)).collect();
            let mut expected: Vec<usize> = (0..blocks.len()).collect();
            expected.sort_by(|&a, &b| blocks[a].address.cmp(&blocks[b].address));
            prop_assert_eq!(address_order(&blocks), expected);
        }
    }
}
