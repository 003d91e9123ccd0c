//! The Terraform document: everything one root module holds, added through
//! typed handles.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Serialize;

use super::address::{Address, Dependency, InstanceKey, Target};
use super::body::{Body, BodyError};
use super::expr::{Expr, Expression, Path, Reference, Root, Step};
use super::identity::RootModuleId;
use super::problem::{Diagnostic, problem};
use super::types::VarType;

/// A Terraform managed resource type, implemented by every provider struct.
///
/// Generated bindings write their body field by field; a hand-written
/// struct that derives `Serialize` writes it through serde with one line,
/// [`serde_body!`](crate::serde_body).
pub trait Resource {
    /// The Terraform type name, e.g. `google_compute_network`.
    const TYPE: &'static str;

    /// The resource's block body.
    ///
    /// # Errors
    ///
    /// A [`BodyError`] when the value has no block form (only the serde
    /// route can fail: a map where a struct belongs, a non-finite float).
    fn into_body(self) -> Result<Body, BodyError>;
}

/// A Terraform data source type.
///
/// Its body is written as a [`Resource`]'s is.
pub trait DataSource {
    /// The Terraform type name, e.g. `google_client_config`.
    const TYPE: &'static str;

    /// The data source's block body.
    ///
    /// # Errors
    ///
    /// A [`BodyError`] when the value has no block form (serde route only).
    fn into_body(self) -> Result<Body, BodyError>;
}

/// A provider's configuration block, as generated bindings write it
/// ([`Stack::configure`]).
pub trait ProviderConfig {
    /// The provider's local name, e.g. `random`.
    const NAME: &'static str;

    /// The configuration's block body.
    fn into_body(self) -> Body;
}

/// Implements [`Resource::into_body`] or [`DataSource::into_body`] through
/// serde, for a hand-written struct that derives `Serialize`: write
/// `tfsynth::serde_body!();` inside its `impl Resource` block.
#[macro_export]
macro_rules! serde_body {
    () => {
        fn into_body(self) -> ::std::result::Result<$crate::tf::Body, $crate::tf::BodyError> {
            $crate::tf::Body::from_serialize(&self)
        }
    };
}

/// A handle to something added to a [`Stack`]; the only way to reference it.
///
/// It knows the root module it came from: references and `depends_on`
/// entries made through it carry that identity, so linking wires them to
/// that root and no other.
#[derive(Debug)]
pub struct Ref<R> {
    root: Root,
    origin: RootModuleId,
    _kind: PhantomData<fn() -> R>,
}

impl<R> PartialEq for Ref<R> {
    fn eq(&self, other: &Self) -> bool {
        self.root == other.root && self.origin == other.origin
    }
}

impl<R> Eq for Ref<R> {}

impl<R> Clone for Ref<R> {
    fn clone(&self) -> Self {
        Ref {
            root: self.root.clone(),
            origin: self.origin.clone(),
            _kind: PhantomData,
        }
    }
}

impl<R> Ref<R> {
    fn new(root: Root, origin: &RootModuleId) -> Self {
        Ref {
            root,
            origin: origin.clone(),
            _kind: PhantomData,
        }
    }

    /// The root module this handle came from.
    pub fn root_module(&self) -> &RootModuleId {
        &self.origin
    }

    /// A reference to this object followed by `steps`, carrying its origin.
    fn reference(&self, steps: Vec<Step>) -> Reference {
        Reference {
            root: self.root.clone(),
            steps,
            origin: Some(self.origin.clone()),
        }
    }

    /// The Terraform address this handle names (`google_compute_network.vpc`).
    /// Not `address()`: that name belongs to resources' own `address`
    /// attribute (a reserved IP's, for one).
    pub fn tf_address(&self) -> Address {
        self.root
            .address()
            .expect("a handle always names an object in the stack")
            .clone()
    }

    /// A path into this object's attributes, starting with `name`:
    /// `cluster.at("master_auth").index(0).attr("cluster_ca_certificate")`.
    pub fn at(&self, name: impl Into<String>) -> Path {
        Path::from_reference(self.reference(vec![Step::Attr(name.into())]))
    }

    /// A path that starts at the object itself, for instance keys of a
    /// counted resource: `pool.path().splat().attr("id")`.
    pub fn path(&self) -> Path {
        Path::from_reference(self.reference(Vec::new()))
    }

    /// The attribute `name` of this object, as a typed expression.
    pub fn attr<T>(&self, name: impl Into<String>) -> Expr<T> {
        self.at(name).typed()
    }

    /// The whole object, e.g. to pass a resource as an object to a module.
    pub fn whole<T>(&self) -> Expr<T> {
        Expr::new(Expression::from(self.reference(Vec::new())))
    }

    /// This object or module call as the `to` of a `moved` or `import`
    /// block.
    pub fn target(&self) -> Target {
        Target::new(self.dep(), None)
    }

    /// One instance of this counted or `for_each` object or module call,
    /// `[0]` or `["logs"]`, as the `to` of a `moved` or `import` block.
    pub fn instance(&self, key: impl Into<InstanceKey>) -> Target {
        Target::new(self.dep(), Some(key.into()))
    }

    /// A `depends_on` entry on this object.
    pub fn dep(&self) -> Dependency {
        Dependency {
            address: self.tf_address(),
            origin: Some(self.origin.clone()),
        }
    }
}

/// Typed accessors for every resource: its `id`.
impl<R: Resource> Ref<R> {
    /// The provider-assigned id of the resource.
    pub fn id(&self) -> Expr<String> {
        self.attr("id")
    }
}

/// Marker type for handles to resources added with [`Stack::add_body`].
#[derive(Debug)]
pub struct Untyped;

/// Marker type for handles to input variables.
#[derive(Debug)]
pub struct VariableKind;
/// Marker type for handles to local values.
#[derive(Debug)]
pub struct LocalKind;
/// Marker type for handles to module calls.
#[derive(Debug)]
pub struct ModuleKind;

impl Ref<VariableKind> {
    /// The variable's value.
    pub fn value<T>(&self) -> Expr<T> {
        self.whole()
    }
}
impl Ref<LocalKind> {
    /// The local's value.
    pub fn value<T>(&self) -> Expr<T> {
        self.whole()
    }
}
impl Ref<ModuleKind> {
    /// One output of the module.
    pub fn output<T>(&self, name: impl Into<String>) -> Expr<T> {
        self.attr(name)
    }
}

/// `each.key` inside a resource with `for_each`.
pub fn each_key() -> Expr<String> {
    Expr::new(Expression::from(Reference::new(
        Root::Each,
        vec![Step::Attr("key".into())],
    )))
}

/// `each.value` inside a resource with `for_each`.
pub fn each_value<T>() -> Expr<T> {
    Expr::new(Expression::from(Reference::new(
        Root::Each,
        vec![Step::Attr("value".into())],
    )))
}

/// `count.index` inside a resource with `count`.
pub fn count_index() -> Expr<i64> {
    Expr::new(Expression::from(Reference::new(
        Root::Count,
        vec![Step::Attr("index".into())],
    )))
}

/// A handle to a provider configuration, for a resource's `provider`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProviderRef {
    pub(crate) name: String,
    pub(crate) alias: Option<String>,
}

impl fmt::Display for ProviderRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.alias {
            None => f.write_str(&self.name),
            Some(alias) => write!(f, "{}.{alias}", self.name),
        }
    }
}

/// `ignore_changes` in a lifecycle block.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum IgnoreChanges {
    /// Nothing ignored.
    #[default]
    None,
    /// These attribute paths (`labels`, `node_config[0].labels`).
    Attrs(Vec<String>),
    /// `all`
    All,
}

/// A resource's `lifecycle` block.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lifecycle {
    /// Create the replacement before destroying the old object.
    pub create_before_destroy: Option<bool>,
    /// Refuse any plan that would destroy this object.
    pub prevent_destroy: Option<bool>,
    /// Attribute changes Terraform should not act on.
    pub ignore_changes: IgnoreChanges,
    /// Replace this object whenever one of these changes.
    pub replace_triggered_by: Vec<Reference>,
    /// Checked before the object is planned: `precondition` blocks.
    pub preconditions: Vec<Condition>,
    /// Checked once the object is planned or applied, and may refer to it
    /// as `self`: `postcondition` blocks.
    pub postconditions: Vec<Condition>,
}

/// A resource's `timeouts` block, for operations that may take long.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Timeouts {
    /// Create timeout, e.g. `"45m"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create: Option<String>,
    /// Read timeout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read: Option<String>,
    /// Update timeout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update: Option<String>,
    /// Delete timeout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete: Option<String>,
}

impl Timeouts {
    /// The timeouts that are set, by operation, sorted by name: the one
    /// listing the emitters and the validator read.
    pub fn fields(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let Timeouts {
            create,
            read,
            update,
            delete,
        } = self;
        [
            ("create", create),
            ("delete", delete),
            ("read", read),
            ("update", update),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_deref().map(|v| (name, v)))
    }

    /// The `timeouts` block's body.
    pub fn to_body(&self) -> Body {
        let mut body = Body::new();
        for (name, value) in self.fields() {
            body.set(name, value);
        }
        body
    }
}

/// Meta-arguments of a resource or data source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    /// `count`: how many instances.
    pub count: Option<Expression>,
    /// `for_each`: one instance per map key or set element.
    pub for_each: Option<Expression>,
    /// `depends_on`: ordering that references do not express.
    pub depends_on: Vec<Dependency>,
    /// `provider`: a non-default provider configuration.
    pub provider: Option<ProviderRef>,
    /// `lifecycle`
    pub lifecycle: Lifecycle,
    /// `timeouts`
    pub timeouts: Option<Timeouts>,
}

/// One change made through the raw override escape hatch.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Override {
    pub(crate) path: String,
    /// `None` deletes whatever is at the path.
    pub(crate) value: Option<Expression>,
}

/// A resource or data source block in the stack.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Its address.
    pub address: Address,
    /// The type name.
    pub kind: String,
    /// The logical name.
    pub name: String,
    /// The body, from the typed struct.
    pub body: Body,
    /// Meta-arguments.
    pub meta: Meta,
    pub(crate) overrides: Vec<Override>,
}

/// A required provider: where it comes from and which versions fit.
#[derive(Debug, Clone, PartialEq)]
pub struct RequiredProvider {
    /// Registry source, e.g. `hashicorp/google`.
    pub source: String,
    /// Version constraint, e.g. `~> 6.50`; `None` for a provider that
    /// has no versions of its own, such as the built-in `terraform`
    /// (`terraform.io/builtin/terraform`), which comes with Terraform.
    pub version: Option<String>,
}

/// Where Terraform keeps state.
#[derive(Debug, Clone, PartialEq)]
pub struct Backend {
    /// Backend type, e.g. `gcs` or `local`.
    pub kind: String,
    /// Its settings; literals only.
    pub settings: BTreeMap<String, Expression>,
}

/// The `cloud` block: HCP Terraform or Terraform Enterprise keeps this
/// root's state in a workspace and runs its plans and applies (Terraform
/// 1.1+; `workspaces.project` 1.5+). Terraform takes a `cloud` block or a
/// `backend` block, never both ("Terraform Settings: HCP Terraform").
///
/// There is no `token`: a credential never belongs in committed
/// configuration. Terraform finds it from `terraform login` or the
/// `TF_TOKEN_<hostname>` environment variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Cloud {
    /// The organization, e.g. `example-org`: letters, digits, `-`, `_`
    /// and `.`.
    pub organization: String,
    /// The host of Terraform Enterprise; HCP Terraform's
    /// `app.terraform.io` when `None`.
    pub hostname: Option<String>,
    /// Which workspace or workspaces the root's state is kept in.
    pub workspaces: CloudWorkspaces,
    /// The HCP Terraform project new workspaces are created in; the
    /// organization's default project when `None`.
    pub project: Option<String>,
}

/// The workspaces a [`Cloud`] block maps the root to (its `workspaces`
/// block: `name` or `tags`, never both).
#[derive(Debug, Clone, PartialEq)]
pub enum CloudWorkspaces {
    /// One workspace, created on `terraform init` when it does not exist;
    /// Terraform selects it, so `terraform workspace show` prints this
    /// name. HCP Terraform allows letters, digits, `-` and `_`, at most 90
    /// characters ("Workspace naming").
    Name(String),
    /// Every workspace with all these tags; `terraform workspace select`
    /// picks one. Another root cannot read such a root's outputs through
    /// a link: which workspace holds them is known only when it runs.
    Tags(std::collections::BTreeSet<String>),
}

impl Cloud {
    /// The host a `hostname` names, as hosts compare: lower case, without
    /// HTTPS's default port `:443`; `app.terraform.io` for `None`.
    pub fn normal_host(hostname: Option<&str>) -> String {
        let host = hostname.unwrap_or("app.terraform.io").to_ascii_lowercase();
        match host.strip_suffix(":443") {
            Some(bare) => bare.to_owned(),
            None => host,
        }
    }

    /// A root kept in one workspace of `organization` on HCP Terraform.
    pub fn workspace(organization: impl Into<String>, name: impl Into<String>) -> Cloud {
        Cloud {
            organization: organization.into(),
            hostname: None,
            workspaces: CloudWorkspaces::Name(name.into()),
            project: None,
        }
    }

    /// Whether `name` can be an organization: letters, digits, `-`, `_`
    /// and `.` (it goes into API paths, which go-tfe checks so).
    pub fn is_organization(name: &str) -> bool {
        only(name, &['-', '_', '.'])
    }

    /// Whether `name` can be a workspace: 1 to 90 letters, digits, `-`
    /// and `_` (HCP Terraform, "Workspace naming").
    pub fn is_workspace_name(name: &str) -> bool {
        only(name, &['-', '_']) && name.len() <= 90
    }

    /// Whether `tag` can be a workspace tag: 1 to 255 letters, digits,
    /// `:`, `-` and `_` (HCP Terraform, "Organization tags").
    pub fn is_tag(tag: &str) -> bool {
        only(tag, &[':', '-', '_']) && tag.len() <= 255
    }

    /// Whether `host` is a bare DNS host name, optionally with a port
    /// (`tfe.example.com`, `tfe.example.com:8443`), not a URL: labels of
    /// 1 to 63 ASCII letters, digits and `-`, neither first nor last,
    /// at most 253 characters in all (RFC 1123), and a port from 1 to
    /// 65535.
    pub fn is_hostname(host: &str) -> bool {
        let (name, port) = match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        };
        let label_ok = |label: &str| {
            (1..=63).contains(&label.len())
                && only(label, &['-'])
                && !label.starts_with('-')
                && !label.ends_with('-')
        };
        name.len() <= 253
            && name.split('.').all(label_ok)
            && port.is_none_or(|p| {
                p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok_and(|n| n > 0)
            })
    }

    /// Whether `name` can be a project: 3 to 40 ASCII letters, digits,
    /// `_`, `-` and spaces, neither first nor last a space (the rule the
    /// `tfe` provider checks for `tfe_project.name`).
    pub fn is_project(name: &str) -> bool {
        (3..=40).contains(&name.len())
            && only(name, &['_', '-', ' '])
            && !name.starts_with(' ')
            && !name.ends_with(' ')
    }
}

/// Whether `text` is not empty and holds only ASCII letters, digits and
/// `extra`.
fn only(text: &str, extra: &[char]) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || extra.contains(&c))
}

/// The `terraform` block.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TerraformBlock {
    /// `required_version`, e.g. `>= 1.7`.
    pub required_version: Option<String>,
    /// Providers by local name.
    pub required_providers: BTreeMap<String, RequiredProvider>,
    /// State backend; Terraform's local default when `None` (and no
    /// [`cloud`](Self::cloud) block).
    pub backend: Option<Backend>,
    /// HCP Terraform or Terraform Enterprise, in place of a backend:
    /// synth refuses a root that sets both.
    pub cloud: Option<Cloud>,
}

impl TerraformBlock {
    /// Where this root's state is kept when that place can be shared with
    /// another root: `HCP Terraform workspace ORG/NAME on HOST`,
    /// `gs://BUCKET/PREFIX/default.tfstate` (the `gcs` backend keeps the
    /// default workspace's state there), or a backend's type and
    /// settings; a cloud block's names in lower case, as HCP Terraform
    /// compares them. `None` for state in the root's own directory (no backend,
    /// or `local` at a relative path) and for workspaces chosen by tags.
    /// Two roots with one location overwrite each other's state.
    pub fn state_location(&self) -> Option<String> {
        if let Some(cloud) = &self.cloud {
            let CloudWorkspaces::Name(name) = &cloud.workspaces else {
                return None;
            };
            let host = Cloud::normal_host(cloud.hostname.as_deref());
            // Organization and workspace names are unique without regard
            // to case, and looked up so (hashicorp/terraform#29005).
            return Some(format!(
                "HCP Terraform workspace {}/{} on {host}",
                cloud.organization.to_ascii_lowercase(),
                name.to_ascii_lowercase()
            ));
        }
        let backend = self.backend.as_ref()?;
        let text = |key: &str| match backend.settings.get(key) {
            Some(Expression::String(s)) => Some(s.as_str()),
            _ => None,
        };
        match backend.kind.as_str() {
            "gcs" => Some(format!(
                "gs://{}/{}default.tfstate",
                text("bucket")?,
                text("prefix")
                    .map(|p| format!("{}/", p.trim_matches('/')))
                    .filter(|p| p != "/")
                    .unwrap_or_default()
            )),
            "local" => text("path")
                .filter(|p| p.starts_with('/'))
                .map(|p| format!("the file {p}")),
            kind => Some(format!(
                "backend {kind} {}",
                backend
                    .settings
                    .iter()
                    .map(|(k, v)| match v {
                        Expression::String(s) => format!("{k}={s:?}"),
                        other => format!("{k}={}", crate::emit::text::expression_text(other)),
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
        }
    }
}

/// A provider configuration block.
#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    /// Local name, e.g. `google`.
    pub name: String,
    /// Alias, for a second configuration of the same provider.
    pub alias: Option<String>,
    /// Settings.
    pub body: Body,
}

/// A custom condition: a variable's `validation`, a `precondition` or
/// `postcondition` of a resource, data source or output, or an `assert`
/// of a check block (Terraform's "Custom Conditions").
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// Must be true.
    pub condition: Expression,
    /// Shown when it is not: a template, so it may interpolate.
    pub error_message: Expression,
}

/// A `validation` block of a variable.
pub type Validation = Condition;

/// A `check` block: assertions Terraform evaluates after every plan and
/// apply, reported as warnings, never blocking (Terraform 1.5+), with
/// data sources of its own that only its assertions may read.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// Scoped data sources, by address.
    pub data: Vec<Block>,
    /// The `assert` blocks.
    pub assertions: Vec<Condition>,
}

/// What a check block is built in: [`Stack::check`] hands it to the
/// closure that adds the block's scoped data sources.
pub struct CheckScope<'s> {
    id: &'s RootModuleId,
    data: Vec<Block>,
    deferred: &'s mut Vec<Diagnostic>,
}

impl CheckScope<'_> {
    /// Adds a data source that only this check block's assertions read
    /// (a "scoped data source": its failure is a warning of the check,
    /// not an error of the plan).
    pub fn data<D: DataSource>(&mut self, name: impl Into<String>, source: D) -> Ref<D> {
        let name = name.into();
        let root = Root::data(D::TYPE.to_owned(), name.clone());
        let (block, problem) =
            make_block(&root, D::TYPE, name, source.into_body(), Meta::default());
        self.deferred.extend(problem);
        self.data.push(block);
        Ref::new(root, self.id)
    }
}

/// A block of `kind` from a typed value: the body, or an empty one and the
/// problem that kept the value from being a body.
fn make_block(
    root: &Root,
    kind: &str,
    name: String,
    body: Result<Body, BodyError>,
    meta: Meta,
) -> (Block, Option<Diagnostic>) {
    let address = root
        .address()
        .expect("resources and data sources have addresses")
        .clone();
    let (body, problem) = match body {
        Ok(body) => (body, None),
        Err(BodyError(e)) => (Body::new(), Some(problem(address.clone(), e))),
    };
    (
        Block {
            address,
            kind: kind.to_owned(),
            name,
            body,
            meta,
            overrides: Vec::new(),
        },
        problem,
    )
}

/// An input variable.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Variable {
    /// Type constraint.
    pub r#type: Option<VarType>,
    /// Default value; must be a literal.
    pub default: Option<Expression>,
    /// Shown to whoever sets the variable.
    pub description: Option<String>,
    /// Hide the value in plan output.
    pub sensitive: Option<bool>,
    /// Whether `null` is an acceptable value.
    pub nullable: Option<bool>,
    /// Custom checks.
    pub validations: Vec<Validation>,
}

/// An output value.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// The value.
    pub value: Expression,
    /// What the value is.
    pub description: Option<String>,
    /// Hide the value in plan output.
    pub sensitive: Option<bool>,
    /// Ordering that references do not express.
    pub depends_on: Vec<Dependency>,
    /// Checked before the value is recorded: `precondition` blocks.
    pub preconditions: Vec<Condition>,
}

impl Output {
    /// An output of `value` with a description.
    pub fn new(value: impl Into<Expression>, description: impl Into<String>) -> Self {
        Output {
            value: value.into(),
            description: Some(description.into()),
            sensitive: None,
            depends_on: Vec::new(),
            preconditions: Vec::new(),
        }
    }
}

/// A module call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModuleCall {
    /// Module source; never a template.
    pub source: String,
    /// Version constraint for registry modules.
    pub version: Option<String>,
    /// Input variables.
    pub inputs: BTreeMap<String, Expression>,
    /// Provider configurations passed in, keyed by the name the module
    /// knows them by: `NAME`, or `NAME.ALIAS` for one of the module's
    /// `configuration_aliases` (written `terraform.src = terraform.west`).
    pub providers: BTreeMap<String, ProviderRef>,
    /// `count`
    pub count: Option<Expression>,
    /// `for_each`
    pub for_each: Option<Expression>,
    /// `depends_on`
    pub depends_on: Vec<Dependency>,
}

/// A `moved` block: the object once at `from` is now at `to`, so a rename
/// does not destroy and recreate it.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    /// The old address, e.g. `google_compute_network.vpc`,
    /// `google_storage_bucket.b[0]` or `module.old`; checked at synth.
    pub from: String,
    /// The new address: a handle into the stack, optionally one instance
    /// or an object inside a module call.
    pub to: Target,
}

/// An `import` block: adopt an existing object.
#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    /// Where it goes in the stack: a resource, optionally one instance, or
    /// a resource inside a module call.
    pub to: Target,
    /// The provider's id for the existing object.
    pub id: Expression,
    /// Non-default provider configuration.
    pub provider: Option<ProviderRef>,
}

/// A `removed` block: forget an object without (or with) destroying it.
#[derive(Debug, Clone, PartialEq)]
pub struct Removed {
    /// The address that left the configuration.
    pub from: String,
    /// Whether Terraform destroys the real object.
    pub destroy: bool,
}

/// One Terraform root module, built through typed handles and emitted as a
/// whole by [`crate::emit`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stack {
    pub(crate) terraform: TerraformBlock,
    pub(crate) providers: Vec<Provider>,
    pub(crate) variables: Vec<(String, Variable)>,
    pub(crate) locals: Vec<(String, Expression)>,
    pub(crate) blocks: Vec<Block>,
    pub(crate) outputs: Vec<(String, Output)>,
    pub(crate) modules: Vec<(String, ModuleCall)>,
    pub(crate) moved: Vec<Moved>,
    pub(crate) imports: Vec<Import>,
    pub(crate) removed: Vec<Removed>,
    pub(crate) checks: Vec<(String, Check)>,
    /// Problems found while adding, reported with all others at synth.
    pub(crate) deferred: Vec<Diagnostic>,
    /// Which root module this is; every handle it gives out carries it.
    pub(crate) id: RootModuleId,
}

impl Stack {
    /// An empty stack with no name. Prefer [`Stack::named`] for a root
    /// that other roots read from: messages about its handles can then
    /// name it.
    pub fn new() -> Self {
        Stack::default()
    }

    /// An empty stack for the root module `name` (its directory, e.g.
    /// `cluster`), the name messages use for its handles.
    pub fn named(name: impl Into<String>) -> Self {
        Stack {
            id: RootModuleId::new(Some(name.into())),
            ..Stack::default()
        }
    }

    /// This root module's identity, which every handle it gives out carries.
    pub fn root_module(&self) -> &RootModuleId {
        &self.id
    }

    /// The `terraform` block, to set versions and the backend.
    pub fn terraform_mut(&mut self) -> &mut TerraformBlock {
        &mut self.terraform
    }

    /// The `terraform` block.
    pub fn terraform(&self) -> &TerraformBlock {
        &self.terraform
    }

    /// Adds a provider configuration and returns its handle.
    pub fn provider<P: Serialize>(
        &mut self,
        name: impl Into<String>,
        alias: Option<&str>,
        settings: &P,
    ) -> ProviderRef {
        let name = name.into();
        let body = Body::from_serialize(settings).unwrap_or_else(|BodyError(e)| {
            self.deferred.push(problem(
                Address::Provider {
                    name: name.clone(),
                    alias: alias.map(str::to_owned),
                },
                e,
            ));
            Body::new()
        });
        self.providers.push(Provider {
            name: name.clone(),
            alias: alias.map(str::to_owned),
            body,
        });
        ProviderRef {
            name,
            alias: alias.map(str::to_owned),
        }
    }

    /// Adds the default configuration of a provider whose bindings were
    /// generated (`tfsynth bindgen`), and returns its handle.
    pub fn configure<P: ProviderConfig>(&mut self, config: P) -> ProviderRef {
        self.push_provider(P::NAME, None, config.into_body())
    }

    /// Adds a second configuration of a generated provider, under `alias`.
    pub fn configure_alias<P: ProviderConfig>(
        &mut self,
        alias: impl Into<String>,
        config: P,
    ) -> ProviderRef {
        self.push_provider(P::NAME, Some(alias.into()), config.into_body())
    }

    fn push_provider(&mut self, name: &str, alias: Option<String>, body: Body) -> ProviderRef {
        self.providers.push(Provider {
            name: name.to_owned(),
            alias: alias.clone(),
            body,
        });
        ProviderRef {
            name: name.to_owned(),
            alias,
        }
    }

    /// Adds a managed resource under `name` and returns its handle.
    pub fn add<R: Resource>(&mut self, name: impl Into<String>, resource: R) -> Ref<R> {
        self.add_with(name, resource, Meta::default())
    }

    /// Adds a managed resource with meta-arguments.
    pub fn add_with<R: Resource>(
        &mut self,
        name: impl Into<String>,
        resource: R,
        meta: Meta,
    ) -> Ref<R> {
        let name = name.into();
        let root = Root::resource(R::TYPE.to_owned(), name.clone());
        self.push_block(&root, R::TYPE, name, resource.into_body(), meta);
        Ref::new(root, &self.id)
    }

    /// Adds a resource of a type that has no typed struct yet, from a body
    /// built by hand. Prefer a typed struct: it is checked against the
    /// provider schema field by field.
    pub fn add_body(
        &mut self,
        kind: impl Into<String>,
        name: impl Into<String>,
        body: Body,
        meta: Meta,
    ) -> Ref<Untyped> {
        let (kind, name) = (kind.into(), name.into());
        let root = Root::resource(kind.clone(), name.clone());
        self.blocks.push(Block {
            address: root.address().expect("resources have addresses").clone(),
            kind,
            name,
            body,
            meta,
            overrides: Vec::new(),
        });
        Ref::new(root, &self.id)
    }

    /// Adds a data source under `name` and returns its handle.
    pub fn data<D: DataSource>(&mut self, name: impl Into<String>, source: D) -> Ref<D> {
        self.data_with(name, source, Meta::default())
    }

    /// Adds a data source with meta-arguments.
    pub fn data_with<D: DataSource>(
        &mut self,
        name: impl Into<String>,
        source: D,
        meta: Meta,
    ) -> Ref<D> {
        let name = name.into();
        let root = Root::data(D::TYPE.to_owned(), name.clone());
        self.push_block(&root, D::TYPE, name, source.into_body(), meta);
        Ref::new(root, &self.id)
    }

    fn push_block(
        &mut self,
        root: &Root,
        kind: &str,
        name: String,
        body: Result<Body, BodyError>,
        meta: Meta,
    ) {
        let (block, problem) = make_block(root, kind, name, body, meta);
        self.deferred.extend(problem);
        self.blocks.push(block);
    }

    /// Adds a check block named `name`: `build` adds its scoped data
    /// sources to the scope it is given and returns its assertions.
    ///
    /// ```
    /// use tfsynth::tf::{Condition, Expression, Stack, Variable};
    /// let mut stack = Stack::new();
    /// stack.variable("replicas", Variable { default: Some(2.into()), ..Variable::default() });
    /// stack.check("redundant", |_| {
    ///     vec![Condition {
    ///         condition: Expression::raw("var.replicas >= 2"),
    ///         error_message: "fewer than two replicas: one zone's outage stops the app".into(),
    ///     }]
    /// });
    /// assert!(stack.resolve().is_ok());
    /// ```
    pub fn check(
        &mut self,
        name: impl Into<String>,
        build: impl FnOnce(&mut CheckScope<'_>) -> Vec<Condition>,
    ) {
        let mut scope = CheckScope {
            id: &self.id,
            data: Vec::new(),
            deferred: &mut self.deferred,
        };
        let assertions = build(&mut scope);
        let data = scope.data;
        self.checks.push((name.into(), Check { data, assertions }));
    }

    /// Adds an input variable.
    pub fn variable(&mut self, name: impl Into<String>, variable: Variable) -> Ref<VariableKind> {
        let name = name.into();
        self.variables.push((name.clone(), variable));
        Ref::new(Root::var(name), &self.id)
    }

    /// Adds a local value.
    pub fn local(
        &mut self,
        name: impl Into<String>,
        value: impl Into<Expression>,
    ) -> Ref<LocalKind> {
        let name = name.into();
        self.locals.push((name.clone(), value.into()));
        Ref::new(Root::local(name), &self.id)
    }

    /// Adds an output value.
    pub fn output(&mut self, name: impl Into<String>, output: Output) {
        self.outputs.push((name.into(), output));
    }

    /// Adds a module call.
    pub fn module(&mut self, name: impl Into<String>, call: ModuleCall) -> Ref<ModuleKind> {
        let name = name.into();
        self.modules.push((name.clone(), call));
        Ref::new(Root::module(name), &self.id)
    }

    /// Records that the object once at `from` now lives at `to`: a handle
    /// (`&bucket`), one instance of it (`bucket.instance("logs")`), or an
    /// object inside a module call
    /// (`storage.target().within("google_storage_bucket.b")`). `from` is
    /// an address such as `google_storage_bucket.b`, `…b[0]`, `…b["x"]`,
    /// `module.old` or `module.old.google_storage_bucket.b`.
    pub fn moved(&mut self, from: impl Into<String>, to: impl Into<Target>) {
        self.moved.push(Moved {
            from: from.into(),
            to: to.into(),
        });
    }

    /// The object this stack declares at `address` (`google_storage_bucket.b`),
    /// as the `to` of a `moved` or `import` block, for code that knows an
    /// address but no longer holds the handle; `None` when the stack
    /// declares no resource or data source there.
    pub fn target_of(&self, address: &str) -> Option<Target> {
        let block = self
            .blocks
            .iter()
            .find(|b| b.address.to_string() == address)?;
        Some(Target::new(
            Dependency {
                address: block.address.clone(),
                origin: Some(self.root_module().clone()),
            },
            None,
        ))
    }

    /// Adopts an existing object into `to`: a handle, one instance of it,
    /// or a resource inside a module call.
    pub fn import(&mut self, to: impl Into<Target>, id: impl Into<Expression>) {
        self.imports.push(Import {
            to: to.into(),
            id: id.into(),
            provider: None,
        });
    }

    /// Forgets the object or module call at `from` (no instance keys:
    /// Terraform removes a whole object); it is destroyed only when
    /// `destroy`.
    pub fn removed(&mut self, from: impl Into<String>, destroy: bool) {
        self.removed.push(Removed {
            from: from.into(),
            destroy,
        });
    }

    /// The escape hatch for attributes the typed structs lack: sets `value`
    /// at the dotted `path` (`node_config.0.labels.team`) of the resource or
    /// data source behind `handle`, deep-merged into its body at synth.
    /// Numeric segments index repeated blocks and lists; missing
    /// intermediate segments are created as nested blocks.
    pub fn override_attr<R>(
        &mut self,
        handle: &Ref<R>,
        path: impl Into<String>,
        value: impl Into<Expression>,
    ) {
        self.push_override(handle, path.into(), Some(value.into()));
    }

    /// Deletes whatever is at the dotted `path` of a resource's body at synth.
    pub fn remove_attr<R>(&mut self, handle: &Ref<R>, path: impl Into<String>) {
        self.push_override(handle, path.into(), None);
    }

    fn push_override<R>(&mut self, handle: &Ref<R>, path: String, value: Option<Expression>) {
        let address = handle.tf_address();
        // A handle from another stack has no block here, even when this
        // stack holds the same address: report it at synth.
        if handle.origin != self.id {
            self.deferred.push(problem(
                &address,
                format!(
                    "override {path:?}: the handle belongs to {}, not to this root",
                    handle.origin
                ),
            ));
            return;
        }
        match self.blocks.iter_mut().rev().find(|b| b.address == address) {
            Some(block) => block.overrides.push(Override { path, value }),
            None => self.deferred.push(problem(
                &address,
                format!("override {path:?}: {address} is not in this stack"),
            )),
        }
    }

    /// Every expression in the stack, for rewriting references: bodies,
    /// meta-arguments, providers, variable validations, locals, outputs,
    /// module calls and import ids.
    pub(crate) fn expressions_mut(&mut self) -> Vec<&mut Expression> {
        let mut out: Vec<&mut Expression> = Vec::new();
        for b in &mut self.blocks {
            out.extend(b.body.expressions_mut());
            out.extend(b.meta.count.iter_mut());
            out.extend(b.meta.for_each.iter_mut());
            let l = &mut b.meta.lifecycle;
            for c in l.preconditions.iter_mut().chain(&mut l.postconditions) {
                out.push(&mut c.condition);
                out.push(&mut c.error_message);
            }
            for o in &mut b.overrides {
                out.extend(o.value.iter_mut());
            }
        }
        for p in &mut self.providers {
            out.extend(p.body.expressions_mut());
        }
        for (_, v) in &mut self.variables {
            for val in &mut v.validations {
                out.push(&mut val.condition);
                out.push(&mut val.error_message);
            }
        }
        for (_, e) in &mut self.locals {
            out.push(e);
        }
        for (_, o) in &mut self.outputs {
            out.push(&mut o.value);
            for c in &mut o.preconditions {
                out.push(&mut c.condition);
                out.push(&mut c.error_message);
            }
        }
        for (_, check) in &mut self.checks {
            for b in &mut check.data {
                out.extend(b.body.expressions_mut());
            }
            for c in &mut check.assertions {
                out.push(&mut c.condition);
                out.push(&mut c.error_message);
            }
        }
        for (_, m) in &mut self.modules {
            out.extend(m.inputs.values_mut());
            out.extend(m.count.iter_mut());
            out.extend(m.for_each.iter_mut());
        }
        for i in &mut self.imports {
            out.push(&mut i.id);
        }
        out
    }

    /// Every address a reference into this stack can start from:
    /// resources, data sources, variables, locals and modules.
    pub fn defined(&self) -> std::collections::BTreeSet<Address> {
        let mut out: std::collections::BTreeSet<Address> =
            self.blocks.iter().map(|b| b.address.clone()).collect();
        out.extend(
            self.variables
                .iter()
                .map(|(n, _)| Address::Variable(n.clone())),
        );
        out.extend(self.locals.iter().map(|(n, _)| Address::Local(n.clone())));
        out.extend(self.modules.iter().map(|(n, _)| Address::Module(n.clone())));
        out
    }

    /// Whether an output of this name exists.
    pub fn has_output(&self, name: &str) -> bool {
        self.outputs.iter().any(|(n, _)| n == name)
    }

    /// Resources and data sources, in the order they were added.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// Output names and values, in the order they were added.
    pub fn outputs(&self) -> impl Iterator<Item = (&str, &Output)> {
        self.outputs.iter().map(|(n, o)| (n.as_str(), o))
    }

    /// Variable names and definitions, in the order they were added.
    pub fn variables(&self) -> impl Iterator<Item = (&str, &Variable)> {
        self.variables.iter().map(|(n, v)| (n.as_str(), v))
    }
}

impl<R> From<&Ref<R>> for Target {
    fn from(handle: &Ref<R>) -> Self {
        handle.target()
    }
}
