//! Stack settings: `stacks/<name>.toml`, with an optional git-ignored
//! `stacks/<name>.local.toml` deep-merged on top.
//!
//! Files are parsed, merged, deserialized into typed settings (unknown keys
//! are errors) and then validated. Every problem names the file, line,
//! column and key it is about, and all of them are reported at once.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;

/// One problem with a settings file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SettingsProblem {
    /// The file, as the user would name it (`stacks/hello.toml`).
    pub file: String,
    /// 1-based line, 0 when the problem has no place in the file.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The dotted key, e.g. `network.subnet_cidr`; empty for the whole file.
    pub key: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SettingsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in a stack's settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SettingsError {
    /// The problems, sorted by file and position.
    pub problems: Vec<SettingsProblem>,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// A problem found by validating typed settings: the key and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Dotted key path, e.g. `network.pods_cidr` or `node_pools[1].max_nodes`.
    pub key: String,
    /// What is wrong, e.g. `10.0.0.0/33 is not a valid CIDR range`.
    pub message: String,
}

impl Invalid {
    /// A problem with the value at `key`.
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Invalid {
            key: key.into(),
            message: message.into(),
        }
    }
}

/// Raw settings that check themselves beyond what their types say and
/// become a validated type.
pub trait Validate: Sized {
    /// The settings once every check passed.
    type Valid;
    /// The validated settings, or every problem, each with its key.
    fn validate(self) -> Result<Self::Valid, Vec<Invalid>>;
}

/// A settings file as read from disk.
#[derive(Debug, Clone)]
pub struct Source {
    /// How the file is named in messages and headers, e.g. `stacks/hello.toml`.
    pub display: String,
    /// The file's text.
    pub text: String,
}

/// The files one stack's settings come from: the base file, then the
/// optional local override.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The stack's name (the file stem).
    pub name: String,
    /// `stacks/<name>.toml`
    pub base: Source,
    /// `stacks/<name>.local.toml`, when present.
    pub local: Option<Source>,
}

impl Sources {
    /// Reads `<dir>/<name>.toml` and, if present, `<dir>/<name>.local.toml`.
    /// `display_dir` is how `dir` is named in messages (`stacks`).
    pub fn read(dir: &Path, display_dir: &str, name: &str) -> Result<Sources, SettingsError> {
        let read = |file: String| -> Result<Option<Source>, SettingsError> {
            let path: PathBuf = dir.join(&file);
            let display = format!("{display_dir}/{file}");
            match std::fs::read_to_string(&path) {
                Ok(text) => Ok(Some(Source { display, text })),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(whole_file(&display, format!("cannot read: {e}"))),
            }
        };
        let base = read(format!("{name}.toml"))?.ok_or_else(|| {
            whole_file(
                &format!("{display_dir}/{name}.toml"),
                format!("no stack named {name:?}"),
            )
        })?;
        let local = read(format!("{name}.local.toml"))?;
        Ok(Sources {
            name: name.to_owned(),
            base,
            local,
        })
    }

    /// The files, for headers: `stacks/hello.toml` or
    /// `stacks/hello.toml + stacks/hello.local.toml`.
    pub fn describe(&self) -> String {
        match &self.local {
            None => self.base.display.clone(),
            Some(local) => format!("{} + {}", self.base.display, local.display),
        }
    }

    /// Parses, merges and deserializes the settings into `T`, then
    /// validates them; every problem is reported with its place.
    pub fn load<T: DeserializeOwned + Validate>(&self) -> Result<T::Valid, SettingsError> {
        let value: T = match serde_path_to_error::deserialize(toml::Value::Table(self.merged()?)) {
            Ok(value) => value,
            Err(first) => return Err(self.shape_problems::<T>(first)),
        };
        let mut problems: Vec<SettingsProblem> = match value.validate() {
            Ok(valid) => return Ok(valid),
            Err(invalid) => invalid
                .into_iter()
                .map(|i| self.problem_at(&i.key, i.message))
                .collect(),
        };
        problems.sort();
        problems.dedup();
        Err(SettingsError { problems })
    }

    /// Every key whose value does not fit `T`, starting from the `first`
    /// one serde stopped at.
    ///
    /// Serde stops at the first error, so each offending key is taken out
    /// of the settings and the rest deserialized again, until they fit or
    /// a required key was taken out (nothing more can be learned without
    /// it) or a list item was (the items after it would be misnumbered).
    fn shape_problems<T: DeserializeOwned>(
        &self,
        first: serde_path_to_error::Error<toml::de::Error>,
    ) -> SettingsError {
        /// More than this many at once is a wrong file, not a few typos.
        const MOST: usize = 20;
        let mut problems = Vec::new();
        let mut taken: Vec<String> = Vec::new();
        let mut error = first;
        let mut merged = match self.merged() {
            Ok(merged) => merged,
            Err(e) => return e,
        };
        loop {
            let (key, message) = error_key(&error);
            if let Some(missing) = backticked_after(&message, "missing field ") {
                // Missing from the file, it is a problem; missing because
                // its wrong value was taken out, it was reported already.
                if !taken.contains(&join_key(&key, &missing)) {
                    problems.push(self.problem_at(&key, message));
                }
                break;
            }
            problems.push(self.problem_at(&key, message));
            let removed =
                problems.len() < MOST && !key.ends_with(']') && remove_key(&mut merged, &key);
            if !removed {
                break;
            }
            taken.push(key);
            match serde_path_to_error::deserialize::<_, T>(toml::Value::Table(merged.clone())) {
                Ok(_) => break,
                Err(next) => error = next,
            }
        }
        problems.sort();
        problems.dedup();
        SettingsError { problems }
    }

    /// Reads just the `blueprint` key, to know which settings type to load.
    pub fn blueprint(&self) -> Result<String, SettingsError> {
        #[derive(Deserialize)]
        struct Head {
            blueprint: Option<String>,
        }
        let merged = self.merged()?;
        let head: Head = toml::Value::Table(merged)
            .try_into()
            .map_err(|e: toml::de::Error| SettingsError {
                problems: vec![self.problem_at("blueprint", e.message().to_owned())],
            })?;
        head.blueprint.ok_or_else(|| SettingsError {
            problems: vec![SettingsProblem {
                file: self.base.display.clone(),
                line: 1,
                column: 1,
                key: "blueprint".to_owned(),
                message: "missing; say which blueprint this stack uses".to_owned(),
            }],
        })
    }

    fn merged(&self) -> Result<toml::Table, SettingsError> {
        let mut problems = Vec::new();
        let base = parse(&self.base, &mut problems);
        let local = self.local.as_ref().map(|l| parse(l, &mut problems));
        if !problems.is_empty() {
            return Err(SettingsError { problems });
        }
        let mut base = base.unwrap_or_default();
        if let Some(Some(local)) = local {
            merge(&mut base, local);
        }
        Ok(base)
    }

    /// A problem about `key`, placed in the local file when it sets that
    /// key, else in the base file.
    pub fn problem_at(&self, key: &str, message: String) -> SettingsProblem {
        let sources = self.local.iter().chain(std::iter::once(&self.base));
        for source in sources {
            if let Some((line, column)) = find_key(&source.text, key) {
                return SettingsProblem {
                    file: source.display.clone(),
                    line,
                    column,
                    key: key.to_owned(),
                    message,
                };
            }
        }
        // A missing key: point at the table that should hold it.
        let parent = key.rsplit_once('.').map_or("", |(p, _)| p);
        let (line, column) = if parent.is_empty() {
            (1, 1)
        } else {
            find_key(&self.base.text, parent).unwrap_or((1, 1))
        };
        SettingsProblem {
            file: self.base.display.clone(),
            line,
            column,
            key: key.to_owned(),
            message,
        }
    }
}

fn whole_file(display: &str, message: String) -> SettingsError {
    SettingsError {
        problems: vec![SettingsProblem {
            file: display.to_owned(),
            line: 0,
            column: 0,
            key: String::new(),
            message,
        }],
    }
}

fn parse(source: &Source, problems: &mut Vec<SettingsProblem>) -> Option<toml::Table> {
    match source.text.parse::<toml::Table>() {
        Ok(t) => Some(t),
        Err(e) => {
            let (line, column) = e
                .span()
                .map_or((0, 0), |s| line_column(&source.text, s.start));
            problems.push(SettingsProblem {
                file: source.display.clone(),
                line,
                column,
                key: String::new(),
                message: format!("invalid TOML: {}", e.message().trim_end()),
            });
            None
        }
    }
}

/// Deep merge: tables merge key by key, anything else is replaced.
pub fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// The key a deserialization error is about, and its message. An unknown
/// key is reported at the key itself, not at its table.
fn error_key(e: &serde_path_to_error::Error<toml::de::Error>) -> (String, String) {
    let mut key = e.path().to_string();
    if key == "." {
        key.clear();
    }
    let message = e.inner().message().to_owned();
    if let Some(unknown) = backticked_after(&message, "unknown field ") {
        if key.rsplit('.').next() != Some(unknown.as_str()) {
            key = join_key(&key, &unknown);
        }
    }
    (key, message)
}

/// Takes the value at the key path (`app.port`, `node_pools[1].name`) out
/// of `table`; whether it was there.
fn remove_key(table: &mut toml::Table, key: &str) -> bool {
    let Some(segs) = segments(key) else {
        return false;
    };
    let Some((Seg::Key(last), parents)) = segs.split_last() else {
        return false;
    };
    let mut at = table;
    let mut parents = parents.iter().peekable();
    while let Some(seg) = parents.next() {
        let Seg::Key(name) = seg else {
            return false;
        };
        let Some(mut value) = at.get_mut(*name) else {
            return false;
        };
        while let Some(Seg::Index(i)) = parents.peek() {
            value = match value {
                toml::Value::Array(items) => match items.get_mut(*i) {
                    Some(item) => item,
                    None => return false,
                },
                _ => return false,
            };
            parents.next();
        }
        at = match value {
            toml::Value::Table(t) => t,
            _ => return false,
        };
    }
    at.remove(*last).is_some()
}

fn backticked_after(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?;
    let rest = rest.strip_prefix('`')?;
    Some(rest[..rest.find('`')?].to_owned())
}

fn join_key(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_owned()
    } else {
        format!("{parent}.{child}")
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    // Offsets come from the TOML parser and fall on character boundaries.
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// One step of a key path: `name` or `[index]`.
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn segments(key: &str) -> Option<Vec<Seg<'_>>> {
    let mut out = Vec::new();
    for part in key.split('.') {
        let (name, mut rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if !name.is_empty() {
            out.push(Seg::Key(name));
        }
        while let Some((index, tail)) = rest.split_once(']') {
            out.push(Seg::Index(index.parse().ok()?));
            rest = tail.strip_prefix('[').unwrap_or(tail);
        }
    }
    Some(out)
}

/// Where the key path is set in `text`: the line and column of the key
/// (for a table entry) or of the element (for an array index).
fn find_key(text: &str, key: &str) -> Option<(usize, usize)> {
    use toml::de::{DeTable, DeValue};
    if key.is_empty() {
        return None;
    }
    let root = DeTable::parse(text).ok()?;
    let segs = segments(key)?;
    let mut table = root.get_ref();
    let mut value: Option<&toml::Spanned<DeValue<'_>>> = None;
    let mut span = 0..0;
    for seg in segs {
        match seg {
            Seg::Key(name) => {
                if let Some(v) = value {
                    table = match v.get_ref() {
                        DeValue::Table(t) => t,
                        _ => return None,
                    };
                }
                let (k, v) = table.iter().find(|(k, _)| k.get_ref().as_ref() == name)?;
                span = k.span();
                value = Some(v);
            }
            Seg::Index(i) => {
                let v = match value?.get_ref() {
                    DeValue::Array(items) => items.get(i)?,
                    _ => return None,
                };
                span = v.span();
                value = Some(v);
            }
        }
    }
    Some(line_column(text, span.start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_from_one() {
        let text = "a = 1\nnétwork = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, text.find("= 2").unwrap()), (2, 9));
    }

    #[test]
    fn keys_are_found_in_nested_tables_and_arrays_of_tables() {
        let text = "blueprint = \"x\"\n\n[network]\nname = \"n\"\n\n[[pools]]\nname = \"a\"\n\n[[pools]]\n  name = \"b\"\n";
        assert_eq!(find_key(text, "network.name"), Some((4, 1)));
        assert_eq!(find_key(text, "pools[1].name"), Some((10, 3)));
        assert_eq!(find_key(text, "network.missing"), None);
    }

    #[test]
    fn local_tables_merge_key_by_key_and_replace_other_values() {
        let mut base: toml::Table = "a = 1\n[t]\nx = 1\ny = [1, 2]\n".parse().unwrap();
        let over: toml::Table = "[t]\ny = [3]\nz = true\n".parse().unwrap();
        merge(&mut base, over);
        let expected: toml::Table = "a = 1\n[t]\nx = 1\ny = [3]\nz = true\n".parse().unwrap();
        assert_eq!(base, expected);
    }
}
