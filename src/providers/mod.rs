//! Typed provider structs: one struct per Terraform resource or data source
//! type, field names equal to the provider's attribute names.

pub mod google;
pub mod kubernetes;
