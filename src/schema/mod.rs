//! Provider schemas, in the format `terraform providers schema -json`
//! prints, and validation of Terraform JSON against them.
//!
//! Loading indexes each file once (each resource type's schema is kept as a
//! slice of the file's text) and parses a type's schema only the first time
//! something of that type is validated, so a full provider schema with a
//! thousand types costs little more than one with the few a stack uses.

mod types;
mod validate;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::value::RawValue;

pub use types::Type;
pub use validate::{Finding, Report, validate_document, validate_resolved};

/// The schema of one block: its attributes and nested block types.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct BlockSchema {
    /// Attributes by name.
    #[serde(default)]
    pub attributes: BTreeMap<String, AttributeSchema>,
    /// Nested block types by name.
    #[serde(default)]
    pub block_types: BTreeMap<String, NestedBlock>,
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
    /// Where it came from, e.g. `schemas/google.json`.
    file: String,
    /// Registry address, e.g. `registry.terraform.io/hashicorp/google`.
    address: String,
    text_index: usize,
    provider: Option<Lazy>,
    resources: BTreeMap<String, Lazy>,
    data: BTreeMap<String, Lazy>,
}

/// A schema kept as a slice of its file's text, parsed on first use.
#[derive(Debug)]
struct Lazy {
    range: Range<usize>,
    parsed: OnceLock<Result<BlockSchema, String>>,
}

impl Lazy {
    fn new(range: Range<usize>) -> Lazy {
        Lazy {
            range,
            parsed: OnceLock::new(),
        }
    }
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
    texts: Vec<String>,
    /// The schema of a provider configuration with no settings.
    empty: BlockSchema,
    providers: BTreeMap<String, ProviderIndex>,
}

#[derive(Deserialize)]
struct FileFormat<'a> {
    #[serde(borrow)]
    provider_schemas: BTreeMap<String, ProviderFormat<'a>>,
}

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

    /// Loads every `*.json` file in `dir` (named `display` in messages).
    pub fn load_dir(dir: &Path, display: &str) -> Result<Schemas, SchemaError> {
        let read_error = |e: std::io::Error| SchemaError::Read {
            file: display.to_owned(),
            message: e.to_string(),
        };
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(read_error)?
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".json"))
            .collect();
        files.sort();
        let mut schemas = Schemas::default();
        for name in files {
            let shown = format!("{display}/{name}");
            let text = std::fs::read_to_string(dir.join(&name)).map_err(|e| SchemaError::Read {
                file: shown.clone(),
                message: e.to_string(),
            })?;
            schemas.add_text(&shown, text)?;
        }
        Ok(schemas)
    }

    /// Adds one file's text: a full `terraform providers schema -json`
    /// output, with one or several providers.
    pub fn add_text(&mut self, file: &str, text: String) -> Result<(), SchemaError> {
        let text_index = self.texts.len();
        let base = text.as_ptr() as usize;
        let range = |raw: &RawValue| {
            let start = raw.get().as_ptr() as usize - base;
            start..start + raw.get().len()
        };
        let parsed: FileFormat<'_> =
            serde_json::from_str(&text).map_err(|e| SchemaError::Format {
                file: file.to_owned(),
                message: e.to_string(),
            })?;
        let mut found = Vec::new();
        for (address, p) in &parsed.provider_schemas {
            let name = local_name(address).to_owned();
            if let Some(existing) = self.providers.get(&name) {
                return Err(SchemaError::Duplicate {
                    name,
                    first: existing.file.clone(),
                    second: file.to_owned(),
                });
            }
            found.push(ProviderIndex {
                file: file.to_owned(),
                address: address.clone(),
                text_index,
                provider: p.provider.map(|raw| Lazy::new(range(raw))),
                resources: p
                    .resource_schemas
                    .iter()
                    .map(|(k, raw)| (k.clone(), Lazy::new(range(raw))))
                    .collect(),
                data: p
                    .data_source_schemas
                    .iter()
                    .map(|(k, raw)| (k.clone(), Lazy::new(range(raw))))
                    .collect(),
            });
        }
        drop(parsed);
        for p in found {
            self.providers.insert(local_name(&p.address).to_owned(), p);
        }
        self.texts.push(text);
        Ok(())
    }

    /// The providers held, by local name, with their registry addresses.
    pub fn providers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.providers
            .iter()
            .map(|(name, p)| (name.as_str(), p.address.as_str()))
    }

    /// The schema of a resource or data source type.
    pub fn lookup(&self, kind: Kind, type_name: &str) -> Lookup<'_> {
        let provider = provider_of(type_name);
        if provider == "terraform" {
            return Lookup::BuiltIn;
        }
        let Some(p) = self.providers.get(provider) else {
            return Lookup::NoProvider(provider.to_owned());
        };
        let table = match kind {
            Kind::Resource => &p.resources,
            Kind::Data => &p.data,
        };
        match table.get(type_name) {
            Some(lazy) => self.parse(p, lazy),
            None => Lookup::UnknownType,
        }
    }

    /// The type names one provider has, for suggestions.
    pub fn type_names(&self, kind: Kind, provider: &str) -> Vec<&str> {
        self.providers.get(provider).map_or_else(Vec::new, |p| {
            let table = match kind {
                Kind::Resource => &p.resources,
                Kind::Data => &p.data,
            };
            table.keys().map(String::as_str).collect()
        })
    }

    /// The schema of a provider's own configuration block.
    pub fn provider_config(&self, name: &str) -> Lookup<'_> {
        match self.providers.get(name) {
            Some(p) => match &p.provider {
                Some(lazy) => self.parse(p, lazy),
                None => Lookup::Found(&self.empty),
            },
            None if name == "terraform" => Lookup::BuiltIn,
            None => Lookup::NoProvider(name.to_owned()),
        }
    }

    fn parse<'a>(&'a self, p: &ProviderIndex, lazy: &'a Lazy) -> Lookup<'a> {
        let parsed = lazy.parsed.get_or_init(|| {
            let text = &self.texts[p.text_index][lazy.range.clone()];
            serde_json::from_str::<SchemaFormat>(text)
                .map(|s| s.block)
                .map_err(|e| format!("{}: {e}", p.file))
        });
        match parsed {
            Ok(block) => Lookup::Found(block),
            Err(e) => Lookup::Broken(e.clone()),
        }
    }
}
