//! The documents of one file, owned and with their positions, for commands that evaluate the
//! policies rather than check them (`access`): the same read, the same front ends' parsers and
//! the same extraction as a check, without the rules.

use super::read::{self, Read};
use super::{Input, Syntax, detect_syntax, encoding};
use crate::extract::{self, Extraction, Resource, SpanMap, Subject, cfn, hcl, yaml};
use crate::json::Node;
use crate::policy::PolicyKind;
use crate::source::{LineCol, LineIndex, Span};
use std::path::{Path, PathBuf};

/// A document of a file: its tree (spans in the document's coordinates, see `map`), and what
/// its context says about it.
pub struct FileDocument {
    pub root: Node,
    pub subject: Subject,
    /// The kind the document's context implies.
    pub kind: Option<PolicyKind>,
    pub origin: Option<String>,
    pub map: SpanMap,
    pub resource: Option<Box<Resource>>,
}

/// The documents of one file, with its text for positions.
pub struct FileDocuments {
    pub path: PathBuf,
    /// The path as shown.
    pub display: String,
    /// The file's text (decoded from UTF-16/32 if need be).
    pub text: String,
    pub documents: Vec<FileDocument>,
    /// Files the file refers to (Terraform `file()`), already read into `documents` of their
    /// own [`FileDocuments`] by [`documents_with_referenced`].
    pub referenced: Vec<PathBuf>,
}

impl FileDocuments {
    /// The line and column (1-based) of a document's span in the file.
    pub fn position(&self, doc: &FileDocument, span: Span) -> LineCol {
        LineIndex::new(&self.text).line_col(doc.map.map(span).start as usize)
    }
}

/// The documents of a file and of the files it refers to (Terraform `file()`), these last
/// with the kind and resource their reference gives. `Err` when the file cannot be read or
/// parsed; a file holding no document gives an empty list.
pub fn documents_with_referenced(path: &Path, max_file_size: u64) -> Result<Vec<FileDocuments>, String> {
    let (first, followed) = documents_of(path, max_file_size, false)?;
    let mut out = vec![first];
    let mut seen: Vec<&Path> = Vec::new();
    for f in &followed {
        if seen.contains(&f.path.as_path()) || !f.path.is_file() {
            continue;
        }
        seen.push(&f.path);
        let (mut docs, _) = documents_of(&f.path, max_file_size, true)?;
        for d in docs.documents.iter_mut().filter(|d| d.origin.is_none()) {
            d.kind = d.kind.or(f.kind);
            d.origin = Some(f.origin.clone());
            if d.resource.is_none() {
                d.resource.clone_from(&f.resource);
            }
        }
        out[0].referenced.push(f.path.clone());
        out.push(docs);
    }
    Ok(out)
}

fn documents_of(
    path: &Path,
    max_file_size: u64,
    referenced: bool,
) -> Result<(FileDocuments, Vec<extract::Followed>), String> {
    let display = crate::source::path_text(path);
    let source = match read::read(Input::File { path, explicit: false, walked: false }, max_file_size) {
        Read::Bytes(s) => s,
        Read::TooLarge { len, .. } => {
            return Err(format!("{display}: {len} bytes, over the size limit ([limits] max_file_size)"));
        }
        Read::Failed(report) => {
            return Err(report.errors.first().cloned().unwrap_or_else(|| format!("{display}: could not be read")));
        }
    };
    let text = match encoding::sniff(&source.bytes) {
        Some(s) => encoding::decode(&source.bytes, s),
        None => String::from_utf8(source.bytes).map_err(|_| format!("{display}: not valid UTF-8"))?,
    };
    let syntax = if referenced { Syntax::Json } else { detect_syntax(&display, &text) };
    let (documents, followed) = documents_in(&display, path, &text, syntax)?;
    Ok((FileDocuments { path: path.to_path_buf(), display, text, documents, referenced: Vec::new() }, followed))
}

/// What a document is: its subject, the kind its context implies, its origin.
pub type Outline = (Subject, Option<PolicyKind>, Option<String>);

/// What each document of a text is (its subject, the kind its context implies, its origin),
/// in order: what a fix may not change (see `crate::commands::fix`). `None` when the text,
/// checked as `name`, does not parse.
pub fn outline(name: &str, text: &str) -> Option<Vec<Outline>> {
    let (documents, _) = documents_in(name, Path::new(name), text, detect_syntax(name, text)).ok()?;
    Some(documents.into_iter().map(|d| (d.subject, d.kind, d.origin)).collect())
}

/// The documents of a text, parsed as `syntax`, and the files it refers to.
fn documents_in(
    display: &str,
    path: &Path,
    text: &str,
    syntax: Syntax,
) -> Result<(Vec<FileDocument>, Vec<extract::Followed>), String> {
    let (documents, followed) = {
        let parsed;
        let yaml_root;
        let found: Extraction<'_> = match syntax {
            Syntax::Json => {
                parsed = crate::json::parse(text);
                if let Some(e) = &parsed.error {
                    let at = LineIndex::new(text).line_col(e.span.start as usize);
                    return Err(format!("{display}:{}:{}: invalid JSON: {}", at.line, at.column, e.message));
                }
                parsed.root.as_ref().map(|r| extract::documents(r, text)).unwrap_or_default()
            }
            Syntax::Yaml => {
                yaml_root = yaml::parse(text).map_err(|e| {
                    let at = LineIndex::new(text).line_col(e.span.start as usize);
                    format!("{display}:{}:{}: invalid YAML: {}", at.line, at.column, e.message)
                })?;
                let mut found = Extraction::default();
                if let Some(root) = yaml_root.as_ref().filter(|r| cfn::is_template(r)) {
                    cfn::extract(root, &mut found);
                }
                found
            }
            Syntax::Hcl => hcl::extract(text, path).map_err(|e| {
                let at = LineIndex::new(text).line_col(e.span.start as usize);
                format!("{display}:{}:{}: invalid Terraform (HCL): {}", at.line, at.column, e.message)
            })?,
        };
        let documents: Vec<FileDocument> = found
            .documents
            .into_iter()
            .map(|d| FileDocument {
                root: d.root.node().clone(),
                subject: d.subject,
                kind: d.kind,
                origin: d.origin,
                map: d.map,
                resource: d.resource,
            })
            .collect();
        (documents, found.followed)
    };
    Ok((documents, followed))
}
