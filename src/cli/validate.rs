//! `tfsynth validate`: check `.tf` and `.tf.json` files against the
//! provider schemas.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

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
    for line in &files.unreadable {
        let _ = writeln!(stdout, "{line}");
    }
    for report in &reports {
        warn(&report.warnings);
        for problem in &report.problems {
            let _ = writeln!(stdout, "{problem}");
        }
        if !report.is_clean() {
            bad += 1;
        }
    }
    let n = files.len();
    if bad == 0 {
        let _ = writeln!(stdout, "{n} file{} valid", if n == 1 { "" } else { "s" });
        Ok(ExitCode::SUCCESS)
    } else {
        Err(check_failed(format!(
            "{bad} of {n} files failed validation"
        )))
    }
}
