//! What the trust rules share: which ARNs name (or are meant to name) Pinecone's CMEK roles,
//! which statements trust Pinecone, and how a condition value pins the caller.
//!
//! A trust policy is a *Pinecone trust policy* when it names a `pinecone_cmek_access_*` role
//! (or a role whose name is clearly meant to be one: it mentions `pinecone` or is a near miss
//! of the prefix), in `Principal` or in an `aws:PrincipalArn` condition, or names the Pinecone
//! account configured in `cmek-lint.toml`. Pinecone-specific rules run only on those; the
//! generic security rules (an unbound `Principal: *`, optional or vacuous conditions) run on
//! every trust policy.

use crate::data::placeholders::{has_expression, placeholder_kind};
use crate::json::{Node, Value};
use crate::pinecone::PINECONE_REGIONS;
use crate::pinecone::ROLE_PREFIX;
use crate::pinecone::name_looks_pinecone;
use crate::policy::arn::is_account_id;
use crate::policy::{Arn, Operator, Policy, SetQualifier, Statement};
use crate::rules::RuleContext;
use crate::rules::util::{did_you_mean, sub_span};
use crate::settings::Settings;
use crate::source::Span;
use std::collections::HashSet;

pub(crate) const PRINCIPAL_ARN: &str = "aws:PrincipalArn";
pub(crate) const PRINCIPAL_ACCOUNT: &str = "aws:PrincipalAccount";
pub(crate) const PRINCIPAL_ORG_ID: &str = "aws:PrincipalOrgID";
pub(crate) const EXTERNAL_ID: &str = "sts:ExternalId";
pub(crate) const ASSUME_ROLE: &str = "sts:AssumeRole";

/// Condition keys that restrict who the caller is.
pub(crate) const PRINCIPAL_KEYS: &[&str] = &[PRINCIPAL_ARN, PRINCIPAL_ACCOUNT, PRINCIPAL_ORG_ID];

pub(crate) fn key_is(key: &str, wanted: &str) -> bool {
    key.eq_ignore_ascii_case(wanted)
}

pub(crate) fn is_principal_key(key: &str) -> bool {
    PRINCIPAL_KEYS.iter().any(|k| key_is(key, k))
}

/// Keys present in the request context of *every* signed `AssumeRole` call by an IAM
/// principal (IAM User Guide, global condition keys: "included in the request context for all
/// signed requests"). `IfExists`/`ForAllValues:` cannot skip them in practice.
pub(crate) fn always_present(key: &str) -> bool {
    key_is(key, PRINCIPAL_ARN) || key_is(key, PRINCIPAL_ACCOUNT)
}

/// Whether an operator treats `*`/`?` as wildcards. `ArnEquals`/`ArnNotEquals` do, per ARN
/// field, just like `ArnLike` (IAM User Guide, ARN condition operators).
pub(crate) fn matches_patterns(op: &Operator<'_>) -> bool {
    op.honours_wildcards() || matches!(op.base, "ArnEquals" | "ArnNotEquals")
}

/// Whether a value is only known at deploy time (`${...}`, `#{...}`, `{{...}}`): it must not
/// be judged.
pub(crate) fn is_unknown(text: &str) -> bool {
    has_expression(text) || text.contains("{{")
}

pub(crate) fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// The text of a string, template or number value.
pub(crate) fn value_text(node: &Node) -> Option<&str> {
    match &node.value {
        Value::String(s) | Value::Template(s) => Some(s),
        Value::Number(n) => Some(n),
        _ => None,
    }
}

/// Regions whose Pinecone role is known to exist or configured: Pinecone's AWS serverless
/// regions plus any the user configured.
pub(crate) fn served_regions(settings: &Settings) -> Vec<&str> {
    let mut out: Vec<&str> = PINECONE_REGIONS.to_vec();
    for r in &settings.regions {
        if !out.contains(&r.as_str()) {
            out.push(r);
        }
    }
    out
}

/// An IAM/STS ARN found where a trust policy names its principal: a `Principal` `AWS` value or
/// an `aws:PrincipalArn` condition value.
pub(crate) struct ArnRef<'a> {
    /// Position of the statement in `Policy::statements`.
    pub stmt: usize,
    pub node: &'a Node,
    pub text: &'a str,
    pub arn: Arn<'a>,
    /// The condition operator, `None` for a `Principal` value.
    pub op: Option<Operator<'a>>,
}

impl<'a> ArnRef<'a> {
    /// Whether `*`/`?` in this value act as wildcards.
    pub fn is_pattern(&self) -> bool {
        self.op.is_some_and(|op| matches_patterns(&op)) && has_wildcard(self.text)
    }
    /// A wildcard character where it does not act as one: in a literal comparison (CMK114) or
    /// in `Principal`, which takes no partial wildcards (CMK112). Those rules report it, and
    /// the trust rules leave the value alone.
    pub fn literal_wildcard(&self) -> bool {
        !self.op.is_some_and(|op| matches_patterns(&op)) && has_wildcard(self.text)
    }
    /// Byte offset of the role name (last path segment) inside the text.
    pub fn name_offset(&self) -> usize {
        self.arn.offsets[4] + self.arn.resource.len() - self.arn.name().len()
    }
    /// The role this ARN names: the last path segment of `role/...`, the role of an
    /// `assumed-role/<role>/<session>` ARN.
    pub fn role_name(&self) -> &'a str {
        if self.arn.resource_type == "assumed-role" {
            self.arn.resource_name.split('/').next().unwrap_or_default()
        } else {
            self.arn.name()
        }
    }
    /// The account field if it is a literal 12-digit id that is no documentation placeholder.
    pub fn real_account(&self) -> Option<&'a str> {
        let a = self.arn.account;
        (is_account_id(a) && placeholder_kind(a).is_none()).then_some(a)
    }
}

/// What a role name (or name pattern) says about Pinecone's roles.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum NameVerdict {
    /// `pinecone_cmek_access_<served region>`.
    Ok(String),
    /// A pattern; the served regions it matches (empty: matches no Pinecone role).
    Pattern(Vec<String>),
    /// A pattern broader than `pinecone_cmek_access_*` (e.g. `pinecone*`, `*`).
    Broader,
    /// The right shape with a region Pinecone does not serve.
    BadRegion { region: String, suggestion: Option<String> },
    /// Right name, wrong letter case.
    Case { canonical: String },
    /// Not Pinecone's naming; the suggested name, if one is clear.
    BadName { suggestion: Option<String> },
}

impl NameVerdict {
    /// The name meant, once the reported problem is fixed (for coverage checks, so one typo
    /// is not also reported as a missing region).
    pub fn intended_name(&self) -> Option<String> {
        match self {
            NameVerdict::BadRegion { suggestion, .. } => suggestion.as_ref().map(|r| format!("{ROLE_PREFIX}{r}")),
            NameVerdict::Case { canonical } | NameVerdict::BadName { suggestion: Some(canonical) } => {
                Some(canonical.clone())
            }
            _ => None,
        }
    }
}

/// Judge a role name against `pinecone_cmek_access_<region>`; `pattern` when wildcards act.
pub(crate) fn judge_name(name: &str, pattern: bool, served: &[&str]) -> NameVerdict {
    if pattern && has_wildcard(name) {
        let first = name.find(['*', '?']).unwrap_or(name.len());
        let literal = &name[..first];
        if ROLE_PREFIX.starts_with(literal) && literal.len() < ROLE_PREFIX.len() {
            return NameVerdict::Broader;
        }
        if !literal.starts_with(ROLE_PREFIX) && literal.to_ascii_lowercase().starts_with(ROLE_PREFIX) {
            return NameVerdict::Case { canonical: format!("{ROLE_PREFIX}{}", &name[ROLE_PREFIX.len()..]) };
        }
        if literal.starts_with(ROLE_PREFIX) {
            let want = &name[ROLE_PREFIX.len()..];
            let hits = served
                .iter()
                .filter(|r| crate::policy::wildcard_match(want.as_bytes(), r.as_bytes()))
                .map(|r| r.to_string())
                .collect();
            return NameVerdict::Pattern(hits);
        }
        return NameVerdict::BadName { suggestion: Some(format!("{ROLE_PREFIX}{}", &name[first..])) };
    }
    if let Some(region) = name.strip_prefix(ROLE_PREFIX) {
        if served.contains(&region) {
            return NameVerdict::Ok(region.to_string());
        }
        // A well-formed AWS region (`us-east-2`) is a region Pinecone does not serve, not a
        // typo: guessing a neighbour would be wrong. Typos (`us-east1`) get a suggestion.
        let suggestion = if is_region_name(region) {
            None
        } else {
            did_you_mean(region, served.iter().copied()).map(str::to_string)
        };
        return NameVerdict::BadRegion { region: region.to_string(), suggestion };
    }
    if let Some(r) = served.iter().find(|r| name.eq_ignore_ascii_case(&format!("{ROLE_PREFIX}{r}"))) {
        return NameVerdict::Case { canonical: format!("{ROLE_PREFIX}{r}") };
    }
    // A known region at the end (`pinecone-cmek-access-us-east-1`, `..._us_east_1`).
    let lower = name.to_ascii_lowercase();
    for r in served {
        let underscored = r.replace('-', "_");
        if lower.ends_with(r) || lower.ends_with(&underscored) {
            return NameVerdict::BadName { suggestion: Some(format!("{ROLE_PREFIX}{r}")) };
        }
    }
    let candidates: Vec<String> = served.iter().map(|r| format!("{ROLE_PREFIX}{r}")).collect();
    let suggestion = did_you_mean(name, candidates.iter().map(String::as_str)).map(str::to_string);
    NameVerdict::BadName { suggestion }
}

/// Whether `s` has the shape of an AWS region name (`us-east-1`, `ap-southeast-2`,
/// `us-gov-west-1`).
pub(crate) fn is_region_name(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts.last().is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// How one condition value restricts the caller (for `Principal: *`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Pin {
    /// Matches callers of one account (or organization), or nobody at all (a placeholder or a
    /// literal that can never equal an ARN fails closed).
    Pinned,
    /// Matches callers of any account; the byte range of the offending part of the value.
    Open { start: usize, end: usize, why: &'static str },
}

/// Judge one value of a positive condition on a principal key.
pub(crate) fn pin_of(key: &str, op: &Operator<'_>, text: &str) -> Pin {
    if is_unknown(text) || !matches_patterns(op) || !has_wildcard(text) {
        return Pin::Pinned;
    }
    let whole = Pin::Open { start: 0, end: text.len(), why: "matches callers from any AWS account" };
    if !key_is(key, PRINCIPAL_ARN) {
        return whole;
    }
    let Some(arn) = Arn::parse(text) else {
        return whole;
    };
    let account = (arn.offsets[3], arn.offsets[3] + arn.account.len());
    let per_field = op.base.starts_with("Arn");
    let open = if per_field {
        has_wildcard(arn.account)
    } else {
        // `StringLike`: a `*` before or in the account field can swallow colons, so any
        // wildcard up to the end of the account field lets other accounts through.
        has_wildcard(&text[..account.1])
    };
    if !open {
        return Pin::Pinned;
    }
    if has_wildcard(arn.account) || arn.account.is_empty() {
        let (start, end) = if arn.account.is_empty() { (0, text.len()) } else { account };
        Pin::Open { start, end, why: "its account field is a wildcard, so it matches roles in any AWS account" }
    } else {
        let at = text.find(['*', '?']).unwrap_or(0);
        Pin::Open {
            start: at,
            end: at + 1,
            why: "this wildcard comes before the account field and can match any account",
        }
    }
}

/// Whether an operator form can pin the caller for this key: positive, and (for keys that may
/// be absent) without `IfExists`/`ForAllValues:`, which are true when the key is missing.
pub(crate) fn operator_pins(key: &str, op: &Operator<'_>) -> bool {
    if op.is_negated() || !op.is_positive_match() {
        return false;
    }
    always_present(key) || !(op.if_exists || op.qualifier == Some(SetQualifier::ForAllValues))
}

/// How the conditions of an Allow statement with `Principal: *` restrict the caller.
pub(crate) struct EveryoneBinding<'a> {
    /// Some condition pins the caller's account (or organization).
    pub pinned: bool,
    /// The first value that looked like a pin but lets any account through: its span, text,
    /// key and why.
    pub open: Option<(Span, &'a str, &'a str, &'static str)>,
    /// Operator names of negated conditions on principal keys (they exclude, never pin).
    pub negated: Vec<Span>,
    /// `IfExists`/`ForAllValues:` conditions on keys that may be absent.
    pub optional: Vec<Span>,
}

/// Analyse the principal restrictions of one statement (meaningful for `Principal: *`).
pub(crate) fn everyone_binding<'a>(s: &'a Statement<'a>) -> EveryoneBinding<'a> {
    let mut b = EveryoneBinding { pinned: false, open: None, negated: Vec::new(), optional: Vec::new() };
    for block in &s.conditions {
        let op = &block.operator;
        for e in &block.entries {
            if !is_principal_key(e.key) {
                continue;
            }
            if !operator_pins(e.key, op) {
                if op.is_negated() {
                    b.negated.push(block.member.key_span);
                } else if op.is_positive_match() {
                    b.optional.push(block.member.key_span);
                }
                continue;
            }
            let mut all = !e.values.is_empty();
            for v in &e.values {
                let Some(text) = value_text(v) else {
                    all = false;
                    continue;
                };
                if let Pin::Open { start, end, why } = pin_of(e.key, op, text) {
                    all = false;
                    if b.open.is_none() {
                        b.open = Some((sub_span(v, start, end), text, e.key, why));
                    }
                }
            }
            b.pinned |= all;
        }
    }
    b
}

/// Whether a statement allows (or denies) one of the STS trust actions. A statement of another
/// service (a KMS statement in a policy forced to `--kind trust`) grants no trust.
pub(crate) fn grants_trust_action(s: &Statement<'_>) -> bool {
    crate::data::actions::TRUST_ACTIONS.iter().any(|a| s.covers_action(&format!("sts:{a}")))
}

/// Whether a `Deny` of `sts:AssumeRole` to everyone pins the caller: "deny unless
/// `aws:PrincipalArn` is like `arn:aws:iam::<acct>:role/...`" (`ArnNotLike`/`StringNotEquals`
/// and friends). Every entry must be such a negated principal condition whose values all pin:
/// with a further condition (say, on the external ID) the Deny applies only when both
/// mismatch, and a caller matching the other passes.
pub(crate) fn deny_pins_caller(policy: &Policy<'_>) -> bool {
    policy.statements.iter().any(|s| {
        s.is_deny()
            && s.principal.as_ref().is_some_and(|p| p.is_everyone())
            && s.covers_action(ASSUME_ROLE)
            && s.conditions.iter().any(|b| !b.entries.is_empty())
            && s.conditions.iter().all(|b| {
                let op = &b.operator;
                b.entries.iter().all(|e| {
                    is_principal_key(e.key)
                        && op.is_negated()
                        && op.base != "Null"
                        && (always_present(e.key) || !op.if_exists)
                        && !e.values.is_empty()
                        && e.values.iter().all(|v| value_text(v).is_some_and(|t| pin_of(e.key, op, t) == Pin::Pinned))
                })
            })
    })
}

/// Whether a `Deny` of `sts:AssumeRole` covering `principal_ok` statements demands the
/// external ID: "deny when `sts:ExternalId` is not `<id>`" (a negated operator, true too when
/// the caller passes none).
pub(crate) fn deny_requires_external_id(policy: &Policy<'_>, covers: impl Fn(usize) -> bool) -> bool {
    policy.statements.iter().enumerate().any(|(i, s)| {
        s.is_deny()
            && covers(i)
            && s.covers_action(ASSUME_ROLE)
            && s.conditions.iter().all(|b| {
                b.entries
                    .iter()
                    .all(|e| key_is(e.key, EXTERNAL_ID) && b.operator.is_negated() && b.operator.base != "Null")
            })
            && s.condition_entries(EXTERNAL_ID).next().is_some()
    })
}

/// The Pinecone view of one trust policy.
pub(crate) struct Pinecone<'a> {
    pub policy: &'a Policy<'a>,
    /// Every IAM/STS ARN in `Principal.AWS` and `aws:PrincipalArn` values, all statements.
    pub refs: Vec<ArnRef<'a>>,
    /// Pinecone's account(s): the configured one, else the accounts of the Pinecone-named roles,
    /// in order of first appearance (see [`Pinecone::is_pinecone_account`] for membership).
    pub accounts: Vec<&'a str>,
    /// The same accounts, for membership tests linear in the policy's size.
    account_set: HashSet<&'a str>,
    /// Per statement: whether it names Pinecone.
    pub names_pinecone: Vec<bool>,
    pub served: Vec<&'a str>,
}

impl<'a> Pinecone<'a> {
    /// The model of the policy of `ctx`, built once per policy and shared by the rules that
    /// ask (see [`RuleContext::trust_model`]).
    pub fn cached<'c>(ctx: &'c RuleContext<'a>) -> &'c Self {
        ctx.trust_model()
    }

    pub fn new(policy: &'a Policy<'a>, settings: &'a Settings) -> Self {
        let mut refs = Vec::new();
        for (i, s) in policy.statements.iter().enumerate() {
            for p in [&s.principal, &s.not_principal].into_iter().flatten() {
                for node in p.values_of("AWS") {
                    if let Some((text, _)) = node.as_text()
                        && let Some(arn) = Arn::parse(text)
                        && matches!(arn.service, "iam" | "sts")
                    {
                        refs.push(ArnRef { stmt: i, node, text, arn, op: None });
                    }
                }
            }
            for (block, entry) in s.condition_entries(PRINCIPAL_ARN) {
                for node in &entry.values {
                    if let Some((text, _)) = node.as_text()
                        && let Some(arn) = Arn::parse(text)
                    {
                        refs.push(ArnRef { stmt: i, node, text, arn, op: Some(block.operator) });
                    }
                }
            }
        }
        let mut accounts: Vec<&'a str> = Vec::new();
        let mut account_set = HashSet::new();
        match settings.pinecone_account.as_deref() {
            Some(a) => {
                accounts.push(a);
                account_set.insert(a);
            }
            None => {
                // Sized for the references up front: no rehashing as a large policy's come.
                account_set.reserve(refs.len());
                for r in &refs {
                    if name_looks_pinecone(r.role_name())
                        && let Some(a) = r.real_account()
                        && account_set.insert(a)
                    {
                        accounts.push(a);
                    }
                }
            }
        }
        let mut me = Pinecone {
            policy,
            refs,
            accounts,
            account_set,
            names_pinecone: vec![false; policy.statements.len()],
            served: served_regions(settings),
        };
        // One pass over the references (each names its statement), then one over the statements.
        let mut by_ref = vec![false; policy.statements.len()];
        for r in &me.refs {
            if !by_ref[r.stmt] && me.is_pinecone_ref(r) {
                by_ref[r.stmt] = true;
            }
        }
        for (i, s) in policy.statements.iter().enumerate() {
            let by_ref = by_ref[i];
            let by_principal = s
                .principal
                .iter()
                .flat_map(|p| p.values_of("AWS"))
                .filter_map(|n| n.as_str())
                .any(|v| me.is_pinecone_account_principal(v));
            let by_account = s
                .condition_entries(PRINCIPAL_ACCOUNT)
                .flat_map(|(_, e)| e.values.iter())
                .filter_map(|n| value_text(n))
                .any(|v| me.is_pinecone_account(v));
            me.names_pinecone[i] = by_ref || by_principal || by_account;
        }
        // "Allow `*` + deny everyone who is not Pinecone": the Allow statements trust Pinecone.
        let pinning_deny =
            policy.statements.iter().enumerate().any(|(i, s)| {
                me.names_pinecone[i] && s.is_deny() && s.principal.as_ref().is_some_and(|p| p.is_everyone())
            });
        if pinning_deny && deny_pins_caller(policy) {
            for (i, s) in policy.statements.iter().enumerate() {
                if s.is_allow() && s.principal.as_ref().is_some_and(|p| p.is_everyone()) {
                    me.names_pinecone[i] = true;
                }
            }
        }
        me
    }

    /// Whether an ARN names (or is meant to name) a Pinecone role: by its name, or because it
    /// lives in Pinecone's account.
    pub fn is_pinecone_ref(&self, r: &ArnRef<'_>) -> bool {
        name_looks_pinecone(r.role_name()) || r.real_account().is_some_and(|a| self.is_pinecone_account(a))
    }

    /// `"905418236187"` or `arn:aws:iam::905418236187:root` naming Pinecone's account.
    pub fn is_pinecone_account_principal(&self, v: &str) -> bool {
        account_principal(v).is_some_and(|a| self.is_pinecone_account(a))
    }

    /// Whether `account` is one of Pinecone's accounts (see [`Pinecone::accounts`]).
    pub fn is_pinecone_account(&self, account: &str) -> bool {
        self.account_set.contains(account)
    }

    /// The references of statement `stmt` (references are collected in statement order).
    pub fn refs_of(&self, stmt: usize) -> &[ArnRef<'a>] {
        let start = self.refs.partition_point(|r| r.stmt < stmt);
        let end = start + self.refs[start..].partition_point(|r| r.stmt == stmt);
        &self.refs[start..end]
    }

    /// Whether the policy trusts (or denies) Pinecone anywhere.
    pub fn is_pinecone_trust(&self) -> bool {
        self.names_pinecone.iter().any(|b| *b)
    }

    /// Allow statements that name Pinecone.
    pub fn allow_statements(&self) -> impl Iterator<Item = (usize, &'a Statement<'a>)> + '_ {
        self.policy.statements.iter().enumerate().filter(|(i, s)| self.names_pinecone[*i] && s.is_allow())
    }

    /// Pinecone ARNs of Allow statements.
    pub fn allow_refs(&self) -> impl Iterator<Item = &ArnRef<'a>> + '_ {
        self.refs.iter().filter(|r| self.policy.statements[r.stmt].is_allow() && self.is_pinecone_ref(r))
    }
}

/// The account of an account principal: `"905418236187"` or `arn:aws:iam::905418236187:root`.
pub(crate) fn account_principal(v: &str) -> Option<&str> {
    if is_account_id(v) {
        return Some(v);
    }
    let arn = Arn::parse(v)?;
    (arn.service == "iam" && arn.resource == "root" && is_account_id(arn.account)).then_some(arn.account)
}

pub(crate) use crate::data::uuid_version;

/// IAM's external ID syntax: 2–1,224 characters of `[\w+=,.@:/-]` (STS API `externalIdType`).
pub(crate) fn external_id_syntax_ok(text: &str) -> bool {
    (2..=1224).contains(&text.len())
        && text.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'=' | b',' | b'.' | b'@' | b':' | b'/' | b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVED: &[&str] = PINECONE_REGIONS;

    #[test]
    fn judges_role_names() {
        assert_eq!(judge_name("pinecone_cmek_access_us-east-1", false, SERVED), NameVerdict::Ok("us-east-1".into()));
        assert_eq!(
            judge_name("pinecone-cmek-access-us-east-1", false, SERVED),
            NameVerdict::BadName { suggestion: Some("pinecone_cmek_access_us-east-1".into()) }
        );
        assert_eq!(
            judge_name("pinecone_cmek_acess_us-west-2", false, SERVED),
            NameVerdict::BadName { suggestion: Some("pinecone_cmek_access_us-west-2".into()) }
        );
        assert_eq!(
            judge_name("pinecone_cmek_access_us-east1", false, SERVED),
            NameVerdict::BadRegion { region: "us-east1".into(), suggestion: Some("us-east-1".into()) }
        );
        assert_eq!(
            judge_name("Pinecone_CMEK_Access_eu-west-1", false, SERVED),
            NameVerdict::Case { canonical: "pinecone_cmek_access_eu-west-1".into() }
        );
        assert_eq!(
            judge_name("pinecone_cmek_access_us-east-2", false, SERVED),
            NameVerdict::BadRegion { region: "us-east-2".into(), suggestion: None }
        );
        assert_eq!(
            judge_name("pinecone_cmek_access_*", true, SERVED),
            NameVerdict::Pattern(SERVED.iter().map(|s| s.to_string()).collect())
        );
        assert_eq!(judge_name("pinecone_cmek_access_ca-*", true, SERVED), NameVerdict::Pattern(vec![]));
        assert_eq!(judge_name("pinecone_*", true, SERVED), NameVerdict::Broader);
        assert_eq!(judge_name("*", true, SERVED), NameVerdict::Broader);
        assert_eq!(
            judge_name("pinecone-cmek-access-*", true, SERVED),
            NameVerdict::BadName { suggestion: Some("pinecone_cmek_access_*".into()) }
        );
    }

    #[test]
    fn recognises_pinecone_names() {
        assert!(name_looks_pinecone("pinecone_cmek_access_us-east-1"));
        assert!(name_looks_pinecone("pincone_cmek_access_us-east-1"));
        assert!(name_looks_pinecone("Pinecone_CMEK_Access_us-east-1"));
        assert!(name_looks_pinecone("pinecone-cmek-access-us-east-1"));
        assert!(name_looks_pinecone("pinecone_cmek_acess_us-west-2"));
        assert!(name_looks_pinecone("PineconeCmekAccessUsEast1"));
        assert!(name_looks_pinecone("pinecone_cmek_access_*"));
        assert!(name_looks_pinecone("pinecone*"));
        assert!(!name_looks_pinecone("pinecone-cmek"), "the customer's own CMEK role");
        assert!(!name_looks_pinecone("pinecone-ingest-lambda"));
        assert!(!name_looks_pinecone("*"));
        assert!(!name_looks_pinecone("ecsTaskExecutionRole"));
        assert!(!name_looks_pinecone("CrossAccountS3Role"));
        assert!(!name_looks_pinecone("admin"));
    }

    #[test]
    fn pins() {
        let like = Operator::parse("StringLike");
        let arn_like = Operator::parse("ArnLike");
        let eq = Operator::parse("StringEquals");
        let p = "arn:aws:iam::905418236187:role/pinecone_cmek_access_*";
        assert_eq!(pin_of(PRINCIPAL_ARN, &like, p), Pin::Pinned);
        assert!(matches!(
            pin_of(PRINCIPAL_ARN, &like, "arn:aws:iam::*:role/pinecone_cmek_access_*"),
            Pin::Open { start: 13, end: 14, .. }
        ));
        assert!(matches!(
            pin_of(PRINCIPAL_ARN, &like, "arn:aws:*::905418236187:role/x"),
            Pin::Open { start: 8, end: 9, .. }
        ));
        assert_eq!(pin_of(PRINCIPAL_ARN, &arn_like, "arn:aws:*::905418236187:role/x"), Pin::Pinned);
        assert!(matches!(pin_of(PRINCIPAL_ARN, &like, "arn:aws:*:905418236187:role/x"), Pin::Open { start: 0, .. }));
        assert!(matches!(pin_of(PRINCIPAL_ARN, &like, "*"), Pin::Open { .. }));
        assert_eq!(pin_of(PRINCIPAL_ARN, &eq, "arn:aws:iam::*:role/x"), Pin::Pinned, "literal: fails closed");
        assert_eq!(pin_of(PRINCIPAL_ARN, &like, "arn:aws:iam::XXXXXXXXXXXX:role/pinecone_cmek_access_*"), Pin::Pinned);
        assert!(matches!(pin_of(PRINCIPAL_ACCOUNT, &like, "9054*"), Pin::Open { .. }));
        assert_eq!(pin_of(PRINCIPAL_ACCOUNT, &eq, "905418236187"), Pin::Pinned);
        assert!(operator_pins(PRINCIPAL_ARN, &Operator::parse("ArnLikeIfExists")));
        assert!(!operator_pins(PRINCIPAL_ORG_ID, &Operator::parse("StringEqualsIfExists")));
        assert!(!operator_pins(PRINCIPAL_ACCOUNT, &Operator::parse("StringNotEquals")));
    }

    #[test]
    fn uuids_and_external_ids() {
        assert_eq!(uuid_version("3f0c1a9e-5b7d-4c2a-9e8f-1d2c3b4a5f6e"), Some((true, '4')));
        assert_eq!(uuid_version("3f0c1a9e-5b7d-1c2a-9e8f-1d2c3b4a5f6e"), Some((false, '1')));
        assert_eq!(uuid_version("3f0c1a9e-5b7d-4c2a-7e8f-1d2c3b4a5f6e"), Some((false, '4')));
        assert_eq!(uuid_version("not-a-uuid"), None);
        assert!(external_id_syntax_ok("CrossAcctS3Demo"));
        assert!(external_id_syntax_ok("a_b+c=d,e.f@g:h/i-j"));
        assert!(!external_id_syntax_ok("x"));
        assert!(!external_id_syntax_ok("has space"));
        assert!(!external_id_syntax_ok("ümlaut"));
    }
}
