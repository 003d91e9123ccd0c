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

/// One attribute: its value type and at least one of required, optional
/// and computed, as Terraform always writes it. Anything else is refused
/// while parsing, so the error names the attribute's key path.
#[derive(Debug, Deserialize)]
#[serde(try_from = "RawAttribute")]
pub(super) struct Attribute {
    pub(super) value: AttributeValue,
    pub(super) description: Option<String>,
    pub(super) required: bool,
    pub(super) optional: bool,
    pub(super) computed: bool,
    pub(super) sensitive: bool,
    pub(super) deprecated: bool,
}

/// What an attribute holds.
#[derive(Debug)]
pub(super) enum AttributeValue {
    /// `type`: a value of a Terraform type.
    Type(Type),
    /// `nested_type` (protocol 6): objects of nested attributes.
    Nested(NestedAttributes),
}

/// An attribute as the file has it, before [`Attribute`]'s checks.
#[derive(Deserialize)]
struct RawAttribute {
    #[serde(default, rename = "type")]
    ty: Option<Type>,
    #[serde(default)]
    nested_type: Option<NestedAttributes>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    computed: bool,
    #[serde(default)]
    sensitive: bool,
    #[serde(default)]
    deprecated: bool,
}

impl TryFrom<RawAttribute> for Attribute {
    type Error = &'static str;

    /// Refuses what would otherwise be a guess: an attribute with no type
    /// is not `dynamic`, and one that is neither required, optional nor
    /// computed is not computed-only. (`type` wins over `nested_type`, as
    /// in validation; Terraform never writes both.)
    fn try_from(raw: RawAttribute) -> Result<Attribute, Self::Error> {
        let value = match (raw.ty, raw.nested_type) {
            (Some(t), _) => AttributeValue::Type(t),
            (None, Some(nested)) => AttributeValue::Nested(nested),
            (None, None) => {
                return Err(r#"the attribute has neither "type" nor "nested_type""#);
            }
        };
        if !(raw.required || raw.optional || raw.computed) {
            return Err("the attribute is none of required, optional and computed");
        }
        Ok(Attribute {
            value,
            description: raw.description,
            required: raw.required,
            optional: raw.optional,
            computed: raw.computed,
            sensitive: raw.sensitive,
            deprecated: raw.deprecated,
        })
    }
}

impl Attribute {
    /// Whether configuration may set it.
    pub(super) fn settable(&self) -> bool {
        self.required || self.optional
    }

    /// Its value type; nested attributes (protocol 6) are seen as objects
    /// collected by their nesting mode.
    pub(super) fn value_type(&self) -> Type {
        let nested = match &self.value {
            AttributeValue::Type(t) => return t.clone(),
            AttributeValue::Nested(nested) => nested,
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
