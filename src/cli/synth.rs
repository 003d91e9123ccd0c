//! `tfsynth synth`: render stacks into the output directory, or check it.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use tfsynth::output;
use tfsynth::project::Project;
use tfsynth::synth::Format;

use super::{Failure, check_failed, input_error, load_schemas, stack_name, synthesize, write_plan};

#[derive(Debug, Args)]
pub(super) struct SynthArgs {
    /// Only this stack (repeatable); every stack in `stacks/` by default.
    #[arg(long = "stack", value_name = "NAME", value_parser = stack_name)]
    stacks: Vec<String>,
    /// Output directory, relative to the project directory.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    out: PathBuf,
    /// Which Terraform syntax to write.
    #[arg(long, value_enum, default_value_t = FormatArg::Json)]
    format: FormatArg,
    /// Write nothing; fail listing every missing, stale or extra file.
    #[arg(long)]
    check: bool,
    /// Directory of provider schemas that every root is validated against
    /// [default: schemas; when that is missing, validation is skipped with
    /// a warning, but a directory named here must exist].
    #[arg(long, value_name = "DIR", conflicts_with = "no_validate")]
    schemas: Option<PathBuf>,
    /// Skip validation against the provider schemas (not recommended).
    #[arg(long)]
    no_validate: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    /// `main.tf.json`
    Json,
    /// `main.tf`
    Hcl,
    /// `main.tf.json`, and `hcl/main.tf` beside it for reading
    Both,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Json => Format::Json,
            FormatArg::Hcl => Format::Hcl,
            FormatArg::Both => Format::Both,
        }
    }
}

pub(super) fn run(project: &Project, args: SynthArgs) -> Result<ExitCode, Failure> {
    let names = project.stack_names(&args.stacks)?;
    super::warn(&project.stack_warnings());
    output::check_output_dir(project.dir(), &args.out).map_err(input_error)?;
    let schemas = if args.no_validate {
        eprintln!("warning: --no-validate: output is not validated against provider schemas");
        None
    } else {
        load_schemas(project, args.schemas.as_deref())?
    };
    let files = synthesize(
        project,
        &names,
        args.format.into(),
        schemas.as_ref(),
        "nothing was written",
    )?;
    // The process ends soon: freeing every parsed schema would only cost
    // time (a tenth of the hello stack's synth).
    std::mem::forget(schemas);
    let scope = (!args.stacks.is_empty()).then_some(names.as_slice());
    let plan = output::plan(&project.dir().join(&args.out), scope, files)
        .map_err(|e| input_error(e.message(&args.out)))?;
    let out_display = args.out.display();
    if args.check {
        if plan.is_empty() {
            let _ = writeln!(
                std::io::stdout().lock(),
                "{out_display}/ is up to date ({} files)",
                plan.unchanged
            );
            return Ok(ExitCode::SUCCESS);
        }
        let listing: String = plan
            .lines(&args.out, false)
            .iter()
            .map(|line| format!("\n  {line}"))
            .collect();
        return Err(check_failed(format!(
            "{out_display}/ is out of date; run `tfsynth synth` and commit the result:{listing}"
        )));
    }
    write_plan(project, &args.out, &plan)?;
    Ok(ExitCode::SUCCESS)
}
