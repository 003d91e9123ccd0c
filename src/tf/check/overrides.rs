//! The raw override escape hatch: paths into a body, deep-merged at synth.

use super::checker::Checker;
use crate::tf::address::Address;
use crate::tf::body::{Body, Entry};
use crate::tf::expr::{Expression, ObjectMap};
use crate::tf::stack::Override;

/// Applies a block's raw overrides to a copy of its body.
pub(super) fn apply_overrides(
    c: &mut Checker,
    address: &Address,
    overrides: &[Override],
    body: &mut Body,
) {
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

pub(super) fn set_in_body(
    body: &mut Body,
    path: &[&str],
    value: Option<Expression>,
) -> Result<(), String> {
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

pub(super) fn set_in_expression(
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
