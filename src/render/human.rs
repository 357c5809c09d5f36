//! rustc-style output, drawn by `codespan-reporting`: a header, the location, the source lines
//! with the span underlined and labelled (labels in other files as further snippets), then
//! notes: severity `critical`, the policy's place in its file, help.
//!
//! Findings keep only the source lines their snippet needs (see [`Resolved::lines`]), so the
//! files given to codespan are sparse: [`Sparse`] holds those lines, escaped for the terminal
//! (see [`escape::snippet_line`]), and maps codespan's line indices back to real line numbers.

use super::escape;
use crate::diagnostic::{Resolved, Severity};
use crate::engine::FileReport;
use crate::source::{LineCol, SourceLine};
use codespan_reporting::diagnostic::{Diagnostic, Label, Severity as Level};
use codespan_reporting::files::{Error, Files};
use codespan_reporting::term::termcolor::Buffer;
use codespan_reporting::term::{self, Chars, Config};
use std::io::{self, Write};
use std::ops::Range;

pub fn render(reports: &[FileReport], opts: &super::RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let config = Config {
        chars: Chars::ascii(),
        // Lines between the ends of a multi-line span are not kept: never ask for them.
        start_context_lines: 0,
        end_context_lines: 0,
        ..Config::default()
    };
    let mut buffer = if opts.color { Buffer::ansi() } else { Buffer::no_color() };
    for r in reports {
        for d in &r.diagnostics {
            let (files, diagnostic) = build(&r.path, d);
            term::emit_to_write_style(&mut buffer, &config, &files, &diagnostic).map_err(io::Error::other)?;
            out.write_all(buffer.as_slice())?;
            buffer.clear();
        }
    }
    Ok(())
}

/// One finding as codespan files and diagnostic.
fn build(path: &str, d: &Resolved) -> (SparseFiles, Diagnostic<usize>) {
    let g = &d.diagnostic;
    let here: Vec<(LineCol, LineCol)> = std::iter::once((d.start, d.end))
        .chain(d.labels.iter().filter(|l| l.file.is_none()).map(|l| (l.start, l.end)))
        .collect();
    let mut files = SparseFiles(vec![Sparse::new(path, d.lines.iter(), &here)]);
    // Labels in other files: one sparse file per file named, with the lines the labels start on.
    let mut others: Vec<(&str, Vec<&SourceLine>)> = Vec::new();
    for l in &d.labels {
        if let (Some(file), Some(text)) = (l.file.as_deref(), l.line_text.as_ref()) {
            let i = match others.iter().position(|(f, _)| *f == file) {
                Some(i) => i,
                None => {
                    others.push((file, Vec::new()));
                    others.len() - 1
                }
            };
            others[i].1.push(text);
        }
    }
    let mut other_ids = Vec::new();
    for (file, mut lines) in others {
        lines.sort_unstable_by_key(|l| l.number);
        lines.dedup_by_key(|l| l.number);
        other_ids.push((file, files.0.len()));
        let spans: Vec<(LineCol, LineCol)> =
            d.labels.iter().filter(|l| l.file.as_deref() == Some(file)).map(|l| (l.start, l.end)).collect();
        files.0.push(Sparse::new(file, lines.into_iter(), &spans));
    }

    let mut labels: Vec<Label<usize>> =
        files.0[0].range(d.start, d.end).map(|range| Label::primary(0, range)).into_iter().collect();
    for l in &d.labels {
        let id = match l.file.as_deref() {
            Some(file) => other_ids.iter().find(|(f, _)| *f == file).map(|(_, id)| *id),
            None => Some(0),
        };
        if let Some(range) = id.and_then(|id| Some((id, files.0[id].range(l.start, l.end)?))) {
            labels.push(Label::secondary(range.0, range.1).with_message(escape::terminal(&l.message)));
        }
    }

    let level = match g.severity {
        Severity::Critical | Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Info => Level::Note,
    };
    let mut notes = Vec::new();
    if g.severity == Severity::Critical {
        notes.push("severity: critical".to_string());
    }
    if let Some(origin) = &g.origin {
        notes.push(format!("policy: {}", escape::terminal(origin)));
    }
    if let Some(help) = &g.help {
        notes.push(format!("help: {}", escape::terminal(help)));
    }
    if let Some(fix) = &g.fix {
        notes.push(format!("fix ({}): {}", fix.applicability.as_str(), escape::terminal(&fix.message)));
    }
    let diagnostic = Diagnostic::new(level)
        .with_code(g.code)
        .with_message(escape::terminal(&g.message))
        .with_labels(labels)
        .with_notes(notes);
    (files, diagnostic)
}

/// The files of one finding.
struct SparseFiles(Vec<Sparse>);

/// The lines of a file a snippet shows, at codespan line indices: consecutive real lines stay
/// consecutive; a gap in the real numbering becomes two empty placeholder lines, so codespan
/// draws a break (`.`) there rather than a line whose text was not kept.
struct Sparse {
    /// The file name, escaped for the terminal.
    name: String,
    /// The kept lines, escaped, each followed by `\n`.
    source: String,
    lines: Vec<Line>,
}

struct Line {
    /// Real 1-based line number (for placeholders: the previous line's plus the offset).
    number: usize,
    /// Byte range in `source`, without the newline.
    range: Range<usize>,
    /// How the characters of the original line sit in the shown one. Empty for placeholders.
    pieces: Vec<Piece>,
}

/// A run of characters of an original line: shown (escaped, see [`escape::snippet_line`]) or,
/// on a long line, left out and replaced by [`ELISION`].
struct Piece {
    /// First character (0-based index in the original line).
    first: usize,
    /// Byte offset in the shown line where the piece starts.
    byte: usize,
    /// For a shown piece, the byte offset (from `byte`) of each of its characters and one past
    /// its last; empty for a left-out piece.
    starts: Vec<usize>,
}

/// Lines longer than this many characters are cut around the spans on them (a one-line
/// `terraform show -json` plan of megabytes would otherwise be printed whole per finding).
const LONG_LINE: usize = 200;
/// Characters kept on either side of a span on a cut line.
const CONTEXT: usize = 60;
/// A span longer than this on a cut line keeps this many characters at each of its ends.
const LONG_SPAN: usize = 60;
/// What stands for the characters left out of a cut line.
const ELISION: &str = "...";

impl Line {
    /// Byte offset (from the line's start) of character `i` of the original line, clamped to
    /// its end; a character left out maps to its elision mark.
    fn byte(&self, i: usize) -> usize {
        let p = &self.pieces[self.pieces.partition_point(|p| p.first <= i).saturating_sub(1)];
        match p.starts.len() {
            0 => p.byte,
            n => p.byte + p.starts[(i - p.first.min(i)).min(n - 1)],
        }
    }

    /// 0-based character of the original line at byte `b` of the shown line.
    fn char_at(&self, b: usize) -> usize {
        let p = &self.pieces[self.pieces.partition_point(|p| p.byte <= b).saturating_sub(1)];
        p.first + p.starts.partition_point(|&s| p.byte + s < b)
    }
}

/// The pieces of a kept line (see [`SourceLine`]: a long line may come as a window of it):
/// all of it, or on a long line windows around `spans` (0-based character ranges in the whole
/// line) with the rest left out.
fn cut(line: &SourceLine, spans: &[Range<usize>]) -> (String, Vec<Piece>) {
    // Work in the kept text's characters, then give the pieces their place in the whole line.
    let offset = line.first_column.max(1) as usize - 1;
    let spans: Vec<Range<usize>> =
        spans.iter().map(|r| r.start.saturating_sub(offset)..r.end.saturating_sub(offset)).collect();
    let (mut shown, mut pieces) = cut_text(&line.text, &spans);
    let kept = line.text.chars().count();
    for p in &mut pieces {
        p.first += offset;
    }
    if offset > 0 {
        // the characters before the window: one mark for them (and any the cut left out)
        match pieces.first_mut() {
            Some(p) if p.starts.is_empty() => p.first = 0,
            _ => {
                let mark = ELISION.len();
                for p in &mut pieces {
                    p.byte += mark;
                }
                pieces.insert(0, Piece { first: 0, byte: 0, starts: Vec::new() });
                shown.insert_str(0, ELISION);
            }
        }
    }
    if line.cut_after && !shown.ends_with(ELISION) {
        pieces.push(Piece { first: offset + kept, byte: shown.len(), starts: Vec::new() });
        shown.push_str(ELISION);
    }
    (shown, pieces)
}

/// [`cut`] on a text whose characters are the line's from its first.
fn cut_text(text: &str, spans: &[Range<usize>]) -> (String, Vec<Piece>) {
    let len = text.chars().count();
    let mut windows: Vec<Range<usize>> = Vec::new();
    if len <= LONG_LINE || spans.is_empty() {
        windows.push(0..len);
    } else {
        for r in spans {
            let (a, b) = (r.start.min(len), r.end.clamp(r.start.min(len), len));
            if b - a <= 2 * LONG_SPAN {
                windows.push(a.saturating_sub(CONTEXT)..(b + CONTEXT).min(len));
            } else {
                windows.push(a.saturating_sub(CONTEXT)..a + LONG_SPAN);
                windows.push(b - LONG_SPAN..(b + CONTEXT).min(len));
            }
        }
        windows.sort_by_key(|w| w.start);
        let mut merged: Vec<Range<usize>> = Vec::new();
        for w in windows {
            match merged.last_mut() {
                // join windows whose gap is no wider than its mark
                Some(last) if w.start <= last.end + ELISION.len() => last.end = last.end.max(w.end),
                _ => merged.push(w),
            }
        }
        // no mark for fewer characters than it has
        if let Some(first) = merged.first_mut()
            && first.start <= ELISION.len()
        {
            first.start = 0;
        }
        if let Some(last) = merged.last_mut()
            && len - last.end <= ELISION.len()
        {
            last.end = len;
        }
        windows = merged;
    }
    let mut shown = String::new();
    let mut pieces = Vec::new();
    let mut at = 0; // character index
    // (character index, byte offset) in `text`, moved forward only: windows come in order
    let mut cursor = (0usize, 0usize);
    let mut byte_at = |i: usize| -> usize {
        while cursor.0 < i {
            let Some(c) = text[cursor.1..].chars().next() else { break };
            cursor = (cursor.0 + 1, cursor.1 + c.len_utf8());
        }
        cursor.1
    };
    for w in windows {
        if w.start > at {
            pieces.push(Piece { first: at, byte: shown.len(), starts: Vec::new() });
            shown.push_str(ELISION);
        }
        let (part, starts) = escape::snippet_line(&text[byte_at(w.start)..byte_at(w.end)]);
        pieces.push(Piece { first: w.start, byte: shown.len(), starts });
        shown.push_str(&part);
        at = w.end;
    }
    if at < len {
        pieces.push(Piece { first: at, byte: shown.len(), starts: Vec::new() });
        shown.push_str(ELISION);
    }
    (shown, pieces)
}

impl Sparse {
    /// A file's `kept` lines, cut around `spans` when long.
    fn new<'t>(name: &str, kept: impl Iterator<Item = &'t SourceLine>, spans: &[(LineCol, LineCol)]) -> Self {
        let mut s = Sparse { name: escape::terminal(name).into_owned(), source: String::new(), lines: Vec::new() };
        let mut previous: Option<u32> = None;
        for line in kept {
            let number = line.number;
            if let Some(p) = previous
                && number > p + 1
            {
                s.push(p as usize + 1, "", Vec::new());
                s.push(p as usize + 2, "", Vec::new());
            }
            let col = |c: &LineCol| c.column.max(1) as usize - 1;
            let on_line: Vec<Range<usize>> = spans
                .iter()
                .filter_map(|(a, b)| match (a.line == number, b.line == number) {
                    (true, true) => Some(col(a)..col(b)),
                    (true, false) => Some(col(a)..col(a) + 1),
                    (false, true) => Some(col(b).saturating_sub(1)..col(b)),
                    (false, false) => None,
                })
                .collect();
            let (shown, pieces) = cut(line, &on_line);
            s.push(number as usize, &shown, pieces);
            previous = Some(number);
        }
        s
    }

    fn push(&mut self, number: usize, text: &str, pieces: Vec<Piece>) {
        let start = self.source.len();
        self.source.push_str(text);
        self.lines.push(Line { number, range: start..self.source.len(), pieces });
        self.source.push('\n');
    }

    /// Byte offset in `source` of a position, clamped to the line's end; `None` if its line
    /// was not kept.
    fn offset(&self, at: LineCol) -> Option<usize> {
        let line = self.lines.iter().find(|l| l.number == at.line as usize && !l.pieces.is_empty())?;
        Some(line.range.start + line.byte(at.column.max(1) as usize - 1))
    }

    /// The byte range of a span from `start` to `end`, `None` if its start line was not kept.
    /// An end on a line not kept (the end of a label's span, the rest of a location in
    /// another file) or at the very start of the next line is cut to the end of the start line.
    fn range(&self, start: LineCol, end: LineCol) -> Option<Range<usize>> {
        let from = self.offset(start)?;
        let line_end = self.offset(LineCol { line: start.line, column: u32::MAX })?;
        let to =
            if end.line == start.line + 1 && end.column <= 1 { line_end } else { self.offset(end).unwrap_or(line_end) };
        Some(from..to.max(from))
    }

    fn line_at(&self, byte: usize) -> usize {
        self.lines.partition_point(|l| l.range.start <= byte).saturating_sub(1)
    }
}

impl<'a> Files<'a> for SparseFiles {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, Error> {
        Ok(&self.get(id)?.name)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, Error> {
        Ok(&self.get(id)?.source)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, Error> {
        Ok(self.get(id)?.line_at(byte_index))
    }

    fn line_number(&'a self, id: usize, line_index: usize) -> Result<usize, Error> {
        Ok(self.line(id, line_index)?.number)
    }

    /// The column in characters of the original line (escapes shown for control characters
    /// are wider than what they stand for).
    fn column_number(&'a self, id: usize, line_index: usize, byte_index: usize) -> Result<usize, Error> {
        let line = self.line(id, line_index)?;
        if line.pieces.is_empty() {
            return Ok(1);
        }
        Ok(line.char_at(byte_index.saturating_sub(line.range.start)) + 1)
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, Error> {
        Ok(self.line(id, line_index)?.range.clone())
    }
}

impl SparseFiles {
    fn get(&self, id: usize) -> Result<&Sparse, Error> {
        self.0.get(id).ok_or(Error::FileMissing)
    }

    fn line(&self, id: usize, line_index: usize) -> Result<&Line, Error> {
        let file = self.get(id)?;
        file.lines
            .get(line_index)
            .ok_or(Error::LineTooLarge { given: line_index, max: file.lines.len().saturating_sub(1) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic as Finding, ResolvedLabel};
    use crate::source::Span;

    fn at(line: u32, column: u32) -> LineCol {
        LineCol { line, column }
    }

    fn finding(severity: Severity, start: LineCol, end: LineCol, lines: &[(u32, &str)]) -> Resolved {
        Resolved {
            diagnostic: Finding {
                code: "CMK999",
                name: "test",
                severity,
                message: "a message".into(),
                span: Span::default(),
                labels: Vec::new(),
                help: Some("do this".into()),
                kind: None,
                pointer: String::new(),
                origin: None,
                fix: None,
            },
            start,
            end,
            labels: Vec::new(),
            lines: lines.iter().map(|(n, t)| SourceLine::whole(*n, t)).collect(),
        }
    }

    fn show(d: Resolved, color: bool) -> String {
        let reports = [FileReport { path: "policy.json".into(), diagnostics: vec![d], ..Default::default() }];
        let mut out = Vec::new();
        render(&reports, &super::super::RenderOptions { color }, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_label_in_another_file_is_a_second_snippet_naming_it() {
        let mut d = finding(Severity::Error, at(12, 5), at(12, 10), &[(12, "    \"abc\": 1")]);
        d.labels.push(ResolvedLabel {
            start: at(3, 3),
            end: at(9, 1),
            message: "the role trusting Pinecone".into(),
            file: Some("other/get-role.json".into()),
            line_text: Some(SourceLine::whole(3, "  \"RoleName\": \"r\"")),
        });
        let out = show(d, false);
        assert_eq!(
            out,
            "error[CMK999]: a message
   --> policy.json:12:5
   |
12 |     \"abc\": 1
   |     ^^^^^
   |
   --> other/get-role.json:3:3
   |
 3 |   \"RoleName\": \"r\"
   |   --------------- the role trusting Pinecone
   |
   = help: do this

"
        );
    }

    #[test]
    fn critical_is_an_error_with_a_note_and_the_origin_is_shown() {
        let mut d = finding(Severity::Critical, at(1, 2), at(1, 3), &[(1, "{*}")]);
        d.diagnostic.origin = Some("Resources.Role.AssumeRolePolicyDocument".into());
        let out = show(d, false);
        assert!(out.starts_with("error[CMK999]: a message\n"), "{out}");
        assert!(out.contains("  = severity: critical\n"), "{out}");
        assert!(out.contains("  = policy: Resources.Role.AssumeRolePolicyDocument\n"), "{out}");
        assert!(out.contains("  = help: do this\n"), "{out}");
    }

    #[test]
    fn a_multi_line_span_marks_its_first_and_last_line_and_breaks_between() {
        let d = finding(Severity::Warning, at(2, 3), at(9, 2), &[(2, "  {"), (9, "  }")]);
        let out = show(d, false);
        assert!(out.contains("2 | /   {\n  . |\n9 | |   }\n  | \\-^\n"), "{out}");
    }

    #[test]
    fn colour_only_when_asked() {
        let d = finding(Severity::Error, at(1, 1), at(1, 2), &[(1, "{}")]);
        assert!(!show(d.clone(), false).contains('\u{1b}'));
        assert!(show(d, true).contains("\u{1b}["));
    }
}
