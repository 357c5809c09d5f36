//! The source lines a finding keeps for its snippet: a short line whole, a long one as a window
//! around what the finding points at. A one-line `terraform show -json` plan of megabytes, or a
//! minified policy, has thousands of findings on one line: copying the line into each would
//! take memory and time quadratic in its length.

use super::{LineIndex, floor_char_boundary};

/// Lines up to this many bytes are kept whole.
const WHOLE: usize = 1024;
/// Bytes kept on either side of what a finding points at on a long line.
const CONTEXT: usize = 256;
/// The most bytes kept of what a finding points at on a long line (a span longer than this is
/// kept from its start).
const MOST: usize = 2048;

/// One source line as a finding keeps it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceLine {
    /// 1-based line number.
    pub number: u32,
    /// The line's text without its terminator, or the window of it that was kept.
    pub text: String,
    /// 1-based character column, in the whole line, of `text`'s first character: 1 when
    /// nothing was cut before it.
    pub first_column: u32,
    /// Characters of the line follow `text`: it was cut after.
    pub cut_after: bool,
}

impl SourceLine {
    /// A whole line.
    pub fn whole(number: u32, text: &str) -> Self {
        SourceLine { number, text: text.to_string(), first_column: 1, cut_after: false }
    }

    /// Line `number` of an indexed text, kept whole when short, else around the byte ranges
    /// `interest` (offsets in the text; the parts on this line count).
    pub fn around(index: &LineIndex<'_>, number: u32, interest: &[(usize, usize)]) -> Self {
        let (start, end) = index.line_bounds(number);
        let text = index.text();
        if end - start <= WHOLE {
            return Self::whole(number, &text[start..end]);
        }
        let (from, to) =
            window(&text[start..end], interest.iter().map(|&(a, b)| (a.max(start) - start, b.max(start) - start)));
        let first_column = index.line_col(start + from).column;
        SourceLine {
            number,
            text: text[start + from..start + to].to_string(),
            first_column,
            cut_after: start + to < end,
        }
    }

    /// A whole line's `text`, kept whole when short, else around the 1-based character
    /// column ranges `interest` (for lines read back from a file: cross-document findings).
    pub fn around_columns(number: u32, text: &str, interest: &[(u32, u32)]) -> Self {
        if text.len() <= WHOLE {
            return Self::whole(number, text);
        }
        // Byte offset of each interesting column, in one pass over the line.
        let mut wanted: Vec<u32> = interest.iter().flat_map(|&(a, b)| [a.max(1), b.max(1)]).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut bytes = std::collections::HashMap::new();
        let mut chars = text.char_indices().map(|(b, _)| b).chain([text.len()]);
        let mut column = 1u32;
        let mut at = chars.next().unwrap_or(0);
        for w in wanted {
            while column < w {
                match chars.next() {
                    Some(b) => at = b,
                    None => break,
                }
                column += 1;
            }
            bytes.insert(w, at);
        }
        let byte = |c: u32| bytes.get(&c.max(1)).copied().unwrap_or(text.len());
        let (from, to) = window(text, interest.iter().map(|&(a, b)| (byte(a), byte(b))));
        let first_column = text[..from].chars().count() as u32 + 1;
        SourceLine { number, text: text[from..to].to_string(), first_column, cut_after: to < text.len() }
    }

    /// Whether characters of the line were cut before or after the kept text.
    pub fn is_cut(&self) -> bool {
        self.first_column > 1 || self.cut_after
    }

    /// The characters between 1-based columns `from` (included) and `to` (excluded) of the
    /// whole line, as far as they were kept.
    pub fn slice(&self, from: u32, to: u32) -> String {
        let skip = from.saturating_sub(self.first_column) as usize;
        let take = to.saturating_sub(from.max(self.first_column)) as usize;
        self.text.chars().skip(skip).take(take).collect()
    }
}

/// The byte range of a long `line` to keep around `interest` (byte ranges in the line):
/// from before the earliest start to after the latest end, at most [`MOST`] bytes of it, with
/// [`CONTEXT`] bytes either side, on character boundaries.
fn window(line: &str, interest: impl Iterator<Item = (usize, usize)>) -> (usize, usize) {
    let (mut lo, mut hi) = (usize::MAX, 0);
    for (a, b) in interest {
        lo = lo.min(a.min(line.len()));
        hi = hi.max(b.min(line.len()));
    }
    if lo == usize::MAX {
        (lo, hi) = (0, 0);
    }
    let hi = hi.max(lo).min(lo + MOST);
    let from = floor_char_boundary(line, lo.saturating_sub(CONTEXT));
    let mut to = (hi + CONTEXT).min(line.len());
    while !line.is_char_boundary(to) {
        to += 1;
    }
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_kept_whole() {
        let text = "{\n  \"Sid\": \"日本語\"\n}";
        let index = LineIndex::new(text);
        assert_eq!(SourceLine::around(&index, 2, &[(4, 9)]), SourceLine::whole(2, "  \"Sid\": \"日本語\""));
    }

    #[test]
    fn long_lines_keep_a_window_with_real_columns() {
        let line = format!("{}\"XXXXXXXXXXXX\"{}", "é".repeat(3000), "x".repeat(5000));
        let at = line.find('"').unwrap();
        let index = LineIndex::new(&line);
        let kept = SourceLine::around(&index, 1, &[(at, at + 14)]);
        assert!(kept.text.len() < 2 * CONTEXT + 20 && kept.is_cut() && kept.cut_after, "{}", kept.text.len());
        // the span's columns in the whole line give its text back
        let column = index.line_col(at).column;
        assert_eq!(column, 3001);
        assert_eq!(kept.slice(column, column + 14), "\"XXXXXXXXXXXX\"");
        // the same window from columns (a line read back from a file)
        assert_eq!(SourceLine::around_columns(1, &line, &[(column, column + 14)]), kept);
    }

    #[test]
    fn slices_outside_the_window_are_empty_or_clipped() {
        let kept = SourceLine { number: 1, text: "abcdef".into(), first_column: 11, cut_after: true };
        assert_eq!(kept.slice(1, 5), "");
        assert_eq!(kept.slice(9, 13), "ab");
        assert_eq!(kept.slice(12, 30), "bcdef");
    }
}
