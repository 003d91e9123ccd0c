//! What a plan `tfsynth plan` saved (`terraform plan -out`) was made
//! from, so `deploy --saved-plans` applies only a plan of the files that
//! are in the root now (with the `cli` feature).
//!
//! A local plan file is a zip archive (Terraform's `planfile` package)
//! whose `tfconfig/m-/` holds a copy of the root module's files as they
//! were planned; a plan saved in HCP Terraform is a small JSON bookmark
//! of its run (`remote_plan_format`, `run_id`, `hostname`), whose
//! configuration HCP Terraform keeps.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// A saved plan that matches its root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// A local plan of exactly the root's files.
    Local,
    /// A plan saved in HCP Terraform: its run.
    Cloud {
        /// The run's id, `run-...`.
        run: String,
    },
}

/// Where the root module's files are in a plan file.
const ROOT_MODULE: &str = "tfconfig/m-/";

/// Checks the plan at `plan` against the Terraform files (`*.tf`,
/// `*.tf.json`) directly in `root_dir`, which `shown` names in messages.
///
/// # Errors
///
/// The plan cannot be read, is not a plan, or was made from other files:
/// the message says which file differs.
pub fn check(plan: &Path, root_dir: &Path, shown: &str) -> Result<Saved, String> {
    // The plan as messages name it: in the root directory as shown.
    let named = match plan.file_name() {
        Some(file) => format!("{shown}/{}", file.to_string_lossy()),
        None => plan.display().to_string(),
    };
    let bytes = std::fs::read(plan).map_err(|e| format!("{named}: {e}"))?;
    if bytes.starts_with(b"{") {
        let bookmark: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| format!("{named}: not a saved plan: {e}"))?;
        return match bookmark["run_id"].as_str() {
            Some(run) if bookmark.get("remote_plan_format").is_some() => Ok(Saved::Cloud {
                run: run.to_owned(),
            }),
            _ => Err(format!("{named}: not a saved plan")),
        };
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("{named}: not a saved plan: {e}"))?;
    let mut planned: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| format!("{named}: {e}"))?;
        let name = entry
            .name()
            .map_err(|e| format!("{named}: {e}"))?
            .into_owned();
        let Some(name) = name.strip_prefix(ROOT_MODULE).map(str::to_owned) else {
            continue;
        };
        let mut contents = Vec::new();
        entry
            .read_to_end(&mut contents)
            .map_err(|e| format!("{named}: {e}"))?;
        planned.insert(name, contents);
    }
    if planned.is_empty() {
        return Err(format!(
            "{}: not a saved plan (no copy of the root module's files in it)",
            named
        ));
    }
    let mut current: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let entries = std::fs::read_dir(root_dir).map_err(|e| format!("{shown}: {e}"))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{shown}: {e}"))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_config = name.ends_with(".tf") || name.ends_with(".tf.json");
        if is_config && !name.starts_with('.') && entry.path().is_file() {
            let contents =
                std::fs::read(entry.path()).map_err(|e| format!("{shown}/{name}: {e}"))?;
            current.insert(name, contents);
        }
    }
    for (name, contents) in &current {
        match planned.get(name) {
            None => {
                return Err(format!(
                    "{shown}/{name} was not there when the plan was made"
                ));
            }
            Some(then) if then != contents => {
                return Err(format!(
                    "{shown}/{name} has changed since the plan was made"
                ));
            }
            Some(_) => {}
        }
    }
    if let Some(name) = planned.keys().find(|name| !current.contains_key(*name)) {
        return Err(format!(
            "{shown}/{name} was planned and is not there any more"
        ));
    }
    Ok(Saved::Local)
}
