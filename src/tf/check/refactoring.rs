//! `moved`, `import` and `removed` blocks, held to the rules terraform
//! applies to them.

use std::fmt;

use super::checker::{Checker, Known, PLAIN};
use super::names::is_type_name;
use super::references::{Context, refs};
use crate::tf::address::{Address, AddressKey, ConfigAddress, InstanceKey, Target};
use crate::tf::stack::{Import, Moved, Removed, Stack};

/// The `to` of a `moved` or `import` block: a handle of this root, and an
/// address. Returns the address when it is one.
pub(super) fn check_target(
    c: &mut Checker,
    known: &Known,
    what: &str,
    to: &Target,
) -> Option<ConfigAddress> {
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
pub(super) fn check_address_names(c: &mut Checker, what: &str, address: &ConfigAddress) {
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
pub(super) fn parse_from(c: &mut Checker, what: &str, from: &str) -> Option<ConfigAddress> {
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
pub(super) fn key_fits(
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
pub(super) fn repeated(stack: &Stack, address: &Address) -> (bool, bool) {
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
    pub(super) fn check_moved(&self, c: &mut Checker, known: &Known, m: &Moved) {
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
    pub(super) fn check_import(&self, c: &mut Checker, known: &Known, i: &Import) {
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
    pub(super) fn check_removed(&self, c: &mut Checker, r: &Removed) {
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
