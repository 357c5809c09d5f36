//! File discovery: expand the paths given on the command line into the files to check, as a
//! stream in path order, so that no list of the whole tree is ever held.

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

/// A file to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub path: PathBuf,
    /// Named on the command line (always checked; "no policy" is reported) rather than found
    /// by walking a directory.
    pub explicit: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Globs of paths to skip (see [`build_globset`] for what they match).
    pub exclude: Vec<String>,
    /// Apply `exclude` to files named on the command line too (pre-commit names every file).
    pub force_exclude: bool,
    pub follow_symlinks: bool,
}

/// The identity of a file on disk (device and inode on Unix, the canonical path elsewhere):
/// two paths naming one file, through links or `..`, have the same identity.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileId(#[cfg(unix)] (u64, u64), #[cfg(not(unix))] PathBuf);

impl FileId {
    /// The identity of the file at `path`, when it exists.
    pub fn of(path: &Path) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let m = std::fs::metadata(path).ok()?;
            Some(FileId((m.dev(), m.ino())))
        }
        #[cfg(not(unix))]
        {
            std::fs::canonicalize(path).ok().map(FileId)
        }
    }
}

/// Why a path named on the command line cannot be checked: missing, a broken symbolic link,
/// a symbolic link loop.
fn missing(root: &Path) -> String {
    let shown = root.display();
    let Ok(link) = std::fs::symlink_metadata(root) else {
        return format!("{shown}: no such file or directory");
    };
    if !link.file_type().is_symlink() {
        return format!("{shown}: no such file or directory");
    }
    match std::fs::metadata(root) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let target = std::fs::read_link(root).map(|t| t.display().to_string()).unwrap_or_default();
            format!("{shown}: broken symbolic link (its target `{target}` does not exist)")
        }
        Err(e) => format!("{shown}: cannot follow symbolic link (a symbolic link loop?): {e}"),
        Ok(_) => format!("{shown}: no such file or directory"),
    }
}

/// Extensions of files that may hold policies: JSON (bare policies, AWS CLI exports,
/// CloudFormation/CDK templates, `terraform show -json` output, `.tfplan.json`), JSON templates
/// (`.json.tpl`), YAML (CloudFormation), `.template` (CloudFormation, JSON or YAML), Terraform
/// configuration (`.tf`) and state (`.tfstate`). The content decides the rest (see
/// `engine::detect_syntax`) and a cheap prefilter skips files without IAM or KMS content.
pub fn is_candidate_name(path: &Path) -> bool {
    // The name's bytes, ASCII case aside: no lower-cased copy per walked file (a non-UTF-8
    // name is a candidate by its extension like any other).
    let name = path.file_name().map(|n| n.as_encoded_bytes()).unwrap_or_default();
    [".json", ".json.tpl", ".yaml", ".yml", ".template", ".tf", ".tfstate"]
        .iter()
        .any(|ext| name.len() >= ext.len() && name[name.len() - ext.len()..].eq_ignore_ascii_case(ext.as_bytes()))
}

/// Walk `paths` (files and directories) and hand each candidate to `each`, sorted by path (as
/// [`Path`] orders them, component by component) and without duplicates, however the paths
/// overlap. Returns the errors met on the way (unreadable directories, broken paths), sorted.
///
/// Each path is a sorted stream of its own (a directory is walked depth first, the entries of
/// each directory sorted by name, which is path order); the streams are merged. Memory is
/// bounded by the depth of the tree and the size of its largest directory, not by the number
/// of files.
///
/// `each` returns whether to go on.
pub fn walk(paths: &[PathBuf], opts: &Options, each: impl FnMut(Candidate) -> bool) -> Result<Vec<String>, String> {
    walk_only(paths, opts, None, each)
}

/// [`walk`], looking only for `targets`: which of them the walk finds (directories that lead
/// to none of them are not entered).
pub fn find(paths: &[PathBuf], opts: &Options, targets: &[PathBuf]) -> Result<Vec<Candidate>, String> {
    let mut found = Vec::new();
    walk_only(paths, opts, Some(targets), |c| {
        if targets.contains(&c.path) {
            found.push(c);
        }
        true
    })?;
    Ok(found)
}

fn walk_only(
    paths: &[PathBuf],
    opts: &Options,
    targets: Option<&[PathBuf]>,
    mut each: impl FnMut(Candidate) -> bool,
) -> Result<Vec<String>, String> {
    let exclude = build_globset(&opts.exclude)?;
    let mut errors = Vec::new();
    let mut streams: Vec<Stream> = Vec::new();
    for root in paths {
        if root.is_dir() {
            // The walk never filters its root: an excluded directory named on the command line.
            if excluded_root(root, opts, &exclude) {
                continue;
            }
            streams.push(Stream::Walk(Box::new(walker(root, opts, &exclude, targets))));
        } else if root.exists() || root.as_os_str() == "-" {
            // A file named on the command line is checked whatever `exclude` says, unless
            // `force_exclude` (pre-commit names the files itself).
            // Gitignore-like: the file or a folder on its path (`generated/x.json` is excluded
            // by `generated`).
            if excluded_root(root, opts, &exclude) {
                continue;
            }
            streams.push(Stream::One(Some(root.clone())));
        } else {
            errors.push(missing(root));
        }
    }
    // The next candidate of each stream; its errors are collected as they come.
    let mut next = |s: &mut Stream| loop {
        match s.next() {
            Some(Ok(c)) => return Some(c),
            Some(Err(e)) => errors.push(e),
            None => return None,
        }
    };
    let mut heads: Vec<Option<Candidate>> = streams.iter_mut().map(&mut next).collect();
    let mut last: Option<Candidate> = None;
    loop {
        let mut best: Option<usize> = None;
        for (i, h) in heads.iter().enumerate() {
            if let Some(c) = h
                && best.is_none_or(|b| heads[b].as_ref().is_some_and(|d| c.path < d.path))
            {
                best = Some(i);
            }
        }
        let Some(b) = best else { break };
        let c = std::mem::replace(&mut heads[b], next(&mut streams[b])).expect("a head");
        match &mut last {
            Some(l) if l.path == c.path => l.explicit |= c.explicit,
            _ => {
                if let Some(l) = last.replace(c)
                    && !each(l)
                {
                    last = None;
                    break;
                }
            }
        }
    }
    if let Some(l) = last {
        each(l);
    }
    errors.sort();
    Ok(errors)
}

/// The candidates of one command-line path, in path order.
enum Stream {
    One(Option<PathBuf>),
    Walk(Box<ignore::Walk>),
}

impl Iterator for Stream {
    type Item = Result<Candidate, String>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Stream::One(p) => p.take().map(|path| Ok(Candidate { path, explicit: true })),
            Stream::Walk(walk) => loop {
                match walk.next()? {
                    Ok(e) => {
                        if e.file_type().is_some_and(|t| t.is_file()) && is_candidate_name(e.path()) {
                            return Some(Ok(Candidate { path: e.into_path(), explicit: false }));
                        }
                    }
                    Err(err) => return Some(Err(err.to_string())),
                }
            },
        }
    }
}

fn walker(root: &Path, opts: &Options, exclude: &GlobSet, targets: Option<&[PathBuf]>) -> ignore::Walk {
    let mut builder = ignore::WalkBuilder::new(root);
    let root = root.to_path_buf();
    let exclude = exclude.clone();
    let targets: Option<Vec<PathBuf>> = targets.map(<[PathBuf]>::to_vec);
    builder
        .hidden(false)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .ignore(true)
        .parents(true)
        .require_git(false)
        .follow_links(opts.follow_symlinks)
        // Siblings by name: their paths are the parent's plus `/name`, so comparing the paths'
        // bytes orders them as their names (as `OsStr` does), without the component parsing
        // `sort_by_file_name` pays twice per comparison (a name is split off each path).
        .sort_by_file_path(|a, b| a.as_os_str().as_encoded_bytes().cmp(b.as_os_str().as_encoded_bytes()))
        .filter_entry(move |e| {
            let p = e.path();
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            let name = e.file_name().to_str().unwrap_or("");
            if is_dir && matches!(name, ".git" | ".terraform" | "node_modules") {
                return false;
            }
            if !exclude.is_empty() {
                let rel = p.strip_prefix(&root).unwrap_or(p);
                if exclude.is_match(rel) || exclude.is_match(p) {
                    return false;
                }
            }
            // Looking for given files: enter only the directories on the way to one.
            targets.as_ref().is_none_or(|t| t.iter().any(|t| t.starts_with(p)))
        });
    builder.build()
}

/// Whether a path named on the command line is skipped by `exclude`: a directory matched, or
/// with `force_exclude` a file matched, itself or a folder on its path (gitignore-like).
fn excluded_root(root: &Path, opts: &Options, exclude: &GlobSet) -> bool {
    if exclude.is_empty() {
        return false;
    }
    if root.is_dir() {
        return exclude.is_match(root);
    }
    opts.force_exclude && root.ancestors().any(|a| !a.as_os_str().is_empty() && exclude.is_match(a))
}

/// Whether any of `paths` (named on the command line) is skipped by `exclude`.
pub fn any_excluded(paths: &[PathBuf], opts: &Options) -> Result<bool, String> {
    let exclude = build_globset(&opts.exclude)?;
    Ok(paths.iter().any(|p| excluded_root(p, opts, &exclude)))
}

/// The `exclude` globs. A glob is matched against the path as walked (the command-line path
/// joined with what is under it, e.g. `infra/gen/x.json` for `cmek-lint infra`) and against
/// the path relative to the command-line path walked (`gen/x.json`); a glob without `/`
/// matches a file or folder name anywhere (`gen` is `**/gen`). An excluded folder is not
/// entered.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_named_by_extension_case_aside() {
        for yes in ["a.json", "dir/B.JSON", "x.json.tpl", "c.Yaml", "d.yml", "e.template", "main.tf", "t.tfstate"] {
            assert!(is_candidate_name(Path::new(yes)), "{yes}");
        }
        for no in ["json", "a.jsonx", "a.txt", "tf", "a.json.bak", ".."] {
            assert!(!is_candidate_name(Path::new(no)), "{no}");
        }
        // `Path::file_name` drops a trailing slash: the name is `dir.json`.
        assert!(is_candidate_name(Path::new("dir.json/")));
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let odd = std::ffi::OsStr::from_bytes(b"caf\xe9-policy.JSON");
            assert!(is_candidate_name(Path::new(odd)));
            assert!(!is_candidate_name(Path::new(std::ffi::OsStr::from_bytes(b"policy.js\xefn"))));
        }
    }

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        for f in files {
            let p = t.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "{}").unwrap();
        }
        t
    }

    fn names(root: &Path, paths: &[PathBuf], opts: &Options) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        walk(paths, opts, |c| {
            out.push((c.path.strip_prefix(root).unwrap().display().to_string(), c.explicit));
            true
        })
        .unwrap();
        out
    }

    #[test]
    fn the_stream_is_in_path_order_without_duplicates() {
        let t = tree(&["b/z.json", "a.json", "a/x.json", "a/b/c.json", "a/a.tf", "a-b/y.yaml", "a/README.md"]);
        let r = t.path();
        let got = names(
            r,
            &[r.join("b"), r.join("a"), r.join("a/x.json"), r.join("a.json"), r.join("a-b")],
            &Options::default(),
        );
        let expected = [
            ("a/a.tf", false),
            ("a/b/c.json", false),
            ("a/x.json", true),
            ("a-b/y.yaml", false),
            ("a.json", true),
            ("b/z.json", false),
        ];
        let expected: Vec<(String, bool)> = expected.iter().map(|(p, e)| (p.to_string(), *e)).collect();
        assert_eq!(got, expected);
        // the same order as sorting the whole list
        let mut sorted: Vec<PathBuf> = got.iter().map(|(p, _)| PathBuf::from(p)).collect();
        sorted.sort();
        assert_eq!(sorted, got.iter().map(|(p, _)| PathBuf::from(p)).collect::<Vec<_>>());
    }

    #[test]
    fn nested_roots_and_excludes() {
        let t = tree(&["a/x.json", "a/b/y.json", "a/b/skip.json", "a/gen/z.json"]);
        let r = t.path();
        let opts = Options { exclude: vec!["skip.json".into(), "gen".into()], ..Default::default() };
        let got = names(r, &[r.join("a"), r.join("a/b")], &opts);
        assert_eq!(got, vec![("a/b/y.json".to_string(), false), ("a/x.json".to_string(), false)]);
    }

    #[test]
    fn missing_paths_are_errors_and_the_rest_is_walked() {
        let t = tree(&["a/x.json"]);
        let r = t.path();
        let mut n = 0;
        let errors = walk(&[r.join("missing"), r.join("a")], &Options::default(), |_| {
            n += 1;
            true
        })
        .unwrap();
        assert_eq!(n, 1);
        assert!(errors.len() == 1 && errors[0].ends_with("missing: no such file or directory"), "{errors:?}");
    }

    #[test]
    fn find_reports_only_walked_targets() {
        let t = tree(&["a/x.json", "a/ignored/y.json", "b/z.json"]);
        let r = t.path();
        std::fs::write(r.join("a/.gitignore"), "ignored/\n").unwrap();
        let targets = [r.join("a/x.json"), r.join("a/ignored/y.json"), r.join("elsewhere.json")];
        let found = find(&[r.join("a"), r.join("b")], &Options::default(), &targets).unwrap();
        assert_eq!(found, vec![Candidate { path: r.join("a/x.json"), explicit: false }]);
    }
}
