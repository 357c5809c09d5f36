//! Byte spans and the mapping from byte offsets to 1-based line and column.
//!
//! Everything inside cmek-lint works in byte offsets; lines and columns (in characters, i.e.
//! Unicode scalar values) are computed only when a diagnostic is resolved for output.

mod loc;
mod snippet;

pub use loc::{LineSource, Lines, Loc, Site, path_text, scope_of};
pub use snippet::SourceLine;

use std::cell::OnceCell;
use std::fmt;

/// A half-open byte range `start..end` into a source text.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start: start as u32, end: end as u32 }
    }
    pub const fn empty(at: usize) -> Self {
        Self::new(at, at)
    }
    pub const fn len(self) -> usize {
        (self.end - self.start) as usize
    }
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }
    pub const fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// Line starts of a text, for offset → (line, column) lookups, computed on the first lookup
/// (making one is free: a file without findings never scans its text for lines).
pub struct LineIndex<'a> {
    text: &'a str,
    tables: OnceCell<Tables>,
}

struct Tables {
    starts: Vec<u32>,
    /// For a text that is not all ASCII: the number of characters before every
    /// [`CHECKPOINT`]-th byte (rounded down to a character boundary), so a column costs at most
    /// one checkpoint's worth of counting, however long the line (a single-line plan of
    /// megabytes with thousands of findings stays linear). Empty for ASCII text, where a
    /// column is a byte difference.
    checkpoints: Vec<(u32, u32)>,
}

/// Bytes between two character-count checkpoints of a non-ASCII text.
const CHECKPOINT: usize = 4096;

/// A resolved position: 1-based line, 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

impl Tables {
    fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i as u32 + 1);
            }
        }
        let mut checkpoints = Vec::new();
        if !text.is_ascii() {
            let (mut at, mut chars) = (0usize, 0usize);
            while at < text.len() {
                checkpoints.push((at as u32, chars as u32));
                let next = floor_char_boundary(text, (at + CHECKPOINT).min(text.len()));
                let next = if next <= at { at + text[at..].chars().next().map_or(1, char::len_utf8) } else { next };
                chars += text[at..next].chars().count();
                at = next;
            }
        }
        Self { starts, checkpoints }
    }
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        Self { text, tables: OnceCell::new() }
    }

    fn tables(&self) -> &Tables {
        self.tables.get_or_init(|| Tables::new(self.text))
    }

    /// Characters in `text[..offset]` (`offset` on a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let checkpoints = &self.tables().checkpoints;
        if checkpoints.is_empty() {
            return offset;
        }
        let i = checkpoints.partition_point(|&(at, _)| at as usize <= offset) - 1;
        let (at, chars) = checkpoints[i];
        chars as usize + self.text[at as usize..offset].chars().count()
    }

    /// Line (0-based) containing `offset`.
    fn line_of(&self, offset: usize) -> usize {
        match self.tables().starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Resolve a byte offset to line and character column (both 1-based). Offsets inside a
    /// multi-byte character or past the end are clamped to the nearest valid position.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.line_of(offset);
        let start = self.tables().starts[line] as usize;
        let column = self.chars_before(offset) - self.chars_before(start) + 1;
        LineCol { line: line as u32 + 1, column: column as u32 }
    }

    /// The text of 1-based `line` without its line terminator.
    pub fn line_text(&self, line: u32) -> &'a str {
        let (start, end) = self.line_bounds(line);
        &self.text[start..end]
    }

    /// Byte offsets of the start and end of 1-based `line`, without its line terminator.
    pub fn line_bounds(&self, line: u32) -> (usize, usize) {
        let starts = &self.tables().starts;
        let i = (line as usize).saturating_sub(1).min(starts.len() - 1);
        let start = starts[i] as usize;
        let end = starts.get(i + 1).map_or(self.text.len(), |&e| e as usize);
        (start, start + self.text[start..end].trim_end_matches(['\n', '\r']).len())
    }

    /// The indexed text.
    pub fn text(&self) -> &'a str {
        self.text
    }
}

/// The largest char boundary `<= offset`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_reads_as_its_display() {
        for p in ["a/b.json", "", "/tmp/x y/ü.json", "./c"] {
            assert_eq!(super::path_text(std::path::Path::new(p)), std::path::Path::new(p).display().to_string());
        }
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let odd = std::path::Path::new(std::ffi::OsStr::from_bytes(b"dir/caf\xe9.json"));
            assert_eq!(super::path_text(odd), odd.display().to_string());
            assert_eq!(super::path_text(odd), "dir/caf\u{fffd}.json");
        }
    }

    #[test]
    fn columns_count_characters_on_long_non_ascii_lines() {
        // Many checkpoints on one line, multi-byte characters straddling their boundaries.
        let text: String = "é日x".repeat(5000) + "\nab日c";
        let index = LineIndex::new(&text);
        for offset in [0, 1, 2, 5, 6, 4095, 4096, 4097, 8190, 30000, text.len() - 6, text.len()] {
            let offset = floor_char_boundary(&text, offset);
            let start = text[..offset].rfind('\n').map_or(0, |n| n + 1);
            let want = text[start..offset].chars().count() as u32 + 1;
            assert_eq!(index.line_col(offset).column, want, "offset {offset}");
        }
        assert_eq!(index.line_col(text.len()), LineCol { line: 2, column: 5 });
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "{\n  \"é\": \"x\"\n}";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(idx.line_col(x), LineCol { line: 2, column: 9 });
        assert_eq!(idx.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_text(2), "  \"é\": \"x\"");
        // offset past the end clamps
        assert_eq!(idx.line_col(10_000).line, 3);
    }
}
