//! Rust names for Terraform names: escaped keywords, CamelCase types, and
//! no two alike in one scope.

use std::collections::BTreeSet;

/// Rust's keywords, strict and reserved, in every edition up to 2024.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers (`r#self` is not allowed).
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// A snake_case name made of ASCII letters, digits and `_`, not starting
/// with a digit: `"min-upper"` becomes `min_upper`, `"2fa"` `_2fa`.
fn plain(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// The Rust identifier for the Terraform name `name`, as written in
/// source: keywords raw (`r#type`), or with a trailing `_` where Rust has
/// no raw form (`self_`).
pub(super) fn ident(name: &str) -> String {
    let plain = plain(name);
    if NOT_RAW.contains(&plain.as_str()) {
        format!("{plain}_")
    } else if KEYWORDS.contains(&plain.as_str()) {
        format!("r#{plain}")
    } else {
        plain
    }
}

/// Whether `path` is a Rust path that can name a crate in a `use`:
/// `tfsynth`, `::tfsynth`, `crate::tf_lib`, `super::super::x`; segments
/// are identifiers (keywords only raw, as `r#type`), with `crate` and
/// `self` only first and `super` only after them, and no generics.
pub(super) fn is_crate_path(path: &str) -> bool {
    let (global, relative) = match path.strip_prefix("::") {
        Some(rest) => (true, rest),
        None => (false, path),
    };
    // Whether every segment so far is `self` or `super`.
    let mut leading = !global;
    for (i, segment) in relative.split("::").enumerate() {
        let ok = match segment {
            "crate" | "self" => i == 0 && !global,
            "super" => leading,
            _ => is_identifier(segment),
        };
        if !ok {
            return false;
        }
        leading = leading && matches!(segment, "self" | "super");
    }
    true
}

/// Whether `name` is a Rust identifier: Unicode's identifier characters
/// (as rustc takes them), not `_` alone, and not a keyword unless raw.
fn is_identifier(name: &str) -> bool {
    let (raw, bare) = match name.strip_prefix("r#") {
        Some(bare) => (true, bare),
        None => (false, name),
    };
    let mut chars = bare.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let reserved = if raw { NOT_RAW } else { KEYWORDS };
    (first == '_' || unicode_ident::is_xid_start(first))
        && chars.all(unicode_ident::is_xid_continue)
        && bare != "_"
        && !reserved.contains(&bare)
}

/// `random_password` → `RandomPassword`.
pub(super) fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

/// Names already taken in one scope; [`Scope::claim`] hands out the
/// wanted name, or it with the first free `2`, `3`, ... suffix.
#[derive(Debug, Default)]
pub(super) struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope where `reserved` are already taken.
    pub(super) fn with_reserved(reserved: &[&str]) -> Scope {
        Scope {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// `wanted`, or `wanted` + `suffix` + a number when taken. A raw
    /// identifier's `r#` is not part of the name it takes.
    pub(super) fn claim(&mut self, wanted: &str, suffix: &str) -> String {
        let bare = wanted.strip_prefix("r#").unwrap_or(wanted);
        if self.taken.insert(bare.to_owned()) {
            return wanted.to_owned();
        }
        let mut n = 1usize;
        loop {
            let numbered = if n == 1 {
                format!("{bare}{suffix}")
            } else {
                format!("{bare}{suffix}{n}")
            };
            if self.taken.insert(numbered.clone()) {
                return numbered;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_escaped_and_odd_names_made_identifiers() {
        assert_eq!(ident("type"), "r#type");
        assert_eq!(ident("match"), "r#match");
        assert_eq!(ident("gen"), "r#gen");
        assert_eq!(ident("self"), "self_");
        assert_eq!(ident("Self"), "Self_");
        assert_eq!(ident("name"), "name");
        assert_eq!(ident("min-upper"), "min_upper");
        assert_eq!(ident("2fa"), "_2fa");
        assert_eq!(ident(""), "__");
    }

    #[test]
    fn types_are_camel_cased() {
        assert_eq!(camel("random_password"), "RandomPassword");
        assert_eq!(camel("node_config"), "NodeConfig");
        assert_eq!(camel("v2_thing"), "V2Thing");
        assert_eq!(camel("2nd"), "T2nd");
    }

    #[test]
    fn a_scope_never_hands_out_a_name_twice() {
        let mut scope = Scope::with_reserved(&["path"]);
        assert_eq!(scope.claim("path", "_attr"), "path_attr");
        assert_eq!(scope.claim("path", "_attr"), "path_attr2");
        assert_eq!(scope.claim("r#type", "_"), "r#type");
        assert_eq!(scope.claim("type", "_"), "type_");
        assert_eq!(scope.claim("name", "_"), "name");
    }
}
