//! Addresses that `moved`, `import` and `removed` blocks name: objects and
//! module calls, possibly one instance of them, possibly inside a module.
//!
//! Terraform's forms (language docs, "Refactoring" and "Resource
//! addressing"): `TYPE.NAME`, `TYPE.NAME[0]`, `TYPE.NAME["key"]`,
//! `module.NAME`, `module.NAME["key"]`, and any of these after one or more
//! `module.NAME[KEY].` steps. A key is written with HCL's string escapes,
//! and, as in every quoted string, `${` and `%{` escaped: both syntaxes
//! read `["a$${x}"]` as the key `a${x}`.

use std::fmt;

use super::escape::write_hcl_quoted;
use super::identity::RootModuleId;

/// The address of one object in a stack, as Terraform names it.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Address {
    /// `TYPE.NAME`
    Resource {
        /// Resource type.
        kind: String,
        /// Logical name.
        name: String,
    },
    /// `data.TYPE.NAME`
    Data {
        /// Data source type.
        kind: String,
        /// Logical name.
        name: String,
    },
    /// `var.NAME`
    Variable(String),
    /// `local.NAME`
    Local(String),
    /// `module.NAME`
    Module(String),
    /// `output.NAME`
    Output(String),
    /// `check.NAME`, a check block.
    Check(String),
    /// `NAME` or `NAME.ALIAS`
    Provider {
        /// Provider local name, e.g. `google`.
        name: String,
        /// Alias, when several configurations of one provider exist.
        alias: Option<String>,
    },
}

impl Address {
    /// The address seen through borrowed strings, for searching and
    /// comparing without copying them.
    pub(crate) fn key(&self) -> AddressKey<'_> {
        match self {
            Address::Resource { kind, name } => AddressKey::Resource(kind, name),
            Address::Data { kind, name } => AddressKey::Data(kind, name),
            Address::Variable(name) => AddressKey::Variable(name),
            Address::Local(name) => AddressKey::Local(name),
            Address::Module(name) => AddressKey::Module(name),
            Address::Output(name) => AddressKey::Output(name),
            Address::Check(name) => AddressKey::Check(name),
            Address::Provider { name, alias } => AddressKey::Provider(name, alias.as_deref()),
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.key().fmt(f)
    }
}

/// An [`Address`] made of borrowed strings. Its variants and fields come
/// in `Address`'s order, so the two sort alike: the checks search sorted
/// addresses with keys built from references, with no string copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum AddressKey<'a> {
    Resource(&'a str, &'a str),
    Data(&'a str, &'a str),
    Variable(&'a str),
    Local(&'a str),
    Module(&'a str),
    Output(&'a str),
    Check(&'a str),
    Provider(&'a str, Option<&'a str>),
}

impl fmt::Display for AddressKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressKey::Resource(kind, name) => write!(f, "{kind}.{name}"),
            AddressKey::Data(kind, name) => write!(f, "data.{kind}.{name}"),
            AddressKey::Variable(name) => write!(f, "var.{name}"),
            AddressKey::Local(name) => write!(f, "local.{name}"),
            AddressKey::Module(name) => write!(f, "module.{name}"),
            AddressKey::Output(name) => write!(f, "output.{name}"),
            AddressKey::Check(name) => write!(f, "check.{name}"),
            AddressKey::Provider(name, None) => write!(f, "provider.{name}"),
            AddressKey::Provider(name, Some(alias)) => write!(f, "provider.{name}.{alias}"),
        }
    }
}

/// An entry of `depends_on`, made from a handle with [`Ref::dep`](crate::tf::Ref::dep). It
/// knows the root module of the handle: `depends_on` cannot point into
/// another root, and the checks say which root the address belongs to.
///
/// Equal, and sorted, by address alone.
#[derive(Debug, Clone)]
pub struct Dependency {
    pub(crate) address: Address,
    pub(crate) origin: Option<RootModuleId>,
}

impl PartialEq for Dependency {
    fn eq(&self, other: &Self) -> bool {
        self.address == other.address
    }
}

impl Eq for Dependency {}

impl PartialOrd for Dependency {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Dependency {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.address.cmp(&other.address)
    }
}

impl Dependency {
    /// The address depended upon.
    pub fn address(&self) -> &Address {
        &self.address
    }

    /// The root module of the handle it was made from.
    pub fn root_module(&self) -> Option<&RootModuleId> {
        self.origin.as_ref()
    }
}

/// One instance of a counted or `for_each` object: `[0]` or `["logs"]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum InstanceKey {
    /// `[n]`, an instance of `count`.
    Index(u64),
    /// `["key"]`, an instance of `for_each`.
    Key(String),
}

impl From<u64> for InstanceKey {
    fn from(i: u64) -> Self {
        InstanceKey::Index(i)
    }
}
impl From<&str> for InstanceKey {
    fn from(key: &str) -> Self {
        InstanceKey::Key(key.to_owned())
    }
}
impl From<String> for InstanceKey {
    fn from(key: String) -> Self {
        InstanceKey::Key(key)
    }
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::Index(i) => write!(f, "[{i}]"),
            InstanceKey::Key(key) => {
                f.write_str("[")?;
                write_hcl_quoted(f, key)?;
                f.write_str("]")
            }
        }
    }
}

/// A module call on the way to an object: `module.NAME` or
/// `module.NAME["key"]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ModuleStep {
    /// The module call's name.
    pub name: String,
    /// Which instance of it, for a counted or `for_each` module call.
    pub key: Option<InstanceKey>,
}

/// The object at the end of a [`ConfigAddress`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectStep {
    /// Whether it is a data source (`data.TYPE.NAME`).
    pub data: bool,
    /// Its type.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Which instance of it.
    pub key: Option<InstanceKey>,
}

/// An address in a configuration: module calls, then an object or not.
/// `module.a["x"].google_storage_bucket.b[0]` is two parts: the module
/// step `a["x"]` and the object `google_storage_bucket.b[0]`; `module.a`
/// alone names a module call.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ConfigAddress {
    /// The module calls, outermost first.
    pub modules: Vec<ModuleStep>,
    /// The object, when the address names one (not a module call).
    pub object: Option<ObjectStep>,
}

impl ConfigAddress {
    /// Whether any step names one instance.
    pub fn has_instance_key(&self) -> bool {
        self.modules.iter().any(|m| m.key.is_some())
            || self.object.as_ref().is_some_and(|o| o.key.is_some())
    }

    /// The address with every instance key left out: the configuration
    /// object it is an instance of.
    pub fn without_keys(&self) -> ConfigAddress {
        ConfigAddress {
            modules: self
                .modules
                .iter()
                .map(|m| ModuleStep {
                    name: m.name.clone(),
                    key: None,
                })
                .collect(),
            object: self.object.as_ref().map(|o| ObjectStep {
                key: None,
                ..o.clone()
            }),
        }
    }

    /// Parses Terraform's address syntax.
    ///
    /// # Errors
    ///
    /// What is wrong with the text, in words, when it is not an address
    /// of an object or module call.
    pub fn parse(text: &str) -> Result<ConfigAddress, String> {
        let not = || format!("{text:?} is not a resource, data source or module address");
        let parsed = hcl_edit::parser::parse_expr(text).map_err(|_| not())?;
        let parsed = hcl::Expression::from(parsed);
        // The root and its steps: names, and keys after names.
        let (root, operators) = match &parsed {
            hcl::Expression::Variable(v) => (v.as_str().to_owned(), Vec::new()),
            hcl::Expression::Traversal(t) => match &t.expr {
                hcl::Expression::Variable(v) => (v.as_str().to_owned(), t.operators.clone()),
                _ => return Err(not()),
            },
            _ => return Err(not()),
        };
        let mut steps: Vec<(String, Option<InstanceKey>)> = vec![(root, None)];
        for op in operators {
            match op {
                hcl::TraversalOperator::GetAttr(name) => steps.push((name.to_string(), None)),
                hcl::TraversalOperator::Index(index) => {
                    let key = match index {
                        hcl::Expression::Number(n) => {
                            n.as_u64().map(InstanceKey::Index).ok_or_else(|| {
                                format!("{text:?}: instance index {n} is not a whole number")
                            })?
                        }
                        hcl::Expression::String(s) => InstanceKey::Key(s),
                        hcl::Expression::TemplateExpr(t) => {
                            let template = hcl::Template::from_expr(&t).map_err(|_| not())?;
                            let mut key = String::new();
                            for element in template.elements() {
                                match element {
                                    hcl::template::Element::Literal(s) => key.push_str(s),
                                    _ => {
                                        return Err(format!(
                                            "{text:?}: an instance key must be literal text"
                                        ));
                                    }
                                }
                            }
                            InstanceKey::Key(key)
                        }
                        _ => {
                            return Err(format!(
                                "{text:?}: an instance key must be a number or a quoted string"
                            ));
                        }
                    };
                    match steps.last_mut() {
                        Some((_, slot @ None)) => *slot = Some(key),
                        _ => return Err(format!("{text:?}: two instance keys in a row")),
                    }
                }
                _ => return Err(not()),
            }
        }
        let mut modules = Vec::new();
        let mut rest = steps.as_slice();
        while let [(module, None), (name, key), tail @ ..] = rest {
            if module != "module" {
                break;
            }
            modules.push(ModuleStep {
                name: name.clone(),
                key: key.clone(),
            });
            rest = tail;
        }
        let object = match rest {
            [] if !modules.is_empty() => None,
            [(data, None), (kind, None), (name, key)] if data == "data" => Some(ObjectStep {
                data: true,
                kind: kind.clone(),
                name: name.clone(),
                key: key.clone(),
            }),
            [(kind, None), (name, key)] if kind != "module" && kind != "data" => Some(ObjectStep {
                data: false,
                kind: kind.clone(),
                name: name.clone(),
                key: key.clone(),
            }),
            _ => return Err(not()),
        };
        Ok(ConfigAddress { modules, object })
    }
}

impl fmt::Display for ConfigAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, m) in self.modules.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{}", m.name)?;
            if let Some(key) = &m.key {
                write!(f, "{key}")?;
            }
        }
        if let Some(o) = &self.object {
            if !self.modules.is_empty() {
                f.write_str(".")?;
            }
            if o.data {
                f.write_str("data.")?;
            }
            write!(f, "{}.{}", o.kind, o.name)?;
            if let Some(key) = &o.key {
                write!(f, "{key}")?;
            }
        }
        Ok(())
    }
}

/// Where a `moved` or `import` block's `to` points: an object or module
/// call of this root through its handle, optionally one instance of it
/// (`bucket.instance("logs")`), and for a module call optionally an object
/// inside it (`storage.target().within("google_storage_bucket.b")`).
#[derive(Debug, Clone)]
pub struct Target {
    pub(crate) base: Dependency,
    pub(crate) key: Option<InstanceKey>,
    /// Text of an address inside the module call `base`, checked at synth.
    pub(crate) within: Option<String>,
}

impl Target {
    pub(crate) fn new(base: Dependency, key: Option<InstanceKey>) -> Self {
        Target {
            base,
            key,
            within: None,
        }
    }

    /// The object at `address` inside the module call this target names
    /// (`google_storage_bucket.b`, `module.inner.google_x.y[0]`): moving a
    /// resource into a module keeps it. Checked at synth: the target must
    /// be a module call and `address` an address.
    pub fn within(mut self, address: impl Into<String>) -> Target {
        self.within = Some(address.into());
        self
    }

    /// The handle's address this target starts from.
    pub fn base(&self) -> &Address {
        self.base.address()
    }

    /// The whole address, as Terraform reads it.
    ///
    /// # Errors
    ///
    /// When the target is not an address: an object inside something that
    /// is not a module call, or text after it that is not an address.
    pub fn config_address(&self) -> Result<ConfigAddress, String> {
        let mut address = match self.base.address() {
            Address::Resource { kind, name } => ConfigAddress {
                modules: Vec::new(),
                object: Some(ObjectStep {
                    data: false,
                    kind: kind.clone(),
                    name: name.clone(),
                    key: self.key.clone(),
                }),
            },
            Address::Module(name) => ConfigAddress {
                modules: vec![ModuleStep {
                    name: name.clone(),
                    key: self.key.clone(),
                }],
                object: None,
            },
            other => return Err(format!("{other} is not a resource or module call")),
        };
        if let Some(within) = &self.within {
            if address.object.is_some() {
                return Err(format!("{address}: only a module call holds other objects"));
            }
            let inner = ConfigAddress::parse(within)?;
            address.modules.extend(inner.modules);
            address.object = inner.object;
        }
        Ok(address)
    }
}

/// The address as written, or as far as it is one.
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.config_address() {
            Ok(address) => address.fmt(f),
            Err(_) => {
                write!(f, "{}", self.base.address())?;
                if let Some(key) = &self.key {
                    write!(f, "{key}")?;
                }
                if let Some(within) = &self.within {
                    write!(f, ".{within}")?;
                }
                Ok(())
            }
        }
    }
}

impl PartialEq for Target {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key() -> impl Strategy<Value = Option<InstanceKey>> {
        prop_oneof![
            Just(None),
            any::<u64>().prop_map(|i| Some(InstanceKey::Index(i))),
            "[a-z$%{}\"\\\\\n é]{0,6}".prop_map(|k| Some(InstanceKey::Key(k))),
        ]
    }

    proptest! {
        /// Any address, written out, reads back as itself: keys with
        /// quotes, backslashes, newlines and template markers included.
        #[test]
        fn every_address_reads_back_as_written(
            modules in proptest::collection::vec(("[a-z][a-z_é-]{0,4}", key()), 0..3),
            object in proptest::option::of((any::<bool>(), "[a-z][a-z_]{0,4}", "[a-zé_][a-z0-9_-]{0,4}", key())),
        ) {
            prop_assume!(!modules.is_empty() || object.is_some());
            let address = ConfigAddress {
                modules: modules
                    .into_iter()
                    .map(|(name, key)| ModuleStep { name, key })
                    .collect(),
                object: object.map(|(data, kind, name, key)| ObjectStep { data, kind, name, key }),
            };
            // `module` and `data` are not type names.
            prop_assume!(address.object.as_ref().is_none_or(|o| o.kind != "module" && o.kind != "data"));
            let text = address.to_string();
            prop_assert_eq!(ConfigAddress::parse(&text), Ok(address), "{}", text);
        }
    }

    #[test]
    fn addresses_parse_and_print_back_as_terraform_writes_them() {
        for text in [
            "google_storage_bucket.b",
            "google_storage_bucket.b[0]",
            "google_storage_bucket.b[\"logs\"]",
            "data.google_client_config.me",
            "module.m",
            "module.m[\"eu\"]",
            "module.m[2].google_storage_bucket.b[\"a\\\"b\"]",
            "module.a.module.b.terraform_data.x",
            "terraform_data.b[\"a$${x}\"]",
            "terraform_data.café",
        ] {
            let parsed = ConfigAddress::parse(text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(parsed.to_string(), text);
        }
    }

    #[test]
    fn keys_read_as_terraform_reads_them() {
        let a = ConfigAddress::parse("terraform_data.b[\"a$${x}\\n\"]").unwrap();
        assert_eq!(
            a.object.unwrap().key,
            Some(InstanceKey::Key("a${x}\n".into()))
        );
    }

    #[test]
    fn text_that_is_not_an_address_says_so() {
        for (text, message) in [
            (
                "not an address",
                "is not a resource, data source or module address",
            ),
            (
                "terraform_data",
                "is not a resource, data source or module address",
            ),
            ("module", "is not a resource, data source or module address"),
            ("data.x", "is not a resource, data source or module address"),
            ("a.b.c", "is not a resource, data source or module address"),
            ("a.b[1.5]", "instance index 1.5 is not a whole number"),
            (
                "a.b[var.x]",
                "an instance key must be a number or a quoted string",
            ),
            ("a.b[\"${var.x}\"]", "an instance key must be literal text"),
            ("a.b[0][1]", "two instance keys in a row"),
            (
                "upper(x)",
                "is not a resource, data source or module address",
            ),
        ] {
            let err = ConfigAddress::parse(text).unwrap_err();
            assert!(err.ends_with(message), "{text}: {err}");
        }
    }

    /// The checks binary-search sorted keys with keys built from
    /// references: a key must sort exactly as its address does.
    #[test]
    fn address_keys_sort_as_their_addresses_do() {
        let s = |v: &str| v.to_owned();
        let mut addresses = Vec::new();
        for (a, b) in [("a", "b"), ("a", "a"), ("b", ""), ("", "z"), ("a-b", "a")] {
            addresses.push(Address::Resource {
                kind: s(a),
                name: s(b),
            });
            addresses.push(Address::Data {
                kind: s(a),
                name: s(b),
            });
            addresses.push(Address::Provider {
                name: s(a),
                alias: Some(s(b)),
            });
            addresses.push(Address::Provider {
                name: s(b),
                alias: None,
            });
            for name in [a, b] {
                addresses.push(Address::Variable(s(name)));
                addresses.push(Address::Local(s(name)));
                addresses.push(Address::Module(s(name)));
                addresses.push(Address::Output(s(name)));
                addresses.push(Address::Check(s(name)));
            }
        }
        let mut by_address = addresses.clone();
        by_address.sort();
        let mut by_key = addresses.clone();
        by_key.sort_by(|x, y| x.key().cmp(&y.key()));
        assert_eq!(by_address, by_key);
        for a in &addresses {
            for b in &addresses {
                assert_eq!(a.key().cmp(&b.key()), a.cmp(b), "{a} vs {b}");
            }
        }
    }
}
