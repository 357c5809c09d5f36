//! `Principal` / `NotPrincipal` matching against a concrete caller.

use super::Tri3;
use super::condition::tri;
use super::request::Caller;
use crate::json::Node;
use crate::policy::access::Tri;
use crate::policy::arn::is_account_id;
use crate::policy::{Arn, Principal};

/// How a `Principal` element names a caller: `direct` when the caller itself (its ARN, its
/// role for a role session, `"*"`) is listed; `account` when the caller's account is listed
/// (root ARN or bare id), which for an `Allow` only delegates to the account's IAM policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrincipalMatch {
    pub direct: Tri,
    pub account: Tri,
}

impl PrincipalMatch {
    const NO: PrincipalMatch = PrincipalMatch { direct: Tri::False, account: Tri::False };
}

/// Match a `Principal` element.
pub fn principal_match(p: &Principal<'_>, caller: &Caller) -> PrincipalMatch {
    if p.star {
        return PrincipalMatch { direct: Tri::True, account: Tri::False };
    }
    if p.member.value.as_object().is_none() {
        if let Some((_, true)) = p.member.value.as_text() {
            return PrincipalMatch { direct: Tri::Unknown, account: Tri::Unknown };
        }
        return PrincipalMatch::NO;
    }
    let mut m = PrincipalMatch::NO;
    for entry in &p.entries {
        for node in &entry.values {
            let v = value_match(&entry.member.key, node, caller);
            m.direct = Tri3::or(m.direct, v.direct);
            m.account = Tri3::or(m.account, v.account);
        }
    }
    m
}

/// Whether a `NotPrincipal` element exempts the caller (IAM User Guide, "NotPrincipal with
/// Deny"). A role session is exempt only if its assumed-role *session* ARN is listed — listing
/// the role ARN or the account alone never exempts it (no wildcards name "all sessions"). AWS
/// "might validate the account first, then the role, and then the assumed-role user", so the
/// exemption is certain only when the session, its role and its account are all listed, and
/// unknown when the session is listed without them. Likewise a user needs its ARN and its
/// account; the root needs its account.
pub fn not_principal_exempts(p: &Principal<'_>, caller: &Caller) -> Tri {
    if p.star {
        return Tri::True;
    }
    let (mut own, mut role, mut account) = (Tri::False, Tri::False, Tri::False);
    for entry in &p.entries {
        for node in &entry.values {
            let (o, r, a) = not_value(&entry.member.key, node, caller);
            own = Tri3::or(own, o);
            role = Tri3::or(role, r);
            account = Tri3::or(account, a);
        }
    }
    let parents = match caller {
        Caller::RoleSession { .. } => Tri3::and(role, account),
        Caller::User { .. } => account,
        _ => Tri::True,
    };
    match (own, parents) {
        (Tri::False, _) => Tri::False,
        (own, Tri::True) => own,
        // Listed, but its role or account is not: AWS may deny through the parent.
        _ => Tri::Unknown,
    }
}

fn text(node: &Node) -> Option<Result<&str, ()>> {
    match node.as_text() {
        Some((s, false)) => Some(Ok(s.trim())),
        Some((_, true)) => Some(Err(())),
        None => None,
    }
}

fn names_account(v: &str, account: &str) -> bool {
    if is_account_id(v) {
        return v == account;
    }
    // An ARN naming an account's root ends with `:root` (most principals are role ARNs).
    v.ends_with(":root")
        && Arn::parse(v).is_some_and(|a| a.service == "iam" && a.resource == "root" && a.account == account)
}

fn value_match(kind: &str, node: &Node, caller: &Caller) -> PrincipalMatch {
    let v = match text(node) {
        Some(Ok(v)) => v,
        Some(Err(())) => return PrincipalMatch { direct: Tri::Unknown, account: Tri::Unknown },
        None => return PrincipalMatch::NO,
    };
    match kind {
        "AWS" => {
            if v == "*" {
                return PrincipalMatch { direct: Tri::True, account: Tri::False };
            }
            let Some(account) = caller.account() else { return PrincipalMatch::NO };
            // An ARN of another account names neither the caller nor its account, its role or
            // a session of it (most principals of a large policy, against one caller).
            if Arn::parse(v).is_some_and(|a| a.account != account) {
                return PrincipalMatch::NO;
            }
            if names_account(v, account) {
                // The root itself is the account principal.
                return match caller {
                    Caller::AccountRoot { .. } => PrincipalMatch { direct: Tri::True, account: Tri::True },
                    _ => PrincipalMatch { direct: Tri::False, account: Tri::True },
                };
            }
            let direct = match caller {
                Caller::RoleSession { role_arn, session_arn, session_known, .. } => {
                    if v.eq_ignore_ascii_case(role_arn) || role_match(v, role_arn) || v == session_arn {
                        Tri::True
                    } else if !session_known && other_session_of(v, session_arn) {
                        Tri::Unknown
                    } else {
                        Tri::False
                    }
                }
                Caller::User { arn, .. } => tri(v == arn),
                _ => Tri::False,
            };
            PrincipalMatch { direct, account: Tri::False }
        }
        "Service" => match caller {
            Caller::Service { name } => {
                PrincipalMatch { direct: tri(v == "*" || v.eq_ignore_ascii_case(name)), account: Tri::False }
            }
            _ => PrincipalMatch::NO,
        },
        "Federated" => match caller {
            Caller::Federated { provider } => {
                PrincipalMatch { direct: tri(v == "*" || v.eq_ignore_ascii_case(provider)), account: Tri::False }
            }
            _ => PrincipalMatch::NO,
        },
        // Callers are never canonical users (S3 only); unknown principal types name no one.
        _ => PrincipalMatch::NO,
    }
}

/// Whether `v` is an assumed-role session ARN of the same role as `session_arn`, with another
/// session name (`arn:aws:sts::A:assumed-role/R/other`).
fn other_session_of(v: &str, session_arn: &str) -> bool {
    match (v.rsplit_once('/'), session_arn.rsplit_once('/')) {
        (Some((role, name)), Some((own_role, _))) => {
            !name.is_empty() && role == own_role && v.contains(":assumed-role/")
        }
        _ => false,
    }
}

/// A role ARN in a principal names the role (path included) and so all of its sessions; role
/// names are case-insensitive in IAM.
fn role_match(v: &str, role_arn: &str) -> bool {
    // Cheap rejection first: the last path segments (role names) must agree, case aside.
    fn last(s: &str) -> &str {
        s.rsplit('/').next().unwrap_or(s)
    }
    if !last(v).eq_ignore_ascii_case(last(role_arn)) {
        return false;
    }
    match (Arn::parse(v), Arn::parse(role_arn)) {
        (Some(a), Some(b)) => {
            a.service == "iam"
                && a.resource_type == "role"
                && a.account == b.account
                && a.partition == b.partition
                && a.resource_name.eq_ignore_ascii_case(b.resource_name)
        }
        _ => false,
    }
}

/// `(own identity listed, parent role listed, account listed)` for one `NotPrincipal` value.
fn not_value(kind: &str, node: &Node, caller: &Caller) -> (Tri, Tri, Tri) {
    let v = match text(node) {
        Some(Ok(v)) => v,
        Some(Err(())) => return (Tri::Unknown, Tri::Unknown, Tri::Unknown),
        None => return (Tri::False, Tri::False, Tri::False),
    };
    match kind {
        "AWS" => {
            if v == "*" {
                return (Tri::True, Tri::True, Tri::True);
            }
            let account = caller.account().is_some_and(|a| names_account(v, a));
            let (own, role) = match caller {
                Caller::RoleSession { session_arn, role_arn, session_known, .. } => {
                    let own = if v == session_arn {
                        Tri::True
                    } else if !session_known && other_session_of(v, session_arn) {
                        Tri::Unknown
                    } else {
                        Tri::False
                    };
                    (own, tri(v.eq_ignore_ascii_case(role_arn) || role_match(v, role_arn)))
                }
                Caller::User { arn, .. } => (tri(v == arn), Tri::False),
                Caller::AccountRoot { .. } => (tri(account), Tri::False),
                _ => (Tri::False, Tri::False),
            };
            (own, role, tri(account))
        }
        "Service" => {
            (tri(matches!(caller, Caller::Service { name } if v.eq_ignore_ascii_case(name))), Tri::False, Tri::False)
        }
        "Federated" => (
            tri(matches!(caller, Caller::Federated { provider } if v.eq_ignore_ascii_case(provider))),
            Tri::False,
            Tri::False,
        ),
        _ => (Tri::False, Tri::False, Tri::False),
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::Arn;

    /// The account field principal matching rejects by (`Arn::parse` stops at the fifth colon).
    fn arn_account(v: &str) -> Option<&str> {
        Arn::parse(v).map(|a| a.account)
    }

    #[test]
    fn arn_account_is_the_fifth_field() {
        assert_eq!(arn_account("arn:aws:iam::123456789012:role/a:b"), Some("123456789012"));
        assert_eq!(arn_account("arn:aws:sts::123456789012:assumed-role/r/s"), Some("123456789012"));
        assert_eq!(arn_account("arn:aws:kms:us-east-1:123456789012:key/k"), Some("123456789012"));
        assert_eq!(arn_account("arn:aws:iam::123456789012"), None);
        assert_eq!(arn_account("123456789012"), None);
        assert_eq!(arn_account("arn:aws:iam:::root"), Some(""));
    }
}
