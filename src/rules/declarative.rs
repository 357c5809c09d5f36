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

impl Compiled {
    pub fn new(spec: &DeclarativeSpec) -> Result<Self, String> {
        let query = parse_json_path(spec.select).map_err(|e| format!("invalid JSONPath `{}`: {e}", spec.select))?;
        let re = |p: Option<&str>| p.map(Regex::new).transpose().map_err(|e| format!("invalid regex: {e}"));
        Ok(Self { query, matches: re(spec.matches)?, not_matches: re(spec.not_matches)?, message: spec.message })
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
