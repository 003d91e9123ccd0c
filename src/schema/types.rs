//! Terraform value types as provider schemas write them (`"string"`,
//! `["list", "string"]`, `["object", {"name": "string"}]`).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// A value type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    /// `string`
    String,
    /// `number`
    Number,
    /// `bool`
    Bool,
    /// `dynamic`: any value.
    Dynamic,
    /// `list(T)`
    List(Box<Type>),
    /// `set(T)`
    Set(Box<Type>),
    /// `map(T)`
    Map(Box<Type>),
    /// `object({...})`
    Object(BTreeMap<String, Type>),
    /// `tuple([...])`
    Tuple(Vec<Type>),
}

/// Reads a type straight from the schema's JSON, without an intermediate
/// `serde_json::Value`: schemas of large types hold thousands of them.
/// The constructor of a composite type, the first element of its array.
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Constructor {
    List,
    Set,
    Map,
    Object,
    Tuple,
}

impl Constructor {
    fn name(self) -> &'static str {
        match self {
            Constructor::List => "list",
            Constructor::Set => "set",
            Constructor::Map => "map",
            Constructor::Object => "object",
            Constructor::Tuple => "tuple",
        }
    }
}

struct TypeVisitor;

impl<'de> Visitor<'de> for TypeVisitor {
    type Value = Type;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a type: \"string\", [\"list\", T], [\"object\", {...}], ...")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Type, E> {
        match s {
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "dynamic" => Ok(Type::Dynamic),
            other => Err(E::custom(format!("unknown type {other:?}"))),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Type, A::Error> {
        let missing = || de::Error::custom("a type constructor needs its argument");
        // The constructor is read as an enum, not a `String`: schemas hold
        // thousands of types, and this spares an allocation for each.
        let kind: Constructor = seq.next_element()?.ok_or_else(missing)?;
        let t = match kind {
            Constructor::List => Type::List(Box::new(seq.next_element()?.ok_or_else(missing)?)),
            Constructor::Set => Type::Set(Box::new(seq.next_element()?.ok_or_else(missing)?)),
            Constructor::Map => Type::Map(Box::new(seq.next_element()?.ok_or_else(missing)?)),
            Constructor::Object => {
                let t = Type::Object(seq.next_element()?.ok_or_else(missing)?);
                // Optional object attributes: ["object", {...}, ["optional"]].
                seq.next_element::<de::IgnoredAny>()?;
                t
            }
            Constructor::Tuple => Type::Tuple(seq.next_element()?.ok_or_else(missing)?),
        };
        if seq.next_element::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::custom(format!(
                "{} type with too many arguments",
                kind.name()
            )));
        }
        Ok(t)
    }
}

impl<'de> Deserialize<'de> for Type {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TypeVisitor)
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Number => f.write_str("number"),
            Type::Bool => f.write_str("bool"),
            Type::Dynamic => f.write_str("any"),
            Type::List(t) => write!(f, "list({t})"),
            Type::Set(t) => write!(f, "set({t})"),
            Type::Map(t) => write!(f, "map({t})"),
            Type::Object(_) => f.write_str("object"),
            Type::Tuple(_) => f.write_str("tuple"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_type_json_parses_recursively() {
        let t: Type = serde_json::from_str(
            r#"["list", ["object", {"a": "string", "b": ["set", "number"]}]]"#,
        )
        .unwrap();
        assert_eq!(
            t,
            Type::List(Box::new(Type::Object(BTreeMap::from([
                ("a".to_owned(), Type::String),
                ("b".to_owned(), Type::Set(Box::new(Type::Number))),
            ]))))
        );
        let optional: Type = serde_json::from_str(r#"["object", {"a": "bool"}, ["a"]]"#).unwrap();
        assert_eq!(
            optional,
            Type::Object(BTreeMap::from([("a".to_owned(), Type::Bool)]))
        );
        for bad in [
            r#""text""#,
            r#"["list"]"#,
            r#"["list", "string", "x"]"#,
            r#"["vector", "string"]"#,
            r#"["object", "string"]"#,
            "3",
        ] {
            assert!(serde_json::from_str::<Type>(bad).is_err(), "{bad}");
        }
    }
}
