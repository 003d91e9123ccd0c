//! Typed references between Terraform roots.
//!
//! A blueprint builds its roots in apply order and may use, in a later
//! root, handles to things of an earlier one. Linking turns each such
//! reference into an output of the earlier root and a read of that output
//! through `terraform_remote_state` in the later one, for the earlier
//! root's backend. No name is ever copied by hand between roots.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::check::Problem;
use super::expr::{Expression, Reference, Root, Step};
use super::stack::{Address, DataSource, Output, Stack};

/// Terraform's built-in `terraform_remote_state` data source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TerraformRemoteState {
    /// Backend type of the root being read: `local`, `gcs`, ...
    pub backend: String,
    /// Where its state is.
    pub config: BTreeMap<String, Expression>,
}

impl DataSource for TerraformRemoteState {
    const TYPE: &'static str = "terraform_remote_state";
}

/// One Terraform root: a name (its directory) and its stack.
#[derive(Debug, Clone)]
pub struct NamedRoot {
    /// Directory name under `generated/<stack>/`, e.g. `cluster`.
    pub name: String,
    /// Its contents.
    pub stack: Stack,
}

/// The output name a cross-root reference is exported under:
/// `google_container_cluster.primary.master_auth[0].cluster_ca_certificate`
/// becomes `google_container_cluster_primary_master_auth_0_cluster_ca_certificate`.
pub fn export_name(r: &Reference) -> String {
    let mut name = String::new();
    for c in r.to_string().chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            name.push(c);
        } else if !name.ends_with('_') {
            name.push('_');
        }
    }
    name.trim_end_matches('_').to_owned()
}

/// Resolves references between roots (given in apply order). Problems:
/// a root that reads from a root applied after it.
pub fn link_roots(mut roots: Vec<NamedRoot>) -> Result<Vec<NamedRoot>, Vec<Problem>> {
    let mut problems = Vec::new();
    let defined: Vec<BTreeSet<Address>> = roots.iter().map(|r| r.stack.defined()).collect();
    let owner = |root: &Root| {
        root.address()
            .and_then(|a| defined.iter().position(|d| d.contains(&a)))
    };
    for consumer in 0..roots.len() {
        // Which earlier roots this one reads, and the outputs each must export.
        let mut exports: BTreeMap<usize, BTreeMap<String, Reference>> = BTreeMap::new();
        let (before, rest) = roots.split_at_mut(consumer);
        let (current, after) = rest.split_first_mut().expect("consumer is in range");
        let mut late = BTreeSet::new();
        let own = &defined[consumer];
        for e in current.stack.expressions_mut() {
            e.rewrite_refs(&mut |r| {
                let address = r.root.address()?;
                if own.contains(&address) {
                    return None;
                }
                let producer = owner(&r.root)?;
                if producer < consumer {
                    let name = export_name(r);
                    exports
                        .entry(producer)
                        .or_default()
                        .insert(name.clone(), r.clone());
                    return Some(Expression::from(Reference {
                        root: Root::Data {
                            kind: TerraformRemoteState::TYPE.to_owned(),
                            name: before[producer].name.clone(),
                        },
                        steps: vec![Step::Attr("outputs".to_owned()), Step::Attr(name)],
                    }));
                }
                late.insert((r.to_string(), after[producer - consumer - 1].name.clone()));
                None
            });
        }
        for (what, producer) in late {
            problems.push(Problem::new(
                format!("root {}", current.name),
                format!(
                    "{what} belongs to root {producer}, which is applied after {}",
                    current.name
                ),
            ));
        }
        for (producer, outputs) in exports {
            let source = &mut before[producer];
            for (name, reference) in &outputs {
                if !source.stack.has_output(name) {
                    source.stack.output(
                        name.clone(),
                        Output::new(
                            Expression::from(reference.clone()),
                            format!("Read by the {} root", current.name),
                        ),
                    );
                }
            }
            let state = remote_state(&source.name, &source.stack);
            let address = Address::Data {
                kind: TerraformRemoteState::TYPE.to_owned(),
                name: source.name.clone(),
            };
            if !current.stack.defined().contains(&address) {
                current.stack.data(source.name.clone(), state);
            }
        }
    }
    if problems.is_empty() {
        Ok(roots)
    } else {
        Err(problems)
    }
}

/// How a sibling root reads `name`'s state: the same backend settings, or
/// the local state file next to it.
fn remote_state(name: &str, stack: &Stack) -> TerraformRemoteState {
    match &stack.terraform().backend {
        Some(backend) => TerraformRemoteState {
            backend: backend.kind.clone(),
            config: backend.settings.clone(),
        },
        None => TerraformRemoteState {
            backend: "local".to_owned(),
            config: BTreeMap::from([(
                "path".to_owned(),
                Expression::from(format!("../{name}/terraform.tfstate")),
            )]),
        },
    }
}
