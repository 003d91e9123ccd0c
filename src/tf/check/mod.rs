//! Synth-time checks, and the resolved document the emitters write.
//!
//! [`Stack::resolve`] applies raw overrides, then reports every problem at
//! once: duplicate addresses, names Terraform would reject, references to
//! things not in the stack (from raw expressions and overrides too),
//! non-literal values where Terraform wants literals, and dependency cycles.

mod checker;
mod cycles;
mod names;
mod overrides;
mod raw;
mod refactoring;
mod references;

use checker::{Checker, Known, PLAIN, Scope};
use cycles::find_cycles;
use overrides::apply_overrides;
use references::{
    Context, PathStep, SelfRef, check_body, check_check, collect_refs, condition_refers,
    conditions, refs,
};

pub use names::is_identifier;
use names::is_provider_key;
pub(crate) use raw::{all_references, expression_references, template_references};

use std::collections::BTreeMap;
use std::sync::atomic::AtomicUsize;

use super::address::{Address, AddressKey};
use super::expr::Expression;
use super::problem::SynthError;
use super::stack::{
    Block, Check, Import, Lifecycle, ModuleCall, Moved, Output, Provider, Removed, Stack,
    TerraformBlock, Variable,
};
use super::types::VarType;
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

/// Whether the literal `e` converts to the type `t` as Terraform converts
/// a variable's default ("Invalid default value for variable"): strings,
/// numbers and bools into each other where the text allows it, collections
/// element by element, objects attribute by attribute (missing attributes
/// refused, extra ones dropped), `null` anywhere.
fn literal_fits(e: &Expression, t: &VarType, path: &str) -> Result<(), String> {
    use VarType as T;
    let wrong = |what: &str| Err(format!("{path}: {what}, but the type is {t}"));
    match (e, t) {
        (Expression::Null, _) | (_, T::Any) => Ok(()),
        (Expression::String(_) | Expression::Number(_) | Expression::Bool(_), T::String) => Ok(()),
        (Expression::Number(_), T::Number) => Ok(()),
        (Expression::String(s), T::Number)
            if s.trim() == s && s.parse::<f64>().is_ok_and(f64::is_finite) =>
        {
            Ok(())
        }
        (Expression::Bool(_), T::Bool) => Ok(()),
        (Expression::String(s), T::Bool) if s == "true" || s == "false" => Ok(()),
        (Expression::List(items), T::List(e) | T::Set(e)) => {
            for (i, item) in items.iter().enumerate() {
                literal_fits(item, e, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Expression::List(items), T::Tuple(types)) => {
            if items.len() != types.len() {
                return wrong(&format!("{} items", items.len()));
            }
            for (i, (item, t)) in items.iter().zip(types).enumerate() {
                literal_fits(item, t, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Expression::Object(map), T::Map(e)) => {
            for (k, v) in map {
                literal_fits(v, e, &format!("{path}[{k:?}]"))?;
            }
            Ok(())
        }
        (Expression::Object(map), T::Object(fields)) => {
            for (name, t) in fields {
                match map.get(name) {
                    Some(v) => literal_fits(v, t, &format!("{path}.{name}"))?,
                    None => return wrong(&format!("attribute {name} is missing")),
                }
            }
            Ok(())
        }
        (Expression::String(s), _) => wrong(&format!("{s:?} is a string")),
        (Expression::Number(n), _) => wrong(&format!("{n} is a number")),
        (Expression::Bool(b), _) => wrong(&format!("{b} is a bool")),
        (Expression::List(_), _) => wrong("it is a list"),
        (Expression::Object(_), _) => wrong("it is an object"),
        // Not literals: refused above.
        _ => Ok(()),
    }
}

/// Whether `source` is a provider source address as Terraform reads one:
/// `NAMESPACE/TYPE` or `HOSTNAME/NAMESPACE/TYPE`, each part letters,
/// digits, `-`, `_` or `.` (`terraform.io/builtin/terraform` included).
fn is_provider_source(source: &str) -> bool {
    let parts: Vec<&str> = source.split('/').collect();
    (2..=3).contains(&parts.len())
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
}

/// Names a module call reads as meta-arguments, never as inputs.
const MODULE_META_ARGUMENTS: [&str; 7] = [
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "depends_on",
    "lifecycle",
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
                } else if let Some(t) = &v.r#type {
                    if let Err(why) = literal_fits(d, t, "default") {
                        c.problem(at, why);
                    }
                }
            }
            for (i, val) in v.validations.iter().enumerate() {
                condition_refers(
                    c,
                    at,
                    &format!("validation[{i}]"),
                    &val.condition,
                    SelfRef::Refused,
                );
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
            for input in m.inputs.keys() {
                if MODULE_META_ARGUMENTS.contains(&input.as_str()) {
                    c.problem(
                        at,
                        format!("{input}: a module meta-argument, not an input; set it through ModuleCall's own field"),
                    );
                }
            }
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
        for (name, p) in &self.terraform.required_providers {
            c.name("terraform", "required_providers: provider local name", name);
            if !is_provider_source(&p.source) {
                c.problem(
                    "terraform",
                    format!(
                        "required_providers.{name}.source: {:?} is not a provider source ([HOSTNAME/]NAMESPACE/TYPE, e.g. hashicorp/google)",
                        p.source
                    ),
                );
            }
        }
        if let Some(backend) = &self.terraform.backend {
            c.name("terraform", "backend type", &backend.kind);
            for (key, value) in &backend.settings {
                if !value.is_literal() {
                    c.problem(
                        "terraform",
                        format!("backend.{}.{key}: must be a literal value", backend.kind),
                    );
                }
            }
        }
        if let Some(cloud) = &self.terraform.cloud {
            if self.terraform.backend.is_some() {
                c.problem(
                    "terraform",
                    "both a backend block and a cloud block: Terraform takes one of them"
                        .to_owned(),
                );
            }
            for problem in cloud_problems(cloud) {
                c.problem("terraform", problem);
            }
        }
        for m in &self.moved {
            self.check_moved(c, &known, m);
        }
        // Terraform refuses moves it cannot order ("Ambiguous move
        // statements"): one address moved twice, or two moved to one.
        for (what, addresses) in [
            (
                "from",
                self.moved
                    .iter()
                    .map(|m| m.from.clone())
                    .collect::<Vec<_>>(),
            ),
            ("to", self.moved.iter().map(|m| m.to.to_string()).collect()),
        ] {
            let mut sorted = addresses;
            sorted.sort();
            for run in sorted.chunk_by(|a, b| a == b) {
                if run.len() > 1 {
                    c.problem(
                        "moved",
                        format!("{what}: {} is in {} moved blocks; terraform cannot tell which move holds", run[0], run.len()),
                    );
                }
            }
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
        // One pass over the body's keys: a lookup per meta-argument name
        // would cost a search of the body each, for every block.
        for name in block.body.entries.keys() {
            let clash = match name {
                "timeouts" => meta.timeouts.is_some(),
                name => META_ARGUMENTS.contains(&name),
            };
            if clash {
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

/// What is wrong with a `cloud` block, each as `cloud.KEY: why`: names
/// HCP Terraform would refuse, and a host name that is a URL.
fn cloud_problems(cloud: &super::Cloud) -> Vec<String> {
    use super::{Cloud, CloudWorkspaces};
    let mut problems = Vec::new();
    if !Cloud::is_organization(&cloud.organization) {
        problems.push(format!(
            "cloud.organization: {:?} is not an organization name (letters, digits, '-', '_' and '.')",
            cloud.organization
        ));
    }
    if let Some(host) = cloud.hostname.as_ref().filter(|h| !Cloud::is_hostname(h)) {
        problems.push(format!(
            "cloud.hostname: {host:?} is not a host name (a DNS name such as tfe.example.com, with :PORT if need be; no https://, no path)"
        ));
    }
    match &cloud.workspaces {
        CloudWorkspaces::Name(name) => {
            if !Cloud::is_workspace_name(name) {
                problems.push(format!(
                    "cloud.workspaces.name: {name:?} is not a workspace name (1 to 90 letters, digits, '-' and '_')"
                ));
            }
        }
        CloudWorkspaces::Tags(tags) => {
            if tags.is_empty() {
                problems.push(
                    "cloud.workspaces.tags: empty; name at least one tag, or one workspace by name"
                        .to_owned(),
                );
            }
            for tag in tags.iter().filter(|t| !Cloud::is_tag(t)) {
                problems.push(format!(
                    "cloud.workspaces.tags: {tag:?} is not a workspace tag (1 to 255 letters, digits, ':', '-' and '_')"
                ));
            }
        }
    }
    if let Some(project) = cloud.project.as_ref().filter(|p| !Cloud::is_project(p)) {
        problems.push(format!(
            "cloud.workspaces.project: {project:?} is not a project name (3 to 40 letters, digits, '_', '-' and spaces, no space first or last)"
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tf::Meta;
    use crate::tf::body::Body;
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
