//! Terraform value types as provider schemas write them (`"string"`,
//! `["list", "string"]`, `["object", {"name": "string"}]`).

use std::collections::BTreeMap;
use std::fmt;

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

impl Type {
    fn from_json(v: &serde_json::Value) -> Result<Type, String> {
        use serde_json::Value as J;
        match v {
            J::String(s) => match s.as_str() {
                "string" => Ok(Type::String),
                "number" => Ok(Type::Number),
                "bool" => Ok(Type::Bool),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(format!("unknown type {other:?}")),
            },
            J::Array(parts) => match parts.as_slice() {
                [J::String(kind), inner] => match kind.as_str() {
                    "list" => Ok(Type::List(Box::new(Type::from_json(inner)?))),
                    "set" => Ok(Type::Set(Box::new(Type::from_json(inner)?))),
                    "map" => Ok(Type::Map(Box::new(Type::from_json(inner)?))),
                    "object" => match inner {
                        J::Object(fields) => fields
                            .iter()
                            .map(|(k, t)| Ok((k.clone(), Type::from_json(t)?)))
                            .collect::<Result<_, String>>()
                            .map(Type::Object),
                        _ => Err("object type without attributes".to_owned()),
                    },
                    "tuple" => match inner {
                        J::Array(items) => items
                            .iter()
                            .map(Type::from_json)
                            .collect::<Result<_, _>>()
                            .map(Type::Tuple),
                        _ => Err("tuple type without elements".to_owned()),
                    },
                    other => Err(format!("unknown type constructor {other:?}")),
                },
                // Optional object attributes: ["object", {...}, ["optional"]].
                [J::String(kind), inner, _] if kind == "object" => {
                    Type::from_json(&J::Array(vec![J::String(kind.clone()), inner.clone()]))
                }
                _ => Err(format!("unknown type {v}")),
            },
            _ => Err(format!("unknown type {v}")),
        }
    }
}

impl<'de> Deserialize<'de> for Type {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        Type::from_json(&v).map_err(serde::de::Error::custom)
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
        assert!(serde_json::from_str::<Type>(r#""text""#).is_err());
    }
}
