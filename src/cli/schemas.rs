//! `tfsynth schemas index`: write (or check) the index beside each
//! schema file.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use tfsynth::project::Project;
use tfsynth::schema::plan_indexes;

use super::{Failure, check_failed, input_error};

#[derive(Debug, Args)]
pub(super) struct IndexArgs {
    /// Directory of provider schemas (`terraform providers schema -json` output).
    #[arg(long, value_name = "DIR", default_value = "schemas")]
    schemas: PathBuf,
    /// Write nothing; fail listing every missing, stale or extra index.
    #[arg(long)]
    check: bool,
}

pub(super) fn run(project: &Project, args: IndexArgs) -> Result<ExitCode, Failure> {
    let shown = args.schemas.display().to_string();
    let dir = project.dir().join(&args.schemas);
    let plan = plan_indexes(&dir, &shown).map_err(input_error)?;
    let mut stdout = std::io::stdout().lock();
    if plan.is_empty() {
        let _ = writeln!(stdout, "{shown}/: {} indexes up to date", plan.wanted);
        return Ok(ExitCode::SUCCESS);
    }
    if args.check {
        return Err(check_failed(format!(
            "{shown}/: indexes are out of date; run `tfsynth schemas index` and commit the result:\n  {}",
            plan.lines().join("\n  ")
        )));
    }
    plan.apply(&dir).map_err(input_error)?;
    for line in plan.lines() {
        let _ = writeln!(stdout, "{line}");
    }
    Ok(ExitCode::SUCCESS)
}
