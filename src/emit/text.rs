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

/// The pieces of a template as they are written: literal text with its
/// template markers escaped, and interpolations.
///
/// A literal that ends in `$` right before an interpolation would read as
/// the escape `$${`, so its trailing run of `$` is written as an
/// interpolated string instead: `a$` then `x` becomes `a${"$"}${x}`.
pub(crate) enum Piece<'a> {
    /// Escaped literal text.
    Lit(String),
    /// A run of `$` that must be interpolated.
    Dollars(usize),
    /// An interpolated expression.
    Interp(&'a Expression),
}

pub(crate) fn template_pieces(parts: &[Part]) -> Vec<Piece<'_>> {
    // Adjacent literals are joined first: escaping them one by one would
    // miss a marker split across the seam (`$` then `{`).
    let mut merged: Vec<Result<String, &Expression>> = Vec::with_capacity(parts.len());
    for part in parts {
        match part {
            Part::Lit(text) => match merged.last_mut() {
                Some(Ok(prev)) => prev.push_str(text),
                _ => merged.push(Ok(text.clone())),
            },
            Part::Interp(e) => merged.push(Err(e)),
        }
    }
    let mut out = Vec::with_capacity(merged.len() + 1);
    for (i, part) in merged.iter().enumerate() {
        match part {
            Ok(text) => {
                let escaped = escape_template(text).into_owned();
                let before_interp = matches!(merged.get(i + 1), Some(Err(_)));
                let trimmed = escaped.trim_end_matches('$');
                let dollars = escaped.len() - trimmed.len();
                if before_interp && dollars > 0 {
                    out.push(Piece::Lit(trimmed.to_owned()));
                    out.push(Piece::Dollars(dollars));
                } else {
                    out.push(Piece::Lit(escaped));
                }
            }
            Err(e) => out.push(Piece::Interp(e)),
        }
    }
    out
}

/// The inside of a quoted HCL template: literal parts escaped, interpolations
/// as `${...}`.
pub(crate) fn write_template_body(out: &mut String, parts: &[Part]) -> std::fmt::Result {
    for piece in template_pieces(parts) {
        match piece {
            Piece::Lit(text) => crate::tf::write_hcl_string_body(out, &text)?,
            Piece::Dollars(n) => {
                out.push_str("${\"");
                out.extend(std::iter::repeat_n('$', n));
                out.push_str("\"}");
            }
            Piece::Interp(e) => {
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
    for piece in template_pieces(parts) {
        match piece {
            Piece::Lit(text) => out.push_str(&text),
            Piece::Dollars(n) => {
                out.push_str("${\"");
                out.extend(std::iter::repeat_n('$', n));
                out.push_str("\"}");
            }
            Piece::Interp(e) => {
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
