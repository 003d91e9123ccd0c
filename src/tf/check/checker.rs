//! What every check shares: the problems and graph edges found so far,
//! the addresses a root holds, and what an expression may refer to.

use std::fmt;

use crate::tf::address::AddressKey;
use crate::tf::identity::RootModuleId;
use crate::tf::problem::{Diagnostic, problem};

/// Collects problems while the checks run.
#[derive(Default)]
pub(super) struct Checker {
    pub(super) problems: Vec<Diagnostic>,
    /// References between nodes of the dependency graph, as indexes into
    /// the sorted list of known addresses; repeats allowed.
    pub(super) edges: Vec<(usize, usize)>,
    /// The last node edges were added from: the references of one block
    /// come one after another.
    pub(super) last_from: Option<usize>,
}

/// Every address in the stack, sorted and without repeats, borrowed from
/// the stack.
pub(super) struct Known<'s>(
    pub(super) Vec<AddressKey<'s>>,
    pub(super) &'s RootModuleId,
    /// Data sources scoped to a check block, and its name: only that
    /// block's assertions may refer to them.
    pub(super) Vec<(AddressKey<'s>, &'s str)>,
);

impl Known<'_> {
    pub(super) fn index(&self, address: AddressKey<'_>) -> Option<usize> {
        self.0.binary_search(&address).ok()
    }
    pub(super) fn contains(&self, address: AddressKey<'_>) -> bool {
        self.index(address).is_some()
    }
}

impl Checker {
    /// Takes in what another checker found.
    pub(super) fn absorb(&mut self, other: Checker) {
        self.problems.extend(other.problems);
        self.edges.extend(other.edges);
    }

    /// Records that `from` refers to `to`, both known.
    pub(super) fn edge(&mut self, known: &Known, from: AddressKey<'_>, to: AddressKey<'_>) {
        if let Some(t) = known.index(to) {
            self.edge_to(known, from, t);
        }
    }

    /// Records that `from` refers to the known node `to`.
    pub(super) fn edge_to(&mut self, known: &Known, from: AddressKey<'_>, to: usize) {
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

    pub(super) fn problem(&mut self, address: impl fmt::Display, message: impl Into<String>) {
        self.problems.push(problem(address, message));
    }
}

/// What an expression may refer to where it stands.
#[derive(Clone, Copy)]
pub(super) struct Scope<'i> {
    pub(super) each: bool,
    pub(super) count: bool,
    /// The iterators of the dynamic blocks whose content this is.
    pub(super) iterators: &'i [&'i str],
}

pub(super) const PLAIN: Scope<'static> = Scope {
    each: false,
    count: false,
    iterators: &[],
};
