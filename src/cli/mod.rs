//! Command-line interface: the clap definitions, and one module per
//! subcommand that turns its arguments into library calls and prints the
//! result. The workflows themselves live in the library, where tests call
//! them directly.

mod bindgen;
mod deploy;
mod destroy;
mod diff;
mod list;
mod plan;
mod schemas;
mod smoketest;
mod synth;
mod validate;

use std::collections::BTreeMap;
use std::fmt;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use tfsynth::output::{self, Plan};
use tfsynth::project::{LoadedSchemas, Project, ProjectError, not_a_stack_name};
use tfsynth::schema::Schemas;
use tfsynth::synth::{Format, GeneratedFile, StackError};

/// Typed Rust values in, deterministic Terraform configuration out.
#[derive(Debug, Parser)]
#[command(name = "tfsynth", version)]
pub struct Cli {
    /// Project directory holding `stacks/` (default: the nearest directory
    /// at or above the current one that holds `stacks/`, as cargo finds
    /// `Cargo.toml`).
    #[arg(short = 'C', long = "dir", global = true, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// When to color output: `auto` (on a terminal, unless `NO_COLOR` is
    /// set), `always` or `never`.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    color: ColorChoice,
    /// How a failure is reported: `human`, or `json`, one JSON object a
    /// line on standard output for each settings problem (file, line,
    /// column, key, message), as cargo's `--message-format json` does.
    #[arg(long, global = true, value_name = "FMT", default_value = "human")]
    pub message_format: MessageFormat,
    #[command(subcommand)]
    command: Command,
}

/// `--message-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// Lines for a person, on standard error.
    Human,
    /// JSON lines on standard output, and the human lines on standard
    /// error.
    Json,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set to something.
    Auto,
    /// Always, even into a pipe or file.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether output to a stream that `terminal` says is a terminal is
    /// colored; `no_color` is the `NO_COLOR` variable, which turns color
    /// off when set to anything but the empty string (no-color.org).
    pub fn colors(self, terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && no_color.is_none_or(std::ffi::OsStr::is_empty),
        }
    }
}

/// The version line: tfsynth's, and the provider schemas it validates
/// against (`tfsynth --version`).
pub fn version() -> String {
    let schemas: Vec<String> = tfsynth::providers::SCHEMA_VERSIONS
        .iter()
        .map(|(provider, version)| format!("{provider} {version}"))
        .collect();
    format!(
        "{} (provider schemas: {})",
        env!("CARGO_PKG_VERSION"),
        schemas.join(", ")
    )
}

/// The clap command, with the version line of [`version`].
pub fn command() -> clap::Command {
    Cli::command().version(version())
}

/// Where the project is: its directory, and where the current directory
/// is inside it (empty when it is the project itself, or when `-C` named
/// the project), which relative paths given on the command line start
/// from.
struct Located {
    dir: PathBuf,
    within: PathBuf,
}

/// Whether `dir` is a project: its `stacks/` holds a settings file
/// (`*.toml`). A `stacks/` of something else (the Rust module
/// `src/stacks/`) is not one.
fn is_project(dir: &Path) -> bool {
    std::fs::read_dir(dir.join(tfsynth::synth::STACKS_DIR)).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().ends_with(".toml"))
    })
}

/// The directory `-C` names, else the nearest one at or above the
/// current directory that is a project ([`is_project`]), else the
/// current directory (whose missing `stacks/` the command then reports).
fn locate(dir: Option<&Path>) -> Located {
    let at = |dir: &Path| Located {
        dir: dir.to_owned(),
        within: PathBuf::new(),
    };
    if let Some(dir) = dir {
        return at(dir);
    }
    let here = Path::new(".");
    if is_project(here) {
        return at(here);
    }
    let Ok(cwd) = std::env::current_dir() else {
        return at(here);
    };
    cwd.ancestors()
        .skip(1)
        .find(|ancestor| is_project(ancestor))
        .map_or_else(
            || at(here),
            |root| Located {
                dir: root.to_owned(),
                within: cwd.strip_prefix(root).unwrap_or(Path::new("")).to_owned(),
            },
        )
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
    /// Synthesize one stack, then `terraform init` and `terraform plan
    /// -out` each root in order, with a summary per root; exit 0 when
    /// nothing would change, 2 when something would, 1 on an error.
    Plan(plan::PlanArgs),
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
    /// Print a shell completion script: `tfsynth completions bash >
    /// ~/.local/share/bash-completion/completions/tfsynth`.
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): the command's, `tfsynth man > tfsynth.1`,
    /// or a subcommand's, `tfsynth man synth > tfsynth-synth.1`, each
    /// page the main page lists.
    Man {
        /// The subcommand whose page to print (its options and arguments,
        /// as `tfsynth help SUBCOMMAND` lists them): `synth`, or one
        /// within another, `schemas index` or `schemas-index`.
        #[arg(value_name = "SUBCOMMAND")]
        subcommand: Vec<String>,
    },
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
    /// The settings problems behind it, each with its place, for
    /// `--message-format json`; empty for other failures.
    pub problems: Vec<tfsynth::diagnostic::Diagnostic>,
}

impl Failure {
    /// The failure as JSON lines (`--message-format json`, as cargo
    /// names it): one `{"reason": "settings-error", "file", "line",
    /// "column", "key", "message"}` per settings problem, or one
    /// `{"reason": "error", "message"}` when it has none.
    pub fn json_lines(&self) -> Vec<String> {
        if self.problems.is_empty() {
            return vec![
                serde_json::json!({"reason": "error", "message": self.message}).to_string(),
            ];
        }
        self.problems
            .iter()
            .map(|p| {
                serde_json::json!({
                    "reason": "settings-error",
                    "file": p.file,
                    "line": p.line,
                    "column": p.column,
                    "key": p.key,
                    "message": p.message,
                })
                .to_string()
            })
            .collect()
    }
}

/// The settings problems among `errors` (a stack's synth errors).
fn settings_problems<'e>(
    errors: impl IntoIterator<Item = &'e StackError>,
) -> Vec<tfsynth::diagnostic::Diagnostic> {
    errors
        .into_iter()
        .filter_map(|e| match e {
            StackError::Settings(settings) => Some(settings.problems.clone()),
            _ => None,
        })
        .flatten()
        .collect()
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
        problems: Vec::new(),
    }
}

/// A failed check or validation (exit code 1).
fn check_failed(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        code: 1,
        problems: Vec::new(),
    }
}

impl From<ProjectError> for Failure {
    fn from(e: ProjectError) -> Failure {
        input_error(e.to_string())
    }
}

/// Runs one command.
pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let color = cli.color;
    match cli.command {
        // Bindings need a schema file, not a project with stacks; paths
        // are from the current directory, or from -C.
        Command::Bindgen(args) => {
            return bindgen::run(cli.dir.as_deref().unwrap_or(Path::new(".")), args);
        }
        // Rendered in memory first: clap_complete panics when its writer
        // fails, and a reader that stops early (`| head`) is no error.
        Command::Completions { shell } => {
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut command(), "tfsynth", &mut text);
            return print_all(&text, "the completion script");
        }
        Command::Man { subcommand } => {
            let mut page = command();
            let mut source = None;
            // `schemas index`, or `schemas-index` as the pages name it.
            let path: Vec<String> = subcommand
                .iter()
                .flat_map(|word| word.split('-'))
                .filter(|word| !word.is_empty())
                .map(str::to_owned)
                .collect();
            if !path.is_empty() {
                // Built, so each subcommand holds the global options
                // (-C, --color, --message-format) it takes, and `help`.
                page.build();
                let mut at = page.clone();
                for (depth, name) in path.iter().enumerate() {
                    let names: Vec<String> = at
                        .get_subcommands()
                        .map(|c| c.get_name().to_owned())
                        .collect();
                    let Some(sub) = at.find_subcommand(name) else {
                        let within = if depth == 0 {
                            String::new()
                        } else {
                            format!(" of {}", path[..depth].join(" "))
                        };
                        let choice = if names.is_empty() {
                            format!("{} has none", path[..depth].join(" "))
                        } else {
                            format!("one of: {}", names.join(", "))
                        };
                        return Err(input_error(format!(
                            "man: no subcommand {name:?}{within}; {choice}"
                        )));
                    };
                    at = sub.clone();
                }
                // Named as git names its pages: tfsynth-schemas-index(1),
                // whose synopsis reads `tfsynth schemas index`; the version
                // in the page's footer, as the main page has it, without a
                // --version the subcommand does not take.
                let dashed = path.join("-");
                source = Some(format!("tfsynth-{dashed} {}", env!("CARGO_PKG_VERSION")));
                page = at
                    .display_name(format!("tfsynth-{dashed}"))
                    .bin_name(format!("tfsynth {}", path.join(" ")));
            }
            let mut text = Vec::new();
            let mut man = clap_mangen::Man::new(page);
            if let Some(source) = source {
                man = man.source(source);
            }
            man.render(&mut text)
                .map_err(|e| input_error(format!("cannot render the man page: {e}")))?;
            return print_all(&text, "the man page");
        }
        _ => {}
    }
    let located = locate(cli.dir.as_deref());
    let project = || Project::open(&located.dir);
    match cli.command {
        Command::Synth(args) => synth::run(&project()?, args),
        Command::List => list::run(&project()?),
        Command::Validate(args) => validate::run(&project()?, args, &located.within),
        Command::Deploy(args) => deploy::run(&project()?, args, terraform_colors(color)),
        Command::Plan(args) => plan::run(&project()?, args, terraform_colors(color)),
        Command::Destroy(args) => destroy::run(&project()?, args, terraform_colors(color)),
        Command::Smoketest(args) => smoketest::run(&project()?, args),
        Command::Diff(args) => diff::run(&project()?, args, color),
        Command::Schemas(SchemasCommand::Index(args)) => schemas::run(&project()?, args),
        Command::Bindgen(_) | Command::Completions { .. } | Command::Man { .. } => {
            unreachable!("handled before the project is located")
        }
    }
}

/// Whether terraform, which writes to standard output, may color it:
/// `--color` and `NO_COLOR` decide, as for tfsynth's own output.
fn terraform_colors(color: ColorChoice) -> bool {
    color.colors(
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    )
}

/// Writes `text` (`what`, for the error) to standard output; a reader
/// that closed the pipe early is not an error.
fn print_all(text: &[u8], what: &str) -> Result<ExitCode, Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(input_error(format!("cannot write {what}: {e}"))),
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

/// Synthesizes one stack in memory for a command that then runs terraform
/// on it (`deploy`, `plan`): its settings, the output directory checked,
/// the roots validated against the schemas, warnings printed. Nothing is
/// written; a settings problem fails with exit code 2 and its places,
/// anything else with 1.
fn synthesize_one(
    project: &Project,
    stack: &str,
    out: &Path,
    schemas: Option<&Path>,
) -> Result<(tfsynth::settings::Sources, tfsynth::synth::Synthesis), Failure> {
    let sources = project.sources(stack).map_err(|e| Failure {
        problems: settings_problems([&e]),
        ..input_error(e.to_string())
    })?;
    output::check_output_dir(project.dir(), out).map_err(input_error)?;
    let schemas = load_schemas(project, schemas)?;
    let synthesis =
        tfsynth::synth::synth_stack(&sources, Format::Json, schemas.as_ref()).map_err(|e| {
            Failure {
                problems: settings_problems([&e]),
                code: if matches!(e, StackError::Settings(_)) {
                    2
                } else {
                    1
                },
                message: format!("nothing was written or run\n{e}"),
            }
        })?;
    warn(&synthesis.warnings);
    let known = tfsynth::project::StateLocations::from([(
        stack.to_owned(),
        synthesis.state_locations.clone(),
    )]);
    let shared = project.shared_state_with(&[stack.to_owned()], &known);
    if !shared.is_empty() {
        let listing: Vec<String> = shared.iter().map(ToString::to_string).collect();
        return Err(Failure {
            problems: settings_problems(&shared),
            code: 2,
            message: format!("nothing was written or run\n{}", listing.join("\n")),
        });
    }
    refuse_state_moves(project, out, stack, &synthesis, false)?;
    Ok((sources, synthesis))
}

/// The output directory every command writes to unless told otherwise
/// (`--out`), the one committed and the one `atlantis.yaml` lists.
const DEFAULT_OUT: &str = "generated";

/// Whether `out` (`--out`, relative to the project directory) is the
/// output directory `atlantis.yaml` lists, [`DEFAULT_OUT`]: a synth into
/// another (a scratch copy) leaves the file alone.
fn atlantis_lists(project: &Project, out: &Path) -> bool {
    output::within_project(project.dir(), out).is_ok_and(|dir| dir == DEFAULT_OUT)
}

/// Refuses to deploy, plan or destroy a root whose state is to move (its
/// backend or cloud block changed) while the old place still holds it:
/// Terraform would plan at the new place, which holds no state, to create
/// every object again (and within HCP Terraform, `init` moves nothing, so
/// even an applied plan would). See [`state_moves`].
fn refuse_state_moves(
    project: &Project,
    out: &Path,
    stack: &str,
    synthesis: &tfsynth::synth::Synthesis,
    destroying: bool,
) -> Result<(), Failure> {
    let moves = state_moves(project, out, &synthesis.files, true);
    if moves.is_empty() {
        return Ok(());
    }
    let listing: Vec<String> = moves
        .iter()
        .map(|m| {
            format!(
                "{}: its state is to move from {} to {}. To carry it over: {} (`tfsynth synth \
                 --stack {stack}` writes the new configuration). Then run this again.",
                m.dir,
                m.from,
                m.to,
                m.how.advice(&m.dir)
            )
        })
        .collect();
    let would = if destroying {
        "destroy nothing there and report success"
    } else {
        "plan to create every object again"
    };
    Err(input_error(format!(
        "stack {stack}: nothing was written or run: terraform would find no state at the new \
         place and {would}\n{}",
        listing.join("\n")
    )))
}

/// A root whose state is to move, as [`state_moves`] finds it.
struct StateMoveAt {
    /// The root's directory, from the project directory
    /// (`generated/hello/cluster`).
    dir: String,
    /// Where the state is, as shown: `the root's directory` for none.
    from: String,
    /// Where it is to be.
    to: String,
    how: tfsynth::diff::StateMove,
}

/// The roots among `files` (each root's `main.tf.json` or `main.tf`,
/// `STACK/ROOT/...` in the output directory `out`) whose state is to
/// move. With `initialized` (before terraform runs): from where the
/// root's working directory was last initialized, Terraform's record
/// (`.terraform/terraform.tfstate`, or below `TF_DATA_DIR`) when there is
/// one; else from the root's files synth wrote in `out` or, those being
/// new already, as committed in git's `HEAD` (JSON or HCL). Without
/// `initialized` (synth), from the files in `out` only. A root without
/// any of these has nothing to move.
fn state_moves(
    project: &Project,
    out: &Path,
    files: &[GeneratedFile],
    initialized: bool,
) -> Vec<StateMoveAt> {
    let data_dir = std::env::var_os("TF_DATA_DIR")
        .filter(|d| !d.is_empty())
        .map_or_else(|| PathBuf::from(".terraform"), PathBuf::from);
    // A root's file (synth's own) as a document, from its text.
    let document = |rel: &Path, text: &str| {
        let name = rel.file_name()?.to_str()?;
        output::is_owned(rel, text)
            .then(|| tfsynth::diff::root_document(name, text))
            .flatten()
    };
    // The files of these stacks as committed, read once when needed.
    let committed: std::cell::OnceCell<BTreeMap<PathBuf, String>> = std::cell::OnceCell::new();
    let committed = || {
        committed.get_or_init(|| {
            let mut stacks: Vec<String> = files
                .iter()
                .filter_map(|f| f.path.iter().next()?.to_str().map(str::to_owned))
                .collect();
            stacks.dedup();
            tfsynth::diff::before::in_git(project.dir(), out, "HEAD", Some(&stacks))
                .unwrap_or_default()
        })
    };
    let mut moves = Vec::new();
    for file in files {
        let Some(name) = file.path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(root) = file.path.parent().filter(|p| p.components().count() == 2) else {
            continue;
        };
        if name != "main.tf.json" && name != "main.tf" {
            continue;
        }
        let dir = project.dir().join(out).join(root);
        let recorded = initialized
            .then(|| std::fs::read_to_string(dir.join(&data_dir).join("terraform.tfstate")).ok())
            .flatten()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .and_then(|record| initialized_with(&record));
        // Files as synth would write them keep the state where it is: no
        // need to read them as documents (the common case, unchanged).
        let mut unchanged = false;
        let written = ["main.tf.json", "main.tf"]
            .into_iter()
            .find_map(|old_name| {
                let rel = root.join(old_name);
                let text = std::fs::read_to_string(project.dir().join(out).join(&rel)).ok()?;
                if text == file.contents {
                    unchanged = true;
                    return None;
                }
                document(&rel, &text)
            });
        if unchanged && !initialized {
            continue;
        }
        let Some(new) = tfsynth::diff::root_document(name, &file.contents) else {
            continue;
        };
        // Terraform's record, when there is one, is where this working
        // directory's state is: a move carried out (init after a rename)
        // shows there before it is committed. Without one, the files in
        // the output directory, and those committed (synth may have
        // written the new ones already).
        let was_committed = || {
            if !initialized {
                return None;
            }
            ["main.tf.json", "main.tf"]
                .into_iter()
                .find_map(|old_name| {
                    let rel = root.join(old_name);
                    document(&rel, committed().get(&rel)?)
                })
        };
        let moved = match recorded {
            Some(record) => tfsynth::diff::state_move(&record, &new),
            None => [written, was_committed()]
                .into_iter()
                .flatten()
                .find_map(|old| tfsynth::diff::state_move(&old, &new)),
        };
        if let Some(tfsynth::diff::Change::StateMoved { from, to, how }) = moved {
            // Names from a record terraform wrote are shown escaped.
            let shown = |at: Option<String>| {
                at.map_or_else(
                    || "the root's directory".to_owned(),
                    |s| s.chars().flat_map(char::escape_debug).collect::<String>(),
                )
            };
            moves.push(StateMoveAt {
                dir: out.join(root).display().to_string(),
                from: shown(from),
                to: shown(to),
                how,
            });
        }
    }
    moves
}

/// The `terraform` block a root's working directory was last initialized
/// with, from its record (`{"backend": {"type", "config"}}`; Terraform's
/// `internal/command/workdir`), as a document
/// [`tfsynth::diff::state_move`] reads: `{}` when it records no backend
/// (the root's own directory); `None` for a record of another shape.
fn initialized_with(record: &serde_json::Value) -> Option<serde_json::Value> {
    let record = record.as_object()?;
    let Some(backend) = record.get("backend") else {
        return Some(serde_json::json!({}));
    };
    let kind = backend["type"].as_str()?;
    let config = backend["config"].as_object()?;
    Some(match kind {
        "cloud" => serde_json::json!({"terraform": {"cloud": config}}),
        kind => serde_json::json!({"terraform": {"backend": {kind: config}}}),
    })
}

/// Writes one stack's `files` into the output directory `out` (only that
/// stack's directory is touched) and says what it did.
fn write_stack(
    project: &Project,
    out: &Path,
    stack: &str,
    files: Vec<GeneratedFile>,
) -> Result<(), Failure> {
    let scope = [stack.to_owned()];
    let plan = output::plan(&project.dir().join(out), Some(&scope), files)
        .map_err(|e| input_error(e.message(out)))?;
    write_plan(project, out, &plan)
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
) -> Result<tfsynth::project::Synthesized, Failure> {
    match project.synthesize(names, format, schemas) {
        Ok(synthesized) => {
            warn(&synthesized.warnings);
            Ok(synthesized)
        }
        Err(errors) => {
            let settings = errors.iter().any(|e| matches!(e, StackError::Settings(_)));
            let listing: Vec<String> = errors.iter().map(ToString::to_string).collect();
            Err(Failure {
                problems: settings_problems(&errors),
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
    // Counters and a clock for a person watching; plain lines in a log.
    let terminal = std::io::stderr().is_terminal();
    let mut progress = tfsynth::ops::Progress::new(steps.len(), terminal);
    let result = tfsynth::ops::run_steps_with(project.dir(), stack, steps, &mut progress);
    if let (Ok(()), Some(line)) = (&result, progress.finish()) {
        eprintln!("{line}");
    }
    result.map_err(Failure::from)
}

/// A step that failed, with its exit code passed on.
impl From<tfsynth::ops::StepError> for Failure {
    fn from(e: tfsynth::ops::StepError) -> Failure {
        Failure {
            problems: Vec::new(),
            code: e.exit_code(),
            message: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ColorChoice;
    use std::ffi::OsStr;

    #[test]
    fn color_is_on_for_a_terminal_unless_no_color_is_set_to_something() {
        let cases = [
            (ColorChoice::Auto, true, None, true),
            (ColorChoice::Auto, true, Some(""), true),
            (ColorChoice::Auto, true, Some("1"), false),
            (ColorChoice::Auto, false, None, false),
            (ColorChoice::Always, false, Some("1"), true),
            (ColorChoice::Never, true, None, false),
        ];
        for (choice, terminal, no_color, want) in cases {
            assert_eq!(
                choice.colors(terminal, no_color.map(OsStr::new)),
                want,
                "{choice:?} terminal={terminal} NO_COLOR={no_color:?}"
            );
        }
    }
}
