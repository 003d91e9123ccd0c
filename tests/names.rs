//! Names are Terraform's identifiers: Unicode letters, digits, `_` and
//! `-`, not starting with a digit or `-`. Real terraform is the judge.

mod common;

use common::terraform::find;

use tfsynth::tf::{Body, Meta, Output, Stack, is_identifier};

/// Names and whether tfsynth accepts them as a resource name: what
/// terraform 1.11 accepts, less names not in Unicode's NFC.
const NAMES: [(&str, bool); 17] = [
    ("café", true),
    ("日本", true),
    ("_under", true),
    ("a-b-", true),
    ("a·b", true),
    ("ünï_2", true),
    ("Ωmega", true),
    ("x", true),
    ("-lead", false),
    ("1digit", false),
    ("٣three", false),
    ("a b", false),
    ("a.b", false),
    ("é€", false),
    ("", false),
    ("😀", false),
    // Terraform takes it, but fmt rewrites it to `café`: not NFC, refused.
    ("cafe\u{301}", false),
];

#[test]
fn names_are_checked_as_terraform_checks_identifiers() {
    for (name, valid) in NAMES {
        assert_eq!(is_identifier(name), valid, "{name:?}");
        let mut s = Stack::new();
        s.add_body("terraform_data", name, Body::new(), Meta::default());
        assert_eq!(s.resolve().is_ok(), valid, "{name:?}");
    }
}

/// The table above is terraform's own verdict, name by name.
#[test]
fn terraform_agrees_with_the_table_of_names() {
    let Some(tf) = find("the table of names") else {
        return;
    };
    for (name, valid) in NAMES.into_iter().filter(|(n, _)| !n.is_empty()) {
        let dir = tempfile::tempdir().unwrap();
        let label = serde_json::to_string(name).unwrap();
        std::fs::write(
            dir.path().join("main.tf"),
            format!("resource \"terraform_data\" {label} {{}}\n"),
        )
        .unwrap();
        // An invalid name already fails init, which reads the configuration.
        let mut out = tf.run(dir.path(), &["init", "-no-color"]);
        if out.status.success() {
            out = tf.run(dir.path(), &["validate", "-no-color"]);
        }
        // Terraform takes names in any normal form; tfsynth only NFC ones.
        let terraform_takes = valid || !unicode_normalization::is_nfc(name);
        assert_eq!(
            out.status.success(),
            terraform_takes,
            "{name:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Issue 13, D16: `terraform_data "café"` and references to it apply in
/// both syntaxes.
#[test]
fn unicode_names_apply_in_json_and_hcl_with_their_references() {
    let mut s = Stack::new();
    let mut body = Body::new();
    body.set("input", "au lait");
    let cafe = s.add_body("terraform_data", "café", body, Meta::default());
    let local = s.local("日本", cafe.attr::<String>("output"));
    s.output(
        "ünï",
        Output::new(local.value::<String>(), "a Unicode output"),
    );
    let doc = s.resolve().unwrap();
    let Some(tf) = find("the apply of Unicode names") else {
        return;
    };
    tf.assert_outputs(&doc, &serde_json::json!({ "ünï": "au lait" }));
}

/// The kind behind D16: for names made of each character of many scripts
/// and classes (Latin, Greek, Cyrillic, combining marks, digits of other
/// scripts, CJK, Hangul, symbols, emoji, joiners), as a first character
/// and after one, tfsynth accepts exactly the names terraform accepts.
/// One configuration holds them all; `terraform validate -json` reports
/// each refused name at its line.
#[test]
fn tfsynth_and_terraform_agree_on_names_from_many_scripts() {
    // (first, last, step): every character of the letter-rich ranges,
    // a sample of the punctuation and symbol ones (each refused name
    // costs terraform a diagnostic with its source, which is slow).
    let ranges: [(u32, u32, usize); 14] = [
        (0x21, 0x7e, 3),
        (0xa0, 0x24f, 2),
        (0x300, 0x36f, 4),
        (0x370, 0x3ff, 1),
        (0x400, 0x45f, 2),
        (0x660, 0x669, 1),
        (0x900, 0x97f, 2),
        (0x2000, 0x206f, 5),
        (0x3040, 0x309f, 1),
        (0x4e00, 0x4e1f, 4),
        (0xac00, 0xac0f, 4),
        (0xff10, 0xff39, 3),
        (0x1d400, 0x1d40f, 4),
        (0x1f600, 0x1f60f, 5),
    ];
    let mut names = Vec::new();
    let joiners = [0x200c, 0x200d];
    let chars = ranges
        .into_iter()
        .flat_map(|(first, last, step)| (first..=last).step_by(step))
        .chain(joiners)
        .filter_map(char::from_u32);
    for c in chars {
        // A label is a quoted string: leave out what needs escaping there.
        if c == '"' || c == '\\' || c.is_control() || matches!(c, '$' | '%') {
            continue;
        }
        names.push(format!("{c}x"));
        names.push(format!("x{c}"));
    }
    names.sort();
    names.dedup();
    let config: String = names
        .iter()
        .map(|n| format!("resource \"terraform_data\" \"{n}\" {{}}\n"))
        .collect();
    let Some(tf) = find("the sweep of names") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), config).unwrap();
    let out = tf.run(dir.path(), &["validate", "-json", "-no-color"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut refused = vec![false; names.len()];
    for d in report["diagnostics"].as_array().unwrap() {
        let line = d["range"]["start"]["line"].as_u64().unwrap() as usize;
        assert!(
            d["summary"] == "Invalid resource name"
                || d["summary"] == "Duplicate resource \"terraform_data\" configuration",
            "{d}"
        );
        refused[line - 1] = true;
    }
    let mut too_lax = Vec::new();
    let mut too_strict = Vec::new();
    for (name, refused) in names.iter().zip(refused) {
        let odd = name.chars().find(|&c| c != 'x').unwrap_or('x');
        match (is_identifier(name), refused) {
            (true, true) => too_lax.push(format!("{name:?} (U+{:04X})", odd as u32)),
            // Names not in NFC are refused on purpose: fmt rewrites them.
            (false, false) if unicode_normalization::is_nfc(name) => too_strict.push(odd),
            _ => {}
        }
    }
    // Never a name that terraform refuses.
    assert!(
        too_lax.is_empty(),
        "tfsynth accepts what terraform refuses: {too_lax:?}"
    );
    // The only names refused that terraform takes: characters of Unicode's
    // ID_Start that are not in XID_Start (they change under NFKC), which
    // tfsynth leaves out on purpose.
    too_strict.sort_unstable();
    too_strict.dedup();
    assert_eq!(too_strict, ['\u{37a}', '\u{309b}', '\u{309c}']);
}
