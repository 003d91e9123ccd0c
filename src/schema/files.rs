//! Validation of the files of Terraform modules, in either syntax.
//!
//! Terraform reads every `.tf` and `.tf.json` file of a directory as one
//! module: each file is validated on its own, and a resource or data
//! source declared twice in one module (in two files, or twice in one) is
//! a finding, as it is Terraform's "Duplicate resource configuration".

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::path::Path;

use serde_json::Value;

use super::{Finding, Position, Schemas, validate_document, validate_hcl};

/// Which syntax a file is written in, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// Terraform JSON (`.tf.json`).
    Json,
    /// Terraform's native syntax, HCL (`.tf`).
    Hcl,
}

impl Syntax {
    /// `.tf` is the native syntax; any other name (`.tf.json`) is JSON.
    pub fn of(name: &str) -> Syntax {
        if name.ends_with(".tf") {
            Syntax::Hcl
        } else {
            Syntax::Json
        }
    }
}

/// Whether Terraform merges the file into its module's other files
/// (`override.tf`, `*_override.tf`, and their `.tf.json` forms) instead of
/// reading it as a file of its own.
pub fn is_override_file(name: &str) -> bool {
    let file = Path::new(name)
        .file_name()
        .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
    let stem = file
        .strip_suffix(".tf.json")
        .or_else(|| file.strip_suffix(".tf"))
        .unwrap_or(&file);
    stem == "override" || stem.ends_with("_override")
}

/// What validation says about one file, as `tfsynth validate` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The file, as named in messages.
    pub file: String,
    /// Each problem, sorted by place: `FILE:LINE:COLUMN: ADDRESS: PATH:
    /// MESSAGE` (a `.tf.json` finding has no line and column), or the
    /// place where the file stops parsing.
    pub problems: Vec<String>,
    /// What was not checked, each naming the file.
    pub warnings: Vec<String>,
}

impl FileReport {
    /// Whether nothing is wrong.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Validates files, each given as its name in messages and its text, in
/// the order given; the syntax is chosen by the name ([`Syntax::of`]).
/// Files whose names share a directory are one module.
pub fn validate_files(files: &[(String, String)], schemas: &Schemas) -> Vec<FileReport> {
    // The first declaration of each address, by module, and where it is.
    let mut declared: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut reports = Vec::with_capacity(files.len());
    for (file, text) in files {
        let mut report = FileReport {
            file: file.clone(),
            problems: Vec::new(),
            warnings: Vec::new(),
        };
        if is_override_file(file) {
            report.warnings.push(format!(
                "{file}: not validated: Terraform merges an override file into the other \
                 files of its module"
            ));
            reports.push(report);
            continue;
        }
        let mut placed: Vec<(Option<Position>, Finding)> = Vec::new();
        let mut addresses: Vec<(String, Option<Position>)> = Vec::new();
        match Syntax::of(file) {
            Syntax::Json => match serde_json::from_str::<Value>(text) {
                Ok(doc) => {
                    let r = validate_document(&doc, schemas);
                    placed.extend(r.findings.into_iter().map(|f| (None, f)));
                    report
                        .warnings
                        .extend(r.warnings.iter().map(|w| format!("{file}: {w}")));
                    addresses.extend(json_declared(&doc).into_iter().map(|a| (a, None)));
                }
                Err(e) => {
                    // serde_json counts a column of 0 before a line's first
                    // character; editors count from 1.
                    let (line, column) = (e.line(), e.column().max(1));
                    let message = e.to_string();
                    let message = message
                        .strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))
                        .unwrap_or(&message);
                    report
                        .problems
                        .push(format!("{file}:{line}:{column}: not valid JSON: {message}"));
                }
            },
            Syntax::Hcl => match validate_hcl(text, schemas) {
                Ok(r) => {
                    placed.extend(
                        r.findings
                            .into_iter()
                            .map(|p| (Some(p.position), p.finding)),
                    );
                    report
                        .warnings
                        .extend(r.warnings.iter().map(|w| format!("{file}: {w}")));
                    addresses.extend(r.declared.into_iter().map(|(a, p)| (a, Some(p))));
                }
                Err(e) => report.problems.push(format!("{file}:{e}")),
            },
        }
        let module = Path::new(file)
            .parent()
            .map_or_else(String::new, |d| d.to_string_lossy().into_owned());
        for (address, position) in addresses {
            let here = match position {
                Some(p) => format!("{file}:{p}"),
                None => file.clone(),
            };
            match declared.entry((module.clone(), address.clone())) {
                Entry::Vacant(v) => {
                    v.insert(here);
                }
                Entry::Occupied(first) => {
                    let what = if address.starts_with("data.") {
                        "data source"
                    } else {
                        "resource"
                    };
                    let message = format!("duplicate {what}: already declared at {}", first.get());
                    placed.push((
                        position,
                        Finding {
                            address,
                            path: String::new(),
                            message,
                        },
                    ));
                }
            }
        }
        placed.sort();
        placed.dedup();
        report.problems.extend(
            placed
                .into_iter()
                .map(|(position, finding)| match position {
                    Some(p) => format!("{file}:{p}: {finding}"),
                    None => format!("{file}: {finding}"),
                }),
        );
        reports.push(report);
    }
    reports
}

/// The resources and data sources a Terraform JSON document declares.
fn json_declared(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (section, prefix) in [("resource", ""), ("data", "data.")] {
        let Some(types) = doc.get(section).and_then(Value::as_object) else {
            continue;
        };
        for (type_name, named) in types {
            if let Some(named) = named.as_object() {
                out.extend(
                    named
                        .keys()
                        .map(|name| format!("{prefix}{type_name}.{name}")),
                );
            }
        }
    }
    out
}
