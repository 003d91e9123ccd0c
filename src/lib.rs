//! tfsynth: typed Rust values in, deterministic Terraform configuration out.

pub mod constructs;
pub mod emit;
pub mod providers;
pub mod settings;
pub mod stacks;
pub mod synth;
pub mod tf;
