//! JUnit XML (`--format junit`), for CI systems that show test reports (GitLab, Jenkins,
//! Azure Pipelines, ...).
//!
//! One `<testsuite>`; one `<testcase>` per file (its `name` and `file` are the path). Every
//! finding at or above `--fail-on` is a `<failure>` of its file's test case (type = rule code);
//! findings below it are listed in the test case's `<system-out>`, so a file with only `info`
//! findings passes. A file that could not be checked has an `<error>`, a file skipped while
//! walking (no policy in it) is `<skipped>`. Notices go to the suite's `<system-out>`.

use super::Run;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape::{xml_attr as attr, xml_line as text};

pub fn render(run: &Run<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut cases = String::new();
    let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
    for r in run.reports {
        if r.path.is_empty() {
            // Errors met while walking directories: one test case for the walk.
            for e in &r.errors {
                tests += 1;
                errors += 1;
                let _ = writeln!(
                    cases,
                    "    <testcase name=\"(walk)\" classname=\"cmek-lint\" time=\"0\">\n      <error message=\"{}\"/>\n    </testcase>",
                    attr(e)
                );
            }
            continue;
        }
        tests += 1;
        let path = attr(&r.path);
        let _ = write!(cases, "    <testcase name=\"{path}\" classname=\"cmek-lint\" file=\"{path}\" time=\"0\"");
        let mut body = String::new();
        let mut below = String::new();
        if !r.errors.is_empty() {
            errors += 1;
            for e in &r.errors {
                let _ = writeln!(body, "      <error message=\"{}\" type=\"error\"/>", attr(e));
            }
        } else if r.skipped {
            skipped += 1;
            let _ = writeln!(body, "      <skipped message=\"no IAM or KMS policy in this file\"/>");
        }
        let mut failed = false;
        for d in &r.diagnostics {
            let g = &d.diagnostic;
            let line = format!(
                "{}:{}:{}: {}[{}] {}",
                r.path,
                d.start.line,
                d.start.column,
                g.severity.as_str(),
                g.code,
                g.message
            );
            if g.severity >= run.fail_on {
                failed = true;
                let mut body_text = text(&line);
                if let Some(h) = &g.help {
                    body_text.push_str("\nhelp: ");
                    body_text.push_str(&text(h));
                }
                if !g.pointer.is_empty() {
                    body_text.push_str("\npointer: ");
                    body_text.push_str(&text(&g.pointer));
                }
                let _ = writeln!(
                    body,
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                    attr(&format!("{} {}: {}", g.code, g.name, g.message)),
                    attr(g.code),
                    body_text
                );
            } else {
                below.push_str(&text(&line));
                below.push('\n');
            }
        }
        if failed {
            failures += 1;
        }
        if !below.is_empty() {
            let _ = writeln!(body, "      <system-out>{below}</system-out>");
        }
        if body.is_empty() {
            cases.push_str("/>\n");
        } else {
            let _ = write!(cases, ">\n{body}    </testcase>\n");
        }
    }
    let time = format!("{:.3}", run.summary.elapsed_ms as f64 / 1000.0);
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites name=\"cmek-lint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{time}\">"
    )?;
    writeln!(
        out,
        "  <testsuite name=\"cmek-lint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{time}\">"
    )?;
    out.write_all(cases.as_bytes())?;
    if !run.notices.is_empty() {
        let lines: Vec<String> = run.notices.iter().map(|n| text(&n.one_line())).collect();
        writeln!(out, "    <system-out>{}</system-out>", lines.join("\n"))?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}
