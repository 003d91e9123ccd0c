//! Which root module a handle came from.
//!
//! A blueprint builds several roots, and two of them may hold objects at
//! the same address (`google_compute_global_address.lb` in each). Handles,
//! the references made through them and `depends_on` entries carry the
//! identity of the [`Stack`](crate::tf::Stack) that handed them out, so a
//! reference is linked to the root it really came from, never to another
//! root that happens to hold the same address.

use std::fmt;
use std::sync::Arc;

/// The identity of one root module (one [`Stack`](crate::tf::Stack)).
///
/// Every stack gets its own when it is created; a clone of a stack keeps
/// its stack's, since it is a copy of the same root. Two identities are
/// equal only when they are the same one: names do not decide it, so two
/// roots that share a name are still told apart.
#[derive(Clone)]
pub struct RootModuleId(Arc<Info>);

struct Info {
    name: Option<String>,
}

impl RootModuleId {
    /// A new identity, never equal to any other.
    pub(crate) fn new(name: Option<String>) -> Self {
        RootModuleId(Arc::new(Info { name }))
    }

    /// The root's name (its directory, e.g. `cluster`), when the stack was
    /// created with [`Stack::named`](crate::tf::Stack::named).
    pub fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }
}

impl Default for RootModuleId {
    fn default() -> Self {
        RootModuleId::new(None)
    }
}

impl PartialEq for RootModuleId {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for RootModuleId {}

impl fmt::Debug for RootModuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "RootModuleId({name:?})"),
            None => f.write_str("RootModuleId(unnamed)"),
        }
    }
}

/// How messages name the root: `root cluster`, or `an unnamed root` for
/// a stack created with [`Stack::new`](crate::tf::Stack::new).
impl fmt::Display for RootModuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "root {name}"),
            None => f.write_str("an unnamed root (a Stack::new() without a name)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_are_equal_only_to_themselves_and_their_clones() {
        let a = RootModuleId::new(Some("cluster".into()));
        let b = RootModuleId::new(Some("cluster".into()));
        assert_eq!(a, a.clone());
        assert_ne!(a, b, "two roots of the same name are still two roots");
        assert_ne!(RootModuleId::default(), RootModuleId::default());
        assert_eq!(a.to_string(), "root cluster");
    }
}
