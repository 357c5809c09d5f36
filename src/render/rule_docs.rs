//! Rule records rendered as documentation: `explain`'s page, SARIF's rule help, the generated
//! `docs/rules/` pages and the README's rule table.

use crate::rules::{Registry, RuleRecord};

/// The policy kinds a rule applies to, for people.
pub fn kinds_label(r: &RuleRecord) -> String {
    if r.kinds.is_empty() { "all".into() } else { r.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ") }
}

/// A rule's record as Markdown (used by `explain` and the generated rule docs).
pub fn markdown(r: &RuleRecord) -> String {
    format!(
        "# {code} {name}\n\nSeverity: {sev} · Applies to: {kinds} · Family: {family}\n\n{summary}\n\n## Why it matters\n\n{why}\n\n## How to fix\n\n{fix}{autofix}\n\n## Example\n\n```json\n{bad}\n```\n\nUse instead:\n\n```json\n{good}\n```\n",
        code = r.code,
        name = r.name,
        sev = r.severity.as_str(),
        kinds = kinds_label(r),
        family = r.family(),
        summary = r.summary,
        why = r.why,
        fix = r.fix,
        autofix = autofix_line(r),
        bad = r.bad,
        good = r.good,
    ) + &more_cases(r)
}

/// What `check --fix` does for the rule, when it has a fix.
fn autofix_line(r: &RuleRecord) -> String {
    use crate::fix::Applicability;
    match r.autofix {
        None => String::new(),
        Some(Applicability::Safe) => "\n\n`cmek-lint check --fix` applies this fix (safe: the policy means the same).".into(),
        Some(Applicability::Unsafe) => "\n\n`cmek-lint check --fix --unsafe-fixes` applies this fix (unsafe: it changes what the policy allows; review it with `--diff`).".into(),
        Some(Applicability::DisplayOnly) => "\n\n`cmek-lint check` shows this fix as a suggestion (display-only: never applied).".into(),
    }
}

/// The record's `invalid` and `valid` lists, when it has them: more cases reported, and near
/// misses that are not.
fn more_cases(r: &RuleRecord) -> String {
    let mut s = String::new();
    for (title, cases) in [("More cases it reports", r.invalid), ("Near misses it does not report", r.valid)] {
        if cases.is_empty() {
            continue;
        }
        s.push_str(&format!("\n## {title}\n"));
        for case in cases {
            s.push_str(&format!("\n```json\n{case}\n```\n"));
        }
    }
    s
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
