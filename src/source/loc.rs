//! Resolved locations: a file (`Site`) and a position in it (`Loc`) that outlive the file's
//! text, for findings and setup facts that point into other files, and the config file's values.

use super::{LineCol, LineIndex, Span};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

/// The file facts come from, shared by all their locations (facts are held until their folder
/// is done, so a location costs no allocation of its own).
#[derive(Clone, Debug)]
pub struct Site {
    pub file: Arc<str>,
    /// The file on disk, to read a line back from when a finding shows it; `None` for text not
    /// on disk (standard input, tests), whose locations keep their line.
    pub path: Option<Arc<Path>>,
    /// The folder whose setups the facts belong to: the file's own, or for a file read by
    /// Terraform's `file()`, the folder of the module reading it.
    pub scope: Arc<str>,
}

impl Site {
    /// `scope`: see [`Site::scope`]; `None` for the file's own folder.
    pub fn new(file: &str, path: Option<&Path>, scope: Option<&str>) -> Self {
        let scope = scope.map_or_else(|| scope_of(file), str::to_string);
        Site { file: file.into(), path: path.map(Arc::from), scope: scope.into() }
    }
}

/// Where the text of a location's line comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum LineSource {
    File(Arc<Path>),
    Text(Box<str>),
}

/// A resolved position in a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Loc {
    pub file: Arc<str>,
    pub span: Span,
    pub start: LineCol,
    pub end: LineCol,
    /// Where in the file (CloudFormation resource path, Terraform address, export member).
    pub origin: Option<Arc<str>>,
    pub source: LineSource,
}

impl Serialize for Loc {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("file", &*self.file)?;
        m.serialize_entry("line", &self.start.line)?;
        m.serialize_entry("column", &self.start.column)?;
        if let Some(o) = &self.origin {
            m.serialize_entry("origin", &**o)?;
        }
        m.end()
    }
}

impl Loc {
    pub fn resolve(site: &Site, span: Span, index: &LineIndex<'_>, origin: Option<&Arc<str>>) -> Self {
        let start = index.line_col(span.start as usize);
        let end = index.line_col(span.end as usize);
        let source = match &site.path {
            Some(p) => LineSource::File(p.clone()),
            None => LineSource::Text(index.line_text(start.line).into()),
        };
        Loc { file: site.file.clone(), span, start, end, origin: origin.cloned(), source }
    }
}

/// The lines of locations, for the few findings that show them: files are read back once each.
#[derive(Default)]
pub struct Lines {
    texts: std::collections::HashMap<Arc<Path>, Option<String>>,
}

impl Lines {
    /// The text of a location's start line (empty when the file can no longer be read).
    pub fn of(&mut self, loc: &Loc) -> String {
        self.line(loc, loc.start.line)
    }

    pub fn line(&mut self, loc: &Loc, line: u32) -> String {
        match &loc.source {
            LineSource::Text(t) => t.to_string(),
            LineSource::File(p) => {
                let text = self.texts.entry(p.clone()).or_insert_with(|| std::fs::read_to_string(p).ok());
                text.as_deref().map(|t| LineIndex::new(t).line_text(line).to_string()).unwrap_or_default()
            }
        }
    }
}

/// The folder of a file as shown: the setup its facts belong to.
pub fn scope_of(file: &str) -> String {
    std::path::Path::new(file).parent().map(path_text).unwrap_or_default()
}

/// A path as reports show it: `path.display().to_string()`, the same text, without the
/// formatter's lossy pass when the path is UTF-8 (nearly always; a few per checked file).
pub fn path_text(path: &Path) -> String {
    match path.to_str() {
        Some(text) => text.to_string(),
        None => path.display().to_string(),
    }
}
