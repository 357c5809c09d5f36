//! Embeds the rule records of `rules/*.toml` into the binary as static data, validating them
//! on the way (a malformed record fails the build with the file and the reason).

use std::fmt::Write as _;
use std::path::Path;

// The record format, shared with the library (which loads user rule directories with it).
#[allow(dead_code)]
#[path = "src/rules/record_file.rs"]
mod record_file;

use record_file::{FixName, KindName, RecordFile, ScopeName, SeverityName};

fn kind(k: KindName) -> &'static str {
    match k {
        KindName::Trust => "PolicyKind::Trust",
        KindName::Key => "PolicyKind::Key",
        KindName::Identity => "PolicyKind::Identity",
        KindName::Resource => "PolicyKind::Resource",
    }
}

fn main() {
    link_without_pie();
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=src/rules/record_file.rs");
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
    let mut ids = RuleIds::default();
    for path in entries {
        println!("cargo:rerun-if-changed={}", path.display());
        let file = path.display().to_string();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        let r = RecordFile::parse(&text).unwrap_or_else(|(_, e)| panic!("{file}: {e}"));
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        r.check_identity(&stem).unwrap_or_else(|(_, e)| panic!("{file}: {e}"));
        assert!(seen.insert(r.code.get_ref().clone()), "{file}: duplicate code {}", r.code.get_ref());
        let severity = match r.severity {
            SeverityName::Info => "Info",
            SeverityName::Warning => "Warning",
            SeverityName::Error => "Error",
            SeverityName::Critical => "Critical",
        };
        let scope = match r.scope {
            ScopeName::File => "File",
            ScopeName::Policy => "Policy",
            ScopeName::Key => "Key",
            ScopeName::Setup => "Setup",
        };
        ids.add(r.code.get_ref(), r.name.get_ref(), r.check.is_some());
        let kinds: Vec<&str> = r.kinds.iter().map(|k| kind(*k)).collect();
        let opt = |o: Option<&String>| o.map_or("None".to_string(), |s| format!("Some({s:?})"));
        let check = r.check.as_ref().map_or("None".to_string(), |c| {
            format!(
                "Some(DeclarativeSpec {{ select: {:?}, matches: {}, not_matches: {}, message: {:?} }})",
                c.select.get_ref(),
                opt(c.matches.as_ref().map(|m| m.get_ref())),
                opt(c.not_matches.as_ref().map(|m| m.get_ref())),
                c.message.get_ref()
            )
        });
        let autofix = match r.autofix {
            None => "None",
            Some(FixName::Safe) => "Some(Applicability::Safe)",
            Some(FixName::Unsafe) => "Some(Applicability::Unsafe)",
            Some(FixName::DisplayOnly) => "Some(Applicability::DisplayOnly)",
        };
        let example_kind = r.example_kind.map_or("None".to_string(), |k| format!("Some({})", kind(k)));
        writeln!(
            out,
            "    RuleRecord {{ code: {:?}, name: {:?}, severity: Severity::{severity}, kinds: &[{}], scope: Scope::{scope}, summary: {:?}, why: {:?}, fix: {:?}, autofix: {autofix}, bad: {:?}, good: {:?}, valid: &{:?}, invalid: &{:?}, example_kind: {example_kind}, example_config: {}, check: {check} }},",
            r.code.get_ref(),
            r.name.get_ref(),
            kinds.join(", "),
            r.summary.trim(),
            r.why.trim(),
            r.fix.trim(),
            r.bad.trim(),
            r.good.trim(),
            r.valid.iter().map(|s| s.trim()).collect::<Vec<_>>(),
            r.invalid.iter().map(|s| s.trim()).collect::<Vec<_>>(),
            opt(r.example_config.as_ref()),
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("records.rs");
    std::fs::write(dest, out).unwrap();
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("rule_id.rs");
    std::fs::write(dest, ids.finish()).unwrap();
}

/// The `RuleId` enum: one variant per record, in code order (the order of `RECORDS`, so a
/// variant's discriminant is its record's index), named by the CamelCase of the rule's name.
#[derive(Default)]
struct RuleIds {
    variants: String,
    codes: String,
    names: String,
    declarative: Vec<String>,
    all: String,
}

impl RuleIds {
    fn add(&mut self, code: &str, name: &str, declarative: bool) {
        let variant: String = name
            .split('-')
            .map(|w| {
                let mut c = w.chars();
                c.next().map_or(String::new(), |f| f.to_ascii_uppercase().to_string() + c.as_str())
            })
            .collect();
        writeln!(self.variants, "    /// `{code}` `{name}`.\n    {variant},").unwrap();
        writeln!(self.codes, "            Self::{variant} => {code:?},").unwrap();
        writeln!(self.names, "            Self::{variant} => {name:?},").unwrap();
        writeln!(self.all, "        Self::{variant},").unwrap();
        if declarative {
            self.declarative.push(format!("Self::{variant}"));
        }
    }

    fn finish(self) -> String {
        let declarative = if self.declarative.is_empty() { "_ if false".into() } else { self.declarative.join(" | ") };
        format!(
            "/// A built-in rule: one variant per record of `rules/*.toml`, in code order (the\n\
             /// discriminant is the record's index in `RECORDS`). Generated by `build.rs`.\n\
             #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]\n\
             pub enum RuleId {{\n{}}}\n\n\
             impl RuleId {{\n\
             \x20   /// Every built-in rule, in code order.\n\
             \x20   pub const ALL: &[RuleId] = &[\n{}    ];\n\n\
             \x20   /// The rule's code (`CMK101`).\n\
             \x20   pub const fn code(self) -> &'static str {{\n        match self {{\n{}        }}\n    }}\n\n\
             \x20   /// The rule's name (`version-missing`).\n\
             \x20   pub const fn name(self) -> &'static str {{\n        match self {{\n{}        }}\n    }}\n\n\
             \x20   /// The record has a declarative `[check]` table.\n\
             \x20   pub const fn has_check(self) -> bool {{\n        matches!(self, {declarative})\n    }}\n\
             }}\n",
            self.variants, self.all, self.codes, self.names
        )
    }
}

/// Link the `cmek-lint` binary as a position-dependent executable on Linux (glibc): a
/// pre-commit call checks one small file, and with PIE the dynamic loader's relocations were an
/// eighth of that call's instructions (callgrind, one small trust policy: 1,764,213 → 1,555,143;
/// CPU per call about a fifth less). Only the executable's own addresses stop being randomised
/// (libraries, stack and heap keep ASLR); the crate has no `unsafe` code (`forbid(unsafe_code)`)
/// and reads local files. Builds from this checkout on x86_64 are static and position-dependent
/// already (`.cargo/config.toml`: `crt-static` with the `static` relocation model, which makes
/// rustc link with `-static -no-pie` itself); this covers the dynamic builds (`cargo install
/// --git`, other architectures). `CMEK_LINT_PIE=1` keeps the default (PIE) link.
fn link_without_pie() {
    println!("cargo:rerun-if-env-changed=CMEK_LINT_PIE");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let features = std::env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default();
    let static_crt = features.split(',').any(|f| f == "crt-static");
    let keep_pie = std::env::var_os("CMEK_LINT_PIE").is_some_and(|v| v != "0" && !v.is_empty());
    if os == "linux" && env == "gnu" && !static_crt && !keep_pie {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
