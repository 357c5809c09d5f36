//! `cmek-lint rules` and `cmek-lint explain`: the rule records, for people and for tools.

use crate::cli::RulesFormat;
use crate::rules::{Registry, RuleRecord};
use crate::run::ExitStatus;
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

fn kinds_label(r: &RuleRecord) -> String {
    if r.kinds.is_empty() { "all".into() } else { r.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ") }
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

/// A rule's record as Markdown (used by `explain` and the generated rule docs).
pub fn markdown(r: &RuleRecord) -> String {
    format!(
        "# {code} {name}\n\nSeverity: {sev} · Applies to: {kinds} · Family: {family}\n\n{summary}\n\n## Why it matters\n\n{why}\n\n## How to fix\n\n{fix}\n\n## Example\n\n```json\n{bad}\n```\n\nUse instead:\n\n```json\n{good}\n```\n",
        code = r.code,
        name = r.name,
        sev = r.severity.as_str(),
        kinds = kinds_label(r),
        family = r.family(),
        summary = r.summary,
        why = r.why,
        fix = r.fix,
        bad = r.bad,
        good = r.good,
    )
}

/// The README's rule table (between the `rules-table` markers), generated from the records.
pub fn readme_table(registry: &Registry) -> String {
    let mut s = String::from("| code | name | severity | applies to | summary |\n|---|---|---|---|---|\n");
    for r in &registry.rules {
        let r = r.record;
        s.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            r.code,
            r.name,
            r.severity.as_str(),
            kinds_label(r),
            r.summary.replace('|', "\\|")
        ));
    }
    s
}

/// Where a rule's generated page lives, relative to the repository root.
pub fn doc_path(r: &RuleRecord) -> String {
    format!("docs/rules/{}-{}.md", r.code, r.name)
}

/// A rule's generated documentation page (`docs/rules/<CODE>-<name>.md`).
pub fn doc_page(r: &RuleRecord) -> String {
    format!(
        "<!-- Generated from rules/{code}-{name}.toml by `UPDATE_DOCS=1 cargo test --test docs`; do not edit. -->\n\n{body}\n## Silencing it\n\nDisable it with `--ignore {code}` or `[rules] ignore = [\"{code}\"]`; accept one finding with a `[[suppress]]` entry (`rule = \"{code}\"`, a path glob, a reason and optionally an expiry) or a baseline: see [suppressions](../suppressions.md).\n",
        code = r.code,
        name = r.name,
        body = markdown(r),
    )
}

/// The index of the generated rule pages (`docs/rules/README.md`).
pub fn doc_index(registry: &Registry) -> String {
    let mut s = String::from(
        "<!-- Generated from rules/*.toml by `UPDATE_DOCS=1 cargo test --test docs`; do not edit. -->\n\n# Rules\n\nEvery built-in rule, with what it checks, why it matters, how to fix it, and a bad and a good\nexample (the test suite checks that the bad example fires and the good one does not).\n`cmek-lint explain CODE` prints the same page.\n\n| code | name | severity | applies to | summary |\n|---|---|---|---|---|\n",
    );
    for r in &registry.rules {
        let r = r.record;
        s.push_str(&format!(
            "| [{code}]({code}-{name}.md) | `{name}` | {sev} | {kinds} | {summary} |\n",
            code = r.code,
            name = r.name,
            sev = r.severity.as_str(),
            kinds = kinds_label(r),
            summary = r.summary.replace('|', "\\|")
        ));
    }
    s
}
