//! A README for reviewers of a stack's generated directory, rendered with
//! minijinja from `templates/stack-readme.md.j2`.

use std::collections::BTreeMap;

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::tf::Document;

/// The template, compiled into the binary so synth works from any directory.
const TEMPLATE: &str = include_str!("../../templates/stack-readme.md.j2");

#[derive(Serialize)]
struct Count {
    name: String,
    count: usize,
}

#[derive(Serialize)]
struct OutputDoc {
    name: String,
    description: String,
}

#[derive(Serialize)]
struct RootDoc {
    name: String,
    resource_count: usize,
    resources: Vec<Count>,
    data: Vec<Count>,
    outputs: Vec<OutputDoc>,
}

/// A security-scanner finding the stack accepts, as its README lists it
/// under "Accepted risks".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadmeRisk {
    /// The scanner's check id: `CKV_GCP_18`.
    pub check: String,
    /// What it flags.
    pub what: String,
    /// Why it is accepted.
    pub reason: String,
    /// Who accepted it: `the blueprint`, or the settings file.
    pub accepted_by: String,
}

/// The images a stack deploys, for the README's Apply section: built and
/// pushed after the root that creates their registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadmeImages {
    /// Each image, in settings order.
    pub images: Vec<crate::ops::Image>,
    /// The registry host docker is configured for.
    pub registry_host: String,
    /// The root after which they are built.
    pub after_root: String,
}

/// A root kept in an HCP Terraform workspace, as the README's "HCP
/// Terraform" section lists it.
#[derive(Serialize)]
struct WorkspaceDoc {
    root: String,
    organization: String,
    workspace: String,
    project: String,
    /// The workspaces whose state this root reads.
    reads: Vec<String>,
}

/// A host the team signs in to, and the environment variable that holds
/// its token in CI (`TF_TOKEN_` and the host, `.` as `_` and `-` as
/// `__`: Terraform, "Environment Variable Credentials"); a host with a
/// port has none (a variable name cannot hold `:`), only a `credentials`
/// block of the CLI configuration.
#[derive(Serialize)]
struct HostDoc {
    host: String,
    token_variable: Option<String>,
}

#[derive(Serialize)]
struct Context<'a> {
    header: &'a str,
    stack: &'a str,
    sources: &'a str,
    blueprint: &'a str,
    roots: Vec<RootDoc>,
    risks: Vec<ReadmeRisk>,
    images: Vec<crate::ops::Image>,
    registry_host: &'a str,
    images_after: &'a str,
    workspaces: Vec<WorkspaceDoc>,
    hosts: Vec<HostDoc>,
}

fn counts<'a>(keys: impl Iterator<Item = &'a (String, String)>) -> Vec<Count> {
    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    for (kind, _) in keys {
        *by_type.entry(kind).or_default() += 1;
    }
    by_type
        .into_iter()
        .map(|(name, count)| Count {
            name: name.to_owned(),
            count,
        })
        .collect()
}

/// Renders the README of one stack: its roots in apply order (given as
/// name and resolved document), what each holds, its outputs, the
/// security-scanner findings it accepts, and how to apply (building and
/// pushing `images`, if any, at their place) and destroy it.
///
/// # Errors
///
/// The template does not render (a bug: every variable it names is set).
pub fn stack_readme(
    header: &str,
    stack: &str,
    sources: &str,
    blueprint: &str,
    roots: &[(String, &Document)],
    risks: &[ReadmeRisk],
    images: Option<&ReadmeImages>,
) -> Result<String, minijinja::Error> {
    let root_docs = roots
        .iter()
        .map(|(name, doc)| RootDoc {
            name: name.clone(),
            resource_count: doc.resources.len(),
            resources: counts(doc.resources.keys()),
            data: counts(doc.data.keys()),
            outputs: doc
                .outputs
                .iter()
                .map(|(name, o)| OutputDoc {
                    name: name.clone(),
                    description: o
                        .description
                        .clone()
                        .unwrap_or_default()
                        .replace('|', "\\|"),
                })
                .collect(),
        })
        .collect();
    let (workspaces, hosts) = workspaces(roots);
    let mut env = Environment::new();
    // A misspelt variable is an error, never an empty string.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env.add_template("stack-readme.md", TEMPLATE)?;
    let text = env.get_template("stack-readme.md")?.render(Context {
        header,
        stack,
        sources,
        blueprint,
        roots: root_docs,
        risks: risks
            .iter()
            .map(|r| ReadmeRisk {
                reason: r.reason.replace('|', "\\|"),
                what: r.what.replace('|', "\\|"),
                ..r.clone()
            })
            .collect(),
        images: images.map(|i| i.images.clone()).unwrap_or_default(),
        registry_host: images.map_or("", |i| i.registry_host.as_str()),
        images_after: images.map_or("", |i| i.after_root.as_str()),
        workspaces,
        hosts,
    })?;
    Ok(text)
}

/// The roots kept in HCP Terraform workspaces, each with the workspaces
/// it reads (a linked read is `data.terraform_remote_state.ROOT`), and
/// the hosts they are on, sorted.
fn workspaces(roots: &[(String, &Document)]) -> (Vec<WorkspaceDoc>, Vec<HostDoc>) {
    use crate::tf::CloudWorkspaces;
    let name_of = |doc: &Document| match doc.terraform.cloud.as_ref().map(|c| &c.workspaces) {
        Some(CloudWorkspaces::Name(name)) => Some(name.clone()),
        Some(CloudWorkspaces::Tags(tags)) => Some(format!(
            "tagged {}",
            tags.iter().cloned().collect::<Vec<_>>().join(", ")
        )),
        None => None,
    };
    let mut hosts = std::collections::BTreeSet::new();
    let mut listed = Vec::new();
    for (root, doc) in roots {
        let Some(cloud) = &doc.terraform.cloud else {
            continue;
        };
        hosts.insert(
            cloud
                .hostname
                .clone()
                .unwrap_or_else(|| "app.terraform.io".to_owned()),
        );
        let reads = doc
            .data
            .keys()
            .filter(|(kind, _)| kind == "terraform_remote_state")
            .filter_map(|(_, read)| roots.iter().find(|(name, _)| name == read))
            .filter_map(|(_, read)| name_of(read))
            .collect();
        listed.push(WorkspaceDoc {
            root: root.clone(),
            organization: cloud.organization.clone(),
            workspace: name_of(doc).unwrap_or_default(),
            project: cloud.project.clone().unwrap_or_default(),
            reads,
        });
    }
    let hosts = hosts
        .into_iter()
        .map(|host| HostDoc {
            token_variable: (!host.contains(':'))
                .then(|| format!("TF_TOKEN_{}", host.replace('-', "__").replace('.', "_"))),
            host,
        })
        .collect();
    (listed, hosts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variable_missing_from_the_context_fails_the_render() {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.add_template("t", TEMPLATE).unwrap();
        let err = env
            .get_template("t")
            .unwrap()
            .render(minijinja::context! { header => "h", stack => "s", sources => "x", roots => Vec::<u8>::new(), risks => Vec::<u8>::new() })
            .unwrap_err();
        assert_eq!(err.kind(), minijinja::ErrorKind::UndefinedError, "{err}");
    }

    #[test]
    fn the_readme_lists_roots_in_apply_order_and_destroys_in_reverse() {
        let doc = crate::tf::Stack::new().resolve().unwrap();
        let text = stack_readme(
            "generated by tfsynth from stacks/s.toml, do not edit",
            "s",
            "stacks/s.toml",
            "bp",
            &[("first".to_owned(), &doc), ("second".to_owned(), &doc)],
            &[],
            None,
        )
        .unwrap();
        assert!(
            text.starts_with("<!-- generated by tfsynth from stacks/s.toml, do not edit -->\n")
        );
        let apply = text.find("-chdir=first init").unwrap();
        assert!(apply < text.find("-chdir=second init").unwrap());
        let destroy = text.find("-chdir=second destroy").unwrap();
        assert!(destroy < text.find("-chdir=first destroy").unwrap());
    }

    #[test]
    fn images_are_built_and_pushed_between_the_registry_root_and_the_next() {
        let doc = crate::tf::Stack::new().resolve().unwrap();
        let images = ReadmeImages {
            images: vec![crate::ops::Image {
                service: "web".to_owned(),
                reference: "r-docker.pkg.dev/p/a/web:1.0.0".to_owned(),
                dockerfile: "web/Dockerfile".to_owned(),
            }],
            registry_host: "r-docker.pkg.dev".to_owned(),
            after_root: "first".to_owned(),
        };
        let text = stack_readme(
            "h",
            "s",
            "stacks/s.toml",
            "bp",
            &[("first".to_owned(), &doc), ("second".to_owned(), &doc)],
            &[],
            Some(&images),
        )
        .unwrap();
        assert!(text.contains("`tfsynth deploy --stack s --build` does all of this"));
        let first = text.find("-chdir=first apply").unwrap();
        let build = text
            .find("docker build -f web/Dockerfile -t r-docker.pkg.dev/p/a/web:1.0.0 .")
            .unwrap();
        let push = text
            .find("docker push r-docker.pkg.dev/p/a/web:1.0.0")
            .unwrap();
        let second = text.find("-chdir=second init").unwrap();
        assert!(first < build && build < push && push < second, "{text}");
    }
}
