//! CMK602 role-missing-key-access: the role trusting Pinecone cannot encrypt and decrypt with
//! the key. Same account: a key policy statement naming the role, or the key policy's account
//! statement plus a permissions policy. Across accounts both sides are needed: the key policy
//! must name the role (or its account) and a permissions policy must allow the key.

use super::{SetupContext, SetupFindings, role_desc};
use crate::policy::Arn;
use crate::policy::arn::is_account_id;
use crate::rules::RuleId;
use crate::setup::{Grant, KeyFact, PermissionsFact, names_key};
use crate::source::Loc;

pub(crate) fn check(cx: &SetupContext<'_>, out: &mut SetupFindings) {
    let Some(kp) = cx.setup.key_policy else { return };
    let mine = cx.mine();
    let by_key_policy = mine.iter().any(|g| g.encrypt) && mine.iter().any(|g| g.decrypt);
    let key = cx.setup.key;
    let by_identity = allows_both(&cx.setup.permissions().collect::<Vec<_>>(), key, true);
    // A policy of the folder that would do, attached to another role, a user or a group; only
    // claimed when it names this key (or every key).
    let elsewhere = key.and_then(|_| cx.setup.elsewhere.iter().copied().find(|p| allows_both(&[*p], key, false)));

    // Accounts, where both are literal.
    let role_account = cx.role_arn().map(|a| a.account).filter(|a| is_account_id(a));
    let key_account = key
        .and_then(|k| k.arn.as_deref())
        .or(cx.values.key_arn.as_deref())
        .and_then(Arn::parse)
        .map(|a| a.account)
        .filter(|a| is_account_id(a));
    if let (Some(ra), Some(ka)) = (role_account, key_account)
        && ra != ka
    {
        // Key side: the key policy allows the role, or delegates to the role's account (which
        // then needs the identity side anyway).
        let role_root = kp.root_accounts.iter().any(|a| a == ra);
        let key_side = by_key_policy || role_root;
        if !key_side && !mine.is_empty() {
            missing_action(cx, &mine, out);
        } else if !key_side && kp.grants.is_empty() {
            out.push(
                RuleId::RoleMissingKeyAccess,
                &kp.at,
                format!(
                    "the key is in account `{ka}` and the role trusting Pinecone `{}` in account `{ra}`: the key policy must allow the role (or account `{ra}`), and it does not",
                    role_desc(cx.role)
                ),
                format!(
                    "add a key policy statement allowing `{}` kms:Encrypt, kms:Decrypt and kms:DescribeKey",
                    role_desc(cx.role)
                ),
                Some(cx.trust_label()),
            );
        } else if key_side && !by_identity {
            let at = mine.first().map_or(&kp.at, |g| &g.at);
            let (found, help) = match elsewhere {
                Some(p) => (
                    format!("the one found is attached to {}, not to this role", holder(p)),
                    format!("attach that permissions policy (or a copy of its statement) to `{}` as well", role_desc(cx.role)),
                ),
                None => (
                    "none was found".to_string(),
                    "attach a permissions policy to the role allowing kms:Encrypt, kms:Decrypt and kms:DescribeKey on the key's ARN (the guide's permissions policy)".to_string(),
                ),
            };
            out.push_labelled(
                RuleId::RoleMissingKeyAccess,
                at,
                format!(
                    "the key is in account `{ka}` and the role trusting Pinecone in account `{ra}`: cross-account use also needs a permissions policy on the role allowing kms:Encrypt and kms:Decrypt on the key, and {found}"
                ),
                help,
                labels(cx, elsewhere),
            );
        }
        return;
    }

    let by_identity = kp.root && by_identity;
    if !by_key_policy && !by_identity && kp.grants.is_empty() {
        let elsewhere = elsewhere.filter(|_| kp.root);
        let why = match elsewhere {
            Some(p) => format!(
                "the key policy only delegates to the account's IAM policies, and the permissions policy allowing kms:Encrypt and kms:Decrypt on this key is attached to {}, not to this role",
                holder(p)
            ),
            None if kp.root => "the key policy only delegates to the account's IAM policies, and no permissions policy found allows kms:Encrypt and kms:Decrypt on this key".into(),
            None => "no key policy statement names the role and the key policy does not delegate to IAM policies".into(),
        };
        let help = match elsewhere {
            Some(_) => format!(
                "attach that permissions policy (or a copy of its statement) to `{}` as well, or add a key policy statement allowing the role kms:Encrypt, kms:Decrypt (and kms:DescribeKey)",
                role_desc(cx.role)
            ),
            None => "add a key policy statement allowing the role kms:Encrypt, kms:Decrypt (and kms:DescribeKey), or keep the account statement and attach a permissions policy allowing them on the key ARN".into(),
        };
        out.push_labelled(
            RuleId::RoleMissingKeyAccess,
            &kp.at,
            format!("the role trusting Pinecone `{}` cannot use this key: {why}", role_desc(cx.role)),
            help,
            labels(cx, elsewhere),
        );
    } else if !mine.is_empty() && !by_key_policy && !by_identity {
        missing_action(cx, &mine, out);
    }
}

/// The key policy names the role (`mine`, not empty) but not with both actions.
fn missing_action(cx: &SetupContext<'_>, mine: &[&Grant], out: &mut SetupFindings) {
    let missing = if mine.iter().any(|g| g.encrypt) { "kms:Decrypt" } else { "kms:Encrypt" };
    out.push(
        RuleId::RoleMissingKeyAccess,
        &mine[0].at,
        format!("the key policy names the role trusting Pinecone but does not allow it {missing}"),
        "allow the role kms:Encrypt and kms:Decrypt on the key".into(),
        Some(cx.trust_label()),
    );
}

/// Whether the permissions policies allow kms:Encrypt and kms:Decrypt on the key. `lenient`:
/// any key counts when the key or its ARN is not known (to decide access, not to claim it).
fn allows_both(policies: &[&PermissionsFact], key: Option<&KeyFact>, lenient: bool) -> bool {
    let on_key = |resource: &str| {
        resource == "*"
            || match key {
                Some(k) => names_key(resource, k) || (lenient && k.arn.is_none()),
                None => lenient,
            }
    };
    let allows = |want: fn(&Grant) -> bool| {
        policies.iter().flat_map(|p| p.resources.iter()).any(|r| want(r) && on_key(&r.principal))
    };
    allows(|g| g.encrypt) && allows(|g| g.decrypt)
}

/// Who a permissions policy is attached to, for a message.
fn holder(p: &PermissionsFact) -> String {
    match p.roles.as_deref() {
        Some(roles) if !roles.is_empty() => roles.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", "),
        _ => "no role (a user, a group, or nothing)".to_string(),
    }
}

/// The trust policy, and the permissions policy attached elsewhere when there is one.
fn labels<'a>(cx: &'a SetupContext<'_>, elsewhere: Option<&'a PermissionsFact>) -> Vec<(&'a Loc, String)> {
    let mut labels = vec![cx.trust_label()];
    if let Some(p) = elsewhere {
        labels
            .push((&p.at, format!("allows kms:Encrypt and kms:Decrypt on the key, but is attached to {}", holder(p))));
    }
    labels
}
