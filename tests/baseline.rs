//! `--write-baseline` and `--baseline`: recorded findings stay quiet across unrelated edits,
//! new ones are reported, the file is stable and sorted, fixed entries are pointed out.

mod common;
use common::{run_in, stderr, write};
use serde_json::Value;

fn policy(top: &str, indent: &str, extra_statement: bool) -> String {
    let extra = if extra_statement {
        format!(
            ",\n{indent}{indent}{{\"Sid\": \"Second\", \"Effect\": \"Allow\", \"Principal\": {{\"AWS\": \"arn:aws:iam::<pinecone_account>:role/pinecone_cmek_access_eu-west-1\"}}, \"Action\": \"sts:AssumeRole\"}}"
        )
    } else {
        String::new()
    };
    format!(
        "{top}{{\n{indent}\"Version\": \"2012-10-17\",\n{indent}\"Statement\": [\n{indent}{indent}{{\"Sid\": \"First\", \"Effect\": \"Allow\", \"Principal\": {{\"AWS\": \"arn:aws:iam::XXXXXXXXXXXX:role/pinecone_cmek_access_us-east-1\"}}, \"Action\": \"sts:AssumeRole\"}}{extra}\n{indent}]\n}}\n"
    )
}

#[test]
fn baseline_hides_recorded_findings_and_reports_new_ones() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    write(d, "infra/b.json", &policy("", "  ", false));
    write(
        d,
        "infra/a.json",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"kms:Decrypt\", \"Resource\": \"*\",}]}\n",
    );

    let o = run_in(d, &["--isolated", "--ignore", "CMK2", "infra", "--write-baseline", "cmek-lint-baseline.json"]);
    assert_eq!(o.status.code(), Some(0), "writing a baseline accepts the findings: {}", stderr(&o));
    assert!(stderr(&o).contains("Wrote 3 findings to baseline cmek-lint-baseline.json"), "{}", stderr(&o));
    let text = std::fs::read_to_string(d.join("cmek-lint-baseline.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], 1);
    let entries = v["findings"].as_array().unwrap();
    let keys: Vec<(String, String)> =
        entries.iter().map(|e| (e["file"].as_str().unwrap().into(), e["code"].as_str().unwrap().into())).collect();
    assert_eq!(
        keys,
        vec![
            ("infra/a.json".into(), "CMK003".into()),
            ("infra/a.json".into(), "CMK101".into()),
            ("infra/b.json".into(), "CMK115".into()),
        ],
        "sorted by file and code"
    );
    assert!(!text.contains("\"line\""), "no positions in the baseline");
    // Stable: writing again gives the same bytes.
    run_in(d, &["--isolated", "--ignore", "CMK2", "infra", "--write-baseline", "cmek-lint-baseline.json"]);
    assert_eq!(std::fs::read_to_string(d.join("cmek-lint-baseline.json")).unwrap(), text);

    // Nothing new: exit 0, nothing printed, the summary says why.
    let o = run_in(
        d,
        &["--isolated", "--ignore", "CMK2", "infra", "--baseline", "cmek-lint-baseline.json", "--format", "concise"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(o.stdout.is_empty());
    assert!(stderr(&o).contains("no problems found (3 in baseline)"), "{}", stderr(&o));

    // Unrelated edits (lines above, re-indentation) keep the findings recorded.
    write(d, "infra/b.json", &policy("\n\n", "    ", false));
    let o = run_in(
        d,
        &["--isolated", "--ignore", "CMK2", "infra", "--baseline", "cmek-lint-baseline.json", "--format", "concise"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));

    // A new problem is reported, and only it.
    write(d, "infra/b.json", &policy("\n\n", "    ", true));
    let o = run_in(
        d,
        &["--isolated", "--ignore", "CMK2", "infra", "--baseline", "cmek-lint-baseline.json", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["pointer"], "/Statement/1/Principal/AWS");
    assert_eq!(v["summary"]["baselined"], 3);

    // From another working directory, with another spelling of the paths.
    let o = run_in(
        &d.join("infra"),
        &["--isolated", "--ignore", "CMK2", ".", "--baseline", "../cmek-lint-baseline.json", "--format", "json"],
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["baselined"], 3, "{v}");

    // Fixing a recorded finding says the baseline can be pruned.
    write(
        d,
        "infra/a.json",
        "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"kms:Decrypt\", \"Resource\": \"*\"}]}\n",
    );
    let o = run_in(d, &["--isolated", "--ignore", "CMK2", "infra/a.json", "--baseline", "cmek-lint-baseline.json"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("info: 2 findings recorded in baseline cmek-lint-baseline.json no longer occur; rewrite it with --write-baseline to prune"),
        "{}",
        stderr(&o)
    );
    // ... but findings of files not checked in this run are not called fixed.
    let o = run_in(d, &["--isolated", "--ignore", "CMK2", "infra/b.json", "--baseline", "cmek-lint-baseline.json"]);
    assert!(!stderr(&o).contains("no longer occur"), "{}", stderr(&o));
}

#[test]
fn a_bad_baseline_is_an_error() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    write(d, "p.json", &policy("", "  ", false));
    let o = run_in(d, &["--isolated", "--ignore", "CMK2", "p.json", "--baseline", "missing.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("reading baseline missing.json"), "{}", stderr(&o));
    write(d, "b.json", "{\"version\": 1, \"tool\": \"cmek-lint\",\n \"findings\": [ {\"file\": 3} ]}");
    let o = run_in(d, &["--isolated", "--ignore", "CMK2", "p.json", "--baseline", "b.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("b.json:2:") && stderr(&o).contains("invalid baseline"), "{}", stderr(&o));
    write(d, "b.json", "{\"version\": 9, \"tool\": \"cmek-lint\", \"findings\": []}");
    let o = run_in(d, &["--isolated", "--ignore", "CMK2", "p.json", "--baseline", "b.json"]);
    assert!(stderr(&o).contains("baseline version 9 is not supported"), "{}", stderr(&o));
    // Refuses to write a baseline when a file could not be checked.
    let o = run_in(d, &["--isolated", "--ignore", "CMK2", "p.json", "gone.json", "--write-baseline", "new.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!d.join("new.json").exists());
}

/// A run whose output shows no source lines (concise, JSON) does not keep them, but a baseline
/// fingerprints findings by their line: one written or read under such a format is the one
/// written and read under the human format.
#[test]
fn a_baseline_is_the_same_whatever_the_output_format() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    write(d, "infra/b.json", &policy("", "  ", true));
    let mut written = Vec::new();
    for format in ["human", "concise", "json", "github"] {
        let name = format!("{format}.baseline.json");
        let o = run_in(d, &["--isolated", "--format", format, "infra", "--write-baseline", &name]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        written.push(std::fs::read_to_string(d.join(&name)).unwrap());
    }
    assert!(written.iter().all(|w| w == &written[0]), "{written:#?}");
    assert!(written[0].contains("\"fingerprint\""), "{}", written[0]);
    for format in ["concise", "json", "sarif", "junit"] {
        let o = run_in(d, &["--isolated", "--format", format, "infra", "--baseline", "human.baseline.json"]);
        assert_eq!(o.status.code(), Some(0), "{format}: every finding is recorded: {}", stderr(&o));
    }
}
