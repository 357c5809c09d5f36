//! `path:line:col: severity[CODE] message`.

use crate::diagnostic::FileReport;
use std::io::{self, Write};

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for r in reports {
        for d in &r.diagnostics {
            let origin = d.diagnostic.origin.as_deref().map(|o| format!(" ({o})")).unwrap_or_default();
            writeln!(
                out,
                "{}:{}:{}: {}[{}] {}{origin}",
                r.path,
                d.start.line,
                d.start.column,
                d.diagnostic.severity.as_str(),
                d.diagnostic.code,
                d.diagnostic.message
            )?;
        }
    }
    Ok(())
}
