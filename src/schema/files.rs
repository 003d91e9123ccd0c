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

use super::hcl::{HclRead, Lines, read_hcl};
use super::json::place_of;
use super::validate::{Module, validate_read};
use super::{Position, Schemas};
use crate::diagnostic::Diagnostic;

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
    /// Each problem, sorted by place, in this file (shown as
    /// `FILE:LINE:COLUMN: ADDRESS: PATH: MESSAGE`), or the place where the
    /// file stops parsing.
    pub problems: Vec<Diagnostic>,
    /// What was not checked, each naming the file.
    pub warnings: Vec<String>,
}

impl FileReport {
    /// Whether nothing is wrong.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A file read, before validation: its document, or why it has none.
enum Parsed<'t> {
    Json {
        read: super::json::Read,
        lines: Lines<'t>,
    },
    Hcl(HclRead<'t>),
    /// Not validated: the problem (a syntax error) or warning is reported.
    Not,
}

/// Validates files, each given as its name in messages and its text, in
/// the order given; the syntax is chosen by the name ([`Syntax::of`]).
/// Files whose names share a directory are one module, read as Terraform
/// reads it: a resource or data source declared twice in it is a finding,
/// and so is a reference, from any of its files, to a resource, data
/// source, variable, local value or module call none of them declares.
/// Every finding names its file, line and column.
pub fn validate_files(files: &[(String, String)], schemas: &Schemas) -> Vec<FileReport> {
    let mut reports = Vec::with_capacity(files.len());
    let mut parsed = Vec::with_capacity(files.len());
    let mut modules: BTreeMap<String, Module> = BTreeMap::new();
    for (file, text) in files {
        let mut report = FileReport {
            file: file.clone(),
            problems: Vec::new(),
            warnings: Vec::new(),
        };
        let read = if is_override_file(file) {
            report.warnings.push(format!(
                "{file}: not validated: Terraform merges an override file into the other \
                 files of its module"
            ));
            Parsed::Not
        } else {
            match Syntax::of(file) {
                Syntax::Json => match json_document(file, text) {
                    Ok(read) => Parsed::Json {
                        read,
                        lines: Lines::new(text),
                    },
                    Err(problem) => {
                        report.problems.push(problem);
                        Parsed::Not
                    }
                },
                Syntax::Hcl => match read_hcl(Some(file), text, schemas) {
                    Ok(read) => Parsed::Hcl(read),
                    Err(e) => {
                        report.problems.push(
                            Diagnostic::new(format!("not valid HCL: {}", e.message)).in_file(
                                file,
                                e.position.line,
                                e.position.column,
                            ),
                        );
                        Parsed::Not
                    }
                },
            }
        };
        let doc = match &read {
            Parsed::Json { read, .. } => Some(&read.doc),
            Parsed::Hcl(read) => Some(&read.doc),
            Parsed::Not => None,
        };
        if let Some(doc) = doc {
            modules.entry(module_of(file)).or_default().add(doc);
        }
        reports.push(report);
        parsed.push(read);
    }
    // The first declaration of each address, by module, and where it is.
    let mut declared: BTreeMap<(String, String), String> = BTreeMap::new();
    for ((file, _), (report, read)) in files.iter().zip(reports.iter_mut().zip(parsed)) {
        let module = module_of(file);
        let mut placed: Vec<(Position, Diagnostic)> = Vec::new();
        let addresses: Vec<(String, Position)> = match read {
            Parsed::Not => continue,
            Parsed::Json { read, lines } => {
                let r = validate_read(&read.doc, schemas, modules.get(&module));
                report
                    .warnings
                    .extend(r.warnings.iter().map(|w| format!("{file}: {w}")));
                let at = |offset: usize| lines.position(offset);
                placed.extend(read.findings.into_iter().map(|(o, f)| (at(o), f)));
                for finding in r.findings {
                    let offset = place_of(&read.places, &finding.address, &finding.key);
                    placed.push((at(offset.unwrap_or(0)), finding));
                }
                read.declared
                    .into_iter()
                    .map(|(address, offset)| (address, at(offset)))
                    .collect()
            }
            Parsed::Hcl(read) => {
                let r = validate_read(&read.doc, schemas, modules.get(&module));
                let r = read.report(r);
                report
                    .warnings
                    .extend(r.warnings.iter().map(|w| format!("{file}: {w}")));
                placed.extend(r.findings.into_iter().map(|p| (p.position, p.finding)));
                r.declared
            }
        };
        for (address, position) in addresses {
            let here = format!("{file}:{position}");
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
                    placed.push((position, Diagnostic::at_address(address, message)));
                }
            }
        }
        placed.sort();
        placed.dedup();
        report.problems.extend(
            placed
                .into_iter()
                .map(|(position, finding)| finding.in_file(file, position.line, position.column)),
        );
    }
    reports
}

/// The module a file belongs to: its directory.
fn module_of(file: &str) -> String {
    Path::new(file)
        .parent()
        .map_or_else(String::new, |d| d.to_string_lossy().into_owned())
}

/// A `.tf.json` file read as Terraform reads it, or the place where it
/// stops being JSON.
fn json_document(file: &str, text: &str) -> Result<super::json::Read, Diagnostic> {
    if let Err(e) = serde_json::from_str::<Value>(text) {
        // serde_json counts a column of 0 before a line's first
        // character; editors count from 1.
        let (line, column) = (e.line(), e.column().max(1));
        let message = e.to_string();
        let message = message
            .strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))
            .unwrap_or(&message);
        return Err(
            Diagnostic::new(format!("not valid JSON: {message}")).in_file(file, line, column)
        );
    }
    let Some(root) = super::json::parse(text) else {
        return Err(Diagnostic::new(format!(
            "not valid JSON: nested deeper than tfsynth reads ({} levels)",
            super::json::MOST_DEPTH
        ))
        .in_file(file, 0, 0));
    };
    let lines = Lines::new(text);
    let place = |offset: usize| format!("{file}:{}", lines.position(offset));
    Ok(super::json::read(&root, Some(&place)))
}
