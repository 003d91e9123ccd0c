//! `tfsynth destroy`: `terraform destroy` each root of one stack, in
//! reverse order, after the operator types the stack's name.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use tfsynth::ops;
use tfsynth::project::Project;
use tfsynth::synth::{self, Format};

use super::{Failure, check_failed, input_error, stack_name};

#[derive(Debug, Args)]
pub(super) struct DestroyArgs {
    /// The stack to destroy.
    #[arg(long, value_name = "NAME", value_parser = stack_name)]
    stack: String,
    /// Do not ask for confirmation.
    #[arg(long)]
    yes: bool,
    /// Output directory, relative to the project directory.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    out: PathBuf,
}

/// Destroys; `colors`: whether terraform may color its output.
pub(super) fn run(project: &Project, args: DestroyArgs, colors: bool) -> Result<ExitCode, Failure> {
    let sources = project
        .sources(&args.stack)
        .map_err(|e| input_error(e.to_string()))?;
    let synthesis =
        synth::synth_stack(&sources, Format::Json, None).map_err(|e| input_error(e.to_string()))?;
    // Destroying at a new place that holds no state would destroy nothing
    // and say it was done.
    super::refuse_state_moves(project, &args.out, &args.stack, &synthesis, true)?;
    let mut steps = ops::destroy_steps(&args.out.join(&args.stack), &synthesis.roots);
    if !colors {
        ops::without_color(&mut steps);
    }
    ops::require_programs(&steps).map_err(input_error)?;
    if !args.yes {
        let order: Vec<&str> = synthesis.roots.iter().rev().map(String::as_str).collect();
        eprint!(
            "Destroy every resource of stack {} (roots {}, in that order)?\nType the stack name to confirm: ",
            args.stack,
            order.join(", ")
        );
        let mut answer = String::new();
        let read = std::io::stdin().read_line(&mut answer);
        if read.is_err() || answer.trim() != args.stack {
            return Err(check_failed(format!(
                "destroy of stack {} cancelled: the confirmation did not match (pass --yes to skip it)",
                args.stack
            )));
        }
    }
    super::run_steps(project, &args.stack, &steps)?;
    eprintln!("==> stack {} is destroyed", args.stack);
    Ok(ExitCode::SUCCESS)
}
