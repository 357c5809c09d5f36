//! What checking one file produced.

use crate::diagnostic::Resolved;

/// Everything found in one file.
#[derive(Clone, Debug, Default)]
pub struct FileReport {
    pub path: String,
    pub diagnostics: Vec<Resolved>,
    /// Policy documents found and checked.
    pub policies: usize,
    /// The file was walked into but holds no policy (not counted as checked).
    pub skipped: bool,
    /// One-line errors that stopped the file from being checked (I/O, internal errors): they
    /// make the run exit 2.
    pub errors: Vec<String>,
    /// Small facts about the setup found in this file (roles, keys, grants), for the setup
    /// pass (`crate::setup`). Not rendered.
    pub facts: Vec<crate::setup::Fact>,
    /// The file's suppressions, kept for the cross-document findings of its setup pass (see
    /// `super::sink`); `None` once its findings are final.
    pub(crate) suppressions: Option<crate::suppress::FileSuppressions>,
}
