//! `path:line:col: severity[CODE] message`.

use super::escape::terminal as esc;
use crate::engine::FileReport;
use std::io::{self, Write};

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for r in reports {
        let path = esc(&r.path);
        for d in &r.diagnostics {
            let mut origin = d.diagnostic.origin.as_deref().map(|o| format!(" ({})", esc(o))).unwrap_or_default();
            for l in d.labels.iter().filter(|l| l.file.is_some()) {
                let file = l.file.as_deref().unwrap_or_default();
                origin.push_str(&format!(" [{}:{}:{}: {}]", esc(file), l.start.line, l.start.column, esc(&l.message)));
            }
            writeln!(
                out,
                "{}:{}:{}: {}[{}] {}{origin}",
                path,
                d.start.line,
                d.start.column,
                d.diagnostic.severity.as_str(),
                d.diagnostic.code,
                esc(&d.diagnostic.message)
            )?;
        }
    }
    Ok(())
}
