//! `cmek-lint rules` and `cmek-lint explain`: the rule records, for people and for tools.

use super::ExitStatus;
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

pub fn rules(registry: &Registry, format: RulesFormat) -> Result<ExitStatus, String> {
    match format {
        RulesFormat::Json => {
            let all: Vec<_> = registry.rules.iter().map(|r| out(r.record)).collect();
            println!("{}", serde_json::to_string_pretty(&all).map_err(|e| e.to_string())?);
        }
        RulesFormat::Table => {
            println!("{:<8} {:<40} {:<9} {:<22} summary", "code", "name", "severity", "kinds");
            for r in &registry.rules {
                let r = r.record;
                println!(
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
    Ok(ExitStatus::Success)
}

pub fn explain(registry: &Registry, rule: &str, format: RulesFormat) -> Result<ExitStatus, String> {
    let Some(r) = registry.find(rule) else {
        let names = registry.rules.iter().flat_map(|r| [r.record.code, r.record.name]);
        let hint = crate::rules::util::did_you_mean(rule, names)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(format!("no rule named `{rule}`{hint}; `cmek-lint rules` lists them"));
    };
    let r = r.record;
    match format {
        RulesFormat::Json => println!("{}", serde_json::to_string_pretty(&out(r)).map_err(|e| e.to_string())?),
        RulesFormat::Table => print!("{}", markdown(r)),
    }
    Ok(ExitStatus::Success)
}
