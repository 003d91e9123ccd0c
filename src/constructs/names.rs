//! The names constructs give what they create in Google Cloud and
//! Kubernetes, and the rules each kind of name must follow, so settings
//! can be refused at synth instead of at apply.

/// A kind of name and what Google Cloud or Kubernetes accepts for it:
/// `min..=max` characters, a lowercase letter first (or a letter or digit,
/// for Kubernetes), then lowercase letters, digits and hyphens, and no
/// hyphen last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameRule {
    /// What is named, for messages: `"a service account id"`.
    pub what: &'static str,
    /// Fewest characters.
    pub min: usize,
    /// Most characters.
    pub max: usize,
    /// Whether the first character may be a digit (Kubernetes' DNS labels,
    /// RFC 1123) rather than only a letter (Compute Engine, RFC 1035).
    pub digit_first: bool,
}

/// Compute Engine resource names (networks, subnetworks, routers, NATs,
/// firewalls, addresses, certificates, security policies) and Artifact
/// Registry repository ids: RFC 1035 labels of at most 63 characters
/// (Compute Engine, "Naming resources").
pub const COMPUTE_NAME: NameRule = NameRule {
    what: "a Compute Engine name",
    min: 1,
    max: 63,
    digit_first: false,
};

/// GKE cluster and node pool names: at most 40 characters (GKE API,
/// `Cluster.name` and `NodePool.name`).
pub const GKE_NAME: NameRule = NameRule {
    what: "a GKE cluster or node pool name",
    min: 1,
    max: 40,
    digit_first: false,
};

/// Service account ids, the part before `@`: 6 to 30 characters (IAM,
/// "Create service accounts").
pub const SERVICE_ACCOUNT_ID: NameRule = NameRule {
    what: "a service account id",
    min: 6,
    max: 30,
    digit_first: false,
};

/// Kubernetes namespaces and the names of Services and Ingresses: RFC 1123
/// DNS labels of at most 63 characters (Kubernetes, "Object Names and
/// IDs").
pub const DNS_LABEL: NameRule = NameRule {
    what: "a Kubernetes DNS label",
    min: 1,
    max: 63,
    digit_first: true,
};

impl NameRule {
    /// Why `name` breaks the rule, as a parenthetical (`"67 characters;
    /// at most 63"`), or `None` when it follows it.
    pub fn check(&self, name: &str) -> Option<String> {
        let len = name.chars().count();
        if len < self.min || len > self.max {
            let range = if self.min == 1 {
                format!("at most {}", self.max)
            } else {
                format!("{} to {}", self.min, self.max)
            };
            return Some(format!(
                "{len} character{}; {range}",
                if len == 1 { "" } else { "s" }
            ));
        }
        let b = name.as_bytes();
        let first_ok = b[0].is_ascii_lowercase() || (self.digit_first && b[0].is_ascii_digit());
        let chars_ok = b
            .iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-');
        if !first_ok || !chars_ok || b[b.len() - 1] == b'-' {
            return Some(format!(
                "lowercase letters, digits and hyphens, {}, no hyphen last",
                if self.digit_first {
                    "a letter or digit first"
                } else {
                    "a letter first"
                }
            ));
        }
        None
    }
}

/// One name a construct creates: what it names, the name, and its rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudName {
    /// What is named, for messages: `"the Cloud Router"`.
    pub what: &'static str,
    /// The name as it is created.
    pub name: String,
    /// The rule it must follow.
    pub rule: NameRule,
}

impl CloudName {
    /// A name `name` of `what`, under `rule`.
    pub fn new(what: &'static str, name: impl Into<String>, rule: NameRule) -> Self {
        CloudName {
            what,
            name: name.into(),
            rule,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_takes_its_shortest_and_longest_names_and_refuses_one_more_or_less() {
        for rule in [COMPUTE_NAME, GKE_NAME, SERVICE_ACCOUNT_ID, DNS_LABEL] {
            let name = |n: usize| "a".repeat(n);
            assert_eq!(rule.check(&name(rule.min)), None, "{rule:?}");
            assert_eq!(rule.check(&name(rule.max)), None, "{rule:?}");
            assert!(rule.check(&name(rule.max + 1)).is_some(), "{rule:?}");
            assert!(rule.check(&name(rule.min - 1)).is_some(), "{rule:?}");
        }
    }

    #[test]
    fn a_digit_first_is_a_kubernetes_name_but_not_a_compute_engine_one() {
        assert_eq!(DNS_LABEL.check("1app"), None);
        assert!(COMPUTE_NAME.check("1app").is_some());
        for bad in ["App", "app-", "a_p", "a p", "é"] {
            assert!(DNS_LABEL.check(bad).is_some(), "{bad:?}");
            assert!(COMPUTE_NAME.check(bad).is_some(), "{bad:?}");
        }
    }
}
