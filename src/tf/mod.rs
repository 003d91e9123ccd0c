//! The provider-agnostic Terraform document: stacks, addresses, typed
//! handles and expressions, synth-time checks. No I/O and no provider names.

mod address;
mod body;
mod check;
mod escape;
mod expr;
mod identity;
mod link;
mod problem;
mod sorted;
mod stack;
mod types;
mod version;

pub use address::{
    Address, ConfigAddress, Dependency, InstanceKey, ModuleStep, ObjectStep, Target,
};
pub use body::{Body, BodyError, Dynamic, DynamicIter, Dynamics, Entries, Entry, Key};
pub use check::{Document, is_identifier};
pub use escape::escape_template;
pub use expr::{
    Expr, Expression, FunctionCall, Number, ObjectMap, Part, Path, Reference, Root, Set, Step,
    Template, Value,
};
pub use identity::RootModuleId;
pub use link::{NamedRoot, TerraformRemoteState, export_name, link_roots, link_roots_with};
pub use problem::SynthError;
pub use sorted::SortedMap;
pub use stack::{
    Backend, Block, Check, CheckScope, Cloud, CloudWorkspaces, Condition, DataSource,
    IgnoreChanges, Import, Lifecycle, LocalKind, Meta, ModuleCall, ModuleKind, Moved, Output,
    Provider, ProviderConfig, ProviderRef, Ref, Removed, RequiredProvider, Resource, Stack,
    TerraformBlock, Timeouts, Untyped, Validation, Variable, VariableKind, count_index, each_key,
    each_value,
};
pub use types::VarType;

#[cfg(feature = "gke")]
pub(crate) use check::PARALLEL_FROM;
pub(crate) use check::{expression_references, template_references};
pub(crate) use escape::{write_hcl_quoted, write_hcl_string_body, write_index};
