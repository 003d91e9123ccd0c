//! The generator's mapping of schemas to Rust, one behaviour per test.

use super::*;

fn options(types: &[&str]) -> Options {
    Options {
        provider: "example".to_owned(),
        types: types.iter().map(|t| (*t).to_owned()).collect(),
        crate_path: "tfsynth".to_owned(),
    }
}

/// A schema of provider `registry.terraform.io/acme/example` with one
/// resource, `example_thing`, whose block is `block` (JSON).
fn schema(block: &str) -> String {
    format!(
        r#"{{"format_version": "1.0", "provider_schemas": {{
          "registry.terraform.io/acme/example": {{
            "provider": {{"version": 0, "block": {{"attributes": {{
              "region": {{"type": "string", "optional": true, "description": "Where."}}}}}}}},
            "resource_schemas": {{"example_thing": {{"version": 0, "block": {block}}}}}}}}}}}"#
    )
}

/// The generated `example_thing.rs`.
fn thing(block: &str) -> String {
    file(block, "example_thing.rs")
}

/// The generated file `path`.
fn file(block: &str, path: &str) -> String {
    let files = generate("test.json", &schema(block), &options(&[])).unwrap();
    files.into_iter().find(|f| f.path == path).unwrap().text
}

/// `text` with runs of whitespace made one space, to look for a snippet
/// however prettyplease broke its lines.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_has(text: &str, snippet: &str) {
    assert!(
        flat(text).contains(&flat(snippet)),
        "missing {snippet:?} in:\n{text}"
    );
}

#[test]
fn each_attribute_type_becomes_a_value_of_its_rust_type() {
    let text = thing(
        r#"{"attributes": {
            "s": {"type": "string", "optional": true},
            "n": {"type": "number", "optional": true},
            "b": {"type": "bool", "optional": true},
            "l": {"type": ["list", "string"], "optional": true},
            "st": {"type": ["set", "number"], "optional": true},
            "m": {"type": ["map", "bool"], "optional": true},
            "ll": {"type": ["list", ["list", "string"]], "optional": true},
            "o": {"type": ["object", {"a": "string"}], "optional": true},
            "t": {"type": ["tuple", ["string", "number"]], "optional": true},
            "d": {"type": "dynamic", "optional": true}
        }}"#,
    );
    for field in [
        "pub s: Option<Value<String>>,",
        "pub n: Option<Value<Number>>,",
        "pub b: Option<Value<bool>>,",
        "pub l: Option<Value<Vec<Value<String>>>>,",
        "pub st: Option<Value<Vec<Value<Number>>>>,",
        "pub m: Option<Value<BTreeMap<String, Value<bool>>>>,",
        "pub ll: Option<Value<Vec<Value<Vec<Value<String>>>>>>,",
        "pub o: Option<Value<ObjectMap>>,",
        "pub t: Option<Value<Vec<Expression>>>,",
        "pub d: Option<Expression>,",
    ] {
        assert_has(&text, field);
    }
    assert_has(&text, "fn l(&self) -> Expr<Vec<Value<String>>>");
    assert_has(&text, "fn d(&self) -> Expr<Expression>");
    assert_has(&text, "use std::collections::BTreeMap;");
}

#[test]
fn required_attributes_are_arguments_of_new_and_optional_ones_start_unset() {
    let text = thing(
        r#"{"attributes": {
            "name": {"type": "string", "required": true},
            "size": {"type": "number", "required": true},
            "note": {"type": "string", "optional": true}
        }}"#,
    );
    assert_has(&text, "pub name: Value<String>,");
    assert_has(
        &text,
        "pub fn new(name: impl Into<Value<String>>, size: impl Into<Value<Number>>) -> Self",
    );
    assert_has(&text, "note: Default::default(),");
    assert!(!text.contains("Default, PartialEq"), "{text}");
}

#[test]
fn a_type_with_nothing_required_derives_default_and_has_no_new() {
    let text = thing(r#"{"attributes": {"note": {"type": "string", "optional": true}}}"#);
    assert_has(&text, "#[derive(Debug, Clone, Default, PartialEq)]");
    assert!(!text.contains("pub fn new"), "{text}");
}

#[test]
fn computed_only_attributes_are_accessors_not_fields() {
    let text = thing(
        r#"{"attributes": {
            "result": {"type": "string", "computed": true},
            "id": {"type": "string", "computed": true},
            "size": {"type": "number", "optional": true, "computed": true}
        }}"#,
    );
    assert!(!text.contains("pub result:"), "{text}");
    assert_has(&text, "fn result(&self) -> Expr<String>");
    // Optional and computed: both a field and an accessor.
    assert_has(&text, "pub size: Option<Value<Number>>,");
    assert_has(&text, "fn size(&self) -> Expr<Number>");
    // A resource's `id()` comes with every `Ref<R: Resource>`.
    assert!(!text.contains("fn id("), "{text}");
}

#[test]
fn nested_blocks_follow_their_nesting_mode_and_item_counts() {
    let block = |mode: &str, min: u64, max: u64| {
        format!(
            r#"{{"nesting_mode": "{mode}", "min_items": {min}, "max_items": {max},
                "block": {{"attributes": {{"x": {{"type": "string", "required": true}}}}}}}}"#
        )
    };
    let text = thing(&format!(
        r#"{{"block_types": {{
            "single": {}, "group": {}, "must": {},
            "list": {}, "list_one": {}, "list_must": {},
            "set": {}, "map": {}
        }}}}"#,
        block("single", 0, 0),
        block("group", 0, 0),
        block("single", 1, 1),
        block("list", 0, 0),
        block("list", 0, 1),
        block("list", 1, 0),
        block("set", 0, 0),
        block("map", 0, 0),
    ));
    for field in [
        "pub single: Option<Single>,",
        "pub group: Option<Group>,",
        "pub must: Must,",
        "pub list: Vec<List>,",
        "pub list_one: Option<ListOne>,",
        "pub list_must: Vec<ListMust>,",
        "pub set: Vec<SetBlock>,",
        "pub map: BTreeMap<String, Map>,",
    ] {
        assert_has(&text, field);
    }
    // A block of which one is required is an argument of `new`.
    assert_has(&text, "pub fn new(must: Must) -> Self");
    assert_has(&text, "pub struct Single {");
    assert_has(
        &text,
        r#"body.set_blocks_from("list", self.list, List::into_body);"#,
    );
    assert_has(&text, "b.into_body().into_object()");
    // Blocks nest: a block's blocks are named by their path.
    let nested = thing(
        r#"{"block_types": {"outer": {"nesting_mode": "list", "block": {
            "block_types": {"inner": {"nesting_mode": "set", "block": {
                "attributes": {"y": {"type": "bool", "optional": true}}}}}}}}}"#,
    );
    assert_has(&nested, "pub inner: Vec<OuterInner>,");
    assert_has(&nested, "pub struct OuterInner {");
}

#[test]
fn a_body_is_made_with_room_for_exactly_the_entries_set() {
    let text = flat(&thing(
        r#"{"attributes": {"a": {"type": "string", "required": true},
            "b": {"type": "string", "optional": true}},
            "block_types": {"c": {"nesting_mode": "list", "block": {}}}}"#,
    ));
    assert!(
        text.contains(
            "let mut body = Body::with_capacity( 1 + usize::from(self.b.is_some()) + usize::from(!self.c.is_empty()), );"
        ) || text.contains(
            "let mut body = Body::with_capacity(1 + usize::from(self.b.is_some()) + usize::from(!self.c.is_empty()));"
        ),
        "{text}"
    );
}

#[test]
fn a_resource_has_no_id_or_timeouts_field() {
    let text = thing(
        r#"{"attributes": {"id": {"type": "string", "optional": true, "computed": true},
            "name": {"type": "string", "optional": true}},
            "block_types": {"timeouts": {"nesting_mode": "single", "block": {
                "attributes": {"create": {"type": "string", "optional": true}}}}}}"#,
    );
    // The provider sets `id`; `Meta::timeouts` writes `timeouts`.
    assert!(!text.contains("pub id:"), "{text}");
    assert!(!text.contains("pub timeouts:"), "{text}");
    assert!(!text.contains("fn timeouts("), "{text}");
    assert_has(&text, "pub name: Option<Value<String>>,");
}

#[test]
fn nested_blocks_have_typed_accessors_and_sets_have_no_index() {
    let text = thing(
        r#"{"attributes": {"tags": {"type": ["set", "string"], "computed": true}},
            "block_types": {
            "outer": {"nesting_mode": "list", "block": {
                "attributes": {"x": {"type": "string", "computed": true}},
                "block_types": {"inner": {"nesting_mode": "set", "max_items": 1, "block": {
                    "attributes": {"y": {"type": ["list", "number"], "optional": true}}}}}}},
            "one": {"nesting_mode": "single", "block": {
                "attributes": {"index": {"type": "bool", "optional": true}}}},
            "by": {"nesting_mode": "map", "block": {}}
        }}"#,
    );
    // On the handle: each block by its nesting mode.
    assert_has(
        &text,
        r#"fn outer(&self) -> Expr<Vec<Value<Outer>>> { self.attr("outer") }"#,
    );
    assert_has(&text, "fn one(&self) -> Expr<One>");
    assert_has(&text, "fn by(&self) -> Expr<BTreeMap<String, Value<By>>>");
    // A set is a `Set`: Terraform refuses `x.tags[0]`.
    assert_has(&text, "fn tags(&self) -> Expr<Set<String>>");
    // On a block's expression: its attributes (computed ones too) and blocks.
    assert_has(&text, "impl OuterRef for Expr<Outer> {");
    assert_has(
        &text,
        r#"fn x(&self) -> Expr<String> { self.clone().get_attr("x") }"#,
    );
    assert_has(&text, "fn inner(&self) -> Expr<Set<OuterInner>>");
    assert_has(&text, "fn y(&self) -> Expr<Vec<Value<Number>>>");
    // Object types are types of their own, with an accessor per attribute.
    let objects = thing(
        r#"{"attributes": {"status": {"type": ["list", ["object", {
            "phase": "string", "conditions": ["set", ["object", {"ok": "bool"}]]}]],
            "computed": true}}}"#,
    );
    assert_has(&objects, "fn status(&self) -> Expr<Vec<Value<Status>>>");
    assert_has(&objects, "pub enum Status {}");
    assert_has(
        &objects,
        r#"fn phase(&self) -> Expr<String> { self.clone().get_attr("phase") }"#,
    );
    assert_has(
        &objects,
        "fn conditions(&self) -> Expr<Set<StatusConditions>>",
    );
    assert_has(
        &objects,
        "impl StatusConditionsRef for Expr<StatusConditions> {",
    );
    assert_has(&objects, "/// The object type of `status.conditions`");
    // `Expr::index` exists: the accessor of `index` takes another name.
    assert_has(
        &text,
        r#"fn index_attr(&self) -> Expr<bool> { self.clone().get_attr("index") }"#,
    );
}

#[test]
fn keywords_are_escaped_and_names_never_collide() {
    let text = thing(
        r#"{"attributes": {
            "type": {"type": "string", "required": true},
            "match": {"type": "string", "optional": true},
            "self": {"type": "string", "optional": true},
            "path": {"type": "string", "optional": true}
        }, "block_types": {
            "string": {"nesting_mode": "list", "block": {}},
            "value": {"nesting_mode": "list", "block": {}}
        }}"#,
    );
    assert_has(&text, "pub r#type: Value<String>,");
    assert_has(&text, "pub r#match: Option<Value<String>>,");
    assert_has(&text, "pub self_: Option<Value<String>>,");
    assert_has(
        &text,
        "pub fn new(r#type: impl Into<Value<String>>) -> Self",
    );
    assert_has(&text, "fn r#type(&self) -> Expr<String>");
    // `Ref::path` exists: the accessor of `path` takes another name.
    assert_has(
        &text,
        r#"fn path_attr(&self) -> Expr<String> { self.attr("path") }"#,
    );
    // Block structs keep clear of the names the module uses.
    assert_has(&text, "pub string: Vec<StringBlock>,");
    assert_has(&text, "pub value: Vec<ValueBlock>,");
}

#[test]
fn docs_carry_the_description_name_and_flags_and_deprecation_is_marked() {
    let block = r#"{"attributes": {
            "secret": {"type": "string", "optional": true, "sensitive": true,
                       "description": "The secret.\n\n```\nterraform import x\n```\n    indented"},
            "old": {"type": "string", "optional": true, "deprecated": true},
            "out": {"type": "string", "computed": true, "sensitive": true}
        }}"#;
    let text = thing(block);
    assert_has(&text, "/// The secret.");
    assert_has(&text, "/// `secret`: optional, sensitive.");
    assert_has(&text, "/// ```text");
    assert_has(&text, "/// indented");
    assert_has(&text, "/// `out`: computed, sensitive.");
    assert_has(&text, "/// `old`: optional, deprecated.");
    assert_has(&text, "#[deprecated] pub old: Option<Value<String>>,");
    assert_has(&text, "#[deprecated] fn old(&self)");
    assert!(text.starts_with("// Generated by `tfsynth bindgen`; do not edit.\n"));
    // The module allows what it uses itself; users still get the warning.
    let module = file(block, "mod.rs");
    assert_has(&module, "#[allow(deprecated)] pub mod example_thing;");
    assert_has(
        &module,
        "pub use example_thing::{ExampleThing, ExampleThingRef};",
    );
}

#[test]
fn output_is_sorted_and_the_same_bytes_every_time() {
    let a = schema(
        r#"{"attributes": {"b": {"type": "string", "optional": true},
                          "a": {"type": "string", "optional": true}}}"#,
    );
    let b = schema(
        r#"{"attributes": {"a": {"type": "string", "optional": true},
                          "b": {"type": "string", "optional": true}}}"#,
    );
    let first = generate("a.json", &a, &options(&[])).unwrap();
    assert_eq!(first, generate("a.json", &a, &options(&[])).unwrap());
    assert_eq!(first, generate("b.json", &b, &options(&[])).unwrap());
    let text = &first
        .iter()
        .find(|f| f.path == "example_thing.rs")
        .unwrap()
        .text;
    assert!(text.find("pub a:").unwrap() < text.find("pub b:").unwrap());
    let paths: Vec<&str> = first.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["example_thing.rs", "mod.rs", "provider.rs"]);
}

#[test]
fn the_provider_block_is_a_provider_config() {
    let files = generate("t.json", &schema("{}"), &options(&[])).unwrap();
    let provider = &files.iter().find(|f| f.path == "provider.rs").unwrap().text;
    assert_has(provider, "pub struct ExampleProvider {");
    assert_has(provider, "/// Where.");
    assert_has(
        provider,
        r#"impl ProviderConfig for ExampleProvider { const NAME: &'static str = "example";"#,
    );
}

#[test]
fn unknown_providers_and_types_are_named_in_the_error() {
    let text = schema("{}");
    let mut wrong = options(&[]);
    wrong.provider = "nope".to_owned();
    assert_eq!(
        generate("t.json", &text, &wrong).unwrap_err().to_string(),
        r#"t.json: "nope" names 0 providers; the file holds: registry.terraform.io/acme/example"#
    );
    assert_eq!(
        generate(
            "t.json",
            &text,
            &options(&["example_thing", "example_nope"])
        )
        .unwrap_err()
        .to_string(),
        "t.json: registry.terraform.io/acme/example has no resource or data source type \"example_nope\""
    );
    // A data source is selected by its configuration name, `data.X`.
    let with_data = text.replace(
        r#""resource_schemas""#,
        r#""data_source_schemas": {"example_info": {"version": 0, "block": {}}}, "resource_schemas""#,
    );
    assert_eq!(
        generate(
            "t.json",
            &with_data,
            &options(&["example_info", "data.example_thing"])
        )
        .unwrap_err()
        .to_string(),
        "t.json: registry.terraform.io/acme/example has no resource or data source types \
         \"data.example_thing\" (it is a resource: \"example_thing\"), \
         \"example_info\" (it is a data source: \"data.example_info\")"
    );
    assert_eq!(
        generate("t.json", &with_data, &options(&["data.example_inf"]))
            .unwrap_err()
            .to_string(),
        "t.json: registry.terraform.io/acme/example has no resource or data source type \
         \"data.example_inf\" (did you mean \"data.example_info\"?)"
    );
    let files = generate("t.json", &with_data, &options(&["data.example_info"])).unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["data_example_info.rs", "mod.rs", "provider.rs"]);
    assert_eq!(
        generate("t.json", "{", &options(&[]))
            .unwrap_err()
            .to_string(),
        "t.json:1:1: not a provider schema (`terraform providers schema -json`): \
         EOF while parsing an object"
    );
}

#[test]
fn a_bad_value_deep_in_a_schema_file_is_named_by_line_and_type() {
    // One malformed attribute among good ones: the error names the line,
    // the resource type and the attribute, not only the file.
    let cases = [
        (r#""type": "strnig", "required": true"#, "name.type"),
        (r#""type": "string", "required": "yes""#, "name.required"),
        (r#""type": ["list"], "optional": true"#, "name.type"),
    ];
    for (bad, key) in cases {
        let text = schema(&format!(
            "{{\"attributes\": {{\n\"id\": {{\"type\": \"string\", \"computed\": true}},\n\"name\": {{{bad}}}}}}}"
        ));
        let error = generate("t.json", &text, &options(&[])).unwrap_err();
        let BindgenError::Parse {
            file,
            line,
            key: found,
            ..
        } = &error
        else {
            panic!("not a parse error: {error}");
        };
        assert_eq!(file, "t.json");
        assert!(
            text.lines().nth(line - 1).unwrap().starts_with("\"name\""),
            "{error}"
        );
        assert_eq!(
            found.as_deref(),
            Some(&*format!(
                "provider_schemas.registry.terraform.io/acme/example.resource_schemas.\
                 example_thing.block.attributes.{key}"
            )),
            "{error}"
        );
    }
}

#[test]
fn an_attribute_without_a_type_or_a_flag_is_refused_by_its_key_path() {
    // Terraform writes every attribute with a type and at least one of
    // required, optional and computed: anything else is not guessed at
    // (it was a dynamic `Option<Expression>`, or computed-only with the
    // doc line "`deep`: .").
    let no_type = r#""optional": true"#;
    let no_flag = r#""type": "string""#;
    let untyped = r#"the attribute has neither "type" nor "nested_type""#;
    let unflagged = "the attribute is none of required, optional and computed";
    let top =
        "provider_schemas.registry.terraform.io/acme/example.resource_schemas.example_thing.block";
    let cases = [
        (
            format!(
                r#"{{"attributes": {{"name": {{"type": "string", "optional": true}},
"deep": {{{no_type}}}}}}}"#
            ),
            format!("{top}.attributes.deep"),
            untyped,
        ),
        (
            format!(
                r#"{{"attributes": {{"name": {{"type": "string", "optional": true}},
"deep": {{{no_flag}}}}}}}"#
            ),
            format!("{top}.attributes.deep"),
            unflagged,
        ),
        (
            format!(
                r#"{{"block_types": {{"outer": {{"nesting_mode": "list", "block": {{
"attributes": {{"deep": {{{no_type}}}}}}}}}}}}}"#
            ),
            format!("{top}.block_types.outer.block.attributes.deep"),
            untyped,
        ),
        (
            format!(
                r#"{{"attributes": {{"outer": {{"optional": true, "nested_type": {{
"nesting_mode": "single", "attributes": {{"deep": {{{no_flag}}}}}}}}}}}}}"#
            ),
            format!("{top}.attributes.outer.nested_type.attributes.deep"),
            unflagged,
        ),
    ];
    for (block, key, why) in cases {
        let text = schema(&block);
        let error = generate("t.json", &text, &options(&[])).unwrap_err();
        let BindgenError::Parse { line, column, .. } = &error else {
            panic!("not a parse error: {error}");
        };
        // The position is where the parser found the problem: the end of
        // the attribute's object.
        let at = text.lines().nth(line - 1).unwrap();
        assert!(at[..column - 1].ends_with('}'), "{at:?} {column}: {error}");
        assert!(at.contains("\"deep\""), "{at:?}: {error}");
        assert_eq!(
            error.to_string(),
            format!(
                "t.json:{line}:{column}: {key}: not a provider schema \
                 (`terraform providers schema -json`): {why}"
            )
        );
    }
    // A type that was not asked for is no exception: the file is refused
    // as a whole, as for any malformed value.
    let text = schema("{}").replace(
        r#""resource_schemas""#,
        r#""data_source_schemas": {"example_info": {"version": 0, "block": {
            "attributes": {"deep": {"optional": true}}}}}, "resource_schemas""#,
    );
    let error = generate("t.json", &text, &options(&["example_thing"])).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("data_source_schemas.example_info.block.attributes.deep: "),
        "{error}"
    );
}

#[test]
fn a_file_with_no_provider_says_so() {
    let text = r#"{"format_version": "1.0", "provider_schemas": {}}"#;
    assert_eq!(
        generate("t.json", text, &options(&[]))
            .unwrap_err()
            .to_string(),
        r#"t.json: "example" names 0 providers; the file holds no provider"#
    );
}

/// `schema` with a data source `example_info` beside the resource.
fn with_data_source() -> String {
    schema("{}").replace(
        r#""resource_schemas""#,
        r#""data_source_schemas": {"example_info": {"version": 0, "block": {}}}, "resource_schemas""#,
    )
}

#[test]
fn a_resource_asked_for_as_a_data_source_is_named_as_a_resource() {
    assert_eq!(
        generate(
            "t.json",
            &with_data_source(),
            &options(&["data.example_thing"])
        )
        .unwrap_err()
        .to_string(),
        "t.json: registry.terraform.io/acme/example has no resource or data source type \
         \"data.example_thing\" (it is a resource: \"example_thing\")"
    );
}

#[test]
fn type_names_are_trimmed_quoted_in_errors_and_empty_ones_named_by_position() {
    // Spaces around a name, as `--types "a, b"` gives them, are not part of it.
    let files = generate(
        "t.json",
        &with_data_source(),
        &options(&[" example_thing", "data.example_info "]),
    )
    .unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "data_example_info.rs",
            "example_thing.rs",
            "mod.rs",
            "provider.rs"
        ]
    );
    // Every name in the error is quoted, suggestions and hints too.
    assert_eq!(
        generate(
            "t.json",
            &with_data_source(),
            &options(&["example_info", " data.example_inf", "exmple_thing"])
        )
        .unwrap_err()
        .to_string(),
        "t.json: registry.terraform.io/acme/example has no resource or data source types \
         \"data.example_inf\" (did you mean \"data.example_info\"?), \
         \"example_info\" (it is a data source: \"data.example_info\"), \
         \"exmple_thing\" (did you mean \"example_thing\"?)"
    );
    // An empty entry (`a,,b`, `a, ,b`, a trailing comma) says where it is.
    assert_eq!(
        generate(
            "t.json",
            &with_data_source(),
            &options(&["example_thing", " "])
        )
        .unwrap_err()
        .to_string(),
        "entry 2 of --types is empty"
    );
    assert_eq!(
        generate(
            "t.json",
            &with_data_source(),
            &options(&["", "example_thing", ""])
        )
        .unwrap_err()
        .to_string(),
        "entries 1, 3 of --types are empty"
    );
}

#[test]
fn the_crate_path_must_be_a_rust_path() {
    let with_path = |path: &str| Options {
        crate_path: path.to_owned(),
        ..options(&[])
    };
    for good in [
        "tfsynth",
        "crate",
        "crate::tf_lib",
        "::tfsynth",
        "super::super::x",
        "self::x",
        "r#type",
    ] {
        let files = generate("t.json", &schema("{}"), &with_path(good))
            .unwrap_or_else(|e| panic!("{good:?}: {e}"));
        let thing = &files
            .iter()
            .find(|f| f.path == "example_thing.rs")
            .unwrap()
            .text;
        assert!(
            thing.contains(&format!("use {good}::tf::{{")),
            "{good:?}: {thing}"
        );
    }
    for bad in [
        "",
        "tf-synth",
        "tfsynth::",
        "::",
        "tfsynth::type",
        "Self",
        "x::crate",
        "::crate",
        "x::super",
        "tfsynth::tf<T>",
        " tfsynth",
        "tf synth",
        "tfsynth;",
        "_",
    ] {
        let error = generate("t.json", &schema("{}"), &with_path(bad)).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "--crate-path {bad:?} is not a Rust path to the tfsynth crate \
                 (such as tfsynth, crate::tf_lib or ::tfsynth)"
            )
        );
    }
}

#[test]
fn a_type_whose_file_would_be_mod_rs_or_whose_names_are_taken_is_refused() {
    let text = schema("{}").replace("example_thing", "mod");
    assert_eq!(
        generate("t.json", &text, &options(&[]))
            .unwrap_err()
            .to_string(),
        "t.json: the module list and `mod` would both be generated as mod.rs"
    );
    // A type's accessor trait is a name in `mod.rs` as well.
    let text = schema("{}").replace(
        r#""resource_schemas": {"#,
        r#""resource_schemas": {"example_thing_ref": {"version": 0, "block": {}}, "#,
    );
    assert_eq!(
        generate("t.json", &text, &options(&[]))
            .unwrap_err()
            .to_string(),
        "t.json: the accessor trait of `example_thing` and `example_thing_ref` \
         would both be generated as ExampleThingRef"
    );
    // Types whose names differ only where Rust names cannot.
    let text = schema("{}").replace(
        r#""resource_schemas": {"#,
        r#""resource_schemas": {"example__thing": {"version": 0, "block": {}}, "#,
    );
    assert_eq!(
        generate("t.json", &text, &options(&[]))
            .unwrap_err()
            .to_string(),
        "t.json: `example__thing` and `example_thing` would both be generated as ExampleThing"
    );
    // The provider's configuration has a file of its own.
    let text = schema("{}").replace("example_thing", "provider");
    assert_eq!(
        generate("t.json", &text, &options(&[]))
            .unwrap_err()
            .to_string(),
        "t.json: the `example` provider's configuration and `provider` would both be \
         generated as provider.rs"
    );
}

#[test]
fn two_names_that_would_be_one_rust_name_are_refused_with_both() {
    let top =
        "provider_schemas.registry.terraform.io/acme/example.resource_schemas.example_thing.block";
    let cases = [
        // Non-ASCII letters are not kept in Rust names.
        (
            r#"{"attributes": {"café": {"type": "string", "optional": true},
                "caf_": {"type": "string", "optional": true}}}"#,
            format!(
                r#"{top}: attribute "caf_" and attribute "café" would both be generated as caf_"#
            ),
        ),
        // Computed-only attributes have accessors, and share their names
        // with blocks.
        (
            r#"{"attributes": {"self": {"type": "string", "computed": true}},
                "block_types": {"self_": {"nesting_mode": "list", "block": {}}}}"#,
            format!(
                r#"{top}: attribute "self" and block "self_" would both be generated as self_"#
            ),
        ),
        // Inside a nested block.
        (
            r#"{"block_types": {"outer": {"nesting_mode": "list", "block": {
                "attributes": {"a-b": {"type": "string", "optional": true},
                               "a_b": {"type": "string", "optional": true}}}}}}"#,
            format!(
                r#"{top}.block_types.outer.block: attribute "a-b" and attribute "a_b" would both be generated as a_b"#
            ),
        ),
        // An object type's attributes have accessors too.
        (
            r#"{"attributes": {"status": {"type": ["list", ["object", {"a-b": "string", "a.b": "bool"}]],
                "computed": true}}}"#,
            format!(
                r#"{top}.attributes.status.type: attribute "a-b" and attribute "a.b" would both be generated as a_b"#
            ),
        ),
        // And so do nested attributes.
        (
            r#"{"attributes": {"outer": {"optional": true, "nested_type": {"nesting_mode": "list",
                "attributes": {"x y": {"type": "string", "optional": true},
                               "x_y": {"type": "string", "optional": true}}}}}}"#,
            format!(
                r#"{top}.attributes.outer.nested_type: attribute "x y" and attribute "x_y" would both be generated as x_y"#
            ),
        ),
    ];
    for (block, message) in cases {
        assert_eq!(
            generate("t.json", &schema(block), &options(&[]))
                .unwrap_err()
                .to_string(),
            format!("t.json: {message}")
        );
    }
}
