//! `tfsynth smoketest`: poll the deployed app until its page and health
//! check answer, or fail with the reason at the deadline.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use tfsynth::ops;
use tfsynth::project::Project;
use tfsynth::smoke;
use tfsynth::synth::{self, Format};

use super::{Failure, check_failed, input_error, stack_name};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["stack", "url"])))]
pub(super) struct SmoketestArgs {
    /// Read the URL from this stack's `app_url` Terraform output.
    #[arg(long, value_name = "NAME", value_parser = stack_name)]
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

pub(super) fn run(project: &Project, args: SmoketestArgs) -> Result<ExitCode, Failure> {
    use std::io::IsTerminal;
    let url = match (&args.url, &args.stack) {
        (Some(url), _) => url.clone(),
        (None, Some(stack)) => {
            let sources = project
                .sources(stack)
                .map_err(|e| input_error(e.to_string()))?;
            let roots = synth::synth_stack(&sources, Format::Json, None)
                .map_err(|e| input_error(e.to_string()))?
                .roots;
            let url = ops::app_url(project.dir(), &args.out, stack, &roots).map_err(input_error)?;
            smoke::parse_url(&url)
                .map_err(|e| input_error(format!("stack {stack}: the app_url output {e}")))?
        }
        (None, None) => return Err(input_error("name --stack or --url")),
    };
    let tty = std::io::stdout().is_terminal();
    let mut stdout = std::io::stdout();
    let mut report = |a: &smoke::Attempt| {
        let line = match &a.result {
            Ok(seen) => format!("attempt {} ({}s): ok: {seen}", a.number, a.at.as_secs()),
            Err(reason) => format!("attempt {} ({}s): {reason}", a.number, a.at.as_secs()),
        };
        if tty {
            let _ = write!(stdout, "\r\x1b[2K{line}");
        } else {
            let _ = writeln!(stdout, "{line}");
        }
        let _ = stdout.flush();
    };
    let polled = smoke::poll(
        args.timeout,
        &smoke::SystemClock,
        &mut |per_try| smoke::attempt(&url, &args.expect, per_try),
        &mut report,
    );
    if tty {
        let _ = writeln!(std::io::stdout());
    }
    match polled.last.result {
        Ok(_) => Ok(ExitCode::SUCCESS),
        Err(reason) => Err(check_failed(format!(
            "smoketest of {} failed after {}s and {} attempt{}: {reason}",
            smoke::redact(&url),
            polled.took.as_secs(),
            polled.last.number,
            if polled.last.number == 1 { "" } else { "s" }
        ))),
    }
}
