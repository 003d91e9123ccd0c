//! Provider schemas, in the format `terraform providers schema -json`
//! prints, and validation of Terraform JSON against them.
//!
//! A type's schema is parsed only the first time something of that type is
//! validated, so a full provider schema with a thousand types costs little
//! more than one with the few a stack uses. Where a schema file has an
//! index beside it ([`index_of`]), loading reads only the index and each
//! type's schema is read from the file when first needed; without one,
//! loading reads the whole file and finds every type in it.
//!
//! # Validating a stack
//!
//! [`Schemas::load_dir`] loads every `*.json` file in a directory (each
//! through its index where it has one); for a single file, start from
//! [`Schemas::empty`] and give its text to [`Schemas::add_text`]. A file
//! is what `terraform providers schema -json` prints in a root initialized
//! with the providers you use. Then [`validate_resolved`] checks a
//! resolved stack, as `synth` does:
//!
//! ```
//! mod random_password {
//!     include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/random/random_password.rs"));
//! }
//! use random_password::RandomPassword;
//! use std::path::Path;
//! use tfsynth::schema::{Schemas, validate_resolved};
//! use tfsynth::tf::Stack;
//!
//! let root = Path::new(env!("CARGO_MANIFEST_DIR"));
//! // A directory: tfsynth's own `schemas/` (google and kubernetes) ...
//! let mut schemas = Schemas::load_dir(&root.join("schemas"), "schemas")?;
//! // ... and one more file: `terraform providers schema -json > random.json`.
//! let text = std::fs::read_to_string(root.join("examples/schemas/random.json"))?;
//! schemas.add_text("random.json", text)?;
//!
//! let mut stack = Stack::new();
//! let password = stack.add("db", RandomPassword::new(24));
//! // An attribute random_password does not have, through the escape hatch.
//! stack.override_attr(&password, "lenght", 3);
//! let report = validate_resolved(&stack.resolve()?, &schemas);
//! let findings: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
//! assert_eq!(findings.len(), 1, "{findings:?}");
//! assert!(findings[0].contains("lenght"), "{findings:?}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod builtin;
mod files;
mod hcl;
mod index;
mod json;
mod types;
mod validate;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::tf::SortedMap;

pub use files::{FileReport, Syntax, is_override_file, validate_files};
pub use hcl::{HclReport, HclSyntaxError, Placed, Position, validate_hcl};
pub use index::{INDEX_SUFFIX, IndexPlan, index_of, plan_indexes};
pub use types::Type;
#[cfg(feature = "gke")]
pub(crate) use validate::Shared;
#[cfg(feature = "gke")]
pub(crate) use validate::closest;
#[cfg(feature = "bindgen")]
pub(crate) use validate::closest_name;
pub use validate::{Report, validate_document, validate_resolved};

/// The schema of one block: its attributes and nested block types.
///
/// Each is one sorted vector, not a B-tree: validation looks up every field
/// of every body, and walks all of a block's attributes for the required
/// ones, and a contiguous run is cheaper to search and to walk (and to
/// build, for the few types a stack uses).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct BlockSchema {
    /// Attributes by name.
    #[serde(default)]
    pub attributes: SortedMap<String, AttributeSchema>,
    /// Nested block types by name.
    #[serde(default)]
    pub block_types: SortedMap<String, NestedBlock>,
}

/// One attribute of a block.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AttributeSchema {
    /// Its type; attributes with a `nested_type` have none.
    #[serde(default, rename = "type")]
    pub ty: Option<Type>,
    /// Nested attributes (protocol 6 providers), instead of `type`.
    #[serde(default)]
    pub nested_type: Option<NestedType>,
    /// Must be set.
    #[serde(default)]
    pub required: bool,
    /// May be set.
    #[serde(default)]
    pub optional: bool,
    /// Set by the provider; read-only unless also optional.
    #[serde(default)]
    pub computed: bool,
    /// Hidden in plans; an output of it must be marked sensitive.
    #[serde(default)]
    pub sensitive: bool,
}

impl AttributeSchema {
    /// Set only by the provider: configuring it is an error.
    pub fn is_computed_only(&self) -> bool {
        self.computed && !self.optional && !self.required
    }

    /// The value type, with nested attributes seen as objects (borrowed
    /// when the schema gives a plain type, as it almost always does).
    pub fn value_type(&self) -> Cow<'_, Type> {
        if let Some(t) = &self.ty {
            return Cow::Borrowed(t);
        }
        match &self.nested_type {
            Some(n) => {
                let object = Type::Object(
                    n.attributes
                        .iter()
                        .map(|(k, a)| (k.clone(), a.value_type().into_owned()))
                        .collect(),
                );
                Cow::Owned(match n.nesting_mode {
                    NestingMode::Single | NestingMode::Group => object,
                    NestingMode::List => Type::List(Box::new(object)),
                    NestingMode::Set => Type::Set(Box::new(object)),
                    NestingMode::Map => Type::Map(Box::new(object)),
                })
            }
            None => Cow::Owned(Type::Dynamic),
        }
    }
}

/// Nested attributes of a protocol 6 attribute.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NestedType {
    /// The attributes of each element.
    #[serde(default)]
    pub attributes: BTreeMap<String, AttributeSchema>,
    /// How elements are collected.
    pub nesting_mode: NestingMode,
}

/// A nested block type.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NestedBlock {
    /// How many blocks of the type, and how they are addressed.
    pub nesting_mode: NestingMode,
    /// The schema of each block.
    pub block: BlockSchema,
    /// Fewest blocks allowed (0 when absent).
    #[serde(default)]
    pub min_items: u64,
    /// Most blocks allowed (no limit when 0 or absent).
    #[serde(default)]
    pub max_items: u64,
}

/// How blocks of one type are collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NestingMode {
    /// At most one, not indexed.
    Single,
    /// At most one, never null.
    Group,
    /// An ordered list, indexed `[0]`.
    List,
    /// An unordered set, shown `[0]` in the order written.
    Set,
    /// Labeled blocks, indexed `["label"]`.
    Map,
}

/// Which kind of block a schema is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A managed resource.
    Resource,
    /// A data source.
    Data,
}

/// One provider's schemas, indexed.
#[derive(Debug)]
struct ProviderIndex {
    /// Which of [`Schemas::files`] holds it.
    file: usize,
    /// Registry address, e.g. `registry.terraform.io/hashicorp/google`.
    address: String,
    provider: Option<Lazy>,
    resources: Table,
    data: Table,
}

impl ProviderIndex {
    fn table(&self, kind: Kind) -> &Table {
        match kind {
            Kind::Resource => &self.resources,
            Kind::Data => &self.data,
        }
    }
}

/// One provider's types of one kind, sorted by name, each schema parsed
/// on first use.
///
/// A provider has a thousand types and a stack uses a few dozen: the names
/// share one string and the entries are small (the parsed schema is boxed),
/// so loading allocates twice per table, not twice per type.
#[derive(Debug, Default)]
pub(super) struct Table {
    /// Every name, one after another.
    names: String,
    /// Each type: where its name ends in `names`, and its schema.
    types: Vec<(usize, Lazy)>,
}

impl Table {
    /// Adds a type whose name sorts after every name already in.
    pub(super) fn push(&mut self, name: &str, range: Range<usize>) {
        self.names.push_str(name);
        self.types.push((self.names.len(), Lazy::new(range)));
    }

    fn name(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.types[i - 1].0 };
        &self.names[start..self.types[i].0]
    }

    /// The last name added.
    pub(super) fn last(&self) -> Option<&str> {
        self.types.len().checked_sub(1).map(|i| self.name(i))
    }

    /// The names, sorted.
    pub(super) fn names(&self) -> impl Iterator<Item = &str> {
        (0..self.types.len()).map(|i| self.name(i))
    }

    /// Each name with where its schema is.
    #[cfg(test)]
    pub(super) fn entries(&self) -> Vec<(&str, Range<usize>)> {
        (0..self.types.len())
            .map(|i| (self.name(i), self.types[i].1.range.clone()))
            .collect()
    }

    /// A binary search: names were pushed sorted.
    fn get(&self, name: &str) -> Option<&Lazy> {
        let (mut low, mut high) = (0, self.types.len());
        while low < high {
            let mid = low + (high - low) / 2;
            match self.name(mid).cmp(name) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(&self.types[mid].1),
            }
        }
        None
    }
}

/// A schema kept as a byte range of its file, parsed on first use. Read
/// from a file's text, the range is the schema itself; read through an
/// index, it runs from the opening quote of the schema's key.
#[derive(Debug)]
struct Lazy {
    range: Range<usize>,
    /// Boxed: most types are never parsed, and their entries stay small.
    parsed: OnceLock<Box<Result<BlockSchema, Unusable>>>,
}

impl Lazy {
    fn new(range: Range<usize>) -> Lazy {
        Lazy {
            range,
            parsed: OnceLock::new(),
        }
    }
}

/// Why a schema could not be used.
#[derive(Debug)]
enum Unusable {
    /// Its text does not parse; the message names the file.
    Broken(String),
    /// The index pointed somewhere that does not hold this schema.
    Stale,
}

/// One schema file.
#[derive(Debug)]
struct SchemaFile {
    /// As named in messages, e.g. `schemas/google.json`.
    shown: String,
    body: Body,
}

/// How a schema file's schemas are read.
#[derive(Debug)]
enum Body {
    /// Read whole and scanned for every type.
    Text(String),
    /// Read one schema at a time, where its index says.
    Indexed(Mutex<File>),
}

/// Why schemas could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// A file could not be read.
    #[error("{file}: cannot read: {message}")]
    Read {
        /// The file.
        file: String,
        /// The operating system's reason.
        message: String,
    },
    /// A file is not in the format `terraform providers schema -json` prints.
    #[error("{file}: not a provider schema file: {message}")]
    Format {
        /// The file.
        file: String,
        /// What was wrong.
        message: String,
    },
    /// An index beside a schema file is damaged.
    #[error("{file}:{line}: {message}; run `tfsynth schemas index` to write it again")]
    Index {
        /// The index file.
        file: String,
        /// Line, from 1.
        line: usize,
        /// What was wrong.
        message: String,
    },
    /// Two files hold the same provider.
    #[error("provider {name} is defined in both {first} and {second}")]
    Duplicate {
        /// Provider local name.
        name: String,
        /// The first file.
        first: String,
        /// The second file.
        second: String,
    },
}

/// What a lookup found.
#[derive(Debug)]
pub enum Lookup<'a> {
    /// The type's schema.
    Found(&'a BlockSchema),
    /// The provider is known but has no such type.
    UnknownType,
    /// No schema file holds this provider.
    NoProvider(String),
    /// Terraform's built-in provider (`terraform_data`, `terraform_remote_state`).
    BuiltIn,
    /// The schema text of this type does not parse.
    Broken(String),
}

/// Every provider schema in a set of files.
#[derive(Debug, Default)]
pub struct Schemas {
    files: Vec<SchemaFile>,
    /// The schema of a provider configuration with no settings.
    empty: BlockSchema,
    providers: BTreeMap<String, ProviderIndex>,
    /// The directory loaded, and how it is named in messages.
    dir: Option<(PathBuf, String)>,
    /// The same directory loaded without indexes: what answers whatever
    /// an index cannot prove.
    rescan: OnceLock<Result<Box<Schemas>, SchemaError>>,
    /// Indexes that were not used, and why.
    notes: Vec<String>,
}

#[derive(Deserialize)]
struct FileFormat<'a> {
    #[serde(borrow)]
    provider_schemas: BTreeMap<String, ProviderFormat<'a>>,
}

/// One provider in a schema file, each schema left as its text.
#[derive(Deserialize)]
struct ProviderFormat<'a> {
    #[serde(borrow, default)]
    provider: Option<&'a RawValue>,
    #[serde(borrow, default)]
    resource_schemas: BTreeMap<String, &'a RawValue>,
    #[serde(borrow, default)]
    data_source_schemas: BTreeMap<String, &'a RawValue>,
}

#[derive(Deserialize)]
struct SchemaFormat {
    block: BlockSchema,
}

/// The provider's local name: the last part of its registry address.
fn local_name(address: &str) -> &str {
    address.rsplit('/').next().unwrap_or(address)
}

/// The provider a resource type belongs to: the part before the first `_`.
pub fn provider_of(kind: &str) -> &str {
    kind.split('_').next().unwrap_or(kind)
}

impl Schemas {
    /// No schemas at all: every type is reported as having no provider.
    pub fn empty() -> Schemas {
        Schemas::default()
    }

    /// Loads every `*.json` file in `dir` (named `display` in messages),
    /// through its index (`*.json.idx`) where it has a usable one.
    pub fn load_dir(dir: &Path, display: &str) -> Result<Schemas, SchemaError> {
        Schemas::load(dir, display, true)
    }

    fn load(dir: &Path, display: &str, use_indexes: bool) -> Result<Schemas, SchemaError> {
        let read_error = |file: &str, e: std::io::Error| SchemaError::Read {
            file: file.to_owned(),
            message: e.to_string(),
        };
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| read_error(display, e))?
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".json"))
            .collect();
        files.sort();
        let mut schemas = Schemas {
            dir: Some((dir.to_owned(), display.to_owned())),
            ..Schemas::default()
        };
        for name in files {
            let shown = format!("{display}/{name}");
            let path = dir.join(&name);
            if use_indexes {
                let index_name = format!("{name}{INDEX_SUFFIX}");
                let index_shown = format!("{display}/{index_name}");
                match std::fs::read_to_string(dir.join(&index_name)) {
                    Ok(text) => {
                        let index = index::parse(&index_shown, &text)?;
                        match schemas.add_indexed(&shown, &path, index)? {
                            None => continue,
                            Some(why) => schemas.notes.push(format!(
                                "{index_shown} is out of date ({why}): {shown} is read whole, \
                                 which is slower; run `tfsynth schemas index` to refresh it"
                            )),
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(read_error(&index_shown, e)),
                }
            }
            let text = std::fs::read_to_string(&path).map_err(|e| read_error(&shown, e))?;
            schemas.add_text(&shown, text)?;
        }
        Ok(schemas)
    }

    /// Adds a file through its index, when the index still fits the file
    /// (its size, and where each provider's key is); otherwise says why not.
    fn add_indexed(
        &mut self,
        shown: &str,
        path: &Path,
        index: index::Index,
    ) -> Result<Option<String>, SchemaError> {
        let read_error = |e: std::io::Error| SchemaError::Read {
            file: shown.to_owned(),
            message: e.to_string(),
        };
        let mut file = File::open(path).map_err(read_error)?;
        let size = file.metadata().map_err(read_error)?.len();
        if size != index.size {
            return Ok(Some(format!(
                "the file is {size} bytes, the index is of {} bytes",
                index.size
            )));
        }
        for p in &index.providers {
            let quoted = serde_json::to_string(&p.address).unwrap_or_default();
            match read_range(&mut file, p.key..p.key + quoted.len()) {
                Ok(bytes) if bytes == quoted.as_bytes() => {}
                Err(e) if e.kind() != std::io::ErrorKind::UnexpectedEof => {
                    return Err(read_error(e));
                }
                _ => return Ok(Some(format!("{} is not at byte {}", p.address, p.key))),
            }
        }
        let file_index = self.files.len();
        let mut found = Vec::new();
        for p in index.providers {
            let name = local_name(&p.address).to_owned();
            self.check_new(&name, shown)?;
            found.push(ProviderIndex {
                file: file_index,
                address: p.address,
                provider: p.config.map(Lazy::new),
                resources: p.resources,
                data: p.data,
            });
        }
        self.insert(found);
        self.files.push(SchemaFile {
            shown: shown.to_owned(),
            body: Body::Indexed(Mutex::new(file)),
        });
        Ok(None)
    }

    /// Adds one file's text: a full `terraform providers schema -json`
    /// output, with one or several providers.
    pub fn add_text(&mut self, file: &str, text: String) -> Result<(), SchemaError> {
        let file_index = self.files.len();
        let range = |raw: &RawValue| span_in(&text, raw);
        // The JSON object's keys come sorted, as a table wants them.
        let table = |schemas: &BTreeMap<String, &RawValue>| {
            let mut table = Table::default();
            for (name, raw) in schemas {
                table.push(name, range(raw));
            }
            table
        };
        let parsed: FileFormat<'_> =
            serde_json::from_str(&text).map_err(|e| SchemaError::Format {
                file: file.to_owned(),
                message: e.to_string(),
            })?;
        let mut found = Vec::new();
        for (address, p) in &parsed.provider_schemas {
            self.check_new(local_name(address), file)?;
            found.push(ProviderIndex {
                file: file_index,
                address: address.clone(),
                provider: p.provider.map(|raw| Lazy::new(range(raw))),
                resources: table(&p.resource_schemas),
                data: table(&p.data_source_schemas),
            });
        }
        drop(parsed);
        self.insert(found);
        self.files.push(SchemaFile {
            shown: file.to_owned(),
            body: Body::Text(text),
        });
        Ok(())
    }

    /// Fails when another file already holds provider `name`.
    fn check_new(&self, name: &str, file: &str) -> Result<(), SchemaError> {
        match self.providers.get(name) {
            Some(existing) => Err(SchemaError::Duplicate {
                name: name.to_owned(),
                first: self.files[existing.file].shown.clone(),
                second: file.to_owned(),
            }),
            None => Ok(()),
        }
    }

    fn insert(&mut self, found: Vec<ProviderIndex>) {
        for p in found {
            self.providers.insert(local_name(&p.address).to_owned(), p);
        }
    }

    /// Indexes that could not be used and why, each with what to do about
    /// it. Validation is as exact without them, only slower.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The providers held, by local name, with their registry addresses.
    pub fn providers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.providers
            .iter()
            .map(|(name, p)| (name.as_str(), p.address.as_str()))
    }

    /// The schemas as a whole-file scan of every file sees them, when an
    /// index was used (an index proves only the positions it gives); an
    /// error says why the files cannot be read whole.
    fn rescanned(&self) -> Option<Result<&Schemas, String>> {
        if !self
            .files
            .iter()
            .any(|f| matches!(f.body, Body::Indexed(_)))
        {
            return None;
        }
        let (dir, display) = self.dir.as_ref()?;
        let rescan = self
            .rescan
            .get_or_init(|| Schemas::load(dir, display, false).map(Box::new));
        Some(rescan.as_deref().map_err(ToString::to_string))
    }

    /// `answer`, or what a whole-file scan says instead when an index gave
    /// it and cannot prove it.
    fn confirmed<'a>(
        &'a self,
        answer: Lookup<'a>,
        by_index: bool,
        again: impl FnOnce(&'a Schemas) -> Lookup<'a>,
    ) -> Lookup<'a> {
        if !by_index {
            return answer;
        }
        match self.rescanned() {
            None => answer,
            Some(Ok(whole)) => again(whole),
            Some(Err(e)) => Lookup::Broken(e),
        }
    }

    /// The schema of a resource or data source type. Terraform's built-in
    /// types (`terraform_data`, `terraform_remote_state`) have theirs
    /// here, without a schema file.
    pub fn lookup(&self, kind: Kind, type_name: &str) -> Lookup<'_> {
        let provider = provider_of(type_name);
        if provider == "terraform" {
            return match builtin::schema(kind, type_name) {
                Some(schema) => Lookup::Found(schema),
                None => Lookup::UnknownType,
            };
        }
        let Some(p) = self.providers.get(provider) else {
            return self.confirmed(Lookup::NoProvider(provider.to_owned()), true, |w| {
                w.lookup(kind, type_name)
            });
        };
        match p.table(kind).get(type_name) {
            Some(lazy) => self.parse(p, type_name, lazy, |w| w.lookup(kind, type_name)),
            None => self.confirmed(Lookup::UnknownType, self.by_index(p), |w| {
                w.lookup(kind, type_name)
            }),
        }
    }

    /// The type names one provider has, for suggestions.
    pub fn type_names(&self, kind: Kind, provider: &str) -> Vec<&str> {
        if provider == "terraform" {
            return builtin::names(kind).to_vec();
        }
        if let Some(Ok(whole)) = self.rescanned() {
            return whole.type_names(kind, provider);
        }
        self.providers
            .get(provider)
            .map_or_else(Vec::new, |p| p.table(kind).names().collect())
    }

    /// The schema of a provider's own configuration block.
    pub fn provider_config(&self, name: &str) -> Lookup<'_> {
        match self.providers.get(name) {
            Some(p) => match &p.provider {
                Some(lazy) => self.parse(p, "provider", lazy, |w| w.provider_config(name)),
                None => self.confirmed(Lookup::Found(&self.empty), self.by_index(p), |w| {
                    w.provider_config(name)
                }),
            },
            None if name == "terraform" => Lookup::BuiltIn,
            None => self.confirmed(Lookup::NoProvider(name.to_owned()), true, |w| {
                w.provider_config(name)
            }),
        }
    }

    fn by_index(&self, p: &ProviderIndex) -> bool {
        matches!(self.files[p.file].body, Body::Indexed(_))
    }

    /// Parses the schema `lazy` points at, once; `key` is the name it is
    /// under, which a schema read through an index must start with.
    fn parse<'a>(
        &'a self,
        p: &ProviderIndex,
        key: &str,
        lazy: &'a Lazy,
        again: impl FnOnce(&'a Schemas) -> Lookup<'a>,
    ) -> Lookup<'a> {
        let file = &self.files[p.file];
        let parsed = lazy.parsed.get_or_init(|| {
            let broken =
                |e: &dyn std::fmt::Display| Unusable::Broken(format!("{}: {e}", file.shown));
            Box::new(match &file.body {
                Body::Text(text) => serde_json::from_str::<SchemaFormat>(&text[lazy.range.clone()])
                    .map(|s| s.block)
                    .map_err(|e| broken(&e)),
                Body::Indexed(handle) => {
                    let mut handle = handle
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                    match read_range(&mut handle, lazy.range.clone()) {
                        Ok(bytes) => schema_after_key(&bytes, key).ok_or(Unusable::Stale),
                        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                            Err(Unusable::Stale)
                        }
                        Err(e) => Err(broken(&format_args!("cannot read: {e}"))),
                    }
                }
            })
        });
        match &**parsed {
            Ok(block) => Lookup::Found(block),
            Err(Unusable::Broken(e)) => Lookup::Broken(e.clone()),
            Err(Unusable::Stale) => self.confirmed(Lookup::UnknownType, true, again),
        }
    }
}

/// Where `raw`, parsed from `text` (which it borrows), lies in it.
fn span_in(text: &str, raw: &RawValue) -> Range<usize> {
    let start = raw.get().as_ptr() as usize - text.as_ptr() as usize;
    start..start + raw.get().len()
}

/// Reads `range` of `file`.
fn read_range(file: &mut File, range: Range<usize>) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0; range.len()];
    file.seek(SeekFrom::Start(range.start as u64))?;
    file.read_exact(&mut bytes)?;
    Ok(bytes)
}

/// The schema in `bytes` (`"key": {...}`, exactly), or nothing when they
/// hold anything else: then the index that gave the range is stale.
fn schema_after_key(bytes: &[u8], key: &str) -> Option<BlockSchema> {
    let quoted = serde_json::to_string(key).ok()?;
    let rest = bytes.strip_prefix(quoted.as_bytes())?;
    let rest = rest.trim_ascii_start().strip_prefix(b":")?;
    // Checked as UTF-8 once, in one pass: parsing from bytes would check
    // every string in the schema on its own, which costs more.
    let rest = std::str::from_utf8(rest).ok()?;
    serde_json::from_str::<SchemaFormat>(rest)
        .ok()
        .map(|s| s.block)
}

/// Writes an empty list given for a nested block type as no block at all.
///
/// A typed struct's `Vec` of blocks, when empty, reaches the body as an
/// empty list: nothing in serde tells an empty list of blocks from an
/// empty list attribute. Terraform JSON reads `"ingress": []` as zero
/// blocks, but in HCL `ingress = []` is an argument for a block type
/// ("Unsupported argument"), and `ingress {}` would be one block (for a
/// network policy: one rule that admits all traffic). The schema knows
/// which names are block types, in every nesting mode: this turns such an
/// entry into zero blocks, which both emitters write as nothing. Bodies
/// without an empty list are walked but not looked up.
pub fn empty_lists_as_zero_blocks(doc: &mut crate::tf::Document, schemas: &Schemas) {
    for (kind, blocks) in [
        (Kind::Data, &mut doc.data),
        (Kind::Resource, &mut doc.resources),
    ] {
        for ((type_name, _), block) in blocks.iter_mut() {
            if !has_empty_list(&block.body) {
                continue;
            }
            if let Lookup::Found(schema) = schemas.lookup(kind, type_name) {
                zero_blocks(&mut block.body, schema);
            }
        }
    }
    for p in &mut doc.providers {
        if has_empty_list(&p.body) {
            if let Lookup::Found(schema) = schemas.provider_config(&p.name) {
                zero_blocks(&mut p.body, schema);
            }
        }
    }
}

fn has_empty_list(body: &crate::tf::Body) -> bool {
    use crate::tf::{Entry, Expression};
    body.entries.values().any(|entry| match entry {
        Entry::Attr(Expression::List(items)) => items.is_empty(),
        Entry::Attr(_) => false,
        Entry::Blocks(blocks) => blocks.iter().any(has_empty_list),
        Entry::Dynamic(dynamics) => dynamics
            .values()
            .flatten()
            .any(|d| has_empty_list(&d.content)),
    })
}

fn zero_blocks(body: &mut crate::tf::Body, schema: &BlockSchema) {
    use crate::tf::{Entry, Expression};
    for (name, entry) in body.entries.iter_mut() {
        if let Entry::Dynamic(dynamics) = entry {
            // The content of a dynamic block is a body of its block type.
            for (block_type, list) in dynamics.iter_mut() {
                if let Some(nested) = schema.block_types.get(block_type) {
                    for d in list {
                        zero_blocks(&mut d.content, &nested.block);
                    }
                }
            }
            continue;
        }
        let Some(nested) = schema.block_types.get(name) else {
            continue;
        };
        match entry {
            Entry::Attr(Expression::List(items)) if items.is_empty() => {
                *entry = Entry::Blocks(Vec::new());
            }
            Entry::Attr(_) | Entry::Dynamic(_) => {}
            Entry::Blocks(blocks) => {
                for b in blocks {
                    zero_blocks(b, &nested.block);
                }
            }
        }
    }
}

impl BlockSchema {
    /// Whether anything in this block, at any depth, is sensitive.
    fn holds_sensitive(&self) -> bool {
        self.attributes.values().any(|a| a.sensitive)
            || self.block_types.values().any(|b| b.block.holds_sensitive())
    }
}

impl Schemas {
    /// Whether the value at `steps` of the resource or data source at
    /// `address` can be sensitive, by its schema's `sensitive` flags: an
    /// attribute on the path is, or the value holds one that is (a whole
    /// object or block holding a sensitive attribute is itself sensitive
    /// to Terraform). False when the type has no schema here. What
    /// [`link_roots_with`](crate::tf::link_roots_with) needs to mark an
    /// exported output `sensitive`.
    pub fn is_sensitive(&self, address: &crate::tf::Address, steps: &[crate::tf::Step]) -> bool {
        use crate::tf::{Address, Step};
        let (kind, type_name) = match address {
            Address::Resource { kind, .. } => (Kind::Resource, kind),
            Address::Data { kind, .. } => (Kind::Data, kind),
            _ => return false,
        };
        let Lookup::Found(mut block) = self.lookup(kind, type_name) else {
            return false;
        };
        for step in steps {
            let Step::Attr(name) = step else { continue };
            if let Some(a) = block.attributes.get(name) {
                // Past an attribute, only a nested attribute type could say
                // more; the attribute's own flag decides.
                return a.sensitive
                    || a.nested_type
                        .as_ref()
                        .is_some_and(|n| n.attributes.values().any(|a| a.sensitive));
            }
            match block.block_types.get(name) {
                Some(nested) => block = &nested.block,
                None => return false,
            }
        }
        block.holds_sensitive()
    }
}
