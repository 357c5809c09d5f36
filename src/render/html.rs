//! The HTML audit report (`--format html --output report.html`): one self-contained page for
//! a one-off audit of many exported policies.
//!
//! No network: styles and script are inline and a Content-Security-Policy forbids loading
//! anything else. The page shows totals by severity, by rule and by file as CSS bar charts, and
//! a table of every finding with its source snippet (span highlighted) and its rule's
//! explanation. The table is rendered in the HTML (readable without scripts); the script adds
//! sorting (click a column header), filtering (text, severity, rule) and keeps the view in the
//! URL fragment (`#q=text&severity=error&rule=CMK115&sort=file&dir=desc`), so a filtered view
//! can be linked.

use super::Run;
use crate::diagnostic::{Resolved, Severity};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape::xml_text as escape;

/// One line of text with `code` spans as HTML (messages, help).
fn inline(s: &str) -> String {
    let escaped = escape(s);
    if escaped.matches('`').count() < 2 {
        return escaped;
    }
    let mut out = String::new();
    for (i, part) in escaped.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// Rule documentation (Markdown-ish: paragraphs and `code`) as HTML.
fn prose(s: &str) -> String {
    let mut out = String::new();
    for para in s.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let _ = write!(out, "<p>{}</p>", inline(para));
    }
    out
}

fn rank(s: Severity) -> u8 {
    match s {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
        Severity::Critical => 3,
    }
}

/// A line with several character ranges (`from..to`, `None` = end of line) marked; ranges that
/// overlap an earlier one are dropped.
fn marked_ranges(line: &str, mut ranges: Vec<(usize, Option<usize>, &str)>) -> String {
    let len = line.chars().count();
    ranges.sort_by_key(|r| r.0);
    let mut out = String::new();
    let mut at = 0;
    let chars: Vec<char> = line.chars().collect();
    let part = |a: usize, b: usize| escape(&chars[a..b].iter().collect::<String>());
    for (from, to, class) in ranges {
        let from = from.min(len);
        if from < at {
            continue;
        }
        let to = to.unwrap_or(len).clamp(from, len);
        out.push_str(&part(at, from));
        if from == to {
            let _ = write!(out, "<mark class=\"{class} caret\"></mark>");
        } else {
            let _ = write!(out, "<mark class=\"{class}\">{}</mark>", part(from, to));
        }
        at = to;
    }
    out.push_str(&part(at, len));
    out
}

/// The snippet of a finding: its lines, numbered, with the primary span and labels marked.
fn snippet(d: &Resolved) -> String {
    let width = d.lines.iter().map(|l| l.number.to_string().len()).max().unwrap_or(1);
    let mut out = String::from("<pre class=\"snippet\">");
    for line in &d.lines {
        let n = line.number;
        // Columns of the whole line, into the part kept of it.
        let col = |c: u32| c.saturating_sub(line.first_column) as usize;
        let mut ranges = Vec::new();
        if n == d.start.line {
            ranges.push((col(d.start.column), (d.end.line == n).then(|| col(d.end.column)), "primary"));
        } else if n == d.end.line {
            ranges.push((0, Some(col(d.end.column)), "primary"));
        }
        for l in d.labels.iter().filter(|l| l.start.line == n) {
            ranges.push((col(l.start.column), (l.end.line == n).then(|| col(l.end.column)), "label"));
        }
        let (before, after) = (if line.first_column > 1 { "…" } else { "" }, if line.cut_after { "…" } else { "" });
        let marked = marked_ranges(&line.text, ranges);
        let _ = writeln!(out, "<span class=\"ln\">{n:>width$}</span> {before}{marked}{after}");
    }
    for l in &d.labels {
        let _ =
            writeln!(out, "<span class=\"note\">{}:{}: {}</span>", l.start.line, l.start.column, escape(&l.message));
    }
    out.push_str("</pre>");
    out
}

/// One bar of a chart.
fn bar(out: &mut String, label: &str, href: Option<&str>, n: usize, max: usize, class: &str) {
    let pct = if max == 0 { 0.0 } else { n as f64 * 100.0 / max as f64 };
    let label = match href {
        Some(h) => format!("<a href=\"{}\">{label}</a>", escape(h)),
        None => label.to_string(),
    };
    let _ = writeln!(
        out,
        "<div class=\"bar-row\"><span class=\"bar-label\">{label}</span><span class=\"bar-track\"><span class=\"bar {class}\" style=\"width:{pct:.1}%\"></span></span><span class=\"bar-count\">{n}</span></div>"
    );
}

const STYLE: &str = r#"
:root{--critical:#8e24aa;--error:#d32f2f;--warning:#f9a825;--info:#0288d1;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--alt:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1200px;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:18px 0 4px}h4{font-size:13px;margin:10px 0 2px;color:var(--muted)}
.meta{color:var(--muted);margin:0}
.tiles{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.tile{border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:120px}
.tile b{display:block;font-size:22px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:24px}
.bar-row{display:grid;grid-template-columns:minmax(120px,40%) 1fr 48px;gap:8px;align-items:center;margin:3px 0}
.bar-label{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
#chart-file .bar-label{direction:rtl;text-align:left}
.bar-track{background:var(--alt);border-radius:3px;height:14px;display:block}
.bar{display:block;height:14px;border-radius:3px;background:#57606a}
.bar.critical{background:var(--critical)}.bar.error{background:var(--error)}.bar.warning{background:var(--warning)}.bar.info{background:var(--info)}
.bar-count{text-align:right;font-variant-numeric:tabular-nums}
.controls{display:flex;gap:8px;flex-wrap:wrap;align-items:center;margin:8px 0}
.controls input,.controls select{font:inherit;padding:4px 6px;border:1px solid var(--line);border-radius:4px}
#q{min-width:260px}
table{border-collapse:collapse;width:100%;table-layout:fixed}
th:nth-child(1){width:90px}th:nth-child(2){width:150px}th:nth-child(3){width:200px}
td{overflow-wrap:anywhere}
th,td{text-align:left;vertical-align:top;border-bottom:1px solid var(--line);padding:6px 8px}
th{background:var(--alt);cursor:pointer;user-select:none;white-space:nowrap}
th[aria-sort=ascending]::after{content:" \25B2"}th[aria-sort=descending]::after{content:" \25BC"}
td.loc{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;word-break:break-all}
.badge{display:inline-block;border-radius:10px;padding:0 8px;color:#fff;font-size:12px;font-weight:600}
.badge.critical{background:var(--critical)}.badge.error{background:var(--error)}.badge.warning{background:var(--warning);color:#000}.badge.info{background:var(--info)}
details{margin-top:4px}summary{cursor:pointer;color:var(--muted)}
pre.snippet{background:var(--alt);border:1px solid var(--line);border-radius:4px;padding:8px;overflow-x:auto;font-size:12px;margin:6px 0}
.ln{color:var(--muted);user-select:none}
mark.primary{background:#ffd7d5;outline:1px solid var(--error)}mark.label{background:#ddf4ff}
mark.caret{display:inline-block;width:2px;height:1em;background:var(--error);vertical-align:text-bottom}
.note{color:var(--muted)}
.help{margin:4px 0}
.rule-doc{border:1px solid var(--line);border-radius:6px;padding:4px 14px;margin:10px 0}
table.access{table-layout:auto;margin-bottom:8px}table.access th{cursor:default;width:auto}
.decision.unexpected{color:var(--error);font-weight:600}.decision.unknown{color:var(--muted)}
.notices li{margin:2px 0}
footer{margin-top:32px;color:var(--muted);font-size:12px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--alt);padding:0 3px;border-radius:3px}
@media print{.controls{display:none}details{display:block}}
"#;

const SCRIPT: &str = r#"
(function () {
  var table = document.getElementById('findings-table');
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var q = document.getElementById('q'), sev = document.getElementById('severity'), rule = document.getElementById('rule');
  var count = document.getElementById('count'), empty = document.getElementById('empty');
  var state = { sort: 'severity', dir: 'desc' };
  var keys = {
    severity: function (r) { return [-Number(r.dataset.sev)].concat(keys.location(r)); },
    rule: function (r) { return [r.dataset.rule].concat(keys.location(r)); },
    location: function (r) { return [r.dataset.file, Number(r.dataset.line), Number(r.dataset.col)]; },
    message: function (r) { return [r.dataset.msg]; }
  };
  function cmp(a, b) {
    for (var i = 0; i < a.length; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  }
  function apply() {
    var text = q.value.trim().toLowerCase(), s = sev.value, r = rule.value, shown = 0;
    var key = keys[state.sort] || keys.severity, sign = state.dir === 'asc' ? 1 : -1;
    if (state.sort === 'severity') sign = -sign;
    rows.sort(function (a, b) { return sign * cmp(key(a), key(b)); });
    rows.forEach(function (row) {
      var ok = (!s || row.dataset.severity === s) && (!r || row.dataset.rule === r) &&
        (!text || row.textContent.toLowerCase().indexOf(text) >= 0);
      row.hidden = !ok;
      if (ok) shown++;
      tbody.appendChild(row);
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.setAttribute('aria-sort', th.dataset.key === state.sort ? (state.dir === 'asc' ? 'ascending' : 'descending') : 'none');
    });
    count.textContent = 'Showing ' + shown + ' of ' + rows.length + ' findings';
    empty.hidden = shown !== 0;
    var parts = [];
    if (text) parts.push('q=' + encodeURIComponent(q.value.trim()));
    if (s) parts.push('severity=' + encodeURIComponent(s));
    if (r) parts.push('rule=' + encodeURIComponent(r));
    if (state.sort !== 'severity' || state.dir !== 'desc') parts.push('sort=' + state.sort, 'dir=' + state.dir);
    var hash = parts.length ? '#' + parts.join('&') : '';
    if (hash !== location.hash && history.replaceState) history.replaceState(null, '', hash || location.pathname);
  }
  function fromHash() {
    location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
      var i = kv.indexOf('='); if (i < 0) return;
      var k = kv.slice(0, i), v = decodeURIComponent(kv.slice(i + 1).replace(/\+/g, ' '));
      if (k === 'q') q.value = v;
      else if (k === 'severity') sev.value = v;
      else if (k === 'rule') rule.value = v;
      else if (k === 'sort' && keys[v]) state.sort = v;
      else if (k === 'dir' && (v === 'asc' || v === 'desc')) state.dir = v;
    });
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    th.addEventListener('click', function () {
      var k = th.dataset.key;
      if (state.sort === k) state.dir = state.dir === 'asc' ? 'desc' : 'asc';
      else { state.sort = k; state.dir = k === 'severity' ? 'desc' : 'asc'; }
      apply();
    });
  });
  [q, sev, rule].forEach(function (el) { el.addEventListener('input', apply); el.addEventListener('change', apply); });
  fromHash();
  apply();
  document.documentElement.setAttribute('data-ready', 'true');
})();
"#;

pub fn render(run: &Run<'_>, out: &mut dyn Write) -> io::Result<()> {
    let tally = Tally::of(run);
    let mut page = String::new();
    head(&mut page, run, &tally);
    totals(&mut page, run, &tally);
    notes(&mut page, run);
    access(&mut page, run);
    findings(&mut page, run, &tally);
    rule_docs(&mut page, run, &tally);
    foot(&mut page, run);
    out.write_all(page.as_bytes())
}

/// Findings counted by rule (code → count and name) and by file, and in all.
struct Tally<'a> {
    by_rule: BTreeMap<&'a str, (usize, &'a str)>,
    by_file: Vec<(usize, &'a str)>,
    total: usize,
}

impl<'a> Tally<'a> {
    fn of(run: &Run<'a>) -> Self {
        let mut by_rule: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
        let mut by_file: Vec<(usize, &str)> = Vec::new();
        for r in run.reports {
            if !r.diagnostics.is_empty() {
                by_file.push((r.diagnostics.len(), &r.path));
            }
            for d in &r.diagnostics {
                by_rule.entry(d.diagnostic.code).or_insert((0, d.diagnostic.name)).0 += 1;
            }
        }
        Tally { by_rule, by_file, total: run.summary.findings() }
    }
}

/// The document's head, styles and title line.
fn head(page: &mut String, run: &Run<'_>, tally: &Tally<'_>) {
    let s = run.summary;
    let total = tally.total;
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    page.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n");
    page.push_str("<title>cmek-lint audit report</title>\n<style>");
    page.push_str(STYLE);
    page.push_str("</style>\n</head>\n<body>\n<header>\n<h1>cmek-lint audit report</h1>\n");
    let _ = writeln!(
        page,
        "<p class=\"meta\">cmek-lint {} · {} file{} checked · {} polic{} · {} finding{}{}{}</p>\n</header>",
        env!("CARGO_PKG_VERSION"),
        s.files_checked,
        if s.files_checked == 1 { "" } else { "s" },
        s.policies,
        if s.policies == 1 { "y" } else { "ies" },
        total,
        if total == 1 { "" } else { "s" },
        if s.suppressed > 0 { format!(" · {} suppressed", s.suppressed) } else { String::new() },
        if s.baselined > 0 { format!(" · {} in baseline", s.baselined) } else { String::new() },
    );
}

/// Totals: tiles and charts by severity, rule and file.
fn totals(page: &mut String, run: &Run<'_>, tally: &Tally<'_>) {
    let s = run.summary;
    let total = tally.total;
    let by_rule = &tally.by_rule;
    let mut by_file = tally.by_file.clone();
    // Totals.
    page.push_str("<section id=\"totals\">\n<div class=\"tiles\">\n");
    for (n, label) in [
        (s.files_checked, "files checked"),
        (s.policies, "policies"),
        (total, "findings"),
        (run.reports.iter().filter(|r| !r.diagnostics.is_empty()).count(), "files with findings"),
    ] {
        let _ = writeln!(page, "<div class=\"tile\"><b>{n}</b>{label}</div>");
    }
    page.push_str("</div>\n<div class=\"charts\">\n<div id=\"chart-severity\">\n<h2>By severity</h2>\n");
    let sev_counts = [
        (Severity::Critical, s.critical),
        (Severity::Error, s.error),
        (Severity::Warning, s.warning),
        (Severity::Info, s.info),
    ];
    let max = sev_counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
    for (sev, n) in sev_counts {
        let href = format!("#severity={}", sev.as_str());
        bar(page, sev.as_str(), Some(&href), n, max, sev.as_str());
    }
    page.push_str("</div>\n<div id=\"chart-rule\">\n<h2>By rule</h2>\n");
    let mut rules: Vec<(&str, usize, &str)> = by_rule.iter().map(|(c, (n, name))| (*c, *n, *name)).collect();
    rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let max = rules.first().map_or(0, |r| r.1);
    if rules.is_empty() {
        page.push_str("<p>No findings.</p>\n");
    }
    for (code, n, name) in &rules {
        let sev = run
            .registry
            .rules
            .iter()
            .position(|r| r.record.code == *code)
            .and_then(|i| run.rule_severity.get(i).copied())
            .unwrap_or(Severity::Error);
        let label = format!("{} <small>{}</small>", escape(code), escape(name));
        bar(page, &label, Some(&format!("#rule={code}")), *n, max, sev.as_str());
    }
    page.push_str("</div>\n<div id=\"chart-file\">\n<h2>Files with the most findings</h2>\n");
    by_file.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let max = by_file.first().map_or(0, |f| f.0);
    if by_file.is_empty() {
        page.push_str("<p>No findings.</p>\n");
    }
    for (n, path) in by_file.iter().take(15) {
        bar(page, &escape(path), None, *n, max, "file");
    }
    page.push_str("</div>\n</div>\n</section>\n");
}

/// Problems with the run itself: files not checked, notices.
fn notes(page: &mut String, run: &Run<'_>) {
    // Problems with the run itself.
    let errors: Vec<&String> = run.reports.iter().flat_map(|r| r.errors.iter()).collect();
    if !errors.is_empty() || !run.notices.is_empty() {
        page.push_str("<section id=\"notices\">\n<h2>Notes on this run</h2>\n<ul class=\"notices\">\n");
        for e in errors {
            let _ = writeln!(page, "<li><span class=\"badge error\">not checked</span> {}</li>", escape(e));
        }
        for n in run.notices {
            let _ = writeln!(
                page,
                "<li><span class=\"badge {}\">{}</span> {}</li>",
                n.severity.as_str(),
                n.severity.as_str(),
                escape(&n.one_line())
            );
        }
        page.push_str("</ul>\n</section>\n");
    }
}

/// `cmek-lint access`'s table per setup: scenario, expected and actual decision, and the
/// deciding statements (`file:line`), with the counterexample of an unexpected decision.
fn access(page: &mut String, run: &Run<'_>) {
    use crate::eval::Decision;
    if run.access.is_empty() {
        return;
    }
    let word = |d: Decision| match d {
        Decision::Allowed => "allowed",
        Decision::Denied => "denied",
        Decision::Unknown => "unknown",
    };
    page.push_str("<section id=\"access\">\n<h2>Access: who can assume the role and use the key</h2>\n");
    page.push_str("<p class=\"note\">Pinecone's requests and an attacker's, evaluated against each setup's trust, key and permissions policies (as <code>cmek-lint access</code>).</p>\n");
    for s in run.access {
        let folder = if s.folder.is_empty() { "." } else { s.folder.as_str() };
        let arn = |a: &Option<String>| {
            a.as_deref().map_or_else(|| "(unknown)".to_string(), |a| format!("<code>{}</code>", escape(a)))
        };
        let _ = writeln!(
            page,
            "<div class=\"setup\">\n<h3>{}</h3>\n<p class=\"meta\">role {} · key {}</p>",
            escape(folder),
            arn(&s.role_arn),
            arn(&s.key_arn)
        );
        for n in &s.notes {
            let _ = writeln!(page, "<p class=\"note\">{}</p>", inline(n));
        }
        page.push_str("<table class=\"access\">\n<thead><tr><th>Scenario</th><th>Expected</th><th>Decision</th><th>Deciding statement</th></tr></thead>\n<tbody>\n");
        for c in &s.checks {
            let mut deciding: Vec<String> = Vec::new();
            for p in &c.deciding {
                let at = format!("{}:{}", escape(&p.file), p.line);
                if !deciding.contains(&at) {
                    deciding.push(at);
                }
            }
            let deciding = if deciding.is_empty() {
                let why = if c.decision == Decision::Unknown { c.reason.as_str() } else { "(no statement allows)" };
                format!("<span class=\"note\">{}</span>", inline(why))
            } else {
                format!("<span class=\"loc\">{}</span>", deciding.join(", "))
            };
            let class = match (c.unexpected(), c.decision) {
                (true, _) => "unexpected",
                (false, Decision::Unknown) => "unknown",
                (false, _) => "expected",
            };
            let witness = c
                .witness
                .as_deref()
                .map(|w| {
                    let because =
                        if c.reason.is_empty() { String::new() } else { format!(" — {}", escape(&c.reason)) };
                    format!("<div class=\"note\">counterexample: <code>{}</code>{because}</div>", escape(w))
                })
                .unwrap_or_default();
            let _ = writeln!(
                page,
                "<tr class=\"access-row\" data-scenario=\"{}\"><td><code>{}</code></td><td>{}</td><td class=\"decision {class}\">{}</td><td>{deciding}{witness}</td></tr>",
                escape(&c.scenario),
                escape(&c.scenario),
                c.expected.map_or("-", word),
                word(c.decision),
            );
        }
        page.push_str("</tbody>\n</table>\n</div>\n");
    }
    page.push_str("</section>\n");
}

/// The findings table, with its filters.
fn findings(page: &mut String, run: &Run<'_>, tally: &Tally<'_>) {
    let total = tally.total;
    let by_rule = &tally.by_rule;
    // The findings table.
    page.push_str("<section id=\"findings\">\n<h2>Findings</h2>\n<div class=\"controls\">\n");
    page.push_str(
        "<input id=\"q\" type=\"search\" placeholder=\"Filter by text, file, rule…\" aria-label=\"Filter findings\">\n",
    );
    page.push_str("<select id=\"severity\" aria-label=\"Severity\"><option value=\"\">All severities</option>");
    for sev in ["critical", "error", "warning", "info"] {
        let _ = write!(page, "<option value=\"{sev}\">{sev}</option>");
    }
    page.push_str("</select>\n<select id=\"rule\" aria-label=\"Rule\"><option value=\"\">All rules</option>");
    for (code, (n, name)) in by_rule {
        let _ = write!(page, "<option value=\"{}\">{} {} ({n})</option>", escape(code), escape(code), escape(name));
    }
    let _ = writeln!(page, "</select>\n<span id=\"count\">{total} findings</span>\n</div>");
    page.push_str("<table id=\"findings-table\">\n<thead><tr><th data-key=\"severity\">Severity</th><th data-key=\"rule\">Rule</th><th data-key=\"location\">Location</th><th data-key=\"message\">Finding</th></tr></thead>\n<tbody>\n");
    for r in run.reports {
        for d in &r.diagnostics {
            finding_row(page, run, &r.path, d);
        }
    }
    page.push_str("</tbody>\n</table>\n<p id=\"empty\" hidden>No finding matches the filter.</p>\n</section>\n");
}

/// One row of the findings table, with its snippet and explanation folded in.
fn finding_row(page: &mut String, run: &Run<'_>, path: &str, d: &Resolved) {
    let g = &d.diagnostic;
    let record = run.registry.find(g.code).map(|r| r.record);
    let origin = g.origin.as_deref().map(|o| format!("<br><small>{}</small>", escape(o))).unwrap_or_default();
    let _ = write!(
        page,
        "<tr class=\"finding\" data-severity=\"{sev}\" data-sev=\"{rank}\" data-rule=\"{code}\" data-file=\"{file}\" data-line=\"{line}\" data-col=\"{col}\" data-msg=\"{msg}\">\
    <td><span class=\"badge {sev}\">{sev}</span></td>\
    <td><a href=\"#rule-{code}\">{code}</a><br><small>{name}</small></td>\
    <td class=\"loc\">{file}:{line}:{col}{origin}</td>\
    <td>{msg_html}<details><summary>Source and explanation</summary>{snippet}",
        sev = g.severity.as_str(),
        rank = rank(g.severity),
        code = escape(g.code),
        name = escape(g.name),
        file = escape(path),
        line = d.start.line,
        col = d.start.column,
        msg = escape(&g.message),
        msg_html = inline(&g.message),
        snippet = snippet(d),
    );
    if let Some(h) = &g.help {
        let _ = write!(page, "<p class=\"help\"><b>Help:</b> {}</p>", inline(h));
    }
    if !g.pointer.is_empty() {
        let _ = write!(page, "<p class=\"help\"><b>Pointer:</b> <code>{}</code></p>", escape(&g.pointer));
    }
    if let Some(rec) = record {
        let _ = write!(
            page,
            "<h4>Rule: {}</h4><h4>Why it matters</h4>{}<h4>How to fix</h4>{}",
            inline(rec.summary),
            prose(rec.why),
            prose(rec.fix)
        );
    }
    page.push_str("</details></td></tr>\n");
}

/// Explanations of the rules that fired.
fn rule_docs(page: &mut String, run: &Run<'_>, tally: &Tally<'_>) {
    let by_rule = &tally.by_rule;
    // Explanations of the rules that fired.
    if !by_rule.is_empty() {
        page.push_str("<section id=\"rules\">\n<h2>Rules that reported findings</h2>\n");
        for code in by_rule.keys() {
            let Some(rule) = run.registry.find(code) else { continue };
            let r = rule.record;
            let _ = writeln!(
                page,
                "<article class=\"rule-doc\" id=\"rule-{code}\"><h3>{code} {name} <span class=\"badge {sev}\">{sev}</span></h3>{summary}<h4>Why it matters</h4>{why}<h4>How to fix</h4>{fix}<h4>Example</h4><pre class=\"snippet\">{bad}</pre><h4>Use instead</h4><pre class=\"snippet\">{good}</pre></article>",
                code = escape(r.code),
                name = escape(r.name),
                sev = r.severity.as_str(),
                summary = prose(r.summary),
                why = prose(r.why),
                fix = prose(r.fix),
                bad = escape(r.bad),
                good = escape(r.good),
            );
        }
        page.push_str("</section>\n");
    }
}

/// The footer and the filtering script.
fn foot(page: &mut String, run: &Run<'_>) {
    let s = run.summary;
    let _ = writeln!(
        page,
        "<footer>Generated by cmek-lint {} in {} ms. This page is self-contained: it loads nothing from the network.</footer>",
        env!("CARGO_PKG_VERSION"),
        s.elapsed_ms
    );
    page.push_str("<script>");
    page.push_str(SCRIPT);
    page.push_str("</script>\n</body>\n</html>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_spans_by_character() {
        assert_eq!(
            marked_ranges("ab<é>cd", vec![(2, Some(5), "primary")]),
            "ab<mark class=\"primary\">&lt;é&gt;</mark>cd"
        );
        assert_eq!(marked_ranges("abc", vec![(1, None, "label")]), "a<mark class=\"label\">bc</mark>");
        assert!(marked_ranges("abc", vec![(3, Some(3), "primary")]).contains("caret"));
        // two ranges on one line, given out of order; an overlapping one is dropped
        assert_eq!(
            marked_ranges("a b c", vec![(4, Some(5), "primary"), (0, Some(1), "label"), (0, Some(5), "label")]),
            "<mark class=\"label\">a</mark> b <mark class=\"primary\">c</mark>"
        );
    }

    #[test]
    fn prose_escapes_and_formats_code() {
        assert_eq!(
            prose("Use `kms:*` <carefully>.\n\nAgain."),
            "<p>Use <code>kms:*</code> &lt;carefully&gt;.</p><p>Again.</p>"
        );
    }
}
