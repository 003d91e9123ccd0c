//! Escaping for Terraform's template language and HCL's quoted strings:
//! what keeps literal text literal in both syntaxes.

use std::fmt;

/// Writes `[i]`, without the formatting machinery.
pub(crate) fn write_index(w: &mut impl fmt::Write, mut i: u64) -> fmt::Result {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (i % 10) as u8;
        i /= 10;
        if i == 0 {
            break;
        }
    }
    w.write_char('[')?;
    // Only ASCII digits were written.
    w.write_str(std::str::from_utf8(&digits[at..]).unwrap_or_default())?;
    w.write_char(']')
}

/// Escapes the template markers of literal text: `${` → `$${`, `%{` → `%%{`.
///
/// Text that already contains `$${` gains one more `$`, so it still reads
/// back as exactly what was given.
pub fn escape_template(text: &str) -> std::borrow::Cow<'_, str> {
    if !has_template_marker(text) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.replace("${", "$${").replace("%{", "%%{"))
}

/// Whether `text` holds `${` or `%{`. This runs for every literal string
/// written and validated, and most hold no `{` at all: the byte search
/// (std's `memchr`, a word at a time) answers those, and only a string with
/// a brace is looked at pair by pair. `str::contains` would set up a
/// general substring search on each call.
fn has_template_marker(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.contains(&b'{')
        && bytes
            .windows(2)
            .any(|pair| pair[1] == b'{' && matches!(pair[0], b'$' | b'%'))
}

/// Writes `text` as an HCL quoted string with template markers escaped.
pub(crate) fn write_hcl_quoted(out: &mut impl fmt::Write, text: &str) -> fmt::Result {
    out.write_char('"')?;
    write_hcl_string_body(out, &escape_template(text))?;
    out.write_char('"')
}

/// Escapes quotes, backslashes and control characters for the inside of an
/// HCL quoted string. Template markers are not touched here.
pub(crate) fn write_hcl_string_body(out: &mut impl fmt::Write, text: &str) -> fmt::Result {
    for c in text.chars() {
        match c {
            '"' => out.write_str("\\\"")?,
            '\\' => out.write_str("\\\\")?,
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            c if (c as u32) < 0x20 || c == '\u{7f}' => write!(out, "\\u{:04x}", c as u32)?,
            c => out.write_char(c)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_doubles_each_marker_and_keeps_existing_escapes_readable() {
        assert_eq!(escape_template("${evil}"), "$${evil}");
        assert_eq!(
            escape_template("%{ if true }x%{ endif }"),
            "%%{ if true }x%%{ endif }"
        );
        assert_eq!(escape_template("$${x}"), "$$${x}");
        assert_eq!(escape_template("${$${"), "$${$$${");
        assert_eq!(escape_template("$ { % {} $$ %%"), "$ { % {} $$ %%");
        assert_eq!(escape_template("ünïcødé\u{2028}"), "ünïcødé\u{2028}");
    }

    #[test]
    fn template_markers_are_found_wherever_they_stand() {
        // Every string up to five characters over an alphabet of the
        // characters that matter, against the plain definition.
        let alphabet = ['$', '%', '{', 'é', 'x'];
        let mut strings = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = strings
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(longer);
        }
        strings.dedup();
        for s in &strings {
            let expected = s.contains("${") || s.contains("%{");
            assert_eq!(has_template_marker(s), expected, "{s:?}");
        }
    }

    #[test]
    fn hcl_strings_escape_quotes_backslashes_and_control_characters() {
        let mut s = String::new();
        write_hcl_quoted(&mut s, "a\"b\\c\nd\te\u{1}\u{2028}${x}").unwrap();
        assert_eq!(s, "\"a\\\"b\\\\c\\nd\\te\\u0001\u{2028}$${x}\"");
    }
}
