//! rustc-style output: a header, the location, the source lines with the span underlined and
//! labelled, then help.

use crate::diagnostic::{Resolved, Severity};
use crate::engine::FileReport;
use std::io::{self, Write};

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }
    fn severity(&self, s: Severity) -> String {
        let code = match s {
            Severity::Critical => "1;35",
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        self.paint(code, s.as_str())
    }
    fn accent(&self, s: Severity) -> &'static str {
        match s {
            Severity::Critical => "1;35",
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        }
    }
}

pub fn render(reports: &[FileReport], opts: &super::RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let st = Style { on: opts.color };
    for r in reports {
        for d in &r.diagnostics {
            one(&st, &r.path, d, out)?;
        }
    }
    Ok(())
}

fn one(st: &Style, path: &str, d: &Resolved, out: &mut dyn Write) -> io::Result<()> {
    let g = &d.diagnostic;
    writeln!(
        out,
        "{}{} {}",
        st.severity(g.severity),
        st.paint("1", &format!("[{}]:", g.code)),
        st.paint("1", &g.message)
    )?;
    let width = d.lines.iter().map(|(n, _)| n.to_string().len()).max().unwrap_or(1);
    let pad = " ".repeat(width);
    let blue = |s: &str| st.paint("1;34", s);
    let origin = g.origin.as_deref().map(|o| format!(" ({o})")).unwrap_or_default();
    writeln!(out, "{pad}{} {path}:{}:{}{origin}", blue("-->"), d.start.line, d.start.column)?;
    writeln!(out, "{pad} {}", blue("|"))?;
    for (line_no, text) in &d.lines {
        let shown = text.replace('\t', "    ");
        writeln!(out, "{} {} {}", blue(&format!("{line_no:>width$}")), blue("|"), shown)?;
        // primary span on this line
        if *line_no == d.start.line {
            let (from, to) =
                columns(text, d.start.column, if d.end.line == d.start.line { Some(d.end.column) } else { None });
            let marks = "^".repeat((to - from).max(1));
            writeln!(out, "{pad} {} {}{}", blue("|"), " ".repeat(from), st.paint(st.accent(g.severity), &marks))?;
        }
        for l in d.labels.iter().filter(|l| l.file.is_none() && l.start.line == *line_no) {
            let (from, to) =
                columns(text, l.start.column, if l.end.line == l.start.line { Some(l.end.column) } else { None });
            let marks = "-".repeat((to - from).max(1));
            writeln!(out, "{pad} {} {}{} {}", blue("|"), " ".repeat(from), blue(&marks), blue(&l.message))?;
        }
    }
    writeln!(out, "{pad} {}", blue("|"))?;
    for l in d.labels.iter().filter(|l| l.file.is_some()) {
        let file = l.file.as_deref().unwrap_or_default();
        let text = l.line_text.as_deref().unwrap_or_default();
        let width = width.max(l.start.line.to_string().len());
        let pad = " ".repeat(width);
        writeln!(out, "{pad}{} {file}:{}:{}", blue("-->"), l.start.line, l.start.column)?;
        writeln!(out, "{pad} {}", blue("|"))?;
        writeln!(out, "{} {} {}", blue(&format!("{:>width$}", l.start.line)), blue("|"), text.replace('\t', "    "))?;
        let (from, to) =
            columns(text, l.start.column, if l.end.line == l.start.line { Some(l.end.column) } else { None });
        let marks = "-".repeat((to - from).max(1));
        writeln!(out, "{pad} {} {}{} {}", blue("|"), " ".repeat(from), blue(&marks), blue(&l.message))?;
        writeln!(out, "{pad} {}", blue("|"))?;
    }
    if let Some(help) = &g.help {
        writeln!(out, "{pad} {} {} {help}", blue("="), st.paint("1", "help:"))?;
    }
    writeln!(out)?;
    Ok(())
}

/// Display columns (0-based, tabs expanded to 4) of a character column range on a line.
fn columns(text: &str, start_col: u32, end_col: Option<u32>) -> (usize, usize) {
    let mut display = 0usize;
    let mut from = None;
    let mut to = None;
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let col = i as u32 + 1;
        if col == start_col {
            from = Some(display);
        }
        if Some(col) == end_col {
            to = Some(display);
        }
        display += if *c == '\t' { 4 } else { 1 };
    }
    let from = from.unwrap_or(display);
    let to = match end_col {
        Some(_) => to.unwrap_or(display),
        None => display,
    };
    (from, to.max(from + 1))
}
