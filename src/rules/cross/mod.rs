//! Cross-document rules (CMK6xx): checks over a whole CMEK setup (role trusting Pinecone, key,
//! key policy, permissions policies, Pinecone-side values) grouped by [`crate::setup`].
//!
//! They do not run per document: the registry entries below are placeholders so the records
//! have an implementation; the setup pass calls [`check`] once per run.

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Label, Resolved, ResolvedLabel, Severity};
use crate::policy::Arn;
use crate::rules::{CheckFn, Ctx, Registry, Reporter};
use crate::setup::{Loc, Setup, TrustFact, Values, names_key, names_role};

fn setup_pass(_: &Ctx<'_>, _: &mut Reporter) {}

pub(super) const CHECKS: &[(&str, CheckFn)] = &[
    ("key-policy-other-role", setup_pass),
    ("role-missing-key-access", setup_pass),
    ("external-id-mismatch", setup_pass),
    ("key-arn-mismatch", setup_pass),
    ("trust-regions-miss-key-region", setup_pass),
    ("key-role-partition-mismatch", setup_pass),
];

struct Out<'a> {
    registry: &'a Registry,
    settings: &'a Settings,
    found: Vec<(String, Resolved)>,
}

impl Out<'_> {
    fn push(&mut self, name: &str, at: &Loc, message: String, help: String, label: Option<(&Loc, String)>) {
        let Some(index) = self.registry.rules.iter().position(|r| r.record.name == name) else { return };
        if !self.settings.enabled[index] || self.settings.ignored_for(std::path::Path::new(&at.file), index) {
            return;
        }
        let record = self.registry.rules[index].record;
        let severity: Severity = self.settings.severity[index].unwrap_or(record.severity);
        let same_file = label.as_ref().is_some_and(|(l, _)| l.file == at.file);
        let labels: Vec<Label> = label
            .iter()
            .map(|(l, m)| Label { span: l.span, message: m.clone(), file: (!same_file).then(|| l.file.clone()) })
            .collect();
        let resolved_labels: Vec<ResolvedLabel> = label
            .iter()
            .map(|(l, m)| ResolvedLabel {
                start: l.start,
                end: l.end,
                message: m.clone(),
                file: (!same_file).then(|| l.file.clone()),
                line_text: (!same_file).then(|| l.line_text.clone()),
            })
            .collect();
        let mut lines = vec![(at.start.line, at.line_text.clone())];
        if let Some((l, _)) = label.as_ref().filter(|_| same_file) {
            if l.start.line != at.start.line {
                lines.push((l.start.line, l.line_text.clone()));
            }
        }
        lines.sort();
        let end = if at.end.line == at.start.line { at.end } else { at.start };
        let diagnostic = Diagnostic {
            code: record.code,
            name: record.name,
            severity,
            message,
            span: at.span,
            labels,
            help: Some(help),
            kind: None,
            pointer: String::new(),
            origin: at.origin.clone(),
        };
        self.found
            .push((at.file.clone(), Resolved { diagnostic, start: at.start, end, labels: resolved_labels, lines }));
    }
}

fn role_desc(role: &TrustFact) -> String {
    role.arn
        .clone()
        .or_else(|| role.name.clone())
        .or_else(|| role.ids.first().cloned())
        .unwrap_or_else(|| "the role".into())
}

/// Run every cross-document rule on the setups of a run. Findings come with their file.
pub fn check(setups: &[Setup], values: &Values, registry: &Registry, settings: &Settings) -> Vec<(String, Resolved)> {
    let mut out = Out { registry, settings, found: Vec::new() };
    // Roles already checked (a role is in several setups when its folder has several keys), and
    // the first use of each external id per folder: hash maps keep the pass linear.
    let mut seen_roles: std::collections::HashSet<(String, u32, u32)> = std::collections::HashSet::new();
    let mut first_use: std::collections::HashMap<(String, String), Loc> = std::collections::HashMap::new();
    for s in setups {
        let Some(role) = &s.role else { continue };
        // The configured role ARN stands for a role whose ARN is only known at deploy time.
        let filled;
        let role = match (&role.arn, &values.role_arn) {
            (None, Some(arn)) => {
                let mut r = role.clone();
                r.ids.push(arn.to_ascii_lowercase());
                r.arn = Some(arn.clone());
                filled = r;
                &filled
            }
            _ => role,
        };
        let first_time = seen_roles.insert((role.at.file.clone(), role.at.start.line, role.at.start.column));
        let trust_label = (&role.at, format!("the role trusting Pinecone: {}", role_desc(role)));

        if let Some(kp) = &s.key_policy {
            let mine: Vec<_> = kp.grants.iter().filter(|g| names_role(&g.principal, role)).collect();
            // CMK606 / CMK601: a literal ARN that names the role's name with another account, path
            // or partition.
            let role_arn = role.arn.as_deref().and_then(Arn::parse);
            let mut near_miss = false;
            if mine.is_empty() {
                if let Some(ra) = role_arn {
                    for g in &kp.grants {
                        let Some(ga) = Arn::parse(&g.principal) else { continue };
                        if ga.resource_type != "role" || !ga.name().eq_ignore_ascii_case(ra.name()) {
                            continue;
                        }
                        near_miss = true;
                        let what = if ga.partition != ra.partition {
                            out.push(
                                "key-role-partition-mismatch",
                                &g.at,
                                format!(
                                    "the key policy names the role in partition `{}`, but the role is in `{}`",
                                    ga.partition, ra.partition
                                ),
                                "key and role must be in the same partition; write the role's ARN exactly as IAM shows it".into(),
                                Some(trust_label.clone()),
                            );
                            continue;
                        } else if ga.account != ra.account {
                            format!("account `{}` instead of `{}`", ga.account, ra.account)
                        } else {
                            "another path".to_string()
                        };
                        out.push(
                            "key-policy-other-role",
                            &g.at,
                            format!(
                                "the key policy grants key use to `{}`, not to the role trusting Pinecone `{}` ({what})",
                                g.principal,
                                role_desc(role)
                            ),
                            "copy the role's ARN exactly (account, path and name) from `aws iam get-role` into the key policy".into(),
                            Some(trust_label.clone()),
                        );
                    }
                }
                if !near_miss {
                    if let Some(g) = kp.grants.first() {
                        out.push(
                            "key-policy-other-role",
                            &g.at,
                            format!(
                                "the key policy grants key use to `{}`, but the role Pinecone assumes is `{}`",
                                g.principal,
                                role_desc(role)
                            ),
                            "name the role whose trust policy trusts Pinecone in the key policy's Principal (or make that role trust Pinecone)".into(),
                            Some(trust_label.clone()),
                        );
                    }
                }
            }
            // CMK602: the role cannot encrypt and decrypt with the key.
            let by_key_policy = mine.iter().any(|g| g.encrypt) && mine.iter().any(|g| g.decrypt);
            let key = s.key.as_ref();
            let identity = |want: fn(&crate::setup::Grant) -> bool| {
                s.permissions.iter().flat_map(|p| p.resources.iter()).any(|r| {
                    want(r) && (r.principal == "*" || key.is_none_or(|k| names_key(&r.principal, k) || k.arn.is_none()))
                })
            };
            let by_identity = kp.root && identity(|g| g.encrypt) && identity(|g| g.decrypt);
            if !by_key_policy && !by_identity && kp.grants.is_empty() {
                let why = if kp.root {
                    "the key policy only delegates to the account's IAM policies, and no permissions policy found allows kms:Encrypt and kms:Decrypt on this key"
                } else {
                    "no key policy statement names the role and the key policy does not delegate to IAM policies"
                };
                out.push(
                    "role-missing-key-access",
                    &kp.at,
                    format!("the role trusting Pinecone `{}` cannot use this key: {why}", role_desc(role)),
                    "add a key policy statement allowing the role kms:Encrypt, kms:Decrypt (and kms:DescribeKey), or keep the account statement and attach a permissions policy allowing them on the key ARN".into(),
                    Some(trust_label.clone()),
                );
            } else if !mine.is_empty() && !by_key_policy && !by_identity {
                let g = mine[0];
                let missing = if mine.iter().any(|g| g.encrypt) { "kms:Decrypt" } else { "kms:Encrypt" };
                out.push(
                    "role-missing-key-access",
                    &g.at,
                    format!("the key policy names the role trusting Pinecone but does not allow it {missing}"),
                    "allow the role kms:Encrypt and kms:Decrypt on the key".into(),
                    Some(trust_label.clone()),
                );
            }
        }

        if let Some(key) = &s.key {
            // CMK604: ARNs naming another key (the key found, else the configured key ARN).
            let found_arn = key.arn.as_deref();
            if let Some(key_arn) = found_arn.or(values.key_arn.as_deref()) {
                let what = if found_arn.is_some() { "the key found" } else { "the key ARN configured for Pinecone" };
                for p in &s.permissions {
                    for r in &p.resources {
                        let Some(ra) = Arn::parse(&r.principal) else { continue };
                        if ra.service != "kms" || ra.resource_type != "key" || r.principal.contains('*') {
                            continue;
                        }
                        if !r.principal.eq_ignore_ascii_case(key_arn) {
                            out.push(
                                "key-arn-mismatch",
                                &r.at,
                                format!(
                                    "the permissions policy names key `{}`, but {what} is `{key_arn}`",
                                    r.principal
                                ),
                                "use the key's ARN from `aws kms describe-key` in the permissions policy".into(),
                                Some((&key.at, format!("{what}: `{key_arn}`"))),
                            );
                        }
                    }
                }
                if let Some(want) =
                    values.key_arn.as_deref().filter(|w| found_arn.is_some() && !w.eq_ignore_ascii_case(key_arn))
                {
                    out.push(
                        "key-arn-mismatch",
                        &key.at,
                        format!("the key ARN configured for Pinecone is `{want}`, but this key is `{key_arn}`"),
                        "enter this key's ARN in the Pinecone console (and `[customer] key_arn`), or point to the right key".into(),
                        None,
                    );
                }
                if let (Some(ka), Some(ra)) = (Arn::parse(key_arn), role.arn.as_deref().and_then(Arn::parse)) {
                    if ka.partition != ra.partition {
                        out.push(
                            "key-role-partition-mismatch",
                            &key.at,
                            format!("the key is in partition `{}` but the role is in `{}`", ka.partition, ra.partition),
                            "create the key and the role in the same partition (Pinecone runs in `aws`)".into(),
                            Some(trust_label.clone()),
                        );
                    }
                }
            }
            // CMK605: the trust's region list misses the key's region.
            let region = key.region.clone().or_else(|| {
                values.key_arn.as_deref().and_then(Arn::parse).map(|a| a.region.to_string()).filter(|r| !r.is_empty())
            });
            if let Some(region) = region.as_deref() {
                // A region Pinecone does not serve is CMK507's finding, not this one's.
                let served = settings.regions.iter().any(|r| r == region);
                if served && !role.regions.is_empty() && !role.regions.iter().any(|r| r == region) {
                    out.push(
                        "trust-regions-miss-key-region",
                        &role.at,
                        format!(
                            "the trust policy lets Pinecone in from {} only, but the key is in `{region}`",
                            role.regions.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
                        ),
                        format!("add `arn:aws:iam::<pinecone account>:role/pinecone_cmek_access_{region}` to the trust policy's principals"),
                        Some((&key.at, format!("key in `{region}`"))),
                    );
                }
            }
        }

        if first_time {
            // CMK603: external id differs from the configured one, or is reused.
            if let Some(want) = values.external_id.as_deref() {
                for e in role.external_ids.iter().filter(|e| e.value != want && !e.value.contains("${")) {
                    out.push(
                        "external-id-mismatch",
                        &e.at,
                        format!("the trust policy's external id `{}` differs from the one configured for Pinecone `{want}`", e.value),
                        "use the external id shown in the Pinecone console (and `[customer] external_id`) in the trust policy".into(),
                        None,
                    );
                }
            }
            // Reuse: roles of one folder with a known identity (not loose sample policies), once.
            let mut reported = false;
            for e in role.external_ids.iter().filter(|e| !e.value.contains("${") && !e.value.contains("XXXX")) {
                if role.ids.is_empty() {
                    break;
                }
                match first_use.entry((s.scope.clone(), e.value.clone())) {
                    std::collections::hash_map::Entry::Occupied(o) => {
                        if !reported && (o.get().file != e.at.file || o.get().start.line != e.at.start.line) {
                            reported = true;
                            out.push(
                                "external-id-mismatch",
                                &e.at,
                                format!("two roles trusting Pinecone use the same external id `{}`", e.value),
                                "give every role its own external id (a fresh UUID v4 per setup)".into(),
                                Some((o.get(), "also used here".into())),
                            );
                        }
                    }
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(e.at.clone());
                    }
                }
            }
        }
    }
    out.found.sort_by(|a, b| {
        (&a.0, a.1.start.line, a.1.start.column, a.1.diagnostic.code).cmp(&(
            &b.0,
            b.1.start.line,
            b.1.start.column,
            b.1.diagnostic.code,
        ))
    });
    out.found.dedup_by(|a, b| a.0 == b.0 && a.1.diagnostic == b.1.diagnostic);
    out.found
}
