//! The CI output formats (SARIF, GitHub annotations, JUnit, HTML) and `--output`, on the
//! corpus and on purpose-built inputs.
//!
//! Every corpus folder is rendered in every format and checked against the JSON output of the
//! same run (same findings, same positions), so a new corpus folder is covered without new
//! snapshots. SARIF is validated against the OASIS 2.1.0 schema (`tests/data/`).

mod common;
use common::{bin, run_in, stderr, stdout, write};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const BAD: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowPinecone",
      "Effect": "Allow",
      // a comment
      "Principal": {"AWS": "arn:aws:iam::<account_id>:role/pinecone_cmek_access_us-east-1"},
      "Action": "sts:AssumeRole"
    }
  ]
}
"#;

const DUPLICATE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "A", "Effect": "Allow", "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1"}, "Action": "sts:AssumeRole"}
  ]
}
"#;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/data/sarif-schema-2.1.0.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options().should_validate_formats(true).build(&schema).expect("the SARIF schema compiles")
}

fn assert_valid_sarif(v: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = v.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{what}: SARIF does not validate:\n{}", errors.join("\n"));
}

/// The corpus folders and their extra arguments (`corpus/<dir>/args`).
fn corpus() -> Vec<(String, Vec<String>)> {
    let mut dirs: Vec<(String, Vec<String>)> = std::fs::read_dir(root().join("corpus"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let args = std::fs::read_to_string(e.path().join("args"))
                .map(|t| {
                    t.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty() && !l.starts_with('#'))
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default();
            (name, args)
        })
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    dirs
}

fn corpus_run(dir: &str, extra: &[String], format: &str) -> Output {
    let mut args: Vec<String> = vec!["check".into(), "--format".into(), format.into()];
    if !extra.iter().any(|a| a.starts_with("--config")) {
        args.push("--isolated".into()); // as tests/corpus.rs: a folder's args may name its config
    }
    args.extend(extra.iter().cloned());
    args.push(format!("corpus/{dir}"));
    bin().current_dir(root()).args(&args).output().unwrap()
}

#[test]
fn every_corpus_folder_renders_the_same_findings_in_every_format() {
    let validator = sarif_validator();
    for (dir, extra) in corpus() {
        let json_out = corpus_run(&dir, &extra, "json");
        let json: Value = serde_json::from_slice(&json_out.stdout).unwrap();
        let diags = json["diagnostics"].as_array().unwrap();
        let code = json_out.status.code();

        // SARIF: schema-valid, one result per finding at the same position.
        let o = corpus_run(&dir, &extra, "sarif");
        assert_eq!(o.status.code(), code, "{dir}: sarif exit code");
        let sarif: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_valid_sarif(&validator, &sarif, &dir);
        let run = &sarif["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), diags.len(), "{dir}: sarif results");
        for (r, d) in results.iter().zip(diags) {
            assert_eq!(r["ruleId"], d["code"]);
            assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"], d["code"]);
            let loc = &r["locations"][0]["physicalLocation"];
            assert_eq!(loc["artifactLocation"]["uri"], d["file"]);
            let region = &loc["region"];
            assert_eq!(region["startLine"], d["line"], "{dir}: {r}");
            assert_eq!(region["startColumn"], d["column"], "{dir}: {r}");
            assert_eq!(region["endLine"], d["end_line"], "{dir}: {r}");
            assert_eq!(region["endColumn"], d["end_column"], "{dir}: {r}");
            assert!(r["partialFingerprints"]["cmekLint/v1"].as_str().is_some_and(|f| f.len() >= 16));
        }

        // GitHub: one annotation per finding, positioned like the JSON.
        let o = corpus_run(&dir, &extra, "github");
        assert_eq!(o.status.code(), code, "{dir}: github exit code");
        let text = stdout(&o);
        let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("::") && l.contains("title=CMK")).collect();
        assert_eq!(lines.len(), diags.len(), "{dir}: github annotations\n{text}");
        for (l, d) in lines.iter().zip(diags) {
            let sev = match d["severity"].as_str().unwrap() {
                "critical" | "error" => "error",
                "warning" => "warning",
                _ => "notice",
            };
            let expected = format!("::{sev} file={},line={},", d["file"].as_str().unwrap(), d["line"]);
            assert!(l.starts_with(&expected), "{dir}: `{l}` should start with `{expected}`");
            assert!(l.contains(&format!("title={} {}::", d["code"].as_str().unwrap(), d["name"].as_str().unwrap())));
        }

        // JUnit: well-formed; one failure per finding at or above `error`.
        let o = corpus_run(&dir, &extra, "junit");
        assert_eq!(o.status.code(), code, "{dir}: junit exit code");
        let xml = stdout(&o);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{dir}: junit is not XML: {e}\n{xml}"));
        let failures: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("failure")).collect();
        let failing = diags.iter().filter(|d| matches!(d["severity"].as_str(), Some("error" | "critical"))).count();
        assert_eq!(failures.len(), failing, "{dir}: junit failures");
        let cases = doc.descendants().filter(|n| n.has_tag_name("testcase")).count();
        let files =
            json["summary"]["files_checked"].as_u64().unwrap() + json["summary"]["files_skipped"].as_u64().unwrap();
        assert_eq!(cases as u64, files, "{dir}: one test case per file");

        // HTML: one row per finding, nothing loaded from elsewhere.
        let o = corpus_run(&dir, &extra, "html");
        assert_eq!(o.status.code(), code, "{dir}: html exit code");
        let html = stdout(&o);
        assert_eq!(html.matches("<tr class=\"finding\"").count(), diags.len(), "{dir}: html rows");
        assert_self_contained(&html);
    }
}

fn assert_self_contained(html: &str) {
    for bad in ["src=\"http", "href=\"http", "src='http", "<link", "@import", "url(", "<iframe", "<img"] {
        assert!(!html.contains(bad), "HTML report must not load anything (found `{bad}`)");
    }
    assert!(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"));
}

#[test]
fn sarif_carries_rules_labels_fingerprints_and_run_problems() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "infra/bad.json", BAD);
    write(t.path(), "infra/dup.json", DUPLICATE);
    write(
        t.path(),
        "cmek-lint.toml",
        "[[suppress]]\nrule = \"CMK116\"\npath = \"infra/*.json\"\nreason = \"kept from the old template\"\n",
    );
    let o = run_in(t.path(), &["infra", "missing.json", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(2), "a missing file is a run error");
    let sarif: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_valid_sarif(&sarif_validator(), &sarif, "purpose-built input");
    let run = &sarif["runs"][0];
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(run["columnKind"], "unicodeCodePoints");

    // One descriptor per rule, with docs and GitHub's numeric severity.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let listed = bin().args(["rules", "--format", "json", "--isolated"]).output().unwrap();
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(rules.len(), listed.as_array().unwrap().len());
    for r in rules {
        let sev: f64 = r["properties"]["security-severity"].as_str().unwrap().parse().unwrap();
        let expected = match r["defaultConfiguration"]["level"].as_str().unwrap() {
            "error" => 7.0..=10.0,
            "warning" => 4.0..=6.9,
            _ => 0.1..=3.9,
        };
        assert!(expected.contains(&sev), "{}: security-severity {sev}", r["id"]);
        assert!(r["help"]["markdown"].as_str().unwrap().contains("## Why it matters"));
        assert!(r["properties"]["tags"].as_array().unwrap().contains(&Value::from("security")));
    }

    let results = run["results"].as_array().unwrap();
    let dup = results.iter().find(|r| r["ruleId"] == "CMK004").expect("duplicate key reported");
    let related = &dup["relatedLocations"][0];
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 4);
    assert!(related["message"]["text"].as_str().unwrap().contains("first"), "{related}");
    let placeholder = results.iter().find(|r| r["ruleId"] == "CMK115").unwrap();
    let region = &placeholder["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["snippet"]["text"], "<account_id>");
    for r in results {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[k].as_u64().unwrap() >= 1, "{k} in {r}");
        }
    }

    // The missing file and the unused suppression are invocation notifications.
    let inv = &run["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n["level"] == "error" && n["message"]["text"].as_str().unwrap().contains("missing.json"))
    );
    let unused = notes.iter().find(|n| n["message"]["text"].as_str().unwrap().contains("unused suppression")).unwrap();
    assert_eq!(unused["level"], "note");
    assert_eq!(unused["locations"][0]["physicalLocation"]["region"]["startLine"], 2);
}

fn fingerprint_of(dir: &Path, file: &str, code: &str) -> (String, u64) {
    let o = run_in(dir, &[file, "--format", "sarif", "--isolated"]);
    let sarif: Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = sarif["runs"][0]["results"].as_array().unwrap().iter().find(|r| r["ruleId"] == code).cloned().unwrap();
    (
        r["partialFingerprints"]["cmekLint/v1"].as_str().unwrap().to_string(),
        r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap(),
    )
}

#[test]
fn fingerprints_survive_unrelated_edits_but_not_a_changed_value() {
    let t = tempfile::tempdir().unwrap();
    let two = |first_sid: &str, indent: &str, top: &str, account: &str| {
        format!(
            "{top}{{\n{indent}\"Version\": \"2012-10-17\",\n{indent}\"Statement\": [\n{indent}{indent}{{\"Sid\": \"{first_sid}\", \"Effect\": \"Allow\", \"Principal\": {{\"Service\": \"ec2.amazonaws.com\"}}, \"Action\": \"sts:AssumeRole\"}},\n{indent}{indent}{{\"Sid\": \"Pinecone\", \"Effect\": \"Allow\",\n{indent}{indent} \"Principal\": {{\"AWS\": \"arn:aws:iam::{account}:role/pinecone_cmek_access_us-east-1\"}},\n{indent}{indent} \"Action\": \"sts:AssumeRole\"}}\n{indent}]\n}}\n"
        )
    };
    write(t.path(), "a.json", &two("Ec2", "  ", "", "XXXXXXXXXXXX"));
    let (fp1, line1) = fingerprint_of(t.path(), "a.json", "CMK115");
    // Other lines above, another indentation, another statement edited: same fingerprint.
    write(t.path(), "a.json", &two("Ec2Instances", "    ", "\n\n\n", "XXXXXXXXXXXX"));
    let (fp2, line2) = fingerprint_of(t.path(), "a.json", "CMK115");
    assert_ne!(line1, line2, "the finding moved");
    assert_eq!(fp1, fp2, "an unrelated edit changed the fingerprint");
    // The flagged value itself changed: a new finding.
    write(t.path(), "a.json", &two("Ec2", "  ", "", "YYYYYYYYYYYY"));
    let (fp3, _) = fingerprint_of(t.path(), "a.json", "CMK115");
    assert_ne!(fp1, fp3);
}

#[test]
fn github_annotations_escape_properties_and_data() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "a,b:c%.json", BAD);
    let o = run_in(t.path(), &["a,b:c%.json", "--format", "github"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let line = out.lines().find(|l| l.contains("title=CMK115")).unwrap();
    assert!(
        line.starts_with(
            "::error file=a%2Cb%3Ac%25.json,line=8,col=42,endLine=8,endColumn=54,title=CMK115 placeholder-value::"
        ),
        "{line}"
    );
    // the message keeps `:` and `,` but encodes `%` and the newline before the help
    assert!(line.contains("::a,b:c%25.json:8:42: error[CMK115] ") && line.contains("%0Ahelp: "), "{line}");
    assert!(!line.contains('\n'));
    // the summary goes to stderr, not into the workflow commands
    assert!(stderr(&o).contains("Checked 1 file"));
}

#[test]
fn junit_escapes_markup_and_lets_info_only_files_pass() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "trust.json", BAD);
    write(t.path(), "package.json", "{\"name\": \"x & <y>\"}");
    let o = run_in(t.path(), &["trust.json", "package.json", "--format", "junit"]);
    let xml = stdout(&o);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suite = doc.descendants().find(|n| n.has_tag_name("testsuite")).unwrap();
    assert_eq!(suite.attribute("tests"), Some("2"));
    assert_eq!(suite.attribute("failures"), Some("1"));
    let case = |name: &str| {
        doc.descendants().find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(name)).unwrap()
    };
    let trust = case("trust.json");
    let failures: Vec<_> = trust.children().filter(|n| n.has_tag_name("failure")).collect();
    assert_eq!(failures.len(), 2);
    let placeholder = failures.iter().find(|f| f.attribute("type") == Some("CMK115")).unwrap();
    assert!(placeholder.attribute("message").unwrap().contains("<account_id>"), "escaped and parsed back");
    assert!(placeholder.text().unwrap().contains("trust.json:8:42: error[CMK115]"));
    let pkg = case("package.json");
    assert!(pkg.children().all(|n| !n.has_tag_name("failure")), "info findings do not fail a file");
    let out = pkg.children().find(|n| n.has_tag_name("system-out")).unwrap();
    assert!(out.text().unwrap().contains("info[CMK009]"));
    // --fail-on info turns the info finding into a failure
    let o = run_in(t.path(), &["package.json", "--format", "junit", "--fail-on", "info"]);
    let doc2 = stdout(&o);
    assert!(roxmltree::Document::parse(&doc2).unwrap().descendants().any(|n| n.has_tag_name("failure")));
}

#[test]
fn output_writes_one_format_to_a_file_and_human_output_to_the_terminal() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "trust.json", BAD);
    let o = run_in(t.path(), &["trust.json", "--format", "sarif", "--output", "out.sarif"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("error[CMK002]: `//` comment"), "human output on the terminal");
    assert!(stderr(&o).contains("Checked 1 file"));
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(t.path().join("out.sarif")).unwrap()).unwrap();
    let json_run = run_in(t.path(), &["trust.json", "--format", "json"]);
    let expected = serde_json::from_slice::<Value>(&json_run.stdout).unwrap()["diagnostics"].as_array().unwrap().len();
    assert!(expected >= 2);
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), expected);

    // The format follows the extension when --format is absent.
    for (file, marker) in [("r.html", "<!DOCTYPE html>"), ("r.xml", "<testsuites"), ("r.json", "\"version\": 1")] {
        let o = run_in(t.path(), &["trust.json", "-o", file, "-q"]);
        assert_eq!(o.status.code(), Some(1));
        let text = std::fs::read_to_string(t.path().join(file)).unwrap();
        assert!(text.contains(marker), "{file}: {}", &text[..text.len().min(200)]);
    }
    let o = run_in(t.path(), &["trust.json", "-o", "report.pdf"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot tell the format of `report.pdf`"), "{}", stderr(&o));
    let o = run_in(t.path(), &["trust.json", "-o", "no/such/dir/r.sarif"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("writing no/such/dir/r.sarif"), "{}", stderr(&o));
}

#[test]
fn html_report_shows_snippets_and_explanations_escaped() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "trust.json", BAD);
    write(t.path(), "dup.json", DUPLICATE);
    let o = run_in(t.path(), &["trust.json", "dup.json", "--format", "html"]);
    let html = stdout(&o);
    assert_self_contained(&html);
    let json_run = run_in(t.path(), &["trust.json", "dup.json", "--format", "json"]);
    let expected = serde_json::from_slice::<Value>(&json_run.stdout).unwrap()["diagnostics"].as_array().unwrap().len();
    assert!(expected >= 3);
    assert_eq!(html.matches("<tr class=\"finding\"").count(), expected);
    // the span is marked inside the escaped source line
    assert!(html.contains("<mark class=\"primary\">&lt;account_id&gt;</mark>"), "snippet highlight");
    // the secondary label of the duplicate key is shown
    assert!(html.contains("<mark class=\"label\">"), "label highlight");
    // explanations of the rules that fired, and charts
    assert!(html.contains("id=\"rule-CMK115\"") && html.contains("Why it matters"));
    assert!(html.contains("id=\"chart-severity\"") && html.contains("id=\"chart-rule\""));
    assert!(!html.contains("<account_id>"), "unescaped text in the page");
}

fn chromium() -> Option<String> {
    if let Ok(p) = std::env::var("CHROMIUM") {
        return Some(p);
    }
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        std::env::var_os("PATH")?
            .to_str()?
            .split(':')
            .map(|d| Path::new(d).join(name))
            .find(|p| p.is_file())
            .map(|p| p.display().to_string())
    })
}

fn dump_dom(chromium: &str, url: &str, profile: &Path) -> String {
    let o = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.display()),
            "--dump-dom",
            url,
        ])
        .output()
        .expect("run chromium");
    assert!(o.status.success(), "chromium failed: {}", stderr(&o));
    stdout(&o)
}

/// Rows of the dumped table, in order: `(rule, file, line, hidden)`.
fn rows(dom: &str) -> Vec<(String, String, u32, bool)> {
    dom.split("<tr class=\"finding\"")
        .skip(1)
        .map(|row| {
            let tag = &row[..row.find('>').unwrap()];
            let attr = |k: &str| {
                let start = tag.find(&format!("{k}=\"")).unwrap() + k.len() + 2;
                tag[start..start + tag[start..].find('"').unwrap()].to_string()
            };
            (attr("data-rule"), attr("data-file"), attr("data-line").parse().unwrap(), tag.contains(" hidden"))
        })
        .collect()
}

/// Runs in `.ci/run`, which installs Debian's chromium; skipped where no browser exists.
#[test]
fn html_report_sorts_and_filters_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        eprintln!("skipped: no chromium on PATH (`.ci/run` installs it; or set CHROMIUM)");
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let report = t.path().join("report.html");
    let o = bin()
        .current_dir(root())
        .args(["check", "--isolated", "corpus/seed", "-q", "--output"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let json: Value = serde_json::from_slice(
        &bin()
            .current_dir(root())
            .args(["check", "--isolated", "corpus/seed", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let total = json["diagnostics"].as_array().unwrap().len();
    let comments = json["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "CMK002").count();
    assert!(total > comments && comments > 0);
    let url = format!("file://{}", report.display());

    // Scripts ran: the page reports itself ready and counts the rows.
    let dom = dump_dom(&chromium, &url, &t.path().join("profile1"));
    assert!(dom.contains("data-ready=\"true\""), "the report's script did not run");
    assert!(dom.contains(&format!("Showing {total} of {total} findings")));
    assert_eq!(rows(&dom).len(), total);

    // A rule filter from the URL fragment hides the other rows.
    let dom = dump_dom(&chromium, &format!("{url}#rule=CMK002"), &t.path().join("profile2"));
    assert!(dom.contains(&format!("Showing {comments} of {total} findings")), "filter not applied");
    let r = rows(&dom);
    assert_eq!(r.iter().filter(|r| !r.3).count(), comments);
    assert!(r.iter().all(|(rule, _, _, hidden)| *hidden == (rule != "CMK002")));

    // Sorting by location, descending.
    let dom = dump_dom(&chromium, &format!("{url}#sort=location&dir=desc"), &t.path().join("profile3"));
    let r = rows(&dom);
    let keys: Vec<(String, u32)> = r.iter().map(|(_, f, l, _)| (f.clone(), *l)).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(keys, sorted, "rows not sorted by location, descending");
    assert!(dom.contains("aria-sort=\"descending\""));
}

#[test]
fn skip_non_policy_files_treats_named_files_like_walked_ones() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "trust.json", BAD);
    write(t.path(), "tsconfig.json", "{\n  // comments are fine here\n  \"compilerOptions\": {},\n}\n");
    write(t.path(), "package.json", "{\"name\": \"x\"}");
    // Named explicitly, non-policy files are reported (CMK009).
    let o = run_in(t.path(), &["trust.json", "tsconfig.json", "package.json", "--format", "concise"]);
    let out = stdout(&o);
    assert!(out.contains("tsconfig.json:1:1: info[CMK009]") && out.contains("package.json:1:1: info[CMK009]"), "{out}");
    // As pre-commit names them: only the policy is checked.
    let o = run_in(
        t.path(),
        &["trust.json", "tsconfig.json", "package.json", "--format", "concise", "--skip-non-policy-files"],
    );
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("trust.json:") && !out.contains("tsconfig.json") && !out.contains("package.json"), "{out}");
    assert!(
        stderr(&o).contains("Checked 1 file (1 policy) in") && stderr(&o).contains("2 without policies skipped"),
        "{}",
        stderr(&o)
    );
}

/// Standard input has no path: its SARIF locations carry a description, not a `<stdin>` URI
/// that code scanning would take for a file of that name; `--stdin-filename` gives the URI.
#[test]
fn sarif_for_standard_input_names_no_file_unless_told() {
    use std::io::Write as _;
    let sarif_of = |extra: &[&str]| -> Value {
        let mut child = bin()
            .args(["check", "--isolated", "--format", "sarif", "-"])
            .args(extra)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(BAD.as_bytes()).unwrap();
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let v = sarif_validator();
    let unnamed = sarif_of(&[]);
    assert_valid_sarif(&v, &unnamed, "standard input");
    let results = unnamed["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert!(artifact.get("uri").is_none(), "{artifact}");
        assert!(artifact["description"]["text"].as_str().unwrap().contains("standard input"));
    }
    let named = sarif_of(&["--stdin-filename", "infra/trust policy.json"]);
    assert_valid_sarif(&v, &named, "named standard input");
    let artifact = &named["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uri"], "infra/trust%20policy.json");
}

/// A file name that is not UTF-8 (Latin-1 on Linux) keeps its bytes in the SARIF URI,
/// percent-encoded, instead of U+FFFD, which would name no file.
#[cfg(unix)]
#[test]
fn sarif_uri_keeps_a_non_utf8_file_name() {
    use std::os::unix::ffi::OsStrExt;
    let t = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9-trust.json");
    std::fs::write(t.path().join(name), BAD).unwrap();
    let o = run_in(t.path(), &[".", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let sarif: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_valid_sarif(&sarif_validator(), &sarif, "non-UTF-8 file name");
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert!(!uris.is_empty());
    assert!(uris.iter().all(|u| *u == "caf%E9-trust.json"), "{uris:?}");
}

/// The HTML report shows `cmek-lint access`'s table per setup (issue 14 item 5): scenario,
/// expected, decision, deciding statement `file:line`, and the counterexample of an unexpected
/// decision; whatever comes from input (a folder name, an external ID) is escaped.
#[test]
fn html_report_shows_the_access_table_escaped() {
    let t = tempfile::tempdir().unwrap();
    let trust = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AllowPinecone", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "<img src=x>"}}},
    {"Sid": "RequireMfa", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
  ]
}
"#;
    write(t.path(), "evil<b>&\"x/trust.json", trust);
    let args = [
        "check",
        "--isolated",
        "--pinecone-account",
        "905418236187",
        "--regions",
        "us-east-1",
        "--role-arn",
        "arn:aws:iam::493820715560:role/pinecone-cmek",
        "--format",
        "html",
        ".",
    ];
    let o = run_in(t.path(), &args);
    let html = stdout(&o);
    assert_self_contained(&html);
    let start = html.find("<section id=\"access\">").expect("an access section");
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    // One row per scenario (the key scenarios say what they need).
    assert_eq!(section.matches("<tr class=\"access-row\"").count(), 9, "{section}");
    assert!(section.contains("<h3>./evil&lt;b&gt;&amp;&quot;x</h3>"), "{section}");
    // The MFA Deny denies Pinecone: unexpected, decided at the Deny's line, with the request.
    let row = section.lines().find(|l| l.contains("data-scenario=\"pinecone-assume\"")).unwrap();
    assert!(row.contains("decision unexpected\">denied"), "{row}");
    assert!(row.contains("trust.json:5"), "{row}");
    assert!(row.contains("counterexample:") && row.contains("&lt;img src=x&gt;"), "{row}");
    assert!(!html.contains("<img"), "unescaped input in the page");
    assert!(!html.contains("<b>&"), "unescaped folder name in the page");
    // A file `access` cannot parse: no table, and the notes say why.
    write(t.path(), "broken/policy.json", r#"{"Version": "2012-10-17", "Statement": ["#);
    let html = stdout(&run_in(t.path(), &args));
    assert!(!html.contains("<section id=\"access\">"));
    assert!(html.contains("no access table (as `cmek-lint access`): ./broken/policy.json:1:41: invalid JSON"), "notes");
    std::fs::remove_dir_all(t.path().join("broken")).unwrap();
    // Other formats do not evaluate.
    let mut json_args = args;
    json_args[9] = "json";
    let o = run_in(t.path(), &json_args);
    assert!(!stdout(&o).contains("access-row"));
}
