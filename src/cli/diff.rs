//! `tfsynth diff`: what synth would change, per resource address and
//! attribute, against the output directory or a git revision of it.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use tfsynth::atlantis;
use tfsynth::diff::{
    FileDiff, Style, before, change_json, changes_by_file, compare, render_markdown,
};
use tfsynth::project::Project;
use tfsynth::synth::{Format, STACKS_DIR};

use super::{Failure, input_error, stack_name, synthesize};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("base").args(["against", "against_git"])))]
pub(super) struct DiffArgs {
    /// Only this stack (repeatable); every stack by default.
    #[arg(long = "stack", value_name = "NAME", value_parser = stack_name)]
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
    /// How changes are printed: `text`, `json`, or `markdown` (a table per
    /// root, for a pull-request comment).
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    format: DiffFormat,
}

/// `diff --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum DiffFormat {
    /// For a terminal: per address and attribute, `old -> new`.
    Text,
    /// One JSON document: `{"files": [{"path", "changes": [...]} or
    /// {"path", "text"}]}`, each change as `tfsynth::diff::change_json`
    /// writes it.
    Json,
    /// A Markdown table per root.
    Markdown,
}

pub(super) fn run(
    project: &Project,
    args: DiffArgs,
    color: super::ColorChoice,
) -> Result<ExitCode, Failure> {
    let names = project.stack_names(&args.stacks)?;
    let synthesized = synthesize(
        project,
        &names,
        Format::Json,
        None,
        "nothing to compare: the settings do not synthesize",
    )?;
    // atlantis.yaml lists every stack, and is beside the output directory:
    // compared when every stack is, in the output directory it lists, and
    // not against another directory.
    let atlantis = if args.stacks.is_empty()
        && args.against.is_none()
        && super::atlantis_lists(project, &args.out)
    {
        let now = (!synthesized.atlantis.is_empty())
            .then(|| atlantis::render_stacks(super::DEFAULT_OUT, &synthesized.atlantis));
        // What synth would refuse to replace in the working tree (a file
        // of the user's, a directory, a link), it says so, and no more.
        let refused = if args.against_git.is_none() {
            tfsynth::output::plan_file(
                project.dir(),
                atlantis::FILE,
                now.clone(),
                atlantis::is_owned,
            )
            .err()
        } else {
            None
        };
        match refused {
            Some(why) => vec![atlantis::ProjectChange::Refused(why.foreseen())],
            None => atlantis::compare(
                atlantis_before(project, args.against_git.as_deref())?.as_deref(),
                now.as_deref(),
            ),
        }
    } else {
        Vec::new()
    };
    let new: BTreeMap<PathBuf, String> = synthesized
        .files
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect();
    // Without --stack, every stack's files, those whose settings are gone
    // too (synth removes them).
    let scope = (!args.stacks.is_empty()).then_some(names.as_slice());
    let old = match (&args.against_git, &args.against) {
        (Some(rev), _) => before::in_git(project.dir(), &args.out, rev, scope),
        (None, Some(against)) => {
            // A directory named to compare with must exist, or a typo in it
            // would show every resource as added.
            let base = project.dir().join(against);
            if !base.is_dir() {
                return Err(input_error(format!(
                    "--against {}: no such directory",
                    against.display()
                )));
            }
            before::in_dir(&base, scope)
        }
        // A missing output directory is a first synth: every file is new.
        (None, None) => before::in_dir(&project.dir().join(&args.out), scope),
    }
    .map_err(input_error)?;
    // A stack whose settings are gone: its files go, its objects stay.
    let gone: std::collections::BTreeSet<String> = old
        .keys()
        .filter_map(|path| path.iter().next()?.to_str().map(str::to_owned))
        .filter(|stack| !names.contains(stack))
        .collect();
    let gone_note = |stack: &str| {
        format!(
            "stack {stack} has files in {}/ but no settings ({STACKS_DIR}/{stack}.toml): synth \
             removes its files, which destroys nothing; to take its objects down, restore its \
             settings and run `tfsynth destroy --stack {stack}` first. If the stack was renamed, \
             its state moves with the name (the default state.prefix and workspace names \
             follow it): keep the old ones in [state] of the new name, or move the state",
            args.out.display()
        )
    };
    for stack in &gone {
        eprintln!("note: {}", gone_note(stack));
    }
    let style = Style::new(color.colors(
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    ));
    let settings_files = |stack: &str| {
        let base = format!("{STACKS_DIR}/{stack}.toml");
        let local = format!("{STACKS_DIR}/{stack}.local.toml");
        if project.dir().join(&local).is_file() {
            format!("{base} or {local}")
        } else {
            base
        }
    };
    let rules = tfsynth::providers::requires_replace();
    let differs = |text: Option<String>| match text {
        Some(text) => {
            print!("{text}");
            if args.exit_code {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        None => ExitCode::SUCCESS,
    };
    match args.format {
        DiffFormat::Text => {}
        DiffFormat::Markdown => {
            let files = changes_by_file(&old, &new, &rules);
            // The table would read "destroy": a pull-request comment says
            // what removing the files does.
            let notes: Option<String> = (!gone.is_empty()).then(|| {
                gone.iter()
                    .map(|stack| format!("> **Note:** {}\n\n", gone_note(stack)))
                    .collect()
            });
            let text = [
                render_markdown(&files, &args.out)
                    .map(|md| notes.clone().unwrap_or_default() + &md),
                atlantis::render_markdown(&atlantis),
            ]
            .into_iter()
            .flatten()
            .reduce(|a, b| a + &b);
            return Ok(differs(text));
        }
        DiffFormat::Json => {
            let files = changes_by_file(&old, &new, &rules);
            let listed: Vec<serde_json::Value> = files
                .iter()
                .map(|(path, diff)| {
                    let path = args.out.join(path).display().to_string();
                    match diff {
                        FileDiff::Terraform(changes) => serde_json::json!({
                            "path": path,
                            "changes": changes.iter().map(change_json).collect::<Vec<_>>(),
                        }),
                        FileDiff::Text(what) => serde_json::json!({"path": path, "text": what}),
                    }
                })
                .chain((!atlantis.is_empty()).then(|| atlantis::to_json(&atlantis)))
                .collect();
            // The document is printed even when empty (`{"files": []}`),
            // so a script always has one to read.
            let mut document = serde_json::json!({ "files": listed });
            if !gone.is_empty() {
                document["stacks_without_settings"] = serde_json::json!(gone);
            }
            println!(
                "{}",
                serde_json::to_string_pretty(&document)
                    .map_err(|e| input_error(format!("cannot write the diff: {e}")))?
            );
            return Ok(if args.exit_code && !listed.is_empty() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            });
        }
    }
    let text = [
        compare(&old, &new, &args.out, style, &settings_files, &rules),
        atlantis::render_text(&atlantis),
    ]
    .into_iter()
    .flatten()
    .reduce(|a, b| a + &b);
    Ok(differs(text))
}

/// The `atlantis.yaml` in the project directory (whoever wrote it: synth
/// refuses to replace one that is not its own), or synth's as committed
/// in git revision `rev`; `None` when there is none.
fn atlantis_before(project: &Project, rev: Option<&str>) -> Result<Option<String>, Failure> {
    let text = match rev {
        None => std::fs::read_to_string(project.dir().join(atlantis::FILE)).ok(),
        Some(rev) => {
            let shown = std::process::Command::new("git")
                .arg("-C")
                .arg(project.dir())
                .args(["show", &format!("{rev}:./{}", atlantis::FILE)])
                .output()
                .map_err(|e| input_error(format!("git: cannot run: {e}")))?;
            // A revision without the file (git says so) had none.
            shown
                .status
                .success()
                .then(|| String::from_utf8_lossy(&shown.stdout).into_owned())
        }
    };
    Ok(text.filter(|t| rev.is_none() || atlantis::is_owned(t)))
}
