//! The parts of `terraform providers schema -json` that bindings need.
//!
//! Validation's model ([`crate::schema::BlockSchema`]) leaves out
//! descriptions and deprecation to stay small and fast; bindings need
//! both, so the generator reads the file into this fuller model. Maps are
//! `BTreeMap`s: everything generated is walked in name order.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::schema::{NestingMode, Type};

/// A whole schema file.
#[derive(Debug, Deserialize)]
pub(super) struct SchemaFile {
    pub(super) provider_schemas: BTreeMap<String, ProviderSchemas>,
}

/// One provider's schemas.
#[derive(Debug, Deserialize)]
pub(super) struct ProviderSchemas {
    #[serde(default)]
    pub(super) provider: Option<Schema>,
    #[serde(default)]
    pub(super) resource_schemas: BTreeMap<String, Schema>,
    #[serde(default)]
    pub(super) data_source_schemas: BTreeMap<String, Schema>,
}

/// One type's schema.
#[derive(Debug, Deserialize)]
pub(super) struct Schema {
    pub(super) block: Block,
}

/// A block: attributes, nested block types, and what the provider says of it.
#[derive(Debug, Default, Deserialize)]
pub(super) struct Block {
    #[serde(default)]
    pub(super) attributes: BTreeMap<String, Attribute>,
    #[serde(default)]
    pub(super) block_types: BTreeMap<String, NestedBlock>,
    #[serde(default)]
    pub(super) description: Option<String>,
    #[serde(default)]
    pub(super) deprecated: bool,
}

/// One attribute.
#[derive(Debug, Deserialize)]
pub(super) struct Attribute {
    #[serde(default, rename = "type")]
    pub(super) ty: Option<Type>,
    #[serde(default)]
    pub(super) nested_type: Option<NestedAttributes>,
    #[serde(default)]
    pub(super) description: Option<String>,
    #[serde(default)]
    pub(super) required: bool,
    #[serde(default)]
    pub(super) optional: bool,
    #[serde(default)]
    pub(super) computed: bool,
    #[serde(default)]
    pub(super) sensitive: bool,
    #[serde(default)]
    pub(super) deprecated: bool,
}

impl Attribute {
    /// Whether configuration may set it.
    pub(super) fn settable(&self) -> bool {
        self.required || self.optional
    }

    /// Its value type; nested attributes (protocol 6) are seen as objects
    /// collected by their nesting mode.
    pub(super) fn value_type(&self) -> Type {
        if let Some(t) = &self.ty {
            return t.clone();
        }
        let Some(nested) = &self.nested_type else {
            return Type::Dynamic;
        };
        let object = Type::Object(
            nested
                .attributes
                .iter()
                .map(|(name, a)| (name.clone(), a.value_type()))
                .collect(),
        );
        match nested.nesting_mode {
            NestingMode::Single | NestingMode::Group => object,
            NestingMode::List => Type::List(Box::new(object)),
            NestingMode::Set => Type::Set(Box::new(object)),
            NestingMode::Map => Type::Map(Box::new(object)),
        }
    }
}

/// Nested attributes of a protocol 6 attribute.
#[derive(Debug, Deserialize)]
pub(super) struct NestedAttributes {
    #[serde(default)]
    pub(super) attributes: BTreeMap<String, Attribute>,
    pub(super) nesting_mode: NestingMode,
}

/// A nested block type.
#[derive(Debug, Deserialize)]
pub(super) struct NestedBlock {
    pub(super) nesting_mode: NestingMode,
    #[serde(default)]
    pub(super) block: Block,
    #[serde(default)]
    pub(super) min_items: u64,
    #[serde(default)]
    pub(super) max_items: u64,
}
