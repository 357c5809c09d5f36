//! `Condition` evaluation against a request context, three-valued.
//!
//! Blocks (operators) AND, keys under one operator AND, values of one key OR (for the negated
//! operators NOR: the request value must match none). A key absent from the context makes a
//! positive operator false and a negated one true; `…IfExists` makes any operator true on an
//! absent key. `ForAllValues:` is true on an absent or empty set, `ForAnyValue:` false.

use super::Tri3;
use super::request::{Context, Lookup};
use crate::json::{Node, Value};
use crate::policy::access::Tri;
use crate::policy::{ConditionEntry, Operator, SetQualifier, Statement, wildcard_match};
use crate::source::Span;
use std::borrow::Cow;
use std::net::IpAddr;

/// The result of a statement's `Condition`: its truth and the entry that decided it (the first
/// false entry, else the first unknown one; `None` when every entry held).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CondResult {
    pub value: Tri,
    pub entry: Option<Span>,
    pub detail: Option<String>,
}

/// Evaluate all condition blocks of a statement. `variables` enables policy variables
/// (`${aws:username}`), which IAM honours only with `"Version": "2012-10-17"`.
pub fn eval_statement(stmt: &Statement<'_>, ctx: &Context, variables: bool) -> CondResult {
    let mut unknown: Option<(Span, String)> = None;
    if let Some(cond) = stmt.condition
        && cond.value.as_object().is_none()
    {
        return CondResult {
            value: Tri::Unknown,
            entry: Some(cond.value.span),
            detail: Some("Condition is not an object".into()),
        };
    }
    for block in &stmt.conditions {
        if block.member.value.as_object().is_none() {
            unknown.get_or_insert((block.member.value.span, format!("{} is not an object", block.operator.text)));
            continue;
        }
        for entry in &block.entries {
            let span = entry.member.key_span.cover(entry.member.value.span);
            match eval_entry(&block.operator, entry, ctx, variables) {
                (Tri::False, why) => {
                    return CondResult {
                        value: Tri::False,
                        entry: Some(span),
                        detail: Some(format!("{} {}: {why}", block.operator.text, entry.key)),
                    };
                }
                (Tri::Unknown, why) => {
                    unknown.get_or_insert((span, format!("{} {}: {why}", block.operator.text, entry.key)));
                }
                (Tri::True, _) => {}
            }
        }
    }
    match unknown {
        Some((span, why)) => CondResult { value: Tri::Unknown, entry: Some(span), detail: Some(why) },
        None => CondResult { value: Tri::True, entry: None, detail: None },
    }
}

/// A condition value from the policy: known text, or unknown (a deploy-time template, an
/// unresolved policy variable).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PVal {
    Known(String),
    Unknown(String),
}

/// The text of a policy value node, with policy variables resolved.
pub fn policy_value(node: &Node, ctx: &Context, variables: bool, like: bool) -> PVal {
    match &node.value {
        Value::String(s) if variables && s.contains("${") => resolve_variables(s, ctx, like),
        Value::String(s) => PVal::Known(s.to_string()),
        Value::Template(t) => PVal::Unknown(format!("deploy-time value `{t}`")),
        Value::Bool(b) => PVal::Known(b.to_string()),
        Value::Number(n) => PVal::Known(n.to_string()),
        _ => PVal::Unknown(format!("{} as a condition value", node.type_name())),
    }
}

/// Replace `${key}` (and `${key, 'default'}`) from the context. `${*}`, `${?}`, `${$}` are the
/// literal characters; in a wildcard pattern (`like`) a literal `*`/`?` cannot be expressed
/// to the matcher, so such a value is unknown.
pub fn resolve_variables(text: &str, ctx: &Context, like: bool) -> PVal {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let inner = after[..end].trim();
        rest = &after[end + 1..];
        match inner {
            "*" | "?" if like => return PVal::Unknown(format!("escaped wildcard `${{{inner}}}` in a Like pattern")),
            "*" | "?" | "$" => out.push_str(inner),
            _ => {
                let (key, default) = match inner.split_once(',') {
                    Some((k, d)) => (k.trim(), Some(d.trim().trim_matches('\'').to_string())),
                    None => (inner, None),
                };
                match ctx.lookup(key) {
                    Lookup::Values([v]) => out.push_str(v),
                    Lookup::Absent if default.is_some() => out.push_str(default.as_deref().unwrap_or_default()),
                    Lookup::Unknown => return PVal::Unknown(format!("policy variable `${{{key}}}` is unknown")),
                    _ => return PVal::Unknown(format!("policy variable `${{{key}}}` has no single value")),
                }
            }
        }
    }
    out.push_str(rest);
    PVal::Known(out)
}

/// The positive form of a negated operator: `StringNotLike` → (`StringLike`, true).
fn positive(base: &str) -> (&str, bool) {
    match base {
        "StringNotEquals" => ("StringEquals", true),
        "StringNotEqualsIgnoreCase" => ("StringEqualsIgnoreCase", true),
        "StringNotLike" => ("StringLike", true),
        "NumericNotEquals" => ("NumericEquals", true),
        "DateNotEquals" => ("DateEquals", true),
        "ArnNotEquals" => ("ArnEquals", true),
        "ArnNotLike" => ("ArnLike", true),
        "NotIpAddress" => ("IpAddress", true),
        b => (b, false),
    }
}

/// Evaluate one `key: values` entry under an operator. Returns the truth and a short reason.
pub fn eval_entry(op: &Operator<'_>, entry: &ConditionEntry<'_>, ctx: &Context, variables: bool) -> (Tri, String) {
    if !op.is_known() {
        return (Tri::Unknown, format!("operator `{}` is not one IAM knows", op.text));
    }
    if entry.member.value.as_object().is_some() || entry.values.iter().any(|n| n.as_object().is_some()) {
        return (Tri::Unknown, "value is an object".into());
    }
    let like = op.honours_wildcards();
    let pvals: Vec<PVal> = entry.values.iter().map(|n| policy_value(n, ctx, variables, like)).collect();
    let lookup = ctx.lookup(entry.key);
    if op.base == "Null" {
        return eval_null(&pvals, lookup);
    }
    let (base, negated) = positive(op.base);
    let values = match lookup {
        Lookup::Unknown => return (Tri::Unknown, "the request value is unknown".into()),
        Lookup::Absent => {
            let t = if op.if_exists {
                Tri::True
            } else {
                match op.qualifier {
                    Some(SetQualifier::ForAllValues) => Tri::True,
                    Some(SetQualifier::ForAnyValue) => Tri::False,
                    None => tri(negated),
                }
            };
            return (t, "the key is absent from the request".into());
        }
        Lookup::Values(v) => v,
    };
    // One request value against the policy values: OR (positive) or NOR (negated).
    let single = |v: &str| -> Tri {
        let any = Tri3::any(pvals.iter().map(|p| match p {
            PVal::Known(p) => compare(base, v, p),
            PVal::Unknown(_) => Tri::Unknown,
        }));
        if negated { Tri3::not(any) } else { any }
    };
    let t = match op.qualifier {
        Some(SetQualifier::ForAllValues) => Tri::all(values.iter().map(|v| single(v))),
        Some(SetQualifier::ForAnyValue) => Tri3::any(values.iter().map(|v| single(v))),
        None if values.is_empty() => {
            if op.if_exists {
                Tri::True
            } else {
                tri(negated)
            }
        }
        None => Tri3::any(values.iter().map(|v| single(v))),
    };
    let why = match (&t, pvals.iter().find_map(|p| if let PVal::Unknown(w) = p { Some(w) } else { None })) {
        (Tri::Unknown, Some(w)) => w.clone(),
        _ => format!("request value {}", show(values)),
    };
    (t, why)
}

fn show(values: &[Cow<'static, str>]) -> String {
    match values {
        [v] => format!("`{v}`"),
        _ => format!("[{}]", values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")),
    }
}

fn eval_null(pvals: &[PVal], lookup: Lookup<'_>) -> (Tri, String) {
    let absent = match lookup {
        Lookup::Unknown => return (Tri::Unknown, "the request value is unknown".into()),
        Lookup::Absent => true,
        // An empty multivalued key counts as null.
        Lookup::Values(v) => v.is_empty(),
    };
    let t = Tri3::any(pvals.iter().map(|p| match p {
        PVal::Known(s) if s.eq_ignore_ascii_case("true") => tri(absent),
        PVal::Known(s) if s.eq_ignore_ascii_case("false") => tri(!absent),
        PVal::Known(_) => Tri::False,
        PVal::Unknown(_) => Tri::Unknown,
    }));
    (t, if absent { "the key is absent" } else { "the key is present" }.into())
}

pub(super) fn tri(b: bool) -> Tri {
    if b { Tri::True } else { Tri::False }
}

/// Compare a request value with a policy value under a positive base operator.
pub fn compare(base: &str, v: &str, p: &str) -> Tri {
    let b = match base {
        "StringEquals" => v == p,
        "StringEqualsIgnoreCase" => v.to_lowercase() == p.to_lowercase(),
        "StringLike" => wildcard_match(p.as_bytes(), v.as_bytes()),
        "NumericEquals"
        | "NumericLessThan"
        | "NumericLessThanEquals"
        | "NumericGreaterThan"
        | "NumericGreaterThanEquals" => match (v.trim().parse::<f64>(), p.trim().parse::<f64>()) {
            (Ok(a), Ok(b)) => ordered(base.trim_start_matches("Numeric"), a, b),
            _ => false,
        },
        "DateEquals" | "DateLessThan" | "DateLessThanEquals" | "DateGreaterThan" | "DateGreaterThanEquals" => {
            match (parse_date(v), parse_date(p)) {
                (Some(a), Some(b)) => ordered(base.trim_start_matches("Date"), a, b),
                _ => false,
            }
        }
        "Bool" => {
            let (v, p) = (v.trim().to_ascii_lowercase(), p.trim().to_ascii_lowercase());
            (p == "true" || p == "false") && v == p
        }
        "BinaryEquals" => v.trim() == p.trim(),
        "IpAddress" => ip_in(v, p),
        "ArnEquals" | "ArnLike" => arn_match(p, v),
        _ => return Tri::Unknown,
    };
    tri(b)
}

fn ordered(op: &str, a: f64, b: f64) -> bool {
    match op {
        "Equals" => a == b,
        "LessThan" => a < b,
        "LessThanEquals" => a <= b,
        "GreaterThan" => a > b,
        "GreaterThanEquals" => a >= b,
        _ => false,
    }
}

/// ARN comparison: the six colon-separated parts compared separately, each honouring `*`/`?`
/// (IAM documents wildcards for both `ArnEquals` and `ArnLike`). A `*` never crosses a colon
/// of the first five separators.
pub fn arn_match(pattern: &str, arn: &str) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    if p.len() != 6 || a.len() != 6 {
        return pattern == "*" || (p.len() != 6 && wildcard_match(pattern.as_bytes(), arn.as_bytes()));
    }
    p.iter().zip(&a).all(|(p, a)| wildcard_match(p.as_bytes(), a.as_bytes()))
}

/// Whether address `v` lies in `cidr` (an address or `addr/prefix`, IPv4 or IPv6).
pub fn ip_in(v: &str, cidr: &str) -> bool {
    let (net, prefix) = match cidr.trim().split_once('/') {
        Some((n, p)) => match p.parse::<u32>() {
            Ok(p) => (n, Some(p)),
            Err(_) => return false,
        },
        None => (cidr.trim(), None),
    };
    let (Ok(net), Ok(addr)) = (net.parse::<IpAddr>(), v.trim().parse::<IpAddr>()) else {
        return false;
    };
    match (net, addr) {
        (IpAddr::V4(n), IpAddr::V4(a)) => {
            let bits = prefix.unwrap_or(32);
            if bits > 32 {
                return false;
            }
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) => {
            let bits = prefix.unwrap_or(128);
            if bits > 128 {
                return false;
            }
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - bits) };
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

/// Seconds since the epoch of an ISO 8601 date (`2026-01-01`, `2026-01-01T12:00:00Z`,
/// `…+02:00`, fractional seconds) or of an epoch number.
pub fn parse_date(s: &str) -> Option<f64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.') && !s.contains('-') {
        return s.parse().ok();
    }
    let num = |t: &str| -> Option<i64> {
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        t.parse().ok()
    };
    let (date, time) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mut d = date.split('-');
    let (y, m, day) = (num(d.next()?)?, num(d.next()?)?, num(d.next()?)?);
    if d.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs = days_from_civil(y, m, day) as f64 * 86_400.0;
    if let Some(time) = time {
        let (clock, offset) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
            (c, 0i64)
        } else if let Some(i) = time.rfind(['+', '-']) {
            let (c, off) = time.split_at(i);
            let sign = if off.starts_with('-') { -1 } else { 1 };
            let off = off[1..].replace(':', "");
            if off.len() != 4 {
                return None;
            }
            (c, sign * (num(&off[..2])? * 3600 + num(&off[2..])? * 60))
        } else {
            (time, 0)
        };
        let mut parts = clock.split(':');
        let h = num(parts.next()?)?;
        let min = num(parts.next()?)?;
        let sec: f64 = match parts.next() {
            Some(s) => s.parse().ok()?,
            None => 0.0,
        };
        if parts.next().is_some() || h > 24 || min > 59 || !(0.0..61.0).contains(&sec) {
            return None;
        }
        secs += (h * 3600 + min * 60 - offset) as f64 + sec;
    }
    Some(secs)
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
