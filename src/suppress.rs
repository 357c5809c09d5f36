//! Suppressions: `[[suppress]]` entries of `cmek-lint.toml` (JSON has no comments, so this is
//! the way to silence a finding in a policy file) and, in YAML and HCL files, inline comments
//! `# cmek-lint: ignore[CODE] reason` on the finding's line or the line above.
//!
//! Every suppression carries a reason. A config entry may expire (`expires = 2026-06-30`): from
//! the day after, it no longer suppresses and the run says so. Suppressions that suppressed
//! nothing in the files they cover are reported as `info` notices, so they do not pile up.
//!
//! The engine builds a [`FileSuppressions`] per file, with the file's text, and applies it to
//! every finding of the file, file-level or cross-document, in one place (the engine's sink);
//! [`Suppressions::notices`] is read once after the run.

use crate::diagnostic::{Diagnostic, Notice, Resolved, Severity};
use globset::GlobMatcher;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A calendar date (UTC), for expiry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Date {
    /// Parse `YYYY-MM-DD`, checking the day exists.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year: i32 = s[0..4].parse().ok()?;
        let month: u32 = s[5..7].parse().ok()?;
        let day: u32 = s[8..10].parse().ok()?;
        Date::new(year, month, day)
    }

    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days).contains(&day).then_some(Date { year, month, day })
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Date::from_days((secs / 86_400) as i64)
    }

    /// The date `days` days after 1970-01-01 (H. Hinnant's `civil_from_days`).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

/// One `[[suppress]]` entry of the config file.
#[derive(Debug)]
pub struct Entry {
    /// The rule selector as written (`CMK115`, `placeholder-value`, `CMK1`).
    pub rule: String,
    /// Codes of the rules it covers.
    pub codes: Vec<&'static str>,
    /// The path glob as written, relative to the config file's folder.
    pub path: String,
    pub matcher: GlobMatcher,
    /// RFC 6901 pointer: the entry covers findings at this node or inside it.
    pub pointer: Option<String>,
    pub reason: String,
    pub expires: Option<Date>,
    /// Where the entry is: config file, 1-based line and column.
    pub config: PathBuf,
    pub line: usize,
    pub column: usize,
    expired: bool,
    /// Findings it matched (suppressed, or would have if not expired).
    matched: AtomicUsize,
    /// Checked files its glob matched.
    files: AtomicUsize,
}

impl Entry {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        rule: String,
        codes: Vec<&'static str>,
        path: String,
        matcher: GlobMatcher,
        pointer: Option<String>,
        reason: String,
        expires: Option<Date>,
        config: PathBuf,
        line: usize,
        column: usize,
        today: Date,
    ) -> Self {
        let expired = expires.is_some_and(|d| d < today);
        Entry {
            rule,
            codes,
            path,
            matcher,
            pointer,
            reason,
            expires,
            config,
            line,
            column,
            expired,
            matched: AtomicUsize::new(0),
            files: AtomicUsize::new(0),
        }
    }

    pub fn is_expired(&self) -> bool {
        self.expired
    }

    fn covers(&self, d: &Diagnostic) -> bool {
        self.codes.contains(&d.code)
            && self.pointer.as_deref().is_none_or(|p| {
                p.is_empty()
                    || d.pointer == p
                    || (d.pointer.starts_with(p) && d.pointer.as_bytes().get(p.len()) == Some(&b'/'))
            })
    }
}

/// The suppressions of a run and what they did.
#[derive(Debug)]
pub struct Suppressions {
    pub entries: Vec<Entry>,
    /// Folder the entries' globs are relative to (absolute).
    pub root: PathBuf,
    /// `(code, name)` of every rule, in registry order (to recognise names in comments).
    known: Vec<(&'static str, &'static str)>,
    /// The working directory, read once.
    cwd: PathBuf,
    suppressed: AtomicUsize,
    notices: Mutex<Vec<Notice>>,
}

impl Suppressions {
    /// No suppressions yet, for a run of the rules `known` (`(code, name)` in registry order).
    pub fn new(known: Vec<(&'static str, &'static str)>) -> Self {
        let cwd = std::env::current_dir().unwrap_or_default();
        Suppressions {
            entries: Vec::new(),
            root: cwd.clone(),
            cwd,
            known,
            suppressed: AtomicUsize::new(0),
            notices: Mutex::new(Vec::new()),
        }
    }

    /// Findings suppressed so far.
    pub fn suppressed(&self) -> usize {
        self.suppressed.load(Ordering::Relaxed)
    }

    fn rule_index(&self, code_or_name: &str) -> Option<usize> {
        self.known.iter().position(|(c, n)| c.eq_ignore_ascii_case(code_or_name) || *n == code_or_name)
    }

    /// The notices of the run: expired entries (warning), entries and comments that
    /// suppressed nothing in the files they cover (info), malformed comments (warning).
    /// `enabled` is the per-rule enabled flag of the run: suppressions of disabled rules are
    /// not reported as unused.
    pub fn notices(&self, enabled: &[bool]) -> Vec<Notice> {
        let mut out = Vec::new();
        let on = |code: &str| self.rule_index(code).is_some_and(|i| enabled.get(i).copied().unwrap_or(true));
        for e in &self.entries {
            let config = e.config.display().to_string();
            let what = format!("suppression of `{}` in `{}`", e.rule, e.path);
            if let (true, Some(date)) = (e.expired, e.expires) {
                let n = e.matched.load(Ordering::Relaxed);
                let again = match n {
                    0 => String::new(),
                    1 => "; the finding it covered is reported again".into(),
                    n => format!("; the {n} findings it covered are reported again"),
                };
                out.push(Notice::at(
                    Severity::Warning,
                    format!("{what} expired on {date} (reason was: {}){again}", e.reason),
                    &config,
                    e.line,
                    e.column,
                ));
            } else if e.files.load(Ordering::Relaxed) > 0
                && e.matched.load(Ordering::Relaxed) == 0
                && e.codes.iter().any(|c| on(c))
            {
                out.push(Notice::at(
                    Severity::Info,
                    format!("unused {what}: the files it covers have no such finding; remove it"),
                    &config,
                    e.line,
                    e.column,
                ));
            }
        }
        let mut inline = self.notices.lock().map(|n| n.clone()).unwrap_or_default();
        inline.retain(|n| n.rule.as_deref().is_none_or(on));
        inline.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        out.extend(inline);
        out
    }
}

/// `path` made absolute against the current directory and lexically normalised.
pub fn absolute(path: &Path) -> PathBuf {
    absolute_in(&std::env::current_dir().unwrap_or_default(), path)
}

/// `path` made absolute against `cwd` and lexically normalised.
pub fn absolute_in(cwd: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() { path.to_path_buf() } else { cwd.join(path) };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether a file of this name and text can carry `#` comments (YAML, HCL), so inline
/// suppression comments are looked for. As `engine::detect_syntax` decides the syntax: a
/// YAML or Terraform name, never a JSON one (`.json`, `.tfstate`), else the content: text that does not open like JSON (`{`, `[`,
/// `"`, a `//` comment) is read as YAML or HCL, whatever its name (`.template`, `.json.tpl`,
/// standard input without `--stdin-filename`).
fn comment_capable(path: &Path, text: &str) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_ascii_lowercase();
    if [".yaml", ".yml", ".tf", ".hcl", ".tfvars"].iter().any(|e| name.ends_with(e)) {
        return true;
    }
    // A file named JSON is never searched for comments, whatever it holds.
    if name.ends_with(".json") || name.ends_with(".tfstate") {
        return false;
    }
    let first = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']).bytes().next();
    !matches!(first, None | Some(b'{' | b'[' | b'/' | b'"'))
}

/// An inline `# cmek-lint: ignore[CODES] reason` comment.
#[derive(Clone, Debug)]
struct Directive {
    line: u32,
    column: u32,
    rules: Vec<String>,
    reason: String,
    used: Vec<bool>,
}

const MARKER: &str = "cmek-lint:";

fn directives(text: &str) -> Vec<Directive> {
    let mut out = Vec::new();
    if !text.contains(MARKER) {
        return out;
    }
    for (i, line) in text.lines().enumerate() {
        let Some(at) = line.find(MARKER) else { continue };
        let before = line[..at].trim_end();
        let comment_start = if before.ends_with('#') {
            before.len() - 1
        } else if before.ends_with("//") {
            before.len() - 2
        } else {
            continue;
        };
        // `#` starts a comment only at the start of a line or after whitespace.
        if comment_start > 0 && !line[..comment_start].ends_with(char::is_whitespace) {
            continue;
        }
        let rest = line[at + MARKER.len()..].trim_start();
        let Some(rest) = rest.strip_prefix("ignore[") else { continue };
        let Some(close) = rest.find(']') else { continue };
        let rules: Vec<String> =
            rest[..close].split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        let reason = rest[close + 1..].trim_start_matches([' ', '\t', ':', '-', '—']).trim().to_string();
        let column = line[..comment_start].chars().count() as u32 + 1;
        let used = vec![false; rules.len()];
        out.push(Directive { line: i as u32 + 1, column, rules, reason, used });
    }
    out
}

/// The suppressions that apply to one file: the config entries whose glob matches it and, in a
/// YAML or HCL file, its inline comments. Built once per file with its text; applied to the
/// file's findings as they come (file-level findings when the file is checked, cross-document
/// findings after its setup pass), then [`FileSuppressions::finish`]ed, which reports the
/// comments that suppressed nothing.
#[derive(Clone, Debug)]
pub struct FileSuppressions {
    file: String,
    /// Indices of the matching entries of [`Suppressions::entries`].
    entries: Vec<usize>,
    directives: Vec<Directive>,
}

impl FileSuppressions {
    /// The suppressions of the file at `path`, or `None` when nothing can suppress a finding of
    /// it (no config entry matches it, and no comment: returns at once for a JSON file when the
    /// config has no entries).
    pub fn new(path: &Path, text: &str, s: &Suppressions) -> Option<Self> {
        let inline = comment_capable(path, text);
        if s.entries.is_empty() && !inline {
            return None;
        }
        let mut entries = Vec::new();
        if !s.entries.is_empty() {
            let abs = absolute_in(&s.cwd, path);
            let rel = abs.strip_prefix(&s.root).unwrap_or(&abs).to_path_buf();
            for (i, e) in s.entries.iter().enumerate() {
                if e.matcher.is_match(&rel) || e.matcher.is_match(path) {
                    e.files.fetch_add(1, Ordering::Relaxed);
                    entries.push(i);
                }
            }
        }
        let directives = if inline { directives(text) } else { Vec::new() };
        if entries.is_empty() && directives.is_empty() {
            return None;
        }
        Some(FileSuppressions { file: path.display().to_string(), entries, directives })
    }

    /// Drop the findings a suppression covers.
    pub fn apply(&mut self, found: &mut Vec<Resolved>, s: &Suppressions) {
        let before = found.len();
        let dirs = &mut self.directives;
        found.retain(|r| {
            let d = &r.diagnostic;
            let mut suppress = false;
            for e in self.entries.iter().map(|&i| &s.entries[i]) {
                if e.covers(d) {
                    e.matched.fetch_add(1, Ordering::Relaxed);
                    suppress |= !e.expired;
                }
            }
            let line = r.start.line;
            for dir in dirs.iter_mut().filter(|dir| !dir.reason.is_empty()) {
                if line != dir.line && line != dir.line + 1 {
                    continue;
                }
                for (i, r) in dir.rules.iter().enumerate() {
                    if d.code.eq_ignore_ascii_case(r) || d.name == r {
                        dir.used[i] = true;
                        suppress = true;
                    }
                }
            }
            !suppress
        });
        s.suppressed.fetch_add(before - found.len(), Ordering::Relaxed);
    }

    /// Every finding of the file has been through [`FileSuppressions::apply`]: report the
    /// comments without reason, naming no rule or suppressing nothing.
    pub fn finish(self, s: &Suppressions) {
        if self.directives.is_empty() {
            return;
        }
        let file = self.file;
        let mut found = Vec::new();
        for dir in &self.directives {
            if dir.reason.is_empty() {
                found.push(Notice::at(
                    Severity::Warning,
                    format!(
                        "suppression comment `ignore[{}]` has no reason and is not honoured: write `# cmek-lint: ignore[{}] <why>`",
                        dir.rules.join(","),
                        dir.rules.join(",")
                    ),
                    &file,
                    dir.line as usize,
                    dir.column as usize,
                ));
                continue;
            }
            if dir.rules.is_empty() {
                found.push(Notice::at(
                    Severity::Warning,
                    "suppression comment names no rule: write `# cmek-lint: ignore[CODE] <why>`".into(),
                    &file,
                    dir.line as usize,
                    dir.column as usize,
                ));
            }
            for (r, used) in dir.rules.iter().zip(&dir.used) {
                match s.rule_index(r) {
                    None => found.push(Notice::at(
                        Severity::Warning,
                        format!("suppression comment names `{r}`, which is no rule"),
                        &file,
                        dir.line as usize,
                        dir.column as usize,
                    )),
                    Some(i) if !used => {
                        let mut n = Notice::at(
                            Severity::Info,
                            format!(
                                "unused suppression comment: no {} finding on this line or the next; remove it",
                                s.known[i].0
                            ),
                            &file,
                            dir.line as usize,
                            dir.column as usize,
                        );
                        n.rule = Some(s.known[i].0.to_string());
                        found.push(n);
                    }
                    Some(_) => {}
                }
            }
        }
        if !found.is_empty()
            && let Ok(mut n) = s.notices.lock()
        {
            n.extend(found);
        }
    }
}

/// Drop the findings of one file that a suppression covers, all its findings at once.
pub fn apply(path: &Path, text: &str, found: &mut Vec<Resolved>, s: &Suppressions) {
    if let Some(mut file) = FileSuppressions::new(path, text, s) {
        file.apply(found, s);
        file.finish(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Registry;

    #[test]
    fn dates_parse_and_come_from_days() {
        assert_eq!(Date::parse("2024-02-29"), Some(Date { year: 2024, month: 2, day: 29 }));
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("2023-13-01"), None);
        assert_eq!(Date::parse("2023-1-01"), None);
        assert_eq!(Date::from_days(0), Date { year: 1970, month: 1, day: 1 });
        assert_eq!(Date::from_days(19_782), Date { year: 2024, month: 2, day: 29 });
        assert_eq!(Date::from_days(20_454), Date { year: 2026, month: 1, day: 1 });
        assert!(Date::today() > Date { year: 2025, month: 1, day: 1 });
    }

    #[test]
    fn comments_are_found_only_as_comments() {
        let text = "a: 1 # cmek-lint: ignore[CMK115] placeholder kept for the template\n\
                    # cmek-lint: ignore[CMK115, trust-policy-resource]: reviewed by secops\n\
                    b: \"x#cmek-lint: ignore[CMK115] not a comment\"\n\
                    // cmek-lint: ignore[CMK002]\n";
        let d = directives(text);
        assert_eq!(d.len(), 3, "{d:?}");
        assert_eq!((d[0].line, d[0].column, d[0].reason.as_str()), (1, 6, "placeholder kept for the template"));
        assert_eq!(d[1].rules, vec!["CMK115", "trust-policy-resource"]);
        assert_eq!(d[1].reason, "reviewed by secops");
        assert_eq!((d[2].line, d[2].reason.as_str()), (4, ""));
    }

    fn diag(registry: &Registry, code: &str, text: &str, needle: &str) -> Resolved {
        let r = registry.find(code).unwrap().record;
        let at = text.find(needle).unwrap();
        let index = crate::source::LineIndex::new(text);
        let diagnostic = Diagnostic {
            code: r.code,
            name: r.name,
            severity: r.severity,
            message: format!("{code} finding"),
            span: crate::source::Span::new(at, at + needle.len()),
            labels: Vec::new(),
            help: None,
            kind: None,
            pointer: String::new(),
            origin: None,
            fix: None,
        };
        let (start, end) = (index.line_col(at), index.line_col(at + needle.len()));
        Resolved { diagnostic, start, end, labels: Vec::new(), lines: Vec::new() }
    }

    #[test]
    fn comments_in_yaml_suppress_their_line_and_the_next() {
        let registry = Registry::builtin();
        let settings = registry.default_settings();
        let text = "Resources:\n  PineconeRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          # cmek-lint: ignore[CMK115] account id is injected by the pipeline\n          - Principal: {AWS: 'arn:aws:iam::XXXXXXXXXXXX:role/a'}\n            Resource: '*' # cmek-lint: ignore[trust-policy-resource]: legacy stack, removed in Q3\n          - Principal: {AWS: 'arn:aws:iam::YYYYYYYYYYYY:role/b'} # cmek-lint: ignore[CMK116] wrong rule\n          # cmek-lint: ignore[CMK115]\n          - Principal: {AWS: 'arn:aws:iam::ZZZZZZZZZZZZ:role/c'} # cmek-lint: ignore[CMK999] typo\n";
        let mut diags = vec![
            diag(&registry, "CMK115", text, "XXXXXXXXXXXX"),
            diag(&registry, "CMK116", text, "Resource: '*'"),
            diag(&registry, "CMK115", text, "YYYYYYYYYYYY"),
            diag(&registry, "CMK115", text, "ZZZZZZZZZZZZ"),
        ];
        apply(Path::new("stack.yaml"), text, &mut diags, &settings.suppress);
        let left: Vec<&str> = diags.iter().map(|d| &text[d.diagnostic.span.range()]).collect();
        assert_eq!(left, vec!["YYYYYYYYYYYY", "ZZZZZZZZZZZZ"]);
        assert_eq!(settings.suppress.suppressed(), 2);
        let notices: Vec<String> = settings.suppress.notices(&settings.enabled).iter().map(Notice::one_line).collect();
        assert_eq!(
            notices,
            vec![
                "stack.yaml:10:66: info: unused suppression comment: no CMK116 finding on this line or the next; remove it",
                "stack.yaml:11:11: warning: suppression comment `ignore[CMK115]` has no reason and is not honoured: write `# cmek-lint: ignore[CMK115] <why>`",
                "stack.yaml:12:66: warning: suppression comment names `CMK999`, which is no rule",
            ]
        );
        // JSON files are never searched for comments.
        let mut diags = vec![diag(&registry, "CMK115", text, "XXXXXXXXXXXX")];
        apply(Path::new("stack.json"), text, &mut diags, &settings.suppress);
        assert_eq!(diags.len(), 1);
    }

    #[test]
    fn only_yaml_and_hcl_carry_comments() {
        assert!(comment_capable(Path::new("stack.yaml"), ""));
        assert!(comment_capable(Path::new("main.tf"), ""));
        assert!(comment_capable(Path::new("stack.template"), "Resources:\n"));
        assert!(!comment_capable(Path::new("stack.template"), "  {\"Resources\": {}}"));
        assert!(!comment_capable(Path::new("trust.json"), ""));
        // Standard input without --stdin-filename: the content decides, as it does the syntax.
        assert!(comment_capable(Path::new("<stdin>"), "Resources:\n"));
        assert!(comment_capable(Path::new("<stdin>"), "resource \"aws_iam_role\" \"r\" {}\n"));
        assert!(!comment_capable(Path::new("<stdin>"), "\u{feff}{\"Version\": \"2012-10-17\"}"));
    }
}
