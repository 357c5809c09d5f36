//! Declarative rules: a JSONPath selector (evaluated with jsonpath-rust on the document) and a
//! regex test on each selected value. Hits map back to spans by resolving the normalized path
//! jsonpath-rust returns in the spanned tree.

use super::context::{Ctx, Reporter};
use super::record::DeclarativeSpec;
use jsonpath_rust::parser::model::JpQuery;
use jsonpath_rust::parser::parse_json_path;
use jsonpath_rust::query::js_path_process;
use regex::Regex;

pub struct Compiled {
    query: JpQuery,
    matches: Option<Regex>,
    not_matches: Option<Regex>,
    message: &'static str,
}

/// The part of a [`DeclarativeSpec`] that did not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecField {
    Select,
    Matches,
    NotMatches,
}

/// Why a [`DeclarativeSpec`] did not compile, and which field is at fault.
#[derive(Debug, Clone)]
pub struct CompileError {
    pub field: SpecField,
    pub message: String,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Compiled {
    pub fn new(spec: &DeclarativeSpec) -> Result<Self, CompileError> {
        let query = parse_json_path(spec.select).map_err(|e| CompileError {
            field: SpecField::Select,
            message: format!("invalid JSONPath `{}`: {e}", spec.select),
        })?;
        let re = |p: Option<&str>, field| {
            p.map(Regex::new).transpose().map_err(|e| CompileError { field, message: format!("invalid regex: {e}") })
        };
        Ok(Self {
            query,
            matches: re(spec.matches, SpecField::Matches)?,
            not_matches: re(spec.not_matches, SpecField::NotMatches)?,
            message: spec.message,
        })
    }

    pub fn run(&self, ctx: &Ctx<'_>, json: &serde_json::Value, out: &mut Reporter) {
        let Some(root) = ctx.root else { return };
        let Ok(hits) = js_path_process(&self.query, json) else {
            return;
        };
        for hit in hits {
            let Some(node) = root.at_normalized_path(&hit.path) else {
                continue;
            };
            for item in node.one_or_many() {
                let Some((value, template)) = item.as_text() else {
                    continue;
                };
                if template {
                    continue;
                }
                let fire = self.matches.as_ref().is_none_or(|r| r.is_match(value))
                    && self.not_matches.as_ref().is_none_or(|r| !r.is_match(value));
                if fire {
                    out.report(item.span, self.message.replace("{value}", value));
                }
            }
        }
    }
}
