//! `tfsynth plan`: synth one stack, then `terraform init` and `terraform
//! plan -out` for each root in apply order, with a summary per root. The
//! exit code follows terraform's `-detailed-exitcode`: 0 no changes, 2
//! changes, 1 an error.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use clap::Args;

use tfsynth::ops::{self, PLAN_FILE, PlanSummary};
use tfsynth::project::Project;

use super::{Failure, input_error, stack_name};

#[derive(Debug, Args)]
pub(super) struct PlanArgs {
    /// The stack to plan.
    #[arg(long, value_name = "NAME", value_parser = stack_name)]
    stack: String,
    /// Output directory, relative to the project directory.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    out: PathBuf,
    /// Directory of provider schemas the roots are validated against
    /// [default: schemas; when that is missing, validation is skipped with
    /// a warning, but a directory named here must exist].
    #[arg(long, value_name = "DIR")]
    schemas: Option<PathBuf>,
}

/// An error of a terraform run (exit code 1), naming the root.
fn failed(stack: &str, root: &str, what: &str, detail: &str) -> Failure {
    Failure {
        message: format!("{what} failed in root {root} of stack {stack}{detail}"),
        code: 1,
        problems: Vec::new(),
    }
}

/// `terraform ARGS`, run in `project`, with `-no-color` unless `colors`.
fn terraform_command(project: &Path, args: &[&str], colors: bool) -> Command {
    let mut args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    if !colors {
        ops::no_color(&mut args);
    }
    let mut command = Command::new("terraform");
    command.args(&args).current_dir(project);
    command
}

/// Runs `terraform ARGS` in `project`, its output passed through, with
/// `-no-color` unless `colors`; its exit code.
fn terraform(project: &Path, args: &[&str], colors: bool) -> Result<i32, Failure> {
    let status = terraform_command(project, args, colors)
        .status()
        .map_err(|e| input_error(format!("terraform: cannot run: {e}")))?;
    Ok(status.code().unwrap_or(1))
}

/// Every failure exits 1: 2 means "changes", as terraform's
/// `-detailed-exitcode` has it.
/// `colors`: whether terraform may color its output.
pub(super) fn run(project: &Project, args: PlanArgs, colors: bool) -> Result<ExitCode, Failure> {
    plan(project, args, colors).map_err(|failure| Failure { code: 1, ..failure })
}

fn plan(project: &Project, args: PlanArgs, colors: bool) -> Result<ExitCode, Failure> {
    let (_, synthesis) =
        super::synthesize_one(project, &args.stack, &args.out, args.schemas.as_deref())?;
    let stack_dir = args.out.join(&args.stack);
    // The same programs a deploy of the roots needs: terraform.
    ops::require_programs(&ops::deploy_steps(
        &stack_dir,
        &synthesis.roots,
        ops::Apply::Ask,
        None,
    ))
    .map_err(input_error)?;
    // Which roots read which earlier root's state, from the documents.
    let reads: Vec<(String, Vec<String>)> = synthesis
        .roots
        .iter()
        .map(|root| {
            let path = Path::new(&args.stack).join(root).join("main.tf.json");
            let read = synthesis
                .files
                .iter()
                .find(|f| f.path == path)
                .and_then(|f| serde_json::from_str::<serde_json::Value>(&f.contents).ok())
                .and_then(|doc| {
                    doc["data"]["terraform_remote_state"]
                        .as_object()
                        .map(|m| m.keys().cloned().collect())
                })
                .unwrap_or_default();
            (root.clone(), read)
        })
        .collect();
    super::write_stack(project, &args.out, &args.stack, synthesis.files)?;

    // Counters and a clock on a terminal; plain lines in a log.
    let mut progress = ops::Progress::new(
        reads.len() * 2,
        std::io::IsTerminal::is_terminal(&std::io::stderr()),
    );
    let mut pending: Vec<String> = Vec::new();
    let mut summaries: Vec<(String, Result<PlanSummary, String>)> = Vec::new();
    for (root, read) in &reads {
        // A plan left from an earlier run must not pass for this one's.
        let saved = project.dir().join(&stack_dir).join(root).join(PLAN_FILE);
        if saved.exists() {
            std::fs::remove_file(&saved).map_err(|e| {
                input_error(format!(
                    "cannot remove the old plan {}: {e}",
                    saved.display()
                ))
            })?;
        }
        if let Some(earlier) = read.iter().find(|r| pending.contains(r)) {
            summaries.push((
                root.clone(),
                Err(format!(
                    "not planned: it reads the state of root {earlier}, whose changes are not \
                     applied yet; apply {earlier} first (tfsynth deploy --stack {stack} \
                     --saved-plans applies the plans saved now), then plan again",
                    stack = args.stack,
                )),
            ));
            pending.push(root.clone());
            continue;
        }
        let dir = format!("-chdir={}", stack_dir.join(root).display());
        eprintln!(
            "{}",
            progress.step(&format!("terraform init ({root})"), Some(root))
        );
        if terraform(project.dir(), &[&dir, "init", "-input=false"], colors)? != 0 {
            return Err(failed(&args.stack, root, "terraform init", ""));
        }
        eprintln!(
            "{}",
            progress.step(&format!("terraform plan ({root})"), Some(root))
        );
        let out = format!("-out={PLAN_FILE}");
        let code = terraform(
            project.dir(),
            &[&dir, "plan", "-input=false", "-detailed-exitcode", &out],
            colors,
        )?;
        if code == 1 || !(0..=2).contains(&code) {
            return Err(failed(&args.stack, root, "terraform plan", ""));
        }
        // Its errors reach standard error, colored as the rest.
        let shown = terraform_command(project.dir(), &[&dir, "show", "-json", PLAN_FILE], colors)
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| input_error(format!("terraform: cannot run: {e}")))?;
        if !shown.status.success() {
            return Err(failed(&args.stack, root, "terraform show", ""));
        }
        let summary = PlanSummary::from_show_json(&String::from_utf8_lossy(&shown.stdout))
            .map_err(|e| failed(&args.stack, root, "reading the plan", &format!(": {e}")))?;
        if summary.changes() || code == 2 {
            pending.push(root.clone());
        }
        summaries.push((root.clone(), Ok(summary)));
    }

    if let Some(line) = progress.finish() {
        eprintln!("{line}");
    }
    println!(
        "plan of stack {} (saved as {PLAN_FILE} in each root):",
        args.stack
    );
    let mut changes = false;
    for (root, summary) in &summaries {
        match summary {
            Ok(summary) => {
                println!("  {root}: {}", summary.line());
                for address in &summary.replace {
                    println!("    replaces {address}");
                }
                for address in &summary.destroy {
                    println!("    destroys {address}");
                }
                changes |= summary.changes();
            }
            Err(why) => {
                println!("  {root}: {why}");
                changes = true;
            }
        }
    }
    if changes {
        eprintln!(
            "==> to apply what was planned: tfsynth deploy --stack {} --saved-plans",
            args.stack
        );
    }
    Ok(if changes {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
