//! Extraction: find the policy documents (and KMS key metadata) inside a parsed file.
//!
//! A bare policy file is one document. Other shapes hold several, each tagged with the kind its
//! context implies, an `origin` naming where it lives, and a map from the document's coordinates
//! back to the file:
//!
//! - AWS CLI exports ([`aws_cli`]): `get-role`, `get-role-policy`, `get-policy-version`,
//!   `get-account-authorization-details`, `kms get-key-policy`, `kms describe-key`;
//! - CloudFormation and CDK templates, JSON or YAML ([`cfn`], [`yaml`]);
//! - Terraform configuration ([`hcl`]) and `terraform show -json` plan/state ([`tfjson`]).
//!
//! Every format lowers to the same spanned [`Node`] tree with spans in file byte offsets (or in
//! the coordinates of a decoded string, mapped back by [`SpanMap`]), so rules never see the
//! format. Values known only at deploy time become [`crate::json::Value::Template`].

pub mod aws_cli;
pub mod bind;
pub mod cfn;
pub mod embedded;
pub mod hcl;
pub mod refs;
pub mod tf_refs;
pub mod tfjson;
pub mod yaml;

use crate::json::{Lenience, Member, Node, ParseError, Value};
use crate::policy::PolicyKind;
use crate::source::Span;
use std::path::PathBuf;

/// How spans of a document map to byte offsets of the file.
#[derive(Debug, Clone, Default)]
pub enum SpanMap {
    /// The document's spans are file offsets.
    #[default]
    Identity,
    /// The document was parsed from a decoded string: `(doc_offset, file_offset)` pairs, one
    /// per decoded character run start, sorted by `doc_offset`.
    Table(Vec<(u32, u32)>),
}

impl SpanMap {
    pub fn map(&self, span: Span) -> Span {
        match self {
            SpanMap::Identity => span,
            SpanMap::Table(t) => Span { start: map_offset(t, span.start), end: map_offset(t, span.end) },
        }
    }

    /// A map that shifts every offset by `base` (a document parsed from a verbatim slice of the
    /// file, such as a Terraform heredoc).
    pub fn shift(base: usize) -> Self {
        if base == 0 { SpanMap::Identity } else { SpanMap::Table(vec![(0, base as u32)]) }
    }
}

fn map_offset(table: &[(u32, u32)], off: u32) -> u32 {
    match table.binary_search_by_key(&off, |&(d, _)| d) {
        Ok(i) => table[i].1,
        Err(0) => off,
        Err(i) => {
            let (d, f) = table[i - 1];
            f + (off - d)
        }
    }
}

/// The root node of a document: part of the parsed file, or built for the document (a policy
/// decoded from a string, a template with its intrinsics resolved, Terraform lowered to JSON).
pub enum Root<'a> {
    Borrowed(&'a Node),
    Owned(Box<Node>),
}

impl Root<'_> {
    pub fn node(&self) -> &Node {
        match self {
            Root::Borrowed(n) => n,
            Root::Owned(n) => n,
        }
    }
}

/// What a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// An IAM or KMS policy document.
    Policy,
    /// KMS key metadata: an object with `describe-key` member names (see
    /// `rules::key_metadata`), checked by the key-metadata rules.
    KeyMetadata,
}

/// A document found in a file.
pub struct Document<'a> {
    pub root: Root<'a>,
    pub subject: Subject,
    /// The kind the document's context implies (e.g. `AssumeRolePolicyDocument` → trust).
    pub kind: Option<PolicyKind>,
    /// Where in the file it lives, for files with several documents.
    pub origin: Option<String>,
    pub map: SpanMap,
    /// What the resource holding the document says about itself (name, attachments,
    /// dependencies), for the whole-setup pass.
    pub resource: Option<Box<Resource>>,
}

/// What the resource holding a document (a template resource, an exported role or key) says
/// about itself, for the whole-setup pass: how it is referred to, what it is attached to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resource {
    /// The resource is created by this template or module (not an export of something that
    /// already exists).
    pub created: bool,
    /// How the template refers to it: CloudFormation logical id, Terraform address (for a
    /// policy document data source, the address of the resource using it).
    pub id: Option<String>,
    /// The name it is given (`RoleName`, Terraform `name`, an exported role's name).
    pub name: Option<String>,
    /// Its ARN, when the export says (an exported role).
    pub arn: Option<String>,
    /// The key a key policy belongs to, as a reference or id (`PineconeCmek`, `aws_kms_key.x`).
    pub key: Option<String>,
    /// The roles a permissions policy is attached to, as written: a reference (`${Role}`,
    /// `${aws_iam_role.x.id}`) or a role name. `None` when the source does not say (a loose
    /// file, a policy whose attachment may be in another file); `Some` of an empty list when it
    /// is attached to no role (a user's or group's policy in an export).
    pub roles: Option<Vec<String>>,
    /// Resources it explicitly waits for (`DependsOn`, `depends_on`), as references.
    pub depends_on: Vec<String>,
}

impl Resource {
    /// Attached to these roles.
    pub fn attached(mut self, roles: Vec<String>) -> Self {
        self.roles.get_or_insert_with(Vec::new).extend(roles);
        self
    }
}

impl<'a> Document<'a> {
    pub fn policy(root: Root<'a>, kind: Option<PolicyKind>, origin: impl Into<String>, map: SpanMap) -> Self {
        Self { root, subject: Subject::Policy, kind, origin: Some(origin.into()), map, resource: None }
    }
    pub fn key_metadata(root: Node, origin: impl Into<String>) -> Self {
        Self {
            root: Root::Owned(Box::new(root)),
            subject: Subject::KeyMetadata,
            kind: Some(PolicyKind::Key),
            origin: Some(origin.into()),
            map: SpanMap::Identity,
            resource: None,
        }
    }
}

/// Syntax findings of a policy held as a string (a KMS `get-key-policy` export, a Terraform plan
/// attribute, a heredoc): the lenient parser's notes on the decoded text, mapped to the file.
pub struct Embedded {
    pub lenience: Vec<Lenience>,
    pub error: Option<ParseError>,
    pub map: SpanMap,
    pub origin: Option<String>,
}

/// A finding the extraction itself makes (e.g. a policy unknown at plan time).
pub struct Note {
    /// The rule (one the engine reports, as the note says).
    pub rule: crate::diagnostic::RuleId,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    pub origin: Option<String>,
}

/// A policy kept in another file (Terraform `file("x.json")`): checked, and reported, in that
/// file, with the kind and origin its context gives.
pub struct Followed {
    pub path: PathBuf,
    pub kind: Option<PolicyKind>,
    pub origin: String,
    /// What the resource reading it says about itself (the key a key policy belongs to, the
    /// role a policy is attached to), for the documents of the file.
    pub resource: Option<Box<Resource>>,
}

/// A point in an [`Extraction`] (see [`Extraction::mark`]).
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    documents: usize,
    followed: usize,
}

/// Everything found in one file.
#[derive(Default)]
pub struct Extraction<'a> {
    pub documents: Vec<Document<'a>>,
    pub embedded: Vec<Embedded>,
    pub notes: Vec<Note>,
    pub followed: Vec<Followed>,
    /// The file is of a known container shape (an export, a template, a plan), even when it
    /// holds no document.
    pub recognised: bool,
    /// The references resolved in the documents (a parameter's default, a variable's), where
    /// each was used, in file offsets: findings there say where the value came from.
    pub resolved: Vec<refs::Provenance>,
    /// Where the file's bytes are not the documents' values as written (see [`Unwritten`]).
    pub unwritten: Vec<Unwritten>,
    /// The file is a tool's output (Terraform plan or state JSON): a fix belongs in what it was
    /// made from (the `.tf` files), so nothing in it is edited (a state edited by hand no longer
    /// says what is deployed).
    pub generated: bool,
}

/// A part of the file whose bytes are not what the documents hold there as written: a value
/// computed from them (a CloudFormation intrinsic function, a Terraform data source lowered to
/// a policy), or a YAML anchor's node, copied wherever an alias names it, and the aliases. A
/// fix never edits inside one (see `crate::engine`'s fix placement).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unwritten {
    pub span: Span,
    /// An insertion at either end changes it too (an anchor's node grows by what follows it).
    pub ends: bool,
}

impl Unwritten {
    /// Whether an edit of `range` (empty: an insertion) changes this part of the file.
    pub fn touched_by(&self, range: Span) -> bool {
        let (a, b) = (self.span.start, self.span.end);
        let (s, t) = (range.start, range.end);
        if s == t { if self.ends { a <= s && s <= b } else { a < s && s < b } } else { s < b && a < t }
    }
}

impl<'a> Extraction<'a> {
    /// Where the documents and read files found so far end, for [`Extraction::describe_from`].
    pub fn mark(&self) -> Mark {
        Mark { documents: self.documents.len(), followed: self.followed.len() }
    }

    /// Tell the documents and the read files (see [`Followed`]) found since `since`, that no
    /// one has described yet, what their resource says about itself.
    pub fn describe_from(&mut self, since: Mark, resource: &Resource) {
        for d in self.documents[since.documents..].iter_mut().filter(|d| d.resource.is_none()) {
            d.resource = Some(Box::new(resource.clone()));
        }
        for f in self.followed[since.followed..].iter_mut().filter(|f| f.resource.is_none()) {
            f.resource = Some(Box::new(resource.clone()));
        }
    }

    /// Whether anything was found to check or report.
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty() && self.notes.is_empty() && self.followed.is_empty() && self.embedded.is_empty()
    }

    /// Add the policy held by the JSON string `node` of `text` (decoded, URL-decoded if need be).
    pub fn push_string_policy(&mut self, text: &str, node: &Node, kind: Option<PolicyKind>, origin: String) {
        let Some(decoded) = embedded::decode_string(text, node) else {
            return;
        };
        let parsed = crate::json::parse(&decoded.text);
        let map = decoded.map;
        if !parsed.lenience.is_empty() || parsed.error.is_some() {
            let origin = Some(origin.clone());
            self.embedded.push(Embedded { lenience: parsed.lenience, error: parsed.error, map: map.clone(), origin });
        }
        if let Some(root) = parsed.root
            && (is_policy(&root) || root.as_object().is_some())
        {
            self.documents.push(Document::policy(Root::Owned(Box::new(root)), kind, origin, map));
        }
    }
}

/// Whether a node looks like a policy document: an object with a `Statement` member.
pub fn is_policy(node: &Node) -> bool {
    node.get("Statement").is_some()
}

/// Find the documents of a parsed JSON file: a bare policy (the fast path), an AWS CLI export,
/// a CloudFormation/CDK template, or a Terraform plan/state.
pub fn documents<'a>(root: &'a Node, text: &str) -> Extraction<'a> {
    let mut out = Extraction::default();
    if is_policy(root) {
        out.documents.push(Document {
            root: Root::Borrowed(root),
            subject: Subject::Policy,
            kind: None,
            origin: None,
            map: SpanMap::Identity,
            resource: None,
        });
        out.recognised = true;
        return out;
    }
    if root.as_object().is_none() {
        return out;
    }
    if cfn::is_template(root) {
        cfn::extract(root, &mut out);
    } else if tfjson::is_terraform_json(root) {
        out.generated = true;
        tfjson::extract(root, text, &mut out);
    } else {
        aws_cli::extract(root, text, &mut out);
    }
    out
}

/// Cheap test on raw text: could this JSON file hold a policy or key metadata? Used to skip
/// unrelated JSON found while walking a directory without parsing it.
pub fn may_hold_policy(text: &str) -> bool {
    text.contains("Statement")
        || text.contains("\"Effect\"")
        // A near-policy (`"statement"`, `"effect"`: see [`near_policy`]) is reported, not skipped.
        || crate::data::contains_ignore_ascii_case(text, "\"statement")
        || crate::data::contains_ignore_ascii_case(text, "\"effect\"")
        || text.contains("KeyMetadata")
        || text.contains("AWS::KMS::")
        || text.contains("aws_kms_key")
}

/// Cheap test on a YAML file: could it be a CloudFormation template with IAM or KMS resources?
pub fn may_hold_cfn(text: &str) -> bool {
    text.contains("AWS::IAM::") || text.contains("AWS::KMS::")
}

/// Cheap test on a Terraform file: could it declare IAM or KMS resources?
pub fn may_hold_terraform(text: &str) -> bool {
    text.contains("aws_iam_") || text.contains("aws_kms_")
}

/// Whether a node is a lone statement (or an array of statements) rather than a policy: an
/// object with `Effect` and `Action`/`NotAction` but no `Statement`.
pub fn is_statement_fragment(node: &Node) -> bool {
    let one = |n: &Node| n.get("Effect").is_some() && (n.get("Action").is_some() || n.get("NotAction").is_some());
    match node.as_array() {
        Some(items) => !items.is_empty() && items.iter().all(one),
        None => one(node) && node.get("Statement").is_none(),
    }
}

/// A member name that IAM would not recognise only because of its case or a plural (`statement`,
/// `Statements`, `effect`): the name written, where, and the element it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MisspeltKey {
    pub span: Span,
    pub found: String,
    pub expected: &'static str,
}

const POLICY_KEYS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_KEYS: &[&str] =
    &["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];

/// The element `key` is a case or plural variant of (never `key` itself).
fn variant_of(key: &str, elements: &[&'static str]) -> Option<&'static str> {
    elements.iter().copied().find(|e| {
        *e != key
            && (key.eq_ignore_ascii_case(e) || key.strip_suffix(['s', 'S']).is_some_and(|k| k.eq_ignore_ascii_case(e)))
    })
}

/// A member named `element` or a case/plural variant of it.
fn like<'n>(node: &'n Node, element: &'static str) -> Option<&'n Member> {
    let members = node.as_object()?;
    members.iter().find(|m| &*m.key == element || variant_of(&m.key, &[element]).is_some())
}

/// An object that reads as a statement, whatever the case of its names: an `Effect` and an
/// `Action`, `NotAction`, `Principal` or `NotPrincipal`.
fn statement_like(node: &Node) -> bool {
    like(node, "Effect").is_some()
        && ["Action", "NotAction", "Principal", "NotPrincipal"].iter().any(|e| like(node, e).is_some())
}

fn misspelt_in(node: &Node, elements: &[&'static str], out: &mut Vec<MisspeltKey>) {
    for m in node.as_object().unwrap_or_default() {
        if let Some(expected) = variant_of(&m.key, elements) {
            out.push(MisspeltKey { span: m.key_span, found: m.key.to_string(), expected });
        }
    }
}

fn statements_of(node: &Node) -> Vec<&Node> {
    match node.as_array() {
        Some(items) => items.iter().collect(),
        None => vec![node],
    }
}

/// A near-policy: a document IAM rejects because element names are case-sensitive, which would
/// otherwise read as "no policy" — an object with a `Version` date (or statements) and a case or
/// plural variant of `Statement` (`statement`, `Statements`), or statements whose `Effect`,
/// `Action`, `Principal` are spelt in another case. Returns the misspelt names (empty when the
/// node is no near-policy). A node with a `Statement` member is a policy: see [`is_policy`].
pub fn near_policy(node: &Node) -> Vec<MisspeltKey> {
    let mut out = Vec::new();
    if is_policy(node) {
        return out;
    }
    if let Some(items) = node.as_array() {
        if !items.is_empty() && items.iter().all(statement_like) {
            items.iter().for_each(|s| misspelt_in(s, STATEMENT_KEYS, &mut out));
        }
        return out;
    }
    let Some(members) = node.as_object() else {
        return out;
    };
    let statement = members.iter().find(|m| variant_of(&m.key, &["Statement"]).is_some());
    match statement {
        Some(st) => {
            let dated = like(node, "Version").and_then(|m| m.value.as_str()).is_some_and(is_policy_date);
            let statements = statements_of(&st.value);
            if dated || statements.iter().any(|s| statement_like(s)) {
                misspelt_in(node, POLICY_KEYS, &mut out);
                statements.iter().for_each(|s| misspelt_in(s, STATEMENT_KEYS, &mut out));
            }
        }
        None if statement_like(node) => misspelt_in(node, STATEMENT_KEYS, &mut out),
        None => {}
    }
    out
}

/// `2012-10-17`, `2008-10-17`: a policy language version's shape.
fn is_policy_date(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 10 && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}

/// Build an object node.
pub(crate) fn object(span: Span, members: Vec<Member>) -> Node {
    Node::new(span, Value::Object(members))
}

/// Build a member.
pub(crate) fn member(key: &str, key_span: Span, value: Node) -> Member {
    Member { key: key.to_string().into(), key_span, value }
}

/// Member of a key-metadata node naming its source format (`describe-key`, `cloudformation`,
/// `terraform`, `terraform-plan`); its span is the anchor for findings about absent properties
/// (the resource's name).
pub const FORMAT_KEY: &str = "$format";

/// Build a key-metadata node: `members` named as in `describe-key`, plus [`FORMAT_KEY`].
pub(crate) fn key_metadata_node(span: Span, anchor: Span, format: &str, mut members: Vec<Member>) -> Node {
    members.push(member(FORMAT_KEY, anchor, Node::new(anchor, Value::String(format.into()))));
    object(span, members)
}

/// A plain string's value, or `None`.
pub(crate) fn str_of<'n>(node: &'n Node, key: &str) -> Option<&'n str> {
    node.get(key).and_then(|m| m.value.as_str())
}

/// Normalise a reference to a resource: `${X.Arn}` / `${X}` → `X`, `${aws_iam_role.x.arn}` →
/// `aws_iam_role.x`, a literal ARN → itself lower-cased.
pub fn normalise_ref(text: &str) -> String {
    let t = text.trim();
    if let Some(inner) = t.strip_prefix("${").and_then(|r| r.strip_suffix('}'))
        && !inner.contains("${")
    {
        let inner = inner.trim();
        for suffix in [".Arn", ".arn", ".id", ".name", ".key_id", ".KeyId"] {
            if let Some(base) = inner.strip_suffix(suffix) {
                return base.to_string();
            }
        }
        return inner.to_string();
    }
    t.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_maps_offsets_piecewise() {
        let m = SpanMap::Table(vec![(0, 10), (5, 20)]);
        assert_eq!(m.map(Span::new(1, 3)), Span::new(11, 13));
        assert_eq!(m.map(Span::new(5, 7)), Span::new(20, 22));
    }

    #[test]
    fn prefilters_are_cheap_substring_tests() {
        assert!(may_hold_policy(r#"{"Statement": []}"#));
        assert!(may_hold_policy(r#"{"KeyMetadata": {}}"#));
        assert!(!may_hold_policy(r#"{"name": "x"}"#));
        assert!(may_hold_cfn("Type: AWS::IAM::Role"));
        assert!(!may_hold_cfn("kind: Deployment"));
        assert!(may_hold_terraform("resource \"aws_kms_key\" \"k\" {}"));
    }
}
