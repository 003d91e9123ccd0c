//! Operator commands as plans: which programs run, in which order, for
//! `deploy` and `destroy`; and running a plan step by step, stopping at
//! the first failure ([`run_steps`]).

use std::path::{Path, PathBuf};

/// One program run, with what it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The program, looked up on PATH.
    pub program: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// The root it works on, for messages (`cluster`), if any.
    pub root: Option<String>,
    /// What it does, shown before it runs.
    pub what: String,
    /// A command that, when it succeeds, makes this step unneeded
    /// (`gcloud artifacts docker images describe IMAGE:TAG`: the image
    /// is in the registry already), and why, for the message.
    pub unless: Option<(Box<Step>, String)>,
}

impl Step {
    fn new(program: &str, args: &[&str], root: Option<&str>, what: String) -> Step {
        Step {
            program: program.to_owned(),
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            root: root.map(str::to_owned),
            what,
            unless: None,
        }
    }

    /// This step, skipped when `probe` succeeds, for `why`.
    fn unless(mut self, probe: Step, why: &str) -> Step {
        self.unless = Some((Box::new(probe), why.to_owned()));
        self
    }
}

/// An image a stack deploys and `tfsynth deploy --build` builds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Image {
    /// The service it is the image of.
    pub service: String,
    /// The full reference with its tag:
    /// `us-central1-docker.pkg.dev/p/hello/hello:0.1.0`.
    pub reference: String,
    /// The Dockerfile it is built from, relative to the project (the
    /// build context).
    pub dockerfile: String,
}

/// The images to build and push before the roots that deploy them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageBuild {
    /// Each image, in settings order.
    pub images: Vec<Image>,
    /// The registry host gcloud configures docker for.
    pub registry_host: String,
    /// After which root the registry exists (`cluster`).
    pub after_root: String,
}

fn chdir(stack_dir: &Path, root: &str) -> String {
    format!("-chdir={}", stack_dir.join(root).display())
}

/// Turns terraform's own colors off in `steps` (and their probes): `-no-color`
/// right after each terraform subcommand, where terraform reads its
/// options. Terraform colors its output even into a pipe, and reads no
/// `NO_COLOR`.
pub fn without_color(steps: &mut [Step]) {
    for step in steps {
        if step.program == "terraform" {
            no_color(&mut step.args);
        }
        if let Some((probe, _)) = &mut step.unless {
            without_color(std::slice::from_mut(probe.as_mut()));
        }
    }
}

/// Inserts `-no-color` after the subcommand of terraform `args` (the
/// first that is not an option such as `-chdir=DIR`); a no-op without
/// one.
pub fn no_color(args: &mut Vec<String>) {
    if let Some(at) = args.iter().position(|a| !a.starts_with('-')) {
        args.insert(at + 1, "-no-color".to_owned());
    }
}

/// How `terraform apply` knows what to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Apply {
    /// It plans, shows the plan and asks for approval.
    Ask,
    /// It plans and applies without asking (`-auto-approve`).
    Approved,
    /// It applies the plan `tfsynth plan` saved in the root
    /// ([`PLAN_FILE`]), which needs no approval: that plan was reviewed.
    SavedPlan,
}

/// `terraform init` then `apply` for each root in order, as `apply`
/// says, with the image built and pushed right after the root that
/// creates its registry.
pub fn deploy_steps(
    stack_dir: &Path,
    roots: &[String],
    apply: Apply,
    build: Option<&ImageBuild>,
) -> Vec<Step> {
    let mut steps = Vec::new();
    for root in roots {
        let dir = chdir(stack_dir, root);
        steps.push(Step::new(
            "terraform",
            &[&dir, "init", "-input=false"],
            Some(root),
            format!("terraform init ({root})"),
        ));
        let mut args = vec![dir.as_str(), "apply", "-input=false"];
        match apply {
            Apply::Ask => {}
            Apply::Approved => args.push("-auto-approve"),
            Apply::SavedPlan => args.push(PLAN_FILE),
        }
        steps.push(Step::new(
            "terraform",
            &args,
            Some(root),
            format!("terraform apply ({root})"),
        ));
        if let Some(b) = build.filter(|b| &b.after_root == root) {
            steps.push(Step::new(
                "gcloud",
                &["auth", "configure-docker", &b.registry_host, "--quiet"],
                None,
                format!("let docker push to {}", b.registry_host),
            ));
            for image in &b.images {
                let reference = &image.reference;
                // The registry's tags are immutable: an image already
                // pushed under its tag is not built or pushed again (the
                // registry would refuse a rebuild that differs).
                let pushed = Step::new(
                    "gcloud",
                    &[
                        "artifacts",
                        "docker",
                        "images",
                        "describe",
                        reference,
                        "--quiet",
                    ],
                    None,
                    format!("is {reference} in the registry?"),
                );
                let why = "already in the registry, whose tags are immutable";
                steps.push(
                    Step::new(
                        "docker",
                        &["build", "-f", &image.dockerfile, "-t", reference, "."],
                        None,
                        format!("docker build {reference}"),
                    )
                    .unless(pushed.clone(), why),
                );
                steps.push(
                    Step::new(
                        "docker",
                        &["push", reference],
                        None,
                        format!("docker push {reference}"),
                    )
                    .unless(pushed, why),
                );
            }
        }
    }
    steps
}

/// `terraform init` then `destroy -auto-approve` for each root in reverse
/// order. The CLI asks the operator first, unless told `--yes`.
pub fn destroy_steps(stack_dir: &Path, roots: &[String]) -> Vec<Step> {
    let mut steps = Vec::new();
    for root in roots.iter().rev() {
        let dir = chdir(stack_dir, root);
        steps.push(Step::new(
            "terraform",
            &[&dir, "init", "-input=false"],
            Some(root),
            format!("terraform init ({root})"),
        ));
        steps.push(Step::new(
            "terraform",
            &[&dir, "destroy", "-input=false", "-auto-approve"],
            Some(root),
            format!("terraform destroy ({root})"),
        ));
    }
    steps
}

/// Where to get a program the plan needs.
pub fn install_hint(program: &str) -> &'static str {
    match program {
        "terraform" => {
            "install Terraform 1.7 or later: https://developer.hashicorp.com/terraform/install"
        }
        "docker" => "install Docker (Engine or Desktop): https://docs.docker.com/get-docker/",
        "gcloud" => "install the Google Cloud CLI: https://cloud.google.com/sdk/docs/install",
        _ => "install it and make sure it is on PATH",
    }
}

/// Where `program` is on `path` (a PATH value), if anywhere.
pub fn find_program(program: &str, path: &std::ffi::OsStr) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// Every program the steps need that is not on `path`, once each, in order.
pub fn missing_programs(steps: &[Step], path: &std::ffi::OsStr) -> Vec<String> {
    let mut missing: Vec<String> = Vec::new();
    for step in steps {
        if !missing.contains(&step.program) && find_program(&step.program, path).is_none() {
            missing.push(step.program.clone());
        }
    }
    missing
}

/// Every program `steps` need that is not on PATH, each with where to get
/// it, one line each; checked before anything is written or run.
///
/// # Errors
///
/// The lines, when a program is missing.
pub fn require_programs(steps: &[Step]) -> Result<(), String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let missing = missing_programs(steps, &path);
    if missing.is_empty() {
        return Ok(());
    }
    Err(missing
        .iter()
        .map(|p| format!("{p} is not on PATH: {}", install_hint(p)))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// Why [`run_steps`] stopped.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// The program could not be started.
    #[error("{program}: cannot run: {error}")]
    CannotRun {
        /// The program.
        program: String,
        /// Why.
        error: std::io::Error,
    },
    /// The program ran and failed.
    #[error("{what} failed with exit code {code}, in {place}; the steps after it did not run")]
    Failed {
        /// What the step does (`terraform apply (cluster)`).
        what: String,
        /// Its exit code (1 when it has none, e.g. killed by a signal).
        code: i32,
        /// `root cluster of stack hello`, or `stack hello`.
        place: String,
    },
}

impl StepError {
    /// The exit code to pass on: the failed program's, or 1, never 0.
    pub fn exit_code(&self) -> u8 {
        match self {
            StepError::CannotRun { .. } => 2,
            StepError::Failed { code, .. } => {
                u8::try_from(*code).ok().filter(|c| *c != 0).unwrap_or(1)
            }
        }
    }
}

/// Runs each step in `dir` with its output streamed, announcing it on
/// standard error (`==> terraform init (cluster)`), and stops at the
/// first failure.
///
/// # Errors
///
/// [`StepError`] naming the step, its exit code and where (`stack`, and
/// the root when the step has one).
pub fn run_steps(dir: &Path, stack: &str, steps: &[Step]) -> Result<(), StepError> {
    run_steps_with(dir, stack, steps, &mut Progress::new(steps.len(), false))
}

/// How a long command says where it is: each step's line, and on a
/// terminal the step's number, its root and the time since the command
/// started (`==> [3/7] cluster: terraform apply (cluster)  [1m05s]`);
/// elsewhere (a CI log) the plain line, with no counters or clocks.
#[derive(Debug)]
pub struct Progress {
    started: Option<std::time::Instant>,
    total: usize,
    done: usize,
}

impl Progress {
    /// Counters and elapsed time for `total` steps when `terminal`.
    pub fn new(total: usize, terminal: bool) -> Progress {
        Progress {
            started: terminal.then(std::time::Instant::now),
            total,
            done: 0,
        }
    }

    /// The line announcing the next step, `what`, on `root` if any.
    pub fn step(&mut self, what: &str, root: Option<&str>) -> String {
        self.done += 1;
        match self.started {
            None => format!("==> {what}"),
            Some(started) => format!(
                "==> [{}/{}] {}{what}  [{}]",
                self.done,
                self.total.max(self.done),
                root.map(|r| format!("{r}: ")).unwrap_or_default(),
                elapsed(started.elapsed())
            ),
        }
    }

    /// The closing line on a terminal: `==> done in 4m12s`.
    pub fn finish(&self) -> Option<String> {
        self.started
            .map(|started| format!("==> done in {}", elapsed(started.elapsed())))
    }
}

/// A duration as `42s`, `3m05s` or `1h02m03s`.
pub fn elapsed(duration: std::time::Duration) -> String {
    let s = duration.as_secs();
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, secs) => format!("{secs}s"),
        (0, mins, secs) => format!("{mins}m{secs:02}s"),
        (hours, mins, secs) => format!("{hours}h{mins:02}m{secs:02}s"),
    }
}

/// [`run_steps`], announcing each step through `progress`.
///
/// # Errors
///
/// As [`run_steps`].
pub fn run_steps_with(
    dir: &Path,
    stack: &str,
    steps: &[Step],
    progress: &mut Progress,
) -> Result<(), StepError> {
    // Each probe runs once: a build and its push ask the same question.
    let mut answered: std::collections::BTreeMap<Vec<String>, bool> = Default::default();
    for step in steps {
        if let Some((probe, why)) = &step.unless {
            let mut key = vec![probe.program.clone()];
            key.extend(probe.args.iter().cloned());
            let succeeded = match answered.get(&key) {
                Some(known) => *known,
                None => {
                    let status = std::process::Command::new(&probe.program)
                        .args(&probe.args)
                        .current_dir(dir)
                        .stdout(std::process::Stdio::null())
                        .stderr(std::process::Stdio::null())
                        .status()
                        .map_err(|error| StepError::CannotRun {
                            program: probe.program.clone(),
                            error,
                        })?;
                    answered.insert(key, status.success());
                    status.success()
                }
            };
            if succeeded {
                let line = progress.step(&format!("skipped: {} ({why})", step.what), None);
                eprintln!("{line}");
                continue;
            }
        }
        eprintln!("{}", progress.step(&step.what, step.root.as_deref()));
        let status = std::process::Command::new(&step.program)
            .args(&step.args)
            .current_dir(dir)
            .status()
            .map_err(|error| StepError::CannotRun {
                program: step.program.clone(),
                error,
            })?;
        if !status.success() {
            return Err(StepError::Failed {
                what: step.what.clone(),
                code: status.code().unwrap_or(1),
                place: match &step.root {
                    Some(root) => format!("root {root} of stack {stack}"),
                    None => format!("stack {stack}"),
                },
            });
        }
    }
    Ok(())
}

/// The name of the plan file `tfsynth plan` saves in each root's
/// directory (`terraform plan -out`), which `terraform apply` takes.
pub const PLAN_FILE: &str = "tfsynth.tfplan";

/// What a saved plan does, from `terraform show -json PLAN`
/// (`resource_changes[].change.actions`): counts as terraform's own plan
/// line gives them, and the addresses replaced and destroyed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanSummary {
    /// Objects created (`["create"]`).
    pub add: usize,
    /// Objects updated in place (`["update"]`).
    pub change: usize,
    /// Objects replaced (`["delete", "create"]` or `["create", "delete"]`).
    pub replace: Vec<String>,
    /// Objects destroyed (`["delete"]`).
    pub destroy: Vec<String>,
    /// Root outputs that change (`output_changes` whose actions are not
    /// `no-op`): terraform counts the plan as changes for them too.
    pub outputs: usize,
}

impl PlanSummary {
    /// Reads `terraform show -json` output.
    ///
    /// # Errors
    ///
    /// The text is not JSON, or a change has no actions list.
    pub fn from_show_json(text: &str) -> Result<PlanSummary, String> {
        let plan: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not a JSON plan: {e}"))?;
        let mut summary = PlanSummary::default();
        for change in plan["resource_changes"].as_array().into_iter().flatten() {
            let address = change["address"].as_str().unwrap_or("(no address)");
            let actions: Vec<&str> = change["change"]["actions"]
                .as_array()
                .ok_or_else(|| format!("{address}: no change.actions in the plan"))?
                .iter()
                .filter_map(serde_json::Value::as_str)
                .collect();
            match actions.as_slice() {
                ["create"] => summary.add += 1,
                ["update"] => summary.change += 1,
                ["delete"] => summary.destroy.push(address.to_owned()),
                ["delete", "create"] | ["create", "delete"] => {
                    summary.replace.push(address.to_owned());
                }
                // no-op, read (a data source), forget.
                _ => {}
            }
        }
        summary.outputs = plan["output_changes"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, change)| {
                change["actions"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|x| x != "no-op"))
            })
            .count();
        Ok(summary)
    }

    /// Whether applying it changes anything.
    pub fn changes(&self) -> bool {
        self.add + self.change + self.replace.len() + self.destroy.len() + self.outputs > 0
    }

    /// `3 to add, 1 to change, 1 to replace, 0 to destroy`, and `; 2
    /// outputs change` when some do.
    pub fn line(&self) -> String {
        let outputs = match self.outputs {
            0 => String::new(),
            1 => "; 1 output changes".to_owned(),
            n => format!("; {n} outputs change"),
        };
        format!(
            "{} to add, {} to change, {} to replace, {} to destroy{outputs}",
            self.add,
            self.change,
            self.replace.len(),
            self.destroy.len()
        )
    }
}

/// The app's URL from the `app_url` output of a deployed stack's roots,
/// read with `terraform output -json` in `out/STACK/ROOT` (the last root
/// that has it wins); terraform's own errors go to standard error.
///
/// # Errors
///
/// When terraform is missing or cannot run, or no root has the output.
pub fn app_url(dir: &Path, out: &Path, stack: &str, roots: &[String]) -> Result<String, String> {
    let steps: Vec<Step> = roots
        .iter()
        .map(|root| {
            Step::new(
                "terraform",
                &[&chdir(&out.join(stack), root), "output", "-json"],
                Some(root),
                format!("terraform output ({root})"),
            )
        })
        .collect();
    require_programs(&steps)?;
    for step in steps.iter().rev() {
        let output = std::process::Command::new(&step.program)
            .args(&step.args)
            .current_dir(dir)
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(|e| format!("terraform: cannot run: {e}"))?;
        if output.status.success() {
            let json = String::from_utf8_lossy(&output.stdout);
            if let Some(url) = crate::smoke::app_url_from_outputs(&json) {
                return Ok(url);
            }
        }
    }
    Err(format!(
        "no app_url output in the roots of stack {stack} ({}): has it been deployed?",
        roots.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roots() -> Vec<String> {
        vec!["cluster".to_owned(), "workload".to_owned()]
    }

    fn commands(steps: &[Step]) -> Vec<String> {
        steps
            .iter()
            .map(|s| format!("{} {}", s.program, s.args.join(" ")))
            .collect()
    }

    #[test]
    fn deploy_applies_roots_in_order_and_builds_after_the_registry_exists() {
        let build = ImageBuild {
            images: vec![
                Image {
                    service: "web".into(),
                    reference: "r-docker.pkg.dev/p/a/web:1".into(),
                    dockerfile: "app/Dockerfile".into(),
                },
                Image {
                    service: "api".into(),
                    reference: "r-docker.pkg.dev/p/a/api:2".into(),
                    dockerfile: "api/Dockerfile".into(),
                },
            ],
            registry_host: "r-docker.pkg.dev".into(),
            after_root: "cluster".into(),
        };
        let steps = deploy_steps(
            Path::new("generated/s"),
            &roots(),
            Apply::Approved,
            Some(&build),
        );
        assert_eq!(
            commands(&steps),
            [
                "terraform -chdir=generated/s/cluster init -input=false",
                "terraform -chdir=generated/s/cluster apply -input=false -auto-approve",
                "gcloud auth configure-docker r-docker.pkg.dev --quiet",
                "docker build -f app/Dockerfile -t r-docker.pkg.dev/p/a/web:1 .",
                "docker push r-docker.pkg.dev/p/a/web:1",
                "docker build -f api/Dockerfile -t r-docker.pkg.dev/p/a/api:2 .",
                "docker push r-docker.pkg.dev/p/a/api:2",
                "terraform -chdir=generated/s/workload init -input=false",
                "terraform -chdir=generated/s/workload apply -input=false -auto-approve",
            ]
        );
    }

    #[test]
    fn no_color_goes_right_after_the_subcommand_and_nowhere_without_one() {
        let mut args: Vec<String> = ["-chdir=a", "apply", "-input=false", "tfsynth.tfplan"]
            .map(str::to_owned)
            .to_vec();
        no_color(&mut args);
        assert_eq!(
            args,
            [
                "-chdir=a",
                "apply",
                "-no-color",
                "-input=false",
                "tfsynth.tfplan"
            ]
        );
        let mut version = vec!["-version".to_owned()];
        no_color(&mut version);
        assert_eq!(version, ["-version"]);
    }

    #[test]
    fn a_plan_summary_counts_as_terraform_does_and_names_replacements() {
        let json = r#"{"resource_changes": [
            {"address": "a.new", "change": {"actions": ["create"]}},
            {"address": "a.same", "change": {"actions": ["no-op"]}},
            {"address": "a.edit", "change": {"actions": ["update"]}},
            {"address": "a.swap", "change": {"actions": ["delete", "create"]}},
            {"address": "a.cbd", "change": {"actions": ["create", "delete"]}},
            {"address": "a.gone", "change": {"actions": ["delete"]}},
            {"address": "data.d.x", "change": {"actions": ["read"]}}
        ]}"#;
        let summary = PlanSummary::from_show_json(json).unwrap();
        assert_eq!(
            summary.line(),
            "1 to add, 1 to change, 2 to replace, 1 to destroy"
        );
        assert_eq!(summary.replace, ["a.swap", "a.cbd"]);
        assert_eq!(summary.destroy, ["a.gone"]);
        assert!(summary.changes());
        let none = PlanSummary::from_show_json(r#"{"format_version": "1.2"}"#).unwrap();
        assert!(!none.changes());
        let outputs = PlanSummary::from_show_json(
            r#"{"output_changes": {"a": {"actions": ["update"]}, "b": {"actions": ["no-op"]}}}"#,
        )
        .unwrap();
        assert!(outputs.changes());
        assert_eq!(
            outputs.line(),
            "0 to add, 0 to change, 0 to replace, 0 to destroy; 1 output changes"
        );
        assert!(PlanSummary::from_show_json("Error: x").is_err());
        assert!(
            PlanSummary::from_show_json(
                r#"{"resource_changes": [{"address": "a.b", "change": {}}]}"#
            )
            .unwrap_err()
            .contains("a.b: no change.actions")
        );
    }

    #[test]
    fn progress_counts_steps_and_clocks_only_on_a_terminal() {
        let mut log = Progress::new(3, false);
        assert_eq!(
            log.step("terraform init (cluster)", Some("cluster")),
            "==> terraform init (cluster)"
        );
        assert_eq!(log.finish(), None);
        let mut tty = Progress::new(2, true);
        let line = tty.step("terraform apply (cluster)", Some("cluster"));
        assert!(
            line.starts_with("==> [1/2] cluster: terraform apply (cluster)  ["),
            "{line}"
        );
        assert!(tty.finish().unwrap().starts_with("==> done in "));
        for (secs, text) in [(0, "0s"), (42, "42s"), (185, "3m05s"), (3723, "1h02m03s")] {
            assert_eq!(elapsed(std::time::Duration::from_secs(secs)), text);
        }
    }

    #[test]
    fn destroy_goes_in_reverse_order() {
        let steps = destroy_steps(Path::new("generated/s"), &roots());
        assert_eq!(steps[1].args[1], "destroy");
        assert_eq!(steps[0].root.as_deref(), Some("workload"));
        assert_eq!(steps[3].root.as_deref(), Some("cluster"));
    }
}
