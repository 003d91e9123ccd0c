//! `tfsynth deploy`: synth one stack, then `terraform init` and `apply`
//! each root in order, with the app image built after its registry exists.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use tfsynth::ops;
use tfsynth::project::Project;

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
    /// Output directory, relative to the project directory.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    out: PathBuf,
    /// Directory of provider schemas the roots are validated against
    /// [default: schemas; when that is missing, validation is skipped with
    /// a warning, but a directory named here must exist].
    #[arg(long, value_name = "DIR")]
    schemas: Option<PathBuf>,
}

pub(super) fn run(project: &Project, args: DeployArgs) -> Result<ExitCode, Failure> {
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
    let steps = ops::deploy_steps(&stack_dir, &synthesis.roots, args.yes, build.as_ref());
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
