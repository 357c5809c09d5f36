//! The whole-setup model: small facts extracted from every document of a run (no file texts),
//! grouped into CMEK setups — the role trusting Pinecone, the key, its key policy, the
//! permissions policies and the Pinecone-side values — for the cross-document rules (CMK6xx).
//!
//! Grouping is one linear pass over the facts. Files are grouped by directory (a CloudFormation
//! template, a Terraform module and a folder of AWS CLI exports each live in one directory), so
//! unrelated setups in other folders are never paired; a file that Terraform reads with `file()`
//! belongs to the folder of the module reading it. Since a setup never spans folders, the
//! driver runs the setup pass for a folder as soon as the walk has left it (`crate::driver`). Inside a directory roles and keys are
//! matched by ARN, CloudFormation logical id (`!GetAtt X.Arn`, `Ref X`), Terraform address
//! (`aws_iam_role.x.arn`) or role name.

mod facts;

pub use facts::collect;

use crate::extract::normalise_ref;
use crate::source::Loc;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A value written in a policy, with where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Valued {
    pub value: String,
    pub at: Loc,
    /// Compared without regard to case (`StringEqualsIgnoreCase`).
    pub ignore_case: bool,
}

impl Valued {
    /// Whether `other` is this value under the condition's comparison.
    pub fn matches(&self, other: &str) -> bool {
        if self.ignore_case { self.value.eq_ignore_ascii_case(other) } else { self.value == other }
    }
}

/// A role trust policy naming Pinecone.
#[derive(Clone, Debug, PartialEq)]
pub struct TrustFact {
    /// Identities the role goes by: logical id, Terraform address, name, ARN (lower-case ARN).
    pub ids: Vec<String>,
    pub name: Option<String>,
    pub arn: Option<String>,
    /// Created by the template or module it was found in (not an export of an existing role).
    pub created: bool,
    /// The first Pinecone principal.
    pub at: Loc,
    pub external_ids: Vec<Valued>,
    /// Regions of the `pinecone_cmek_access_<region>` principals (literal ones only).
    pub regions: Vec<String>,
}

/// A KMS key (metadata).
#[derive(Clone, Debug, PartialEq)]
pub struct KeyFact {
    pub ids: Vec<String>,
    pub arn: Option<String>,
    pub region: Option<String>,
    pub multi_region: bool,
    pub at: Loc,
}

/// A principal granted key use by a key policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Grant {
    /// As written (a literal ARN or a deploy-time expression).
    pub principal: String,
    pub encrypt: bool,
    pub decrypt: bool,
    pub at: Loc,
}

/// A key policy.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyPolicyFact {
    /// The key resource owning it, when the format says so.
    pub owner: Option<String>,
    /// Role principals granted a cryptographic action (not account roots, not Pinecone's).
    pub grants: Vec<Grant>,
    /// A statement delegates to the account's IAM policies (`:root` with `kms:*` or crypto).
    pub root: bool,
    /// The accounts delegated to, as written (`111122223333`, `${AWS::AccountId}`).
    pub root_accounts: Vec<String>,
    /// Set by the template or module creating the key (not an export of an existing key).
    pub created: bool,
    /// What the key resource explicitly waits for (`DependsOn`, `depends_on`), normalised.
    pub depends_on: Vec<String>,
    pub at: Loc,
}

/// A permissions (identity) policy's KMS grants.
#[derive(Clone, Debug, PartialEq)]
pub struct PermissionsFact {
    pub resources: Vec<Grant>,
    /// The roles it is attached to, normalised (see [`normalise_ref`]); `None` when the source
    /// does not say (a loose policy file), and then it counts for every role of its folder.
    pub roles: Option<Vec<String>>,
    pub at: Loc,
}

/// Facts of one document, with the folder whose setups they belong to.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    pub scope: Arc<str>,
    pub kind: FactKind,
}

/// What a document declares.
#[derive(Clone, Debug, PartialEq)]
pub enum FactKind {
    Trust(TrustFact),
    Key(KeyFact),
    KeyPolicy(KeyPolicyFact),
    Permissions(PermissionsFact),
}

impl Fact {
    /// Drop the spare capacity of its lists: facts are held until their folder is done.
    pub fn shrink(&mut self) {
        use FactKind as Fact;
        match &mut self.kind {
            Fact::Trust(t) => {
                t.ids.shrink_to_fit();
                t.external_ids.shrink_to_fit();
                t.regions.shrink_to_fit();
            }
            Fact::Key(k) => k.ids.shrink_to_fit(),
            Fact::KeyPolicy(p) => {
                p.grants.shrink_to_fit();
                p.root_accounts.shrink_to_fit();
                p.depends_on.shrink_to_fit();
            }
            Fact::Permissions(p) => {
                p.resources.shrink_to_fit();
                p.roles.iter_mut().for_each(Vec::shrink_to_fit);
            }
        }
    }
}

/// One CMEK setup: what was paired with what. Borrows the facts of the run.
#[derive(Clone, Debug)]
pub struct Setup<'f> {
    /// The directory the setup was found in.
    pub scope: std::rc::Rc<str>,
    pub role: Option<&'f TrustFact>,
    pub key: Option<&'f KeyFact>,
    pub key_policy: Option<&'f KeyPolicyFact>,
    /// Permissions policies attached to the role.
    pub attached: Vec<&'f PermissionsFact>,
    /// Permissions policies of the folder whose attachment is not known, shared by its roles.
    pub loose: std::rc::Rc<[&'f PermissionsFact]>,
    /// Permissions policies of the folder attached to other roles, users or groups (to tell
    /// the user where a missing grant went).
    pub elsewhere: Vec<&'f PermissionsFact>,
}

impl<'f> Setup<'f> {
    /// The permissions policies that may give the role access: attached ones and loose ones.
    pub fn permissions(&self) -> impl Iterator<Item = &'f PermissionsFact> + '_ {
        self.attached.iter().chain(self.loose.iter()).copied()
    }
}

/// Whether a written principal refers to the role through a reference to its resource
/// (`${Role.Arn}`, `${aws_iam_role.x.arn}`, `arn:...:role/${Role}`), which also orders the
/// deployment.
pub fn references_role(principal: &str, role: &TrustFact) -> bool {
    role.ids.iter().filter(|id| !id.starts_with("arn:") && !id.is_empty()).any(|id| {
        principal.match_indices("${").any(|(i, _)| {
            let rest = &principal[i + 2..];
            rest.strip_prefix(id.as_str()).is_some_and(|r| r.starts_with('}') || r.starts_with('.'))
        })
    }) && principal.contains("${")
}

/// Whether a written principal refers to the role.
pub fn names_role(principal: &str, role: &TrustFact) -> bool {
    let n = normalise_ref(principal);
    if role.ids.iter().any(|id| id.eq_ignore_ascii_case(&n)) || references_role(principal, role) {
        return true;
    }
    // Only the name is known (an authorization-details export, a template's `RoleName`): match
    // the ARN's role name.
    role.arn.is_none()
        && role.name.as_deref().is_some_and(|name| {
            crate::policy::Arn::parse(principal).is_some_and(|a| a.resource_type == "role" && a.name() == name)
        })
}

/// Whether two trust facts describe the same role (exported twice, e.g. `get-role` and
/// `get-account-authorization-details`).
fn same_role(a: &TrustFact, b: &TrustFact) -> bool {
    match (&a.arn, &b.arn) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        _ => a.name.is_some() && a.name == b.name,
    }
}

/// Whether a written resource refers to the key.
pub fn names_key(resource: &str, key: &KeyFact) -> bool {
    let n = normalise_ref(resource);
    key.ids.iter().any(|id| id.eq_ignore_ascii_case(&n))
}

/// A role reference that cannot be resolved statically: a variable, local, module output, data
/// source or an expression (`${var.env}-pinecone`).
fn unresolved_ref(r: &str) -> bool {
    ["var.", "local.", "module.", "data."].iter().any(|p| r.starts_with(p)) || r.contains("${") || r.contains('(')
}

/// Whether a permissions policy is attached to the role.
fn attached_to(p: &PermissionsFact, role: &TrustFact) -> bool {
    p.roles.iter().flatten().any(|r| role.ids.iter().any(|id| id.eq_ignore_ascii_case(r)))
}

/// Group facts into setups: one per role trusting Pinecone (with the key of its directory),
/// plus one per further key policy of a directory with a single role. One pass over the facts,
/// then per directory a pass over its roles with indexed lookups; nothing is copied.
pub fn group<'f>(facts: impl IntoIterator<Item = &'f Fact>) -> Vec<Setup<'f>> {
    #[derive(Default)]
    struct Scope<'a> {
        roles: Vec<&'a TrustFact>,
        keys: Vec<&'a KeyFact>,
        policies: Vec<&'a KeyPolicyFact>,
        /// Attached permissions policies by the (lower-cased) role reference they name.
        attached: std::collections::HashMap<String, Vec<&'a PermissionsFact>>,
        loose: Vec<&'a PermissionsFact>,
        /// Every permissions policy whose attachment is known (to roles, users or groups).
        known: Vec<&'a PermissionsFact>,
    }
    let mut scopes: BTreeMap<String, Scope<'_>> = BTreeMap::new();
    for f in facts {
        use FactKind as Fact;
        let s = scopes.entry(f.scope.to_string()).or_default();
        match &f.kind {
            Fact::Trust(t) => {
                if !s.roles.iter().any(|r| same_role(r, t)) {
                    s.roles.push(t);
                }
            }
            Fact::Key(k) => s.keys.push(k),
            Fact::KeyPolicy(p) => s.policies.push(p),
            // Attached to nothing the file shows, or only through references cmek-lint cannot
            // resolve (`var.role_name`, a module output): it may be any role of the folder.
            Fact::Permissions(p)
                if p.roles.as_ref().is_none_or(|r| !r.is_empty() && r.iter().all(|x| unresolved_ref(x))) =>
            {
                s.loose.push(p)
            }
            Fact::Permissions(p) => {
                s.known.push(p);
                for r in p.roles.iter().flatten() {
                    s.attached.entry(r.to_ascii_lowercase()).or_default().push(p);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (scope, s) in scopes {
        if s.roles.is_empty() {
            continue;
        }
        let scope: std::rc::Rc<str> = scope.into();
        let loose: std::rc::Rc<[&PermissionsFact]> = s.loose.into();
        let policy_of = |key: Option<&KeyFact>| -> Option<&KeyPolicyFact> {
            match key {
                Some(k) => s
                    .policies
                    .iter()
                    .find(|p| p.owner.as_deref().is_some_and(|o| k.ids.iter().any(|id| id.eq_ignore_ascii_case(o))))
                    .or_else(|| if s.keys.len() == 1 { s.policies.iter().find(|p| p.owner.is_none()) } else { None })
                    .copied(),
                None if s.policies.len() == 1 => Some(s.policies[0]),
                None => None,
            }
        };
        let mut used_policies: Vec<*const KeyPolicyFact> = Vec::new();
        let mut role_setups = Vec::new();
        for role in &s.roles {
            let mut attached: Vec<&PermissionsFact> = Vec::new();
            for id in &role.ids {
                for p in s.attached.get(&id.to_ascii_lowercase()).into_iter().flatten() {
                    if !attached.iter().any(|a| std::ptr::eq(*a, *p)) && attached_to(p, role) {
                        attached.push(p);
                    }
                }
            }
            let mut key = if s.keys.len() == 1 {
                Some(s.keys[0])
            } else {
                s.keys
                    .iter()
                    .find(|k| {
                        policy_of(Some(k)).is_some_and(|p| p.grants.iter().any(|g| names_role(&g.principal, role)))
                            || attached
                                .iter()
                                .chain(loose.iter())
                                .any(|p| p.resources.iter().any(|r| names_key(&r.principal, k)))
                    })
                    .copied()
            };
            let mut key_policy = policy_of(key);
            // Several roles in the folder: a key whose policy names another of them is not this
            // role's key.
            if s.roles.len() > 1 {
                let names =
                    |r: &TrustFact| key_policy.is_some_and(|p| p.grants.iter().any(|g| names_role(&g.principal, r)));
                if !names(role) && s.roles.iter().any(|r| names(r)) {
                    key_policy = None;
                    key = None;
                }
            }
            if let Some(p) = key_policy {
                used_policies.push(p as *const _);
            }
            let elsewhere =
                s.known.iter().filter(|p| !attached.iter().any(|a| std::ptr::eq(*a, **p))).copied().collect();
            role_setups.push(Setup {
                scope: scope.clone(),
                role: Some(*role),
                key,
                key_policy,
                attached,
                loose: loose.clone(),
                elsewhere,
            });
        }
        if s.roles.len() == 1 {
            for p in &s.policies {
                if !used_policies.contains(&(*p as *const _)) && !p.grants.is_empty() {
                    // A second key in the folder: checked against the folder's role too.
                    let key = s.keys.iter().copied().find(|k| {
                        p.owner.as_deref().is_some_and(|o| k.ids.iter().any(|id| id.eq_ignore_ascii_case(o)))
                    });
                    let mut extra = role_setups[0].clone();
                    extra.key = key;
                    extra.key_policy = Some(*p);
                    role_setups.push(extra);
                }
            }
        }
        out.extend(role_setups);
    }
    out
}

/// A setup as JSON, with its folder and the files it is made of.
#[derive(Clone, Debug)]
pub struct Described {
    pub folder: std::rc::Rc<str>,
    pub files: Vec<Arc<str>>,
    pub json: serde_json::Value,
}

/// The setups of a run as JSON (`setups` of `--format json`): what was paired with what.
/// Each comes with its folder.
pub fn describe(setups: &[Setup<'_>], values: &crate::settings::ConsoleValues) -> Vec<Described> {
    setups
        .iter()
        .map(|s| {
            let role = s.role.as_ref().map(|r| {
                serde_json::json!({
                    "name": r.name,
                    "arn": r.arn,
                    "created": r.created,
                    "ids": r.ids,
                    "trust_policy": r.at,
                    "external_ids": r.external_ids.iter().map(|v| &v.value).collect::<Vec<_>>(),
                    "regions": r.regions,
                })
            });
            let key = s.key.as_ref().map(|k| {
                serde_json::json!({
                    "arn": k.arn,
                    "ids": k.ids,
                    "region": k.region,
                    "multi_region": k.multi_region,
                    "at": k.at,
                })
            });
            let v = serde_json::json!({
                "folder": &*s.scope,
                "role": role,
                "key": key,
                "key_policy": s.key_policy.as_ref().map(|p| &p.at),
                "permissions_policies": s
                    .attached
                    .iter()
                    .map(|p| serde_json::json!({"at": p.at, "attached_to": p.roles}))
                    .chain(s.loose.iter().map(|p| serde_json::json!({"at": p.at, "attached_to": null})))
                    .collect::<Vec<_>>(),
                "values": values,
            });
            let files = s
                .role
                .map(|r| &r.at.file)
                .into_iter()
                .chain(s.key.map(|k| &k.at.file))
                .chain(s.key_policy.map(|p| &p.at.file))
                .chain(s.permissions().map(|p| &p.at.file))
                .cloned()
                .collect();
            Described { folder: s.scope.clone(), files, json: v }
        })
        .collect()
}
