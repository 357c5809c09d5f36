//! GitHub Actions workflow commands (`--format github`): each finding becomes an annotation on
//! the pull request's diff.
//!
//! `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=CODE name::message`, with
//! `notice` for info and `warning` for warning findings. The columns are left out when a
//! finding spans several lines (GitHub ignores them then). The message repeats the position
//! because the annotation's title and properties are not shown in the log. Escaping follows
//! the runner: data `%`, `\r`, `\n`; properties also `:` and `,` (after control characters
//! from input are shown visibly, see `super::escape`).

use super::Run;
use super::escape::{GITHUB_NEWLINE, github_data as escape_data, github_property as escape_property};
use crate::diagnostic::Severity;
use std::io::{self, Write};

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

pub fn render(run: &Run<'_>, out: &mut dyn Write) -> io::Result<()> {
    for r in run.reports {
        for d in &r.diagnostics {
            let g = &d.diagnostic;
            let mut props = format!("file={},line={}", escape_property(&r.path), d.start.line.max(1));
            if d.start.line == d.end.line {
                props.push_str(&format!(
                    ",col={},endLine={},endColumn={}",
                    d.start.column.max(1),
                    d.end.line.max(1),
                    d.end.column.max(d.start.column.max(1))
                ));
            } else {
                props.push_str(&format!(",endLine={}", d.end.line.max(d.start.line.max(1))));
            }
            props.push_str(&format!(",title={}", escape_property(&format!("{} {}", g.code, g.name))));
            let origin = g.origin.as_deref().map(|o| format!(" ({o})")).unwrap_or_default();
            let mut message = escape_data(&format!(
                "{}:{}:{}: {}[{}] {}{origin}",
                r.path,
                d.start.line,
                d.start.column,
                g.severity.as_str(),
                g.code,
                g.message
            ));
            if let Some(help) = &g.help {
                message.push_str(GITHUB_NEWLINE);
                message.push_str(&escape_data(&format!("help: {help}")));
            }
            writeln!(out, "::{} {props}::{message}", command(g.severity))?;
        }
    }
    for r in run.reports {
        for e in &r.errors {
            writeln!(out, "::error title=cmek-lint::{}", escape_data(e))?;
        }
    }
    for n in run.notices {
        let mut props = Vec::new();
        if let Some(f) = &n.file {
            props.push(format!("file={}", escape_property(f)));
            if n.line > 0 {
                props.push(format!("line={},col={}", n.line, n.column.max(1)));
            }
        }
        props.push("title=cmek-lint".to_string());
        writeln!(out, "::{} {}::{}", command(n.severity), props.join(","), escape_data(&n.one_line()))?;
    }
    Ok(())
}
