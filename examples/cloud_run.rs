//! A Cloud Run service with a private Cloud SQL database, through
//! generated bindings only (see `cloud_run/mod.rs`).
//!
//! `cargo run --example cloud_run` validates the stack against the shipped
//! schemas plus random's and prints its Terraform JSON (`main.tf.json`);
//! `cargo run --example cloud_run -- --hcl` prints the same configuration
//! as HCL, for reading.

#[path = "cloud_run/mod.rs"]
mod cloud_run;
// Generated; see `cloud_run/mod.rs` for why it is never formatted and
// may hold dead code.
#[rustfmt::skip]
#[allow(dead_code, unused_imports)]
#[path = "random/mod.rs"]
mod random;

use cloud_run::{HEADER, Settings, stack};
use tfsynth::schema::{Schemas, validate_resolved};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let doc = stack(&Settings::example()).resolve()?;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut schemas = Schemas::load_dir(&dir.join("schemas"), "schemas")?;
    schemas.add_text(
        "examples/schemas/random.json",
        std::fs::read_to_string(dir.join("examples/schemas/random.json"))?,
    )?;
    let report = validate_resolved(&doc, &schemas);
    for finding in &report.findings {
        eprintln!("{finding}");
    }
    if !report.is_clean() {
        return Err(format!("{} findings", report.findings.len()).into());
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => print!("{}", tfsynth::emit::to_json(&doc, HEADER)),
        [flag] if flag == "--hcl" => print!("{}", tfsynth::emit::to_hcl(&doc, HEADER)),
        _ => return Err(format!("usage: cloud_run [--hcl], not {args:?}").into()),
    }
    Ok(())
}
