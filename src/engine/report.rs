//! What checking one file produced.

use crate::diagnostic::Resolved;

/// The name standard input is reported under when `--stdin-filename` does not name it.
pub const STDIN_NAME: &str = "<stdin>";

/// Everything found in one file.
#[derive(Clone, Debug, Default)]
pub struct FileReport {
    pub path: String,
    /// The path as the operating system gave it, for a file read from disk (`None` for standard
    /// input and texts): `path` is its lossy display, this keeps bytes that are not UTF-8 (SARIF
    /// percent-encodes them in its URIs).
    pub fs_path: Option<std::path::PathBuf>,
    /// Checked because another file reads it (Terraform `file()`), not because the run was
    /// given or walked into it: it may lie outside the paths or be excluded (`--fix` leaves it).
    pub followed: bool,
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

impl FileReport {
    /// Standard input, not named by `--stdin-filename`: it has no path to point at.
    pub fn is_unnamed_stdin(&self) -> bool {
        self.fs_path.is_none() && self.path == STDIN_NAME
    }
}
