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
        Expression::Ref(r) => r.write_to(out)?,
        Expression::Call(call) => {
            let (function, args) = (&call.function, &call.args);
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
        Expression::Raw(text) => {
            out.push_str(text.trim());
            if ends_with_heredoc(text) {
                // Terraform needs the newline after a heredoc's closing
                // marker, even right before the `}` of `${...}`.
                out.push('\n');
            }
        }
    }
    Ok(())
}

/// An object key: bare when [`is_bare_key`] allows it, quoted otherwise.
pub(crate) fn write_object_key(out: &mut String, key: &str) -> std::fmt::Result {
    if is_bare_key(key) {
        out.push_str(key);
        Ok(())
    } else {
        write_hcl_quoted(out, key)
    }
}

/// The pieces of a template as they are written (interpolated literal
/// strings folded into the text around them): literal text with its
/// template markers escaped, literal text that must be interpolated as a
/// quoted string, and interpolations.
///
/// Two things cannot be written as plain template text:
/// - a literal ending in `$` right before an interpolation would read as
///   the escape `$${`, so the trailing run of `$` is interpolated:
///   `a$` then `x` becomes `a${"$"}${x}`;
/// - in Terraform JSON, a carriage return not followed by a line feed makes
///   Terraform (1.11) read the rest of a template as literal text, so an
///   interpolation after it is never evaluated; such a `\r` is interpolated
///   as `${"\r"}` (together with any `$` run before it).
pub(crate) enum Piece<'a> {
    /// Escaped literal text.
    Lit(String),
    /// Literal text written as an interpolated string, `${"..."}`.
    Quoted(String),
    /// An interpolated expression.
    Interp(&'a Expression),
}

/// Which syntax a template is written for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    Json,
    Hcl,
}

pub(crate) fn template_pieces(parts: &[Part], syntax: Syntax) -> Vec<Piece<'_>> {
    let mut merged: Vec<Result<String, &Expression>> = Vec::with_capacity(parts.len());
    fold_literals(parts, &mut merged);
    let guard_cr = syntax == Syntax::Json && merged.iter().any(|p| p.is_err());
    let mut out = Vec::with_capacity(merged.len() + 1);
    for (i, part) in merged.iter().enumerate() {
        match part {
            Ok(text) => {
                let escaped = escape_template(text).into_owned();
                let mut rest = escaped.as_str();
                if guard_cr {
                    while let Some(at) = lone_cr(rest) {
                        let before = rest[..at].trim_end_matches('$');
                        let dollars = at - before.len();
                        if !before.is_empty() {
                            out.push(Piece::Lit(before.to_owned()));
                        }
                        let mut quoted = "$".repeat(dollars);
                        quoted.push('\r');
                        out.push(Piece::Quoted(quoted));
                        rest = &rest[at + 1..];
                    }
                }
                let before_interp = matches!(merged.get(i + 1), Some(Err(_)));
                let trimmed = rest.trim_end_matches('$');
                let dollars = rest.len() - trimmed.len();
                if before_interp && dollars > 0 {
                    if !trimmed.is_empty() {
                        out.push(Piece::Lit(trimmed.to_owned()));
                    }
                    out.push(Piece::Quoted("$".repeat(dollars)));
                } else if !rest.is_empty() {
                    out.push(Piece::Lit(rest.to_owned()));
                }
            }
            Err(e) => out.push(Piece::Interp(e)),
        }
    }
    out
}

/// Joins adjacent literal text, and folds into it every interpolation of a
/// literal string, so a reviewer reads `https://example.com/`, not
/// `https://${"example.com"}/`. Literals are joined before they are
/// escaped: escaping them one by one would miss a marker split across the
/// seam (`$` then `{`).
fn fold_literals<'a>(parts: &'a [Part], merged: &mut Vec<Result<String, &'a Expression>>) {
    for part in parts {
        let text = match part {
            Part::Lit(text) | Part::Interp(Expression::String(text)) => text,
            Part::Interp(e) => {
                merged.push(Err(e));
                continue;
            }
        };
        match merged.last_mut() {
            Some(Ok(prev)) => prev.push_str(text),
            _ => merged.push(Ok(text.clone())),
        }
    }
}

/// The byte offset of the first `\r` not followed by `\n`.
fn lone_cr(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find(|&i| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
}

fn write_quoted_piece(out: &mut String, text: &str) -> std::fmt::Result {
    out.push_str("${\"");
    crate::tf::write_hcl_string_body(out, text)?;
    out.push_str("\"}");
    Ok(())
}

/// The inside of a quoted HCL template: literal parts escaped, interpolations
/// as `${...}`.
pub(crate) fn write_template_body(out: &mut String, parts: &[Part]) -> std::fmt::Result {
    for piece in template_pieces(parts, Syntax::Hcl) {
        match piece {
            Piece::Lit(text) => crate::tf::write_hcl_string_body(out, &text)?,
            Piece::Quoted(text) => write_quoted_piece(out, &text)?,
            Piece::Interp(e) => {
                out.push_str("${");
                write_expression_fallible(out, e)?;
                out.push('}');
            }
        }
    }
    Ok(())
}

/// The text of the JSON string Terraform reads back as `e`, for any
/// expression but a literal: a template's parts (literal parts escaped for
/// the template language only; JSON escaping comes later), or `${...}`
/// around a reference, call or raw expression.
pub(crate) fn write_json_template(out: &mut String, e: &Expression) {
    let Expression::Template(parts) = e else {
        out.push_str("${");
        write_expression(out, e);
        out.push('}');
        return;
    };
    for piece in template_pieces(parts, Syntax::Json) {
        match piece {
            Piece::Lit(text) => out.push_str(&text),
            Piece::Quoted(text) => {
                let _ = write_quoted_piece(out, &text);
            }
            Piece::Interp(e) => {
                out.push_str("${");
                write_expression(out, e);
                out.push('}');
            }
        }
    }
}

/// Whether an object key can be written without quotes: an ASCII
/// identifier, but not `for`, which Terraform reads as the start of a `for`
/// expression when it is the first key (`{ for = 1 }` is "Invalid 'for'
/// expression"), and not `true`, `false` or `null`, which a reader could
/// take for values. Terraform 1.11 reads every other keyword (`in`, `if`,
/// `else`, `endif`, `endfor`, `each`, `var`, ...) bare as a key, in any
/// place.
pub(crate) fn is_bare_key(key: &str) -> bool {
    is_identifier(key) && !matches!(key, "for" | "true" | "false" | "null")
}

/// Whether a raw expression holds a heredoc (`<<` appears nowhere else in
/// HCL but inside strings) and ends with the newline after its closing
/// marker, which synth-time checks require of a heredoc that ends it.
pub(crate) fn ends_with_heredoc(raw: &str) -> bool {
    raw.contains("<<") && raw.trim_end_matches([' ', '\t']).ends_with('\n')
}
