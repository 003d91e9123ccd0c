//! Terraform type constraints for input variables.

use std::collections::BTreeMap;
use std::fmt;

/// A variable's type constraint, written as Terraform writes it
/// (`list(string)`, `object({ name = string })`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarType {
    /// `string`
    String,
    /// `number`
    Number,
    /// `bool`
    Bool,
    /// `any`
    Any,
    /// `list(T)`
    List(Box<VarType>),
    /// `set(T)`
    Set(Box<VarType>),
    /// `map(T)`
    Map(Box<VarType>),
    /// `tuple([T, ...])`
    Tuple(Vec<VarType>),
    /// `object({ name = T, ... })`
    Object(BTreeMap<String, VarType>),
}

impl fmt::Display for VarType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VarType::String => f.write_str("string"),
            VarType::Number => f.write_str("number"),
            VarType::Bool => f.write_str("bool"),
            VarType::Any => f.write_str("any"),
            VarType::List(t) => write!(f, "list({t})"),
            VarType::Set(t) => write!(f, "set({t})"),
            VarType::Map(t) => write!(f, "map({t})"),
            VarType::Tuple(items) => {
                f.write_str("tuple([")?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
            VarType::Object(fields) => {
                f.write_str("object({")?;
                for (i, (name, t)) in fields.iter().enumerate() {
                    f.write_str(if i > 0 { ", " } else { " " })?;
                    write!(f, "{name} = {t}")?;
                }
                f.write_str(if fields.is_empty() { "})" } else { " })" })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_constraints_print_as_terraform_writes_them() {
        let t = VarType::Object(BTreeMap::from([
            ("name".to_owned(), VarType::String),
            ("zones".to_owned(), VarType::List(Box::new(VarType::String))),
        ]));
        assert_eq!(
            t.to_string(),
            "object({ name = string, zones = list(string) })"
        );
        assert_eq!(
            VarType::Tuple(vec![VarType::Number, VarType::Bool]).to_string(),
            "tuple([number, bool])"
        );
    }
}
