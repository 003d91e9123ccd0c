//! A small map kept as one sorted vector.
//!
//! Block bodies and object expressions hold a handful of entries each, and
//! there are hundreds of thousands of them in a large stack: as a vector a
//! map of three costs three slots, where a B-tree node takes eleven (some
//! 600 bytes for one label), and a walk reads one contiguous run.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A map from names to values, sorted by name, each name once.
#[derive(Debug, Clone, PartialEq)]
pub struct SortedMap<K, V> {
    items: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap { items: Vec::new() }
    }
}

impl<K: AsRef<str>, V> SortedMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        SortedMap::default()
    }
    /// An empty map with room for `n` entries: a struct or map serialized
    /// into a body says how many fields it has, so the vector is sized
    /// once instead of grown (and copied) a few times.
    pub fn with_capacity(n: usize) -> Self {
        SortedMap {
            items: Vec::with_capacity(n),
        }
    }
    fn position(&self, key: &str) -> Result<usize, usize> {
        self.items.binary_search_by(|(k, _)| k.as_ref().cmp(key))
    }
    /// The value at `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.position(key).ok().map(|i| &self.items[i].1)
    }
    /// The value at `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.position(key).ok().map(|i| &mut self.items[i].1)
    }
    /// Whether `key` is set.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }
    /// Sets `key`, returning what it replaced.
    pub fn insert(&mut self, key: impl Into<K>, value: V) -> Option<V> {
        let key = key.into();
        // Keys often arrive in order (a sorted map, struct fields): try
        // the end first.
        let at = match self.items.last() {
            Some((last, _)) if last.as_ref() < key.as_ref() => Err(self.items.len()),
            _ => self.position(key.as_ref()),
        };
        match at {
            Ok(i) => Some(std::mem::replace(&mut self.items[i].1, value)),
            Err(i) => {
                self.items.insert(i, (key, value));
                None
            }
        }
    }
    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.position(key).ok().map(|i| self.items.remove(i).1)
    }
    /// The value at `key`, inserted with `make` when missing.
    pub fn get_or_insert_with(&mut self, key: impl Into<K>, make: impl FnOnce() -> V) -> &mut V {
        let key = key.into();
        let i = match self.position(key.as_ref()) {
            Ok(i) => i,
            Err(i) => {
                self.items.insert(i, (key, make()));
                i
            }
        };
        &mut self.items[i].1
    }
    /// Names and values, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.items.iter().map(|(k, v)| (k.as_ref(), v))
    }
    /// Names, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|(k, _)| k.as_ref())
    }
    /// Values, sorted by name.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.items.iter().map(|(_, v)| v)
    }
    /// Values, sorted by name, to change them.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.items.iter_mut().map(|(_, v)| v)
    }
    /// Names and values, sorted by name, to change the values.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut V)> {
        self.items.iter_mut().map(|(k, v)| {
            // The names stay as they are: only the values are handed out
            // to change.
            let k: &K = k;
            (k.as_ref(), v)
        })
    }
    /// How many entries.
    pub fn len(&self) -> usize {
        self.items.len()
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Like a map built from pairs: sorted, and a repeated name keeps its last value.
impl<K: AsRef<str>, KK: Into<K>, V> FromIterator<(KK, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (KK, V)>>(iter: I) -> Self {
        SortedMap::from_pairs(iter.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

impl<K: AsRef<str>, V> SortedMap<K, V> {
    /// Pairs in any order, sorted in place; a repeated name keeps its last
    /// value.
    fn from_pairs(mut items: Vec<(K, V)>) -> Self {
        // Stable, so repeats stay in input order; one pass when sorted.
        items.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        items.dedup_by(|later, kept| {
            let same = later.0.as_ref() == kept.0.as_ref();
            if same {
                std::mem::swap(&mut later.1, &mut kept.1);
            }
            same
        });
        SortedMap { items }
    }
}

/// The most room reserved from a length that input claims (a serde size
/// hint, a struct's field count): derived impls and serde_json tell the
/// truth, but other sources may say anything, and a wrong length must not
/// abort the process.
pub(crate) const MOST_RESERVED: usize = 256;

impl<K: AsRef<str>, V> From<BTreeMap<K, V>> for SortedMap<K, V> {
    fn from(map: BTreeMap<K, V>) -> Self {
        // Already sorted and unique (for string keys, `Ord` is byte order).
        SortedMap {
            items: map.into_iter().collect(),
        }
    }
}

impl<K: AsRef<str>, KK: Into<K>, V, const N: usize> From<[(KK, V); N]> for SortedMap<K, V> {
    fn from(pairs: [(KK, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<'a, K: AsRef<str>, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a str, &'a V);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a str, &'a V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<K: AsRef<str>, V> std::ops::Index<&str> for SortedMap<K, V> {
    type Output = V;
    fn index(&self, key: &str) -> &V {
        self.get(key).expect("indexing an entry that is present")
    }
}

impl<K: AsRef<str>, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// Read straight into the vector: the pairs come in the input's order
/// (for provider schemas, already sorted, which the sort checks in one
/// pass), and a repeated name keeps its last value, as with a `BTreeMap`.
impl<'de, V: Deserialize<'de>> Deserialize<'de> for SortedMap<String, V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Pairs<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Pairs<V> {
            type Value = SortedMap<String, V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let room = map.size_hint().unwrap_or(0).min(MOST_RESERVED);
                let mut items: Vec<(String, V)> = Vec::with_capacity(room);
                while let Some(pair) = map.next_entry()? {
                    items.push(pair);
                }
                Ok(SortedMap::from_pairs(items))
            }
        }
        d.deserialize_map(Pairs(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_that_misstates_its_length_is_still_read_in_order() {
        use serde::de::value::{Error, MapAccessDeserializer};
        /// Two pairs out of order, claiming to be as many as can be.
        struct Liar(Vec<(&'static str, i32)>);
        impl<'de> serde::de::MapAccess<'de> for Liar {
            type Error = Error;
            fn next_key_seed<S: serde::de::DeserializeSeed<'de>>(
                &mut self,
                seed: S,
            ) -> Result<Option<S::Value>, Error> {
                let Some(&(key, _)) = self.0.first() else {
                    return Ok(None);
                };
                seed.deserialize(serde::de::value::StrDeserializer::new(key))
                    .map(Some)
            }
            fn next_value_seed<S: serde::de::DeserializeSeed<'de>>(
                &mut self,
                seed: S,
            ) -> Result<S::Value, Error> {
                let (_, value) = self.0.remove(0);
                seed.deserialize(serde::de::value::I32Deserializer::new(value))
            }
            fn size_hint(&self) -> Option<usize> {
                Some(usize::MAX)
            }
        }
        let input = MapAccessDeserializer::new(Liar(vec![("b", 1), ("a", 2), ("b", 3)]));
        let m = SortedMap::<String, i32>::deserialize(input).unwrap();
        assert_eq!(m.iter().collect::<Vec<_>>(), [("a", &2), ("b", &3)]);
    }

    #[test]
    fn pairs_come_out_sorted_and_a_repeated_name_keeps_its_last_value() {
        let m: SortedMap<String, i32> = [("b", 1), ("a", 2), ("b", 3)].into();
        assert_eq!(m.iter().collect::<Vec<_>>(), [("a", &2), ("b", &3)]);
        let mut m = m;
        assert_eq!(m.insert("c", 4), None);
        assert_eq!(m.insert("a", 5), Some(2));
        *m.get_or_insert_with("0", || 6) += 1;
        assert_eq!(m.keys().collect::<Vec<_>>(), ["0", "a", "b", "c"]);
        assert_eq!(m.remove("b"), Some(3));
        assert_eq!(m["0"], 7);
    }
}
