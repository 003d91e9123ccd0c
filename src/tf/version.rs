//! Terraform version constraints (`required_version`), as far as the
//! checks need them: which language features the versions a root admits
//! all have.
//!
//! The syntax is Terraform's (hashicorp/go-version): constraints joined by
//! commas, each an operator (`=`, `!=`, `>`, `>=`, `<`, `<=`, `~>`, or
//! none for `=`) and a version of one to three numbers, optionally with a
//! `v` in front and a `-prerelease` after.

use std::cmp::Ordering;

/// A version, `major.minor.patch`; a prerelease sorts before its release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Version {
    numbers: [u64; 3],
    prerelease: Option<String>,
}

impl Version {
    /// A release version.
    pub(crate) const fn release(major: u64, minor: u64, patch: u64) -> Version {
        Version {
            numbers: [major, minor, patch],
            prerelease: None,
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers
            .cmp(&other.numbers)
            .then_with(|| match (&self.prerelease, &other.prerelease) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            })
    }
}

/// Parses one version: `1`, `1.9`, `v1.9.0`, `1.9.0-beta1`.
fn parse_version(text: &str) -> Option<Version> {
    let text = text.strip_prefix('v').unwrap_or(text);
    let (core, prerelease) = match text.split_once('-') {
        Some((core, pre)) if !pre.is_empty() => (core, Some(pre.to_owned())),
        Some(_) => return None,
        None => (text, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let mut numbers = [0; 3];
    for (slot, part) in numbers.iter_mut().zip(&parts) {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *slot = part.parse().ok()?;
    }
    Some(Version {
        numbers,
        prerelease,
    })
}

/// The lowest version `constraint` admits, as the version and whether it
/// is admitted itself (`> 1.8` admits versions after 1.8.0, not 1.8.0);
/// `None` when nothing bounds it from below.
///
/// # Errors
///
/// The constraint, described, when it is not one Terraform reads.
fn lower_bound(constraint: &str) -> Result<Option<(Version, bool)>, String> {
    let mut lowest: Option<(Version, bool)> = None;
    for part in constraint.split(',') {
        let part = part.trim();
        let (op, rest) = ["~>", ">=", "<=", "!=", ">", "<", "="]
            .into_iter()
            .find_map(|op| part.strip_prefix(op).map(|rest| (op, rest.trim_start())))
            .unwrap_or(("=", part));
        let Some(version) = parse_version(rest) else {
            return Err(format!("{part:?} is not a version constraint"));
        };
        let bound = match op {
            ">=" | "=" | "~>" => Some((version, true)),
            ">" => Some((version, false)),
            _ => None,
        };
        if let Some(bound) = bound {
            let higher = match &lowest {
                None => true,
                Some(current) => (&bound.0, !bound.1) > (&current.0, !current.1),
            };
            if higher {
                lowest = Some(bound);
            }
        }
    }
    Ok(lowest)
}

/// Whether every version `constraint` admits is `min` or later: `>= 1.9`,
/// `~> 1.10` and `1.9.2` do for 1.9.0, `>= 1.7` and `> 1.8` do not.
///
/// # Errors
///
/// A message naming the part of the constraint Terraform would not read.
pub(crate) fn admits_only_from(constraint: &str, min: &Version) -> Result<bool, String> {
    // With `> lowest`, everything after `lowest` is admitted (a
    // prerelease of the next patch included), so `lowest` itself must be
    // `min` or later either way.
    Ok(lower_bound(constraint)?.is_some_and(|(lowest, _)| lowest >= *min))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_admit_only_later_versions_when_their_lower_bound_says_so() {
        let v19 = Version::release(1, 9, 0);
        for (constraint, only_later) in [
            (">= 1.9", true),
            (">= 1.9.0", true),
            (">=1.9", true),
            ("~> 1.9", true),
            ("~> 1.10.2", true),
            ("1.9.2", true),
            ("= 1.11.4", true),
            ("v1.9.0", true),
            (">= 1.7, < 2.0, >= 1.9", true),
            ("> 1.9", true),
            ("> 1.8", false),
            (">= 1.7", false),
            (">= 1.9.0-beta1", false),
            ("~> 1.8", false),
            ("< 2.0", false),
            ("!= 1.8.0", false),
            ("~> 2", true),
        ] {
            assert_eq!(
                admits_only_from(constraint, &v19),
                Ok(only_later),
                "{constraint}"
            );
        }
    }

    #[test]
    fn text_that_is_not_a_constraint_is_named() {
        for bad in ["latest", ">= 1.x", "", ">=", "1.2.3.4", "1.9-"] {
            let err = admits_only_from(bad, &Version::release(1, 9, 0)).unwrap_err();
            assert!(err.ends_with("is not a version constraint"), "{bad}: {err}");
        }
    }
}
