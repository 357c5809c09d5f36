//! Making text derived from input (values quoted in messages, keys, paths, snippet lines,
//! origins, labels) safe for each sink, in one place per sink. A policy value such as
//! `"sts:AssumeRole\n::error file=README.md::Injected"` or a file name with a newline must not
//! start a new line in a CI log (GitHub runners obey lines starting with `::`), and escape
//! sequences (`\u001b[2J`, OSC titles) must not reach a terminal.

use std::borrow::Cow;

/// Characters shown as escapes rather than sent raw: controls (C0, DEL, C1), Unicode line and
/// paragraph separators (some log viewers break lines at them) and bidirectional overrides
/// and isolates (they reorder what a reader sees).
fn unsafe_char(c: char) -> bool {
    // Controls, line and paragraph separators, and every bidirectional formatting character:
    // the embeddings, overrides and isolates, and the marks (LRM, RLM, ALM), which reorder
    // the neutral characters around them as shown ("Trojan Source", CVE-2021-42574).
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
        )
}

/// How an unsafe character is shown: `\n`, `\r`, `\t`, `\u{1b}`, ...
fn push_visible(out: &mut String, c: char) {
    out.extend(c.escape_debug());
}

/// Terminal text (human and concise formats): every unsafe character shown visibly.
pub fn terminal(s: &str) -> Cow<'_, str> {
    // Printable ASCII (most messages and paths) is safe: checked bytewise, no decoding.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) || !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) { push_visible(&mut out, c) } else { out.push(c) }
    }
    Cow::Owned(out)
}

/// A source line for a snippet: like [`terminal`] but tabs stay (the snippet renderer expands
/// them to tab stops). Returns the shown text and, for each character of `line` and one past
/// its end, the byte offset in the shown text where it starts, so spans given in characters
/// of the original line can be placed on the shown one.
pub fn snippet_line(line: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(line.len());
    let mut starts = Vec::with_capacity(line.len() + 1);
    for c in line.chars() {
        starts.push(out.len());
        if c != '\t' && unsafe_char(c) { push_visible(&mut out, c) } else { out.push(c) }
    }
    starts.push(out.len());
    (out, starts)
}

/// A GitHub workflow command's message (`::error ...::MESSAGE`): unsafe characters shown, then
/// the runner's data escaping (`%`, `\r`, `\n`). Join several lines of one message with
/// [`GITHUB_NEWLINE`].
pub fn github_data(s: &str) -> String {
    workflow_data(&terminal(s))
}

/// A line break inside a GitHub workflow command's message.
pub const GITHUB_NEWLINE: &str = "%0A";

/// A GitHub workflow command property value (`file=`, `title=`): unsafe characters shown, then
/// data escaping plus `:` and `,`.
pub fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The runner's data escaping alone.
fn workflow_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// XML 1.0 (JUnit) and HTML text content: markup characters as entities; characters XML
/// cannot carry (most C0 controls, U+FFFE, U+FFFF) and other unsafe characters shown as
/// escapes; `\r` as a character reference (parsers would turn it into `\n`). Newlines and tabs
/// stay.
pub fn xml_text(s: &str) -> String {
    xml(s, false)
}

/// One line of XML text content made of input (a finding's `path:line:col: message` line, a
/// help): as [`xml_text`] of [`terminal`], so a newline in a value cannot start a line of its
/// own in a report some CI step prints.
pub fn xml_line(s: &str) -> String {
    xml_text(&terminal(s))
}

/// XML 1.0 attribute values: as [`xml_text`], and newlines and tabs as character references
/// (`&#10;`), which attribute-value normalisation would otherwise turn into spaces.
pub fn xml_attr(s: &str) -> String {
    xml(s, true)
}

fn xml(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            '\u{FFFE}' | '\u{FFFF}' => push_visible(&mut out, c),
            c if unsafe_char(c) => push_visible(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_shows_controls() {
        assert_eq!(terminal("a\nb\u{1b}[2J\u{7}\t\u{202E}"), "a\\nb\\u{1b}[2J\\u{7}\\t\\u{202e}");
        assert!(matches!(terminal("日本語\u{200B}"), Cow::Borrowed(_)));
        assert_eq!(terminal("a\u{200F}b\u{200E}c\u{61C}"), "a\\u{200f}b\\u{200e}c\\u{61c}");
    }

    #[test]
    fn snippet_lines_keep_tabs_and_map_columns() {
        let (shown, starts) = snippet_line("\ta\u{1b}b");
        assert_eq!(shown, "\ta\\u{1b}b");
        assert_eq!(starts, vec![0, 1, 2, 8, 9]);
    }

    #[test]
    fn github_escaping_follows_the_runner() {
        assert_eq!(github_data("50% done\r\nnext"), "50%25 done\\r\\nnext");
        assert_eq!(workflow_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(github_property("a:b,c%\n"), "a%3Ab%2Cc%25\\n");
    }

    #[test]
    fn xml_escapes_markup_and_what_xml_cannot_carry() {
        assert_eq!(xml_text("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
        assert_eq!(
            xml_text("bell\u{7} nul\u{0} tab\t zwsp\u{200B}\r\n"),
            "bell\\u{7} nul\\0 tab\t zwsp\u{200B}&#13;\n"
        );
        assert_eq!(xml_attr("a\nb\tc\rd"), "a&#10;b&#9;c&#13;d");
    }
}
