//! tfsynth: typed Rust values in, deterministic Terraform configuration out.

pub mod constructs;
pub mod diff;
pub mod emit;
pub mod ops;
pub mod providers;
pub mod schema;
pub mod settings;
pub mod smoke;
pub mod stacks;
pub mod synth;
pub mod tf;

/// The README's Rust examples run as doc tests, so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
