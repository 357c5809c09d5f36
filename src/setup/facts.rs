//! Extract the small facts the setup pass needs from one document.

use super::{Fact, FactKind, Grant, KeyFact, KeyPolicyFact, PermissionsFact, TrustFact, Valued};
use crate::data::kms::is_crypto;
use crate::extract::{Document, Subject};
use crate::policy::{Arn, Policy, PolicyKind};
use crate::settings::Settings;
use crate::source::{LineIndex, Loc, Site, Span};
use std::sync::Arc;

/// How the document's resource is referred to (logical id, Terraform address), lower-case ARN
/// aside.
fn resource_ids(doc: &Document<'_>) -> Vec<String> {
    doc.resource.as_ref().and_then(|r| r.id.clone()).into_iter().collect()
}

struct Resolver<'a, 'b> {
    site: &'a Site,
    index: &'a LineIndex<'b>,
    doc: &'a Document<'a>,
    /// The document's origin, shared by its locations.
    origin: Option<Arc<str>>,
}

impl Resolver<'_, '_> {
    fn loc(&self, span: Span) -> Loc {
        Loc::resolve(self.site, self.doc.map.map(span), self.index, self.origin.as_ref())
    }
}

/// The facts of one document. `policy`: the document's policy model when the caller has built
/// it from the document's own tree (built here otherwise).
pub fn collect(
    site: &Site,
    index: &LineIndex<'_>,
    doc: &Document<'_>,
    kind: PolicyKind,
    settings: &Settings,
    policy: Option<&Policy<'_>>,
) -> Option<Fact> {
    collect_kind(site, index, doc, kind, settings, policy).map(|kind| Fact { scope: site.scope.clone(), kind })
}

fn collect_kind(
    site: &Site,
    index: &LineIndex<'_>,
    doc: &Document<'_>,
    kind: PolicyKind,
    settings: &Settings,
    built: Option<&Policy<'_>>,
) -> Option<FactKind> {
    use FactKind as Fact;
    let r = Resolver { site, index, doc, origin: doc.origin.as_deref().map(Arc::from) };
    let root = doc.root.node();
    let res = doc.resource.as_deref();
    if doc.subject == Subject::KeyMetadata {
        let mut ids = resource_ids(doc);
        let str_of = |k: &str| root.get(k).and_then(|m| m.value.as_str()).map(str::to_string);
        let arn = str_of("Arn");
        ids.extend(arn.iter().map(|a| a.to_ascii_lowercase()));
        ids.extend(str_of("KeyId").map(|a| a.to_ascii_lowercase()));
        let region = arn.as_deref().and_then(Arn::parse).map(|a| a.region.to_string());
        let multi_region =
            root.get("MultiRegion").is_some_and(|m| matches!(m.value.value, crate::json::Value::Bool(true)))
                || str_of("KeyId").is_some_and(|k| k.starts_with("mrk-"));
        let at = root.get(crate::extract::FORMAT_KEY).map_or(root.span, |m| m.key_span);
        return Some(Fact::Key(KeyFact { ids, arn, region, multi_region, at: r.loc(at) }));
    }
    let own;
    let policy = match built {
        Some(p) => p,
        None => {
            own = Policy::new(root);
            &own
        }
    };
    let head = Span::new(root.span.start as usize, root.span.start as usize + 1);
    match kind {
        PolicyKind::Trust => {
            let mut first: Option<Span> = None;
            let mut regions = Vec::new();
            let mut external_ids = Vec::new();
            for s in policy.statements.iter().filter(|s| s.is_allow()) {
                let Some(p) = &s.principal else { continue };
                // Pinecone named as a principal, or (the guide's all-regions form) everyone
                // pinned to Pinecone's roles by a positive `aws:PrincipalArn` condition.
                let pinned = p.is_everyone().then(|| {
                    s.condition_entries("aws:PrincipalArn")
                        .filter(|(block, _)| !block.operator.is_negated())
                        .flat_map(|(_, e)| e.values.iter().copied())
                });
                let mut pinecone = false;
                for v in p.values_of("AWS").chain(pinned.into_iter().flatten()) {
                    let Some((text, _)) = v.as_text() else { continue };
                    let named = crate::pinecone::pinecone_role(text).is_some()
                        || text.contains(crate::pinecone::ROLE_PREFIX)
                        || settings.pinecone_account.as_deref().is_some_and(|a| text.contains(a));
                    if !named {
                        continue;
                    }
                    pinecone = true;
                    first.get_or_insert(v.span);
                    // A pattern (`pinecone_cmek_access_*`) names no region: the regions stay
                    // unknown (every region, for the cross-document rules).
                    if let Some(region) = text
                        .rsplit(crate::pinecone::ROLE_PREFIX)
                        .next()
                        .filter(|_| text.contains(crate::pinecone::ROLE_PREFIX) && !text.contains(['*', '?', '$']))
                        && !regions.iter().any(|x| x == region)
                    {
                        regions.push(region.to_string());
                    }
                }
                if pinecone {
                    for (block, e) in s.condition_entries("sts:ExternalId") {
                        let ignore_case = block.operator.text.contains("IgnoreCase");
                        for v in &e.values {
                            if let Some(text) = v.as_str() {
                                external_ids.push(Valued { value: text.to_string(), at: r.loc(v.span), ignore_case });
                            }
                        }
                    }
                }
            }
            let at = first?;
            let mut ids = resource_ids(doc);
            let name = res.and_then(|r| r.name.clone());
            let arn = res.and_then(|r| r.arn.clone());
            let created = res.is_some_and(|r| r.created);
            ids.extend(name.iter().cloned());
            ids.extend(arn.iter().map(|a| a.to_ascii_lowercase()));
            Some(Fact::Trust(TrustFact { ids, name, arn, created, at: r.loc(at), external_ids, regions }))
        }
        PolicyKind::Key => {
            let mut grants = Vec::new();
            let mut root_stmt = false;
            let mut root_accounts: Vec<String> = Vec::new();
            for s in policy.statements.iter().filter(|s| s.is_allow()) {
                let Some(p) = &s.principal else { continue };
                let encrypt = s.covers_action("kms:Encrypt");
                let decrypt = s.covers_action("kms:Decrypt");
                if !(encrypt || decrypt || s.actions().any(|(a, _)| is_crypto(a))) {
                    continue;
                }
                for v in p.values_of("AWS") {
                    let Some((text, _)) = v.as_text() else { continue };
                    if text.ends_with(":root") || crate::policy::arn::is_account_id(text) {
                        root_stmt = true;
                        let account = Arn::parse(text).map_or(text, |a| a.account);
                        if !root_accounts.iter().any(|a| a == account) {
                            root_accounts.push(account.to_string());
                        }
                        continue;
                    }
                    if crate::pinecone::pinecone_role(text).is_some_and(|p| p.region.is_some()) {
                        continue;
                    }
                    if text.contains(":user/") || text == "*" {
                        continue;
                    }
                    grants.push(Grant { principal: text.to_string(), encrypt, decrypt, at: r.loc(v.span) });
                }
            }
            let owner = res.and_then(|r| r.key.as_deref()).map(super::normalise_ref);
            Some(Fact::KeyPolicy(KeyPolicyFact {
                owner,
                grants,
                root: root_stmt,
                root_accounts,
                created: res.is_some_and(|r| r.created),
                depends_on: res
                    .map(|r| r.depends_on.iter().map(|d| super::normalise_ref(d)).collect())
                    .unwrap_or_default(),
                at: r.loc(head),
            }))
        }
        PolicyKind::Identity => {
            let mut resources = Vec::new();
            for s in policy.statements.iter().filter(|s| s.is_allow()) {
                let encrypt = s.covers_action("kms:Encrypt");
                let decrypt = s.covers_action("kms:Decrypt");
                if !(encrypt || decrypt) {
                    continue;
                }
                let Some(list) = &s.resource else { continue };
                for v in &list.values {
                    let Some((text, _)) = v.as_text() else { continue };
                    resources.push(Grant { principal: text.to_string(), encrypt, decrypt, at: r.loc(v.span) });
                }
            }
            if resources.is_empty() {
                return None;
            }
            let roles = res.and_then(|r| r.roles.as_ref()).map(|roles| {
                let mut roles: Vec<String> = roles.iter().map(|x| super::normalise_ref(x)).collect();
                roles.dedup();
                roles
            });
            Some(Fact::Permissions(PermissionsFact { resources, roles, at: r.loc(head) }))
        }
        PolicyKind::Resource => None,
    }
}
