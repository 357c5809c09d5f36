//! Embeds the rule records of `rules/*.toml` into the binary as static data, validating them
//! on the way (a malformed record fails the build with the file and the reason).

use serde::Deserialize;
use std::fmt::Write as _;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    code: String,
    name: String,
    severity: String,
    #[serde(default)]
    kinds: Vec<String>,
    #[serde(default = "policy_scope")]
    scope: String,
    summary: String,
    why: String,
    fix: String,
    bad: String,
    good: String,
    example_kind: Option<String>,
    example_config: Option<String>,
    check: Option<Check>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Check {
    select: String,
    matches: Option<String>,
    not_matches: Option<String>,
    message: String,
}

fn policy_scope() -> String {
    "policy".into()
}

fn kind(k: &str, file: &str) -> String {
    match k {
        "trust" => "PolicyKind::Trust".into(),
        "key" => "PolicyKind::Key".into(),
        "identity" => "PolicyKind::Identity".into(),
        "resource" => "PolicyKind::Resource".into(),
        other => panic!("{file}: unknown policy kind `{other}`"),
    }
}

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let dir = Path::new("rules");
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("rules/ directory")
        .map(|e| e.expect("readable rules/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    entries.sort();
    let mut out =
        String::from("/// Every built-in rule record, sorted by code.\npub static RECORDS: &[RuleRecord] = &[\n");
    let mut seen = std::collections::BTreeSet::new();
    for path in entries {
        println!("cargo:rerun-if-changed={}", path.display());
        let file = path.display().to_string();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        let r: Record = toml::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        assert_eq!(stem, format!("{}-{}", r.code, r.name), "{file}: file name must be <code>-<name>.toml");
        assert!(seen.insert(r.code.clone()), "{file}: duplicate code {}", r.code);
        let severity = match r.severity.as_str() {
            "info" => "Info",
            "warning" => "Warning",
            "error" => "Error",
            "critical" => "Critical",
            s => panic!("{file}: unknown severity `{s}`"),
        };
        let scope = match r.scope.as_str() {
            "file" => "File",
            "policy" => "Policy",
            "key" => "Key",
            "setup" => "Setup",
            s => panic!("{file}: unknown scope `{s}`"),
        };
        let kinds: Vec<String> = r.kinds.iter().map(|k| kind(k, &file)).collect();
        let opt = |o: &Option<String>| o.as_ref().map_or("None".to_string(), |s| format!("Some({s:?})"));
        let check = r.check.as_ref().map_or("None".to_string(), |c| {
            format!(
                "Some(DeclarativeSpec {{ select: {:?}, matches: {}, not_matches: {}, message: {:?} }})",
                c.select,
                opt(&c.matches),
                opt(&c.not_matches),
                c.message
            )
        });
        let example_kind = r.example_kind.as_ref().map_or("None".to_string(), |k| format!("Some({})", kind(k, &file)));
        writeln!(
            out,
            "    RuleRecord {{ code: {:?}, name: {:?}, severity: Severity::{severity}, kinds: &[{}], scope: Scope::{scope}, summary: {:?}, why: {:?}, fix: {:?}, bad: {:?}, good: {:?}, example_kind: {example_kind}, example_config: {}, check: {check} }},",
            r.code,
            r.name,
            kinds.join(", "),
            r.summary.trim(),
            r.why.trim(),
            r.fix.trim(),
            r.bad.trim(),
            r.good.trim(),
            opt(&r.example_config),
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("records.rs");
    std::fs::write(dest, out).unwrap();
}
