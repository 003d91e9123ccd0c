//! Typed references between Terraform roots.
//!
//! A blueprint builds its roots in apply order and may use, in a later
//! root, handles to things of an earlier one. Linking turns each such
//! reference into an output of the earlier root and a read of that output
//! through `terraform_remote_state` in the later one, for the earlier
//! root's backend. No name is ever copied by hand between roots.
//!
//! A reference is resolved by the identity of the root its handle came
//! from ([`RootModuleId`]), never by its address: two roots may hold the
//! same address, and a root may hold the address it reads from another.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::address::{Address, Dependency};
use super::body::{Body, BodyError, Entry};
use super::check::{all_references, is_identifier};
use super::expr::{Expression, Reference, Root, Step};
use super::identity::RootModuleId;
use super::problem::{Diagnostic, problem};
use super::stack::{CloudWorkspaces, DataSource, Output, Stack};

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

    fn into_body(self) -> Result<Body, BodyError> {
        let mut body = Body::with_capacity(2);
        body.set_static("backend", self.backend);
        body.set_static("config", self.config);
        Ok(body)
    }
}

/// One Terraform root: a name (its directory) and its stack.
#[derive(Debug, Clone)]
pub struct NamedRoot {
    /// Directory name under `generated/<stack>/`, e.g. `cluster`. Roots
    /// of one link are sibling directories: a root reads another's local
    /// state file through `../<name>/`.
    pub name: String,
    /// Its contents.
    pub stack: Stack,
}

/// The readable base of the output name a cross-root reference is
/// exported under: every run of characters that cannot be in a name
/// becomes one `_`, so
/// `google_container_cluster.primary.master_auth[0].cluster_ca_certificate`
/// becomes `google_container_cluster_primary_master_auth_0_cluster_ca_certificate`.
///
/// Distinct references can share a base (`output["eu-west"]` and
/// `output["eu_west"]`); [`link_roots`] then gives each its own name.
pub fn export_name(r: &Reference) -> String {
    let mut name = String::new();
    for c in r.to_string().chars() {
        // Letters of any script stay: output names are identifiers too.
        if c.is_ascii_alphanumeric()
            || c == '_'
            || (!c.is_ascii() && is_identifier(&format!("a{c}")))
        {
            name.push(c);
        } else if !name.ends_with('_') {
            name.push('_');
        }
    }
    name.trim_end_matches('_').to_owned()
}

/// Resolves references between roots (given in apply order), as
/// [`link_roots_with`] does, knowing no attribute that a provider schema
/// marks sensitive.
///
/// # Errors
///
/// As [`link_roots_with`].
pub fn link_roots(roots: Vec<NamedRoot>) -> Result<Vec<NamedRoot>, Vec<Diagnostic>> {
    link_roots_with(roots, &|_, _| false)
}

/// Resolves references between roots, given in apply order.
///
/// Each reference made through a handle of an earlier root becomes an
/// output of that root and a read of it through `terraform_remote_state`.
/// Output names are readable ([`export_name`]), one per distinct
/// reference: when two references share a base name, or a root already
/// has an output of that name with another value, the references in
/// sorted order take the base name, then `_2`, `_3`, ...
///
/// An exported output is `sensitive` whenever its value can be, since
/// Terraform refuses to apply an output of a sensitive value that is not
/// marked so: a sensitive variable, a module output, a local that refers
/// to any of these, or an attribute for which `sensitive_attribute`
/// answers true (given the object's address and the steps after it; feed
/// it the provider schemas' `sensitive` flags).
///
/// # Errors
///
/// Every problem at once, each naming the reading root:
/// - a reference or `depends_on` to a root applied after the reader;
/// - a reference through a handle of a root that is not in `roots`;
/// - `depends_on`, `moved` or `import` pointing into another root;
/// - two entries of `roots` that are the same stack;
/// - a reader that already holds `data.terraform_remote_state.<root>`.
pub fn link_roots_with(
    mut roots: Vec<NamedRoot>,
    sensitive_attribute: &dyn Fn(&Address, &[Step]) -> bool,
) -> Result<Vec<NamedRoot>, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let ids: Vec<RootModuleId> = roots.iter().map(|r| r.stack.id.clone()).collect();
    let names: Vec<String> = roots.iter().map(|r| r.name.clone()).collect();
    for (i, name) in names.iter().enumerate() {
        // A root's name labels the remote-state data source that reads it.
        if !is_identifier(name) {
            problems.push(problem(
                format!("root {name:?}"),
                "a root's name must be a Terraform name (a letter or underscore, then letters, digits, underscores or dashes): it is its directory and the name of the data source that reads it",
            ));
        }
        if names[..i].contains(name) {
            problems.push(problem(
                format!("root {name}"),
                "two roots have this name; each root is its own directory and needs its own name",
            ));
        }
    }
    for (i, id) in ids.iter().enumerate() {
        if let Some(j) = ids[..i].iter().position(|other| other == id) {
            problems.push(problem(
                format!("root {}", names[i]),
                format!(
                    "is the same stack as root {} (a clone); give each root its own Stack",
                    names[j]
                ),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let owner = |origin: &RootModuleId| ids.iter().position(|id| id == origin);

    // Which references each root must export, and who reads each.
    let mut exports: Vec<BTreeMap<Reference, BTreeSet<usize>>> = vec![BTreeMap::new(); roots.len()];
    for (consumer, root) in roots.iter_mut().enumerate() {
        let at = format!("root {}", names[consumer]);
        let mut late = BTreeSet::new();
        let mut foreign = BTreeSet::new();
        for e in root.stack.expressions_mut() {
            e.visit_references(&mut |r| {
                let Some(origin) = &r.origin else { return };
                if *origin == ids[consumer] {
                    return;
                }
                match owner(origin) {
                    Some(producer) if producer < consumer => {
                        exports[producer]
                            .entry(without_origin(r))
                            .or_default()
                            .insert(consumer);
                    }
                    Some(producer) => {
                        late.insert((r.to_string(), names[producer].clone()));
                    }
                    None => {
                        foreign.insert((r.to_string(), origin.to_string()));
                    }
                }
            });
        }
        for (what, producer) in late {
            problems.push(problem(
                &at,
                format!(
                    "{what} belongs to root {producer}, which is applied after {}",
                    names[consumer]
                ),
            ));
        }
        for (what, origin) in foreign {
            problems.push(problem(
                &at,
                format!(
                    "{what} belongs to {origin}, which is not one of the linked roots ({})",
                    names.join(", ")
                ),
            ));
        }
        for (from, dep) in root.stack.dependencies() {
            let Some(origin) = &dep.origin else { continue };
            if *origin == ids[consumer] {
                continue;
            }
            let owner = match owner(origin) {
                Some(producer) => format!("root {}", names[producer]),
                None => origin.to_string(),
            };
            problems.push(problem(
                &at,
                format!(
                    "{from}: {} belongs to {owner}; it cannot point into another root (roots are ordered by applying them in turn)",
                    dep.address
                ),
            ));
        }
    }

    // Names, chosen per producer over all its readers, so every reader of
    // one reference reads the same output.
    // Each exported reference's output name, and whether it is sensitive.
    let mut renames: Vec<BTreeMap<Reference, (String, bool)>> = Vec::with_capacity(roots.len());
    for (producer, wanted) in exports.iter().enumerate() {
        let stack = &mut roots[producer].stack;
        let chosen = choose_names(stack, wanted.keys());
        let mut exported = BTreeMap::new();
        for (reference, name) in chosen {
            if let Some((_, o)) = stack.outputs().find(|(n, _)| *n == name) {
                let sensitive = o.sensitive == Some(true);
                exported.insert(reference, (name, sensitive));
                continue;
            }
            let readers: Vec<&str> = wanted[&reference]
                .iter()
                .map(|&c| names[c].as_str())
                .collect();
            let sensitive = may_be_sensitive(stack, &reference, sensitive_attribute);
            let mut value = reference.clone();
            value.origin = Some(ids[producer].clone());
            stack.output(
                name.clone(),
                Output {
                    sensitive: sensitive.then_some(true),
                    ..Output::new(
                        Expression::from(value),
                        format!(
                            "Read by the {} root{}",
                            and_list(&readers),
                            plural(&readers)
                        ),
                    )
                },
            );
            exported.insert(reference, (name, sensitive));
        }
        renames.push(exported);
    }

    for consumer in 0..roots.len() {
        let (before, rest) = roots.split_at_mut(consumer);
        let current = &mut rest[0];
        let mut read = BTreeSet::new();
        for e in current.stack.expressions_mut() {
            e.rewrite_refs(&mut |r| {
                let producer = owner(r.origin.as_ref()?)?;
                if producer >= consumer {
                    return None;
                }
                let (name, sensitive) = renames[producer].get(r)?;
                read.insert(producer);
                let value = Expression::from(Reference {
                    root: Root::data(
                        TerraformRemoteState::TYPE.to_owned(),
                        names[producer].clone(),
                    ),
                    steps: vec![Step::Attr("outputs".to_owned()), Step::Attr(name.clone())],
                    origin: Some(ids[consumer].clone()),
                });
                // terraform_remote_state drops an output's sensitive mark:
                // the reader marks the value again, so its plans hide it
                // as the producer's do.
                Some(if *sensitive {
                    Expression::call("sensitive", vec![value])
                } else {
                    value
                })
            });
        }
        for producer in read {
            let address = Address::Data {
                kind: TerraformRemoteState::TYPE.to_owned(),
                name: names[producer].clone(),
            };
            if current.stack.defined().contains(&address) {
                problems.push(problem(
                    format!("root {}", names[consumer]),
                    format!(
                        "{address} is already defined; linking reads root {} through that address",
                        names[producer]
                    ),
                ));
                continue;
            }
            match remote_state(&before[producer].name, &before[producer].stack) {
                Ok(state) => {
                    current.stack.data(names[producer].clone(), state);
                }
                Err(why) => problems.push(problem(format!("root {}", names[consumer]), why)),
            }
        }
    }
    if problems.is_empty() {
        Ok(roots)
    } else {
        problems.sort();
        problems.dedup();
        Err(problems)
    }
}

fn without_origin(r: &Reference) -> Reference {
    Reference::new(r.root.clone(), r.steps.clone())
}

fn plural(items: &[&str]) -> &'static str {
    if items.len() == 1 { "" } else { "s" }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// One output name per reference: the readable base name when it is free
/// (or already an output of exactly that reference), else the base with
/// `_2`, `_3`, ... References are taken in sorted order, so the choice is
/// the same on every run.
fn choose_names<'r>(
    stack: &Stack,
    references: impl Iterator<Item = &'r Reference>,
) -> BTreeMap<Reference, String> {
    let mut by_base: BTreeMap<String, Vec<&Reference>> = BTreeMap::new();
    for r in references {
        by_base.entry(export_name(r)).or_default().push(r);
    }
    let existing: BTreeMap<&str, &Output> = stack.outputs().collect();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut chosen = BTreeMap::new();
    // Bases first, then suffixes: a reference whose base is free keeps it
    // even when another group's suffix would spell the same name.
    taken.extend(by_base.keys().cloned());
    for (base, group) in &by_base {
        for (i, r) in group.iter().enumerate() {
            let fits = |name: &str| match existing.get(name) {
                None => true,
                Some(o) => matches!(&o.value, Expression::Ref(v) if **v == **r),
            };
            let mut n = i + 1;
            let name = loop {
                let candidate = if n == 1 {
                    base.clone()
                } else {
                    format!("{base}_{n}")
                };
                let free = if n == 1 {
                    fits(&candidate)
                } else {
                    !taken.contains(&candidate) && fits(&candidate)
                };
                if free {
                    break candidate;
                }
                n += 1;
            };
            taken.insert(name.clone());
            chosen.insert((*r).clone(), name);
        }
    }
    chosen
}

/// Whether the value behind `r` can be sensitive in `stack`.
fn may_be_sensitive(
    stack: &Stack,
    r: &Reference,
    sensitive_attribute: &dyn Fn(&Address, &[Step]) -> bool,
) -> bool {
    let mut seen_locals = BTreeSet::new();
    sensitive_reference(stack, r, sensitive_attribute, &mut seen_locals)
}

fn sensitive_reference(
    stack: &Stack,
    r: &Reference,
    sensitive_attribute: &dyn Fn(&Address, &[Step]) -> bool,
    seen: &mut BTreeSet<String>,
) -> bool {
    match &r.root {
        Root::Object(Address::Variable(name)) => stack
            .variables()
            .any(|(n, v)| n == name && v.sensitive == Some(true)),
        // A module's outputs may be sensitive, and nothing here says
        // which: the exported output is marked, which hides it in plans.
        Root::Object(Address::Module(_)) => true,
        Root::Object(Address::Local(name)) => {
            if !seen.insert(r.root.to_string()) {
                return false;
            }
            let Some((_, value)) = stack.locals.iter().find(|(n, _)| n == name) else {
                return false;
            };
            let mut inside = Vec::new();
            all_references(value, &mut inside);
            inside
                .iter()
                .any(|r| sensitive_reference(stack, r, sensitive_attribute, seen))
        }
        Root::Object(address @ (Address::Resource { .. } | Address::Data { .. })) => {
            if sensitive_attribute(address, &r.steps) {
                return true;
            }
            // A configured attribute keeps the sensitivity of what it was
            // set from (`input = var.db_password`): Terraform marks it so.
            // Each object is looked into once: references may loop.
            if !seen.insert(r.to_string()) {
                return false;
            }
            let Some(block) = stack.blocks.iter().find(|b| b.address == *address) else {
                return false;
            };
            let configured: Vec<&Expression> = match r.steps.first() {
                Some(Step::Attr(name)) => match block.body.entries.get(name) {
                    Some(Entry::Attr(e)) => vec![e],
                    Some(Entry::Blocks(blocks)) => {
                        blocks.iter().flat_map(|b| b.expressions()).collect()
                    }
                    _ => Vec::new(),
                },
                // The whole object holds every attribute.
                None => block.body.expressions(),
                Some(_) => Vec::new(),
            };
            configured.into_iter().any(|e| {
                let mut inside = Vec::new();
                all_references(e, &mut inside);
                inside
                    .iter()
                    .any(|r| sensitive_reference(stack, r, sensitive_attribute, seen))
            })
        }
        // Outputs, checks and providers never start a reference.
        Root::Object(_) | Root::Each | Root::Count | Root::Iterator(_) => false,
    }
}

/// How a sibling root reads `name`'s state: the same backend settings, or
/// its local state file seen from the reader's directory, or, for a root
/// in an HCP Terraform workspace, the `remote` backend naming that
/// workspace (HCP Terraform, "Remote state access"; the workspace must
/// share its state with the reader's). A root whose workspaces are
/// chosen by tags cannot be read: which workspace holds its outputs is
/// known only when it runs.
fn remote_state(name: &str, stack: &Stack) -> Result<TerraformRemoteState, String> {
    if let Some(cloud) = &stack.terraform().cloud {
        let CloudWorkspaces::Name(workspace) = &cloud.workspaces else {
            return Err(format!(
                "it reads root {name}, whose cloud block chooses workspaces by tags; \
                 a root read through a link needs one workspace by name"
            ));
        };
        let mut config = BTreeMap::from([
            (
                "organization".to_owned(),
                Expression::from(cloud.organization.as_str()),
            ),
            (
                "workspaces".to_owned(),
                Expression::Object(
                    [("name".to_owned(), Expression::from(workspace.as_str()))]
                        .into_iter()
                        .collect(),
                ),
            ),
        ]);
        if let Some(hostname) = &cloud.hostname {
            config.insert("hostname".to_owned(), Expression::from(hostname.as_str()));
        }
        return Ok(TerraformRemoteState {
            backend: "remote".to_owned(),
            config,
        });
    }
    Ok(match &stack.terraform().backend {
        Some(backend) if backend.kind == "local" => {
            let mut config = backend.settings.clone();
            for key in ["path", "workspace_dir"] {
                if let Some(Expression::String(path)) = config.get_mut(key) {
                    *path = from_sibling(name, path);
                }
            }
            config
                .entry("path".to_owned())
                .or_insert_with(|| Expression::from(format!("../{name}/terraform.tfstate")));
            TerraformRemoteState {
                backend: "local".to_owned(),
                config,
            }
        }
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
    })
}

/// A path that Terraform resolves from root `name`'s directory, as seen
/// from a sibling root's directory. Absolute paths (`/…`, `C:\…`, `\\…`)
/// stay as they are; relative ones are prefixed with `../name/` and `.`
/// and `..` segments folded.
fn from_sibling(name: &str, path: &str) -> String {
    let bytes = path.as_bytes();
    let windows_drive = bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && matches!(bytes[2], b'/' | b'\\');
    if path.starts_with('/') || path.starts_with('\\') || windows_drive {
        return path.to_owned();
    }
    // Segments of `../name/path` with `.` dropped and `..` folded into
    // the segment before it, except leading `..`s.
    let mut segments: Vec<&str> = vec!["..", name];
    for segment in path.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." if segments.last().is_some_and(|s| *s != "..") => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    segments.join("/")
}

impl Stack {
    /// Every `depends_on` entry and `moved`/`import` target, with what it
    /// stands in.
    pub(crate) fn dependencies(&self) -> Vec<(String, &Dependency)> {
        let mut out = Vec::new();
        for b in &self.blocks {
            for d in &b.meta.depends_on {
                out.push((format!("{}: depends_on", b.address), d));
            }
        }
        for (name, m) in &self.modules {
            for d in &m.depends_on {
                out.push((format!("module.{name}: depends_on"), d));
            }
        }
        for (name, o) in &self.outputs {
            for d in &o.depends_on {
                out.push((format!("output.{name}: depends_on"), d));
            }
        }
        for m in &self.moved {
            out.push(("moved: to".to_owned(), &m.to.base));
        }
        for i in &self.imports {
            out.push(("import: to".to_owned(), &i.to.base));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_state_paths_are_seen_from_the_sibling_directory() {
        for (path, seen) in [
            ("terraform.tfstate", "../cluster/terraform.tfstate"),
            ("state/cluster.tfstate", "../cluster/state/cluster.tfstate"),
            (
                "./state/cluster.tfstate",
                "../cluster/state/cluster.tfstate",
            ),
            ("state//x.tfstate", "../cluster/state/x.tfstate"),
            ("../shared/cluster.tfstate", "../shared/cluster.tfstate"),
            ("../../up/x.tfstate", "../../up/x.tfstate"),
            ("a/../b.tfstate", "../cluster/b.tfstate"),
            ("state\\win.tfstate", "../cluster/state/win.tfstate"),
            ("/var/lib/tf/x.tfstate", "/var/lib/tf/x.tfstate"),
            ("C:\\tf\\x.tfstate", "C:\\tf\\x.tfstate"),
            ("\\\\server\\share\\x", "\\\\server\\share\\x"),
        ] {
            assert_eq!(from_sibling("cluster", path), seen, "{path}");
        }
    }

    #[test]
    fn lists_of_readers_read_as_english() {
        assert_eq!(and_list(&["b"]), "b");
        assert_eq!(and_list(&["b", "c"]), "b and c");
        assert_eq!(and_list(&["b", "c", "d"]), "b, c and d");
    }
}
