//! References: each must name something in the root, `each`, `count`
//! and iterators only where they exist; bodies, dynamic blocks, conditions
//! and check blocks are walked for them.

use std::fmt;
use std::fmt::Write as _;

use super::checker::{Checker, Known, PLAIN, Scope};
use super::names::is_identifier;
use super::raw::{condition_refs, raw_refs};
use crate::tf::address::{Address, AddressKey};
use crate::tf::body::{Body, Dynamic, Entry};
use crate::tf::expr::{Expression, Reference, Root, Step};
use crate::tf::stack::{Check, Condition};

/// One step of the path to an entry, kept as pieces and only written out
/// for a message: most bodies have no problem to report.
#[derive(Clone, Copy)]
pub(super) enum PathStep<'a> {
    Key(&'a str),
    Index(usize),
}

pub(super) fn path_text(path: &[PathStep<'_>]) -> String {
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

pub(super) fn check_body<'a>(
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

/// Names an iterator must not take: Terraform's own objects and keywords.
const RESERVED_ITERATOR_NAMES: [&str; 12] = [
    "var",
    "local",
    "module",
    "data",
    "each",
    "count",
    "self",
    "path",
    "terraform",
    "for",
    "in",
    "null",
];

/// Checks one dynamic block: `for_each` sees the iterators around it;
/// `labels` and `content` see its own iterator too.
pub(super) fn check_dynamic<'a>(
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
    } else if RESERVED_ITERATOR_NAMES.contains(&name) {
        // Terraform would read `var.x` in the content as the iterator's.
        let shown = path_text(path);
        c.problem(
            at,
            format!(
                "{shown}.iterator: {name:?} would hide Terraform's own {name}; choose another name"
            ),
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
pub(super) enum Context<'p> {
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
pub(super) fn refs(
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
pub(super) fn check_ref(
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
        Root::Object(Address::Resource { kind, name })
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
pub(super) fn collect_refs(
    c: &mut Checker,
    at: AddressKey<'_>,
    e: &Expression,
    out: &mut Vec<Reference>,
) {
    e.references(out);
    let mut raws = Vec::new();
    e.raws(&mut raws);
    raw_refs(c, at, &raws, out);
}

/// Checks the references of custom conditions at `at`.
pub(super) fn conditions(
    c: &mut Checker,
    known: &Known,
    at: AddressKey<'_>,
    list: &[Condition],
    scope: Scope,
    what: &'static str,
) {
    let self_ref = if what.ends_with("postcondition") {
        SelfRef::Allowed
    } else {
        SelfRef::Refused
    };
    for (i, cond) in list.iter().enumerate() {
        condition_refers(c, at, &format!("{what}[{i}]"), &cond.condition, self_ref);
        for e in [&cond.condition, &cond.error_message] {
            refs(c, known, at, e, scope, Context::Text(what));
        }
    }
}

/// Whether a condition may refer to the object it belongs to as `self`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum SelfRef {
    /// A postcondition: `self` is the object just planned or applied.
    Allowed,
    /// Anything else: Terraform refuses `self` there.
    Refused,
}

/// Terraform refuses a condition that refers to nothing (it is always true
/// or always false: "Invalid condition expression") and `self` outside a
/// postcondition ("Invalid self reference").
pub(super) fn condition_refers(
    c: &mut Checker,
    at: AddressKey<'_>,
    what: &str,
    condition: &Expression,
    self_ref: SelfRef,
) {
    let found = condition_refs(condition);
    if !found.any {
        c.problem(
            at,
            format!("{what}.condition: refers to nothing, so it is always true or always false; terraform refuses it"),
        );
    }
    if found.self_ref && self_ref == SelfRef::Refused {
        c.problem(
            at,
            format!("{what}.condition: self is available only in a postcondition"),
        );
    }
}

/// A check block: its scoped data sources are checked like any body, and
/// its assertions may refer to them and to everything in the root.
pub(super) fn check_check(c: &mut Checker, known: &Known, name: &str, check: &Check) {
    let at = AddressKey::Check(name);
    let own: Vec<AddressKey<'_>> = check.data.iter().map(|b| b.address.key()).collect();
    let mut path = Vec::new();
    for b in &check.data {
        check_body(c, known, at, &b.body, PLAIN, &mut path);
    }
    if check.assertions.is_empty() {
        c.problem(at, "a check block needs at least one assert");
    }
    for (i, cond) in check.assertions.iter().enumerate() {
        condition_refers(
            c,
            at,
            &format!("assert[{i}]"),
            &cond.condition,
            SelfRef::Refused,
        );
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
