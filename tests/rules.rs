//! Every rule record is complete, its bad example fires the rule and its good example does not.

use cmek_lint::config;
use cmek_lint::engine::{Input, check_input};
use cmek_lint::rules::{Implementation, RECORDS, Registry, Scope};
use std::path::Path;

fn codes_for(registry: &Registry, code: &str, text: &str) -> Vec<String> {
    let rule = registry.find(code).unwrap();
    let mut settings = registry.default_settings();
    if let Some(cfg) = rule.record.example_config {
        config::apply(Path::new("example.toml"), cfg, registry, &mut settings).expect("example_config is valid");
    }
    settings.forced_kind = rule.record.example_kind;
    let report = check_input(Input::Text { name: "example.json", text: text.to_string() }, registry, &settings);
    assert!(report.errors.is_empty(), "{code}: {:?}", report.errors);
    report.diagnostics.iter().map(|d| d.diagnostic.code.to_string()).collect()
}

#[test]
fn bad_examples_fire_and_good_examples_do_not() {
    let registry = Registry::builtin();
    let mut failures = Vec::new();
    for rule in &registry.rules {
        let r = rule.record;
        let bad = codes_for(&registry, r.code, r.bad);
        if !bad.iter().any(|c| c == r.code) {
            failures.push(format!("{} {}: bad example does not fire (got {bad:?})", r.code, r.name));
        }
        let good = codes_for(&registry, r.code, r.good);
        if good.iter().any(|c| c == r.code) {
            failures.push(format!("{} {}: good example fires", r.code, r.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The `valid` and `invalid` lists of a record (ast-grep style): edge cases beyond the one bad
/// and one good example, each checked the same way.
#[test]
fn valid_cases_stay_silent_and_invalid_cases_fire() {
    let registry = Registry::builtin();
    let mut failures = Vec::new();
    let mut cases = 0;
    for rule in &registry.rules {
        let r = rule.record;
        for (i, text) in r.invalid.iter().enumerate() {
            cases += 1;
            let got = codes_for(&registry, r.code, text);
            if !got.iter().any(|c| c == r.code) {
                failures.push(format!("{} {}: invalid[{i}] does not fire (got {got:?})", r.code, r.name));
            }
        }
        for (i, text) in r.valid.iter().enumerate() {
            cases += 1;
            if codes_for(&registry, r.code, text).iter().any(|c| c == r.code) {
                failures.push(format!("{} {}: valid[{i}] fires", r.code, r.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(cases >= 20, "only {cases} valid/invalid cases: the lists are how edge cases are kept");
}

#[test]
fn good_examples_are_strict_json() {
    for r in RECORDS {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(r.good) {
            panic!("{}: good example is not strict JSON: {e}", r.code);
        }
    }
}

#[test]
fn records_are_complete_sorted_and_well_named() {
    let name_re = regex::Regex::new(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$").unwrap();
    let code_re = regex::Regex::new(r"^CMK[0-9]{3}$").unwrap();
    let mut prev = "";
    for r in RECORDS {
        assert!(code_re.is_match(r.code), "{}: code must be CMK + 3 digits", r.code);
        assert!(r.code > prev, "{}: records must be sorted and unique", r.code);
        prev = r.code;
        assert!(name_re.is_match(r.name), "{}: name `{}` must be kebab-case", r.code, r.name);
        for (field, value) in [("summary", r.summary), ("why", r.why), ("fix", r.fix), ("bad", r.bad), ("good", r.good)]
        {
            assert!(value.trim().len() > 10, "{}: `{field}` is missing or too short", r.code);
        }
        assert!(r.summary.ends_with('.'), "{}: summary must be a sentence", r.code);
    }
    let names: std::collections::HashSet<_> = RECORDS.iter().map(|r| r.name).collect();
    assert_eq!(names.len(), RECORDS.len(), "rule names must be unique");
}

/// Records and implementations are tied at compile time (`RuleId`, one exhaustive `match`):
/// what is left to check is that a `RuleId` finds its record, and its rule in a registry.
#[test]
fn rule_ids_find_their_records_and_rules() {
    use cmek_lint::rules::RuleId;
    assert_eq!(RuleId::ALL.len(), RECORDS.len());
    let registry = Registry::builtin();
    for (&id, record) in RuleId::ALL.iter().zip(RECORDS) {
        assert_eq!((id.code(), id.name()), (record.code, record.name));
        assert_eq!(id.record().code, record.code);
        assert_eq!(id.has_check(), record.check.is_some(), "{}", record.code);
        let rule = &registry.rules[registry.index(id)];
        assert_eq!(rule.record.code, record.code);
        // A cross-document rule runs in the setup pass only, an engine-reported one on a file.
        let setup = matches!(rule.imp, Implementation::Setup(_));
        assert_eq!(setup, record.scope == Scope::Setup, "{}: `Setup` arm exactly for `scope = \"setup\"`", record.code);
        if matches!(rule.imp, Implementation::Engine) {
            assert_eq!(record.scope, Scope::File, "{}: the engine reports file-level rules", record.code);
        }
    }
}

#[test]
fn readme_rule_table_is_current() {
    let registry = Registry::builtin();
    let table = cmek_lint::render::rule_docs::readme_table(&registry);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (start, end) = ("<!-- rules-table:start -->\n", "<!-- rules-table:end -->");
    let a = readme.find(start).expect("README has the rules-table start marker") + start.len();
    let b = readme.find(end).expect("README has the rules-table end marker");
    if readme[a..b] != table {
        if std::env::var_os("UPDATE_README").is_some() {
            std::fs::write(&path, format!("{}{}{}", &readme[..a], table, &readme[b..])).unwrap();
        } else {
            panic!("README rule table is stale: run `UPDATE_README=1 cargo test --test rules readme`");
        }
    }
}
