//! Emitters: pure functions from a resolved [`Document`](crate::tf::Document)
//! to Terraform JSON and HCL text.

mod hcl;
mod json;
#[cfg(feature = "gke")]
mod readme;
pub(crate) mod text;

pub use self::hcl::to_hcl;
pub(crate) use self::json::write_json_string;
pub use self::json::{to_json, to_json_value};
#[cfg(feature = "gke")]
pub use self::readme::{ReadmeImages, ReadmeRisk, stack_readme};
pub use self::text::expression_text;
