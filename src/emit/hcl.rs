//! HCL native syntax (`main.tf`), built as an hcl-rs document and laid out
//! as `terraform fmt` would: two-space indent, blank lines around nested
//! blocks, `=` aligned across runs of single-line attributes.
//!
//! Every quoted string in HCL is a template, so literal text is escaped in
//! every position (a variable description included). Literals are escaped
//! here rather than by hcl-rs, whose marker escaping misses a `$${` that
//! follows an earlier `${` in the same string.

use std::str::FromStr;

use hcl::expr::{Expression as H, ObjectKey, TemplateExpr, Traversal, TraversalOperator};
use hcl::{Attribute, Block as HBlock, Body as HBody, Identifier};

use super::text::{ends_with_heredoc, is_bare_key, write_template_body};
use crate::tf::{
    Address, Block, Body, CloudWorkspaces, Condition, Document, Dynamic, Entry, Expression,
    IgnoreChanges, Meta, ModuleCall, Output, Reference, Root, Step, Variable, escape_template,
    write_hcl_string_body,
};

/// Renders a resolved document as HCL, starting with `# header`.
pub fn to_hcl(doc: &Document, header: &str) -> String {
    let mut body = HBody::builder();
    let t = &doc.terraform;
    let mut terraform = HBlock::builder("terraform");
    let mut terraform_empty = true;
    if let Some(v) = &t.required_version {
        terraform = terraform.add_attribute(Attribute::new("required_version", string(v)));
        terraform_empty = false;
    }
    if !t.required_providers.is_empty() {
        let mut rp = HBlock::builder("required_providers");
        for (name, p) in &t.required_providers {
            let mut obj =
                hcl::Object::from([(ObjectKey::from(ident("source")), string(&p.source))]);
            if let Some(v) = &p.version {
                obj.insert(ObjectKey::from(ident("version")), string(v));
            }
            rp = rp.add_attribute(Attribute::new(ident(name), H::Object(obj)));
        }
        terraform = terraform.add_block(rp.build());
        terraform_empty = false;
    }
    if let Some(b) = &t.backend {
        let mut backend = HBlock::builder("backend").add_label(b.kind.as_str());
        for (k, v) in &b.settings {
            backend = backend.add_attribute(Attribute::new(ident(k), expr(v)));
        }
        terraform = terraform.add_block(backend.build());
        terraform_empty = false;
    }
    if let Some(c) = &t.cloud {
        let mut cloud = HBlock::builder("cloud");
        if let Some(hostname) = &c.hostname {
            cloud = cloud.add_attribute(Attribute::new("hostname", string(hostname)));
        }
        cloud = cloud.add_attribute(Attribute::new("organization", string(&c.organization)));
        let mut workspaces = HBlock::builder("workspaces");
        if let CloudWorkspaces::Name(name) = &c.workspaces {
            workspaces = workspaces.add_attribute(Attribute::new("name", string(name)));
        }
        if let Some(project) = &c.project {
            workspaces = workspaces.add_attribute(Attribute::new("project", string(project)));
        }
        if let CloudWorkspaces::Tags(tags) = &c.workspaces {
            let tags = tags.iter().map(|tag| string(tag)).collect::<Vec<_>>();
            workspaces = workspaces.add_attribute(Attribute::new("tags", H::Array(tags)));
        }
        terraform = terraform.add_block(cloud.add_block(workspaces.build()).build());
        terraform_empty = false;
    }
    if !terraform_empty {
        body = body.add_block(terraform.build());
    }

    for p in &doc.providers {
        let mut block = HBlock::builder("provider").add_label(p.name.as_str());
        if let Some(alias) = &p.alias {
            block = block.add_attribute(Attribute::new("alias", string(alias)));
        }
        block = add_body(block, &p.body);
        body = body.add_block(block.build());
    }
    for (name, v) in &doc.variables {
        body = body.add_block(variable(name, v));
    }
    if !doc.locals.is_empty() {
        let mut locals = HBlock::builder("locals");
        for (name, e) in &doc.locals {
            locals = locals.add_attribute(Attribute::new(ident(name), expr(e)));
        }
        body = body.add_block(locals.build());
    }
    for ((kind, name), b) in &doc.data {
        let block = HBlock::builder("data")
            .add_label(kind.as_str())
            .add_label(name.as_str());
        body = body.add_block(resource_block(block, b));
    }
    for ((kind, name), b) in &doc.resources {
        let block = HBlock::builder("resource")
            .add_label(kind.as_str())
            .add_label(name.as_str());
        body = body.add_block(resource_block(block, b));
    }
    for (name, m) in &doc.modules {
        body = body.add_block(module(name, m));
    }
    for (name, o) in &doc.outputs {
        body = body.add_block(output(name, o));
    }
    for (name, check) in &doc.checks {
        let mut block = HBlock::builder("check").add_label(name.as_str());
        for b in &check.data {
            let data = HBlock::builder("data")
                .add_label(b.kind.as_str())
                .add_label(b.name.as_str());
            block = block.add_block(resource_block(data, b));
        }
        for c in &check.assertions {
            block = block.add_block(condition("assert", c));
        }
        body = body.add_block(block.build());
    }
    for m in &doc.moved {
        body = body.add_block(
            HBlock::builder("moved")
                .add_attribute(Attribute::new("from", address(&m.from)))
                .add_attribute(Attribute::new("to", address(&m.to.to_string())))
                .build(),
        );
    }
    for i in &doc.imports {
        let mut block = HBlock::builder("import")
            .add_attribute(Attribute::new("to", address(&i.to.to_string())))
            .add_attribute(Attribute::new("id", expr(&i.id)));
        if let Some(p) = &i.provider {
            block = block.add_attribute(Attribute::new("provider", address(&p.to_string())));
        }
        body = body.add_block(block.build());
    }
    for r in &doc.removed {
        body = body.add_block(
            HBlock::builder("removed")
                .add_attribute(Attribute::new("from", address(&r.from)))
                .add_block(
                    HBlock::builder("lifecycle")
                        .add_attribute(Attribute::new("destroy", r.destroy))
                        .build(),
                )
                .build(),
        );
    }

    let formatted = hcl::format::to_string(&body.build())
        .expect("hcl-rs formats any document built from valid identifiers");
    let mut out = String::new();
    out.push_str("# ");
    out.push_str(header);
    out.push_str("\n\n");
    out.push_str(&align_attributes(&formatted));
    while out.ends_with("\n\n") {
        out.pop();
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn ident(name: &str) -> Identifier {
    // Names were checked at synth; hcl-rs need not check them again.
    Identifier::unchecked(name)
}

/// A literal string, escaped for the template language and for quoting.
fn string(s: &str) -> H {
    let mut body = String::new();
    let _ = write_hcl_string_body(&mut body, &escape_template(s));
    H::TemplateExpr(Box::new(TemplateExpr::QuotedString(body)))
}

/// A bare address such as `google_compute_network.vpc` or `google.west`.
fn address(text: &str) -> H {
    H::from_str(text).unwrap_or_else(|_| H::Variable(hcl::Variable::unchecked(text)))
}

fn number(n: &serde_json::Number) -> hcl::Number {
    if let Some(i) = n.as_i64() {
        hcl::Number::from(i)
    } else if let Some(u) = n.as_u64() {
        hcl::Number::from(u)
    } else {
        let f = n.as_f64().expect("a JSON number is an integer or a float");
        hcl::Number::from_f64(f).expect("JSON numbers are finite")
    }
}

pub(crate) fn expr(e: &Expression) -> H {
    match e {
        Expression::Null => H::Null,
        Expression::Bool(b) => H::Bool(*b),
        Expression::Number(n) => H::Number(number(n)),
        Expression::String(s) => string(s),
        Expression::List(items) => H::Array(items.iter().map(inner).collect()),
        Expression::Object(map) => {
            H::Object(map.iter().map(|(k, v)| (object_key(k), inner(v))).collect())
        }
        Expression::Ref(r) => reference(r),
        Expression::Call(call) => {
            let (function, args) = (&call.function, &call.args);
            let mut call = hcl::expr::FuncCall::builder(ident(function));
            for a in args {
                call = call.arg(inner(a));
            }
            H::FuncCall(Box::new(call.build()))
        }
        Expression::Template(parts) => {
            let mut body = String::new();
            let _ = write_template_body(&mut body, parts);
            H::TemplateExpr(Box::new(TemplateExpr::QuotedString(body)))
        }
        // A heredoc is written as given: hcl-rs would put what follows
        // it (`)` of a call) on its closing marker's line, which Terraform
        // refuses. The newline after a heredoc that ends the expression is
        // the one that ends the attribute.
        Expression::Raw(text) if text.contains("<<") => {
            H::Variable(hcl::Variable::unchecked(text.trim()))
        }
        Expression::Raw(text) => match H::from_str(text.trim()) {
            Ok(parsed) => own_string_escaping(parsed),
            // Synth-time checks reject raw expressions that do not parse.
            Err(_) => H::Variable(hcl::Variable::unchecked(text.trim())),
        },
    }
}

/// An expression inside another: a heredoc that ends it is put in
/// parentheses, keeping the newline after its closing marker, so the `,`
/// `)` or `}` that follows is read after the heredoc ends (a line that
/// starts with `,` in an object is not HCL).
fn inner(e: &Expression) -> H {
    match e {
        Expression::Raw(text) if ends_with_heredoc(text) => {
            H::Variable(hcl::Variable::unchecked(format!("({}\n)", text.trim())))
        }
        e => expr(e),
    }
}

fn object_key(k: &str) -> ObjectKey {
    if is_bare_key(k) {
        ObjectKey::Identifier(ident(k))
    } else {
        ObjectKey::Expression(string(k))
    }
}

fn reference(r: &Reference) -> H {
    let (root, mut ops) = match &r.root {
        Root::Object(Address::Resource { kind, name }) => (kind.as_str(), vec![get_attr(name)]),
        Root::Object(Address::Data { kind, name }) => {
            ("data", vec![get_attr(kind), get_attr(name)])
        }
        Root::Object(Address::Variable(name)) => ("var", vec![get_attr(name)]),
        Root::Object(Address::Local(name)) => ("local", vec![get_attr(name)]),
        Root::Object(Address::Module(name)) => ("module", vec![get_attr(name)]),
        // Outputs, checks and providers are never where a reference starts.
        Root::Object(other) => return H::Variable(hcl::Variable::unchecked(other.to_string())),
        Root::Each => ("each", vec![]),
        Root::Count => ("count", vec![]),
        Root::Iterator(name) => (name.as_str(), vec![]),
    };
    for step in &r.steps {
        ops.push(match step {
            Step::Attr(a) => get_attr(a),
            Step::Index(i) => TraversalOperator::Index(H::Number((*i).into())),
            Step::Key(k) => TraversalOperator::Index(string(k)),
            Step::Splat => TraversalOperator::FullSplat,
        });
    }
    let root = H::Variable(hcl::Variable::unchecked(root));
    if ops.is_empty() {
        root
    } else {
        H::Traversal(Box::new(Traversal::new(root, ops)))
    }
}

fn get_attr(name: &str) -> TraversalOperator {
    TraversalOperator::GetAttr(ident(name))
}

/// Rewrites the literal strings of a parsed raw expression so that they are
/// escaped by [`string`], not by hcl-rs.
fn own_string_escaping(e: H) -> H {
    match e {
        H::String(s) => string(&s),
        H::Array(items) => H::Array(items.into_iter().map(own_string_escaping).collect()),
        H::Object(map) => H::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let k = match k {
                        ObjectKey::Expression(k) => ObjectKey::Expression(own_string_escaping(k)),
                        k => k,
                    };
                    (k, own_string_escaping(v))
                })
                .collect(),
        ),
        H::Parenthesis(inner) => H::Parenthesis(Box::new(own_string_escaping(*inner))),
        H::FuncCall(mut f) => {
            f.args = f.args.into_iter().map(own_string_escaping).collect();
            H::FuncCall(f)
        }
        H::Conditional(mut c) => {
            c.cond_expr = own_string_escaping(c.cond_expr);
            c.true_expr = own_string_escaping(c.true_expr);
            c.false_expr = own_string_escaping(c.false_expr);
            H::Conditional(c)
        }
        H::Operation(op) => H::Operation(Box::new(match *op {
            hcl::Operation::Unary(mut u) => {
                u.expr = own_string_escaping(u.expr);
                hcl::Operation::Unary(u)
            }
            hcl::Operation::Binary(mut b) => {
                b.lhs_expr = own_string_escaping(b.lhs_expr);
                b.rhs_expr = own_string_escaping(b.rhs_expr);
                hcl::Operation::Binary(b)
            }
        })),
        H::ForExpr(mut f) => {
            f.collection_expr = own_string_escaping(f.collection_expr);
            f.key_expr = f.key_expr.map(own_string_escaping);
            f.value_expr = own_string_escaping(f.value_expr);
            f.cond_expr = f.cond_expr.map(own_string_escaping);
            if f.key_expr.is_none() {
                return H::ForExpr(f);
            }
            // hcl-rs writes `{for k, v in m : k => v}`; terraform fmt
            // spaces the braces of an object `for` as it does an object's.
            match hcl::format::to_string(&H::ForExpr(f.clone())) {
                Ok(text) => match text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                    Some(inner) => H::Variable(hcl::Variable::unchecked(format!("{{ {inner} }}"))),
                    None => H::ForExpr(f),
                },
                Err(_) => H::ForExpr(f),
            }
        }
        H::Traversal(mut t) => {
            t.expr = own_string_escaping(t.expr);
            t.operators = t
                .operators
                .into_iter()
                .map(|op| match op {
                    TraversalOperator::Index(i) => TraversalOperator::Index(own_string_escaping(i)),
                    op => op,
                })
                .collect();
            H::Traversal(t)
        }
        // A quoted template is written as `terraform fmt` writes one: no
        // padding inside `${ }` and `%{ }`, each expression formatted.
        H::TemplateExpr(t) if matches!(*t, TemplateExpr::QuotedString(_)) => {
            match hcl::Template::from_expr(&t) {
                Ok(template) => H::TemplateExpr(Box::new(TemplateExpr::QuotedString(
                    canonical_template(&template),
                ))),
                Err(_) => H::TemplateExpr(t),
            }
        }
        other => other,
    }
}

/// The inside of a quoted template as `terraform fmt` leaves it.
fn canonical_template(t: &hcl::Template) -> String {
    let mut out = String::new();
    write_elements(&mut out, t.elements());
    out
}

fn write_elements(out: &mut String, elements: &[hcl::template::Element]) {
    use hcl::template::{Directive, Element};
    for element in elements {
        match element {
            Element::Literal(text) => {
                let _ = write_hcl_string_body(out, &escape_template(text));
            }
            Element::Interpolation(i) => {
                open_marker(out, "${", i.strip.strip_start());
                out.push_str(&compact(&own_string_escaping(i.expr.clone())));
                close_marker(out, i.strip.strip_end());
            }
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    open_marker(out, "%{", d.if_strip.strip_start());
                    out.push_str("if ");
                    out.push_str(&compact(&own_string_escaping(d.cond_expr.clone())));
                    close_marker(out, d.if_strip.strip_end());
                    write_elements(out, d.true_template.elements());
                    if let Some(f) = &d.false_template {
                        open_marker(out, "%{", d.else_strip.strip_start());
                        out.push_str("else");
                        close_marker(out, d.else_strip.strip_end());
                        write_elements(out, f.elements());
                    }
                    open_marker(out, "%{", d.endif_strip.strip_start());
                    out.push_str("endif");
                    close_marker(out, d.endif_strip.strip_end());
                }
                Directive::For(d) => {
                    open_marker(out, "%{", d.for_strip.strip_start());
                    out.push_str("for ");
                    if let Some(k) = &d.key_var {
                        out.push_str(k.as_str());
                        out.push_str(", ");
                    }
                    out.push_str(d.value_var.as_str());
                    out.push_str(" in ");
                    out.push_str(&compact(&own_string_escaping(d.collection_expr.clone())));
                    close_marker(out, d.for_strip.strip_end());
                    write_elements(out, d.template.elements());
                    open_marker(out, "%{", d.endfor_strip.strip_start());
                    out.push_str("endfor");
                    close_marker(out, d.endfor_strip.strip_end());
                }
            },
        }
    }
}

fn open_marker(out: &mut String, marker: &str, strip: bool) {
    out.push_str(marker);
    if strip {
        out.push('~');
    }
}

fn close_marker(out: &mut String, strip: bool) {
    if strip {
        out.push('~');
    }
    out.push('}');
}

/// An expression on one line, as it stands inside a template.
fn compact(e: &H) -> String {
    use hcl::format::{Format, Formatter};
    let mut formatter = Formatter::builder().compact(true).build_vec();
    e.format_string(&mut formatter)
        .unwrap_or_else(|_| e.to_string())
}

/// Attributes first, then nested blocks, each sorted by name.
fn add_body(mut block: hcl::structure::BlockBuilder, body: &Body) -> hcl::structure::BlockBuilder {
    for (name, entry) in &body.entries {
        if let Entry::Attr(e) = entry {
            block = block.add_attribute(Attribute::new(ident(name), expr(e)));
        }
    }
    for (name, entry) in &body.entries {
        match entry {
            Entry::Blocks(bs) => {
                for b in bs {
                    block = block.add_block(add_body(HBlock::builder(ident(name)), b).build());
                }
            }
            Entry::Dynamic(dynamics) => {
                for (block_type, list) in dynamics {
                    for d in list {
                        block = block.add_block(dynamic(block_type, d));
                    }
                }
            }
            Entry::Attr(_) => {}
        }
    }
    block
}

/// `dynamic "BLOCK_TYPE" { for_each, iterator, labels, content { ... } }`.
fn dynamic(block_type: &str, d: &Dynamic) -> HBlock {
    let mut block = HBlock::builder("dynamic")
        .add_label(block_type)
        .add_attribute(Attribute::new("for_each", expr(&d.for_each)));
    if let Some(iterator) = &d.iterator {
        block = block.add_attribute(Attribute::new(
            "iterator",
            H::Variable(hcl::Variable::unchecked(iterator.as_str())),
        ));
    }
    if !d.labels.is_empty() {
        block = block.add_attribute(Attribute::new(
            "labels",
            H::Array(d.labels.iter().map(inner).collect()),
        ));
    }
    block
        .add_block(add_body(HBlock::builder("content"), &d.content).build())
        .build()
}

fn addresses<T: ToString>(items: &[T]) -> H {
    H::Array(items.iter().map(|a| address(&a.to_string())).collect())
}

fn resource_block(mut block: hcl::structure::BlockBuilder, b: &Block) -> HBlock {
    let Meta {
        count,
        for_each,
        depends_on,
        provider,
        lifecycle,
        timeouts,
    } = &b.meta;
    if let Some(c) = count {
        block = block.add_attribute(Attribute::new("count", expr(c)));
    }
    if let Some(f) = for_each {
        block = block.add_attribute(Attribute::new("for_each", expr(f)));
    }
    if let Some(p) = provider {
        block = block.add_attribute(Attribute::new("provider", address(&p.to_string())));
    }
    if !depends_on.is_empty() {
        let deps: Vec<_> = depends_on.iter().map(|d| d.address()).collect();
        block = block.add_attribute(Attribute::new("depends_on", addresses(&deps)));
    }
    block = add_body(block, &b.body);
    if let Some(t) = timeouts {
        block = block.add_block(add_body(HBlock::builder("timeouts"), &t.to_body()).build());
    }
    let mut lc = HBlock::builder("lifecycle");
    let mut lc_empty = true;
    if let Some(v) = lifecycle.create_before_destroy {
        lc = lc.add_attribute(Attribute::new("create_before_destroy", v));
        lc_empty = false;
    }
    if let Some(v) = lifecycle.prevent_destroy {
        lc = lc.add_attribute(Attribute::new("prevent_destroy", v));
        lc_empty = false;
    }
    match &lifecycle.ignore_changes {
        IgnoreChanges::None => {}
        IgnoreChanges::All => {
            lc = lc.add_attribute(Attribute::new("ignore_changes", address("all")));
            lc_empty = false;
        }
        IgnoreChanges::Attrs(attrs) => {
            lc = lc.add_attribute(Attribute::new("ignore_changes", addresses(attrs)));
            lc_empty = false;
        }
    }
    for (name, list) in [
        ("precondition", &lifecycle.preconditions),
        ("postcondition", &lifecycle.postconditions),
    ] {
        for c in list {
            lc = lc.add_block(condition(name, c));
            lc_empty = false;
        }
    }
    if !lifecycle.replace_triggered_by.is_empty() {
        lc = lc.add_attribute(Attribute::new(
            "replace_triggered_by",
            H::Array(
                lifecycle
                    .replace_triggered_by
                    .iter()
                    .map(reference)
                    .collect(),
            ),
        ));
        lc_empty = false;
    }
    if !lc_empty {
        block = block.add_block(lc.build());
    }
    block.build()
}

/// A custom condition block: `precondition`, `postcondition`, `assert`
/// or `validation`.
fn condition(block: &str, c: &Condition) -> HBlock {
    HBlock::builder(block)
        .add_attribute(Attribute::new("condition", expr(&c.condition)))
        .add_attribute(Attribute::new("error_message", expr(&c.error_message)))
        .build()
}

fn variable(name: &str, v: &Variable) -> HBlock {
    let mut block = HBlock::builder("variable").add_label(name);
    if let Some(t) = &v.r#type {
        block = block.add_attribute(Attribute::new("type", address(&t.to_string())));
    }
    if let Some(d) = &v.default {
        block = block.add_attribute(Attribute::new("default", expr(d)));
    }
    if let Some(d) = &v.description {
        block = block.add_attribute(Attribute::new("description", string(d)));
    }
    if let Some(s) = v.sensitive {
        block = block.add_attribute(Attribute::new("sensitive", s));
    }
    if let Some(n) = v.nullable {
        block = block.add_attribute(Attribute::new("nullable", n));
    }
    for val in &v.validations {
        block = block.add_block(condition("validation", val));
    }
    block.build()
}

fn output(name: &str, o: &Output) -> HBlock {
    let mut block = HBlock::builder("output")
        .add_label(name)
        .add_attribute(Attribute::new("value", expr(&o.value)));
    if let Some(d) = &o.description {
        block = block.add_attribute(Attribute::new("description", string(d)));
    }
    if let Some(s) = o.sensitive {
        block = block.add_attribute(Attribute::new("sensitive", s));
    }
    if !o.depends_on.is_empty() {
        let deps: Vec<_> = o.depends_on.iter().map(|d| d.address()).collect();
        block = block.add_attribute(Attribute::new("depends_on", addresses(&deps)));
    }
    for c in &o.preconditions {
        block = block.add_block(condition("precondition", c));
    }
    block.build()
}

fn module(name: &str, m: &ModuleCall) -> HBlock {
    let mut block = HBlock::builder("module")
        .add_label(name)
        .add_attribute(Attribute::new("source", string(&m.source)));
    if let Some(v) = &m.version {
        block = block.add_attribute(Attribute::new("version", string(v)));
    }
    if let Some(c) = &m.count {
        block = block.add_attribute(Attribute::new("count", expr(c)));
    }
    if let Some(f) = &m.for_each {
        block = block.add_attribute(Attribute::new("for_each", expr(f)));
    }
    if !m.providers.is_empty() {
        let providers = m
            .providers
            .iter()
            // Keys are references too (`terraform.src`): quoted, Terraform
            // warns that quoted references are deprecated.
            .map(|(k, p)| (ObjectKey::Expression(address(k)), address(&p.to_string())))
            .collect();
        block = block.add_attribute(Attribute::new("providers", H::Object(providers)));
    }
    if !m.depends_on.is_empty() {
        let deps: Vec<_> = m.depends_on.iter().map(|d| d.address()).collect();
        block = block.add_attribute(Attribute::new("depends_on", addresses(&deps)));
    }
    for (k, v) in &m.inputs {
        block = block.add_attribute(Attribute::new(ident(k), expr(v)));
    }
    block.build()
}

/// Aligns the `=` of consecutive single-line attributes at one level, as
/// `terraform fmt` does. A blank line, a block header, a closing bracket or
/// an attribute whose value spans several lines ends a run.
///
/// A heredoc's lines are never touched. A single-line attribute whose value
/// is a heredoc (`value = <<EOT`) stays in its run, heredoc and all, as in
/// `terraform fmt`.
pub(crate) fn align_attributes(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let kinds = line_kinds(&lines);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut i = 0;
    while i < lines.len() {
        let Line::Attr(_) = kinds[i] else {
            match kinds[i] {
                Line::Other => push_tidied(&mut out, lines[i]),
                Line::AfterHeredoc(indent) => {
                    out.extend(std::iter::repeat_n(' ', indent));
                    out.push_str(lines[i].trim_start());
                }
                _ => out.push_str(lines[i]),
            }
            out.push('\n');
            i += 1;
            continue;
        };
        let start = i;
        while i < lines.len() && matches!(kinds[i], Line::Attr(_) | Line::Heredoc) {
            i += 1;
        }
        let width = kinds[start..i]
            .iter()
            .zip(&lines[start..i])
            .filter_map(|(k, line)| match k {
                Line::Attr(end) => Some(fmt_width(&line[..*end])),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        for (line, kind) in lines[start..i].iter().zip(&kinds[start..i]) {
            if let Line::Attr(key_end) = *kind {
                // terraform fmt aligns by grapheme clusters, not bytes:
                // `"é"` is three wide, however `é` is written.
                out.push_str(&line[..key_end]);
                let key_width = fmt_width(&line[..key_end]);
                out.extend(std::iter::repeat_n(' ', width - key_width + 1));
                out.push_str(&line[key_end + 1..]);
            } else {
                out.push_str(line);
            }
            out.push('\n');
        }
    }
    out
}

/// What a line of formatted HCL is, for alignment.
#[derive(Clone, Copy)]
enum Line {
    /// `KEY = VALUE` closing on its line (a heredoc it opens included);
    /// the byte offset where the key ends.
    Attr(usize),
    /// Inside, or closing, the heredoc of the `Attr` line before it.
    Heredoc,
    /// Heredoc lines of other values: never touched.
    InHeredoc,
    /// The line right after a heredoc's closing marker, which starts with
    /// what closes the expression around it (`)` of a parenthesized
    /// heredoc); indented like the line that opened the heredoc.
    AfterHeredoc(usize),
    /// Anything else.
    Other,
}

/// Pushes a line that is not an attribute, writing an empty block
/// `name {    }` (as hcl-rs lays it out) as `name {}`, as terraform fmt
/// does.
fn push_tidied(out: &mut String, line: &str) {
    if let Some(open) = line.rfind('{') {
        let rest = &line[open + 1..];
        if rest.len() > 1
            && rest.ends_with('}')
            && rest[..rest.len() - 1].bytes().all(|b| b == b' ')
        {
            out.push_str(&line[..=open]);
            out.push('}');
            return;
        }
    }
    out.push_str(line);
}

fn line_kinds(lines: &[&str]) -> Vec<Line> {
    let mut kinds = Vec::with_capacity(lines.len());
    // The marker of the heredoc being read, whether it belongs to a
    // single-line attribute, and the indentation of the line that opened it.
    let mut heredoc: Option<(&str, bool, usize)> = None;
    let mut after: Option<usize> = None;
    for line in lines {
        if let Some((marker, in_attr, indent)) = heredoc {
            kinds.push(if in_attr {
                Line::Heredoc
            } else {
                Line::InHeredoc
            });
            if line.trim() == marker {
                heredoc = None;
                after = Some(indent);
            }
            continue;
        }
        let key = single_line_key_end(line);
        match after.take() {
            Some(indent) if line.starts_with(')') => kinds.push(Line::AfterHeredoc(indent)),
            _ => kinds.push(key.map_or(Line::Other, Line::Attr)),
        }
        if let Some(marker) = heredoc_opened(line) {
            let indent = line.len() - line.trim_start().len();
            heredoc = Some((marker, key.is_some(), indent));
        }
    }
    kinds
}

/// The marker of a heredoc that `line` opens (`<<EOT` or `<<-EOT` at its
/// end, outside a quoted string).
fn heredoc_opened(line: &str) -> Option<&str> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut opened = None;
    let mut j = 0;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' if in_string => j += 1,
            b'"' => in_string = !in_string,
            b'<' if !in_string && bytes.get(j + 1) == Some(&b'<') => {
                let start = j + 2 + usize::from(bytes.get(j + 2) == Some(&b'-'));
                let marker = &line[start..];
                if crate::tf::is_identifier(marker) {
                    opened = Some(marker);
                }
                j = start;
                continue;
            }
            _ => {}
        }
        j += 1;
    }
    opened
}

/// How wide `text` is to `terraform fmt`: its grapheme clusters
/// (`é` written as `e` and a combining accent is one).
fn fmt_width(text: &str) -> usize {
    use unicode_segmentation::UnicodeSegmentation;
    if text.is_ascii() {
        text.len()
    } else {
        text.graphemes(true).count()
    }
}

/// For a line `KEY = VALUE` whose value closes on the same line, the byte
/// offset where the key ends.
fn single_line_key_end(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut i = line.len() - line.trim_start().len();
    if i >= bytes.len() {
        return None;
    }
    if bytes[i] == b'"' {
        i += 1;
        while i < bytes.len() && bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        i += 1;
    } else {
        // Identifiers may hold any Unicode letter: every byte of a
        // non-ASCII character is 0x80 or above. A key may be a reference
        // (`google.west` in a module's `providers`), which fmt aligns too.
        while i < bytes.len()
            && (bytes[i].is_ascii_alphanumeric()
                || bytes[i] == b'_'
                || bytes[i] == b'-'
                || bytes[i] == b'.'
                || !bytes[i].is_ascii())
        {
            i += 1;
        }
    }
    let key_end = i;
    if key_end == 0 || !line.get(key_end..)?.starts_with(" = ") {
        return None;
    }
    // The value must close every bracket it opens.
    let mut depth: i64 = 0;
    let mut in_string = false;
    let mut j = key_end + 3;
    while j < bytes.len() {
        let b = bytes[j];
        if in_string {
            match b {
                b'\\' => j += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'{' | b'[' | b'(' => depth += 1,
                b'}' | b']' | b')' => depth -= 1,
                _ => {}
            }
        }
        j += 1;
    }
    (depth == 0 && !in_string).then_some(key_end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_matches_terraform_fmt_for_runs_and_multi_line_values() {
        let input = "resource \"x\" \"y\" {\n  count = 2\n  name = \"a = b\"\n  labels = {\n    foo = \"bar\"\n    longer_key = \"x\"\n  }\n  z = 1\n  abc = [1]\n\n  block {\n    a = 1\n    bbbb = 2\n  }\n}\n";
        let expected = "resource \"x\" \"y\" {\n  count = 2\n  name  = \"a = b\"\n  labels = {\n    foo        = \"bar\"\n    longer_key = \"x\"\n  }\n  z   = 1\n  abc = [1]\n\n  block {\n    a    = 1\n    bbbb = 2\n  }\n}\n";
        assert_eq!(align_attributes(input), expected);
    }
}
