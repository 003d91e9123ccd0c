//! `tfsynth synth`: render stacks into the output directory, or check it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use tfsynth::project::Project;
use tfsynth::synth::Format;
use tfsynth::{atlantis, output};

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
    let synthesized = synthesize(
        project,
        &names,
        args.format.into(),
        schemas.as_ref(),
        "nothing was written",
    )?;
    // The process ends soon: freeing every parsed schema would only cost
    // time (a tenth of the hello stack's synth).
    std::mem::forget(schemas);
    // atlantis.yaml lists every stack that asks for it, in the committed
    // output directory, so only a synth of every stack into it can say
    // what it holds.
    let lists_out = super::atlantis_lists(project, &args.out);
    let atlantis = if args.stacks.is_empty() && lists_out {
        Some(atlantis_change(project, &synthesized.atlantis)?)
    } else {
        None
    };
    // For some stacks, whether their projects in it are as they would be.
    let stale_projects = if atlantis.is_none() && lists_out {
        stale_projects(project, &names, &synthesized.atlantis)
    } else {
        None
    };
    // A root whose state is to move, said once when its files are written:
    // after that, diff shows nothing of it.
    let moves = if args.check {
        Vec::new()
    } else {
        super::state_moves(project, &args.out, &synthesized.files, false)
    };
    let scope = (!args.stacks.is_empty()).then_some(names.as_slice());
    let plan = output::plan(&project.dir().join(&args.out), scope, synthesized.files)
        .map_err(|e| input_error(e.message(&args.out)))?;
    let out_display = args.out.display();
    let atlantis_lines = |applied| {
        atlantis
            .as_ref()
            .map(|file| file.lines(atlantis::FILE, applied))
            .unwrap_or_default()
    };
    if args.check {
        let mut stale_atlantis = atlantis_lines(false);
        match &stale_projects {
            Some(ShortFor::Refused(why)) => stale_atlantis.push(format!("refused: {why}")),
            Some(ShortFor::Missing) => stale_atlantis.push(format!(
                "missing: {} (it lists every stack, so run `tfsynth synth`)",
                atlantis::FILE
            )),
            Some(ShortFor::Stale(why)) => stale_atlantis.push(format!(
                "stale: {} ({why}; it lists every stack, so run `tfsynth synth`)",
                atlantis::FILE,
            )),
            None => {}
        }
        if plan.is_empty() && stale_atlantis.is_empty() {
            let atlantis_too = atlantis.is_some() && !synthesized.atlantis.is_empty();
            let _ = writeln!(
                std::io::stdout().lock(),
                "{out_display}/ is up to date ({} files){}",
                plan.unchanged,
                if atlantis_too {
                    ", and so is atlantis.yaml"
                } else {
                    ""
                }
            );
            return Ok(ExitCode::SUCCESS);
        }
        let what = match (plan.is_empty(), stale_atlantis.is_empty()) {
            (false, true) => format!("{out_display}/ is"),
            (true, _) => format!("{} is", atlantis::FILE),
            (false, false) => format!("{out_display}/ and {} are", atlantis::FILE),
        };
        let listing: String = plan
            .lines(&args.out, false)
            .into_iter()
            .chain(stale_atlantis)
            .map(|line| format!("\n  {line}"))
            .collect();
        return Err(check_failed(format!(
            "{what} out of date; run `tfsynth synth` and commit the result:{listing}"
        )));
    }
    write_plan(project, &args.out, &plan)?;
    for m in &moves {
        eprintln!(
            "warning: {}: its state is to move from {} to {}; before any plan or apply, {}",
            m.dir,
            m.from,
            m.to,
            m.how.advice(&m.dir)
        );
    }
    if let Some(file) = &atlantis {
        output::apply_file(project.dir(), atlantis::FILE, file).map_err(|e| {
            input_error(format!(
                "{out_display}/ is written, but {} is not: {e}",
                atlantis::FILE
            ))
        })?;
        for line in atlantis_lines(true) {
            let _ = writeln!(std::io::stdout().lock(), "{line}");
        }
    } else if !lists_out
        && (!synthesized.atlantis.is_empty() || project.dir().join(atlantis::FILE).exists())
    {
        eprintln!(
            "note: {} lists the roots in {}/, so a synth into --out {out_display} leaves it as \
             it is",
            atlantis::FILE,
            super::DEFAULT_OUT
        );
    } else if let Some(short) = &stale_projects {
        let why = match short {
            ShortFor::Refused(why) => {
                eprintln!("note: {why}");
                return Ok(ExitCode::SUCCESS);
            }
            ShortFor::Missing => "it does not exist yet",
            ShortFor::Stale(why) => why,
        };
        eprintln!(
            "note: {} lists every stack, so a synth of some (--stack) leaves it as it is, and it \
             is now out of date for them ({why}); `tfsynth synth` brings it in line",
            atlantis::FILE,
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// How the `atlantis.yaml` in place falls short for some stacks, as
/// [`stale_projects`] finds it.
enum ShortFor {
    /// What is in its place is not synth's to replace (a file of the
    /// user's, a directory, a link): why, as synth says it.
    Refused(String),
    /// There is none, and these stacks ask for one.
    Missing,
    /// It lists their projects otherwise than synth would (`its projects
    /// hello/cluster, hello/workload`), or is not YAML.
    Stale(String),
}

/// How the `atlantis.yaml` in place falls short for `stacks`
/// (synthesized; those that ask for it in `asking`); `None` when it is as
/// it should be for them.
fn stale_projects(
    project: &Project,
    stacks: &[String],
    asking: &[atlantis::StackRoots],
) -> Option<ShortFor> {
    let wanted = (!asking.is_empty()).then(|| atlantis::render_stacks(super::DEFAULT_OUT, asking));
    // What a full synth would refuse: a file of the user's, a directory, a link.
    if let Err(why) = output::plan_file(
        project.dir(),
        atlantis::FILE,
        wanted.clone(),
        atlantis::is_owned,
    ) {
        return Some(ShortFor::Refused(why.foreseen()));
    }
    let in_place = std::fs::read_to_string(project.dir().join(atlantis::FILE)).ok();
    match (&in_place, &wanted) {
        (None, Some(_)) => return Some(ShortFor::Missing),
        (Some(text), Some(_)) if !atlantis::is_yaml(text) => {
            return Some(ShortFor::Stale("it is not YAML".to_owned()));
        }
        _ => {}
    }
    let ours = |name: &str| {
        stacks.iter().any(|s| {
            name.strip_prefix(s.as_str())
                .is_some_and(|r| r.starts_with('/'))
        })
    };
    let mut names: Vec<String> = atlantis::compare(in_place.as_deref(), wanted.as_deref())
        .into_iter()
        .filter_map(|change| match change {
            atlantis::ProjectChange::Added(name)
            | atlantis::ProjectChange::Removed(name)
            | atlantis::ProjectChange::Changed(name, _) => Some(name),
            _ => None,
        })
        .filter(|name| ours(name))
        .collect();
    names.sort();
    (!names.is_empty()).then(|| ShortFor::Stale(format!("its projects {}", names.join(", "))))
}

/// What `atlantis.yaml` needs for `stacks` (the stacks that ask for it):
/// their roots' projects under the output directory it lists,
/// [`super::DEFAULT_OUT`], or no file when none asks. Warns when Atlantis
/// would not find the file: it reads `atlantis.yaml` only at a
/// repository's root.
fn atlantis_change(
    project: &Project,
    stacks: &[atlantis::StackRoots],
) -> Result<output::FilePlan, Failure> {
    let wanted = if stacks.is_empty() {
        None
    } else {
        // Atlantis refuses a repository that also has atlantis.yml.
        if project.dir().join("atlantis.yml").exists() {
            super::warn(&[format!(
                "atlantis.yml: Atlantis reads only {} and refuses a repository that has \
                 atlantis.yml beside it; remove it",
                atlantis::FILE
            )]);
        }
        if let Some(repository) = repository_above(project.dir()) {
            super::warn(&[format!(
                "{}: Atlantis reads it only at the root of a repository, and this project \
                 is inside the repository at {}",
                atlantis::FILE,
                repository.display()
            )]);
        }
        Some(atlantis::render_stacks(super::DEFAULT_OUT, stacks))
    };
    output::plan_file(project.dir(), atlantis::FILE, wanted, atlantis::is_owned)
        .map_err(|refusal| input_error(refusal.to_string()))
}

/// The repository `dir` is below, when `dir` is not itself its top: the
/// nearest ancestor that holds `.git`.
fn repository_above(dir: &Path) -> Option<PathBuf> {
    let dir = std::path::absolute(dir).ok()?;
    if dir.join(".git").exists() {
        return None;
    }
    dir.ancestors()
        .skip(1)
        .find(|a| a.join(".git").exists())
        .map(Path::to_path_buf)
}
