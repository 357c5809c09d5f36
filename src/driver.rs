//! The driver over many files. Discovery streams the candidates in path order from a thread of
//! its own; they are checked in batches on a thread pool and taken back in order; each
//! folder's setup pass (cross-document rules, `crate::setup`) runs as soon as the walk has left
//! the folder, after which its facts are dropped and a file with nothing to show is only
//! counted. Memory grows with the findings (and the depth of the tree and its largest folder),
//! not with the number of files; the output is the same whatever the thread count.

use crate::discover::{self, Candidate};
use crate::engine::{FileReport, cross_enabled, setup_pass};
use crate::engine::{Input, check_with_referenced};
use crate::rules::{Registry, Scope};
use crate::settings::Settings;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Candidates handed from the walk to the checkers at a time.
const BATCH: usize = 512;

/// Files checked without a report kept for them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub checked: usize,
    pub skipped: usize,
    pub policies: usize,
}

impl Tally {
    fn count(&mut self, r: &FileReport) {
        if r.skipped {
            self.skipped += 1;
        } else {
            self.checked += 1;
        }
        self.policies += r.policies;
    }
    fn uncount(&mut self, r: &FileReport) {
        if r.skipped {
            self.skipped = self.skipped.saturating_sub(1);
        } else {
            self.checked = self.checked.saturating_sub(1);
        }
        self.policies = self.policies.saturating_sub(r.policies);
    }
}

/// What a run keeps besides the reports of files with something to show.
#[derive(Clone, Copy, Debug, Default)]
pub struct Retention {
    /// A report for every file, clean or not (JUnit has a test case per file; a baseline tells
    /// recorded findings that are gone from the files checked).
    pub clean: bool,
    /// The setup facts in the reports, for a caller grouping them itself (`preflight`).
    pub facts: bool,
    /// The setups as JSON (`setups` of `--format json`).
    pub setups: bool,
}

/// What to check and how.
pub struct Job<'a> {
    pub paths: &'a [PathBuf],
    pub discover: &'a discover::Options,
    /// Checking threads; 0: one per available core.
    pub jobs: usize,
    /// Files named on the command line are reported as having no policy when they have none;
    /// `false` treats them as found by walking (skipped silently).
    pub explicit: bool,
    pub keep: Retention,
}

/// What a run watches for besides checking (see [`check_paths_watched`]).
#[derive(Default)]
pub struct Watch<'a> {
    /// Files the run will write (a report, a baseline): an input that is one of them is
    /// recorded in [`Checked::clobbered`] (compared by identity, links and `..` seen through).
    pub guard: &'a [discover::FileId],
    /// Show "checked N files…" on standard error while a run lasts more than a second (the
    /// caller decides: only when stderr is a terminal).
    pub progress: bool,
}

/// The outcome of a run.
#[derive(Debug, Default)]
pub struct Checked {
    /// Reports kept, in path order (a file read by another file, Terraform `file()`, right
    /// after the first file reading it).
    pub reports: Vec<FileReport>,
    /// Files checked whose report was not kept.
    pub tally: Tally,
    /// `Retention::setups`: the setups, by folder.
    pub setups: Vec<serde_json::Value>,
    /// Errors met walking the paths (unreadable directories, missing paths), sorted.
    pub walk_errors: Vec<String>,
    /// Inputs that are files of [`Watch::guard`]: the index in `guard` and the input as shown.
    pub clobbered: Vec<(usize, String)>,
}

/// Check the files under `job.paths`: with `jobs` 1 everything runs on the calling thread;
/// otherwise the walk has a thread of its own and the files are checked on a pool of `jobs`
/// threads. `Err` only for a bad option (an invalid `--exclude`
/// glob); I/O errors are reported in [`Checked`].
pub fn check_paths(job: &Job<'_>, registry: &Registry, settings: &Settings) -> Result<Checked, String> {
    check_paths_watched(job, &Watch::default(), registry, settings)
}

/// [`check_paths`], recording the inputs that are files the run will write and showing
/// progress, as `watch` says.
pub fn check_paths_watched(
    job: &Job<'_>,
    watch: &Watch<'_>,
    registry: &Registry,
    settings: &Settings,
) -> Result<Checked, String> {
    let mut driver = Driver::new(registry, settings, job.keep);
    driver.guard = watch.guard;
    driver.progress = watch.progress.then(Progress::new);
    let mut pool: Option<rayon::ThreadPool> = None;
    let mut take_batch = |driver: &mut Driver<'_>, batch: Vec<Candidate>| {
        let check = |c: &Candidate| {
            check_with_referenced(
                Input::File { path: &c.path, explicit: c.explicit && job.explicit, walked: !c.explicit },
                registry,
                settings,
            )
        };
        let groups: Vec<_> = if batch.len() == 1 || job.jobs == 1 {
            // One file (pre-commit) or one thread: checked on this thread, no pool is started.
            batch.iter().map(check).collect()
        } else {
            let pool = pool.get_or_insert_with(|| {
                rayon::ThreadPoolBuilder::new().num_threads(job.jobs).build().expect("a thread pool")
            });
            pool.install(|| batch.par_iter().map(check).collect())
        };
        for (c, group) in batch.iter().zip(groups) {
            driver.take(&c.path, group);
        }
    };
    let walk_errors = if job.jobs != 1 && job.paths.iter().any(|p| p.is_dir()) {
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Candidate>>(2);
            let walker = s.spawn(move || {
                let mut batch = Vec::with_capacity(BATCH);
                let errors = discover::walk(job.paths, job.discover, |c| {
                    batch.push(c);
                    // A send fails only when the checking side is gone (a panic): stop.
                    batch.len() < BATCH || tx.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))).is_ok()
                });
                if !batch.is_empty() {
                    let _ = tx.send(batch);
                }
                errors
            });
            for batch in rx {
                take_batch(&mut driver, batch);
            }
            walker.join().unwrap_or_else(|_| Err("internal error: the directory walk panicked".into()))
        })?
    } else {
        // Only files (no walk to overlap with), or one thread (`--jobs 1`): walk and check on
        // this thread, a batch at a time.
        let mut batch = Vec::new();
        let errors = discover::walk(job.paths, job.discover, |c| {
            batch.push(c);
            if batch.len() == BATCH {
                take_batch(&mut driver, std::mem::take(&mut batch));
            }
            true
        })?;
        if !batch.is_empty() {
            take_batch(&mut driver, batch);
        }
        errors
    };
    if let Some(p) = &driver.progress {
        p.clear();
    }
    let clobbered = std::mem::take(&mut driver.clobbered);
    let mut checked = driver.finish(job, registry, settings)?;
    checked.walk_errors = walk_errors;
    checked.clobbered = clobbered;
    Ok(checked)
}

/// A report taken, waiting for its folder or for the end of the run.
struct Entry {
    /// Its place in the output: the candidate's rank in the walk, then its rank in the
    /// candidate's reports (a file read by it comes right after it).
    key: (u64, u32),
    /// The report of a file read by another file (Terraform `file()`).
    followed: bool,
    report: FileReport,
}

/// A folder the walk is in, with the reports holding setup facts of it.
struct Open {
    dir: PathBuf,
    held: Vec<Entry>,
}

struct Driver<'a> {
    registry: &'a Registry,
    settings: &'a Settings,
    keep: Retention,
    /// A cross-document rule is enabled.
    cross: bool,
    rank: u64,
    /// The folders open, outermost first: each one's folder holds the next one's.
    open: Vec<Open>,
    out: Vec<Entry>,
    tally: Tally,
    /// Files read by other files so far (as displayed), with the folders of the files reading
    /// them (the setups their facts belong to).
    followed: HashMap<String, Vec<String>>,
    /// Of those, the ones walked after being read (the walked copy was not taken).
    walked_later: HashSet<String>,
    setups: Vec<crate::setup::Described>,
    guard: &'a [discover::FileId],
    clobbered: Vec<(usize, String)>,
    progress: Option<Progress>,
}

/// A single updating line on standard error, "checked N files…", once a run has lasted a
/// second; redrawn at most ten times a second.
struct Progress {
    started: std::time::Instant,
    drawn: Option<std::time::Instant>,
    files: usize,
}

impl Progress {
    fn new() -> Self {
        Progress { started: std::time::Instant::now(), drawn: None, files: 0 }
    }

    fn tick(&mut self) {
        self.files += 1;
        let now = std::time::Instant::now();
        if now.duration_since(self.started).as_millis() < 1000
            || self.drawn.is_some_and(|d| now.duration_since(d).as_millis() < 100)
        {
            return;
        }
        self.drawn = Some(now);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[Kchecked {} files\u{2026}", self.files).and_then(|()| err.flush());
    }

    /// Erase the line, if it was drawn.
    fn clear(&self) {
        if self.drawn.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K").and_then(|()| err.flush());
        }
    }
}

impl<'a> Driver<'a> {
    fn new(registry: &'a Registry, settings: &'a Settings, keep: Retention) -> Self {
        Driver {
            registry,
            settings,
            keep,
            cross: cross_enabled(registry, settings),
            rank: 0,
            open: Vec::new(),
            out: Vec::new(),
            tally: Tally::default(),
            followed: HashMap::new(),
            walked_later: HashSet::new(),
            setups: Vec::new(),
            guard: &[],
            clobbered: Vec::new(),
            progress: None,
        }
    }

    /// Take the reports of a candidate (its own, then those of the files it reads), in walk
    /// order.
    fn take(&mut self, path: &Path, group: Vec<(FileReport, bool)>) {
        let rank = self.rank;
        self.rank += 1;
        if let Some(p) = &mut self.progress {
            p.tick();
        }
        if !self.guard.is_empty() {
            // The candidate and the files it reads (Terraform `file()`). A file walked into
            // and skipped (no policy: an earlier JSON report, a baseline) is not an input.
            let walked_policy = group.first().is_some_and(|(r, _)| !r.skipped);
            let inputs = walked_policy
                .then(|| crate::source::path_text(path))
                .into_iter()
                .chain(group.iter().filter(|(_, followed)| *followed).map(|(r, _)| r.path.clone()));
            for input in inputs {
                if let Some(id) = discover::FileId::of(Path::new(&input))
                    && let Some(i) = self.guard.iter().position(|g| *g == id)
                    && !self.clobbered.iter().any(|(j, p)| *j == i && *p == input)
                {
                    self.clobbered.push((i, input));
                }
            }
        }
        let dir = path.parent().unwrap_or(Path::new(""));
        // The walk is in path order: a folder that does not hold this file is done.
        while let Some(top) = self.open.last() {
            if dir.starts_with(&top.dir) {
                break;
            }
            let done = self.open.pop().expect("an open folder");
            self.folder_done(done);
        }
        // The folder of the file reading others (not computed for the usual lone report).
        let reader = match group.as_slice() {
            [_] | [] => String::new(),
            [(r, _), ..] => crate::source::scope_of(&r.path),
        };
        for (i, (report, followed)) in group.into_iter().enumerate() {
            if followed {
                // A walked copy waiting for its folder gives way: its facts are not the file's
                // (their kind and resource are what the reader says).
                for e in self.open.iter_mut().flat_map(|o| o.held.iter_mut()) {
                    if !e.followed && e.report.path == report.path {
                        e.report.facts = Vec::new();
                    }
                }
                let readers = self.followed.entry(report.path.clone()).or_default();
                if !readers.contains(&reader) {
                    readers.push(reader.clone());
                }
            } else if self.followed.contains_key(&report.path) {
                // Already read by another file, in that file's context: that report stands.
                self.walked_later.insert(report.path);
                continue;
            }
            let entry = Entry { key: (rank, i as u32), followed, report };
            if entry.report.facts.is_empty() {
                self.settle(entry);
                continue;
            }
            // Its facts belong to this folder (a file read by another, to the reader's).
            match self.open.last_mut() {
                Some(top) if top.dir == dir => top.held.push(entry),
                _ => self.open.push(Open { dir: dir.to_path_buf(), held: vec![entry] }),
            }
        }
    }

    /// A report whose setup pass is done: kept, or only counted.
    fn settle(&mut self, entry: Entry) {
        let r = &entry.report;
        let clean = r.diagnostics.is_empty() && r.errors.is_empty() && r.facts.is_empty();
        if entry.followed || self.keep.clean || !clean {
            self.out.push(entry);
        } else {
            self.tally.count(&entry.report);
        }
    }

    /// The walk has left a folder: its setup pass, then its reports are settled.
    fn folder_done(&mut self, mut folder: Open) {
        if self.cross || self.keep.setups {
            let mut reports: Vec<&mut FileReport> = folder.held.iter_mut().map(|e| &mut e.report).collect();
            let described = setup_pass(&mut reports, self.registry, self.settings, self.keep.setups, self.cross);
            self.setups.extend(described);
        }
        for mut entry in folder.held {
            if !self.keep.facts {
                entry.report.facts = Vec::new();
            }
            self.settle(entry);
        }
    }

    fn finish(mut self, job: &Job<'_>, registry: &Registry, settings: &Settings) -> Result<Checked, String> {
        while let Some(done) = self.open.pop() {
            self.folder_done(done);
        }
        // Reports waiting for their folder were settled after later ones: back in walk order.
        self.out.sort_by_key(|e| e.key);
        let reports = if self.followed.is_empty() {
            self.out.into_iter().map(|e| e.report).collect()
        } else {
            // A file read by another file is reported once, in that file's context: its walked
            // copy gives way. One walked before being read and only counted is found again
            // (the walk is asked for these files only) and uncounted.
            let kept_walked: HashSet<&str> =
                self.out.iter().filter(|e| !e.followed).map(|e| e.report.path.as_str()).collect();
            let mut unsettled: Vec<PathBuf> = self
                .followed
                .keys()
                .filter(|p| !self.walked_later.contains(*p) && !kept_walked.contains(p.as_str()))
                .map(PathBuf::from)
                .collect();
            unsettled.sort();
            if !unsettled.is_empty() {
                for c in discover::find(job.paths, job.discover, &unsettled)? {
                    // Only a copy that was counted (as its name shows it) is uncounted.
                    let shown = crate::source::path_text(&c.path);
                    if !self.followed.contains_key(&shown) || kept_walked.contains(shown.as_str()) {
                        continue;
                    }
                    let input =
                        Input::File { path: &c.path, explicit: c.explicit && job.explicit, walked: !c.explicit };
                    if let Some((walked, _)) = check_with_referenced(input, registry, settings).first() {
                        self.tally.uncount(walked);
                    }
                }
            }
            self.out.retain(|e| e.followed || !self.followed.contains_key(&e.report.path));
            // A walked copy whose folder was done before the file reading it came (a `files/`
            // folder sorting before `main.tf`) was in that folder's setup pass: the setups and
            // the cross-document findings that point at it are dropped.
            let followed = &self.followed;
            let elsewhere =
                |file: &str, folder: &str| followed.get(file).is_some_and(|r| !r.iter().any(|r| r == folder));
            self.setups.retain(|d| !d.files.iter().any(|f| elsewhere(f, &d.folder)));
            let cross: HashSet<&str> =
                registry.rules.iter().filter(|r| r.record.scope == Scope::Setup).map(|r| r.record.code).collect();
            for e in self.out.iter_mut().filter(|e| !e.followed) {
                let folder = crate::source::scope_of(&e.report.path);
                e.report.diagnostics.retain(|d| {
                    !cross.contains(d.diagnostic.code)
                        || !d.labels.iter().any(|l| l.file.as_deref().is_some_and(|f| elsewhere(f, &folder)))
                });
            }
            merge_reports(self.out.into_iter().map(|e| (e.report, e.followed)).collect())
        };
        // Folders are done innermost first; setups are listed by folder.
        self.setups.sort_by(|a, b| a.folder.cmp(&b.folder));
        Ok(Checked {
            reports,
            tally: self.tally,
            setups: self.setups.into_iter().map(|d| d.json).collect(),
            walk_errors: Vec::new(),
            clobbered: Vec::new(),
        })
    }
}

/// One report per path, in first-seen order; a file read by another file (Terraform `file()`)
/// more than once is merged into one report.
fn merge_reports(all: Vec<(FileReport, bool)>) -> Vec<FileReport> {
    let mut order: Vec<String> = Vec::new();
    let mut by_path: std::collections::HashMap<String, Vec<FileReport>> = std::collections::HashMap::new();
    for (r, _) in all {
        if !by_path.contains_key(&r.path) {
            order.push(r.path.clone());
        }
        by_path.entry(r.path.clone()).or_default().push(r);
    }
    order
        .into_iter()
        .filter_map(|path| {
            let mut kept = by_path.remove(&path)?.into_iter();
            let mut base = kept.next()?;
            for other in kept {
                base.diagnostics.extend(other.diagnostics);
                base.errors.extend(other.errors);
                base.policies = base.policies.max(other.policies);
                base.skipped &= other.skipped;
                base.facts.extend(other.facts);
            }
            base.diagnostics.sort_by(|a, b| {
                (a.start.line, a.start.column, a.diagnostic.code, a.end.line, a.end.column).cmp(&(
                    b.start.line,
                    b.start.column,
                    b.diagnostic.code,
                    b.end.line,
                    b.end.column,
                ))
            });
            base.diagnostics.dedup_by(|a, b| {
                a.diagnostic.code == b.diagnostic.code
                    && a.diagnostic.span == b.diagnostic.span
                    && a.diagnostic.message == b.diagnostic.message
            });
            Some(base)
        })
        .collect()
}
