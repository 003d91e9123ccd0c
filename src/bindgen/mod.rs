//! Typed Rust bindings generated from a provider schema, the output of
//! `terraform providers schema -json`.
//!
//! [`generate`] writes one module per resource and data source type, one
//! for the provider's configuration block, and a `mod.rs` that declares
//! them; `tfsynth bindgen` writes them into a directory (or checks it).
//! The shape of what it writes:
//!
//! - a struct per type (`RandomPassword`, data sources `DataGoogleX`, the
//!   provider `RandomProvider`); required attributes and blocks are the
//!   arguments of `new`, everything else is `Option`, `Vec` or `BTreeMap`
//!   (a struct with nothing required derives `Default` instead);
//! - every settable attribute is a [`Value`](crate::tf::Value): a literal
//!   or any typed [`Expr`](crate::tf::Expr) (a handle's accessor, a
//!   function call, a raw expression, a `dynamic` iterator's value);
//!   `dynamic` attributes take any [`Expression`](crate::tf::Expression);
//!   computed-only attributes are not fields, nor a resource's `id` or
//!   `timeouts` (the provider sets the one, [`Meta`](crate::tf::Meta)
//!   writes the other);
//! - nested blocks are structs in the type's module: `single`/`group`
//!   (and `list`/`set` of at most one) are `Option<Block>`, or `Block`
//!   when at least one is required; `list`/`set` are `Vec<Block>`; `map`
//!   is `BTreeMap<String, Block>`;
//! - the body is written field by field ([`Resource::into_body`](crate::tf::Resource::into_body)), no serde;
//! - the trait `{Type}Ref`, implemented by the handle `Ref<Type>`, has a
//!   typed accessor for every attribute, computed ones included
//!   (`password.result()` is an `Expr<String>`; a list's `.index(0)` is
//!   typed as its element). A trait, because the bindings usually live in
//!   the user's crate, which may not add methods to tfsynth's `Ref`;
//! - each nested block and object type has its own accessor trait on
//!   `Expr<Block>`, so references are typed all the way down; a set is
//!   an [`Expr<Set<T>>`](crate::tf::Set), which has no index;
//! - every method that takes no type parameter (`into_body`, the
//!   accessors) is `#[inline]`, so a library that holds bindings does
//!   not compile machine code for the types and attributes no caller
//!   uses: rustc codegens an unused non-generic public function of a
//!   library, but an `#[inline]` one only in the crate that calls it.
//!   For the blueprint's 36 types this took the library's rustc time
//!   from 21.3 s to 17.4 s (`-Z time-passes`, session 9).
//!
//! Output is sorted by name and printed by prettyplease, so the same
//! schema always gives the same bytes; declare the module
//! `#[rustfmt::skip]`, or `cargo fmt` makes it stale.
//!
//! # Typos do not compile
//!
//! With the bindings of hashicorp/random that `examples/random/` holds
//! (each type's file can be `include!`d, as here), this compiles:
//!
//! ```
//! mod random_password {
//!     include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/random/random_password.rs"));
//! }
//! use random_password::{RandomPassword, RandomPasswordRef};
//! use tfsynth::tf::{Output, Stack};
//!
//! let mut stack = Stack::new();
//! let password = stack.add("db", RandomPassword { special: Some(false.into()), ..RandomPassword::new(24) });
//! stack.output("password", Output { sensitive: Some(true), ..Output::new(password.result(), "secret") });
//! assert!(stack.resolve().is_ok());
//! ```
//!
//! and a misspelled attribute does not:
//!
//! ```compile_fail,E0560
//! mod random_password {
//!     include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/random/random_password.rs"));
//! }
//! use random_password::RandomPassword;
//!
//! let mut stack = tfsynth::tf::Stack::new();
//! stack.add("db", RandomPassword { specail: Some(false.into()), ..RandomPassword::new(24) });
//! ```
//!
//! nor does a reference to an attribute the type lacks:
//!
//! ```compile_fail,E0599
//! mod random_password {
//!     include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/random/random_password.rs"));
//! }
//! use random_password::{RandomPassword, RandomPasswordRef};
//!
//! let mut stack = tfsynth::tf::Stack::new();
//! let password = stack.add("db", RandomPassword::new(24));
//! let _ = password.reslt();
//! ```

mod names;
mod schema;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io;
use std::path::Path;

use crate::schema::{NestingMode, Type};
use names::{Scope, camel, ident};
use schema::{Attribute, AttributeValue, Block, NestedBlock, SchemaFile};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The provider: its full address
    /// (`registry.terraform.io/hashicorp/random`) or its trailing part
    /// (`hashicorp/random`, `random`), when that names one provider.
    pub provider: String,
    /// Types to generate, by Terraform name: `google_sql_database_instance`
    /// selects the resource type, `data.google_sql_database_instance` the
    /// data source type (as a configuration names them). Spaces around a
    /// name are not part of it; an empty name is refused (by its position,
    /// as `entry 2 of --types`). Every type of the provider when empty.
    pub types: Vec<String>,
    /// How the generated code names this crate: `tfsynth` in a user's
    /// crate, `crate` inside tfsynth, or any Rust path to it
    /// (`::tfsynth`, `crate::tf_lib`); anything else is refused.
    pub crate_path: String,
}

/// One generated Rust file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedSource {
    /// Its path in the output directory, e.g. `random_password.rs`.
    pub path: String,
    /// Its text, as prettyplease prints it.
    pub text: String,
}

/// Why bindings could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum BindgenError {
    /// The file is not a provider schema, or one of its values is not
    /// what the format allows: `random.json:12:30: provider_schemas.
    /// registry.terraform.io/hashicorp/random.resource_schemas.random_uuid.
    /// block.attributes.result.type: unknown variant ...`. An attribute
    /// must have a `type` (or `nested_type`) and be required, optional or
    /// computed: nothing is guessed for one that is not.
    #[error(
        "{file}:{line}:{column}: {}not a provider schema (`terraform providers schema -json`): {message}",
        key.as_ref().map(|key| format!("{key}: ")).unwrap_or_default()
    )]
    Parse {
        /// The schema file, as named to the generator.
        file: String,
        /// Line where the parser found the problem, from 1: in the
        /// offending value, or (for an attribute refused as a whole) just
        /// after it.
        line: usize,
        /// Column where the parser found the problem, from 1.
        column: usize,
        /// The key path to it (`provider_schemas.<address>.resource_schemas.
        /// <type>.block.attributes.<name>.type`); `None` when the file
        /// itself is not a JSON object.
        key: Option<String>,
        /// What the JSON parser said, without its position.
        message: String,
    },
    /// No provider, or more than one, matches [`Options::provider`].
    #[error("{file}: {wanted:?} names {found} providers; {}", held(.available))]
    Provider {
        /// The schema file.
        file: String,
        /// The provider asked for.
        wanted: String,
        /// How many matched (0, or 2 and more).
        found: usize,
        /// Every provider address in the file, sorted; none in a file
        /// whose `provider_schemas` is empty.
        available: Vec<String>,
    },
    /// [`Options::crate_path`] is not a Rust path (`tf-synth`, an empty
    /// one): the generated `use` lines would not compile, or would name
    /// something else.
    #[error(
        "--crate-path {path:?} is not a Rust path to the tfsynth crate \
         (such as tfsynth, crate::tf_lib or ::tfsynth)"
    )]
    CratePath {
        /// The path given.
        path: String,
    },
    /// Entries of [`Options::types`] that are empty or only spaces, as
    /// `--types a,,b` or a trailing comma gives them.
    #[error("{}", empty_entries(.positions))]
    EmptyTypes {
        /// Their positions in the list, from 1.
        positions: Vec<usize>,
    },
    /// Types asked for that the provider lacks.
    #[error(
        "{file}: {provider} has no resource or data source {} {}",
        if .names.len() == 1 { "type" } else { "types" },
        .names.join(", ")
    )]
    UnknownTypes {
        /// The schema file.
        file: String,
        /// The provider's address.
        provider: String,
        /// The names it lacks, each quoted and followed by a hint where
        /// there is one: `"data.google_sql_user" (it is a resource:
        /// "google_sql_user")`, `"google_sql_usr" (did you mean
        /// "google_sql_user"?)`.
        names: Vec<String>,
    },
    /// Two types would get the same file or Rust name (or one would be
    /// `mod.rs`, the module list).
    #[error("{file}: {first} and {second} would both be generated as {name}")]
    Collision {
        /// The schema file.
        file: String,
        /// The Rust name.
        name: String,
        /// One Terraform type.
        first: String,
        /// The other.
        second: String,
    },
    /// Two attributes or nested blocks of one block (or two attributes of
    /// one object type) would get the same Rust name: `café` and `caf_`.
    #[error("{file}: {key}: {first} and {second} would both be generated as {name}")]
    FieldCollision {
        /// The schema file.
        file: String,
        /// The key path of the block, nested attribute or type that holds
        /// both (`provider_schemas.<address>.resource_schemas.<type>.block`).
        key: String,
        /// The Rust name.
        name: String,
        /// One of them, with what it is: `attribute "caf_"`.
        first: String,
        /// The other: `attribute "café"`, `block "caf_"`.
        second: String,
    },
    /// The generator wrote something that is not Rust: a bug in it.
    #[error(
        "generated {path} does not parse as Rust ({message}); this is a bug in tfsynth bindgen"
    )]
    Syntax {
        /// The generated file.
        path: String,
        /// What syn said.
        message: String,
    },
}

/// The type names of `types`, trimmed; empty ones are refused by their
/// positions.
fn wanted_types(types: &[String]) -> Result<BTreeSet<&str>, BindgenError> {
    let positions: Vec<usize> = types
        .iter()
        .enumerate()
        .filter(|(_, t)| t.trim().is_empty())
        .map(|(i, _)| i + 1)
        .collect();
    if !positions.is_empty() {
        return Err(BindgenError::EmptyTypes { positions });
    }
    Ok(types.iter().map(|t| t.trim()).collect())
}

/// ` (did you mean "data.x"?)` for the name of `known` closest to `name`,
/// written with `prefix`; empty when none is close.
fn suggestion<'n>(prefix: &str, name: &str, known: impl IntoIterator<Item = &'n str>) -> String {
    crate::schema::closest_name(name, known)
        .map(|n| format!(" (did you mean {:?}?)", format!("{prefix}{n}")))
        .unwrap_or_default()
}

/// `entry 2 of --types is empty`, `entries 1, 3 of --types are empty`.
fn empty_entries(positions: &[usize]) -> String {
    match positions {
        [one] => format!("entry {one} of --types is empty"),
        many => {
            let list: Vec<String> = many.iter().map(usize::to_string).collect();
            format!("entries {} of --types are empty", list.join(", "))
        }
    }
}

/// What a schema file holds, for [`BindgenError::Provider`].
fn held(available: &[String]) -> String {
    if available.is_empty() {
        "the file holds no provider".to_owned()
    } else {
        format!("the file holds: {}", available.join(", "))
    }
}

/// serde_json's message without the " at line L column C" it appends,
/// which the error states in `file:line:column` form instead.
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// Generates bindings for one provider of the schema file `text` (named
/// `file` in errors), sorted by path.
///
/// ```
/// use tfsynth::bindgen::{Options, generate};
///
/// let schema = r#"{"format_version": "1.0", "provider_schemas": {
///   "registry.terraform.io/hashicorp/random": {
///     "provider": {"version": 0, "block": {}},
///     "resource_schemas": {"random_uuid": {"version": 0, "block": {
///       "attributes": {"result": {"type": "string", "computed": true}}}}}}}}"#;
/// let options = Options {
///     provider: "hashicorp/random".into(),
///     types: Vec::new(),
///     crate_path: "tfsynth".into(),
/// };
/// let files = generate("random.json", schema, &options)?;
/// let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
/// assert_eq!(paths, ["mod.rs", "provider.rs", "random_uuid.rs"]);
/// assert!(files[2].text.contains("fn result(&self) -> Expr<String>;"));
/// # Ok::<(), tfsynth::bindgen::BindgenError>(())
/// ```
///
/// # Errors
///
/// [`BindgenError`]: the crate path is not a Rust path or a type name is
/// empty, the file is not a schema, the provider or a type is not in it,
/// two types would share a Rust name, or (a bug) the generated text does
/// not parse.
pub fn generate(
    file: &str,
    text: &str,
    options: &Options,
) -> Result<Vec<GeneratedSource>, BindgenError> {
    if !names::is_crate_path(&options.crate_path) {
        return Err(BindgenError::CratePath {
            path: options.crate_path.clone(),
        });
    }
    let wanted = wanted_types(&options.types)?;
    let parsed: SchemaFile = serde_path_to_error::deserialize(
        &mut serde_json::Deserializer::from_str(text),
    )
    .map_err(|e: serde_path_to_error::Error<serde_json::Error>| {
        // serde_path_to_error writes `.` for the root and `?` for
        // a position it could not name.
        let key = Some(e.path().to_string()).filter(|k| k != "." && k != "?");
        let inner = e.inner();
        BindgenError::Parse {
            file: file.to_owned(),
            line: inner.line(),
            column: inner.column(),
            key,
            message: without_position(&inner.to_string()),
        }
    })?;
    let matching: Vec<_> = parsed
        .provider_schemas
        .iter()
        .filter(|(address, _)| {
            *address == &options.provider || address.ends_with(&format!("/{}", options.provider))
        })
        .collect();
    let [(address, provider)] = matching.as_slice() else {
        return Err(BindgenError::Provider {
            file: file.to_owned(),
            wanted: options.provider.clone(),
            found: matching.len(),
            available: parsed.provider_schemas.keys().cloned().collect(),
        });
    };
    let local_name = address.rsplit('/').next().unwrap_or(address);

    let unknown: Vec<String> = wanted
        .iter()
        .filter_map(|n| match n.strip_prefix("data.") {
            Some(data) if provider.data_source_schemas.contains_key(data) => None,
            Some(data) if provider.resource_schemas.contains_key(data) => {
                Some(format!("{n:?} (it is a resource: {data:?})"))
            }
            Some(data) => {
                let known = provider.data_source_schemas.keys().map(String::as_str);
                Some(format!("{n:?}{}", suggestion("data.", data, known)))
            }
            None if provider.resource_schemas.contains_key(*n) => None,
            None if provider.data_source_schemas.contains_key(*n) => Some(format!(
                "{n:?} (it is a data source: {:?})",
                format!("data.{n}")
            )),
            None => {
                let known = provider.resource_schemas.keys().map(String::as_str);
                Some(format!("{n:?}{}", suggestion("", n, known)))
            }
        })
        .collect();
    if !unknown.is_empty() {
        return Err(BindgenError::UnknownTypes {
            file: file.to_owned(),
            provider: (*address).clone(),
            names: unknown,
        });
    }
    let all = wanted.is_empty();
    let selected = |name: &str| all || wanted.contains(name);
    let data_selected = |name: &str| all || wanted.contains(format!("data.{name}").as_str());

    let mut units: Vec<Unit<'_>> = Vec::new();
    let empty = Block::default();
    units.push(Unit {
        kind: Kind::Provider,
        tf_name: local_name.to_owned(),
        module: "provider".to_owned(),
        rust: format!("{}Provider", camel(local_name)),
        block: provider.provider.as_ref().map_or(&empty, |s| &s.block),
    });
    for (name, schema) in &provider.resource_schemas {
        if selected(name) {
            units.push(Unit {
                kind: Kind::Resource,
                tf_name: name.clone(),
                module: ident(name),
                rust: camel(name),
                block: &schema.block,
            });
        }
    }
    for (name, schema) in &provider.data_source_schemas {
        if data_selected(name) {
            units.push(Unit {
                kind: Kind::Data,
                tf_name: name.clone(),
                module: ident(&format!("data_{name}")),
                rust: format!("Data{}", camel(name)),
                block: &schema.block,
            });
        }
    }
    for unit in &mut units {
        if RESERVED_TYPES.contains(&unit.rust.as_str()) {
            unit.rust.push_str("Type");
        }
    }
    check_collisions(file, &units)?;
    for unit in &units {
        check_field_names(file, &unit.schema_key(address), unit.block)?;
    }

    let mut out = Vec::with_capacity(units.len() + 1);
    let mut modules = Vec::with_capacity(units.len());
    for unit in &units {
        let generated = FileGen::new(&options.crate_path, address).unit(unit);
        let mut file = pretty(&format!("{}.rs", unit.file_stem()), generated.text)?;
        // prettyplease prints no plain comments: the header goes on after.
        // It is a comment, not an inner attribute, so the file can also be
        // `include!`d.
        file.text
            .insert_str(0, &format!("// {HEADER}; do not edit.\n"));
        out.push(file);
        modules.push((unit, generated.what, generated.deprecated));
    }
    out.push(pretty("mod.rs", mod_rs(address, &modules))?);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Which files in `dir` differ from `files`: missing or stale ones, and
/// `.rs` files no longer generated, by path, sorted. Empty when `dir`
/// holds exactly `files`.
///
/// # Errors
///
/// An I/O error reading `dir` (a missing `dir` is not one: every file is
/// then missing).
pub fn stale(dir: &Path, files: &[GeneratedSource]) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    for f in files {
        match std::fs::read_to_string(dir.join(&f.path)) {
            Ok(text) if text == f.text => {}
            Ok(text) if !is_generated(&text) => {
                out.push(format!("{} (not written by tfsynth bindgen)", f.path));
            }
            Ok(_) => out.push(format!("{} (stale)", f.path)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                out.push(format!("{} (missing)", f.path));
            }
            Err(e) => return Err(e),
        }
    }
    for extra in extra_files(dir, files)? {
        out.push(format!("{extra} (no longer generated)"));
    }
    out.sort();
    Ok(out)
}

/// Writes `files` into `dir` (created if missing) and removes the `.rs`
/// files there that an earlier run generated and this one does not; returns
/// those it removed, by name, sorted. A file the generator did not write is
/// never overwritten or removed.
///
/// # Errors
///
/// `AlreadyExists`, naming every file of `files` that is in `dir` but was
/// not written by the generator (nothing is written then); otherwise the
/// first I/O error.
pub fn write(dir: &Path, files: &[GeneratedSource]) -> io::Result<Vec<String>> {
    // A file of the same name that the generator did not write is the
    // user's: nothing is written, and every such file is named.
    let foreign = foreign_files(dir, files)?;
    if !foreign.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "not written by tfsynth bindgen (no generated header where it puts one), \
                 so not overwritten; nothing was written: move {} away or choose another \
                 --out: {}",
                if foreign.len() == 1 { "it" } else { "them" },
                foreign.join(", ")
            ),
        ));
    }
    std::fs::create_dir_all(dir)?;
    for f in files {
        let path = dir.join(&f.path);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(f.text.as_str()) {
            std::fs::write(path, &f.text)?;
        }
    }
    let extra = extra_files(dir, files)?;
    for name in &extra {
        std::fs::remove_file(dir.join(name))?;
    }
    Ok(extra)
}

/// The line every generated file carries, by which an old one is known.
const HEADER: &str = "Generated by `tfsynth bindgen`";

/// Whether `text` is a file the generator wrote: its header on the line
/// where the generator puts it, exactly (the first line of a type's file;
/// the third of `mod.rs`, under its doc comment's title), never merely
/// somewhere near the top.
fn is_generated(text: &str) -> bool {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    if first == format!("// {HEADER}; do not edit.") {
        return true;
    }
    first.starts_with("//! Bindings for `")
        && lines.next() == Some("//!")
        && lines.next() == Some(format!("//! {HEADER} from its schema; do not edit.").as_str())
}

/// The files of `files` that exist in `dir` but were not written by the
/// generator (or are not regular files), by name, sorted.
fn foreign_files(dir: &Path, files: &[GeneratedSource]) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    for f in files {
        let path = dir.join(&f.path);
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
            Ok(meta) if !meta.file_type().is_file() => out.push(f.path.clone()),
            Ok(_) => {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                if !is_generated(&text) {
                    out.push(f.path.clone());
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// `.rs` files in `dir` that carry the generated header and are not among
/// `files`: left over from an earlier run. Files without it are never
/// counted (nor removed).
fn extra_files(dir: &Path, files: &[GeneratedSource]) -> io::Result<Vec<String>> {
    let wanted: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".rs") || wanted.contains(name.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        if is_generated(&text) {
            out.push(name);
        }
    }
    out.sort();
    Ok(out)
}

/// Parses `text` and prints it as prettyplease does.
fn pretty(path: &str, text: String) -> Result<GeneratedSource, BindgenError> {
    let file = syn::parse_file(&text).map_err(|e| BindgenError::Syntax {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    Ok(GeneratedSource {
        path: path.to_owned(),
        text: prettyplease::unparse(&file),
    })
}

/// What one generated module is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Provider,
    Resource,
    Data,
}

/// One top-level type: a module with its struct.
struct Unit<'a> {
    kind: Kind,
    /// The Terraform type name (the provider's local name for the provider).
    tf_name: String,
    /// The module's name, as written in source.
    module: String,
    /// The struct's name.
    rust: String,
    block: &'a Block,
}

impl Unit<'_> {
    fn file_stem(&self) -> &str {
        self.module.strip_prefix("r#").unwrap_or(&self.module)
    }

    fn describe(&self) -> String {
        match self.kind {
            Kind::Provider => format!("the `{}` provider's configuration", self.tf_name),
            Kind::Resource => format!("`{}`", self.tf_name),
            Kind::Data => format!("`data.{}`", self.tf_name),
        }
    }

    /// Where its block is in the schema file, as a key path.
    fn schema_key(&self, address: &str) -> String {
        match self.kind {
            Kind::Provider => format!("provider_schemas.{address}.provider.block"),
            Kind::Resource => {
                format!(
                    "provider_schemas.{address}.resource_schemas.{}.block",
                    self.tf_name
                )
            }
            Kind::Data => format!(
                "provider_schemas.{address}.data_source_schemas.{}.block",
                self.tf_name
            ),
        }
    }
}

/// Fails when two units would share a file, or a name in `mod.rs`
/// (modules, structs and accessor traits are all in Rust's type
/// namespace there). `mod.rs` itself is taken by the module list.
fn check_collisions(file: &str, units: &[Unit<'_>]) -> Result<(), BindgenError> {
    let mut files = BTreeMap::from([("mod.rs".to_owned(), "the module list".to_owned())]);
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let claim =
        |taken: &mut BTreeMap<String, String>, name: String, what: String| match taken.get(&name) {
            Some(first) => Err(BindgenError::Collision {
                file: file.to_owned(),
                name,
                first: first.clone(),
                second: what,
            }),
            None => {
                taken.insert(name, what);
                Ok(())
            }
        };
    for unit in units {
        let what = unit.describe();
        claim(&mut files, format!("{}.rs", unit.file_stem()), what.clone())?;
        let module = unit.file_stem().to_owned();
        claim(&mut names, module, format!("the module of {what}"))?;
        claim(&mut names, unit.rust.clone(), what.clone())?;
        if unit.kind != Kind::Provider {
            let trait_name = format!("{}Ref", unit.rust);
            claim(
                &mut names,
                trait_name,
                format!("the accessor trait of {what}"),
            )?;
        }
    }
    Ok(())
}

/// Fails when two attributes or nested blocks of `block` (at `key` in the
/// file), or of any block, nested attributes or object type below it,
/// would get one Rust name: `café` and `caf_` are both `caf_`. They
/// would be told apart only by a made-up suffix, which a reader cannot
/// guess from the schema.
fn check_field_names(file: &str, key: &str, block: &Block) -> Result<(), BindgenError> {
    let attributes = block.attributes.keys().map(|n| ("attribute", n));
    let blocks = block.block_types.keys().map(|n| ("block", n));
    one_rust_name_each(file, key, attributes.chain(blocks))?;
    for (name, attribute) in &block.attributes {
        check_attribute_names(file, &format!("{key}.attributes.{name}"), attribute)?;
    }
    for (name, nested) in &block.block_types {
        check_field_names(
            file,
            &format!("{key}.block_types.{name}.block"),
            &nested.block,
        )?;
    }
    Ok(())
}

/// [`check_field_names`] for the names inside an attribute: its nested
/// attributes, or its object types' attributes (each has an accessor).
fn check_attribute_names(file: &str, key: &str, attribute: &Attribute) -> Result<(), BindgenError> {
    match &attribute.value {
        AttributeValue::Type(t) => check_type_names(file, &format!("{key}.type"), t),
        AttributeValue::Nested(nested) => {
            let key = format!("{key}.nested_type");
            let names = nested.attributes.keys().map(|n| ("attribute", n));
            one_rust_name_each(file, &key, names)?;
            for (name, inner) in &nested.attributes {
                check_attribute_names(file, &format!("{key}.attributes.{name}"), inner)?;
            }
            Ok(())
        }
    }
}

/// [`check_field_names`] for the object types in `t` (at `key`). A
/// tuple's elements have no accessors, so their names do not matter.
fn check_type_names(file: &str, key: &str, t: &Type) -> Result<(), BindgenError> {
    match t {
        Type::List(e) | Type::Set(e) | Type::Map(e) => check_type_names(file, key, e),
        Type::Object(fields) => {
            one_rust_name_each(file, key, fields.keys().map(|n| ("attribute", n)))?;
            fields
                .values()
                .try_for_each(|field| check_type_names(file, key, field))
        }
        _ => Ok(()),
    }
}

/// Fails when two of `names` (each with what it is: `attribute`,
/// `block`) would be the same Rust identifier.
fn one_rust_name_each<'n>(
    file: &str,
    key: &str,
    names: impl Iterator<Item = (&'static str, &'n String)>,
) -> Result<(), BindgenError> {
    let mut seen: BTreeMap<String, (&str, &String)> = BTreeMap::new();
    for (what, name) in names {
        let rust = ident(name);
        let bare = rust.strip_prefix("r#").unwrap_or(&rust).to_owned();
        if let Some((first_what, first)) = seen.insert(bare.clone(), (what, name)) {
            return Err(BindgenError::FieldCollision {
                file: file.to_owned(),
                key: key.to_owned(),
                name: bare,
                first: format!("{first_what} {first:?}"),
                second: format!("{what} {name:?}"),
            });
        }
    }
    Ok(())
}

/// The text of `mod.rs`: each module declared with its doc and lint
/// settings, and its struct and accessor trait re-exported.
fn mod_rs(address: &str, modules: &[(&Unit<'_>, String, bool)]) -> String {
    let mut out = String::new();
    doc_inner(
        &mut out,
        &format!("Bindings for `{address}`.\n\n{HEADER} from its schema; do not edit."),
    );
    let mut sorted: Vec<&(&Unit<'_>, String, bool)> = modules.iter().collect();
    sorted.sort_by(|a, b| a.0.file_stem().cmp(b.0.file_stem()));
    for (unit, what, deprecated) in &sorted {
        doc_outer(&mut out, what);
        // Descriptions are the provider's prose, not written for rustdoc
        // (bare URLs, brackets that are not links, `<` that is not HTML).
        out.push_str("#[allow(rustdoc::all)]");
        if *deprecated {
            // The generated code itself reads and writes deprecated fields.
            out.push_str("#[allow(deprecated)]");
        }
        let _ = writeln!(out, "pub mod {};", unit.module);
    }
    for (unit, _, _) in &sorted {
        if unit.kind == Kind::Provider {
            let _ = writeln!(out, "pub use {}::{};", unit.module, unit.rust);
        } else {
            let _ = writeln!(
                out,
                "pub use {}::{{{}, {}Ref}};",
                unit.module, unit.rust, unit.rust
            );
        }
    }
    out
}

/// Writes `text` as inner doc attributes (`//!`), one per line.
fn doc_inner(out: &mut String, text: &str) {
    for line in text.lines() {
        let _ = writeln!(out, "#![doc = {:?}]", format!(" {line}").trim_end());
    }
}

/// Writes `text` as outer doc attributes (`///`), one per line.
fn doc_outer(out: &mut String, text: &str) {
    for line in text.lines() {
        let _ = writeln!(out, "#[doc = {:?}]", format!(" {line}").trim_end());
    }
}

/// A provider's description made safe for rustdoc: code fences are marked
/// `text` (rustdoc would compile them as doctests), and lines lose their
/// indentation outside fences (four spaces would make a code block too).
fn sanitize(description: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in description.trim().lines() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("```") {
            out.push_str(if !fenced && rest.trim().is_empty() {
                "```text"
            } else {
                trimmed
            });
            fenced = !fenced;
        } else if fenced {
            out.push_str(line.trim_end());
        } else {
            out.push_str(trimmed.trim_end());
        }
        out.push('\n');
    }
    if fenced {
        out.push_str("```\n");
    }
    out
}

/// What an attribute is, for its doc line: `required`, `optional,
/// computed, sensitive`, ...
fn attribute_flags(a: &Attribute) -> String {
    let mut flags = Vec::new();
    if a.required {
        flags.push("required");
    }
    if a.optional {
        flags.push("optional");
    }
    if a.computed {
        flags.push("computed");
    }
    if a.sensitive {
        flags.push("sensitive");
    }
    if a.deprecated {
        flags.push("deprecated");
    }
    flags.join(", ")
}

/// The doc text of an attribute or block: its description, then its
/// Terraform name and flags.
fn item_doc(description: Option<&str>, tf_name: &str, flags: &str) -> String {
    let mut doc = String::new();
    if let Some(d) = description.filter(|d| !d.trim().is_empty()) {
        doc.push_str(&sanitize(d));
        doc.push('\n');
    }
    let _ = write!(doc, "`{tf_name}`: {flags}.");
    doc
}

/// How a nested block type is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Exactly one: `Block`.
    One,
    /// At most one: `Option<Block>`.
    MaybeOne,
    /// Any number, in order: `Vec<Block>`.
    Many,
    /// Labelled: `BTreeMap<String, Block>`.
    Labelled,
}

impl Shape {
    fn of(nested: &NestedBlock) -> Shape {
        let at_most_one = match nested.nesting_mode {
            NestingMode::Single | NestingMode::Group => true,
            NestingMode::List | NestingMode::Set => nested.max_items == 1,
            NestingMode::Map => return Shape::Labelled,
        };
        match (at_most_one, nested.min_items >= 1) {
            (true, true) => Shape::One,
            (true, false) => Shape::MaybeOne,
            (false, _) => Shape::Many,
        }
    }
}

/// One field of a generated struct.
struct Field {
    tf_name: String,
    rust: String,
    doc: String,
    deprecated: bool,
    kind: FieldKind,
}

enum FieldKind {
    /// An attribute: its value type (`Value<String>`, `Expression`).
    Attr { ty: String, required: bool },
    /// A nested block type: its struct and how many.
    Block { strukt: String, shape: Shape },
}

impl Field {
    fn required(&self) -> bool {
        match &self.kind {
            FieldKind::Attr { required, .. } => *required,
            FieldKind::Block { shape, .. } => *shape == Shape::One,
        }
    }

    /// The field's declared type.
    fn ty(&self) -> String {
        match &self.kind {
            FieldKind::Attr { ty, required: true } => ty.clone(),
            FieldKind::Attr {
                ty,
                required: false,
            } => format!("Option<{ty}>"),
            FieldKind::Block { strukt, shape } => match shape {
                Shape::One => strukt.clone(),
                Shape::MaybeOne => format!("Option<{strukt}>"),
                Shape::Many => format!("Vec<{strukt}>"),
                Shape::Labelled => format!("BTreeMap<String, {strukt}>"),
            },
        }
    }

    /// The type `new` takes it as.
    fn param_ty(&self) -> String {
        match &self.kind {
            FieldKind::Attr { ty, .. } => format!("impl Into<{ty}>"),
            FieldKind::Block { .. } => self.ty(),
        }
    }

    /// The statement that writes it into `body`.
    fn write(&self) -> String {
        let (tf, v) = (&self.tf_name, format!("self.{}", self.rust));
        match &self.kind {
            FieldKind::Attr { required: true, .. } => format!("body.set_static({tf:?}, {v});"),
            FieldKind::Attr {
                required: false, ..
            } => format!("if let Some(v) = {v} {{ body.set_static({tf:?}, v); }}"),
            FieldKind::Block { shape, strukt } => match shape {
                Shape::One => format!("body.set_blocks({tf:?}, vec![{v}.into_body()]);"),
                Shape::MaybeOne => {
                    format!(
                        "if let Some(b) = {v} {{ body.set_blocks({tf:?}, vec![b.into_body()]); }}"
                    )
                }
                Shape::Many => format!("body.set_blocks_from({tf:?}, {v}, {strukt}::into_body);"),
                Shape::Labelled => format!(
                    "if !{v}.is_empty() {{ body.set_static({tf:?}, {v}.into_iter().map(|(k, b)| (k, b.into_body().into_object())).collect::<BTreeMap<String, Expression>>()); }}"
                ),
            },
        }
    }
}

/// Names a generated module defines or imports, which nested block
/// structs must not take.
const RESERVED_TYPES: &[&str] = &[
    "Body",
    "BodyError",
    "BTreeMap",
    "DataSource",
    "Default",
    "Expr",
    "Expression",
    "Into",
    "Number",
    "ObjectMap",
    "Option",
    "ProviderConfig",
    "Ref",
    "Resource",
    "Result",
    "Self",
    "Set",
    "String",
    "Value",
    "Vec",
];

/// Methods every `Ref<T>` already has, which accessors must not take.
const REF_METHODS: &[&str] = &[
    "at",
    "attr",
    "clone",
    "dep",
    "eq",
    "fmt",
    "instance",
    "ne",
    "new",
    "path",
    "reference",
    "root_module",
    "target",
    "tf_address",
    "whole",
];

/// Methods every `Expr<T>` already has (inherent methods win over a
/// trait's), which accessors of nested blocks must not take.
const EXPR_METHODS: &[&str] = &[
    "call",
    "clone",
    "eq",
    "expression",
    "fmt",
    "get_attr",
    "index",
    "into_expression",
    "key",
    "new",
    "one",
    "raw",
    "step",
    "to_list",
];

/// The text of one generated module, and what it needs imported.
struct FileGen<'a> {
    crate_path: &'a str,
    address: &'a str,
    /// Items of `crate::tf` used.
    tf: BTreeSet<&'static str>,
    btreemap: bool,
    deprecated: bool,
    /// Struct names taken in this module.
    types: Scope,
    /// Top-level attributes and blocks that are not fields: a resource's
    /// `id` (the provider's to set; SDKv2 schemas call it optional) and
    /// `timeouts` (written from `Meta::timeouts`, as for any resource, so
    /// there is one way to set it).
    top_skipped: &'static [&'static str],
    items: String,
}

impl<'a> FileGen<'a> {
    fn new(crate_path: &'a str, address: &'a str) -> Self {
        FileGen {
            crate_path,
            address,
            tf: BTreeSet::new(),
            btreemap: false,
            deprecated: false,
            types: Scope::with_reserved(RESERVED_TYPES),
            top_skipped: &[],
            items: String::new(),
        }
    }

    /// The literal type of a value of type `t`: what `Value<_>` holds.
    fn literal(&mut self, t: &Type) -> String {
        match t {
            Type::String => "String".to_owned(),
            Type::Number => {
                self.tf.insert("Number");
                "Number".to_owned()
            }
            Type::Bool => "bool".to_owned(),
            Type::List(e) | Type::Set(e) => format!("Vec<{}>", self.value(e)),
            Type::Map(e) => {
                self.btreemap = true;
                format!("BTreeMap<String, {}>", self.value(e))
            }
            Type::Object(_) => {
                self.tf.insert("ObjectMap");
                "ObjectMap".to_owned()
            }
            Type::Tuple(_) => {
                self.tf.insert("Expression");
                "Vec<Expression>".to_owned()
            }
            Type::Dynamic => {
                self.tf.insert("Expression");
                "Expression".to_owned()
            }
        }
    }

    /// The type of a settable value of type `t`: `Value<literal>`, or any
    /// `Expression` for `dynamic`.
    fn value(&mut self, t: &Type) -> String {
        if *t == Type::Dynamic {
            self.tf.insert("Expression");
            return "Expression".to_owned();
        }
        self.tf.insert("Value");
        format!("Value<{}>", self.literal(t))
    }

    fn unit(mut self, unit: &Unit<'_>) -> Generated {
        // Top-level names were kept clear of the reserved ones when the
        // units were made; the accessor trait's name is taken before any
        // nested block's.
        let rust = self.types.claim(&unit.rust, "Type");
        self.types.claim(&format!("{rust}Ref"), "Trait");
        let what = match unit.kind {
            Kind::Provider => format!(
                "The configuration of the provider `{}` (`{}`).",
                unit.tf_name, self.address
            ),
            Kind::Resource => format!("`{}`: a resource of `{}`.", unit.tf_name, self.address),
            Kind::Data => format!(
                "`data.{}`: a data source of `{}`.",
                unit.tf_name, self.address
            ),
        };
        let mut doc = what.clone();
        if let Some(d) = unit
            .block
            .description
            .as_deref()
            .filter(|d| !d.trim().is_empty())
        {
            doc.push_str("\n\n");
            doc.push_str(&sanitize(d));
        }
        self.top_skipped = match unit.kind {
            Kind::Provider => &[],
            Kind::Resource => &["id", "timeouts"],
            Kind::Data => &["timeouts"],
        };
        let fields = self.strukt(&rust, unit.block, &doc, "", &unit.tf_name);
        match unit.kind {
            Kind::Provider => {
                self.tf.extend(["Body", "ProviderConfig"]);
                let body = body_statements(&fields, "body");
                let _ = write!(
                    self.items,
                    "impl ProviderConfig for {rust} {{ const NAME: &'static str = {:?};
                     #[inline] fn into_body(self) -> Body {{ {body} }} }}",
                    unit.tf_name
                );
            }
            Kind::Resource | Kind::Data => {
                let trait_name = if unit.kind == Kind::Resource {
                    "Resource"
                } else {
                    "DataSource"
                };
                self.tf.extend(["Body", "BodyError", trait_name]);
                let body = body_statements(&fields, "Ok(body)");
                let _ = write!(
                    self.items,
                    "impl {trait_name} for {rust} {{ const TYPE: &'static str = {:?};
                     #[inline] fn into_body(self) -> Result<Body, BodyError> {{ {body} }} }}",
                    unit.tf_name
                );
                self.accessors(&rust, unit, &fields);
            }
        }
        let deprecated = self.deprecated;
        Generated {
            text: self.finish(),
            what,
            deprecated,
        }
    }

    /// Writes the struct `rust` for `block`, and those of its nested
    /// blocks after it; returns its fields.
    /// `path` is the block's place below the type (`node_config`, empty
    /// for the type itself), which names nested structs; `top` is the
    /// Terraform type's name, for their docs.
    fn strukt(
        &mut self,
        rust: &str,
        block: &Block,
        doc: &str,
        path: &str,
        top: &str,
    ) -> Vec<Field> {
        let mut fields = Vec::new();
        let mut names = Scope::default();
        let mut nested = Vec::new();
        let skipped: &[&str] = if path.is_empty() {
            self.top_skipped
        } else {
            &[]
        };
        let mut entries: Vec<(&String, Option<&Attribute>, Option<&NestedBlock>)> = block
            .attributes
            .iter()
            .filter(|(_, a)| a.settable())
            .map(|(n, a)| (n, Some(a), None))
            .chain(block.block_types.iter().map(|(n, b)| (n, None, Some(b))))
            .filter(|(n, _, _)| !skipped.contains(&n.as_str()))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        for (tf_name, attribute, nested_block) in entries {
            let rust_name = names.claim(&ident(tf_name), "_");
            if let Some(a) = attribute {
                let ty = self.value(&a.value_type());
                fields.push(Field {
                    tf_name: tf_name.clone(),
                    rust: rust_name,
                    doc: item_doc(a.description.as_deref(), tf_name, &attribute_flags(a)),
                    deprecated: a.deprecated,
                    kind: FieldKind::Attr {
                        ty,
                        required: a.required,
                    },
                });
            } else if let Some(b) = nested_block {
                let shape = Shape::of(b);
                if shape == Shape::Labelled {
                    self.btreemap = true;
                    self.tf.insert("Expression");
                }
                let strukt = self
                    .types
                    .claim(&camel(&dotted(path, tf_name).replace('.', "_")), "Block");
                let trait_name = self.types.claim(&format!("{strukt}Ref"), "Trait");
                let how = match shape {
                    Shape::One => "required, exactly one",
                    Shape::MaybeOne => "optional, at most one",
                    Shape::Many if b.min_items > 0 => "at least one",
                    Shape::Many => "any number",
                    Shape::Labelled => "any number, by label",
                };
                let flags = format!("block ({}), {how}", mode_name(b.nesting_mode));
                fields.push(Field {
                    tf_name: tf_name.clone(),
                    rust: rust_name,
                    doc: item_doc(b.block.description.as_deref(), tf_name, &flags),
                    deprecated: b.block.deprecated,
                    kind: FieldKind::Block {
                        strukt: strukt.clone(),
                        shape,
                    },
                });
                nested.push((strukt, trait_name, tf_name.clone(), b));
            }
        }
        self.struct_item(rust, doc, &fields);
        for (strukt, trait_name, tf_name, b) in nested {
            let doc = format!("A `{tf_name}` block of `{top}`.");
            let nested_path = dotted(path, &tf_name);
            let inner = self.strukt(&strukt, &b.block, &doc, &nested_path, top);
            let body = body_statements(&inner, "body");
            self.tf.insert("Body");
            let _ = write!(
                self.items,
                "impl {strukt} {{ #[doc = \" The block's body.\"] #[inline] pub fn into_body(self) -> Body {{ {body} }} }}"
            );
            let doc = format!(
                "Typed references to the attributes of a `{tf_name}` block of `{top}`, \
                 on the expression its parent's accessor returns (after `.index(i)` \
                 for a list of blocks); bring the trait into scope to call them."
            );
            self.accessor_trait(&Accessors {
                trait_name: &trait_name,
                target: format!("Expr<{strukt}>"),
                getter: "self.clone().get_attr",
                reserved: EXPR_METHODS,
                block: &b.block,
                fields: &inner,
                path: &nested_path,
                skip_id: false,
                doc: &doc,
            });
        }
        fields
    }

    /// The struct declaration and its `new`.
    fn struct_item(&mut self, rust: &str, doc: &str, fields: &[Field]) {
        let any_required = fields.iter().any(Field::required);
        doc_outer(&mut self.items, doc);
        let derive = if any_required {
            "#[derive(Debug, Clone, PartialEq)]"
        } else {
            "#[derive(Debug, Clone, Default, PartialEq)]"
        };
        let _ = write!(self.items, "{derive} pub struct {rust} {{");
        for f in fields {
            doc_outer(&mut self.items, &f.doc);
            if f.deprecated {
                self.deprecated = true;
                self.items.push_str("#[deprecated]");
            }
            let _ = write!(self.items, "pub {}: {},", f.rust, f.ty());
        }
        self.items.push_str("}\n");
        if !any_required {
            return;
        }
        let required: Vec<&Field> = fields.iter().filter(|f| f.required()).collect();
        let _ = write!(self.items, "impl {rust} {{");
        doc_outer(
            &mut self.items,
            "With its required attributes and blocks; everything optional unset.",
        );
        if required.len() > 7 {
            self.items.push_str("#[allow(clippy::too_many_arguments)]");
        }
        let params: Vec<String> = required
            .iter()
            .map(|f| format!("{}: {}", f.rust, f.param_ty()))
            .collect();
        let _ = write!(
            self.items,
            "pub fn new({}) -> Self {{ {rust} {{",
            params.join(", ")
        );
        for f in fields {
            match (&f.kind, f.required()) {
                (FieldKind::Attr { .. }, true) => {
                    let _ = write!(self.items, "{}: {}.into(),", f.rust, f.rust);
                }
                (FieldKind::Block { .. }, true) => {
                    let _ = write!(self.items, "{},", f.rust);
                }
                (_, false) => {
                    let _ = write!(self.items, "{}: Default::default(),", f.rust);
                }
            }
        }
        self.items.push_str("} } }\n");
    }

    /// The trait `{T}Ref`, implemented by `Ref<T>`: a typed accessor for
    /// every attribute and nested block. A trait, not `impl Ref<T>`,
    /// because a crate may not add inherent methods to a type of another
    /// crate (E0116), and bindings usually live in the user's crate.
    fn accessors(&mut self, rust: &str, unit: &Unit<'_>, fields: &[Field]) {
        let what = match unit.kind {
            Kind::Data => format!("`data.{}`", unit.tf_name),
            _ => format!("`{}`", unit.tf_name),
        };
        let doc = format!(
            "Typed references to the attributes of a {what}, on the handle \
             `Stack::{}` returns; bring the trait into scope to call them.",
            if unit.kind == Kind::Data {
                "data"
            } else {
                "add"
            }
        );
        self.tf.insert("Ref");
        self.accessor_trait(&Accessors {
            trait_name: &format!("{rust}Ref"),
            target: format!("Ref<{rust}>"),
            getter: "self.attr",
            reserved: REF_METHODS,
            block: unit.block,
            fields,
            path: "",
            // Every resource's handle has `id()` already (`impl<R:
            // Resource> Ref<R>`); a data source's gets its own.
            skip_id: unit.kind == Kind::Resource,
            doc: &doc,
        });
    }

    /// Writes an accessor trait and its one implementation: a method per
    /// attribute (computed ones included) and per nested block, each
    /// returning an `Expr` typed as Terraform will see the value.
    fn accessor_trait(&mut self, a: &Accessors<'_>) {
        let blocks: BTreeMap<&str, &str> = a
            .fields
            .iter()
            .filter_map(|f| match &f.kind {
                FieldKind::Block { strukt, .. } => Some((f.tf_name.as_str(), strukt.as_str())),
                FieldKind::Attr { .. } => None,
            })
            .collect();
        let mut entries: Vec<(&String, String, String, bool)> = Vec::new();
        for (tf_name, attribute) in &a.block.attributes {
            if a.skip_id && tf_name == "id" {
                continue;
            }
            let ty = self.reference_type(&attribute.value_type(), &dotted(a.path, tf_name));
            let doc = item_doc(
                attribute.description.as_deref(),
                tf_name,
                &attribute_flags(attribute),
            );
            entries.push((tf_name, ty, doc, attribute.deprecated));
        }
        for (tf_name, nested) in &a.block.block_types {
            let Some(strukt) = blocks.get(tf_name.as_str()) else {
                continue;
            };
            let ty = match nested.nesting_mode {
                NestingMode::Single | NestingMode::Group => (*strukt).to_owned(),
                NestingMode::List => {
                    self.tf.insert("Value");
                    format!("Vec<Value<{strukt}>>")
                }
                NestingMode::Set => {
                    self.tf.insert("Set");
                    format!("Set<{strukt}>")
                }
                NestingMode::Map => {
                    self.btreemap = true;
                    self.tf.insert("Value");
                    format!("BTreeMap<String, Value<{strukt}>>")
                }
            };
            let how = format!("block ({})", mode_name(nested.nesting_mode));
            let doc = item_doc(nested.block.description.as_deref(), tf_name, &how);
            entries.push((tf_name, ty, doc, nested.block.deprecated));
        }
        entries.sort_by(|x, y| x.0.cmp(y.0));
        self.write_trait(
            a.trait_name,
            &a.target,
            a.getter,
            a.reserved,
            a.doc,
            entries,
        );
    }

    /// Writes the trait `trait_name` with one accessor per entry (its
    /// Terraform name, reference type, doc and whether it is deprecated),
    /// each reading the value with `getter`, and its implementation for
    /// `target`. Method names keep clear of `reserved`.
    fn write_trait(
        &mut self,
        trait_name: &str,
        target: &str,
        getter: &str,
        reserved: &'static [&'static str],
        doc: &str,
        entries: Vec<(&String, String, String, bool)>,
    ) {
        let mut scope = Scope::with_reserved(reserved);
        let mut decls = String::new();
        let mut impls = String::new();
        for (tf_name, ty, doc, deprecated) in entries {
            let name = scope.claim(&ident(tf_name), "_attr");
            doc_outer(&mut decls, &doc);
            if deprecated {
                self.deprecated = true;
                decls.push_str("#[deprecated]");
            }
            let _ = write!(decls, "fn {name}(&self) -> Expr<{ty}>;");
            let _ = write!(
                impls,
                "#[inline] fn {name}(&self) -> Expr<{ty}> {{ {getter}({tf_name:?}) }}"
            );
        }
        self.tf.insert("Expr");
        doc_outer(&mut self.items, doc);
        let _ = write!(
            self.items,
            "pub trait {trait_name} {{ {decls} }} impl {trait_name} for {target} {{ {impls} }}"
        );
    }

    /// The type a reference to a value of type `t` has: as the literal
    /// type, except that a set is a [`Set`](crate::tf::Set), which has no
    /// index, a list's and a map's elements are references of their own,
    /// and an object is a type of its own with an accessor per attribute.
    /// `at` (`node_config.status`), where the value is, names object types.
    fn reference_type(&mut self, t: &Type, at: &str) -> String {
        match t {
            Type::List(e) => {
                self.tf.insert("Value");
                format!("Vec<Value<{}>>", self.reference_type(e, at))
            }
            Type::Set(e) => {
                self.tf.insert("Set");
                format!("Set<{}>", self.reference_type(e, at))
            }
            Type::Map(e) => {
                self.btreemap = true;
                self.tf.insert("Value");
                format!("BTreeMap<String, Value<{}>>", self.reference_type(e, at))
            }
            Type::Object(fields) => self.object_type(fields, at),
            other => self.literal(other),
        }
    }

    /// An object type for typed references: an uninhabited type (it names
    /// the type; values are only ever expressions of it) and the trait
    /// `{Name}Ref` on `Expr<{Name}>`, one accessor per attribute.
    fn object_type(&mut self, fields: &BTreeMap<String, Type>, at: &str) -> String {
        let name = self.types.claim(&camel(&at.replace('.', "_")), "Object");
        let trait_name = self.types.claim(&format!("{name}Ref"), "Trait");
        let entries: Vec<(&String, String, String, bool)> = fields
            .iter()
            .map(|(tf_name, t)| {
                let ty = self.reference_type(t, &dotted(at, tf_name));
                (tf_name, ty, format!("`{tf_name}`."), false)
            })
            .collect();
        doc_outer(
            &mut self.items,
            &format!(
                "The object type of `{at}`, for typed references: never a \
                 value of its own, only `Expr<{name}>`."
            ),
        );
        let _ = write!(self.items, "#[derive(Debug)] pub enum {name} {{}}");
        self.write_trait(
            &trait_name,
            &format!("Expr<{name}>"),
            "self.clone().get_attr",
            EXPR_METHODS,
            &format!("Typed references to the attributes of a [`{name}`] object."),
            entries,
        );
        name
    }

    /// The module's text: imports, then items.
    fn finish(self) -> String {
        let mut out = String::new();
        if self.btreemap {
            out.push_str("use std::collections::BTreeMap;\n");
        }
        if !self.tf.is_empty() {
            let names: Vec<&str> = self.tf.iter().copied().collect();
            let _ = writeln!(
                out,
                "use {}::tf::{{{}}};",
                self.crate_path,
                names.join(", ")
            );
        }
        out.push_str(&self.items);
        out
    }
}

/// What one accessor trait is for.
struct Accessors<'a> {
    trait_name: &'a str,
    /// The type that implements it: `Ref<T>`, or `Expr<Block>`.
    target: String,
    /// How an implementation reads an attribute: a method taking its name.
    getter: &'static str,
    /// Method names the target already has.
    reserved: &'static [&'static str],
    block: &'a Block,
    /// The struct's fields, which name the nested blocks' structs.
    fields: &'a [Field],
    /// The block's place below the type (`node_config`; empty for the
    /// type), which names object types.
    path: &'a str,
    skip_id: bool,
    doc: &'a str,
}

/// One generated type module, before printing.
struct Generated {
    text: String,
    /// Its one-line description, for its module's doc.
    what: String,
    /// Whether anything in it is deprecated.
    deprecated: bool,
}

fn mode_name(mode: NestingMode) -> &'static str {
    match mode {
        NestingMode::Single => "single",
        NestingMode::Group => "group",
        NestingMode::List => "list",
        NestingMode::Set => "set",
        NestingMode::Map => "map",
    }
}

/// `name` below `path`, dotted: `node_config.labels`, or `labels` at the
/// top.
fn dotted(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// The statements that build a body from the fields, ending in `tail`
/// applied to it (`body`, `Ok(body)`).
fn body_statements(fields: &[Field], tail: &str) -> String {
    if fields.is_empty() {
        return tail.replace("body", "Body::new()");
    }
    // Fields are moved out of `self` one by one, not destructured: a
    // pattern of many names is laid out differently by prettyplease and
    // rustfmt.
    // Room for exactly the entries that are set.
    let mut fixed = 0usize;
    let mut counted = Vec::new();
    for f in fields {
        let v = format!("self.{}", f.rust);
        match &f.kind {
            FieldKind::Attr { required: true, .. }
            | FieldKind::Block {
                shape: Shape::One, ..
            } => fixed += 1,
            FieldKind::Attr { .. }
            | FieldKind::Block {
                shape: Shape::MaybeOne,
                ..
            } => counted.push(format!("usize::from({v}.is_some())")),
            FieldKind::Block { .. } => counted.push(format!("usize::from(!{v}.is_empty())")),
        }
    }
    if fixed > 0 || counted.is_empty() {
        counted.insert(0, fixed.to_string());
    }
    let mut out = format!(
        "let mut body = Body::with_capacity({});",
        counted.join(" + ")
    );
    for f in fields {
        out.push_str(&f.write());
    }
    out.push_str(tail);
    out
}

#[cfg(test)]
mod tests;
