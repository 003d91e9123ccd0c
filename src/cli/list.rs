//! `tfsynth list`: the stacks, their blueprints and Terraform roots.

use std::io::Write;
use std::process::ExitCode;

use tfsynth::project::Project;

use super::{Failure, input_error};

pub(super) fn run(project: &Project) -> Result<ExitCode, Failure> {
    let names = project.stack_names(&[])?;
    super::warn(&project.stack_warnings());
    let mut stdout = std::io::stdout().lock();
    let mut errors = Vec::new();
    for name in &names {
        let built = project.sources(name).and_then(|s| {
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
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let message: Vec<String> = errors.iter().map(ToString::to_string).collect();
    Err(Failure {
        // Each problem on a line of its own under --message-format json.
        problems: super::settings_problems(&errors),
        ..input_error(message.join("\n"))
    })
}
