//! What keeps a stack from being synthesized: problems, each at its
//! address, reported all at once.

use std::fmt;

/// One problem found at synth, with the address it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// Where: a Terraform address such as `google_compute_network.vpc`.
    pub address: String,
    /// What is wrong, naming the attribute where there is one.
    pub message: String,
}

impl Problem {
    pub(crate) fn new(address: impl fmt::Display, message: impl Into<String>) -> Self {
        Problem {
            address: address.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.address, self.message)
    }
}

/// Every problem that kept a stack from being synthesized, sorted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SynthError {
    /// The problems, sorted by address then message.
    pub problems: Vec<Problem>,
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
