//! One type for every problem tfsynth reports: in a settings file, in a
//! stack being synthesized, in a Terraform file being validated.
//!
//! A diagnostic has a place and a message. The place has up to three
//! parts, each empty when it does not apply: the file (with line and
//! column), the Terraform block (its address), and the key inside (a
//! dotted settings key, or an attribute path in the block). It is shown
//! as the parts present, joined by `: `, the way compilers and Terraform
//! show theirs:
//!
//! ```text
//! stacks/hello.toml:10:1: network.pods_cidr: 10.10.4.0/22 overlaps network.subnet_cidr
//! google_compute_subnetwork.s: private_ip_google_acess: unknown attribute or block
//! generated/hello/cluster/main.tf.json:4:34: var.region: defualt: unknown argument of a variable
//! ```

use std::fmt;

/// One problem, at its place. Sorted by file, line, column, address, key,
/// then message.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    /// The file, as the user names it (`stacks/hello.toml`,
    /// `generated/hello/cluster/main.tf.json`); empty when none.
    pub file: String,
    /// 1-based line in the file; 0 when the problem has no line.
    pub line: usize,
    /// 1-based column, in characters; 0 when it has no line.
    pub column: usize,
    /// The Terraform block it is about: a resource address
    /// (`google_compute_network.vpc`), `var.region`, `output.url`,
    /// `provider.google`; empty when none.
    pub address: String,
    /// Where inside: a dotted settings key (`network.subnet_cidr`,
    /// `node_pools[1].max_nodes`) or an attribute path in the block
    /// (`node_config[0].disk_size_gb`); empty for the whole.
    pub key: String,
    /// What is wrong, and where it helps, what to do.
    pub message: String,
}

impl Diagnostic {
    /// A problem with no place yet.
    pub fn new(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            ..Diagnostic::default()
        }
    }

    /// A problem with the value at `key` (a settings key, or an attribute
    /// path), in no file yet.
    pub fn at_key(key: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(message).with_key(key)
    }

    /// A problem of the Terraform block at `address`.
    pub fn at_address(address: impl fmt::Display, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            address: address.to_string(),
            ..Diagnostic::new(message)
        }
    }

    /// This diagnostic in `file`, at `line` and `column` (1-based; 0 for
    /// none).
    #[must_use]
    pub fn in_file(self, file: impl Into<String>, line: usize, column: usize) -> Diagnostic {
        Diagnostic {
            file: file.into(),
            line,
            column,
            ..self
        }
    }

    /// This diagnostic at `key` inside its block or file.
    #[must_use]
    pub fn with_key(self, key: impl Into<String>) -> Diagnostic {
        Diagnostic {
            key: key.into(),
            ..self
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut part = |f: &mut fmt::Formatter<'_>, text: &dyn fmt::Display| {
            let sep = if first { "" } else { ": " };
            first = false;
            write!(f, "{sep}{text}")
        };
        if !self.file.is_empty() {
            if self.line > 0 {
                part(
                    f,
                    &format_args!("{}:{}:{}", self.file, self.line, self.column),
                )?;
            } else {
                part(f, &self.file)?;
            }
        }
        if !self.address.is_empty() {
            part(f, &self.address)?;
        }
        if !self.key.is_empty() {
            part(f, &self.key)?;
        }
        part(f, &self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diagnostic_shows_the_parts_of_its_place_it_has() {
        let cases = [
            (Diagnostic::new("no stacks"), "no stacks"),
            (
                Diagnostic::at_key("network.pods_cidr", "overlaps").in_file(
                    "stacks/hello.toml",
                    10,
                    1,
                ),
                "stacks/hello.toml:10:1: network.pods_cidr: overlaps",
            ),
            (
                Diagnostic::new("cannot read").in_file("stacks/x.toml", 0, 0),
                "stacks/x.toml: cannot read",
            ),
            (
                Diagnostic::at_address("google_compute_network.vpc", "duplicate"),
                "google_compute_network.vpc: duplicate",
            ),
            (
                Diagnostic::at_address("var.region", "unknown argument")
                    .with_key("defualt")
                    .in_file("m/main.tf.json", 4, 34),
                "m/main.tf.json:4:34: var.region: defualt: unknown argument",
            ),
        ];
        for (d, shown) in cases {
            assert_eq!(d.to_string(), shown);
        }
    }

    #[test]
    fn diagnostics_sort_by_file_then_position_then_address() {
        let mut ds = [
            Diagnostic::new("b").in_file("b.toml", 1, 1),
            Diagnostic::new("a").in_file("a.toml", 2, 1),
            Diagnostic::new("a").in_file("a.toml", 1, 5),
            Diagnostic::at_address("x.b", "m"),
        ];
        ds.sort();
        let shown: Vec<String> = ds.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            ["x.b: m", "a.toml:1:5: a", "a.toml:2:1: a", "b.toml:1:1: b"]
        );
    }
}
