//! Terraform expressions: literals, references, function calls, templates
//! and checked raw expressions.
//!
//! Only the emitters write `${...}`; everything here is structured data, so
//! a literal string can never turn into an interpolation by accident.

use std::fmt;
use std::marker::PhantomData;

use serde::{Deserialize, Serialize};

use super::address::{Address, AddressKey};
use super::escape::write_hcl_quoted;
use super::escape::write_index;
use super::identity::RootModuleId;

/// The thing a reference starts from: an object of the root module (its
/// [`Address`]: a resource, data source, variable, local or module call),
/// or one of the names Terraform binds where they stand.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Root {
    /// An object of the root module, by its address.
    Object(Address),
    /// `each` inside a `for_each` resource (`each.key`, `each.value`).
    Each,
    /// `count` inside a counted resource (`count.index`).
    Count,
    /// The iterator of a `dynamic` block inside its content
    /// (`ITER.key`, `ITER.value`), by its name.
    Iterator(String),
}

impl Root {
    /// A managed resource: `TYPE.NAME`.
    pub fn resource(kind: impl Into<String>, name: impl Into<String>) -> Root {
        Root::Object(Address::Resource {
            kind: kind.into(),
            name: name.into(),
        })
    }

    /// A data source: `data.TYPE.NAME`.
    pub fn data(kind: impl Into<String>, name: impl Into<String>) -> Root {
        Root::Object(Address::Data {
            kind: kind.into(),
            name: name.into(),
        })
    }

    /// An input variable: `var.NAME`.
    pub fn var(name: impl Into<String>) -> Root {
        Root::Object(Address::Variable(name.into()))
    }

    /// A local value: `local.NAME`.
    pub fn local(name: impl Into<String>) -> Root {
        Root::Object(Address::Local(name.into()))
    }

    /// A module call's outputs: `module.NAME`.
    pub fn module(name: impl Into<String>) -> Root {
        Root::Object(Address::Module(name.into()))
    }

    /// The address of the object this root names, when it is an object of
    /// the root module (`each`, `count` and iterators are not).
    pub fn address(&self) -> Option<&Address> {
        match self {
            Root::Object(address) => Some(address),
            Root::Each | Root::Count | Root::Iterator(_) => None,
        }
    }

    /// The address this root names, borrowed; `None` for `each`, `count`
    /// and iterators.
    pub(crate) fn key(&self) -> Option<AddressKey<'_>> {
        self.address().map(Address::key)
    }

    /// Writes the root as Terraform spells it, without the formatting
    /// machinery: references are written by the thousand.
    fn write_to(&self, w: &mut impl fmt::Write) -> fmt::Result {
        let (prefix, kind, name) = match self {
            Root::Object(Address::Resource { kind, name }) => ("", kind.as_str(), name.as_str()),
            Root::Object(Address::Data { kind, name }) => ("data.", kind.as_str(), name.as_str()),
            Root::Object(Address::Variable(name)) => ("", "var", name.as_str()),
            Root::Object(Address::Local(name)) => ("", "local", name.as_str()),
            Root::Object(Address::Module(name)) => ("", "module", name.as_str()),
            // Not references' roots, but written as their addresses read.
            Root::Object(other) => return write!(w, "{other}"),
            Root::Each => return w.write_str("each"),
            Root::Count => return w.write_str("count"),
            Root::Iterator(name) => return w.write_str(name),
        };
        w.write_str(prefix)?;
        w.write_str(kind)?;
        w.write_char('.')?;
        w.write_str(name)
    }
}

impl fmt::Display for Root {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

/// One step after the root of a reference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Step {
    /// `.name`
    Attr(String),
    /// `[3]`
    Index(u64),
    /// `["key"]`
    Key(String),
    /// `[*]`, the splat operator.
    Splat,
}

/// A reference: a root followed by attribute and index steps, such as
/// `google_container_cluster.primary.master_auth[0].cluster_ca_certificate`.
///
/// Two references are equal (and sort, and hash) by what they say, root
/// and steps; `origin` is where they came from, not part of the text.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reference {
    /// Where the reference starts.
    pub root: Root,
    /// The steps after the root.
    pub steps: Vec<Step>,
    /// The root module whose handle made this reference; `None` for one
    /// written by hand or found in a raw expression, which refers to the
    /// root it stands in. [`link_roots`](crate::tf::link_roots) resolves a
    /// reference by this identity, and the checks refuse one whose origin
    /// is another root.
    #[serde(skip)]
    pub origin: Option<RootModuleId>,
}

impl PartialEq for Reference {
    fn eq(&self, other: &Self) -> bool {
        self.root == other.root && self.steps == other.steps
    }
}

impl Eq for Reference {}

impl PartialOrd for Reference {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Reference {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (&self.root, &self.steps).cmp(&(&other.root, &other.steps))
    }
}

impl std::hash::Hash for Reference {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.root.hash(state);
        self.steps.hash(state);
    }
}

impl Reference {
    /// A reference to `root` followed by `steps`, with no origin: it refers
    /// to whatever root module it is used in.
    pub fn new(root: Root, steps: Vec<Step>) -> Self {
        Reference {
            root,
            steps,
            origin: None,
        }
    }

    /// Writes the reference as Terraform spells it (what `Display` shows),
    /// without the formatting machinery.
    pub(crate) fn write_to(&self, w: &mut impl fmt::Write) -> fmt::Result {
        self.root.write_to(w)?;
        for step in &self.steps {
            match step {
                Step::Attr(name) => {
                    w.write_char('.')?;
                    w.write_str(name)?;
                }
                Step::Index(i) => write_index(w, *i)?,
                Step::Key(key) => {
                    w.write_str("[")?;
                    write_hcl_quoted(w, key)?;
                    w.write_str("]")?;
                }
                Step::Splat => w.write_str("[*]")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

/// A reference path under construction: attribute and index steps.
#[derive(Debug, Clone)]
pub struct Path {
    reference: Reference,
}

impl Path {
    /// A path that continues `reference`.
    pub(crate) fn from_reference(reference: Reference) -> Path {
        Path { reference }
    }

    /// `.name`
    pub fn attr(mut self, name: impl Into<String>) -> Path {
        self.reference.steps.push(Step::Attr(name.into()));
        self
    }
    /// `[i]`
    pub fn index(mut self, i: u64) -> Path {
        self.reference.steps.push(Step::Index(i));
        self
    }
    /// `["key"]`
    pub fn key(mut self, key: impl Into<String>) -> Path {
        self.reference.steps.push(Step::Key(key.into()));
        self
    }
    /// `[*]`
    pub fn splat(mut self) -> Path {
        self.reference.steps.push(Step::Splat);
        self
    }
    /// The finished reference as a typed expression.
    pub fn typed<T>(self) -> Expr<T> {
        Expr::new(Expression::from(self.reference))
    }
    /// The finished reference.
    pub fn reference(self) -> Reference {
        self.reference
    }
}

/// One piece of a string template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Part {
    /// Literal text, escaped on output.
    Lit(String),
    /// An interpolated expression, `${...}`.
    Interp(Expression),
}

/// The attributes of an object expression, sorted by key, each key once.
pub type ObjectMap = super::sorted::SortedMap<String, Expression>;

/// A call of a Terraform function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionCall {
    /// The function name, e.g. `base64decode`.
    pub function: String,
    /// The arguments.
    pub args: Vec<Expression>,
}

/// An untyped Terraform expression, the building block of every body.
///
/// Literal strings stay literal: the emitters escape `${` and `%{` in them
/// wherever Terraform would read a template.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub enum Expression {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An integer or a finite float.
    Number(serde_json::Number),
    /// A literal string, never evaluated by Terraform.
    String(String),
    /// A tuple / list literal.
    List(Vec<Expression>),
    /// An object / map literal; keys are literal strings, sorted.
    Object(ObjectMap),
    /// A reference to something in the stack. Boxed, like `Call`: every
    /// value in every body is as large as the largest variant.
    Ref(Box<Reference>),
    /// A call of a Terraform function, e.g. `base64decode(...)`.
    Call(Box<FunctionCall>),
    /// A string template mixing literal text and interpolations.
    Template(Vec<Part>),
    /// A raw HCL expression, the escape hatch: parsed and checked at synth.
    Raw(String),
}

impl Expression {
    /// A raw HCL expression such as `length(var.zones) > 1`. It is parsed
    /// and its references are checked when the stack is synthesized.
    pub fn raw(text: impl Into<String>) -> Self {
        Expression::Raw(text.into())
    }

    /// A call of the Terraform function `function`.
    pub fn call(function: impl Into<String>, args: Vec<Expression>) -> Self {
        Expression::Call(Box::new(FunctionCall {
            function: function.into(),
            args,
        }))
    }

    /// Whether this is a plain literal: no reference, call, template or raw
    /// expression anywhere inside.
    pub fn is_literal(&self) -> bool {
        match self {
            Expression::Null
            | Expression::Bool(_)
            | Expression::Number(_)
            | Expression::String(_) => true,
            Expression::List(items) => items.iter().all(Expression::is_literal),
            Expression::Object(map) => map.values().all(Expression::is_literal),
            Expression::Template(_)
            | Expression::Ref(_)
            | Expression::Call(_)
            | Expression::Raw(_) => false,
        }
    }

    /// Whether a reference or raw expression may be inside: false for plain
    /// literals, so checks can skip them without allocating.
    pub fn may_refer(&self) -> bool {
        match self {
            Expression::Null
            | Expression::Bool(_)
            | Expression::Number(_)
            | Expression::String(_) => false,
            Expression::List(items) => items.iter().any(Expression::may_refer),
            Expression::Object(map) => map.values().any(Expression::may_refer),
            Expression::Ref(_)
            | Expression::Call(_)
            | Expression::Template(_)
            | Expression::Raw(_) => true,
        }
    }

    /// Every structured reference inside this expression, in order.
    pub fn references(&self, out: &mut Vec<Reference>) {
        self.visit_references(&mut |r| out.push(r.clone()));
    }

    /// Calls `f` with every structured reference inside this expression,
    /// in order, without copying them.
    pub fn visit_references(&self, f: &mut dyn FnMut(&Reference)) {
        match self {
            Expression::Ref(r) => f(r),
            Expression::List(items) => items.iter().for_each(|e| e.visit_references(f)),
            Expression::Object(map) => map.values().for_each(|e| e.visit_references(f)),
            Expression::Call(call) => call.args.iter().for_each(|e| e.visit_references(f)),
            Expression::Template(parts) => {
                for part in parts {
                    if let Part::Interp(e) = part {
                        e.visit_references(f);
                    }
                }
            }
            Expression::Null
            | Expression::Bool(_)
            | Expression::Number(_)
            | Expression::String(_)
            | Expression::Raw(_) => {}
        }
    }

    /// Replaces every structured reference for which `f` returns a new
    /// expression, depth first.
    pub fn rewrite_refs(&mut self, f: &mut dyn FnMut(&Reference) -> Option<Expression>) {
        match self {
            Expression::Ref(r) => {
                if let Some(new) = f(r) {
                    *self = new;
                }
            }
            Expression::List(items) => items.iter_mut().for_each(|e| e.rewrite_refs(f)),
            Expression::Object(map) => map.values_mut().for_each(|e| e.rewrite_refs(f)),
            Expression::Call(call) => call.args.iter_mut().for_each(|e| e.rewrite_refs(f)),
            Expression::Template(parts) => {
                for part in parts {
                    if let Part::Interp(e) = part {
                        e.rewrite_refs(f);
                    }
                }
            }
            Expression::Null
            | Expression::Bool(_)
            | Expression::Number(_)
            | Expression::String(_)
            | Expression::Raw(_) => {}
        }
    }

    /// Every raw expression inside this expression, in order.
    pub fn raws<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Expression::Raw(text) => out.push(text),
            Expression::List(items) => items.iter().for_each(|e| e.raws(out)),
            Expression::Object(map) => map.values().for_each(|e| e.raws(out)),
            Expression::Call(call) => call.args.iter().for_each(|e| e.raws(out)),
            Expression::Template(parts) => {
                for part in parts {
                    if let Part::Interp(e) = part {
                        e.raws(out);
                    }
                }
            }
            _ => {}
        }
    }
}

impl From<&str> for Expression {
    fn from(s: &str) -> Self {
        Expression::String(s.to_owned())
    }
}
impl From<String> for Expression {
    fn from(s: String) -> Self {
        Expression::String(s)
    }
}
impl From<bool> for Expression {
    fn from(b: bool) -> Self {
        Expression::Bool(b)
    }
}
macro_rules! int_into_expression {
    ($($t:ty),*) => {$(
        impl From<$t> for Expression {
            fn from(n: $t) -> Self {
                Expression::Number(n.into())
            }
        }
    )*};
}
int_into_expression!(i8, i16, i32, i64, u8, u16, u32, u64);
impl From<Reference> for Expression {
    fn from(r: Reference) -> Self {
        Expression::Ref(Box::new(r))
    }
}
impl<T: Into<Expression>> From<Vec<T>> for Expression {
    fn from(items: Vec<T>) -> Self {
        Expression::List(items.into_iter().map(Into::into).collect())
    }
}

/// A typed expression: an [`Expression`] known to produce a `T`.
///
/// Typed accessors on [`Ref`](crate::tf::Ref) hand these out, so a field that
/// wants a `String` cannot be given a reference to a `bool` attribute.
#[derive(Debug, PartialEq)]
pub struct Expr<T> {
    expression: Expression,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Expr<T> {
    fn clone(&self) -> Self {
        Expr::new(self.expression.clone())
    }
}

impl<T> Expr<T> {
    /// Wraps an untyped expression; the caller vouches for its type.
    pub fn new(expression: Expression) -> Self {
        Expr {
            expression,
            _type: PhantomData,
        }
    }

    /// The untyped expression.
    pub fn expression(&self) -> &Expression {
        &self.expression
    }

    /// Unwraps the untyped expression.
    pub fn into_expression(self) -> Expression {
        self.expression
    }

    /// A raw HCL expression, checked at synth, vouched for as a `T`.
    pub fn raw(text: impl Into<String>) -> Self {
        Expr::new(Expression::raw(text))
    }
}

impl<T> From<Expr<T>> for Expression {
    fn from(e: Expr<T>) -> Self {
        e.expression
    }
}

/// The newtype name under which an [`Expr`] travels through serde, so the
/// document serializer can tell an expression from a literal.
pub(crate) const EXPR_TOKEN: &str = "$tfsynth::private::Expression";

/// The structural serde form of an [`Expression`], which the document
/// serializer reads back; mirrors the enum for serde's remote derive.
#[derive(Serialize)]
#[serde(remote = "Expression")]
enum ExpressionDef {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    List(Vec<Expression>),
    Object(ObjectMap),
    Ref(Box<Reference>),
    Call(Box<FunctionCall>),
    Template(Vec<Part>),
    Raw(String),
}

struct Wire<'a>(&'a Expression);

thread_local! {
    /// Set while the document serializer asks an expression to hand itself
    /// over; holds the copy until the serializer takes it.
    static CAPTURE: std::cell::RefCell<Option<Option<Expression>>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `serialize` (which serializes one [`Wire`]) so that the wire hands
/// over a copy of its expression instead of serializing it field by field;
/// returns the copy. The document serializer uses this: an expression in a
/// typed struct becomes a body value without a trip through serde's data
/// model.
pub(crate) fn capture_expression<E>(
    serialize: impl FnOnce() -> Result<(), E>,
) -> Result<Option<Expression>, E> {
    let outer = CAPTURE.with(|c| c.borrow_mut().replace(None));
    let result = serialize();
    let captured = CAPTURE.with(|c| std::mem::replace(&mut *c.borrow_mut(), outer));
    result.map(|()| captured.flatten())
}

impl Serialize for Wire<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let handed_over = CAPTURE.with(|c| match &mut *c.borrow_mut() {
            Some(slot @ None) => {
                *slot = Some(self.0.clone());
                true
            }
            _ => false,
        });
        if handed_over {
            return serializer.serialize_unit();
        }
        ExpressionDef::serialize(self.0, serializer)
    }
}

/// An expression travels through serde under a private newtype name, so a
/// typed struct may hold one in any field and it stays an expression.
impl Serialize for Expression {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(EXPR_TOKEN, &Wire(self))
    }
}

impl<T> Serialize for Expr<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.expression.serialize(serializer)
    }
}

/// A field value that is either a literal `T` or an expression producing a `T`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<T> {
    /// A literal, known at synth time.
    Lit(T),
    /// An expression, known only to Terraform.
    Expr(Expr<T>),
}

impl<T: Serialize> Serialize for Value<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Lit(v) => v.serialize(serializer),
            Value::Expr(e) => e.serialize(serializer),
        }
    }
}

impl<T> From<Expr<T>> for Value<T> {
    fn from(e: Expr<T>) -> Self {
        Value::Expr(e)
    }
}
/// A literal or an expression becomes the expression it is: any `T` that
/// turns into an [`Expression`] (strings, numbers, bools, lists and maps of
/// those) may be a field's literal.
impl<T: Into<Expression>> From<Value<T>> for Expression {
    fn from(v: Value<T>) -> Self {
        match v {
            Value::Lit(v) => v.into(),
            Value::Expr(e) => e.into_expression(),
        }
    }
}
/// Any literal of a field's own type: `"web".into()`, `true.into()`,
/// `vec![a.into(), b.into()].into()`.
impl<T> From<T> for Value<T> {
    fn from(v: T) -> Self {
        Value::Lit(v)
    }
}
impl From<&str> for Value<String> {
    fn from(s: &str) -> Self {
        Value::Lit(s.to_owned())
    }
}
impl From<&String> for Value<String> {
    fn from(s: &String) -> Self {
        Value::Lit(s.clone())
    }
}
/// A list of literals for a list or set attribute: `vec!["a".to_owned()]`,
/// without wrapping each element.
impl<T> From<Vec<T>> for Value<Vec<Value<T>>> {
    fn from(items: Vec<T>) -> Self {
        Value::Lit(items.into_iter().map(Value::Lit).collect())
    }
}
/// A list of expressions for a list or set attribute:
/// `vec![address.name()]`.
impl<T> From<Vec<Expr<T>>> for Value<Vec<Value<T>>> {
    fn from(items: Vec<Expr<T>>) -> Self {
        Value::Lit(items.into_iter().map(Value::Expr).collect())
    }
}
/// A list of string slices for a list or set of strings: `vec!["a", "b"]`.
impl From<Vec<&str>> for Value<Vec<Value<String>>> {
    fn from(items: Vec<&str>) -> Self {
        Value::Lit(
            items
                .into_iter()
                .map(|s| Value::Lit(s.to_owned()))
                .collect(),
        )
    }
}
/// A map of literals for a map attribute, without wrapping each value.
impl<T> From<std::collections::BTreeMap<String, T>>
    for Value<std::collections::BTreeMap<String, Value<T>>>
{
    fn from(map: std::collections::BTreeMap<String, T>) -> Self {
        Value::Lit(map.into_iter().map(|(k, v)| (k, Value::Lit(v))).collect())
    }
}
macro_rules! int_into_number_value {
    ($($t:ty),*) => {$(
        /// An integer literal for a `number` attribute.
        impl From<$t> for Value<Number> {
            fn from(n: $t) -> Self {
                Value::Lit(n.into())
            }
        }
    )*};
}
int_into_number_value!(i8, i16, i32, i64, u8, u16, u32, u64);

/// Terraform's `number`, the literal type of generated bindings' number
/// attributes: an integer stays an integer on output (`16`, not `16.0`).
/// Build a fractional one with `Number::from_f64(0.5)`, which refuses
/// `NaN` and infinities.
pub type Number = serde_json::Number;

impl From<Number> for Expression {
    fn from(n: Number) -> Self {
        Expression::Number(n)
    }
}
impl<V: Into<Expression>> From<std::collections::BTreeMap<String, V>> for Expression {
    fn from(map: std::collections::BTreeMap<String, V>) -> Self {
        let mut object = ObjectMap::with_capacity(map.len());
        for (k, v) in map {
            object.insert(k, v.into());
        }
        Expression::Object(object)
    }
}
impl From<ObjectMap> for Expression {
    fn from(map: ObjectMap) -> Self {
        Expression::Object(map)
    }
}

impl<T> Expr<T> {
    /// A call of the Terraform function `function`, vouched for as a `T`:
    /// `Expr::<String>::call("upper", vec![name.into()])`.
    pub fn call(function: impl Into<String>, args: Vec<Expression>) -> Self {
        Expr::new(Expression::call(function, args))
    }

    /// Appends `step` to a reference; anything else is first bound by
    /// `otherwise`, a function call that reads the same element.
    fn step(self, step: Step, otherwise: impl FnOnce(Expression) -> Expression) -> Expression {
        match self.expression {
            Expression::Ref(mut r) => {
                r.steps.push(step);
                Expression::Ref(r)
            }
            other => otherwise(other),
        }
    }
}

impl<T> Expr<T> {
    /// The attribute `name` of this object value, vouched for as a `U`:
    /// `ref.block[0].name`, or `lookup(object, "name")` for an object that
    /// is not a reference. Generated accessors of nested blocks call it.
    pub fn get_attr<U>(self, name: impl Into<String>) -> Expr<U> {
        let name = name.into();
        Expr::new(self.step(Step::Attr(name.clone()), |object| {
            Expression::call("lookup", vec![object, name.into()])
        }))
    }
}

/// Terraform's `set` type, as typed references to set attributes and set
/// blocks name it: `Expr<Set<String>>`. A set has no order, so it has no
/// index: Terraform refuses `ref.tags[0]` ("Cannot index a set value");
/// [`Expr::to_list`] and [`Expr::one`] are the ways to an element.
/// Never constructed; a literal set is written as a `Vec`.
#[derive(Debug)]
pub struct Set<T>(PhantomData<fn() -> T>);

impl<T> Expr<Set<T>> {
    /// The set as a list, in Terraform's order for sets (sorted for
    /// strings and numbers): `tolist(ref.tags)`.
    pub fn to_list(self) -> Expr<Vec<Value<T>>> {
        Expr::call("tolist", vec![self.into_expression()])
    }

    /// The one element of a set of at most one (a block with
    /// `max_items = 1`), or null when it is empty: `one(ref.block)`.
    /// Terraform fails the plan when the set holds more than one.
    pub fn one(self) -> Expr<T> {
        Expr::call("one", vec![self.into_expression()])
    }
}

/// A reference to a set can be given where a list or set of the same
/// elements is wanted: Terraform converts a set to a list.
impl<T> From<Expr<Set<T>>> for Value<Vec<Value<T>>> {
    fn from(e: Expr<Set<T>>) -> Self {
        Value::Expr(Expr::new(e.into_expression()))
    }
}

/// Typed indexing of a list, as generated accessors of list attributes
/// and list blocks hand them out.
impl<T> Expr<Vec<Value<T>>> {
    /// The element at `i`: `ref.items[i]`, or `element(list, i)` for a
    /// list that is not a reference.
    pub fn index(self, i: u64) -> Expr<T> {
        Expr::new(self.step(Step::Index(i), |list| {
            Expression::call("element", vec![list, i.into()])
        }))
    }
}

/// Typed lookup in a map, as generated accessors of map attributes hand
/// them out.
impl<T> Expr<std::collections::BTreeMap<String, Value<T>>> {
    /// The value at `key`: `ref.labels["key"]`, or `map["key"]` through
    /// `lookup(map, key)` for a map that is not a reference.
    pub fn key(self, key: impl Into<String>) -> Expr<T> {
        let key = key.into();
        Expr::new(self.step(Step::Key(key.clone()), |map| {
            Expression::call("lookup", vec![map, key.into()])
        }))
    }
}

/// A string template, built piece by piece:
/// `Template::new().lit("https://").interp(ip.address()).lit("/")`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// An empty template.
    pub fn new() -> Self {
        Template::default()
    }

    /// Appends literal text (escaped on output).
    pub fn lit(mut self, text: impl Into<String>) -> Self {
        let text = text.into();
        if text.is_empty() {
            return self;
        }
        if let Some(Part::Lit(last)) = self.parts.last_mut() {
            last.push_str(&text);
        } else {
            self.parts.push(Part::Lit(text));
        }
        self
    }

    /// Appends an interpolated expression.
    pub fn interp(mut self, expr: impl Into<Expression>) -> Self {
        self.parts.push(Part::Interp(expr.into()));
        self
    }

    /// Appends every part of another template.
    pub fn then(mut self, other: Template) -> Self {
        for part in other.parts {
            self = match part {
                Part::Lit(text) => self.lit(text),
                Part::Interp(e) => self.interp(e),
            };
        }
        self
    }

    /// The finished template, as a string expression.
    pub fn build(self) -> Expr<String> {
        Expr::new(Expression::Template(self.parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_written_as_terraform_spells_them() {
        let r = Reference::new(
            Root::data("google_client_config", "current"),
            vec![
                Step::Attr("items".into()),
                Step::Index(0),
                Step::Index(10),
                Step::Index(u64::MAX),
                Step::Key("a\"b".into()),
                Step::Splat,
            ],
        );
        assert_eq!(
            r.to_string(),
            "data.google_client_config.current.items[0][10][18446744073709551615][\"a\\\"b\"][*]"
        );
        for (root, shown) in [
            (Root::var("region"), "var.region"),
            (Root::local("x"), "local.x"),
            (Root::module("m"), "module.m"),
            (Root::Each, "each"),
            (Root::Count, "count"),
        ] {
            assert_eq!(root.to_string(), shown);
        }
    }

    #[test]
    fn references_display_with_attribute_and_index_steps() {
        let r = Reference::new(
            Root::resource("google_container_cluster", "primary"),
            vec![
                Step::Attr("master_auth".into()),
                Step::Index(0),
                Step::Attr("cluster_ca_certificate".into()),
            ],
        );
        assert_eq!(
            r.to_string(),
            "google_container_cluster.primary.master_auth[0].cluster_ca_certificate"
        );
        let d = Reference::new(
            Root::data("google_client_config", "current"),
            vec![Step::Key("a\"b".into()), Step::Splat],
        );
        assert_eq!(
            d.to_string(),
            "data.google_client_config.current[\"a\\\"b\"][*]"
        );
    }
}
