//! The tool's own errors (exit 2): configuration, user rule records, command-line values,
//! I/O. On a terminal they are miette reports (the file quoted, the span labelled, a `help`);
//! elsewhere (CI logs, pipes) one line, `cmek-lint: error: path:line:col: message`, which
//! editors and log scanners understand.

use crate::config::ConfigError;
use crate::rules::user::LoadError;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
use std::ops::Range;

/// An error that ends the run with exit status 2.
#[derive(Debug)]
pub enum ToolError {
    /// A configuration file that cannot be read, parsed or applied.
    Config(Box<ConfigError>),
    /// A user rule record (or rule directory) that cannot be loaded.
    Record(Box<LoadError>),
    /// A command-line value that cannot be valid, with a hint.
    Usage { message: String, help: Option<String> },
    /// Anything else (reading input, writing output).
    Other(String),
}

impl ToolError {
    pub fn usage(message: impl Into<String>, help: Option<String>) -> Self {
        ToolError::Usage { message: message.into(), help }
    }

    /// The text written to standard error: a miette report when `graphical` (stderr is a
    /// terminal), else the one-line form.
    pub fn report(&self, graphical: bool, color: bool) -> String {
        let report = self.diagnostic();
        if !graphical {
            let help = report.help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default();
            // Paths and values quoted in the message come from input: shown safely.
            return format!("cmek-lint: error: {}\n", crate::render::escape::terminal(&format!("{self}{help}")));
        }
        let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        let mut out = String::new();
        match GraphicalReportHandler::new_themed(theme).render_report(&mut out, &report) {
            Ok(()) => out,
            Err(_) => format!("cmek-lint: error: {self}\n"),
        }
    }

    fn diagnostic(&self) -> Report {
        match self {
            ToolError::Config(e) => Report {
                heading: match &e.at {
                    Some(_) => format!("invalid configuration: {}", e.message),
                    None => format!("{}: {}", e.path.display(), e.message),
                },
                help: e.help.clone(),
                source: e.at.as_ref().map(|at| quoted(e.path.display().to_string(), &at.text, &at.span)),
            },
            ToolError::Record(e) => Report {
                heading: match &e.source {
                    Some(_) => format!("invalid rule record: {}", e.message),
                    None => format!("{}: {}", e.path.display(), e.message),
                },
                help: e.help.clone(),
                source: e.source.as_deref().map(|(span, text)| quoted(e.path.display().to_string(), text, span)),
            },
            ToolError::Usage { message, help } => Report { heading: message.clone(), help: help.clone(), source: None },
            ToolError::Other(message) => Report { heading: message.clone(), help: None, source: None },
        }
    }
}

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ToolError::Config(e) => e.fmt(f),
            ToolError::Record(e) => e.fmt(f),
            ToolError::Usage { message, .. } | ToolError::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ToolError {}

impl From<ConfigError> for ToolError {
    fn from(e: ConfigError) -> Self {
        ToolError::Config(Box::new(e))
    }
}

impl From<LoadError> for ToolError {
    fn from(e: LoadError) -> Self {
        ToolError::Record(Box::new(e))
    }
}

impl From<String> for ToolError {
    fn from(message: String) -> Self {
        ToolError::Other(message)
    }
}

/// What miette renders: a heading, maybe a hint, maybe the file with the span labelled.
#[derive(Debug)]
struct Report {
    heading: String,
    help: Option<String>,
    /// The file, named, and the span to label in it.
    source: Option<(NamedSource<String>, Range<usize>)>,
}

fn quoted(name: String, text: &str, span: &Range<usize>) -> (NamedSource<String>, Range<usize>) {
    let end = span.end.min(text.len());
    (NamedSource::new(name, text.to_string()), span.start.min(end)..end)
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.heading)
    }
}

impl std::error::Error for Report {}

impl Diagnostic for Report {
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|(code, _)| code as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, span) = self.source.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(Some("here".into()), span.clone()))))
    }
}
