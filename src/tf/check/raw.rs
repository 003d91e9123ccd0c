//! Raw expressions and templates: parsed with hcl-edit, their references
//! found, heredocs held to what Terraform reads.

use super::checker::Checker;
use crate::tf::address::{Address, AddressKey};
use crate::tf::expr::{Expression, Reference, Root, Step};

/// Collects the references inside raw expressions, parsing them (a raw
/// expression that does not parse is a problem).
///
/// One trailing newline is allowed, and is needed after a heredoc's closing
/// marker: `<<EOT\nhello\nEOT\n`. A heredoc whose marker ends the text
/// parses, but Terraform refuses it once it is written into `${...}` in
/// JSON ("Unterminated template string"), so it is a problem here.
pub(super) fn raw_refs(
    c: &mut Checker,
    at: AddressKey<'_>,
    raws: &[&str],
    out: &mut Vec<Reference>,
) {
    for raw in raws {
        let text = raw.strip_suffix('\n').unwrap_or(raw);
        match hcl_edit::parser::parse_expr(text) {
            Ok(parsed) => {
                let mut heredocs = HeredocEnds(Vec::new());
                hcl_edit::visit::Visit::visit_expr(&mut heredocs, &parsed);
                for (end, marker) in heredocs.0 {
                    if !raw[..end].ends_with('\n') && !raw[end..].starts_with('\n') {
                        c.problem(
                            at,
                            format!(
                                "raw expression {raw:?}: a heredoc needs a newline after its \
                                 closing {marker}"
                            ),
                        );
                    }
                }
                let parsed = hcl::Expression::from(parsed);
                let mut walker = RawWalker {
                    bound: Vec::new(),
                    out: &mut *out,
                    errors: Vec::new(),
                    steps: false,
                    builtins: Vec::new(),
                };
                walker.expr(&parsed);
                for err in walker.errors {
                    c.problem(at, format!("raw expression {raw:?}: {err}"));
                }
            }
            Err(err) => {
                // A one-line expression says its column; a longer one (a
                // heredoc) its line too.
                let place = if raw.trim_end().contains('\n') {
                    format!(
                        "line {}, column {}",
                        err.location().line(),
                        err.location().column()
                    )
                } else {
                    format!("column {}", err.location().column())
                };
                c.problem(
                    at,
                    format!(
                        "raw expression {raw:?} does not parse: {} at {place}",
                        err.message()
                    ),
                )
            }
        }
    }
}

/// The references inside the raw expression `raw`, added to `out`. One
/// that does not parse adds none: the checks report it.
pub(crate) fn raw_references(raw: &str, out: &mut Vec<Reference>) {
    walk_raw(raw, out, Steps::RootOnly);
}

/// Every reference inside `e`: the structured ones and those of its raw
/// expressions (roots only; a raw expression that does not parse adds
/// none, the checks report it).
pub(crate) fn all_references(e: &Expression, out: &mut Vec<Reference>) {
    e.references(out);
    let mut raws = Vec::new();
    e.raws(&mut raws);
    for raw in raws {
        raw_references(raw, out);
    }
}

/// How much of each reference a walk records.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Steps {
    /// The root alone: all the synth-time checks need.
    RootOnly,
    /// The root and the steps after it, for checks against a schema.
    All,
}

/// Adds the references inside the raw expression `raw` to `out`; text
/// that does not parse adds none.
fn walk_raw(raw: &str, out: &mut Vec<Reference>, steps: Steps) {
    if let Ok(parsed) = hcl_edit::parser::parse_expr(raw) {
        let parsed = hcl::Expression::from(parsed);
        let mut walker = RawWalker {
            bound: Vec::new(),
            out,
            errors: Vec::new(),
            steps: steps == Steps::All,
            builtins: Vec::new(),
        };
        walker.expr(&parsed);
    }
}

/// Where each heredoc in a parsed raw expression ends (a byte offset into
/// the text), and its marker.
pub(super) struct HeredocEnds(Vec<(usize, String)>);

impl hcl_edit::visit::Visit for HeredocEnds {
    fn visit_heredoc_template(&mut self, node: &hcl_edit::template::HeredocTemplate) {
        if let Some(span) = hcl_edit::Span::span(node) {
            self.0.push((span.end, node.delimiter.to_string()));
        }
        hcl_edit::visit::visit_heredoc_template(self, node);
    }
}

/// Finds the references inside a parsed raw expression.
pub(super) struct RawWalker<'a> {
    /// Names bound by enclosing `for` expressions and directives.
    bound: Vec<String>,
    out: &'a mut Vec<Reference>,
    errors: Vec<String>,
    /// Whether to record the steps after a reference's root, or the root
    /// alone (all the synth-time checks need).
    steps: bool,
    /// Built-in objects referred to: `self`, `path`, `terraform`.
    builtins: Vec<String>,
}

impl RawWalker<'_> {
    fn expr(&mut self, e: &hcl::Expression) {
        use hcl::Expression as E;
        match e {
            E::Null | E::Bool(_) | E::Number(_) | E::String(_) => {}
            E::Array(items) => items.iter().for_each(|i| self.expr(i)),
            E::Object(map) => {
                for (k, v) in map {
                    if let hcl::ObjectKey::Expression(k) = k {
                        self.expr(k);
                    }
                    self.expr(v);
                }
            }
            E::TemplateExpr(t) => match hcl::Template::from_expr(t) {
                Ok(template) => self.template(&template),
                Err(err) => self.errors.push(err.to_string()),
            },
            E::Variable(v) => self.root(v.as_str(), &[]),
            E::Traversal(t) => {
                if let E::Variable(v) = &t.expr {
                    self.root(v.as_str(), &t.operators);
                } else {
                    self.expr(&t.expr);
                }
                for op in &t.operators {
                    if let hcl::TraversalOperator::Index(i) = op {
                        self.expr(i);
                    }
                }
            }
            E::FuncCall(f) => f.args.iter().for_each(|a| self.expr(a)),
            E::Parenthesis(inner) => self.expr(inner),
            E::Conditional(cond) => {
                self.expr(&cond.cond_expr);
                self.expr(&cond.true_expr);
                self.expr(&cond.false_expr);
            }
            E::Operation(op) => match op.as_ref() {
                hcl::Operation::Unary(u) => self.expr(&u.expr),
                hcl::Operation::Binary(b) => {
                    self.expr(&b.lhs_expr);
                    self.expr(&b.rhs_expr);
                }
            },
            E::ForExpr(f) => {
                self.expr(&f.collection_expr);
                let depth = self.bound.len();
                self.bound.extend(f.key_var.iter().map(|k| k.to_string()));
                self.bound.push(f.value_var.to_string());
                if let Some(k) = &f.key_expr {
                    self.expr(k);
                }
                self.expr(&f.value_expr);
                if let Some(cond) = &f.cond_expr {
                    self.expr(cond);
                }
                self.bound.truncate(depth);
            }
            // hcl-rs may grow new expression kinds; they carry no references
            // this walker knows how to find.
            _ => {}
        }
    }

    fn template(&mut self, t: &hcl::Template) {
        for element in t.elements() {
            match element {
                hcl::template::Element::Literal(_) => {}
                hcl::template::Element::Interpolation(i) => self.expr(&i.expr),
                hcl::template::Element::Directive(d) => match d.as_ref() {
                    hcl::template::Directive::If(d) => {
                        self.expr(&d.cond_expr);
                        self.template(&d.true_template);
                        if let Some(f) = &d.false_template {
                            self.template(f);
                        }
                    }
                    hcl::template::Directive::For(d) => {
                        self.expr(&d.collection_expr);
                        let depth = self.bound.len();
                        self.bound.extend(d.key_var.iter().map(|k| k.to_string()));
                        self.bound.push(d.value_var.to_string());
                        self.template(&d.template);
                        self.bound.truncate(depth);
                    }
                },
            }
        }
    }

    fn root(&mut self, root: &str, ops: &[hcl::TraversalOperator]) {
        if self.bound.iter().any(|b| b == root) {
            return;
        }
        let attr = |i: usize| match ops.get(i) {
            Some(hcl::TraversalOperator::GetAttr(id)) => Some(id.to_string()),
            _ => None,
        };
        let root = match root {
            // Built-in objects that are always there.
            "path" | "terraform" | "self" => {
                self.builtins.push(root.to_owned());
                return;
            }
            "each" => Root::Each,
            "count" => Root::Count,
            "var" | "local" | "module" => match attr(0) {
                Some(name) => match root {
                    "var" => Root::var(name),
                    "local" => Root::local(name),
                    _ => Root::module(name),
                },
                None => {
                    self.errors
                        .push(format!("{root} must be followed by .NAME"));
                    return;
                }
            },
            "data" => match (attr(0), attr(1)) {
                (Some(kind), Some(name)) => Root::data(kind, name),
                _ => {
                    self.errors
                        .push("data must be followed by .TYPE.NAME".to_owned());
                    return;
                }
            },
            kind => match attr(0) {
                Some(name) => Root::resource(kind, name),
                None => {
                    self.errors.push(format!("unknown name {kind:?}"));
                    return;
                }
            },
        };
        let mut steps = Vec::new();
        if self.steps {
            // The operators the root took: `var.x` one, `data.t.n` two,
            // `t.n` one, `each` and `count` none.
            let taken = match &root {
                Root::Object(Address::Data { .. }) => 2,
                Root::Each | Root::Count | Root::Iterator(_) => 0,
                _ => 1,
            };
            for op in ops.iter().skip(taken) {
                let step = match op {
                    hcl::TraversalOperator::GetAttr(id) => Step::Attr(id.to_string()),
                    hcl::TraversalOperator::Index(hcl::Expression::Number(n)) => match n.as_u64() {
                        Some(i) => Step::Index(i),
                        None => break,
                    },
                    hcl::TraversalOperator::Index(hcl::Expression::String(k)) => {
                        Step::Key(k.clone())
                    }
                    hcl::TraversalOperator::LegacyIndex(i) => Step::Index(*i),
                    hcl::TraversalOperator::FullSplat | hcl::TraversalOperator::AttrSplat => {
                        Step::Splat
                    }
                    // A computed index: what follows depends on its value.
                    _ => break,
                };
                steps.push(step);
            }
        }
        self.out.push(Reference::new(root, steps));
    }
}

/// Every reference inside `text`, a string as Terraform JSON holds it (a
/// template: `${...}` interpolations and `%{...}` directives), with its
/// attribute and index steps up to the first one computed at apply time.
/// Returns whether the whole template is one reference (`${a.b[0].c}`),
/// whose value then has the referenced type. Text that does not parse
/// gives none: the checks report it.
pub(crate) fn template_references(text: &str, out: &mut Vec<Reference>) -> bool {
    let Ok(parsed) = hcl_edit::parser::parse_template(text) else {
        return false;
    };
    let template = hcl::Template::from(parsed);
    let whole = matches!(
        template.elements(),
        [hcl::template::Element::Interpolation(i)]
            if matches!(i.expr, hcl::Expression::Traversal(_) | hcl::Expression::Variable(_))
    );
    let mut walker = RawWalker {
        bound: Vec::new(),
        out,
        errors: Vec::new(),
        steps: true,
        builtins: Vec::new(),
    };
    walker.template(&template);
    whole
}

/// Every reference inside the raw expression `raw`, with its steps, as
/// [`template_references`] finds them in a template.
pub(crate) fn expression_references(raw: &str, out: &mut Vec<Reference>) {
    walk_raw(raw, out, Steps::All);
}

/// What a custom condition refers to.
pub(super) struct ConditionRefs {
    /// Anything at all: a reference, or a built-in object.
    pub(super) any: bool,
    /// `self`, which only a postcondition may use.
    pub(super) self_ref: bool,
}

/// What `e`, a condition, refers to, raw expressions included.
pub(super) fn condition_refs(e: &Expression) -> ConditionRefs {
    let mut any = false;
    e.visit_references(&mut |_| any = true);
    let mut self_ref = false;
    let mut raws = Vec::new();
    e.raws(&mut raws);
    for raw in raws {
        let Ok(parsed) = hcl_edit::parser::parse_expr(raw) else {
            continue;
        };
        let mut out = Vec::new();
        let mut walker = RawWalker {
            bound: Vec::new(),
            out: &mut out,
            errors: Vec::new(),
            steps: false,
            builtins: Vec::new(),
        };
        walker.expr(&hcl::Expression::from(parsed));
        let builtins = walker.builtins;
        any |= !out.is_empty() || !builtins.is_empty();
        self_ref |= builtins.iter().any(|b| b == "self");
    }
    ConditionRefs { any, self_ref }
}
