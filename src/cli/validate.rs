//! `tfsynth validate`: check `.tf` and `.tf.json` files against the
//! provider schemas.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use tfsynth::diagnostic::Diagnostic;
use tfsynth::project::Project;
use tfsynth::schema::{Schemas, validate_files};

use super::{Failure, check_failed, input_error, warn};

#[derive(Debug, Args)]
pub(super) struct ValidateArgs {
    /// Files or directories to check (default: `generated`).
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Directory of provider schemas (`terraform providers schema -json` output).
    #[arg(long, value_name = "DIR", default_value = "schemas")]
    schemas: PathBuf,
    /// How findings are printed: `text` (a line each), `json`, or `sarif`
    /// (SARIF 2.1.0, for code-scanning tools).
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    format: OutputFormat,
}

/// `validate --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum OutputFormat {
    /// `FILE:LINE:COLUMN: ADDRESS: PATH: MESSAGE`, a line each.
    Text,
    /// One JSON document: every finding with its file, line, column,
    /// address, key and message.
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

/// The rule every schema finding is reported under in SARIF.
const SARIF_RULE: &str = "tfsynth/schema";

/// The rule of what could not be validated, reported as warnings.
const SARIF_NOT_VALIDATED: &str = "tfsynth/not-validated";

/// A relative path as a URI reference (RFC 3986): every byte but the
/// unreserved characters and `/` percent-encoded (`my dir/a#b.tf` →
/// `my%20dir/a%23b.tf`).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A finding's message with its block and path, without its file and
/// line (SARIF gives those as the location): `google_x.y: name: ...`.
fn placed_message(p: &Diagnostic) -> String {
    [p.address.as_str(), p.key.as_str(), p.message.as_str()]
        .iter()
        .filter(|part| !part.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(": ")
}

/// The JSON form of `problems` (`--format json`): `{"files": N,
/// "invalid": M, "findings": [{"file", "line", "column", "address",
/// "key", "message"}], "warnings": [...]}`.
fn json_report(
    files: usize,
    invalid: usize,
    problems: &[&Diagnostic],
    warnings: &[&String],
) -> serde_json::Value {
    serde_json::json!({
        "files": files,
        "invalid": invalid,
        "findings": problems
            .iter()
            .map(|p| serde_json::json!({
                "file": p.file,
                "line": p.line,
                "column": p.column,
                "address": p.address,
                "key": p.key,
                "message": p.message,
            }))
            .collect::<Vec<_>>(),
        "warnings": warnings,
    })
}

/// The SARIF 2.1.0 log of `problems` (file names as given, relative to
/// the project, so code-scanning tools place them in the repository).
fn sarif(problems: &[&Diagnostic], warnings: &[(&str, &String)]) -> serde_sarif::sarif::Sarif {
    use serde_sarif::sarif::{
        ArtifactLocation, Location, LogicalLocation, Message, MultiformatMessageString,
        PhysicalLocation, Region, ReportingDescriptor, Result as SarifResult, ResultLevel, Run,
        Sarif, Tool, ToolComponent,
    };
    let results: Vec<SarifResult> = problems
        .iter()
        .map(|p| {
            // A finding about a whole file (it cannot be read) is placed
            // on its first line: code scanning needs a line.
            let region = Region::builder()
                .start_line(i64::try_from(p.line.max(1)).unwrap_or(i64::MAX))
                .start_column(i64::try_from(p.column.max(1)).unwrap_or(i64::MAX))
                .build();
            let physical = PhysicalLocation::builder()
                .artifact_location(ArtifactLocation::builder().uri(uri(&p.file)).build())
                .region(region)
                .build();
            let location = Location::builder().physical_location(physical);
            // The block, and the attribute path inside it:
            // `google_container_node_pool.main.node_config[0].disk_size_gb`.
            let name = match (p.address.is_empty(), p.key.is_empty()) {
                (false, false) => format!("{}.{}", p.address, p.key),
                (false, true) => p.address.clone(),
                (true, _) => p.key.clone(),
            };
            let logical: Vec<LogicalLocation> = (!name.is_empty())
                .then(|| {
                    LogicalLocation::builder()
                        .fully_qualified_name(name)
                        .build()
                })
                .into_iter()
                .collect();
            let location = if logical.is_empty() {
                location.build()
            } else {
                location.logical_locations(logical).build()
            };
            SarifResult::builder()
                .rule_id(SARIF_RULE)
                .level(ResultLevel::Error)
                .message(Message::builder().text(placed_message(p)).build())
                .locations(vec![location])
                .build()
        })
        .collect();
    // What was not checked (a provider with no schema, an override file)
    // is a warning, on the first line of the file it is about.
    let results: Vec<SarifResult> = results
        .into_iter()
        .chain(warnings.iter().map(|(file, w)| {
            SarifResult::builder()
                .rule_id(SARIF_NOT_VALIDATED)
                .level(ResultLevel::Warning)
                .message(Message::builder().text((*w).clone()).build())
                .locations(vec![
                    Location::builder()
                        .physical_location(
                            PhysicalLocation::builder()
                                .artifact_location(
                                    ArtifactLocation::builder().uri(uri(file)).build(),
                                )
                                .region(Region::builder().start_line(1).build())
                                .build(),
                        )
                        .build(),
                ])
                .build()
        }))
        .collect();
    let not_validated = ReportingDescriptor::builder()
        .id(SARIF_NOT_VALIDATED)
        .short_description(
            MultiformatMessageString::builder()
                .text("Configuration tfsynth could not validate (no schema for its provider, an override file)")
                .build(),
        )
        .build();
    let rule = ReportingDescriptor::builder()
        .id(SARIF_RULE)
        .short_description(
            MultiformatMessageString::builder()
                .text("Terraform configuration that the provider schemas or Terraform refuse")
                .build(),
        )
        .build();
    let driver = ToolComponent::builder()
        .name("tfsynth")
        .version(super::version())
        .rules(vec![rule, not_validated])
        .build();
    Sarif::builder()
        .version(serde_json::json!("2.1.0"))
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .runs(vec![
            Run::builder()
                .tool(Tool::builder().driver(driver).build())
                .column_kind(serde_json::json!("unicodeCodePoints"))
                .results(results)
                .build(),
        ])
        .build()
}

/// `within`: where the current directory is inside the project, which
/// relative paths given start from.
pub(super) fn run(
    project: &Project,
    args: ValidateArgs,
    within: &std::path::Path,
) -> Result<ExitCode, Failure> {
    let schemas = Schemas::load_dir(
        &project.dir().join(&args.schemas),
        &args.schemas.display().to_string(),
    )
    .map_err(|e| input_error(e.to_string()))?;
    warn(schemas.notes());
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("generated")]
    } else {
        args.paths.into_iter().map(|p| within.join(p)).collect()
    };
    let files = project.read_tf_files(&paths).map_err(input_error)?;
    let reports = validate_files(&files.texts, &schemas);
    let mut stdout = std::io::stdout().lock();
    let mut bad = files.unreadable.len();
    // A file that cannot be read is a finding of its own in every format.
    let problems: Vec<&Diagnostic> = files
        .unreadable
        .iter()
        .chain(reports.iter().flat_map(|r| &r.problems))
        .collect();
    let warnings: Vec<(&str, &String)> = reports
        .iter()
        .flat_map(|r| r.warnings.iter().map(|w| (r.file.as_str(), w)))
        .collect();
    bad += reports.iter().filter(|r| !r.is_clean()).count();
    let n = files.len();
    match args.format {
        OutputFormat::Text => {
            for line in &files.unreadable {
                let _ = writeln!(stdout, "{line}");
            }
            for report in &reports {
                warn(&report.warnings);
                for problem in &report.problems {
                    let _ = writeln!(stdout, "{problem}");
                }
            }
        }
        OutputFormat::Json | OutputFormat::Sarif => {
            let document = if args.format == OutputFormat::Json {
                let texts: Vec<&String> = warnings.iter().map(|(_, w)| *w).collect();
                json_report(n, bad, &problems, &texts)
            } else {
                serde_json::to_value(sarif(&problems, &warnings))
                    .map_err(|e| input_error(format!("cannot write SARIF: {e}")))?
            };
            let text = serde_json::to_string_pretty(&document)
                .map_err(|e| input_error(format!("cannot write the report: {e}")))?;
            let _ = writeln!(stdout, "{text}");
            // The document is the whole output; the verdict is the exit
            // code, and the summary goes to standard error.
            return if bad == 0 {
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("error: {bad} of {n} files failed validation");
                Ok(ExitCode::from(1))
            };
        }
    }
    if bad == 0 {
        let _ = writeln!(stdout, "{n} file{} valid", if n == 1 { "" } else { "s" });
        Ok(ExitCode::SUCCESS)
    } else {
        Err(check_failed(format!(
            "{bad} of {n} files failed validation"
        )))
    }
}
