//! Names Terraform accepts: identifiers, type names, provider keys; and
//! duplicate addresses.

use std::fmt;

use super::checker::{Checker, Known};
use crate::tf::address::AddressKey;
use crate::tf::stack::Stack;

/// Variable names Terraform reserves for meta-arguments.
pub(super) const RESERVED_VARIABLE_NAMES: [&str; 8] = [
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "lifecycle",
    "depends_on",
    "locals",
];

/// Classes of bytes in [`ASCII_CLASS`]: a byte that may start an
/// identifier (`A-Z a-z _`), one that may only continue it (`0-9 -`), and
/// every other byte, non-ASCII ones included.
const START: u8 = 2;
const CONTINUE: u8 = 1;
const OTHER: u8 = 0;

/// The class of every byte value, for the ASCII fast path of
/// [`is_identifier`].
static ASCII_CLASS: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphabetic() || c == b'_' {
            START
        } else if c.is_ascii_digit() || c == b'-' {
            CONTINUE
        } else {
            OTHER
        };
        b += 1;
    }
    table
};

/// Whether `name` is a valid Terraform identifier (block labels, names,
/// attribute names): a Unicode letter or `_`, then letters, digits, `_`
/// and `-`. HCL's identifiers are Unicode's (UAX #31: `ID_Start`, then
/// `ID_Continue` or `-`), so `café` and `日本` are names, `-x` and `1x`
/// are not (checked against terraform 1.11 in `tests/names.rs`).
pub fn is_identifier(name: &str) -> bool {
    // Most names are ASCII: a table lookup per byte is the fast path (it
    // runs for every key of every body), and only a name it refuses is
    // looked at again for wider characters.
    let ascii = match name.as_bytes() {
        [first, rest @ ..] => {
            ASCII_CLASS[usize::from(*first)] == START
                && rest.iter().all(|b| ASCII_CLASS[usize::from(*b)] != OTHER)
        }
        [] => return false,
    };
    if ascii || name.is_ascii() {
        return ascii;
    }
    let mut chars = name.chars();
    // Terraform takes any normal form, but `terraform fmt` rewrites names
    // to NFC: `cafe\u{301}` would become `café`, and two names that look
    // alike would then collide. Only names already in NFC are accepted.
    chars
        .next()
        .is_some_and(|c| c == '_' || unicode_ident::is_xid_start(c))
        && chars.all(continues_identifier)
        && unicode_normalization::is_nfc(name)
}

/// Whether `c` may follow the first character of an identifier.
///
/// XID, the NFKC-stable subset of ID, leaves out a few characters of
/// ID_Start (U+037A, U+309B, ...) that terraform takes: tfsynth refuses
/// them. The joiners U+200C and U+200D joined ID_Continue in Unicode
/// 15.1; terraform's tables are older and refuse them, and so does this.
pub(super) fn continues_identifier(c: char) -> bool {
    c == '-' || (unicode_ident::is_xid_continue(c) && !matches!(c, '\u{200c}' | '\u{200d}'))
}

/// Whether `kind` is a valid resource or data source type name.
pub(super) fn is_type_name(kind: &str) -> bool {
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
pub(super) fn is_provider_key(key: &str) -> bool {
    match key.split_once('.') {
        Some((name, alias)) => is_identifier(name) && is_identifier(alias),
        None => is_identifier(key),
    }
}

impl Stack {
    /// Checks names and duplicates; returns every address in the stack.
    /// `order` lists the blocks sorted by address: their addresses come as
    /// one sorted run, which the final sort merges with the few others.
    pub(super) fn check_names(&self, c: &mut Checker, order: &[usize]) -> Known<'_> {
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
}

impl Checker {
    /// Reports `name` when it is not a Terraform identifier.
    pub(super) fn name(&mut self, address: impl fmt::Display, what: &str, name: &str) {
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
