//! `tfsynth bindgen`: typed Rust bindings from a provider schema, written
//! into a directory (or checked against it).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use tfsynth::bindgen::{self, Options};

use super::{Failure, check_failed, input_error};

#[derive(Debug, Args)]
pub(super) struct BindgenArgs {
    /// A schema file, as `terraform providers schema -json` prints it.
    /// Without it, `--provider` must be google or kubernetes, and the
    /// schema tfsynth ships (and validates against) is used.
    #[arg(long, value_name = "FILE")]
    schema: Option<PathBuf>,
    /// The provider: its address (`registry.terraform.io/hashicorp/random`)
    /// or its end (`hashicorp/random`, `random`).
    #[arg(long, value_name = "ADDRESS")]
    provider: String,
    /// Only these types, comma-separated: `google_sql_database_instance`
    /// is the resource type, `data.google_sql_database_instance` the data
    /// source type; every type of the provider by default.
    #[arg(long, value_name = "TYPE,...", value_delimiter = ',')]
    types: Vec<String>,
    /// How the generated code names the tfsynth crate: a Rust path such
    /// as `tfsynth`, `::tfsynth` or `crate::tf_lib` (`crate` inside
    /// tfsynth itself).
    #[arg(long, value_name = "PATH", default_value = "tfsynth")]
    crate_path: String,
    /// The directory to write the modules into (`mod.rs` and one file per
    /// type); `.rs` files it generated before and no longer does are
    /// removed, and named in the summary.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Write nothing; fail listing every missing, stale or extra file.
    #[arg(long)]
    check: bool,
}

pub(super) fn run(dir: &Path, args: BindgenArgs) -> Result<ExitCode, Failure> {
    let (shown, text) = match &args.schema {
        Some(schema) => {
            let shown = schema.display().to_string();
            let text = std::fs::read_to_string(dir.join(schema))
                .map_err(|e| input_error(format!("{shown}: {e}")))?;
            (shown, text)
        }
        None => shipped(&args.provider)?,
    };
    let options = Options {
        provider: args.provider,
        types: args.types,
        crate_path: args.crate_path,
    };
    let files =
        bindgen::generate(&shown, &text, &options).map_err(|e| input_error(e.to_string()))?;
    let out = dir.join(&args.out);
    let out_shown = args.out.display();
    let mut stdout = std::io::stdout().lock();
    if args.check {
        let stale =
            bindgen::stale(&out, &files).map_err(|e| input_error(format!("{out_shown}: {e}")))?;
        if !stale.is_empty() {
            return Err(check_failed(format!(
                "{out_shown}: bindings are out of date; run `tfsynth bindgen` again and commit the result:\n  {}",
                stale.join("\n  ")
            )));
        }
        let _ = writeln!(stdout, "{out_shown}: {} files up to date", files.len());
        return Ok(ExitCode::SUCCESS);
    }
    let removed =
        bindgen::write(&out, &files).map_err(|e| input_error(format!("{out_shown}: {e}")))?;
    let _ = write!(stdout, "{out_shown}: wrote {} files", files.len());
    if !removed.is_empty() {
        let _ = write!(
            stdout,
            "; removed {} no longer generated: {}",
            removed.len(),
            removed.join(", ")
        );
    }
    let _ = writeln!(stdout);
    Ok(ExitCode::SUCCESS)
}

/// The schemas built into the binary: those in `schemas/` when it was
/// built, the versions synth validates against (`tfsynth --version`).
const SHIPPED: &[(&str, &str, &str)] = &[
    (
        "registry.terraform.io/hashicorp/google",
        "schemas/google.json",
        include_str!("../../schemas/google.json"),
    ),
    (
        "registry.terraform.io/hashicorp/kubernetes",
        "schemas/kubernetes.json",
        include_str!("../../schemas/kubernetes.json"),
    ),
];

/// The shipped schema of `provider` (named as `--provider` takes it), as
/// (name shown in messages, text).
fn shipped(provider: &str) -> Result<(String, String), Failure> {
    SHIPPED
        .iter()
        .find(|(address, _, _)| *address == provider || address.ends_with(&format!("/{provider}")))
        .map(|(_, file, text)| (format!("{file} (built in)"), (*text).to_owned()))
        .ok_or_else(|| {
            input_error(format!(
                "no schema of {provider:?} is built in (only hashicorp/google and \
                 hashicorp/kubernetes are); give its schema with --schema FILE, \
                 as `terraform providers schema -json` prints it"
            ))
        })
}
