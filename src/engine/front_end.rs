//! The front ends: one per input format, each turning a file's text into what the rules check
//! (`super::run::FileRun::extraction`) or into the engine's own findings (invalid syntax, no
//! policy). Each returns the file's report, and the files it refers to (Terraform `file()`).

use super::run::FileRun;
use super::{Context, FileReport};
use crate::extract::{self, Extraction, Followed, SpanMap, cfn, hcl, yaml};
use crate::fix::{Edit, Fix};
use crate::json::{self, ParseError};
use crate::rules::RuleId;
use crate::source::Span;
use std::path::Path;

type Checked = (FileReport, Vec<Followed>);

/// A text that is not UTF-8: checked up to the first invalid byte for the file-level rules,
/// with CMK001 at that byte.
pub(super) fn not_utf8(mut run: FileRun<'_>, bytes: &[u8], at: usize) -> Checked {
    let error = ParseError {
        message: format!("the file is not valid UTF-8 (byte 0x{:02X}); policies must be UTF-8 text", bytes[at]),
        span: Span::empty(at),
    };
    run.file_rules(&[], Some(&error), &SpanMap::Identity);
    let lossy = run.text();
    (run.finish(lossy), Vec::new())
}

/// JSON: a policy, a document holding policies (CLI output, Terraform plan JSON, ...), or a
/// policy file referred to by another file (`context`).
pub(super) fn json(mut run: FileRun<'_>, text: &str, explicit: bool, context: Option<&Context>) -> Checked {
    let parsed = json::parse(text);
    let mut found = parsed.root.as_ref().map(|r| extract::documents(r, text)).unwrap_or_default();
    if let Some(ctx) = context {
        for doc in found.documents.iter_mut().filter(|d| d.origin.is_none()) {
            doc.kind = doc.kind.or(ctx.kind);
            doc.origin = Some(ctx.origin.clone());
            if doc.resource.is_none() {
                doc.resource.clone_from(&ctx.resource);
            }
        }
    }
    if parsed.error.is_none() && found.is_empty() {
        let near = parsed.root.as_ref().map(extract::near_policy).unwrap_or_default();
        if !near.is_empty() {
            run.file_rules(&parsed.lenience, None, &SpanMap::Identity);
            for m in near {
                run.engine_finding(
                    RuleId::PolicyKeyCase,
                    m.span,
                    format!(
                        "`{}` is not a policy element (IAM spells it `{}`; names are case-sensitive): IAM and KMS reject this document, and nothing in it was checked",
                        m.found, m.expected
                    ),
                    Some(format!("write `{}`", m.expected)),
                    None,
                );
            }
            return (run.finish(text), Vec::new());
        }
        if let Some(root) = parsed.root.as_ref().filter(|r| extract::is_statement_fragment(r)) {
            run.file_rules(&parsed.lenience, None, &SpanMap::Identity);
            run.engine_finding_fixed(
                RuleId::StatementWithoutPolicy,
                Span::new(root.span.start as usize, root.span.start as usize + 1),
                "this file holds policy statements without the policy around them: IAM and KMS reject it".into(),
                Some("wrap it: `{\"Version\": \"2012-10-17\", \"Statement\": [ ...this statement... ]}`".into()),
                None,
                Some(wrap_statements(root)),
            );
            return (run.finish(text), Vec::new());
        }
        if !explicit {
            return (run.skipped(), Vec::new());
        }
        run.no_policy(
            parsed.root.as_ref().map_or(0, |r| r.span.start as usize),
            "a policy is a JSON object with a `Statement` element",
        );
        return (run.finish(text), Vec::new());
    }
    run.file_rules(&parsed.lenience, parsed.error.as_ref(), &SpanMap::Identity);
    run.extraction(&found);
    (run.finish(text), Vec::new())
}

/// CMK010's fix: the statements (an array, or one statement object) wrapped in a policy.
fn wrap_statements(root: &json::Node) -> Fix {
    let (start, end) = (root.span.start as usize, root.span.end as usize);
    Fix::safe(
        "wrap the statements in a policy with `Version` and `Statement`",
        vec![Edit::insert(start, "{\"Version\": \"2012-10-17\", \"Statement\": "), Edit::insert(end, "}")],
    )
}

/// YAML: a CloudFormation template.
pub(super) fn yaml(mut run: FileRun<'_>, text: &str, explicit: bool) -> Checked {
    let (root, shared) = match yaml::parse_marked(text) {
        Ok(parsed) => parsed,
        Err(e) => {
            run.engine_finding(
                RuleId::InvalidYaml,
                e.span,
                format!("invalid YAML: {}", e.message),
                Some("fix the YAML syntax at this position; the template was not checked".into()),
                None,
            );
            return (run.finish(text), Vec::new());
        }
    };
    let mut found = Extraction::default();
    if let Some(root) = root.as_ref().filter(|r| cfn::is_template(r)) {
        cfn::extract(root, &mut found);
    }
    found.unwritten.extend(shared);
    // YAML keeps only one of two equal keys of a mapping (CloudFormation rejects the template):
    // CMK004, as for JSON.
    if let Some(root) = root.as_ref().filter(|_| !found.is_empty()) {
        let duplicates = json::duplicate_keys(root);
        if !duplicates.is_empty() {
            run.file_rules(&duplicates, None, &SpanMap::Identity);
        }
    }
    if found.is_empty() {
        if !explicit {
            return (run.skipped(), Vec::new());
        }
        run.no_policy(
            root.as_ref().map_or(0, |r| r.span.start as usize),
            "cmek-lint reads the AWS::IAM::* and AWS::KMS::Key resources of CloudFormation templates",
        );
        return (run.finish(text), Vec::new());
    }
    run.extraction(&found);
    (run.finish(text), Vec::new())
}

/// HCL: Terraform, with the policy files it refers to.
pub(super) fn hcl(mut run: FileRun<'_>, text: &str, path: &Path, explicit: bool) -> Checked {
    let found = match hcl::extract(text, path) {
        Ok(found) => found,
        Err(e) => {
            run.engine_finding(
                RuleId::InvalidHcl,
                e.span,
                format!("invalid Terraform (HCL): {}", e.message),
                Some(
                    "fix the syntax at this position (`terraform validate` shows the same); the file was not checked"
                        .into(),
                ),
                None,
            );
            return (run.finish(text), Vec::new());
        }
    };
    if found.is_empty() {
        if !explicit {
            return (run.skipped(), Vec::new());
        }
        run.no_policy(0, "cmek-lint reads aws_iam_* and aws_kms_* resources and aws_iam_policy_document data sources");
        return (run.finish(text), Vec::new());
    }
    // An object written with one key twice (`StringEquals` bare and quoted): `jsonencode` keeps
    // one of them. CMK004, for the objects written in HCL (a heredoc's JSON has its own).
    let duplicates: Vec<json::Lenience> = found
        .documents
        .iter()
        .filter(|d| matches!(d.map, SpanMap::Identity))
        .flat_map(|d| json::duplicate_keys(d.root.node()))
        .collect();
    if !duplicates.is_empty() {
        run.file_rules(&duplicates, None, &SpanMap::Identity);
    }
    run.extraction(&found);
    let followed = found.followed;
    (run.finish(text), followed)
}
