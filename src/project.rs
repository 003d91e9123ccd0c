//! A tfsynth project: the directory that holds `stacks/` (each stack's
//! settings), `schemas/` (provider schemas) and the output directory
//! (`generated/`), and the steps every command starts with: which stacks,
//! their settings, the schemas, and synthesizing them in memory.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::schema::{SchemaError, Schemas};
use crate::settings::Sources;
use crate::synth::{self, Format, GeneratedFile, STACKS_DIR, StackError};

/// Where provider schemas are looked for when none are named.
pub const DEFAULT_SCHEMAS: &str = "schemas";

/// Why a project's stacks or schemas cannot be read: all input errors.
#[derive(Debug)]
pub enum ProjectError {
    /// The project directory (`-C`) is missing or not a directory.
    NoDirectory {
        /// As given.
        dir: PathBuf,
        /// Whether something that is not a directory is there.
        exists: bool,
    },
    /// `stacks/` cannot be listed.
    CannotList {
        /// The directory, as it would be opened.
        dir: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// `stacks/` holds no stack.
    NoStacks(PathBuf),
    /// A schema directory named with `--schemas` is missing, or is not a
    /// directory.
    SchemasMissing {
        /// As given.
        dir: PathBuf,
        /// Whether something that is not a directory is there.
        exists: bool,
    },
    /// A schema file is unusable.
    Schemas(SchemaError),
}

impl fmt::Display for ProjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProjectError::NoDirectory { dir, exists } => write!(
                f,
                "-C {}: {} (it names the project directory, the one holding {STACKS_DIR}/)",
                dir.display(),
                if *exists {
                    "not a directory"
                } else {
                    "no such directory"
                }
            ),
            ProjectError::CannotList { dir, error } => {
                write!(f, "{}: cannot list stacks: {error}", dir.display())
            }
            ProjectError::NoStacks(dir) => write!(
                f,
                "{}/: no stacks (add a NAME.toml that names its blueprint)",
                dir.display()
            ),
            ProjectError::SchemasMissing { dir, exists } => write!(
                f,
                "--schemas {}: {} (leave --schemas out to use \
                 {DEFAULT_SCHEMAS}/, or pass --no-validate to skip validation)",
                dir.display(),
                if *exists {
                    "not a directory"
                } else {
                    "no such directory"
                }
            ),
            ProjectError::Schemas(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ProjectError {}

/// Why `name` is not a stack name, and what one is.
pub fn not_a_stack_name(name: &str) -> String {
    format!(
        "{name:?} is not a stack name (1 to 63 lowercase letters, digits, - and _, a letter \
         first and a letter or digit last; it names a directory under the output directory \
         and is a label value on what the stack creates)"
    )
}

/// The provider schemas of a project, and what the caller should warn
/// about (a missing default directory, schema indexes not used).
#[derive(Debug, Default)]
pub struct LoadedSchemas {
    /// The schemas; `None` when the default directory is missing.
    pub schemas: Option<Schemas>,
    /// Warnings to show the user, one line each.
    pub warnings: Vec<String>,
}

/// Every stack of a synthesis, in memory.
#[derive(Debug, Default)]
pub struct Synthesized {
    /// Every file of every stack, paths relative to the output directory.
    pub files: Vec<GeneratedFile>,
    /// Warnings to show the user, one line each.
    pub warnings: Vec<String>,
    /// The stacks whose roots `atlantis.yaml` lists, sorted by name.
    pub atlantis: Vec<crate::atlantis::StackRoots>,
}

/// Where each root of each stack keeps its state, when that place can
/// be shared: by stack, `(root, location)`.
pub type StateLocations = std::collections::BTreeMap<String, Vec<(String, String)>>;

/// A project directory.
#[derive(Debug, Clone)]
pub struct Project {
    dir: PathBuf,
}

impl Project {
    /// The project in `dir` (as given with `-C`).
    ///
    /// # Errors
    ///
    /// [`ProjectError::NoDirectory`] when `dir` is not a directory.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Project, ProjectError> {
        let dir = dir.into();
        if dir.is_dir() {
            Ok(Project { dir })
        } else {
            let exists = dir.exists();
            Err(ProjectError::NoDirectory { dir, exists })
        }
    }

    /// The project directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The stacks to work on: `wanted` (each already a stack name),
    /// sorted and deduplicated, or every `NAME.toml` in `stacks/` when
    /// `wanted` is empty (`NAME.local.toml` overrides are not stacks).
    ///
    /// A file named with something that is not a stack name is listed too:
    /// [`Project::sources`] refuses it, so it is reported with every other
    /// stack's problems.
    ///
    /// # Errors
    ///
    /// When `stacks/` cannot be listed or holds no stack.
    pub fn stack_names(&self, wanted: &[String]) -> Result<Vec<String>, ProjectError> {
        if !wanted.is_empty() {
            let mut names = wanted.to_vec();
            names.sort();
            names.dedup();
            return Ok(names);
        }
        let stacks_dir = self.dir.join(STACKS_DIR);
        let names = synth::stack_names(&stacks_dir).map_err(|error| ProjectError::CannotList {
            dir: stacks_dir.clone(),
            error,
        })?;
        if names.is_empty() {
            return Err(ProjectError::NoStacks(stacks_dir));
        }
        // A file whose name is not a stack name is listed all the same:
        // `sources` reports it, with the other stacks' problems.
        Ok(names)
    }

    /// Warnings about `stacks/`: each `NAME.local.toml` with no
    /// `NAME.toml` beside it (a typo in the name, or a stack renamed
    /// without its override), which no stack reads.
    pub fn stack_warnings(&self) -> Vec<String> {
        let dir = self.dir.join(STACKS_DIR);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut orphans: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str().map(str::to_owned))
            .filter(|name| !name.starts_with('.'))
            .filter_map(|name| name.strip_suffix(".local.toml").map(str::to_owned))
            .filter(|stem| !dir.join(format!("{stem}.toml")).is_file())
            .collect();
        orphans.sort();
        orphans
            .into_iter()
            .map(|stem| {
                format!(
                    "{STACKS_DIR}/{stem}.local.toml: no {STACKS_DIR}/{stem}.toml beside it, \
                     so no stack reads it (a typo in its name?)"
                )
            })
            .collect()
    }

    /// The settings of stack `name`: `stacks/NAME.toml`, and
    /// `stacks/NAME.local.toml` when present.
    ///
    /// # Errors
    ///
    /// [`StackError::Settings`] when `name` is not a stack name (naming the
    /// file), or the file is missing or unreadable.
    pub fn sources(&self, name: &str) -> Result<Sources, StackError> {
        if !synth::is_stack_name(name) {
            let file = format!("{STACKS_DIR}/{name}.toml");
            let message = format!("the file name: {}; rename the file", not_a_stack_name(name));
            return Err(StackError::Settings(crate::settings::SettingsError {
                problems: vec![Diagnostic::new(message).in_file(file, 0, 0)],
            }));
        }
        Ok(Sources::read(&self.dir.join(STACKS_DIR), STACKS_DIR, name)?)
    }

    /// Loads the provider schemas from `asked` (relative to the project),
    /// or from `schemas/` when `None`. A missing default directory means
    /// no validation, with a warning (a new project may have no schemas
    /// yet); a directory that was asked for must exist, or a typo would
    /// silently turn validation off.
    ///
    /// # Errors
    ///
    /// [`ProjectError::SchemasMissing`] for a missing directory that was
    /// asked for; [`ProjectError::Schemas`] for an unusable schema file.
    pub fn schemas(&self, asked: Option<&Path>) -> Result<LoadedSchemas, ProjectError> {
        let rel = asked.unwrap_or(Path::new(DEFAULT_SCHEMAS));
        let path = self.dir.join(rel);
        let shown = rel.display().to_string();
        if !path.is_dir() {
            if asked.is_some() {
                return Err(ProjectError::SchemasMissing {
                    dir: rel.to_owned(),
                    exists: path.exists(),
                });
            }
            return Ok(LoadedSchemas {
                schemas: None,
                warnings: vec![format!(
                    "{shown}/ does not exist: output is not validated against provider schemas"
                )],
            });
        }
        let schemas = Schemas::load_dir(&path, &shown).map_err(ProjectError::Schemas)?;
        let warnings = schemas.notes().iter().map(ToString::to_string).collect();
        Ok(LoadedSchemas {
            schemas: Some(schemas),
            warnings,
        })
    }

    /// Synthesizes every stack of `names` in memory, validating each root
    /// against `schemas` when given.
    ///
    /// # Errors
    ///
    /// Every stack's failure at once, in the order of `names`.
    pub fn synthesize(
        &self,
        names: &[String],
        format: Format,
        schemas: Option<&Schemas>,
    ) -> Result<Synthesized, Vec<StackError>> {
        let mut out = Synthesized::default();
        let mut errors = Vec::new();
        let mut known = StateLocations::new();
        for name in names {
            match self
                .sources(name)
                .and_then(|s| synth::synth_stack(&s, format, schemas))
            {
                Ok(mut synthesis) => {
                    out.warnings.append(&mut synthesis.warnings);
                    out.files.append(&mut synthesis.files);
                    out.atlantis.extend(synthesis.atlantis);
                    known.insert(name.clone(), synthesis.state_locations);
                }
                Err(e) => errors.push(e),
            }
        }
        errors.extend(self.shared_state_with(names, &known));
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// The stacks of `names` that keep a root's state where a root of
    /// another stack (or another of their own roots) keeps its state:
    /// applying one would plan to undo what the other made. Every stack
    /// of the project is looked at to find them (stacks whose settings do
    /// not load are left out: they are reported on their own); each problem
    /// is placed at the stack's `[state]`. The state locations of stacks
    /// synthesized already (`known`, by stack, as
    /// [`synth::Synthesis::state_locations`] has them) are taken as they
    /// are; only the others are built.
    pub fn shared_state_with(&self, names: &[String], known: &StateLocations) -> Vec<StackError> {
        let Ok(all) = self.stack_names(&[]) else {
            return Vec::new();
        };
        let mut by_place: std::collections::BTreeMap<String, Vec<(String, String)>> =
            std::collections::BTreeMap::new();
        for stack in &all {
            let built;
            let locations = match known.get(stack) {
                Some(locations) => locations,
                None => {
                    let Ok(roots) = self
                        .sources(stack)
                        .and_then(|s| Ok(crate::stacks::build(&s)?))
                    else {
                        continue;
                    };
                    built = roots
                        .into_iter()
                        .filter_map(|root| {
                            let place = root.stack.terraform().state_location()?;
                            Some((root.name, place))
                        })
                        .collect::<Vec<_>>();
                    &built
                }
            };
            for (root, place) in locations {
                by_place
                    .entry(place.clone())
                    .or_default()
                    .push((stack.clone(), root.clone()));
            }
        }
        let mut errors = Vec::new();
        for (place, holders) in by_place.into_iter().filter(|(_, h)| h.len() > 1) {
            let listed: Vec<String> = holders
                .iter()
                .map(|(stack, root)| format!("stack {stack}, root {root}"))
                .collect();
            for (stack, _) in holders.iter().filter(|(s, _)| names.contains(s)) {
                let Ok(sources) = self.sources(stack) else {
                    continue;
                };
                let message = format!(
                    "{} keep their state in one place, {place}: applying one would plan to \
                     undo what the other made; give each its own (state.workspace_prefix, \
                     state.prefix or state.bucket)",
                    listed.join(" and ")
                );
                errors.push(StackError::Settings(crate::settings::SettingsError {
                    problems: vec![sources.problem_at("state", message)],
                }));
            }
        }
        errors.dedup();
        errors
    }
}

/// The Terraform files `validate` reads: their names as shown, their text,
/// and the files that could not be read (each a problem of its own).
#[derive(Debug, Default)]
pub struct TfFiles {
    /// Each file's path (as given, joined with what was found below it)
    /// and its text, in name order.
    pub texts: Vec<(String, String)>,
    /// `path: cannot read: why`, for each file that is unreadable or not
    /// UTF-8.
    pub unreadable: Vec<Diagnostic>,
}

impl TfFiles {
    /// How many files were found, read or not.
    pub fn len(&self) -> usize {
        self.texts.len() + self.unreadable.len()
    }

    /// Whether no file was found.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Project {
    /// Reads the `.tf` and `.tf.json` files `paths` name (relative to the
    /// project, or absolute): a file as it is; below a directory, every
    /// such file in name order, leaving out hidden directories such as
    /// `.terraform` (what `terraform init` fetched).
    ///
    /// # Errors
    ///
    /// A path that does not exist or a directory that cannot be listed,
    /// named; or no Terraform file at all below `paths`.
    pub fn read_tf_files(&self, paths: &[PathBuf]) -> Result<TfFiles, String> {
        let mut found = Vec::new();
        for path in paths {
            collect_tf_files(&self.dir, path, &mut found)?;
        }
        if found.is_empty() {
            return Err(format!(
                "no .tf or .tf.json files in {}",
                paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        // Each file once, however it was named (`generated`, and
        // `./generated/hello/cluster` within it): validating a module's
        // file twice would report its blocks as declared twice.
        let mut seen = std::collections::BTreeSet::new();
        found.retain(|file| {
            let key = std::fs::canonicalize(self.dir.join(file)).unwrap_or_else(|_| file.clone());
            seen.insert(key)
        });
        let mut files = TfFiles::default();
        for file in &found {
            let shown = file.display().to_string();
            match std::fs::read_to_string(self.dir.join(file)) {
                Ok(text) => files.texts.push((shown, text)),
                Err(e) => files
                    .unreadable
                    .push(Diagnostic::new(format!("cannot read: {e}")).in_file(shown, 0, 0)),
            }
        }
        Ok(files)
    }
}

/// `path` as the project names it: without `.` steps, with `..` steps
/// taken where they can be, and inside the project when it is an absolute
/// path there (`generated/hello/cluster/main.tf.json`), so a file is
/// named the same whichever way it was given.
fn tidy(dir: &Path, path: &Path) -> PathBuf {
    use std::path::Component;
    let path = match (path.is_absolute(), std::fs::canonicalize(dir)) {
        (true, Ok(root)) => path
            .strip_prefix(&root)
            .map_or_else(|_| path.to_path_buf(), Path::to_path_buf),
        _ => path.to_path_buf(),
    };
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let last_is_normal =
                    matches!(out.components().next_back(), Some(Component::Normal(_)));
                if last_is_normal {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// `path` when it is a file; otherwise every `.tf` and `.tf.json` file
/// below it, in name order, hidden directories left out.
fn collect_tf_files(dir: &Path, path: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let path = &tidy(dir, path);
    let full = dir.join(path);
    let meta = std::fs::metadata(&full).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(&full)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let rel = path.join(entry.file_name());
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", rel.display()))?;
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
