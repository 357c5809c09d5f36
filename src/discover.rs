//! File discovery: expand the paths given on the command line into the files to check.

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A file to check.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub path: PathBuf,
    /// Named on the command line (always checked; "no policy" is reported) rather than found
    /// by walking a directory.
    pub explicit: bool,
}

pub struct Options {
    pub exclude: Vec<String>,
    pub follow_symlinks: bool,
    /// Walker threads; 0: one per available core (asked only when a directory is walked).
    pub threads: usize,
}

/// Extensions of files that may hold policies: JSON (bare policies, AWS CLI exports,
/// CloudFormation/CDK templates, `terraform show -json` output, `.tfplan.json`), JSON templates
/// (`.json.tpl`), YAML (CloudFormation), `.template` (CloudFormation, JSON or YAML), Terraform
/// configuration (`.tf`) and state (`.tfstate`). The content decides the rest (see
/// `engine::detect_syntax`) and a cheap prefilter skips files without IAM or KMS content.
pub fn is_candidate_name(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    [".json", ".json.tpl", ".yaml", ".yml", ".template", ".tf", ".tfstate"].iter().any(|ext| lower.ends_with(ext))
}

/// Walk `paths` (files and directories) and return the sorted, de-duplicated candidates plus
/// the errors met on the way (unreadable directories, broken paths).
pub fn discover(paths: &[PathBuf], opts: &Options) -> Result<(Vec<Candidate>, Vec<String>), String> {
    let exclude = build_globset(&opts.exclude)?;
    let found = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    for root in paths {
        if !root.is_dir() {
            if !root.exists() && root.as_os_str() != "-" {
                errors.lock().unwrap().push(format!("{}: no such file or directory", root.display()));
                continue;
            }
            found.lock().unwrap().push(Candidate { path: root.clone(), explicit: true });
            continue;
        }
        let mut builder = ignore::WalkBuilder::new(root);
        builder
            .hidden(false)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(true)
            .ignore(true)
            .parents(true)
            .require_git(false)
            .follow_links(opts.follow_symlinks)
            .threads(if opts.threads == 0 {
                std::thread::available_parallelism().map_or(2, |n| n.get())
            } else {
                opts.threads
            })
            .filter_entry(|e| {
                let name = e.file_name().to_str().unwrap_or("");
                !(e.file_type().is_some_and(|t| t.is_dir()) && matches!(name, ".git" | ".terraform" | "node_modules"))
            });
        builder.build_parallel().run(|| {
            let found = &found;
            let errors = &errors;
            let exclude = &exclude;
            Box::new(move |entry| {
                match entry {
                    Ok(e) => {
                        let p = e.path();
                        let rel = p.strip_prefix(root).unwrap_or(p);
                        if !exclude.is_empty() && (exclude.is_match(rel) || exclude.is_match(p)) {
                            return if e.file_type().is_some_and(|t| t.is_dir()) {
                                ignore::WalkState::Skip
                            } else {
                                ignore::WalkState::Continue
                            };
                        }
                        if e.file_type().is_some_and(|t| t.is_file()) && is_candidate_name(p) {
                            found.lock().unwrap().push(Candidate { path: p.to_path_buf(), explicit: false });
                        }
                    }
                    Err(err) => errors.lock().unwrap().push(err.to_string()),
                }
                ignore::WalkState::Continue
            })
        });
    }
    let mut found = found.into_inner().unwrap();
    found.sort();
    found.dedup_by(|a, b| {
        if a.path == b.path {
            b.explicit |= a.explicit;
            true
        } else {
            false
        }
    });
    let mut errors = errors.into_inner().unwrap();
    errors.sort();
    Ok((found, errors))
}

fn build_globset(globs: &[String]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(Glob::new(g).map_err(|e| format!("invalid --exclude glob `{g}`: {e}"))?);
        if !g.contains('/') {
            b.add(Glob::new(&format!("**/{g}")).map_err(|e| format!("invalid --exclude glob `{g}`: {e}"))?);
        }
    }
    b.build().map_err(|e| e.to_string())
}
