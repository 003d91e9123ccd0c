//! The provider-agnostic Terraform document: stacks, addresses, typed
//! handles and expressions, synth-time checks. No I/O and no provider names.

mod address;
mod body;
mod check;
mod expr;
mod identity;
mod link;
mod sorted;
mod stack;
mod types;
mod version;

pub use address::{ConfigAddress, InstanceKey, ModuleStep, ObjectStep, Target};
pub use body::{Body, BodyError, Dynamic, DynamicIter, Dynamics, Entries, Entry, Key};
pub use check::{Document, Problem, SynthError, is_identifier};
pub use expr::{
    Expr, Expression, FunctionCall, ObjectMap, Part, Reference, Root, Step, Template, Value,
    escape_template,
};
pub use identity::RootModuleId;
pub use link::{NamedRoot, TerraformRemoteState, export_name, link_roots, link_roots_with};
pub use sorted::SortedMap;
pub use stack::{
    Address, Backend, Block, Check, CheckScope, Condition, DataSource, Dependency, IgnoreChanges,
    Import, Lifecycle, LocalKind, Meta, ModuleCall, ModuleKind, Moved, Output, Path, Provider,
    ProviderRef, Ref, Removed, RequiredProvider, Resource, Stack, TerraformBlock, Timeouts,
    Untyped, Validation, Variable, VariableKind, count_index, each_key, each_value,
};
pub use types::VarType;

pub(crate) use check::{PARALLEL_FROM, expression_references, template_references};
pub(crate) use expr::{write_hcl_quoted, write_hcl_string_body, write_index};
