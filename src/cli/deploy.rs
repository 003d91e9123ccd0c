//! `tfsynth deploy`: synth one stack, then `terraform init` and `apply`
//! each root in order, with the app image built after its registry exists.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use tfsynth::ops::{self, PLAN_FILE};
use tfsynth::project::Project;
use tfsynth::{output, saved_plan};

use super::{Failure, input_error, stack_name};

#[derive(Debug, Args)]
pub(super) struct DeployArgs {
    /// The stack to deploy.
    #[arg(long, value_name = "NAME", value_parser = stack_name)]
    stack: String,
    /// Build the app's image and push it to the stack's Artifact Registry,
    /// after the root that creates the registry (needs docker and gcloud).
    #[arg(long)]
    build: bool,
    /// Apply without terraform asking for approval of each plan.
    #[arg(long)]
    yes: bool,
    /// Apply the plans `tfsynth plan` saved in the roots instead of
    /// planning again, so what was reviewed is what is applied: nothing is
    /// written; generated/ must be what the settings synthesize, and each
    /// plan must be of the root's files as they are. Applies the roots in
    /// order up to the first without a saved plan, removing each plan
    /// once applied.
    #[arg(long, conflicts_with = "yes")]
    saved_plans: bool,
    /// Output directory, relative to the project directory.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    out: PathBuf,
    /// Directory of provider schemas the roots are validated against
    /// [default: schemas; when that is missing, validation is skipped with
    /// a warning, but a directory named here must exist].
    #[arg(long, value_name = "DIR")]
    schemas: Option<PathBuf>,
}

/// Deploys; `colors`: whether terraform may color its output.
pub(super) fn run(project: &Project, args: DeployArgs, colors: bool) -> Result<ExitCode, Failure> {
    let (sources, synthesis) =
        super::synthesize_one(project, &args.stack, &args.out, args.schemas.as_deref())?;
    let build = if args.build {
        let (images, registry_host) = tfsynth::stacks::images(&sources)
            .map_err(|e| input_error(e.to_string()))?
            .ok_or_else(|| {
                input_error(format!("stack {} has no app image to build", args.stack))
            })?;
        // docker would fail only after the cluster root is applied.
        let missing: Vec<String> = images
            .iter()
            .filter(|image| !project.dir().join(&image.dockerfile).is_file())
            .map(|image| format!("{} (service {})", image.dockerfile, image.service))
            .collect();
        if !missing.is_empty() {
            return Err(input_error(format!(
                "stack {}: no Dockerfile at {}; create it, or set the service's dockerfile in \
                 {}; nothing was written or run",
                args.stack,
                missing.join(", "),
                sources.describe()
            )));
        }
        Some(ops::ImageBuild {
            images,
            registry_host,
            after_root: synthesis.roots.first().cloned().unwrap_or_default(),
        })
    } else {
        None
    };
    let stack_dir = args.out.join(&args.stack);
    if args.saved_plans {
        return apply_saved_plans(
            project,
            &args,
            &stack_dir,
            synthesis,
            build.as_ref(),
            colors,
        );
    }
    let apply = if args.yes {
        ops::Apply::Approved
    } else {
        ops::Apply::Ask
    };
    let mut steps = ops::deploy_steps(&stack_dir, &synthesis.roots, apply, build.as_ref());
    if !colors {
        ops::without_color(&mut steps);
    }
    ops::require_programs(&steps).map_err(input_error)?;
    super::write_stack(project, &args.out, &args.stack, synthesis.files)?;
    super::run_steps(project, &args.stack, &steps)?;
    eprintln!(
        "==> stack {} is deployed ({})",
        args.stack,
        synthesis.roots.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

/// `deploy --saved-plans`: checks that `generated/` is what the settings
/// synthesize and that each saved plan is of its root's files, then
/// applies the roots that have one, in order, up to the first that has
/// none, removing each plan once applied.
fn apply_saved_plans(
    project: &Project,
    args: &DeployArgs,
    stack_dir: &Path,
    synthesis: tfsynth::synth::Synthesis,
    build: Option<&ops::ImageBuild>,
    colors: bool,
) -> Result<ExitCode, Failure> {
    let stack = &args.stack;
    let again = format!(
        "run `tfsynth plan --stack {stack}`, review it, then `tfsynth deploy --stack {stack} --saved-plans`"
    );
    let scope = [stack.clone()];
    let stale = output::plan(
        &project.dir().join(&args.out),
        Some(&scope),
        synthesis.files,
    )
    .map_err(|e| input_error(e.message(&args.out)))?;
    if !stale.is_empty() {
        let listing: String = stale
            .lines(&args.out, false)
            .iter()
            .map(|line| format!("\n  {line}"))
            .collect();
        return Err(input_error(format!(
            "{} is not what the settings synthesize now, so the saved plans are of other \
             files; nothing was run: {again}:{listing}",
            stack_dir.display()
        )));
    }
    let mut planned = Vec::new();
    for root in &synthesis.roots {
        let root_dir = stack_dir.join(root);
        let plan = project.dir().join(&root_dir).join(PLAN_FILE);
        if !plan.is_file() {
            break;
        }
        let shown = root_dir.display().to_string();
        let saved = saved_plan::check(&plan, &project.dir().join(&root_dir), &shown)
            .map_err(|why| input_error(format!("{why}; nothing was run: {again}")))?;
        if let saved_plan::Saved::Cloud { run } = &saved {
            eprintln!(
                "note: {shown}/{PLAN_FILE} is a plan saved in HCP Terraform (run {run}), \
                 which keeps the configuration it was made from"
            );
        }
        planned.push((root.clone(), plan));
    }
    let Some(first) = synthesis.roots.first() else {
        return Err(input_error(format!("stack {stack} has no roots")));
    };
    if planned.is_empty() {
        return Err(input_error(format!(
            "no saved plan in {}; nothing was run: {again}",
            stack_dir.join(first).display()
        )));
    }
    let steps: Vec<Vec<ops::Step>> = planned
        .iter()
        .map(|(root, _)| {
            let mut steps = ops::deploy_steps(
                stack_dir,
                std::slice::from_ref(root),
                ops::Apply::SavedPlan,
                build,
            );
            if !colors {
                ops::without_color(&mut steps);
            }
            steps
        })
        .collect();
    ops::require_programs(&steps.concat()).map_err(input_error)?;
    let mut progress = ops::Progress::new(
        steps.iter().map(Vec::len).sum(),
        std::io::IsTerminal::is_terminal(&std::io::stderr()),
    );
    for ((root, plan), steps) in planned.iter().zip(&steps) {
        // The plan is spent once its apply succeeds (terraform would call
        // it stale), whatever the steps after it (an image build) do.
        let applied = steps
            .iter()
            .position(|s| s.program == "terraform" && s.args.iter().any(|a| a == "apply"))
            .map_or(steps.len(), |at| at + 1);
        let (through_apply, after) = steps.split_at(applied);
        ops::run_steps_with(project.dir(), stack, through_apply, &mut progress)?;
        std::fs::remove_file(plan).map_err(|e| {
            input_error(format!(
                "root {root} is applied, but its plan {} cannot be removed: {e}",
                plan.display()
            ))
        })?;
        ops::run_steps_with(project.dir(), stack, after, &mut progress)?;
    }
    if let Some(line) = progress.finish() {
        eprintln!("{line}");
    }
    let applied: Vec<&str> = planned.iter().map(|(root, _)| root.as_str()).collect();
    let rest = &synthesis.roots[planned.len()..];
    if rest.is_empty() {
        eprintln!(
            "==> stack {stack} is deployed from its saved plans ({})",
            applied.join(", ")
        );
    } else {
        eprintln!(
            "==> stack {stack}: applied the saved plans of {}; {} has no saved plan \
             (tfsynth plan does not plan a root that reads changes not applied yet): {again}",
            applied.join(", "),
            rest[0]
        );
    }
    Ok(ExitCode::SUCCESS)
}
