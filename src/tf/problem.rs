//! What keeps a stack from being synthesized: problems, each a
//! [`Diagnostic`] at its address, reported all at once.

use std::fmt;

pub use crate::diagnostic::Diagnostic;

/// A problem found at synth, of the block at `address` (a Terraform
/// address such as `google_compute_network.vpc`), its message naming the
/// attribute where there is one.
pub(crate) fn problem(address: impl fmt::Display, message: impl Into<String>) -> Diagnostic {
    Diagnostic::at_address(address, message)
}

/// Every problem that kept a stack from being synthesized, sorted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SynthError {
    /// The problems, sorted by address then message.
    pub problems: Vec<Diagnostic>,
}

impl fmt::Display for SynthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{n} problem{} in the stack",
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}
