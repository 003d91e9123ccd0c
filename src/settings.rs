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

use crate::diagnostic::Diagnostic;

/// Every problem found in a stack's settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SettingsError {
    /// The problems, sorted by file and position.
    pub problems: Vec<Diagnostic>,
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

/// Raw settings that check themselves beyond what their types say and
/// become a validated type.
pub trait Validate: Sized {
    /// The settings once every check passed.
    type Valid;
    /// The validated settings, or every problem, each with its key
    /// ([`Diagnostic::at_key`]); the loader places it in its file.
    fn validate(self) -> Result<Self::Valid, Vec<Diagnostic>>;
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
    ///
    /// # Errors
    ///
    /// No `<name>.toml`, or a file that cannot be read, named.
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
    ///
    /// Every key of the wrong shape is found in one run: a missing key,
    /// an unknown key, a value of the wrong type (a table written as an
    /// array included). Each is reported and mended (an unknown key taken
    /// out, a missing or wrong value replaced by a stand-in of the right
    /// type) and the rest deserialized again, until the settings fit.
    /// Then they are validated, so that a wrong shape in one place does
    /// not hide a wrong value in another; problems at keys that hold a
    /// stand-in were reported already and are left out.
    ///
    /// # Errors
    ///
    /// Every problem of the files, each with its file, line, column and
    /// key, sorted.
    pub fn load<T: DeserializeOwned + Validate>(&self) -> Result<T::Valid, SettingsError> {
        let shaped = self.shape::<T>(self.merged()?);
        let mut problems = shaped.problems;
        if let Some(value) = shaped.value {
            match value.validate() {
                Ok(valid) if problems.is_empty() => return Ok(valid),
                Ok(_) => {}
                Err(invalid) => problems.extend(
                    invalid
                        .into_iter()
                        .filter(|i| !shaped.stand_ins.iter().any(|s| is_within(&i.key, s)))
                        .map(|i| self.problem_at(&i.key, i.message)),
                ),
            }
        }
        problems.sort();
        problems.dedup();
        Err(SettingsError { problems })
    }

    /// Deserializes `table` into `T`, reporting and mending each key of
    /// the wrong shape in turn (serde stops at the first), until it fits
    /// or a key cannot be mended.
    fn shape<T: DeserializeOwned>(&self, mut table: toml::Table) -> Shaped<T> {
        /// Each round mends one key; a settings file has far fewer.
        const MOST_ROUNDS: usize = 500;
        let mut shaped = Shaped {
            value: None,
            problems: Vec::new(),
            stand_ins: Vec::new(),
        };
        let mut result = deserialize::<T>(&table);
        let mut last = None;
        for _ in 0..MOST_ROUNDS {
            let error = match result {
                Ok(value) => {
                    shaped.value = Some(value);
                    return shaped;
                }
                Err(error) => error,
            };
            let (key, message) = error_key(&error);
            last = Some((key.clone(), message.clone()));
            let stood_in =
                |key: &str, stand_ins: &[String]| stand_ins.iter().any(|s| is_within(key, s));
            let next = if let Some(field) = backticked_after(&message, "missing field ") {
                let missing = join_key(&key, &field);
                let Some((value, next)) = stand_in::<T>(&mut table, &missing, &message) else {
                    shaped.problems.push(self.missing(&missing, Missing::Value));
                    break;
                };
                if !stood_in(&missing, &shaped.stand_ins) {
                    let shape = match value {
                        toml::Value::Table(_) => Missing::Table,
                        toml::Value::Array(_) if holds_tables::<T>(&table, &missing) => {
                            Missing::Tables
                        }
                        _ => Missing::Value,
                    };
                    shaped.problems.push(self.missing(&missing, shape));
                }
                shaped.stand_ins.push(missing);
                next
            } else if backticked_after(&message, "unknown field ").is_some() {
                shaped.problems.push(self.problem_at(&key, message));
                if !remove_key(&mut table, &key) {
                    break;
                }
                deserialize::<T>(&table)
            } else {
                // A struct reads an array as its fields in order, so a table
                // written as an array is reported at its first item unless
                // it is found here.
                let (key, message) = match table_written_as_array::<T>(&table, &key) {
                    Some(array) => (array, "invalid type: array, expected a table".to_owned()),
                    None => (key, message),
                };
                if !stood_in(&key, &shaped.stand_ins) {
                    shaped.problems.push(self.problem_at(&key, message.clone()));
                }
                let Some((_, next)) = stand_in::<T>(&mut table, &key, &message) else {
                    break;
                };
                shaped.stand_ins.push(key);
                next
            };
            result = next;
        }
        // Whatever stopped the mending, the settings do not fit: never
        // without a problem to say so.
        if shaped.problems.is_empty() {
            if let Some((key, message)) = last {
                shaped.problems.push(self.problem_at(&key, message));
            }
        }
        shaped
    }

    /// A missing key, placed where it should be added: in the table it
    /// belongs in, or for a top-level key, after the other top-level keys
    /// (a value) or at the end of the file (a table).
    fn missing(&self, key: &str, shape: Missing) -> Diagnostic {
        let parent = parent_key(key);
        if !parent.is_empty() {
            let table = if parent.ends_with(']') {
                parent.to_owned()
            } else {
                format!("[{parent}]")
            };
            return self.problem_at(key, format!("missing; add it to {table}"));
        }
        let text = &self.base.text;
        let (offset, message) = match shape {
            Missing::Table => (text.len(), format!("missing; add the [{key}] table")),
            Missing::Tables => (
                text.len(),
                format!("missing; add at least one [[{key}]] table"),
            ),
            Missing::Value => match top_level_end(text) {
                (end, true) => (
                    end,
                    "missing; add it with the top-level keys, before the first table".to_owned(),
                ),
                (end, false) => (end, "missing; add it with the top-level keys".to_owned()),
            },
        };
        let (line, column) = line_column(text, offset);
        Diagnostic::at_key(key, message).in_file(self.base.display.clone(), line, column)
    }

    /// Reads just the `blueprint` key, to know which settings type to load.
    ///
    /// # Errors
    ///
    /// A file that is not TOML, or a `blueprint` that is missing (placed
    /// with the other top-level keys) or not a string.
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
        head.blueprint.ok_or_else(|| {
            let mut problem = self.missing("blueprint", Missing::Value);
            problem.message = format!(
                "{}; it names the blueprint this stack uses",
                problem.message
            );
            SettingsError {
                problems: vec![problem],
            }
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
    pub fn problem_at(&self, key: &str, message: String) -> Diagnostic {
        // Where the local file replaces a value that is not a table (an
        // array of tables, say), the base file's keys below it are not in
        // the merged settings: only the local file can hold the place.
        let replaced = self
            .local
            .as_ref()
            .is_some_and(|local| replaced_by(&local.text, key));
        let base = (!replaced).then_some(&self.base);
        let at = |source: &Source, (line, column)| {
            Diagnostic::at_key(key, message.clone()).in_file(source.display.clone(), line, column)
        };
        for source in self.local.iter().chain(base) {
            if let Some(place) = find_key(&source.text, key) {
                let mut found = at(source, place);
                if std::ptr::eq(source, &self.base) {
                    found.message.push_str(&self.local_siblings(key));
                }
                return found;
            }
        }
        // A key that is not in the files: point at the nearest table that
        // holds it, in the local file when that sets the table.
        let mut parent = parent_key(key);
        while !parent.is_empty() {
            for source in self.local.iter().chain(base) {
                if let Some(place) = find_key(&source.text, parent) {
                    return at(source, place);
                }
            }
            parent = parent_key(parent);
        }
        at(
            &self.base,
            line_column(&self.base.text, top_level_end(&self.base.text).0),
        )
    }
}

impl Sources {
    /// For a problem at `key` of the base file: the keys of the same
    /// table the local override sets, with their lines, and that it cannot
    /// take `key` out (`; stacks/hello.local.toml sets state.backend (line
    /// 2), and an override merges key by key: it cannot take out state.bucket`);
    /// empty when it sets none.
    fn local_siblings(&self, key: &str) -> String {
        let Some(local) = &self.local else {
            return String::new();
        };
        let parent = parent_key(key);
        let Ok(table) = toml::from_str::<toml::Table>(&local.text) else {
            return String::new();
        };
        let mut at: Option<&toml::Table> = Some(&table);
        if !parent.is_empty() {
            for part in parent.split('.') {
                at = at.and_then(|t| t.get(part)).and_then(toml::Value::as_table);
            }
        }
        let Some(siblings) = at else {
            return String::new();
        };
        // In the order of the file's lines.
        let mut set: Vec<(usize, String)> = siblings
            .keys()
            .map(|k| {
                if parent.is_empty() {
                    k.clone()
                } else {
                    format!("{parent}.{k}")
                }
            })
            .filter(|k| k != key)
            .filter_map(|k| {
                let (line, _) = find_key(&local.text, &k)?;
                Some((line, format!("{k} (line {line})")))
            })
            .collect();
        set.sort();
        let set: Vec<String> = set.into_iter().map(|(_, k)| k).collect();
        if set.is_empty() || parent.is_empty() {
            return String::new();
        }
        format!(
            "; {} sets {}, and an override merges key by key: it cannot take out {key}",
            local.display,
            set.join(", ")
        )
    }
}

/// Whether `text` (a local override) sets some key on the path to `key`
/// to a value that is not a table, which replaces the base file's value
/// whole when the files are merged ([`merge`]).
fn replaced_by(text: &str, key: &str) -> bool {
    let Ok(table) = text.parse::<toml::Table>() else {
        return false;
    };
    let Some(segs) = segments(key) else {
        return false;
    };
    let mut here = &table;
    for seg in segs {
        let Seg::Key(name) = seg else {
            return false;
        };
        match here.get(name) {
            None => return false,
            Some(toml::Value::Table(t)) => here = t,
            Some(_) => return true,
        }
    }
    false
}

fn whole_file(display: &str, message: String) -> SettingsError {
    SettingsError {
        problems: vec![Diagnostic::new(message).in_file(display, 0, 0)],
    }
}

/// The file's table, or its first syntax error, with the key it is in
/// when the parser got that far (the errors after the first are mostly
/// echoes of it, so only the first is reported).
fn parse(source: &Source, problems: &mut Vec<Diagnostic>) -> Option<toml::Table> {
    match source.text.parse::<toml::Table>() {
        Ok(t) => Some(t),
        Err(e) => {
            let span = e.span();
            let (line, column) = span
                .as_ref()
                .map_or((0, 0), |s| line_column(&source.text, s.start));
            let key = span.map(|s| key_at(&source.text, s)).unwrap_or_default();
            problems.push(
                Diagnostic::at_key(key, format!("invalid TOML: {}", e.message().trim_end()))
                    .in_file(source.display.clone(), line, column),
            );
            None
        }
    }
}

/// The dotted key whose line holds the syntax error at `span`: the
/// deepest key or value that the error is in, as far as the parser read
/// it; for a key written twice, that key in the table it is in. Empty
/// when the error is in no key (a broken table header).
fn key_at(text: &str, span: std::ops::Range<usize>) -> String {
    use toml::de::{DeTable, DeValue};

    /// The deepest entry holding `at`, and the last table header at or
    /// before it.
    fn search(
        table: &DeTable<'_>,
        path: &str,
        at: usize,
        found: &mut Option<String>,
        section: &mut (usize, String),
    ) {
        for (k, v) in table.iter() {
            let here = join_key(path, k.get_ref());
            let (ks, vs) = (k.span(), v.span());
            // A table from a `[header]` has its value's span at the header,
            // before its key's.
            let from_header = vs.start < ks.start;
            if from_header && vs.start <= at && vs.start >= section.0 {
                *section = (vs.start, here.clone());
            }
            let holds = |r: &std::ops::Range<usize>| r.start <= at && at <= r.end;
            if holds(&ks) || (!from_header && holds(&vs)) {
                *found = Some(here.clone());
            }
            match v.get_ref() {
                DeValue::Table(t) => search(t, &here, at, found, section),
                DeValue::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if let DeValue::Table(t) = item.get_ref() {
                            let indexed = format!("{here}[{i}]");
                            let is = item.span();
                            if from_header && is.start <= at && is.start >= section.0 {
                                *section = (is.start, indexed.clone());
                            }
                            search(t, &indexed, at, found, section);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    let (table, _) = DeTable::parse_recoverable(text);
    let mut found = None;
    let mut section = (0, String::new());
    search(table.get_ref(), "", span.start, &mut found, &mut section);
    if let Some(found) = found {
        return found;
    }
    // A key written twice is not in the table read: its text is at the span.
    let written = text.get(span).unwrap_or_default().trim();
    let bare = !written.is_empty()
        && written
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-');
    if bare {
        join_key(&section.1, written)
    } else {
        String::new()
    }
}

/// Where the top-level keys end: just after the last of them that comes
/// before the first `[table]`, or at the file's start; and whether a table
/// follows.
fn top_level_end(text: &str) -> (usize, bool) {
    use toml::de::DeTable;
    let Ok(table) = DeTable::parse(text) else {
        return (0, false);
    };
    let mut first_header = None::<usize>;
    for (k, v) in table.get_ref().iter() {
        let (ks, vs) = (k.span(), v.span());
        if vs.start < ks.start {
            first_header = Some(first_header.map_or(vs.start, |f| f.min(vs.start)));
        }
    }
    let before = first_header.unwrap_or(text.len());
    let last = table
        .get_ref()
        .iter()
        .filter(|(k, v)| k.span().start < v.span().start && v.span().end <= before)
        .map(|(_, v)| v.span().end)
        .max();
    let end = match last {
        // The start of the line after the last top-level key's value.
        Some(end) => text
            .get(end..)
            .and_then(|rest| rest.find('\n'))
            .map_or(text.len(), |n| end + n + 1),
        None => 0,
    };
    (end, first_header.is_some())
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
    let message = readable(e.inner().message());
    if let Some(unknown) = backticked_after(&message, "unknown field ") {
        if key.rsplit('.').next() != Some(unknown.as_str()) {
            key = join_key(&key, &unknown);
        }
    }
    (key, message)
}

/// What deserializing found: every key of the wrong shape, and the
/// settings once each was mended, when they could be.
struct Shaped<T> {
    value: Option<T>,
    problems: Vec<Diagnostic>,
    /// Keys whose values are stand-ins: what is wrong at or below them was
    /// reported already.
    stand_ins: Vec<String>,
}

/// What a missing key holds, which says where it is added.
#[derive(Clone, Copy)]
enum Missing {
    /// A value, written with its table's keys.
    Value,
    /// A table, `[key]`.
    Table,
    /// An array of tables, `[[key]]`.
    Tables,
}

/// Whether the array at `key` holds tables: serde takes an empty table as
/// its first item, or asks it for keys.
fn holds_tables<T: DeserializeOwned>(table: &toml::Table, key: &str) -> bool {
    let mut probe = table.clone();
    let one = toml::Value::Array(vec![toml::Value::Table(toml::Table::new())]);
    if !set_key(&mut probe, key, one) {
        return false;
    }
    match deserialize::<T>(&probe) {
        Ok(_) => true,
        Err(e) => {
            let (at, message) = error_key(&e);
            let item = format!("{key}[0]");
            at != item || backticked_after(&message, "missing field ").is_some()
        }
    }
}

fn deserialize<T: DeserializeOwned>(
    table: &toml::Table,
) -> Result<T, serde_path_to_error::Error<toml::de::Error>> {
    serde_path_to_error::deserialize(toml::Value::Table(table.clone()))
}

/// Whether `key` is `within` or below it (`app.port` is within `app`,
/// `zones[1]` within `zones`).
fn is_within(key: &str, within: &str) -> bool {
    key.strip_prefix(within)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// The key of the table or array that holds `key`: `app` for `app.port`,
/// `node_pools[1]` for `node_pools[1].name`, `zones` for `zones[2]`, empty
/// for a top-level key.
fn parent_key(key: &str) -> &str {
    match key.rfind(['.', '[']) {
        Some(i) => &key[..i],
        None => "",
    }
}

/// Puts a value of the type `T` wants at `key` in `table`: the first of
/// the variants that `message` lists, an empty string, zero, false, an
/// empty array or table, that serde no longer refuses at `key`. Returns
/// the value and what deserializing then gave; `None` when no stand-in
/// fits or `key` cannot be reached.
fn stand_in<T: DeserializeOwned>(
    table: &mut toml::Table,
    key: &str,
    message: &str,
) -> Option<(
    toml::Value,
    Result<T, serde_path_to_error::Error<toml::de::Error>>,
)> {
    use toml::Value as V;
    let mut candidates: Vec<V> = variants(message).into_iter().map(V::String).collect();
    candidates.extend([
        V::String(String::new()),
        V::Integer(0),
        V::Boolean(false),
        V::Array(Vec::new()),
        V::Table(toml::Table::new()),
        V::Float(0.0),
    ]);
    for candidate in candidates {
        let mut tried = table.clone();
        if !set_key(&mut tried, key, candidate.clone()) {
            return None;
        }
        let result = deserialize::<T>(&tried);
        let refused = match &result {
            Ok(_) => false,
            Err(e) => {
                let (at, message) = error_key(e);
                at == key && backticked_after(&message, "missing field ").is_none()
            }
        };
        if !refused {
            *table = tried;
            return Some((candidate, result));
        }
    }
    None
}

/// The variants an error lists: `` unknown variant `X`, expected one of
/// `A`, `B` `` gives `A` and `B`.
fn variants(message: &str) -> Vec<String> {
    let Some((_, listed)) = message.split_once("expected one of ").or_else(|| {
        message
            .starts_with("unknown variant")
            .then(|| message.split_once("expected "))
            .flatten()
    }) else {
        return Vec::new();
    };
    listed
        .split(", ")
        .filter_map(|v| v.strip_prefix('`')?.strip_suffix('`'))
        .map(str::to_owned)
        .collect()
}

/// When serde refused an item of an array at `key` (`app[0]`) because the
/// array stands where a table belongs (a struct reads an array as its
/// fields in order), the key of that array (`app`).
fn table_written_as_array<T: DeserializeOwned>(table: &toml::Table, key: &str) -> Option<String> {
    let mut end = 0;
    while let Some(i) = key[end..].find('[').map(|i| end + i) {
        let array = &key[..i];
        end = i + 1;
        let mut probe = table.clone();
        let is_array = matches!(value_at(&probe, array), Some(toml::Value::Array(_)));
        if !is_array || !set_key(&mut probe, array, toml::Value::Boolean(true)) {
            continue;
        }
        if let Err(e) = deserialize::<T>(&probe) {
            let (at, message) = error_key(&e);
            if at == array && message.contains("expected a table") {
                return Some(array.to_owned());
            }
        }
    }
    None
}

/// The value at a key path, when it is there.
fn value_at<'t>(table: &'t toml::Table, key: &str) -> Option<&'t toml::Value> {
    let segs = segments(key)?;
    let (first, rest) = segs.split_first()?;
    let Seg::Key(first) = first else {
        return None;
    };
    let mut value = table.get(*first)?;
    for seg in rest {
        value = match (seg, value) {
            (Seg::Key(k), toml::Value::Table(t)) => t.get(*k)?,
            (Seg::Index(i), toml::Value::Array(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Sets the value at a key path whose table or array is there; whether
/// it could.
fn set_key(table: &mut toml::Table, key: &str, value: toml::Value) -> bool {
    let Some(segs) = segments(key) else {
        return false;
    };
    let Some((last, parents)) = segs.split_last() else {
        return false;
    };
    let mut at: Option<&mut toml::Value> = None;
    let mut root = Some(table);
    for seg in parents {
        let next = match (seg, at.take(), root.take()) {
            (Seg::Key(k), None, Some(t)) => t.get_mut(*k),
            (Seg::Key(k), Some(toml::Value::Table(t)), None) => t.get_mut(*k),
            (Seg::Index(i), Some(toml::Value::Array(items)), None) => items.get_mut(*i),
            _ => None,
        };
        let Some(next) = next else {
            return false;
        };
        at = Some(next);
    }
    match (last, at, root) {
        (Seg::Key(k), None, Some(t)) | (Seg::Key(k), Some(toml::Value::Table(t)), None) => {
            t.insert((*k).to_owned(), value);
            true
        }
        (Seg::Index(i), Some(toml::Value::Array(items)), None) => match items.get_mut(*i) {
            Some(item) => {
                *item = value;
                true
            }
            None => false,
        },
        _ => false,
    }
}

/// Serde's message in the words of the settings file: a struct is a
/// table (`expected struct AppSettings` → `expected a table`).
fn readable(message: &str) -> String {
    // A table that collects unknown keys (`#[serde(flatten)]`) is read
    // through serde's own buffer, which calls what it was given by serde's
    // names; TOML calls it an array.
    let message = message.replacen("invalid type: sequence,", "invalid type: array,", 1);
    let Some((before, after)) = message.split_once("expected struct ") else {
        return message;
    };
    let rest = after.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
    format!("{before}expected a table{rest}")
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
    fn a_syntax_error_is_named_by_the_key_it_is_in() {
        let text = "a = 1\n[app]\nname = \"x\"\nimage_tag = 0.1.0\n[[pools]]\nx = 1\n[[pools]]\ny = [1,\n 2,,\n]\n";
        let at = |needle: &str| {
            let start = text.find(needle).unwrap();
            key_at(text, start..start + needle.len())
        };
        assert_eq!(at("0.1.0"), "app.image_tag");
        assert_eq!(at(",,"), "pools[1].y");
        // A key written twice is not in what the parser keeps.
        let twice = "[t]\nx = 1\n[u]\nz = 1\nz = 2\n";
        let second = twice.rfind('z').unwrap();
        assert_eq!(key_at(twice, second..second + 1), "u.z");
        // A broken header is in no key.
        let header = "[network\nname = \"x\"\n";
        assert_eq!(key_at(header, 8..8), "");
    }

    #[test]
    fn top_level_keys_end_before_the_first_table() {
        let text = "a = 1\nb = [\n  2,\n]\n\n[t]\nc = 3\n";
        assert_eq!(
            top_level_end(text),
            (text.find("\n\n[t]").unwrap() + 1, true)
        );
        assert_eq!(top_level_end("a = 1"), (5, false));
        assert_eq!(top_level_end("[t]\nc = 3\n"), (0, true));
    }

    #[test]
    fn values_are_set_and_read_at_key_paths_whose_tables_exist() {
        let mut table: toml::Table = "[t]\nx = 1\n[[p]]\nn = 1\n[[p]]\nn = 2\n".parse().unwrap();
        assert!(set_key(&mut table, "t.y", toml::Value::Integer(5)));
        assert!(set_key(&mut table, "p[1].n", toml::Value::Integer(7)));
        assert!(!set_key(&mut table, "p[2].n", toml::Value::Integer(7)));
        assert!(!set_key(&mut table, "missing.n", toml::Value::Integer(7)));
        assert_eq!(value_at(&table, "t.y"), Some(&toml::Value::Integer(5)));
        assert_eq!(value_at(&table, "p[1].n"), Some(&toml::Value::Integer(7)));
        assert_eq!(value_at(&table, "p[0].n"), Some(&toml::Value::Integer(1)));
    }

    #[test]
    fn keys_are_within_their_tables_and_arrays_only() {
        assert!(is_within("app.port", "app"));
        assert!(is_within("zones[1]", "zones"));
        assert!(is_within("app", "app"));
        assert!(!is_within("apps.port", "app"));
        assert_eq!(parent_key("node_pools[1].name"), "node_pools[1]");
        assert_eq!(parent_key("zones[2]"), "zones");
        assert_eq!(parent_key("project"), "");
    }

    #[test]
    fn serde_messages_are_said_in_the_words_of_settings() {
        assert_eq!(
            readable("invalid type: string \"x\", expected struct AppSettings"),
            "invalid type: string \"x\", expected a table"
        );
        assert_eq!(
            variants("unknown variant ``, expected one of `RAPID`, `REGULAR`"),
            ["RAPID", "REGULAR"]
        );
        assert_eq!(variants("unknown variant `x`, expected `ONLY`"), ["ONLY"]);
        assert!(variants("invalid type: integer `1`, expected a string").is_empty());
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
