//! `cmek-lint rules` and `cmek-lint explain`: the rule records, for people and for tools.

use super::{ExitStatus, ToolError, write_stdout};
use crate::cli::RulesFormat;
use crate::render::rule_docs::{kinds_label, markdown};
use crate::rules::{Registry, RuleRecord};
use serde::Serialize;

#[derive(Serialize)]
struct RecordOut<'a> {
    code: &'a str,
    name: &'a str,
    family: &'a str,
    severity: &'a str,
    kinds: Vec<&'a str>,
    summary: &'a str,
    why: &'a str,
    fix: &'a str,
    bad: &'a str,
    good: &'a str,
    declarative: bool,
}

fn out(r: &RuleRecord) -> RecordOut<'_> {
    RecordOut {
        code: r.code,
        name: r.name,
        family: r.family(),
        severity: r.severity.as_str(),
        kinds: if r.kinds.is_empty() { vec!["all"] } else { r.kinds.iter().map(|k| k.as_str()).collect() },
        summary: r.summary,
        why: r.why,
        fix: r.fix,
        bad: r.bad,
        good: r.good,
        declarative: r.check.is_some(),
    }
}

pub fn rules(registry: &Registry, format: RulesFormat) -> Result<ExitStatus, ToolError> {
    use std::fmt::Write;
    let mut text = String::new();
    match format {
        RulesFormat::Json => {
            let all: Vec<_> = registry.rules.iter().map(|r| out(r.record)).collect();
            text = serde_json::to_string_pretty(&all).map_err(|e| e.to_string())? + "\n";
        }
        RulesFormat::Table => {
            let _ = writeln!(text, "{:<8} {:<40} {:<9} {:<22} summary", "code", "name", "severity", "kinds");
            for r in &registry.rules {
                let r = r.record;
                let _ = writeln!(
                    text,
                    "{:<8} {:<40} {:<9} {:<22} {}",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    kinds_label(r),
                    r.summary
                );
            }
        }
    }
    write_stdout(&text)?;
    Ok(ExitStatus::Success)
}

pub fn explain(registry: &Registry, rule: &str, format: RulesFormat) -> Result<ExitStatus, ToolError> {
    let Some(r) = registry.find(rule) else {
        let names = registry.rules.iter().flat_map(|r| [r.record.code, r.record.name]);
        let hint = crate::rules::util::did_you_mean(rule, names).map(|s| format!("did you mean `{s}`?"));
        return Err(ToolError::usage(
            format!("no rule named `{rule}`; `cmek-lint rules` lists them"),
            hint.or_else(|| Some("`cmek-lint rules` lists every rule".into())),
        ));
    };
    let r = r.record;
    let text = match format {
        RulesFormat::Json => serde_json::to_string_pretty(&out(r)).map_err(|e| e.to_string())? + "\n",
        RulesFormat::Table => markdown(r),
    };
    write_stdout(&text)?;
    Ok(ExitStatus::Success)
}
