//! Command-line interface: clap definitions, and the file I/O that applies
//! a synthesis (the only place tfsynth writes files).

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use tfsynth::ops;
use tfsynth::schema::{Schemas, validate_files};
use tfsynth::settings::Sources;
use tfsynth::smoke;
use tfsynth::synth::{self, Format, GeneratedFile, Plan, StackError};

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
    Synth(SynthArgs),
    /// List the stacks, their blueprints and Terraform roots.
    List,
    /// Check Terraform files, `.tf` and `.tf.json` (or every one below
    /// directories), against the provider schemas.
    Validate(ValidateArgs),
    /// Synthesize one stack, then `terraform init` and `apply` each of its
    /// roots in order; with `--build`, build and push the app image first.
    Deploy(DeployArgs),
    /// `terraform destroy` each root of one stack, in reverse order.
    Destroy(DestroyArgs),
    /// Poll the deployed app until its page and health check answer, or
    /// fail with the reason at the deadline.
    Smoketest(SmoketestArgs),
    /// Show what synth would change, per resource address and attribute,
    /// against the output directory or a git revision of it.
    Diff(DiffArgs),
    /// Work with the provider schema files.
    #[command(subcommand)]
    Schemas(SchemasCommand),
}

#[derive(Debug, Subcommand)]
enum SchemasCommand {
    /// Write the index beside each schema file (`google.json.idx`), which
    /// lets validation read only the types a stack uses.
    Index(IndexArgs),
}

#[derive(Debug, Args)]
struct IndexArgs {
    /// Directory of provider schemas (`terraform providers schema -json` output).
    #[arg(long, value_name = "DIR", default_value = "schemas")]
    schemas: PathBuf,
    /// Write nothing; fail listing every missing, stale or extra index.
    #[arg(long)]
    check: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("base").args(["against", "against_git"])))]
struct DiffArgs {
    /// Only this stack (repeatable); every stack by default.
    #[arg(long = "stack", value_name = "NAME")]
    stacks: Vec<String>,
    /// Compare with this directory instead of the output directory.
    #[arg(long, value_name = "DIR")]
    against: Option<PathBuf>,
    /// Compare with the output directory as committed in this git revision.
    #[arg(long, value_name = "REV")]
    against_git: Option<String>,
    /// Exit with 1 when there are differences.
    #[arg(long)]
    exit_code: bool,
    /// Output directory, relative to the project directory.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    out: PathBuf,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["stack", "url"])))]
struct SmoketestArgs {
    /// Read the URL from this stack's `app_url` Terraform output.
    #[arg(long, value_name = "NAME")]
    stack: Option<String>,
    /// Check this URL instead, e.g. `https://hello.example.com/`.
    #[arg(long, value_name = "URL", value_parser = smoke::parse_url)]
    url: Option<String>,
    /// Give up after this long: `10m`, `30s`, `1h`.
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = smoke::parse_duration)]
    timeout: std::time::Duration,
    /// Text the page must contain.
    #[arg(long, value_name = "TEXT", default_value = smoke::DEFAULT_EXPECT)]
    expect: String,
    /// Output directory, relative to the project directory.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    out: PathBuf,
}

#[derive(Debug, Args)]
struct DeployArgs {
    /// The stack to deploy.
    #[arg(long, value_name = "NAME")]
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
    /// Directory of provider schemas the roots are validated against.
    #[arg(long, value_name = "DIR", default_value = "schemas")]
    schemas: PathBuf,
}

#[derive(Debug, Args)]
struct DestroyArgs {
    /// The stack to destroy.
    #[arg(long, value_name = "NAME")]
    stack: String,
    /// Do not ask for confirmation.
    #[arg(long)]
    yes: bool,
    /// Output directory, relative to the project directory.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    out: PathBuf,
}

#[derive(Debug, Args)]
struct ValidateArgs {
    /// Files or directories to check (default: `generated`).
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Directory of provider schemas (`terraform providers schema -json` output).
    #[arg(long, value_name = "DIR", default_value = "schemas")]
    schemas: PathBuf,
}

#[derive(Debug, Args)]
struct SynthArgs {
    /// Only this stack (repeatable); every stack in `stacks/` by default.
    #[arg(long = "stack", value_name = "NAME")]
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
    /// Directory of provider schemas that every root is validated against.
    #[arg(long, value_name = "DIR", default_value = "schemas")]
    schemas: PathBuf,
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

fn input_error(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        code: 2,
    }
}

/// Directory in which stacks live, as named in messages and file headers.
const STACKS_DIR: &str = "stacks";

/// Runs one command.
pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::Synth(args) => synth(&cli.dir, args),
        Command::List => list(&cli.dir),
        Command::Validate(args) => validate(&cli.dir, args),
        Command::Deploy(args) => deploy(&cli.dir, args),
        Command::Destroy(args) => destroy(&cli.dir, args),
        Command::Smoketest(args) => smoketest(&cli.dir, args),
        Command::Diff(args) => diff(&cli.dir, args),
        Command::Schemas(SchemasCommand::Index(args)) => index_schemas(&cli.dir, args),
    }
}

fn selected_stacks(dir: &Path, wanted: &[String]) -> Result<Vec<String>, Failure> {
    let stacks_dir = dir.join(STACKS_DIR);
    if !wanted.is_empty() {
        let mut names = wanted.to_vec();
        names.sort();
        names.dedup();
        return Ok(names);
    }
    let names = synth::stack_names(&stacks_dir)
        .map_err(|e| input_error(format!("{STACKS_DIR}/: cannot list stacks: {e}")))?;
    if names.is_empty() {
        return Err(input_error(format!(
            "{STACKS_DIR}/: no stacks (add a NAME.toml that names its blueprint)"
        )));
    }
    Ok(names)
}

fn load_sources(dir: &Path, name: &str) -> Result<Sources, StackError> {
    if !synth::is_stack_name(name) {
        return Err(StackError::Settings(tfsynth::settings::SettingsError {
            problems: vec![tfsynth::settings::SettingsProblem {
                file: format!("{STACKS_DIR}/{name}.toml"),
                line: 0,
                column: 0,
                key: String::new(),
                message: format!(
                    "{name:?} is not a stack name (lowercase letters, digits, - and _, a letter first)"
                ),
            }],
        }));
    }
    Ok(Sources::read(&dir.join(STACKS_DIR), STACKS_DIR, name)?)
}

/// Loads the provider schemas, or says why there are none.
fn load_schemas(dir: &Path, rel: &Path) -> Result<Option<Schemas>, Failure> {
    let path = dir.join(rel);
    let shown = rel.display().to_string();
    if !path.is_dir() {
        eprintln!(
            "warning: {shown}/ does not exist: output is not validated against provider schemas"
        );
        return Ok(None);
    }
    let schemas = Schemas::load_dir(&path, &shown).map_err(|e| input_error(e.to_string()))?;
    warn_about_indexes(&schemas);
    Ok(Some(schemas))
}

/// Says which schema indexes were not used, and what to do about it.
fn warn_about_indexes(schemas: &Schemas) {
    for note in schemas.notes() {
        eprintln!("warning: {note}");
    }
}

/// Synthesizes every selected stack in memory; all failures at once.
fn synthesize(
    dir: &Path,
    names: &[String],
    format: Format,
    schemas: Option<&Schemas>,
) -> Result<Vec<GeneratedFile>, Failure> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut code = 1;
    for name in names {
        match load_sources(dir, name).and_then(|s| synth::synth_stack(&s, format, schemas)) {
            Ok(mut synthesis) => {
                for warning in &synthesis.warnings {
                    eprintln!("warning: {warning}");
                }
                files.append(&mut synthesis.files);
            }
            Err(e) => {
                if matches!(e, StackError::Settings(_)) {
                    code = 2;
                }
                errors.push(e.to_string());
            }
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(Failure {
            message: format!("nothing was written\n{}", errors.join("\n")),
            code,
        })
    }
}

fn synth(dir: &Path, args: SynthArgs) -> Result<ExitCode, Failure> {
    let names = selected_stacks(dir, &args.stacks)?;
    let schemas = if args.no_validate {
        eprintln!("warning: --no-validate: output is not validated against provider schemas");
        None
    } else {
        load_schemas(dir, &args.schemas)?
    };
    let files = synthesize(dir, &names, args.format.into(), schemas.as_ref())?;
    // The process ends soon: freeing every parsed schema would only cost
    // time (a tenth of the hello stack's synth).
    std::mem::forget(schemas);
    let out_dir = dir.join(&args.out);
    let out_display = args.out.display().to_string();
    let scope = if args.stacks.is_empty() {
        None
    } else {
        Some(names.as_slice())
    };
    let plan = synth::plan(&out_dir, scope, files)
        .map_err(|e| input_error(format!("{out_display}/{e}")))?;
    if args.check {
        let mut stdout = std::io::stdout().lock();
        if plan.is_empty() {
            let _ = writeln!(
                stdout,
                "{out_display}/ is up to date ({} files)",
                plan.unchanged
            );
            return Ok(ExitCode::SUCCESS);
        }
        let mut listing = String::new();
        for line in plan.lines(&args.out, false) {
            listing.push_str(&format!("\n  {line}"));
        }
        return Err(Failure {
            message: format!(
                "{out_display}/ is out of date; run `tfsynth synth` and commit the result:{listing}"
            ),
            code: 1,
        });
    }
    write_plan(&out_dir, &args.out, &plan)?;
    Ok(ExitCode::SUCCESS)
}

/// Applies a plan and says what it did.
fn write_plan(out_dir: &Path, out: &Path, plan: &Plan) -> Result<(), Failure> {
    let out_display = out.display();
    apply(out_dir, plan).map_err(|e| input_error(format!("{out_display}/{e}")))?;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "{} created, {} updated, {} removed, {} unchanged in {out_display}/",
        plan.create.len(),
        plan.update.len(),
        plan.remove.len(),
        plan.unchanged
    );
    for line in plan.lines(out, true) {
        let _ = writeln!(stdout, "  {line}");
    }
    Ok(())
}

/// Fails naming every program the steps need that is not on PATH, and
/// where to get it; checked before anything is written or run.
fn require_programs(steps: &[ops::Step]) -> Result<(), Failure> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let missing = ops::missing_programs(steps, &path);
    if missing.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = missing
        .iter()
        .map(|p| format!("{p} is not on PATH: {}", ops::install_hint(p)))
        .collect();
    Err(input_error(lines.join("\n")))
}

/// Runs each step in the project directory, output streamed, and stops at
/// the first failure with its exit code.
fn run_steps(dir: &Path, stack: &str, steps: &[ops::Step]) -> Result<(), Failure> {
    for step in steps {
        eprintln!("==> {}", step.what);
        let status = std::process::Command::new(&step.program)
            .args(&step.args)
            .current_dir(dir)
            .status()
            .map_err(|e| input_error(format!("{}: cannot run: {e}", step.program)))?;
        if !status.success() {
            let code = status.code().unwrap_or(1);
            let place = match &step.root {
                Some(root) => format!("root {root} of stack {stack}"),
                None => format!("stack {stack}"),
            };
            return Err(Failure {
                message: format!(
                    "{} failed with exit code {code}, in {place}; the steps after it did not run",
                    step.what
                ),
                code: u8::try_from(code).ok().filter(|c| *c != 0).unwrap_or(1),
            });
        }
    }
    Ok(())
}

fn deploy(dir: &Path, args: DeployArgs) -> Result<ExitCode, Failure> {
    let sources = load_sources(dir, &args.stack).map_err(|e| input_error(e.to_string()))?;
    let schemas = load_schemas(dir, &args.schemas)?;
    let synthesis =
        synth::synth_stack(&sources, Format::Json, schemas.as_ref()).map_err(|e| Failure {
            code: if matches!(e, StackError::Settings(_)) {
                2
            } else {
                1
            },
            message: format!("nothing was written\n{e}"),
        })?;
    for warning in &synthesis.warnings {
        eprintln!("warning: {warning}");
    }
    let build = if args.build {
        let (image, registry_host) = tfsynth::stacks::image(&sources)
            .map_err(|e| input_error(e.to_string()))?
            .ok_or_else(|| {
                input_error(format!("stack {} has no app image to build", args.stack))
            })?;
        Some(ops::ImageBuild {
            image,
            registry_host,
            dockerfile: "app/Dockerfile".to_owned(),
            after_root: synthesis.roots.first().cloned().unwrap_or_default(),
        })
    } else {
        None
    };
    let stack_dir = args.out.join(&args.stack);
    let steps = ops::deploy_steps(&stack_dir, &synthesis.roots, args.yes, build.as_ref());
    require_programs(&steps)?;
    let scope = [args.stack.clone()];
    let plan = synth::plan(&dir.join(&args.out), Some(&scope), synthesis.files)
        .map_err(|e| input_error(format!("{}/{e}", args.out.display())))?;
    write_plan(&dir.join(&args.out), &args.out, &plan)?;
    run_steps(dir, &args.stack, &steps)?;
    eprintln!(
        "==> stack {} is deployed ({})",
        args.stack,
        synthesis.roots.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

fn destroy(dir: &Path, args: DestroyArgs) -> Result<ExitCode, Failure> {
    let sources = load_sources(dir, &args.stack).map_err(|e| input_error(e.to_string()))?;
    let synthesis = synth::synth_stack(&sources, Format::Json, None)
        .map_err(|e| input_error(format!("{e}")))?;
    let steps = ops::destroy_steps(&args.out.join(&args.stack), &synthesis.roots);
    require_programs(&steps)?;
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
            return Err(Failure {
                message: format!(
                    "destroy of stack {} cancelled: the confirmation did not match (pass --yes to skip it)",
                    args.stack
                ),
                code: 1,
            });
        }
    }
    run_steps(dir, &args.stack, &steps)?;
    eprintln!("==> stack {} is destroyed", args.stack);
    Ok(ExitCode::SUCCESS)
}

/// Writes each file atomically (a temporary file beside it, then a rename),
/// then removes the files no longer produced and any directory they leave
/// empty.
fn apply(out_dir: &Path, plan: &Plan) -> Result<(), String> {
    for file in plan.create.iter().chain(&plan.update) {
        let path = out_dir.join(&file.path);
        let shown = file.path.display();
        let parent = path.parent().unwrap_or(out_dir);
        std::fs::create_dir_all(parent).map_err(|e| format!("{shown}: {e}"))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = parent.join(format!(".{name}.tfsynth-tmp"));
        std::fs::write(&tmp, &file.contents)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                format!("{shown}: {e}")
            })?;
    }
    for rel in &plan.remove {
        let path = out_dir.join(rel);
        std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", rel.display()))?;
        let mut dir = path.parent();
        while let Some(d) = dir {
            if d == out_dir || std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    Ok(())
}

fn list(dir: &Path) -> Result<ExitCode, Failure> {
    let names = selected_stacks(dir, &[])?;
    let mut stdout = std::io::stdout().lock();
    let mut errors = Vec::new();
    for name in &names {
        let built = load_sources(dir, name).and_then(|s| {
            let blueprint = s.blueprint()?;
            let roots = tfsynth::stacks::build(&s)?;
            Ok((s, blueprint, roots))
        });
        match built {
            Ok((sources, blueprint, roots)) => {
                let roots: Vec<&str> = roots.iter().map(|r| r.name.as_str()).collect();
                let _ = writeln!(
                    stdout,
                    "{name}\t{blueprint}\troots: {}\t({})",
                    roots.join(", "),
                    sources.describe()
                );
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    if errors.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(input_error(errors.join("\n")))
    }
}

fn validate(dir: &Path, args: ValidateArgs) -> Result<ExitCode, Failure> {
    let schemas_dir = dir.join(&args.schemas);
    let schemas = Schemas::load_dir(&schemas_dir, &args.schemas.display().to_string())
        .map_err(|e| input_error(e.to_string()))?;
    warn_about_indexes(&schemas);
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("generated")]
    } else {
        args.paths
    };
    let mut files = Vec::new();
    for path in &paths {
        collect_tf_files(dir, path, &mut files)?;
    }
    if files.is_empty() {
        return Err(input_error(format!(
            "no .tf or .tf.json files in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut texts = Vec::with_capacity(files.len());
    // A file that cannot be read (not UTF-8, unreadable) is a problem of
    // its own; the other files are still checked.
    let mut unreadable = Vec::new();
    for file in &files {
        let shown = file.display().to_string();
        match std::fs::read_to_string(dir.join(file)) {
            Ok(text) => texts.push((shown, text)),
            Err(e) => unreadable.push(format!("{shown}: cannot read: {e}")),
        }
    }
    let reports = validate_files(&texts, &schemas);
    let mut stdout = std::io::stdout().lock();
    let mut bad = unreadable.len();
    for line in &unreadable {
        let _ = writeln!(stdout, "{line}");
    }
    for report in &reports {
        for warning in &report.warnings {
            eprintln!("warning: {warning}");
        }
        for problem in &report.problems {
            let _ = writeln!(stdout, "{problem}");
        }
        if !report.is_clean() {
            bad += 1;
        }
    }
    if bad == 0 {
        let n = files.len();
        let _ = writeln!(stdout, "{n} file{} valid", if n == 1 { "" } else { "s" });
        Ok(ExitCode::SUCCESS)
    } else {
        Err(Failure {
            message: format!("{bad} of {} files failed validation", files.len()),
            code: 1,
        })
    }
}

/// Writes (or with `--check`, checks) the index of every schema file, and
/// removes indexes whose schema file is gone.
fn index_schemas(dir: &Path, args: IndexArgs) -> Result<ExitCode, Failure> {
    let shown_dir = args.schemas.display().to_string();
    let full = dir.join(&args.schemas);
    let mut names: Vec<String> = std::fs::read_dir(&full)
        .map_err(|e| input_error(format!("{shown_dir}: cannot list: {e}")))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let suffix = tfsynth::schema::INDEX_SUFFIX;
    // Every index first, so that a broken schema file writes nothing.
    let mut wanted = Vec::new();
    for name in names.iter().filter(|n| n.ends_with(".json")) {
        let shown = format!("{shown_dir}/{name}");
        let text = std::fs::read_to_string(full.join(name))
            .map_err(|e| input_error(format!("{shown}: cannot read: {e}")))?;
        let index =
            tfsynth::schema::index_of(&shown, &text).map_err(|e| input_error(e.to_string()))?;
        wanted.push((format!("{name}{suffix}"), index));
    }
    // What differs from what is on disk, read once.
    let mut changes = Vec::new();
    let mut stale = Vec::new();
    for (name, index) in &wanted {
        match std::fs::read_to_string(full.join(name)) {
            Ok(existing) if existing == *index => continue,
            Ok(_) => changes.push(format!("update {shown_dir}/{name}")),
            Err(_) => changes.push(format!("create {shown_dir}/{name}")),
        }
        stale.push((name, index));
    }
    let extra: Vec<&String> = names
        .iter()
        .filter(|n| n.ends_with(&format!(".json{suffix}")))
        .filter(|n| !wanted.iter().any(|(w, _)| w == *n))
        .collect();
    for name in &extra {
        changes.push(format!("remove {shown_dir}/{name}"));
    }
    let mut stdout = std::io::stdout().lock();
    if changes.is_empty() {
        let _ = writeln!(stdout, "{shown_dir}/: {} indexes up to date", wanted.len());
        return Ok(ExitCode::SUCCESS);
    }
    if args.check {
        return Err(Failure {
            message: format!(
                "{shown_dir}/: indexes are out of date; run `tfsynth schemas index` and commit the result:\n  {}",
                changes.join("\n  ")
            ),
            code: 1,
        });
    }
    for (name, index) in stale {
        std::fs::write(full.join(name), index)
            .map_err(|e| input_error(format!("{shown_dir}/{name}: cannot write: {e}")))?;
    }
    for name in extra {
        std::fs::remove_file(full.join(name))
            .map_err(|e| input_error(format!("{shown_dir}/{name}: cannot remove: {e}")))?;
    }
    for change in changes {
        let _ = writeln!(stdout, "{change}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `path` itself when it is a file, else every `*.tf.json` below it, sorted.
/// `path` when it is a file; otherwise every `.tf` and `.tf.json` file
/// below it, in name order, leaving out hidden directories such as
/// `.terraform` (modules and providers that `terraform init` fetched).
fn collect_tf_files(dir: &Path, path: &Path, out: &mut Vec<PathBuf>) -> Result<(), Failure> {
    let full = dir.join(path);
    let meta =
        std::fs::metadata(&full).map_err(|e| input_error(format!("{}: {e}", path.display())))?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(&full)
        .map_err(|e| input_error(format!("{}: {e}", path.display())))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let rel = path.join(entry.file_name());
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry
            .file_type()
            .map_err(|e| input_error(format!("{}: {e}", rel.display())))?;
        if kind.is_dir() {
            if !name.starts_with('.') {
                collect_tf_files(dir, &rel, out)?;
            }
        } else if name.ends_with(".tf.json") || name.ends_with(".tf") {
            out.push(rel);
        }
    }
    Ok(())
}

/// The app's URL from the `app_url` output of the stack's roots, read with
/// `terraform output -json` (the last root that has it wins).
fn app_url(dir: &Path, out: &Path, stack: &str) -> Result<String, Failure> {
    let sources = load_sources(dir, stack).map_err(|e| input_error(e.to_string()))?;
    let synthesis =
        synth::synth_stack(&sources, Format::Json, None).map_err(|e| input_error(e.to_string()))?;
    let steps: Vec<ops::Step> = synthesis
        .roots
        .iter()
        .map(|root| ops::Step {
            program: "terraform".to_owned(),
            args: vec![
                format!("-chdir={}", out.join(stack).join(root).display()),
                "output".to_owned(),
                "-json".to_owned(),
            ],
            root: Some(root.clone()),
            what: format!("terraform output ({root})"),
        })
        .collect();
    require_programs(&steps)?;
    for step in steps.iter().rev() {
        let output = std::process::Command::new(&step.program)
            .args(&step.args)
            .current_dir(dir)
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(|e| input_error(format!("terraform: cannot run: {e}")))?;
        if output.status.success() {
            if let Some(url) = smoke::app_url_from_outputs(&String::from_utf8_lossy(&output.stdout))
            {
                return Ok(url);
            }
        }
    }
    Err(input_error(format!(
        "no app_url output in the roots of stack {stack} ({}): has it been deployed?",
        synthesis.roots.join(", ")
    )))
}

fn smoketest(dir: &Path, args: SmoketestArgs) -> Result<ExitCode, Failure> {
    use std::io::IsTerminal;
    use std::time::Instant;
    let url = match (&args.url, &args.stack) {
        (Some(url), _) => url.clone(),
        (None, Some(stack)) => {
            let url = app_url(dir, &args.out, stack)?;
            smoke::parse_url(&url)
                .map_err(|e| input_error(format!("stack {stack}: the app_url output {e}")))?
        }
        (None, None) => return Err(input_error("name --stack or --url")),
    };
    let tty = std::io::stdout().is_terminal();
    let start = Instant::now();
    let deadline = start + args.timeout;
    let mut stdout = std::io::stdout();
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let remaining = deadline.saturating_duration_since(Instant::now());
        let per_try = remaining.clamp(
            std::time::Duration::from_secs(1),
            std::time::Duration::from_secs(10),
        );
        let result = smoke::attempt(&url, &args.expect, per_try);
        let elapsed = start.elapsed().as_secs();
        let line = match &result {
            Ok(seen) => format!("attempt {attempt} ({elapsed}s): ok: {seen}"),
            Err(reason) => format!("attempt {attempt} ({elapsed}s): {reason}"),
        };
        if tty {
            let _ = write!(stdout, "\r\x1b[2K{line}");
        } else {
            let _ = writeln!(stdout, "{line}");
        }
        let _ = stdout.flush();
        match result {
            Ok(_) => {
                if tty {
                    let _ = writeln!(stdout);
                }
                return Ok(ExitCode::SUCCESS);
            }
            Err(reason) => {
                let wait = smoke::backoff(attempt);
                if Instant::now() + wait >= deadline {
                    if tty {
                        let _ = writeln!(stdout);
                    }
                    return Err(Failure {
                        message: format!(
                            "smoketest of {url} failed after {}s and {attempt} attempt{}: {reason}",
                            start.elapsed().as_secs(),
                            if attempt == 1 { "" } else { "s" }
                        ),
                        code: 1,
                    });
                }
                std::thread::sleep(wait);
            }
        }
    }
}

/// The generated files of `stacks` as they were: in a directory, or in a
/// git revision of the output directory. Paths are relative to it.
fn old_files(
    dir: &Path,
    args: &DiffArgs,
    stacks: &[String],
) -> Result<std::collections::BTreeMap<PathBuf, String>, Failure> {
    let mut out = std::collections::BTreeMap::new();
    let in_scope = |rel: &Path| stacks.iter().any(|s| rel.starts_with(s));
    if let Some(rev) = &args.against_git {
        let git = |git_args: &[&str]| -> Result<String, Failure> {
            let output = std::process::Command::new("git")
                .arg("-C")
                .arg(dir)
                .args(git_args)
                .output()
                .map_err(|e| input_error(format!("git: cannot run: {e}")))?;
            if !output.status.success() {
                return Err(input_error(format!(
                    "git {}: {}",
                    git_args.join(" "),
                    String::from_utf8_lossy(&output.stderr).trim()
                )));
            }
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        };
        let prefix = args.out.to_string_lossy().trim_end_matches('/').to_owned();
        let listing = git(&["ls-tree", "-r", "--name-only", rev, "--", &prefix])?;
        for path in listing.lines() {
            let Some(rel) = path.strip_prefix(&format!("{prefix}/")) else {
                continue;
            };
            let rel = PathBuf::from(rel);
            if !in_scope(&rel) {
                continue;
            }
            let text = git(&["show", &format!("{rev}:{path}")])?;
            if synth::carries_marker(&text) {
                out.insert(rel, text);
            }
        }
        return Ok(out);
    }
    let base = dir.join(args.against.as_ref().unwrap_or(&args.out));
    // A missing output directory is a first synth: every file is new. A
    // directory named to compare with must exist, or a typo in it would
    // show every resource as added.
    if let Some(against) = &args.against {
        if !base.is_dir() {
            return Err(input_error(format!(
                "--against {}: no such directory",
                against.display()
            )));
        }
    }
    for stack in stacks {
        let files = synth::generated_files(&base, Path::new(stack))
            .map_err(|e| input_error(e.to_string()))?;
        for rel in files {
            let text = std::fs::read_to_string(base.join(&rel))
                .map_err(|e| input_error(format!("{}: {e}", rel.display())))?;
            out.insert(rel, text);
        }
    }
    Ok(out)
}

fn diff(dir: &Path, args: DiffArgs) -> Result<ExitCode, Failure> {
    use std::io::IsTerminal;
    let names = selected_stacks(dir, &args.stacks)?;
    let new: std::collections::BTreeMap<PathBuf, String> =
        synthesize(dir, &names, Format::Json, None)?
            .into_iter()
            .map(|f| (f.path, f.contents))
            .collect();
    let old = old_files(dir, &args, &names)?;
    let paths: std::collections::BTreeSet<&PathBuf> = old.keys().chain(new.keys()).collect();
    let style = tfsynth::diff::Style::new(
        std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    );
    let mut text = String::new();
    let mut differs = false;
    for path in paths {
        let (before, after) = (old.get(path), new.get(path));
        if before == after {
            continue;
        }
        differs = true;
        let shown = args.out.join(path).display().to_string();
        if path.to_string_lossy().ends_with(".tf.json") {
            let parse = |t: Option<&String>| {
                t.and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
                    .unwrap_or(serde_json::Value::Null)
            };
            let changes = tfsynth::diff::diff_documents(&parse(before), &parse(after));
            if changes.is_empty() {
                text.push_str(&format!("{shown}\n  (formatting only)\n"));
            } else {
                // Every stack of the command comes from settings.
                let stack = path
                    .iter()
                    .next()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let mut files = format!("{STACKS_DIR}/{stack}.toml");
                let local = format!("{STACKS_DIR}/{stack}.local.toml");
                if dir.join(&local).is_file() {
                    files = format!("{files} or {local}");
                }
                let root_dir = args.out.join(path.parent().unwrap_or(path));
                let keep = tfsynth::diff::Keep::Settings {
                    files: &files,
                    root_dir: &root_dir.display().to_string(),
                };
                tfsynth::diff::render(&shown, &changes, style, keep, &mut text);
            }
        } else {
            let count = |t: Option<&String>| t.map_or(0, |t| t.lines().count());
            let what = match (before, after) {
                (None, Some(_)) => format!("new file, {} lines", count(after)),
                (Some(_), None) => "removed".to_owned(),
                _ => format!("text changed ({} -> {} lines)", count(before), count(after)),
            };
            text.push_str(&format!("{shown}\n  {what}\n"));
        }
    }
    print!("{text}");
    if differs && args.exit_code {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
