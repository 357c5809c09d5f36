//! Output is safe for the terminal and the CI log it lands in: text from input (values quoted
//! in messages, file names, snippet lines) cannot start a line of its own (GitHub runners obey
//! lines starting with `::`) nor send escape sequences; and snippets put carets under the
//! right cells whatever the characters before the span (wide, zero-width, tabs, controls).

mod common;
use common::{run_in, stdout, write};

/// A trust policy whose `Action` carries, as JSON escapes, a newline followed by a workflow
/// command, a clear-screen sequence and an OSC window title ending in BEL.
const INJECTED: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1"},
      "Action": "sts:AssumeRole\n::error file=README.md,line=1::Injected\u001b[2J\u001b]0;pwned\u0007",
      "Condition": {"StringEquals": {"sts:ExternalId": "3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94"}}
    }
  ]
}
"#;

/// A policy with a placeholder account id, for a finding in a file whose name is hostile.
const PLACEHOLDER: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::XXXXXXXXXXXX:root"}, "Action": "sts:AssumeRole"}]
}
"#;

/// No raw control character other than the line breaks of the format itself.
fn assert_no_raw_controls(out: &str) {
    for c in out.chars() {
        assert!(c == '\n' || !c.is_control(), "raw control character {c:?} in output:\n{out}");
    }
}

fn human(dir: &std::path::Path, args: &[&str]) -> String {
    let mut all = vec!["--isolated", "--no-color"];
    all.extend_from_slice(args);
    stdout(&run_in(dir, &all))
}

#[test]
fn injected_action_is_shown_not_obeyed_in_human_and_concise() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "trust.json", INJECTED);
    for format in ["human", "concise"] {
        let out = human(t.path(), &["--format", format, "trust.json"]);
        assert!(out.contains("error[CMK111]"), "{format}: the finding is reported\n{out}");
        assert_no_raw_controls(&out);
        assert!(!out.lines().any(|l| l.trim_start().starts_with("::")), "{format}: a line starts a command\n{out}");
        // the value is shown with its escapes visible, on the finding's own line
        assert!(
            out.contains(r"sts:AssumeRole\n::error file=README.md,line=1::Injected\u{1b}[2J\u{1b}]0;pwned\u{7}"),
            "{format}\n{out}"
        );
    }
}

#[test]
fn injected_action_stays_one_workflow_command_in_github() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "trust.json", INJECTED);
    let out = human(t.path(), &["--format", "github", "trust.json"]);
    assert_no_raw_controls(&out);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines.iter().all(|l| l.starts_with("::error ") || l.starts_with("::warning ") || l.starts_with("::notice "))
    );
    let unknown: Vec<&&str> = lines.iter().filter(|l| l.contains("title=CMK111")).collect();
    assert_eq!(unknown.len(), 1, "{out}");
    // the newline of the value is shown (`\n`), never a `%0A` the runner would turn into a line
    assert!(unknown[0].contains(r"sts:AssumeRole\n::error file=README.md,line=1::Injected\u{1b}[2J"), "{out}");
    assert!(!unknown[0].contains("%0A"), "{out}");
}

#[test]
fn injected_action_round_trips_through_junit() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "trust.json", INJECTED);
    let xml = human(t.path(), &["--format", "junit", "trust.json"]);
    assert_no_raw_controls(&xml);
    assert!(!xml.lines().any(|l| l.trim_start().starts_with("::")), "{xml}");
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("not XML: {e}\n{xml}"));
    let failure = doc.descendants().find(|n| n.attribute("type") == Some("CMK111")).unwrap();
    let message = failure.attribute("message").unwrap();
    // the attribute carries the newline as `&#10;`, so it parses back as a newline
    assert!(message.contains("sts:AssumeRole\n::error file=README.md"), "{message:?}");
    assert!(xml.contains("sts:AssumeRole&#10;::error"), "{xml}");
    assert!(!message.contains('\u{1b}') && message.contains(r"\u{1b}[2J"), "{message:?}");
}

#[cfg(unix)]
#[test]
fn file_names_with_line_breaks_are_escaped_in_every_format() {
    let t = tempfile::tempdir().unwrap();
    let newline = "x\n::error file=README.md::Injected.json";
    let cr = "cr\rname.json";
    write(t.path(), newline, PLACEHOLDER);
    write(t.path(), cr, PLACEHOLDER);
    for format in ["human", "concise", "github"] {
        let out = human(t.path(), &["--format", format, newline, cr]);
        assert_eq!(out.matches("CMK115").count(), if format == "github" { 4 } else { 2 }, "{format}\n{out}");
        assert_no_raw_controls(&out);
        assert!(
            !out.lines().any(|l| l.starts_with("::error file=README.md")),
            "{format}: the file name starts a command\n{out}"
        );
        assert!(out.contains(r"cr\rname.json"), "{format}\n{out}");
        match format {
            // property values also escape `:` and `,`
            "github" => assert!(out.contains(r"file=x\n%3A%3Aerror file=README.md%3A%3AInjected.json,line=3"), "{out}"),
            _ => assert!(out.contains(r"x\n::error file=README.md::Injected.json:3:"), "{format}\n{out}"),
        }
    }
    let xml = human(t.path(), &["--format", "junit", newline, cr]);
    assert!(xml.contains("name=\"x&#10;::error file=README.md::Injected.json\""), "{xml}");
    assert!(xml.contains("name=\"cr&#13;name.json\""), "{xml}");
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("not XML: {e}\n{xml}"));
    let names: Vec<&str> =
        doc.descendants().filter(|n| n.has_tag_name("testcase")).filter_map(|n| n.attribute("name")).collect();
    assert!(names.contains(&newline) && names.contains(&cr), "names parse back exactly: {names:?}");
    assert!(!xml.lines().any(|l| l.starts_with("::error file=README.md")), "{xml}");
}

#[test]
fn raw_control_bytes_of_an_invalid_file_are_shown_and_underlined() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "ctl.json", "{\"Version\": \"2012-10-17\", \u{1b}]0;pwned\u{7} \"Statement\": []}\n");
    let out = human(t.path(), &["ctl.json"]);
    assert!(out.contains("error[CMK001]"), "{out}");
    assert_no_raw_controls(&out);
    let (source, carets) = snippet(&out, "CMK001");
    assert_eq!(source, r#"{"Version": "2012-10-17", \u{1b}]0;pwned\u{7} "Statement": []}"#);
    // the span is the ESC character: its carets cover its escape, `\u{1b}`
    assert_eq!(carets, (26, 6), "{out}");
    assert!(out.contains("--> ctl.json:1:27"), "the column is still the file's: {out}");
}

/// Display cells of `s` as a terminal shows it: CJK wide, zero-width space none, tabs to the
/// next multiple of 4.
fn cells(s: &str) -> usize {
    s.chars().fold(0, |n, c| match c {
        '\t' => (n / 4 + 1) * 4,
        '\u{200B}' => n,
        '\u{3000}'..='\u{9FFF}' => n + 2,
        _ => n + 1,
    })
}

/// The first snippet of the finding `code`: its source text (after `| `) and the carets' first
/// cell and count (relative to the source text).
fn snippet<'a>(out: &'a str, code: &str) -> (&'a str, (usize, usize)) {
    let lines: Vec<&str> = out.lines().skip_while(|l| !l.contains(&format!("[{code}]"))).collect();
    let i = lines.iter().position(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit())).unwrap();
    let (_, source) = lines[i].split_once("| ").unwrap();
    let (_, marks) = lines[i + 1].split_once("| ").unwrap();
    let start = marks.find('^').unwrap();
    (source, (start, marks[start..].chars().take_while(|&c| c == '^').count()))
}

#[test]
fn carets_sit_under_the_span_after_wide_zero_width_and_tab_characters() {
    let t = tempfile::tempdir().unwrap();
    let line = |before: &str| {
        format!(
            "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{before}\"Effect\": \"Allow\", \"Principal\": {{\"AWS\": \"arn:aws:iam::XXXXXXXXXXXX:root\"}}, \"Action\": \"sts:AssumeRole\"}}]\n}}\n"
        )
    };
    let cases = [
        ("wide.json", "{\"Sid\": \"日本語\", "),
        ("zero-width.json", "{\"Sid\": \"a\u{200B}b\", "),
        ("tab.json", "{\t\"Sid\": \"ab\",\t"),
    ];
    for (name, before) in cases {
        let text = line(before);
        write(t.path(), name, &text);
        let out = human(t.path(), &[name]);
        let (source, (start, count)) = snippet(&out, "CMK115");
        let original = text.lines().nth(2).unwrap();
        let prefix = &original[..original.find("XXXXXXXXXXXX").unwrap()];
        assert_eq!(count, 12, "{name}: one caret per cell of the placeholder\n{out}");
        assert_eq!(start, cells(prefix), "{name}: carets under the placeholder\n{out}");
        // and under it in the line as printed (tabs expanded to their stops)
        assert_eq!(start, cells(&source[..source.find("XXXXXXXXXXXX").unwrap()]), "{name}\n{out}");
    }
    // the figures, spelled out: 85 characters precede the placeholder each time; counting
    // characters would put the carets 3 cells short after `日本語`, one cell long after the
    // zero-width space, and 4-space tabs (not tab stops) one cell long here
    let starts: Vec<usize> = cases.iter().map(|(name, _)| snippet(&human(t.path(), &[name]), "CMK115").1.0).collect();
    assert_eq!(starts, [88, 84, 90]);
}

#[test]
fn long_single_line_files_print_a_window_around_each_span() {
    // a 2 MB one-line policy (as `terraform show -json` writes plans) with 5 findings
    let pad = " ".repeat(400_000);
    let arns: Vec<String> = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1"]
        .iter()
        .map(|r| format!("\"arn:aws:iam::XXXXXXXXXXXX:role/pinecone_cmek_access_{r}\""))
        .collect();
    let text = format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", \"Principal\": {{\"AWS\": [{}]}}, \"Action\": \"sts:AssumeRole\"}}]}}\n",
        arns.join(&format!(",{pad}"))
    );
    assert!(text.len() > 1_600_000 && text.lines().count() == 1);
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "plan.json", &text);
    let out = human(t.path(), &["plan.json"]);
    assert_eq!(out.matches("error[CMK115]").count(), 5, "{}", &out[..out.len().min(4000)]);
    assert!(out.len() < 5 * 2_000, "{} bytes of output for 5 findings", out.len());
    // each snippet is a window with `...` marks, the carets under the placeholder
    for block in out.split("\n\n").filter(|b| b.contains("[CMK115]")) {
        let (source, (start, count)) = snippet(block, "CMK115");
        assert!(source.starts_with("...") && source.chars().count() < 200, "{block}");
        assert_eq!(&source[start..start + count], "XXXXXXXXXXXX", "{block}");
    }
}

#[cfg(unix)]
#[test]
fn errors_about_hostile_file_names_stay_on_one_line() {
    let t = tempfile::tempdir().unwrap();
    let o = run_in(t.path(), &["--isolated", "missing\n::error file=README.md::Injected.json"]);
    let err = common::stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(r"cmek-lint: error: missing\n::error file=README.md::Injected.json"), "{err}");
    assert!(!err.lines().any(|l| l.starts_with("::")), "{err}");
}
