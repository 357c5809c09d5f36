//! `path:line:col: severity[CODE] message`.

use super::escape::terminal as esc;
use crate::engine::FileReport;
use std::fmt::Write as _;
use std::io::{self, Write};

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    // Each line is built in one buffer and written at once: a run may print 200,000 lines.
    let mut line = String::new();
    for r in reports {
        let path = esc(&r.path);
        for d in &r.diagnostics {
            line.clear();
            let _ = write!(
                line,
                "{path}:{}:{}: {}[{}] {}",
                d.start.line,
                d.start.column,
                d.diagnostic.severity.as_str(),
                d.diagnostic.code,
                esc(&d.diagnostic.message)
            );
            if let Some(o) = d.diagnostic.origin.as_deref() {
                let _ = write!(line, " ({})", esc(o));
            }
            for l in d.labels.iter().filter(|l| l.file.is_some()) {
                let file = l.file.as_deref().unwrap_or_default();
                let _ = write!(line, " [{}:{}:{}: {}]", esc(file), l.start.line, l.start.column, esc(&l.message));
            }
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
    }
    Ok(())
}
