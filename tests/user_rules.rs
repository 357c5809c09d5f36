//! User rule directories: `--rules-dir DIR` and `[rules] extra`, loaded at run time; malformed
//! records are configuration errors (exit 2) naming the file, line and column.

mod common;
use common::{run_in, stderr, stdout, write};
use serde_json::Value;

/// An organisation's rule: the external ID must be a UUID (its own policy, stricter than IAM).
const RULE: &str = r#"code = "ACME001"
name = "external-id-not-uuid"
severity = "error"
kinds = ["trust"]
summary = "The `sts:ExternalId` condition value is not a UUID."
why = "ACME's security standard requires external IDs generated with `uuidgen`, so they cannot be guessed."
fix = "Generate one with `uuidgen` and enter the same value in the Pinecone console."
bad = '''
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "acme-prod"}}}]}
'''
good = '''
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94"}}}]}
'''

[check]
select = "$.Statement[*].Condition.StringEquals['sts:ExternalId']"
not_matches = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
message = "external ID `{value}` is not a UUID"
"#;

const TRUST: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1"},
      "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {"sts:ExternalId": "acme-prod"}}
    }
  ]
}
"#;

#[test]
fn a_rules_dir_adds_checks_without_recompiling() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    write(d, "acme-rules/ACME001-external-id-not-uuid.toml", RULE);
    write(d, "acme-rules/README.md", "not a record");
    write(d, "trust.json", TRUST);

    let o = run_in(d, &["--isolated", "trust.json", "--format", "concise"]);
    assert_eq!(o.status.code(), Some(0), "without the rule: clean");
    let o = run_in(
        d,
        &["--isolated", "trust.json", "--format", "concise", "--rules-dir", "acme-rules", "--ignore", "CMK2"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "trust.json:8:56: error[ACME001] external ID `acme-prod` is not a UUID\n");

    // Selectors, severity overrides and suppressions see user rules too.
    let o = run_in(d, &["--isolated", "trust.json", "--rules-dir", "acme-rules", "--ignore", "ACME"]);
    assert_eq!(o.status.code(), Some(0));

    // `rules`, `explain` and SARIF know it.
    let o = run_in(d, &["rules", "--isolated", "--rules-dir", "acme-rules", "--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let acme = v.as_array().unwrap().iter().find(|r| r["code"] == "ACME001").expect("listed");
    assert_eq!((acme["family"].as_str(), acme["declarative"].as_bool()), (Some("custom"), Some(true)));
    let o = run_in(d, &["explain", "external-id-not-uuid", "--isolated", "--rules-dir", "acme-rules"]);
    assert!(stdout(&o).starts_with("# ACME001 external-id-not-uuid"), "{}", stdout(&o));
    let o = run_in(d, &["--isolated", "trust.json", "--rules-dir", "acme-rules", "--format", "sarif"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let result = &v["runs"][0]["results"][0];
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"], "ACME001");

    // `[rules] extra` in the config, relative to the config file, from a subfolder.
    write(
        d,
        "cmek-lint.toml",
        "[rules]\nextra = [\"acme-rules\"]\nseverity = { ACME001 = \"warning\" }\n\n[[suppress]]\nrule = \"ACME001\"\npath = \"legacy/*.json\"\nreason = \"legacy ids are rotated in Q3\"\n",
    );
    write(d, "legacy/trust.json", TRUST);
    write(d, "sub/trust.json", TRUST);
    let o = run_in(&d.join("sub"), &["trust.json", "../legacy/trust.json", "--format", "concise", "--ignore", "CMK2"]);
    assert_eq!(
        stdout(&o),
        "trust.json:8:56: warning[ACME001] external ID `acme-prod` is not a UUID\n",
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(0), "a warning does not fail the run");
}

#[test]
fn malformed_records_are_configuration_errors_with_positions() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    write(d, "trust.json", TRUST);
    let with = |from: &str, to: &str| RULE.replacen(from, to, 1);
    let cases: Vec<(String, String, &str, &str)> = vec![
        (
            "ACME001-external-id-not-uuid.toml".into(),
            with("severity = \"error\"", "severity = \"fatal\""),
            ":3:12: invalid rule record: ",
            "unknown variant `fatal`",
        ),
        (
            "ACME001-external-id-not-uuid.toml".into(),
            with("[check]\n", "[check]\nwhere = 1\n"),
            ":16:1: invalid rule record: ",
            "unknown field `where`",
        ),
        (
            "ACME001-external-id-not-uuid.toml".into(),
            with("not_matches = '^", "not_matches = '(^"),
            ":17:15: invalid rule record: ",
            "invalid regex",
        ),
        (
            "ACME001-external-id-not-uuid.toml".into(),
            with("select = \"$.Statement[*]", "select = \"$.Statement[*"),
            ":16:10: invalid rule record: ",
            "invalid JSONPath",
        ),
        (
            "CMK901-external-id-not-uuid.toml".into(),
            with("ACME001", "CMK901"),
            ":1:8: invalid rule record: ",
            "reserved for built-in rules",
        ),
        (
            "ACME001-json-comment.toml".into(),
            with("external-id-not-uuid", "json-comment"),
            ":2:8: invalid rule record: ",
            "name `json-comment` is already used",
        ),
        (
            "ACME001-wrong.toml".into(),
            RULE.to_string(),
            ":1:8: invalid rule record: ",
            "must be named `ACME001-external-id-not-uuid.toml`",
        ),
        (
            "ACME001-external-id-not-uuid.toml".into(),
            RULE[..RULE.find("[check]").unwrap()].to_string(),
            ":1:8: invalid rule record: ",
            "user rules need a `[check]` table",
        ),
        (
            "acme-1-x.toml".into(),
            with("ACME001", "acme-1"),
            ":1:8: invalid rule record: ",
            "code `acme-1` must be upper-case letters",
        ),
        (
            "ACME001-external-id-not-uuid.toml".into(),
            "code = \"ACME001\"\nname = \n".into(),
            ":2:8: invalid rule record: ",
            "",
        ),
    ];
    for (i, (file, text, at, message)) in cases.iter().enumerate() {
        let dir = format!("rules{i}");
        write(d, &format!("{dir}/{file}"), text);
        let o = run_in(d, &["--isolated", "trust.json", "--rules-dir", &dir]);
        assert_eq!(o.status.code(), Some(2), "case {i}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(
            e.contains(&format!("{dir}/{file}{at}")) && e.contains(message),
            "case {i}: expected `{at}` `{message}` in\n{e}"
        );
    }
    // Two user rules with one code.
    write(d, "twice/ACME001-external-id-not-uuid.toml", RULE);
    write(d, "twice2/ACME001-external-id-not-uuid.toml", RULE);
    let o = run_in(d, &["--isolated", "trust.json", "--rules-dir", "twice", "--rules-dir", "twice2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("code `ACME001` is already used"), "{}", stderr(&o));
    // A missing directory, from the flag and from the config.
    let o = run_in(d, &["--isolated", "trust.json", "--rules-dir", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope: cannot read rules directory"), "{}", stderr(&o));
    write(d, "cmek-lint.toml", "[rules]\nextra = [\"nope\"]\n");
    let o = run_in(d, &["trust.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cmek-lint.toml:2:10: invalid configuration: rules directory `nope` does not exist"),
        "{}",
        stderr(&o)
    );
}
