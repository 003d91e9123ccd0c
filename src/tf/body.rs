//! Block bodies, and the serde serializer that turns typed provider structs
//! into them.
//!
//! Mapping rules: a serde *struct* is a nested block, a sequence of structs
//! is a repeated block, a *map* is an object-typed attribute, a unit enum
//! variant is its (renamed) name as a string, and an [`Expr`](crate::tf::Expr)
//! stays an expression.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;
use serde::ser::{self, Impossible};

use super::expr::Path;
use super::expr::{
    EXPR_TOKEN, Expr, Expression, ObjectMap, Reference, Root, Step, capture_expression,
};
use super::sorted::{MOST_RESERVED, SortedMap};

/// One entry in a block body.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// `name = expression`
    Attr(Expression),
    /// One or more nested blocks of the same type, in order.
    Blocks(Vec<Body>),
    /// `dynamic` blocks, by the block type each generates; only under the
    /// key `dynamic` (see [`Body::dynamic`]).
    Dynamic(Dynamics),
}

/// `dynamic` blocks by the type of block they generate, each type's in the
/// order added.
pub type Dynamics = SortedMap<String, Vec<Dynamic>>;

/// A `dynamic` block: one nested block of its type for each element of
/// `for_each`, each with the body `content`.
///
/// ```
/// use tfsynth::tf::{Body, Expression};
///
/// let mut sg = Body::new();
/// let rules = Expression::raw("var.rules");
/// sg.dynamic_as("ingress", "rule", rules, |rule| {
///     let mut content = Body::new();
///     content.set("description", rule.key::<String>());
///     content.set("from_port", rule.attr::<i64>("port"));
///     content
/// });
/// assert!(sg.entries.contains_key("dynamic"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Dynamic {
    /// The collection to generate one block per element of.
    pub for_each: Expression,
    /// The iterator's name in `content`; the block type's name when `None`.
    pub iterator: Option<String>,
    /// The labels of each generated block, for block types with labels.
    pub labels: Vec<Expression>,
    /// The body of each generated block, where the iterator is available.
    pub content: Body,
}

/// The iterator of a `dynamic` block, the typed handle through which its
/// content refers to the current element: `ITER.key`, `ITER.value`.
///
/// Its references are valid only inside the content of a dynamic block
/// whose iterator has its name; the checks refuse them anywhere else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamicIter {
    name: String,
}

impl DynamicIter {
    /// The iterator called `name` (a dynamic block's `iterator`, or its
    /// block type when it names none).
    pub fn new(name: impl Into<String>) -> Self {
        DynamicIter { name: name.into() }
    }

    /// The iterator's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn path(&self, first: &str) -> Path {
        Path::from_reference(Reference::new(
            Root::Iterator(self.name.clone()),
            vec![Step::Attr(first.to_owned())],
        ))
    }

    /// `ITER.key`: the map key, or the list index, of the current element.
    pub fn key<T>(&self) -> Expr<T> {
        self.path("key").typed()
    }

    /// `ITER.value`: the current element.
    pub fn value<T>(&self) -> Expr<T> {
        self.path("value").typed()
    }

    /// `ITER.value.NAME`: an attribute of the current element.
    pub fn attr<T>(&self, name: impl Into<String>) -> Expr<T> {
        self.value_path().attr(name).typed()
    }

    /// A path into the current element, `ITER.value`, for longer steps:
    /// `rule.value_path().attr("ports").index(0).typed()`.
    pub fn value_path(&self) -> Path {
        self.path("value")
    }
}

impl Body {
    /// Adds `dynamic "BLOCK_TYPE"` over `for_each`; its iterator has the
    /// block type's name, and `content` builds the generated blocks' body
    /// through its handle. Returns the block, e.g. to set its labels.
    pub fn dynamic(
        &mut self,
        block_type: impl Into<String>,
        for_each: impl Into<Expression>,
        content: impl FnOnce(&DynamicIter) -> Body,
    ) -> &mut Dynamic {
        let block_type = block_type.into();
        let iter = DynamicIter::new(block_type.clone());
        let dynamic = Dynamic {
            for_each: for_each.into(),
            iterator: None,
            labels: Vec::new(),
            content: content(&iter),
        };
        self.push_dynamic(block_type, dynamic)
    }

    /// Like [`Body::dynamic`], with the iterator named `iterator`.
    pub fn dynamic_as(
        &mut self,
        block_type: impl Into<String>,
        iterator: impl Into<String>,
        for_each: impl Into<Expression>,
        content: impl FnOnce(&DynamicIter) -> Body,
    ) -> &mut Dynamic {
        let iter = DynamicIter::new(iterator);
        let dynamic = Dynamic {
            for_each: for_each.into(),
            iterator: Some(iter.name.clone()),
            labels: Vec::new(),
            content: content(&iter),
        };
        self.push_dynamic(block_type, dynamic)
    }

    /// Appends a `dynamic` block that generates blocks of `block_type`.
    pub fn push_dynamic(
        &mut self,
        block_type: impl Into<String>,
        dynamic: Dynamic,
    ) -> &mut Dynamic {
        let entry = self
            .entries
            .get_or_insert_with("dynamic", || Entry::Dynamic(Dynamics::new()));
        if !matches!(entry, Entry::Dynamic(_)) {
            *entry = Entry::Dynamic(Dynamics::new());
        }
        let Entry::Dynamic(dynamics) = entry else {
            unreachable!("the entry was just made a dynamic one")
        };
        let list = dynamics.get_or_insert_with(block_type.into(), Vec::new);
        list.push(dynamic);
        list.last_mut().expect("a dynamic block was just pushed")
    }
}

impl Dynamic {
    /// The iterator's name: `iterator`, or else the block type's.
    pub fn iterator_name<'a>(&'a self, block_type: &'a str) -> &'a str {
        self.iterator.as_deref().unwrap_or(block_type)
    }
}

/// The name of an entry. Names that come from struct fields are borrowed
/// from the program: no allocation, and no pointer to chase on every walk.
pub type Key = Cow<'static, str>;

/// The entries of a body, sorted by name.
pub type Entries = SortedMap<Key, Entry>;

/// The body of a block: attributes and nested blocks by name.
///
/// Names are kept sorted, which fixes the order of the output.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Body {
    /// The entries, by attribute or block type name.
    pub entries: Entries,
}

impl Body {
    /// An empty body.
    pub fn new() -> Self {
        Body::default()
    }

    /// An empty body with room for `entries` attributes and block types,
    /// as generated bindings make it: exactly as many as they set, so a
    /// large stack holds no spare room in every body.
    pub fn with_capacity(entries: usize) -> Self {
        Body {
            entries: Entries::with_capacity(entries),
        }
    }

    /// Serializes a typed struct into a body.
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<Body, BodyError> {
        match value.serialize(TreeSerializer)? {
            Tree::Block(body) => Ok(body),
            _ => Err(BodyError(
                "a block body (of a resource, data source or provider configuration) must serialize as a struct, not a map or a value".to_owned(),
            )),
        }
    }

    /// Sets an attribute, replacing whatever had that name.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<Expression>) {
        self.entries.insert(name.into(), Entry::Attr(value.into()));
    }

    /// Sets the attribute `name`, a name the program holds (a generated
    /// field's): the name is borrowed, not copied. Generated bindings write
    /// their bodies with this, in sorted order, so each entry is appended.
    pub fn set_static(&mut self, name: &'static str, value: impl Into<Expression>) {
        self.entries
            .insert(Key::Borrowed(name), Entry::Attr(value.into()));
    }

    /// Sets the nested blocks `name` (in order), replacing whatever had
    /// that name; nothing is set for none. The name is borrowed, as in
    /// [`Body::set_static`].
    pub fn set_blocks(&mut self, name: &'static str, blocks: Vec<Body>) {
        if !blocks.is_empty() {
            self.entries
                .insert(Key::Borrowed(name), Entry::Blocks(blocks));
        }
    }

    /// Sets the nested blocks `name` from `items`, each made a body by
    /// `into_body`, in order; nothing is set for none. The list is exactly
    /// as long as `items` (a `collect` in place would keep the larger
    /// allocation of `items` for as long as the stack lives).
    pub fn set_blocks_from<T>(
        &mut self,
        name: &'static str,
        items: Vec<T>,
        into_body: impl FnMut(T) -> Body,
    ) {
        if items.is_empty() {
            return;
        }
        let mut blocks = Vec::with_capacity(items.len());
        blocks.extend(items.into_iter().map(into_body));
        self.entries
            .insert(Key::Borrowed(name), Entry::Blocks(blocks));
    }

    /// The body as an object expression: attributes as they are, nested
    /// blocks as lists of objects, `dynamic` blocks left out (they have no
    /// object form). Blocks of `map` nesting mode are written this way,
    /// one object per label, as Terraform JSON writes them.
    pub fn into_object(self) -> Expression {
        let mut object = ObjectMap::with_capacity(self.entries.len());
        for (name, entry) in self.entries.into_iter() {
            let value = match entry {
                Entry::Attr(e) => e,
                Entry::Blocks(blocks) => {
                    Expression::List(blocks.into_iter().map(Body::into_object).collect())
                }
                Entry::Dynamic(_) => continue,
            };
            object.insert(name.into_owned(), value);
        }
        Expression::Object(object)
    }

    /// Appends a nested block.
    pub fn push_block(&mut self, name: impl Into<String>, block: Body) {
        match self
            .entries
            .get_or_insert_with(name.into(), || Entry::Blocks(Vec::new()))
        {
            Entry::Blocks(blocks) => blocks.push(block),
            entry @ (Entry::Attr(_) | Entry::Dynamic(_)) => *entry = Entry::Blocks(vec![block]),
        }
    }

    /// Every expression in the body, depth first.
    pub fn expressions(&self) -> Vec<&Expression> {
        let mut out = Vec::new();
        self.collect_expressions(&mut out);
        out
    }

    /// Every expression in the body, depth first, for rewriting.
    pub fn expressions_mut(&mut self) -> Vec<&mut Expression> {
        let mut out = Vec::new();
        self.collect_expressions_mut(&mut out);
        out
    }

    fn collect_expressions_mut<'a>(&'a mut self, out: &mut Vec<&'a mut Expression>) {
        for entry in self.entries.values_mut() {
            match entry {
                Entry::Attr(e) => out.push(e),
                Entry::Blocks(blocks) => blocks
                    .iter_mut()
                    .for_each(|b| b.collect_expressions_mut(out)),
                Entry::Dynamic(dynamics) => {
                    for d in dynamics.values_mut().flatten() {
                        out.push(&mut d.for_each);
                        out.extend(d.labels.iter_mut());
                        d.content.collect_expressions_mut(out);
                    }
                }
            }
        }
    }

    fn collect_expressions<'a>(&'a self, out: &mut Vec<&'a Expression>) {
        for entry in self.entries.values() {
            match entry {
                Entry::Attr(e) => out.push(e),
                Entry::Blocks(blocks) => blocks.iter().for_each(|b| b.collect_expressions(out)),
                Entry::Dynamic(dynamics) => {
                    for d in dynamics.values().flatten() {
                        out.push(&d.for_each);
                        out.extend(d.labels.iter());
                        d.content.collect_expressions(out);
                    }
                }
            }
        }
    }
}

/// A value that could not be turned into a block body.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct BodyError(pub String);

impl ser::Error for BodyError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        BodyError(msg.to_string())
    }
}

/// What one serialized value became.
enum Tree {
    Expr(Expression),
    Block(Body),
    Blocks(Vec<Body>),
}

impl Tree {
    fn into_entry(self) -> Entry {
        match self {
            Tree::Expr(e) => Entry::Attr(e),
            Tree::Block(b) => Entry::Blocks(vec![b]),
            Tree::Blocks(bs) => Entry::Blocks(bs),
        }
    }

    /// The expression this value became; `what` names it in the error,
    /// written only then.
    fn into_expression(self, what: &dyn fmt::Display) -> Result<Expression, BodyError> {
        match self {
            Tree::Expr(e) => Ok(e),
            Tree::Block(_) | Tree::Blocks(_) => Err(BodyError(format!(
                "{what} holds a block; blocks may only appear in block bodies"
            ))),
        }
    }
}

struct TreeSerializer;

fn number(n: impl Into<serde_json::Number>) -> Result<Tree, BodyError> {
    Ok(Tree::Expr(Expression::Number(n.into())))
}

impl ser::Serializer for TreeSerializer {
    type Ok = Tree;
    type Error = BodyError;
    type SerializeSeq = SeqSerializer;
    type SerializeTuple = SeqSerializer;
    type SerializeTupleStruct = SeqSerializer;
    type SerializeTupleVariant = Impossible<Tree, BodyError>;
    type SerializeMap = MapSerializer;
    type SerializeStruct = StructSerializer;
    type SerializeStructVariant = Impossible<Tree, BodyError>;

    fn serialize_bool(self, v: bool) -> Result<Tree, BodyError> {
        Ok(Tree::Expr(Expression::Bool(v)))
    }
    fn serialize_i8(self, v: i8) -> Result<Tree, BodyError> {
        number(v)
    }
    fn serialize_i16(self, v: i16) -> Result<Tree, BodyError> {
        number(v)
    }
    fn serialize_i32(self, v: i32) -> Result<Tree, BodyError> {
        number(v)
    }
    fn serialize_i64(self, v: i64) -> Result<Tree, BodyError> {
        number(v)
    }
    fn serialize_u8(self, v: u8) -> Result<Tree, BodyError> {
        number(v)
    }
    fn serialize_u16(self, v: u16) -> Result<Tree, BodyError> {
        number(v)
    }
    fn serialize_u32(self, v: u32) -> Result<Tree, BodyError> {
        number(v)
    }
    fn serialize_u64(self, v: u64) -> Result<Tree, BodyError> {
        number(v)
    }
    fn serialize_i128(self, v: i128) -> Result<Tree, BodyError> {
        i64::try_from(v)
            .map_err(|_| BodyError(format!("integer {v} does not fit in 64 bits")))
            .and_then(number)
    }
    fn serialize_u128(self, v: u128) -> Result<Tree, BodyError> {
        u64::try_from(v)
            .map_err(|_| BodyError(format!("integer {v} does not fit in 64 bits")))
            .and_then(number)
    }
    fn serialize_f32(self, v: f32) -> Result<Tree, BodyError> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<Tree, BodyError> {
        serde_json::Number::from_f64(v)
            .map(|n| Tree::Expr(Expression::Number(n)))
            .ok_or_else(|| BodyError(format!("{v} is not a finite number")))
    }
    fn serialize_char(self, v: char) -> Result<Tree, BodyError> {
        Ok(Tree::Expr(Expression::String(v.to_string())))
    }
    fn serialize_str(self, v: &str) -> Result<Tree, BodyError> {
        Ok(Tree::Expr(Expression::String(v.to_owned())))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Tree, BodyError> {
        Err(BodyError("raw bytes have no Terraform form".to_owned()))
    }
    fn serialize_none(self) -> Result<Tree, BodyError> {
        Ok(Tree::Expr(Expression::Null))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Tree, BodyError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Tree, BodyError> {
        Ok(Tree::Expr(Expression::Null))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Tree, BodyError> {
        Ok(Tree::Expr(Expression::Null))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Tree, BodyError> {
        Ok(Tree::Expr(Expression::String(variant.to_owned())))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Tree, BodyError> {
        if name == EXPR_TOKEN {
            // An `Expr` carries an `Expression`: it hands over a copy of
            // itself, so expressions never pass through strings.
            let captured = capture_expression(|| value.serialize(TreeSerializer).map(drop))?;
            return captured.map(Tree::Expr).ok_or_else(|| {
                BodyError(format!(
                    "{EXPR_TOKEN} carried something else than an expression"
                ))
            });
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        _: &T,
    ) -> Result<Tree, BodyError> {
        Err(BodyError(format!(
            "enum {name}::{variant} carries data; Terraform has no tagged unions"
        )))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSerializer, BodyError> {
        Ok(SeqSerializer(Vec::with_capacity(
            len.unwrap_or(0).min(MOST_RESERVED),
        )))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSerializer, BodyError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<SeqSerializer, BodyError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, BodyError> {
        Err(BodyError(format!(
            "enum {name}::{variant} carries data; Terraform has no tagged unions"
        )))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapSerializer, BodyError> {
        Ok(MapSerializer {
            map: ObjectMap::with_capacity(len.unwrap_or(0).min(MOST_RESERVED)),
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<StructSerializer, BodyError> {
        Ok(StructSerializer(Body {
            entries: Entries::with_capacity(len.min(MOST_RESERVED)),
        }))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, BodyError> {
        Err(BodyError(format!(
            "enum {name}::{variant} carries data; Terraform has no tagged unions"
        )))
    }
}

struct SeqSerializer(Vec<Tree>);

impl SeqSerializer {
    fn finish(self) -> Result<Tree, BodyError> {
        let blocks = self
            .0
            .iter()
            .filter(|t| matches!(t, Tree::Block(_)))
            .count();
        if blocks == 0 {
            let items = self
                .0
                .into_iter()
                .map(|t| t.into_expression(&"a list"))
                .collect::<Result<_, _>>()?;
            return Ok(Tree::Expr(Expression::List(items)));
        }
        if blocks != self.0.len() {
            return Err(BodyError("a list mixes blocks and plain values".to_owned()));
        }
        Ok(Tree::Blocks(
            self.0
                .into_iter()
                .filter_map(|t| match t {
                    Tree::Block(b) => Some(b),
                    _ => None,
                })
                .collect(),
        ))
    }
}

impl ser::SerializeSeq for SeqSerializer {
    type Ok = Tree;
    type Error = BodyError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), BodyError> {
        self.0.push(value.serialize(TreeSerializer)?);
        Ok(())
    }
    fn end(self) -> Result<Tree, BodyError> {
        self.finish()
    }
}
impl ser::SerializeTuple for SeqSerializer {
    type Ok = Tree;
    type Error = BodyError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), BodyError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Tree, BodyError> {
        self.finish()
    }
}
impl ser::SerializeTupleStruct for SeqSerializer {
    type Ok = Tree;
    type Error = BodyError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), BodyError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Tree, BodyError> {
        self.finish()
    }
}

struct MapSerializer {
    map: ObjectMap,
    key: Option<String>,
}

impl ser::SerializeMap for MapSerializer {
    type Ok = Tree;
    type Error = BodyError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), BodyError> {
        match key.serialize(TreeSerializer)? {
            Tree::Expr(Expression::String(s)) => {
                self.key = Some(s);
                Ok(())
            }
            Tree::Expr(Expression::Number(n)) => {
                self.key = Some(n.to_string());
                Ok(())
            }
            _ => Err(BodyError(
                "object keys must be strings or numbers".to_owned(),
            )),
        }
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), BodyError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| BodyError("map value without a key".to_owned()))?;
        let value = value
            .serialize(TreeSerializer)?
            .into_expression(&format_args!("object key {key:?}"))?;
        self.map.insert(key, value);
        Ok(())
    }
    fn end(self) -> Result<Tree, BodyError> {
        Ok(Tree::Expr(Expression::Object(self.map)))
    }
}

struct StructSerializer(Body);

impl ser::SerializeStruct for StructSerializer {
    type Ok = Tree;
    type Error = BodyError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), BodyError> {
        let entry = value
            .serialize(TreeSerializer)
            .map_err(|e| BodyError(format!("{key}: {e}")))?
            .into_entry();
        self.0.entries.insert(key, entry);
        Ok(())
    }
    fn end(self) -> Result<Tree, BodyError> {
        Ok(Tree::Block(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tf::{Expr, Value};
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    struct Inner {
        enabled: bool,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    enum Channel {
        Regular,
    }

    #[derive(Serialize)]
    struct Outer {
        name: Value<String>,
        count: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        missing: Option<String>,
        labels: BTreeMap<String, String>,
        channel: Channel,
        inner: Option<Inner>,
        rules: Vec<Inner>,
        tags: Vec<String>,
    }

    #[test]
    fn structs_become_blocks_and_maps_become_object_attributes() {
        let body = Body::from_serialize(&Outer {
            name: Value::Expr(Expr::raw("var.name")),
            count: 3,
            missing: None,
            labels: BTreeMap::from([("team".to_owned(), "web".to_owned())]),
            channel: Channel::Regular,
            inner: Some(Inner { enabled: false }),
            rules: vec![Inner { enabled: true }, Inner { enabled: false }],
            tags: vec!["a".to_owned()],
        })
        .unwrap();
        assert_eq!(
            body.entries["name"],
            Entry::Attr(Expression::Raw("var.name".into()))
        );
        assert_eq!(body.entries["count"], Entry::Attr(Expression::from(3u32)));
        assert!(!body.entries.contains_key("missing"));
        assert_eq!(
            body.entries["labels"],
            Entry::Attr(Expression::Object(ObjectMap::from([(
                "team",
                Expression::from("web")
            )])))
        );
        assert_eq!(body.entries["channel"], Entry::Attr("REGULAR".into()));
        assert!(matches!(&body.entries["inner"], Entry::Blocks(b) if b.len() == 1));
        assert!(matches!(&body.entries["rules"], Entry::Blocks(b) if b.len() == 2));
        assert_eq!(
            body.entries["tags"],
            Entry::Attr(Expression::List(vec!["a".into()]))
        );
    }

    #[test]
    fn a_value_that_misstates_its_length_is_still_serialized() {
        struct Liar;
        impl Serialize for Liar {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use ser::{SerializeMap, SerializeSeq, SerializeStruct};
                let mut st = s.serialize_struct("Liar", usize::MAX)?;
                st.serialize_field("list", &LiarList)?;
                st.serialize_field("map", &LiarMap)?;
                return st.end();
                struct LiarList;
                impl Serialize for LiarList {
                    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                        let mut seq = s.serialize_seq(Some(usize::MAX))?;
                        seq.serialize_element("a")?;
                        seq.end()
                    }
                }
                struct LiarMap;
                impl Serialize for LiarMap {
                    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                        let mut map = s.serialize_map(Some(usize::MAX))?;
                        map.serialize_entry("k", "v")?;
                        map.end()
                    }
                }
            }
        }
        let body = Body::from_serialize(&Liar).unwrap();
        assert_eq!(
            body.entries["list"],
            Entry::Attr(Expression::List(vec!["a".into()]))
        );
        assert_eq!(body.entries.len(), 2);
    }

    #[test]
    fn non_finite_floats_are_rejected_with_the_field_name() {
        #[derive(Serialize)]
        struct F {
            ratio: f64,
        }
        let err = Body::from_serialize(&F { ratio: f64::NAN }).unwrap_err();
        assert_eq!(err.to_string(), "ratio: NaN is not a finite number");
    }
}
