//! Blueprints: functions from typed settings to Terraform roots.
//!
//! `stacks/<name>.toml` names its blueprint with `blueprint = "..."`; the
//! rest of the file is that blueprint's settings.

pub mod gke_web_service;

use crate::settings::{SettingsError, Sources};
use crate::tf::{Address, Step};

/// One Terraform root module: a directory `generated/<stack>/<name>/`,
/// applied on its own, in the order the blueprint returns them.
pub type RootModule = crate::tf::NamedRoot;

/// The blueprints this build knows, by the name settings use.
pub const BLUEPRINTS: [&str; 1] = [gke_web_service::NAME];

/// Loads a stack's settings and builds its roots with the blueprint they
/// name, knowing no attribute a provider schema marks sensitive.
///
/// # Errors
///
/// Every problem of the settings, each at its file, line and key.
pub fn build(sources: &Sources) -> Result<Vec<RootModule>, SettingsError> {
    build_with(sources, &|_, _| false)
}

/// Like [`build`]; `sensitive_attribute` says which attributes the
/// provider schemas mark sensitive (`Schemas::is_sensitive`), so a value
/// one root exports to another is a sensitive output when it can be.
///
/// # Errors
///
/// Every problem of the settings, each at its file, line and key.
pub fn build_with(
    sources: &Sources,
    sensitive_attribute: &dyn Fn(&Address, &[Step]) -> bool,
) -> Result<Vec<RootModule>, SettingsError> {
    let blueprint = sources.blueprint()?;
    match blueprint.as_str() {
        gke_web_service::NAME => {
            let settings = sources.load::<gke_web_service::Settings>()?;
            Ok(gke_web_service::build(
                &sources.name,
                &settings,
                sensitive_attribute,
            ))
        }
        other => Err(SettingsError {
            problems: vec![sources.problem_at(
                "blueprint",
                format!(
                    "unknown blueprint {other:?}; known: {}",
                    BLUEPRINTS.join(", ")
                ),
            )],
        }),
    }
}

/// What [`stack_facts`] finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackFacts {
    /// The accepted findings.
    pub risks: Vec<crate::emit::ReadmeRisk>,
    /// The images and their registry host, when the blueprint has any.
    pub images: Option<(Vec<Image>, String)>,
    /// What the stack asks of Atlantis; `None` when its roots are not
    /// listed in `atlantis.yaml`.
    pub atlantis: Option<crate::atlantis::Options>,
}

/// What synth writes about a stack besides its roots: the
/// security-scanner findings it accepts (the blueprint's and its
/// settings'), the images built between its roots with the registry
/// host, when the blueprint has any, and whether `atlantis.yaml` lists
/// its roots. One load of the settings gives them all.
///
/// # Errors
///
/// Every problem of the settings, each at its file, line and key.
pub fn stack_facts(sources: &Sources) -> Result<StackFacts, SettingsError> {
    match sources.blueprint()?.as_str() {
        gke_web_service::NAME => {
            let settings = sources.load::<gke_web_service::Settings>()?;
            let images = gke_web_service::images(&settings);
            let risks = settings
                .accepted_risks
                .into_iter()
                .map(|r| crate::emit::ReadmeRisk {
                    check: r.check,
                    what: r.what,
                    reason: r.reason,
                    accepted_by: if r.in_settings {
                        sources.describe()
                    } else {
                        "the blueprint".to_owned()
                    },
                })
                .collect();
            Ok(StackFacts {
                risks,
                images: Some(images),
                atlantis: settings.atlantis,
            })
        }
        _ => Ok(StackFacts {
            risks: Vec::new(),
            images: None,
            atlantis: None,
        }),
    }
}

pub use crate::ops::Image;

/// The images a stack deploys, one per service in settings order, and the
/// registry host they are pushed to, when its blueprint has any.
///
/// # Errors
///
/// The settings do not load or validate.
pub fn images(sources: &Sources) -> Result<Option<(Vec<Image>, String)>, SettingsError> {
    match sources.blueprint()?.as_str() {
        gke_web_service::NAME => {
            let settings = sources.load::<gke_web_service::Settings>()?;
            Ok(Some(gke_web_service::images(&settings)))
        }
        _ => Ok(None),
    }
}
