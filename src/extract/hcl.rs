//! Terraform configuration (`.tf`, HCL) → policy documents and key metadata.
//!
//! Policies are read from `aws_iam_role.assume_role_policy`, `aws_iam_role.inline_policy`,
//! `aws_iam_role_policy.policy`, `aws_iam_policy.policy`, `aws_kms_key.policy`,
//! `aws_kms_key_policy.policy` (and the user/group/replica/external variants) when written as:
//!
//! - `jsonencode({...})`: the HCL object is lowered to nodes with HCL positions;
//! - a heredoc holding JSON: parsed with the JSON parser, positions shifted into the file;
//! - `file("x.json")` / `templatefile(...)`: followed, and checked and reported in that file;
//! - a reference to `data.aws_iam_policy_document.NAME.json`: the data block is lowered to the
//!   same model (statement, principals, condition blocks) and gets the kind of its user;
//! - a reference to `data.template_file.NAME.rendered` whose template is `file(...)`.
//!
//! References resolve to what the module says (see [`super::refs`]): `var.x` to the `default`
//! of `variable "x"` (in this file or another `.tf` file of the folder; unless a `.tfvars` file
//! of the folder sets `x`), `local.x` to a local whose value is known. A placeholder `default`
//! (`XXXXXXXXXXXX`) stays unknown, and is reported (CMK115) where a policy uses it (see
//! [`super::tf_refs`]).
//! Resource attributes (`aws_iam_role.x.arn`) and `data.aws_caller_identity.NAME.account_id`
//! stay references: they are known relative to a setup (see [`super::bind`]). Other
//! interpolations, references and function calls are unknown until apply: they become
//! [`Value::Template`] (`${var.x}`), never placeholders or malformed ARNs.

use super::refs::Refs;
use super::tfjson::{KEY_ATTRIBUTES, KEY_TYPES, POLICY_ATTRIBUTES, synthetic_key_members};
use super::{Document, Embedded, Extraction, Followed, Resource, Root, SpanMap, key_metadata_node, member, object};
use crate::json::{Member, Node, ParseError, Value};
use crate::policy::PolicyKind;
use crate::source::Span;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::template::{Element, Template};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Parse a Terraform file and extract its documents. `path` locates `file(...)` arguments.
pub fn extract(text: &str, path: &Path) -> Result<Extraction<'static>, ParseError> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| {
        let at = crate::source::floor_char_boundary(text, e.location().offset().min(text.len()));
        ParseError { message: e.message().to_string(), span: Span::empty(at) }
    })?;
    let mut x = Tf {
        text,
        dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        out: Extraction::default(),
        uses: BTreeMap::new(),
        refs: Refs::default(),
    };
    x.out.recognised = true;
    let mut placeholders = Vec::new();
    if text.contains("var.") || text.contains("local.") {
        (x.refs, placeholders) = super::tf_refs::Module::read(path, text, &body).refs();
    }
    x.run(&body);
    x.out.resolved.extend(x.refs.take_uses());
    // A placeholder default matters where a policy (or a resource the setup reads) uses it.
    for (name, mut note, at_use) in placeholders {
        if let Some(site) = x.refs.first_use(&name) {
            if at_use {
                note.span = site;
            }
            x.out.notes.push(note);
        }
    }
    Ok(x.out)
}

struct Tf<'t> {
    text: &'t str,
    dir: PathBuf,
    out: Extraction<'static>,
    /// `data.aws_iam_policy_document.NAME` → (kind, user address) of the resources using it.
    uses: BTreeMap<String, Vec<(PolicyKind, String)>>,
    /// The module's variables with a default and known locals (`var.x`, `local.x`).
    refs: Refs,
}

fn span_of(x: &impl hcl_edit::Span, fallback: Span) -> Span {
    x.span().map_or(fallback, |r| Span::new(r.start, r.end))
}

impl Tf<'_> {
    fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    fn run(&mut self, body: &Body) {
        let mut documents: Vec<(String, &Block)> = Vec::new();
        let mut templates: BTreeMap<String, &Block> = BTreeMap::new();
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            match (block.ident.as_str(), labels.as_slice()) {
                // A document assembled at plan time (dynamic blocks, merged documents) is only
                // partly written here: checking the visible part would report what is missing.
                ("data", ["aws_iam_policy_document", name]) if !is_assembled(block) => {
                    documents.push((name.to_string(), block))
                }
                ("data", ["template_file", name]) => {
                    templates.insert(name.to_string(), block);
                }
                _ => {}
            }
        }
        let resources = self.describe_resources(body);
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            let ("resource", [ty, name]) = (block.ident.as_str(), labels.as_slice()) else { continue };
            let address = format!("{ty}.{name}");
            let first = self.out.mark();
            for (_, attr, kind) in POLICY_ATTRIBUTES.iter().filter(|(t, _, _)| t == ty) {
                if let Some(a) = block.body.get_attribute(attr) {
                    self.policy_expr(&a.value, *kind, &address, &templates);
                }
            }
            if KEY_TYPES.contains(ty) {
                self.key_metadata(block, ty, &address);
            }
            let res = resources.get(&address).cloned().unwrap_or_default();
            self.out.describe_from(first, &res);
            if *ty == "aws_iam_role" {
                let inline = self.out.mark();
                for block in block.body.get_blocks("inline_policy") {
                    if let Some(a) = block.body.get_attribute("policy") {
                        let at = format!("{address}.inline_policy");
                        self.policy_expr(&a.value, PolicyKind::Identity, &at, &templates);
                    }
                }
                let res = res.attached(vec![format!("${{{address}}}")]);
                self.out.describe_from(inline, &res);
            }
        }
        for (name, block) in documents {
            let key = format!("data.aws_iam_policy_document.{name}");
            let users = self.uses.get(&key).cloned().unwrap_or_default();
            let kind = users.first().map(|(k, _)| *k);
            let mut origin = key.clone();
            if !users.is_empty() {
                let names: Vec<&str> = users.iter().map(|(_, u)| u.as_str()).collect();
                origin.push_str(&format!(" (used by {})", names.join(", ")));
            }
            let node = self.policy_document(block);
            // Lowered from blocks and attributes, not written as a policy: no fix edits it.
            self.out.unwritten.push(super::Unwritten { span: span_of(block, node.span), ends: true });
            let first = self.out.mark();
            self.out.documents.push(Document::policy(Root::Owned(Box::new(node)), kind, origin, SpanMap::Identity));
            // A document data source is what its first user makes of it.
            if let Some(res) =
                users.first().and_then(|(_, user)| resources.get(user.trim_end_matches(".inline_policy")))
            {
                let res = match users[0].1.strip_suffix(".inline_policy") {
                    Some(role) => res.clone().attached(vec![format!("${{{role}}}")]),
                    None => res.clone(),
                };
                self.out.describe_from(first, &res);
            }
        }
    }

    /// What each resource block says about itself for the setup pass: its address and
    /// `depends_on`, a role's `name`, the key a key policy belongs to, the roles a policy is
    /// attached to (`role`, `aws_iam_role_policy_attachment`, `managed_policy_arns`).
    fn describe_resources(&self, body: &Body) -> BTreeMap<String, Resource> {
        let texts = |expr: &Expression| -> Vec<String> {
            let node = self.lower(expr, span_of(expr, Span::empty(0)));
            let one = |n: &Node| match &n.value {
                Value::String(s) | Value::Template(s) => Some(s.to_string()),
                _ => None,
            };
            match node.as_array() {
                Some(items) => items.iter().filter_map(one).collect(),
                None => one(&node).into_iter().collect(),
            }
        };
        let mut info: BTreeMap<String, Resource> = BTreeMap::new();
        let mut attached: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            let ("resource", [ty, name]) = (block.ident.as_str(), labels.as_slice()) else { continue };
            let address = format!("{ty}.{name}");
            let attr = |k: &str| block.body.get_attribute(k).map(|a| texts(&a.value)).unwrap_or_default();
            let mut res = Resource {
                created: true,
                id: Some(address.clone()),
                depends_on: attr("depends_on"),
                ..Resource::default()
            };
            match *ty {
                "aws_iam_role" => {
                    res.name = attr("name").into_iter().next().filter(|n| !n.contains("${"));
                    for arn in attr("managed_policy_arns") {
                        attached.entry(super::normalise_ref(&arn)).or_default().push(format!("${{{address}}}"));
                    }
                }
                "aws_iam_role_policy" => res = res.attached(attr("role")),
                "aws_iam_user_policy" | "aws_iam_group_policy" => res = res.attached(Vec::new()),
                "aws_kms_key_policy" => res.key = attr("key_id").first().map(|k| super::normalise_ref(k)),
                "aws_iam_role_policy_attachment" | "aws_iam_policy_attachment" => {
                    let roles = [attr("role"), attr("roles")].concat();
                    for arn in attr("policy_arn") {
                        attached.entry(super::normalise_ref(&arn)).or_default().extend(roles.iter().cloned());
                    }
                }
                _ if KEY_TYPES.contains(ty) => res.key = Some(address.clone()),
                _ => {}
            }
            info.insert(address, res);
        }
        for (policy, roles) in attached {
            if let Some(res) = info.get_mut(&policy) {
                *res = std::mem::take(res).attached(roles);
            }
        }
        info
    }

    fn key_metadata(&mut self, block: &Block, ty: &str, address: &str) {
        let block_span = span_of(block, Span::empty(0));
        let anchor = match (block.labels.first(), block.labels.last()) {
            (Some(a), Some(b)) => span_of(a, block_span).cover(span_of(b, block_span)),
            _ => span_of(&block.ident, block_span),
        };
        let mut members = Vec::new();
        for (tf, name) in KEY_ATTRIBUTES {
            if let Some(a) = block.body.get_attribute(tf) {
                let key_span = span_of(&a.key, anchor);
                members.push(member(name, key_span, self.lower(&a.value, key_span)));
            }
        }
        synthetic_key_members(ty, anchor, &mut members);
        let node = key_metadata_node(block_span, anchor, "terraform", members);
        self.out.documents.push(Document::key_metadata(node, address.to_string()));
    }

    fn policy_expr(
        &mut self,
        expr: &Expression,
        kind: PolicyKind,
        address: &str,
        templates: &BTreeMap<String, &Block>,
    ) {
        let fallback = span_of(expr, Span::empty(0));
        match expr {
            Expression::Parenthesis(p) => self.policy_expr(p.inner(), kind, address, templates),
            Expression::StringTemplate(t) => {
                if let Some(Element::Interpolation(i)) = single_element(t) {
                    self.policy_expr(&i.expr, kind, address, templates);
                }
            }
            Expression::FuncCall(call) => {
                let name = call.name.name.as_str();
                let args: Vec<&Expression> = call.args.iter().collect();
                match (name, args.first()) {
                    ("jsonencode", Some(arg)) => {
                        let node = self.lower(arg, fallback);
                        // `Statement = [for ...]` or `concat(...)`: the statements are computed.
                        let computed =
                            node.get("Statement").is_some_and(|m| matches!(m.value.value, Value::Template(_)));
                        if node.as_object().is_some() && !computed {
                            self.out.documents.push(Document::policy(
                                Root::Owned(Box::new(node)),
                                Some(kind),
                                address,
                                SpanMap::Identity,
                            ));
                        }
                    }
                    ("file" | "templatefile", Some(arg)) => {
                        if let Some(path) = self.path_arg(arg) {
                            self.out.followed.push(Followed {
                                path,
                                kind: Some(kind),
                                origin: format!("{address} (via {name}())"),
                                resource: None,
                            });
                        }
                    }
                    _ => {}
                }
            }
            Expression::HeredocTemplate(h) => self.heredoc(span_of(h.as_ref(), fallback), kind, address),
            Expression::String(s) => {
                let node = Node::new(span_of(s, fallback), Value::String(s.value().as_str().into()));
                if s.value().trim_start().starts_with('{') {
                    let text = self.text;
                    self.out.push_string_policy(text, &node, Some(kind), address.to_string());
                }
            }
            Expression::Traversal(t) => {
                let parts = traversal_names(t);
                match parts.as_slice() {
                    ["data", "aws_iam_policy_document", name, "json", ..]
                    | ["data", "aws_iam_policy_document", name, "minified_json", ..] => {
                        self.uses
                            .entry(format!("data.aws_iam_policy_document.{name}"))
                            .or_default()
                            .push((kind, address.to_string()));
                    }
                    ["data", "template_file", name, "rendered", ..] => {
                        if let Some(a) = templates.get(*name).and_then(|b| b.body.get_attribute("template")) {
                            let origin = format!("{address} (via data.template_file.{name})");
                            if let Some(path) = self.file_call(&a.value) {
                                self.out.followed.push(Followed { path, kind: Some(kind), origin, resource: None });
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    /// `file("x")` or `"${file("x")}"` → the path it reads.
    fn file_call(&self, expr: &Expression) -> Option<PathBuf> {
        match expr {
            Expression::StringTemplate(t) => match single_element(t) {
                Some(Element::Interpolation(i)) => self.file_call(&i.expr),
                _ => None,
            },
            Expression::FuncCall(call) if matches!(call.name.name.as_str(), "file" | "templatefile") => {
                call.args.iter().next().and_then(|a| self.path_arg(a))
            }
            _ => None,
        }
    }

    /// A `file()` argument resolved relative to the `.tf` file: a literal, or a template whose
    /// only interpolation is `path.module` / `path.root` at the start.
    fn path_arg(&self, expr: &Expression) -> Option<PathBuf> {
        let rel = match expr {
            Expression::String(s) => s.value().to_string(),
            Expression::StringTemplate(t) => {
                let mut text = String::new();
                for (i, e) in t.iter().enumerate() {
                    match e {
                        Element::Literal(l) => text.push_str(l.value()),
                        Element::Interpolation(interp) if i == 0 => {
                            let Expression::Traversal(tr) = &interp.expr else { return None };
                            if !matches!(traversal_names(tr).as_slice(), ["path", "module" | "root" | "cwd"]) {
                                return None;
                            }
                        }
                        _ => return None,
                    }
                }
                text.trim_start_matches('/').to_string()
            }
            _ => return None,
        };
        if rel.is_empty() {
            return None;
        }
        let p = Path::new(&rel);
        // `a/./b.json` and `a//b.json` as `a/b.json`: the walk spells the file so, and a file
        // read by another file is matched with its walked copy by name.
        Some(if p.is_absolute() { p.to_path_buf() } else { self.dir.join(p) }.components().collect())
    }

    fn heredoc(&mut self, span: Span, kind: PolicyKind, address: &str) {
        let text = self.text;
        let raw = text.get(span.range()).unwrap_or("");
        let (Some(first), Some(last)) = (raw.find('\n'), raw.trim_end().rfind('\n')) else { return };
        if last <= first {
            return;
        }
        let body = &raw[first + 1..last + 1];
        let base = span.start as usize + first + 1;
        let templated = body.contains("${") || body.contains("%{");
        // Interpolations outside JSON strings (`"Resource": ${jsonencode(var.arns)}`) are
        // masked as strings of the same length, so the JSON around them parses.
        let masked = if body.contains("${") { mask_interpolations(body) } else { None };
        let (parsed, masks) = match &masked {
            Some((text, masks)) => (crate::json::parse(text), masks.as_slice()),
            None => (crate::json::parse(body), &[][..]),
        };
        let map = SpanMap::shift(base);
        if parsed.error.is_some() && templated {
            // JSON shaped by template directives (`%{ for }`): only known after rendering.
            return;
        }
        if !parsed.lenience.is_empty() || parsed.error.is_some() {
            let origin = Some(address.to_string());
            self.out.embedded.push(Embedded {
                lenience: parsed.lenience,
                error: parsed.error,
                map: map.clone(),
                origin,
            });
        }
        if let Some(mut root) = parsed.root {
            if templated {
                mark_templates(&mut root, body, masks);
                resolve_templates(&mut root, &self.refs, base);
            }
            if root.as_object().is_some() {
                self.out.documents.push(Document::policy(Root::Owned(Box::new(root)), Some(kind), address, map));
            }
        }
    }

    /// Lower an HCL expression to a node; everything computed becomes a template.
    fn lower(&self, expr: &Expression, fallback: Span) -> Node {
        let span = span_of(expr, fallback);
        let value = match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(_) => Value::Number(self.slice(span).trim().into()),
            Expression::String(s) => Value::String(s.value().as_str().into()),
            Expression::Array(items) => Value::Array(items.iter().map(|e| self.lower(e, span)).collect()),
            Expression::Object(obj) => {
                let members = obj
                    .iter()
                    .map(|(k, v)| {
                        let (key, key_span): (Box<str>, Span) = match k {
                            ObjectKey::Ident(id) => (id.as_str().into(), span_of(id, span)),
                            ObjectKey::Expression(Expression::String(s)) => {
                                (s.value().as_str().into(), span_of(s, span))
                            }
                            ObjectKey::Expression(e) => {
                                let ks = span_of(e, span);
                                (format!("${{{}}}", self.slice(ks).trim_matches(['(', ')'])).into(), ks)
                            }
                        };
                        Member { key: key.into_string().into(), key_span, value: self.lower(v.expr(), span) }
                    })
                    .collect();
                Value::Object(members)
            }
            Expression::StringTemplate(t) => self.template_value(t, span),
            Expression::HeredocTemplate(h) => self.template_value(&h.template, span),
            Expression::Parenthesis(p) => return self.lower(p.inner(), span),
            Expression::Traversal(_) => match self.refs.resolve(self.slice(span).trim(), span) {
                Some(v) => Value::String(v.into()),
                None => Value::Template(format!("${{{}}}", self.slice(span).trim()).into()),
            },
            _ => Value::Template(format!("${{{}}}", self.slice(span).trim()).into()),
        };
        Node::new(span, value)
    }

    /// A string template: a string when every interpolation resolves, else a template.
    fn template_value(&self, t: &Template, span: Span) -> Value {
        let text = self.template_text(t);
        let resolved = self.refs.substitute(&text, span);
        if crate::data::placeholders::has_expression(&resolved) {
            Value::Template(resolved.into())
        } else {
            Value::String(resolved.into())
        }
    }

    fn template_text(&self, t: &Template) -> String {
        let mut text = String::new();
        for e in t.iter() {
            match e {
                Element::Literal(l) => text.push_str(l.value()),
                Element::Interpolation(i) => {
                    let s = span_of(&i.expr, Span::empty(0));
                    text.push_str(&format!("${{{}}}", self.slice(s).trim()));
                }
                Element::Directive(_) => text.push_str("${%directive}"),
            }
        }
        if !text.contains("${") {
            // A template of literals only still came from an expression: keep it unknown.
            text.push_str("${}");
        }
        text
    }

    /// Lower a `data "aws_iam_policy_document"` block to the JSON policy model.
    fn policy_document(&self, block: &Block) -> Node {
        let span = span_of(block, Span::empty(0));
        let head = span_of(&block.ident, span);
        let mut members = Vec::new();
        match block.body.get_attribute("version") {
            Some(a) => members.push(member("Version", span_of(&a.key, head), self.lower(&a.value, head))),
            None => members.push(member("Version", head, Node::new(head, Value::String("2012-10-17".into())))),
        }
        if let Some(a) = block.body.get_attribute("policy_id") {
            members.push(member("Id", span_of(&a.key, head), self.lower(&a.value, head)));
        }
        let statements: Vec<Node> = block.body.get_blocks("statement").map(|s| self.statement(s)).collect();
        let st_span = statements.iter().map(|n| n.span).reduce(Span::cover).unwrap_or(head);
        members.push(member("Statement", st_span, Node::new(st_span, Value::Array(statements))));
        object(span, members)
    }

    fn statement(&self, block: &Block) -> Node {
        let span = span_of(block, Span::empty(0));
        let head = span_of(&block.ident, span);
        let mut members = Vec::new();
        let attrs = [
            ("sid", "Sid"),
            ("effect", "Effect"),
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ];
        for (tf, name) in attrs {
            if let Some(a) = block.body.get_attribute(tf) {
                members.push(member(name, span_of(&a.key, head), self.lower(&a.value, head)));
            }
        }
        if block.body.get_attribute("effect").is_none() {
            members.push(member("Effect", head, Node::new(head, Value::String("Allow".into()))));
        }
        for (tf, name) in [("principals", "Principal"), ("not_principals", "NotPrincipal")] {
            if let Some(p) = self.principals(block, tf) {
                let key_span = block.body.get_blocks(tf).next().map_or(head, |b| span_of(&b.ident, head));
                members.push(member(name, key_span, p));
            }
        }
        let conditions: Vec<&Block> = block.body.get_blocks("condition").collect();
        if !conditions.is_empty() {
            let cspan = conditions.iter().map(|b| span_of(*b, head)).reduce(Span::cover).unwrap_or(head);
            let mut tests: Vec<Member> = Vec::new();
            for c in conditions {
                let cs = span_of(c, head);
                let (Some(test), Some(var)) = (c.body.get_attribute("test"), c.body.get_attribute("variable")) else {
                    continue;
                };
                let test_node = self.lower(&test.value, cs);
                let var_node = self.lower(&var.value, cs);
                let values = c
                    .body
                    .get_attribute("values")
                    .map_or_else(|| Node::new(cs, Value::Array(Vec::new())), |a| self.lower(&a.value, cs));
                let (Some((t, _)), Some((v, _))) = (test_node.as_text(), var_node.as_text()) else { continue };
                let entry = Member { key: v.to_string().into(), key_span: var_node.span, value: values };
                match tests.iter_mut().find(|m| &*m.key == t) {
                    Some(m) => {
                        m.value.span = m.value.span.cover(cs);
                        if let Value::Object(ms) = &mut m.value.value {
                            ms.push(entry);
                        }
                    }
                    None => tests.push(Member {
                        key: t.to_string().into(),
                        key_span: test_node.span,
                        value: object(cs, vec![entry]),
                    }),
                }
            }
            members.push(member("Condition", cspan, object(cspan, tests)));
        }
        object(span, members)
    }

    /// `principals { type identifiers }` blocks → `{"AWS": [...], "Service": [...]}` (or `"*"`).
    fn principals(&self, block: &Block, name: &str) -> Option<Node> {
        let blocks: Vec<&Block> = block.body.get_blocks(name).collect();
        let span = blocks.iter().map(|b| span_of(*b, Span::empty(0))).reduce(Span::cover)?;
        let mut entries: Vec<Member> = Vec::new();
        for b in blocks {
            let bs = span_of(b, span);
            let (Some(ty), Some(ids)) = (b.body.get_attribute("type"), b.body.get_attribute("identifiers")) else {
                continue;
            };
            let ty_node = self.lower(&ty.value, bs);
            let ids_node = self.lower(&ids.value, bs);
            let Some(t) = ty_node.as_str() else { continue };
            if t == "*" {
                // `type = "*"` renders as `"Principal": "*"`.
                return Some(Node::new(ids_node.span, Value::String("*".into())));
            }
            match entries.iter_mut().find(|m| &*m.key == t) {
                Some(m) => {
                    m.value.span = m.value.span.cover(ids_node.span);
                    let extra = match ids_node.value {
                        Value::Array(items) => items,
                        _ => vec![ids_node],
                    };
                    if let Value::Array(items) = &mut m.value.value {
                        items.extend(extra);
                    }
                }
                None => {
                    let value = match ids_node.value {
                        Value::Array(_) => ids_node,
                        _ => Node::new(ids_node.span, Value::Array(vec![ids_node])),
                    };
                    entries.push(Member { key: t.to_string().into(), key_span: ty_node.span, value });
                }
            }
        }
        Some(object(span, entries))
    }
}

fn single_element(t: &hcl_edit::template::StringTemplate) -> Option<&Element> {
    let mut it = t.iter();
    let first = it.next()?;
    it.next().is_none().then_some(first)
}

/// Resolve the module's references in the templates of a heredoc's JSON (`base`: the file
/// offset of the document's start, for where each was used).
fn resolve_templates(node: &mut Node, refs: &Refs, base: usize) {
    match &mut node.value {
        Value::Template(t) => {
            let site = Span::new(base + node.span.start as usize, base + node.span.end as usize);
            let resolved = refs.substitute(t, site);
            if !crate::data::placeholders::has_expression(&resolved) {
                node.value = Value::String(resolved.into());
            } else if resolved != **t {
                node.value = Value::Template(resolved.into());
            }
        }
        Value::Object(ms) => ms.iter_mut().for_each(|m| resolve_templates(&mut m.value, refs, base)),
        Value::Array(items) => items.iter_mut().for_each(|n| resolve_templates(n, refs, base)),
        _ => {}
    }
}

/// `data.x.y.json` → `["data", "x", "y", "json"]` (index operators are skipped).
fn traversal_names(t: &hcl_edit::expr::Traversal) -> Vec<&str> {
    let mut out = Vec::new();
    if let Expression::Variable(v) = &t.expr {
        out.push(v.as_str());
    }
    for op in &t.operators {
        if let TraversalOperator::GetAttr(id) = op.value() {
            out.push(id.as_str());
        }
    }
    out
}

/// Strings of a heredoc policy that hold interpolations are unknown until apply.
/// Whether a `data "aws_iam_policy_document"` block is assembled from parts only known at plan
/// time: `dynamic` blocks, or `source_policy_documents` / `override_policy_documents`.
fn is_assembled(block: &Block) -> bool {
    let attrs = ["source_json", "override_json", "source_policy_documents", "override_policy_documents"];
    attrs.iter().any(|a| block.body.get_attribute(a).is_some())
        || block.body.get_blocks("dynamic").next().is_some()
        || block.body.get_blocks("statement").any(|s| s.body.get_blocks("dynamic").next().is_some())
}

/// Masked interpolations become templates of their source text.
fn mark_templates(node: &mut Node, body: &str, masks: &[Span]) {
    if masks.contains(&node.span) {
        node.value = Value::Template(body[node.span.range()].into());
        return;
    }
    match &mut node.value {
        Value::String(s) if s.contains("${") => node.value = Value::Template(std::mem::take(s)),
        Value::Array(items) => items.iter_mut().for_each(|n| mark_templates(n, body, masks)),
        Value::Object(ms) => ms.iter_mut().for_each(|m| mark_templates(&mut m.value, body, masks)),
        _ => {}
    }
}

/// Replace each `${...}` that stands outside a JSON string by a JSON string of the same length
/// (`"{...}"` with quotes and backslashes inside blanked). Returns the text and the masked
/// spans, or `None` when there is nothing to mask or an interpolation is not closed.
fn mask_interpolations(body: &str) -> Option<(String, Vec<Span>)> {
    let b = body.as_bytes();
    let mut out = b.to_vec();
    let mut masks = Vec::new();
    let (mut i, mut in_string) = (0, false);
    while i < b.len() {
        match b[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'$' if !in_string && b.get(i + 1) == Some(&b'{') => {
                let end = closing_brace(b, i + 2)?;
                out[i] = b'"';
                out[end] = b'"';
                for c in &mut out[i + 1..end] {
                    if matches!(*c, b'"' | b'\\') || *c < 0x20 {
                        *c = b'_';
                    }
                }
                masks.push(Span::new(i, end + 1));
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    if masks.is_empty() {
        return None;
    }
    // Only ASCII bytes were replaced, by ASCII bytes: still UTF-8.
    String::from_utf8(out).ok().map(|s| (s, masks))
}

/// Index of the `}` closing an interpolation whose body starts at `from` (nested braces and
/// quoted strings inside it are skipped).
fn closing_brace(b: &[u8], from: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut i) = (0usize, false, from);
    while i < b.len() {
        match b[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'{' if !in_string => depth += 1,
            b'}' if !in_string => {
                if depth == 0 {
                    return Some(i);
                }
                depth -= 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TF: &str = r#"
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${var.pinecone_account}:role/pinecone_cmek_access_us-east-1"]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [var.external_id]
    }
  }
}

resource "aws_iam_role" "pinecone" {
  name               = "pinecone-cmek"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

resource "aws_kms_key" "cmek" {
  customer_master_key_spec = "RSA_2048"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = aws_iam_role.pinecone.arn }
      Action    = ["kms:Encrypt", "kms:Decrypt"]
      Resource  = "*"
    }]
  })
}

resource "aws_kms_key_policy" "p" {
  key_id = aws_kms_key.cmek.id
  policy = <<-EOF
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${var.a}:root"}, "Action": "kms:*", "Resource": "*",}]}
  EOF
}

resource "aws_iam_role_policy" "h" {
  policy = <<EOF
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": ${jsonencode(var.key_arns)}}]}
EOF
}

resource "aws_iam_policy" "f" {
  policy = file("${path.module}/policies/kms.json")
}
"#;

    #[test]
    fn lowers_every_policy_form_with_file_positions() {
        let x = extract(TF, Path::new("infra/main.tf")).unwrap();
        let origins: Vec<_> = x.documents.iter().map(|d| d.origin.clone().unwrap()).collect();
        assert_eq!(
            origins,
            [
                "aws_kms_key.cmek",
                "aws_kms_key.cmek",
                "aws_kms_key_policy.p",
                "aws_iam_role_policy.h",
                "data.aws_iam_policy_document.trust (used by aws_iam_role.pinecone)"
            ]
        );
        // jsonencode: positions are the HCL's
        let key = x.documents[0].root.node();
        let effect = &key.get("Statement").unwrap().value.as_array().unwrap()[0].get("Effect").unwrap().value;
        assert_eq!(&TF[effect.span.range()], "\"Allow\"");
        let principal = &key.get("Statement").unwrap().value.as_array().unwrap()[0].get("Principal").unwrap().value;
        assert_eq!(principal.get("AWS").unwrap().value.value, Value::Template("${aws_iam_role.pinecone.arn}".into()));
        // metadata
        let meta = x.documents[1].root.node();
        assert_eq!(&TF[meta.get("KeySpec").unwrap().value.span.range()], "\"RSA_2048\"");
        // heredoc: trailing comma found at the file position, interpolated ARN is a template
        let heredoc = &x.documents[2];
        assert_eq!(x.embedded.len(), 1);
        let comma = heredoc.map.map(x.embedded[0].lenience[0].span);
        assert_eq!(&TF[comma.range()], ",");
        let root = heredoc.root.node();
        let aws = &root.get("Statement").unwrap().value.as_array().unwrap()[0]
            .get("Principal")
            .unwrap()
            .value
            .get("AWS")
            .unwrap()
            .value;
        assert!(matches!(aws.value, Value::Template(_)));
        assert_eq!(&TF[heredoc.map.map(aws.span).range()], "\"arn:aws:iam::${var.a}:root\"");
        // heredoc with an interpolation outside strings: masked, parsed, kept as unknown
        let h = &x.documents[3];
        let resource =
            &h.root.node().get("Statement").unwrap().value.as_array().unwrap()[0].get("Resource").unwrap().value;
        assert_eq!(resource.value, Value::Template("${jsonencode(var.key_arns)}".into()));
        assert_eq!(&TF[h.map.map(resource.span).range()], "${jsonencode(var.key_arns)}");
        // policy document: kind from its user, principals and conditions mapped
        let trust = &x.documents[4];
        assert_eq!(trust.kind, Some(PolicyKind::Trust));
        let st = &trust.root.node().get("Statement").unwrap().value.as_array().unwrap()[0];
        assert_eq!(st.get("Effect").unwrap().value.as_str(), Some("Allow"));
        let p = &st.get("Principal").unwrap().value.get("AWS").unwrap().value.as_array().unwrap()[0];
        assert!(matches!(p.value, Value::Template(_)));
        let cond = &st.get("Condition").unwrap().value.get("StringEquals").unwrap().value;
        assert_eq!(&TF[cond.get("sts:ExternalId").unwrap().key_span.range()], "\"sts:ExternalId\"");
        // file(): followed relative to the .tf
        assert_eq!(x.followed[0].path, Path::new("infra/policies/kms.json"));
        assert_eq!(x.followed[0].kind, Some(PolicyKind::Identity));
    }

    #[test]
    fn variables_with_a_default_and_locals_resolve_and_say_where_from() {
        let tf = r#"
variable "pinecone_account" {
  default = "905418236187"
}
variable "external_id" {
  default = "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX"
}
variable "no_default" {}
variable "unused" {
  default = "XXXXXXXXXXXX"
}
locals {
  role   = "arn:aws:iam::${var.pinecone_account}:role/pinecone_cmek_access_us-east-1"
  other  = "arn:aws:iam::${var.no_default}:root"
}
resource "aws_iam_role" "r" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = [local.role, local.other, "arn:aws:iam::${var.pinecone_account}:root", aws_iam_role.r.arn, "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"] }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = var.external_id } }
    }]
  })
}
"#;
        let out = extract(tf, Path::new("main.tf")).unwrap();
        let doc = out.documents[0].root.node();
        let stmt = &doc.get("Statement").unwrap().value.as_array().unwrap()[0];
        let aws = stmt.get("Principal").unwrap().value.get("AWS").unwrap().value.as_array().unwrap();
        let values: Vec<&Value> = aws.iter().map(|n| &n.value).collect();
        assert_eq!(values[0], &Value::String("arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1".into()));
        assert_eq!(values[1], &Value::Template("${local.other}".into()));
        assert_eq!(values[2], &Value::String("arn:aws:iam::905418236187:root".into()));
        assert_eq!(values[3], &Value::Template("${aws_iam_role.r.arn}".into()));
        assert_eq!(
            values[4],
            &Value::Template("arn:aws:iam::${data.aws_caller_identity.current.account_id}:root".into())
        );
        // Spans stay at the reference; the use says where the value came from.
        assert_eq!(&tf[aws[0].span.range()], "local.role");
        let from: Vec<&str> = out.resolved.iter().map(|p| p.from.as_str()).collect();
        assert_eq!(
            from,
            [
                "local `role`, from the default of variable `pinecone_account`",
                "the default of variable `pinecone_account`"
            ]
        );
        // The placeholder default: reported at the placeholder (where a policy uses it), left
        // unknown.
        let cond = stmt.get("Condition").unwrap().value.get("StringEquals").unwrap();
        assert_eq!(cond.value.get("sts:ExternalId").unwrap().value.value, Value::Template("${var.external_id}".into()));
        assert_eq!(out.notes.len(), 1);
        assert_eq!(&tf[out.notes[0].span.range()], "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX");
    }

    #[test]
    fn documents_learn_names_attachments_and_dependencies() {
        let text = r#"
resource "aws_iam_role" "pinecone" {
  name               = "pinecone-cmek"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
  }
}
resource "aws_iam_policy" "use" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.pinecone.name
  policy_arn = aws_iam_policy.use.arn
}
resource "aws_iam_role_policy" "inline" {
  role   = "pinecone-cmek"
  policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}
resource "aws_kms_key" "cmek" {
  depends_on = [aws_iam_role.pinecone]
  policy     = jsonencode({ Version = "2012-10-17", Statement = [] })
}
"#;
        let x = extract(text, Path::new("main.tf")).unwrap();
        let of = |origin: &str| {
            let d = x.documents.iter().find(|d| d.origin.as_deref().is_some_and(|o| o.starts_with(origin))).unwrap();
            d.resource.as_deref().cloned().unwrap_or_default()
        };
        let trust = of("data.aws_iam_policy_document.trust");
        assert!(trust.created);
        assert_eq!(trust.name.as_deref(), Some("pinecone-cmek"));
        assert_eq!(of("aws_iam_policy.use").roles.unwrap(), ["${aws_iam_role.pinecone.name}"]);
        assert_eq!(of("aws_iam_role_policy.inline").roles.unwrap(), ["pinecone-cmek"]);
        assert_eq!(of("aws_kms_key.cmek").depends_on, ["${aws_iam_role.pinecone}"]);
    }

    #[test]
    fn documents_assembled_at_plan_time_are_not_checked_in_part() {
        let text = r#"
data "aws_iam_policy_document" "dyn" {
  dynamic "statement" {
    for_each = var.statements
    content {
      actions = statement.value.actions
    }
  }
}
data "aws_iam_policy_document" "merged" {
  source_policy_documents = [data.aws_iam_policy_document.dyn.json]
  statement {
    actions   = ["kms:Decrypt"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "computed" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [for s in var.s : { Effect = "Allow", Action = s }] })
}
"#;
        let x = extract(text, Path::new("main.tf")).unwrap();
        assert!(x.documents.is_empty(), "{:?}", x.documents.iter().map(|d| d.origin.clone()).collect::<Vec<_>>());
    }

    #[test]
    fn syntax_errors_are_positioned() {
        let text = "resource \"aws_iam_role\" \"r\" {\n  assume_role_policy = [1,\n}\n";
        let e = extract(text, Path::new("x.tf")).err().unwrap();
        assert!(e.span.start as usize <= text.len());
    }
}
