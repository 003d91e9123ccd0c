//! Command-line interface: the clap definitions, and one module per
//! subcommand that turns its arguments into library calls and prints the
//! result. The workflows themselves live in the library, where tests call
//! them directly.

mod bindgen;
mod deploy;
mod destroy;
mod diff;
mod list;
mod schemas;
mod smoketest;
mod synth;
mod validate;

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use tfsynth::output::{self, Plan};
use tfsynth::project::{LoadedSchemas, Project, ProjectError, not_a_stack_name};
use tfsynth::schema::Schemas;
use tfsynth::synth::{Format, GeneratedFile, StackError};

/// Typed Rust values in, deterministic Terraform configuration out.
#[derive(Debug, Parser)]
#[command(name = "tfsynth", version)]
pub struct Cli {
    /// Project directory holding `stacks/` (default: the current directory).
    #[arg(short = 'C', long = "dir", global = true, default_value = ".")]
    dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Render every stack (or the named ones) into `generated/<stack>/<root>/`.
    Synth(synth::SynthArgs),
    /// List the stacks, their blueprints and Terraform roots.
    List,
    /// Check Terraform files, `.tf` and `.tf.json` (or every one below
    /// directories), against the provider schemas.
    Validate(validate::ValidateArgs),
    /// Synthesize one stack, then `terraform init` and `apply` each of its
    /// roots in order; with `--build`, build and push the app image first.
    Deploy(deploy::DeployArgs),
    /// `terraform destroy` each root of one stack, in reverse order.
    Destroy(destroy::DestroyArgs),
    /// Poll the deployed app until its page and health check answer, or
    /// fail with the reason at the deadline.
    Smoketest(smoketest::SmoketestArgs),
    /// Show what synth would change, per resource address and attribute,
    /// against the output directory or a git revision of it.
    Diff(diff::DiffArgs),
    /// Generate typed Rust bindings (one struct per resource and data
    /// source type, typed accessors on their handles) from a provider schema.
    Bindgen(bindgen::BindgenArgs),
    /// Work with the provider schema files.
    #[command(subcommand)]
    Schemas(SchemasCommand),
}

#[derive(Debug, Subcommand)]
enum SchemasCommand {
    /// Write the index beside each schema file (`google.json.idx`), which
    /// lets validation read only the types a stack uses.
    Index(schemas::IndexArgs),
}

/// A failed command: what to print, and the exit code (1 for failed checks
/// and validation, 2 for usage and input errors).
#[derive(Debug)]
pub struct Failure {
    message: String,
    pub code: u8,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)
    }
}

/// A usage or input error (exit code 2).
fn input_error(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        code: 2,
    }
}

/// A failed check or validation (exit code 1).
fn check_failed(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        code: 1,
    }
}

impl From<ProjectError> for Failure {
    fn from(e: ProjectError) -> Failure {
        input_error(e.to_string())
    }
}

/// Runs one command.
pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    // Bindings need a schema file, not a project with stacks: the project
    // is opened only for the commands that work on one.
    let project = || Project::open(&cli.dir);
    match cli.command {
        Command::Bindgen(args) => bindgen::run(&cli.dir, args),
        Command::Synth(args) => synth::run(&project()?, args),
        Command::List => list::run(&project()?),
        Command::Validate(args) => validate::run(&project()?, args),
        Command::Deploy(args) => deploy::run(&project()?, args),
        Command::Destroy(args) => destroy::run(&project()?, args),
        Command::Smoketest(args) => smoketest::run(&project()?, args),
        Command::Diff(args) => diff::run(&project()?, args),
        Command::Schemas(SchemasCommand::Index(args)) => schemas::run(&project()?, args),
    }
}

/// Parses a `--stack` argument: a stack name, never a path.
fn stack_name(text: &str) -> Result<String, String> {
    if tfsynth::synth::is_stack_name(text) {
        Ok(text.to_owned())
    } else {
        Err(not_a_stack_name(text))
    }
}

/// Loads the provider schemas (see [`Project::schemas`]), printing its
/// warnings.
fn load_schemas(project: &Project, asked: Option<&Path>) -> Result<Option<Schemas>, Failure> {
    let LoadedSchemas { schemas, warnings } = project.schemas(asked)?;
    warn(&warnings);
    Ok(schemas)
}

/// Prints each warning on standard error.
fn warn(warnings: &[String]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}

/// Synthesizes every selected stack in memory, printing warnings; all
/// failures at once, after `outcome` (what the command did not do because
/// of them, e.g. `nothing was written`). Exit code 2 when a stack's
/// settings are at fault, 1 when checks or validation failed.
fn synthesize(
    project: &Project,
    names: &[String],
    format: Format,
    schemas: Option<&Schemas>,
    outcome: &str,
) -> Result<Vec<GeneratedFile>, Failure> {
    match project.synthesize(names, format, schemas) {
        Ok(synthesized) => {
            warn(&synthesized.warnings);
            Ok(synthesized.files)
        }
        Err(errors) => {
            let settings = errors.iter().any(|e| matches!(e, StackError::Settings(_)));
            let listing: Vec<String> = errors.iter().map(ToString::to_string).collect();
            Err(Failure {
                message: format!("{outcome}\n{}", listing.join("\n")),
                code: if settings { 2 } else { 1 },
            })
        }
    }
}

/// Applies a plan to the output directory `out` (as given) and says what
/// it did.
fn write_plan(project: &Project, out: &Path, plan: &Plan) -> Result<(), Failure> {
    output::apply(&project.dir().join(out), plan).map_err(|e| input_error(e.message(out)))?;
    let mut stdout = std::io::stdout().lock();
    let cleaned = match plan.leftovers.len() {
        0 => String::new(),
        n => format!(", {n} leftover temporary files cleaned"),
    };
    let _ = writeln!(
        stdout,
        "{} created, {} updated, {} removed, {} unchanged in {}/{cleaned}",
        plan.create.len(),
        plan.update.len(),
        plan.remove.len(),
        plan.unchanged,
        out.display()
    );
    for line in plan.lines(out, true) {
        let _ = writeln!(stdout, "  {line}");
    }
    Ok(())
}

/// Runs a plan's steps (see [`tfsynth::ops::run_steps`]), passing on the
/// failed program's exit code.
fn run_steps(project: &Project, stack: &str, steps: &[tfsynth::ops::Step]) -> Result<(), Failure> {
    tfsynth::ops::run_steps(project.dir(), stack, steps).map_err(|e| Failure {
        code: e.exit_code(),
        message: e.to_string(),
    })
}
