//! Expressions in HCL native syntax, the form they take inside `${...}`.

use std::fmt::Write;

use crate::tf::{Expression, Part, escape_template, is_identifier, write_hcl_quoted};

/// An expression in HCL native syntax, e.g. `base64decode(google_container_cluster.primary.master_auth[0].cluster_ca_certificate)`.
///
/// Literal strings are quoted and escaped, template markers included, so
/// the text always means exactly the expression.
pub fn expression_text(e: &Expression) -> String {
    let mut out = String::new();
    write_expression(&mut out, e);
    out
}

pub(crate) fn write_expression(out: &mut String, e: &Expression) {
    // Writing to a String cannot fail.
    let _ = write_expression_fallible(out, e);
}

fn write_expression_fallible(out: &mut String, e: &Expression) -> std::fmt::Result {
    match e {
        Expression::Null => out.push_str("null"),
        Expression::Bool(b) => write!(out, "{b}")?,
        Expression::Number(n) => write!(out, "{n}")?,
        Expression::String(s) => write_hcl_quoted(out, s)?,
        Expression::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expression_fallible(out, item)?;
            }
            out.push(']');
        }
        Expression::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return Ok(());
            }
            out.push_str("{ ");
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_object_key(out, k)?;
                out.push_str(" = ");
                write_expression_fallible(out, v)?;
            }
            out.push_str(" }");
        }
        Expression::Ref(r) => write!(out, "{r}")?,
        Expression::Call { function, args } => {
            out.push_str(function);
            out.push('(');
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expression_fallible(out, arg)?;
            }
            out.push(')');
        }
        Expression::Template(parts) => {
            out.push('"');
            write_template_body(out, parts)?;
            out.push('"');
        }
        Expression::Raw(text) => out.push_str(text.trim()),
    }
    Ok(())
}

/// An object key: bare when it is an identifier (and not a keyword a reader
/// could mistake for a value), quoted otherwise.
pub(crate) fn write_object_key(out: &mut String, key: &str) -> std::fmt::Result {
    if is_bare_key(key) {
        out.push_str(key);
        Ok(())
    } else {
        write_hcl_quoted(out, key)
    }
}

/// The inside of a quoted HCL template: literal parts escaped, interpolations
/// as `${...}`.
pub(crate) fn write_template_body(out: &mut String, parts: &[Part]) -> std::fmt::Result {
    for part in parts {
        match part {
            Part::Lit(text) => crate::tf::write_hcl_string_body(out, &escape_template(text))?,
            Part::Interp(e) => {
                out.push_str("${");
                write_expression_fallible(out, e)?;
                out.push('}');
            }
        }
    }
    Ok(())
}

/// A template in a JSON string: literal parts escaped for the template
/// language only (JSON escaping comes later), interpolations as `${...}`.
pub(crate) fn json_template(parts: &[Part]) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Lit(text) => out.push_str(&escape_template(text)),
            Part::Interp(e) => {
                out.push_str("${");
                write_expression(&mut out, e);
                out.push('}');
            }
        }
    }
    out
}

/// Whether an object key can be written without quotes.
pub(crate) fn is_bare_key(key: &str) -> bool {
    is_identifier(key) && !matches!(key, "true" | "false" | "null")
}
