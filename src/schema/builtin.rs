//! The schemas of Terraform's built-in provider
//! (`terraform.io/builtin/terraform`), which no schema file holds:
//! `terraform_data` and the `terraform_remote_state` data source.
//!
//! Written from Terraform 1.11's own definitions (internal/builtin/providers/
//! terraform: `dataStoreResourceSchema` and `dataSourceRemoteStateGetSchema`),
//! as `terraform providers schema -json` prints them.

use std::sync::LazyLock;

use super::{BlockSchema, Kind};

/// The built-in schemas, as the JSON `terraform providers schema -json`
/// prints for them: parsed once, on first use.
static BUILTIN: LazyLock<(BlockSchema, BlockSchema)> = LazyLock::new(|| {
    let parse = |json: &str| -> BlockSchema {
        // The text below is a constant of this file, checked by the test
        // `the_builtin_schemas_parse`: it cannot fail at run time.
        serde_json::from_str(json).unwrap_or_default()
    };
    (parse(TERRAFORM_DATA), parse(TERRAFORM_REMOTE_STATE))
});

/// `terraform_data`: any value in, the same value out, and replacement
/// when `triggers_replace` changes.
const TERRAFORM_DATA: &str = r#"{
  "attributes": {
    "id": {"type": "string", "computed": true},
    "input": {"type": "dynamic", "optional": true},
    "output": {"type": "dynamic", "computed": true},
    "triggers_replace": {"type": "dynamic", "optional": true}
  }
}"#;

/// `data "terraform_remote_state"`: another root's outputs, read from its
/// backend.
const TERRAFORM_REMOTE_STATE: &str = r#"{
  "attributes": {
    "backend": {"type": "string", "required": true},
    "config": {"type": "dynamic", "optional": true},
    "defaults": {"type": "dynamic", "optional": true},
    "outputs": {"type": "dynamic", "computed": true},
    "workspace": {"type": "string", "optional": true}
  }
}"#;

/// The schema of built-in type `type_name`, if it is one.
pub(super) fn schema(kind: Kind, type_name: &str) -> Option<&'static BlockSchema> {
    match (kind, type_name) {
        (Kind::Resource, "terraform_data") => Some(&BUILTIN.0),
        (Kind::Data, "terraform_remote_state") => Some(&BUILTIN.1),
        _ => None,
    }
}

/// The built-in types of `kind`, for suggestions.
pub(super) fn names(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Resource => &["terraform_data"],
        Kind::Data => &["terraform_remote_state"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_schemas_parse() {
        for json in [TERRAFORM_DATA, TERRAFORM_REMOTE_STATE] {
            let schema: BlockSchema = serde_json::from_str(json).unwrap();
            assert!(schema.attributes.len() >= 4);
        }
        assert!(
            schema(Kind::Data, "terraform_remote_state")
                .is_some_and(|s| s.attributes.get("backend").is_some_and(|a| a.required))
        );
    }
}
