//! `cmek-lint access`: evaluate Pinecone's requests (and an attacker's) against each CMEK setup
//! found in the paths — the role's trust policy, the key policy and the role's permissions
//! policies of one folder — and print, per scenario, the expected and the actual decision and
//! the statement that decided it. Exit 1 when a decision differs from the expected one (an
//! `unknown` does not count), 2 on usage or I/O errors.

use super::{ExitStatus, ToolError, write_stdout};
use crate::cli::{AccessArgs, AccessFormat, ColorChoice};
use crate::engine::{FileDocument, FileDocuments, documents_with_referenced};
use crate::eval::{Caller, Decision};
use crate::extract::Subject;
use crate::extract::bind::{Bindings, bind};
use crate::policy::arn::is_account_id;
use crate::policy::{Arn, Policy, PolicyKind, classify};
use crate::render::escape::terminal;
use crate::render::{AccessCheck as Check, AccessPosition as Position, AccessSetup as SetupChecks};
use crate::rules::Registry;
use crate::scenarios::{self, Outcome};
use crate::settings::Settings;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Every scenario `crate::scenarios` can build, with what it needs (`true`: the key ARN too;
/// `false`: Pinecone's account).
const SCENARIOS: &[(&str, bool)] = &[
    ("pinecone-assume", false),
    ("pinecone-assume-without-external-id", false),
    ("other-account-assume", false),
    ("pinecone-other-role-assume", false),
    ("anonymous-assume", false),
    ("role-encrypt", true),
    ("role-decrypt", true),
    ("role-key-admin", true),
    ("other-account-key-use", true),
];

/// A document: index of its file, index in the file.
type DocRef = (usize, usize);

/// The documents of one folder, by role.
#[derive(Default)]
struct Folder {
    trust: Vec<DocRef>,
    key_policy: Vec<DocRef>,
    identity: Vec<DocRef>,
    key_arns: Vec<String>,
    /// The key metadata documents.
    key_docs: Vec<DocRef>,
}

/// Run `cmek-lint access`.
pub fn run(args: AccessArgs, registry: &Registry, color: ColorChoice) -> Result<ExitStatus, ToolError> {
    let (_, mut settings) = super::preflight::settings_for(&args.setup, registry)?;
    for r in &args.regions {
        crate::config::check_region(&format!("--regions `{r}`"), r).map_err(|e| ToolError::usage(e.message, e.help))?;
    }
    if !args.regions.is_empty() {
        settings.regions.clone_from(&args.regions);
    }
    let paths = if args.setup.paths.is_empty() { vec![PathBuf::from(".")] } else { args.setup.paths.clone() };
    let setups = tables(&paths, &mut settings, args.role_policies_complete)?;
    // Nothing evaluated is not a clean run (as `check`'s "nothing checked").
    if setups.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(ToolError::usage(
            format!("nothing checked: no trust policy or key policy found in {}", shown.join(", ")),
            Some(
                "export them into a folder: `aws iam get-role`, `aws kms get-key-policy`, `aws kms describe-key`"
                    .into(),
            ),
        ));
    }
    let unexpected = setups.iter().flat_map(|s| &s.checks).any(Check::unexpected);
    let out = match args.format {
        AccessFormat::Json => json(&setups),
        AccessFormat::Human => human(&setups, color.enabled(std::io::stdout().is_terminal())),
    };
    write_stdout(&out)?;
    Ok(if unexpected { ExitStatus::Failure } else { ExitStatus::Success })
}

/// The scenario tables of every setup found in `paths` (folder by folder), with `settings`'
/// Pinecone account, regions and console values (restored on return). Also the HTML report's
/// access section (`check --format html`).
/// `complete`: the CMEK role's permissions policies in view are all it has (none, when none
/// is in view), as `--role-policies-complete` says; else, with none in view, unknown.
pub(crate) fn tables(
    paths: &[PathBuf],
    settings: &mut Settings,
    complete: bool,
) -> Result<Vec<SetupChecks>, ToolError> {
    let mut files: Vec<PathBuf> = Vec::new();
    let errors = crate::discover::walk(paths, &crate::discover::Options::default(), |c| {
        files.push(c.path);
        true
    })
    .map_err(|e| ToolError::usage(e, None))?;
    if let Some(e) = errors.first() {
        return Err(e.clone().into());
    }
    // Every file's documents; those of a referred-to file go with the referring file's folder.
    let mut all: Vec<FileDocuments> = Vec::new();
    let mut folders: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    // A file read by another (Terraform `file()`) is taken as that one reads it (with the
    // kind and the resource it gives), once.
    let same = |a: &std::path::Path, b: &std::path::Path| {
        a == b || crate::discover::FileId::of(a).is_some_and(|i| crate::discover::FileId::of(b) == Some(i))
    };
    let mut referenced: Vec<PathBuf> = Vec::new();
    for path in &files {
        if referenced.iter().any(|r| same(r, path)) {
            continue;
        }
        let folder = path.parent().map(|p| p.display().to_string()).unwrap_or_default();
        for (i, docs) in documents_with_referenced(path, settings.max_file_size)?.into_iter().enumerate() {
            if i > 0 {
                referenced.push(docs.path.clone());
                if let Some(earlier) = all.iter().position(|f| same(&f.path, &docs.path)) {
                    // Read alone before (walked first): now it belongs to the referring folder.
                    all[earlier] = docs;
                    for v in folders.values_mut() {
                        v.retain(|&x| x != earlier);
                    }
                    folders.entry(folder.clone()).or_default().push(earlier);
                    continue;
                }
            }
            folders.entry(folder.clone()).or_default().push(all.len());
            all.push(docs);
        }
    }
    let mut setups = Vec::new();
    for (name, indices) in &folders {
        setups.extend(folder_setups(name, indices, &all, settings, complete));
    }
    Ok(setups)
}

fn doc(all: &[FileDocuments], (f, d): DocRef) -> &FileDocument {
    &all[f].documents[d]
}

/// The setups of one folder: one per trust policy (the configured role's only, when it is
/// among them), or one without a trust policy when the folder holds only a key policy.
fn folder_setups(
    name: &str,
    indices: &[usize],
    all: &[FileDocuments],
    settings: &mut Settings,
    complete: bool,
) -> Vec<SetupChecks> {
    let mut folder = Folder::default();
    for &f in indices {
        for (d, document) in all[f].documents.iter().enumerate() {
            if document.subject == Subject::KeyMetadata {
                folder.key_docs.push((f, d));
                if let Some(arn) = document.root.get("Arn").and_then(|m| m.value.as_str()).filter(|a| is_key_arn(a))
                    && !folder.key_arns.iter().any(|k| k == arn)
                {
                    folder.key_arns.push(arn.to_string());
                }
                continue;
            }
            let kind = document.kind.unwrap_or_else(|| classify(&Policy::new(&document.root)));
            match kind {
                PolicyKind::Trust => folder.trust.push((f, d)),
                PolicyKind::Key => folder.key_policy.push((f, d)),
                PolicyKind::Identity => folder.identity.push((f, d)),
                PolicyKind::Resource => {}
            }
        }
    }
    if folder.trust.is_empty() && folder.key_policy.is_empty() {
        return Vec::new();
    }
    let configured = settings.console.role_arn.clone();
    let configured = configured.as_deref().map(str::trim);
    let role_of = |r: DocRef| doc(all, r).resource.as_ref().and_then(|res| res.arn.clone());
    let mut trusts: Vec<Option<DocRef>> = folder.trust.iter().copied().map(Some).collect();
    if let Some(c) = configured
        && let Some(&t) = folder.trust.iter().find(|&&t| role_of(t).is_some_and(|a| a.eq_ignore_ascii_case(c)))
    {
        trusts = vec![Some(t)];
    }
    // Several roles in the folder: those trusting Pinecone's roles (or account) are its setups.
    if trusts.len() > 1 {
        let pinecone = |t: DocRef| {
            let text = doc(all, t).root.to_json().to_string();
            text.contains(crate::pinecone::ROLE_PREFIX)
                || settings.pinecone_account.as_deref().is_some_and(|a| text.contains(&format!(":{a}:")))
        };
        if trusts.iter().flatten().any(|&t| pinecone(t)) {
            trusts.retain(|t| t.is_some_and(pinecone));
        }
    }
    if trusts.is_empty() {
        trusts.push(None);
    }
    trusts.into_iter().map(|t| setup(name, t, &folder, all, settings, complete)).collect()
}

/// The `sts:ExternalId` condition values of a trust policy: the literal ones, and whether any
/// is known only at deploy time (a parameter, a variable).
fn external_ids(root: &crate::json::Node) -> (Vec<String>, bool) {
    let mut out: Vec<String> = Vec::new();
    let mut deploy_time = false;
    let statements = root.get("Statement").map(|m| m.value.one_or_many()).unwrap_or_default();
    let conditions = statements.iter().filter_map(|s| s.get("Condition")).filter_map(|c| c.value.as_object());
    for operator in conditions.flatten().filter_map(|op| op.value.as_object()) {
        for entry in operator.iter().filter(|e| e.key.eq_ignore_ascii_case("sts:ExternalId")) {
            for v in entry.value.one_or_many() {
                match v.as_text() {
                    Some((text, false)) if !out.iter().any(|o| o == text) => out.push(text.to_string()),
                    Some((_, true)) => deploy_time = true,
                    _ => {}
                }
            }
        }
    }
    (out, deploy_time)
}

fn is_key_arn(a: &str) -> bool {
    Arn::parse(a).is_some_and(|k| k.service == "kms" && k.resource_type == "key")
}

fn setup(
    folder_name: &str,
    trust: Option<DocRef>,
    folder: &Folder,
    all: &[FileDocuments],
    settings: &mut Settings,
    complete: bool,
) -> SetupChecks {
    let mut notes = Vec::new();
    let resource = trust.and_then(|t| doc(all, t).resource.as_deref());
    // The role ARN: configured, else the exported role's.
    let role_arn = match (&settings.console.role_arn, resource.and_then(|r| r.arn.clone())) {
        (Some(c), _) => Some(c.trim().to_string()),
        (None, Some(a)) => Some(a),
        (None, None) => None,
    };
    let key_arn = match (&settings.console.key_arn, folder.key_arns.as_slice()) {
        (Some(c), _) => Some(c.trim().to_string()),
        (None, [one]) => Some(one.clone()),
        (None, []) => None,
        (None, many) => {
            notes.push(format!("several keys in the folder ({}): pass --key-arn", many.join(", ")));
            None
        }
    };
    if folder.key_policy.len() > 1 {
        notes.push(format!("{} key policies in the folder: the first one is evaluated", folder.key_policy.len()));
    }
    let key_policy = folder.key_policy.first().copied();
    // The permissions policies of the role: those attached to it, or to no role said.
    let role_name = role_arn.as_deref().and_then(Arn::parse).map(|a| a.name().to_string());
    let names: Vec<String> = resource
        .into_iter()
        .flat_map(|r| [r.name.clone(), r.id.clone()])
        .flatten()
        .chain(role_name)
        .filter(|n| !n.is_empty())
        .collect();
    let attached: Vec<DocRef> = folder
        .identity
        .iter()
        .copied()
        .filter(|&p| match doc(all, p).resource.as_ref().and_then(|r| r.roles.as_ref()) {
            None => true,
            Some(roles) => roles.iter().any(|r| names.iter().any(|n| r == n || r.contains(n.as_str()))),
        })
        .collect();
    // Every one in view counts (IAM unions a role's identity policies); with none, the role's
    // permissions are unknown.
    if attached.len() > 1 {
        notes.push(format!("{} permissions policies for the role: all of them are evaluated", attached.len()));
    }
    let permissions = attached;
    if trust.is_none() {
        notes.push("no trust policy in the folder: the assume scenarios are unknown".into());
    }
    if key_policy.is_none() {
        notes.push("no key policy in the folder: the key scenarios are unknown".into());
    }

    // The external ID: configured, else the one the trust policy requires, when it names one.
    // A deploy-time value there (a parameter without a default, a variable) is unknown:
    // Pinecone sends what the customer enters.
    let (written, deploy_time) = trust.map_or((Vec::new(), false), |t| external_ids(&doc(all, t).root));
    let external_id_unknown = settings.console.external_id.is_none() && deploy_time;
    let external_id = match (&settings.console.external_id, written.as_slice()) {
        (Some(e), _) => Some(e.clone()),
        (None, [one]) => {
            notes.push(format!("external ID `{one}` taken from the trust policy (--external-id to set it)"));
            Some(one.clone())
        }
        (None, _) => None,
    };
    // Stand-ins for what is not known yet but is fixed by the documents in view: the role a
    // template (or a trust policy alone) creates, in the account that deploys it; the key a
    // key policy will be attached to, in the account its root statement names.
    let evaluated_role = role_arn.clone().or_else(|| {
        let name = resource.and_then(|r| r.name.clone()).filter(|n| is_role_name(n));
        trust?;
        let arn = stand_in_role(name.as_deref());
        notes.push(format!(
            "role ARN not known: evaluated as `{arn}`, {STAND_IN_ACCOUNT} standing for the account that creates the role (--role-arn to name it)"
        ));
        Some(arn)
    });
    let evaluated_key = key_arn.clone().or_else(|| {
        let root = &doc(all, key_policy?).root;
        let account = stand_in_key_account(root, evaluated_role.as_deref())?;
        let arn = crate::rules::evaluated::placeholder_key(&account);
        notes.push(format!(
            "key ARN not known: evaluated as `{arn}`, the key this key policy will be attached to (--key-arn to name it)"
        ));
        Some(arn)
    });
    // The values of this setup, for the scenarios (the configured ones put back at the end).
    let configured =
        (settings.console.role_arn.clone(), settings.console.key_arn.clone(), settings.console.external_id.clone());
    settings.console.role_arn.clone_from(&evaluated_role);
    settings.console.key_arn.clone_from(&evaluated_key);
    settings.console.external_id = external_id;
    let s = &*settings;
    // The template's references to its own account, role and key, as this setup's values.
    let binding = bindings(trust, folder, all, s);
    let roots: Vec<(DocRef, std::borrow::Cow<'_, crate::json::Node>)> = [trust, key_policy]
        .into_iter()
        .flatten()
        .chain(permissions.iter().copied())
        .map(|r| {
            let root = &doc(all, r).root;
            (r, bind(root, &binding).map_or(std::borrow::Cow::Borrowed(root), std::borrow::Cow::Owned))
        })
        .collect();
    let policies: Vec<(DocRef, Policy<'_>)> = roots.iter().map(|(r, n)| (*r, Policy::new(n))).collect();
    let policy = |r: Option<DocRef>| r.and_then(|r| policies.iter().find(|(x, _)| *x == r)).map(|(_, p)| p);
    let identity: Vec<&Policy<'_>> = permissions.iter().filter_map(|&r| policy(Some(r))).collect();
    // With none in view, the role's permissions are unknown, unless told they are complete.
    let identity = (complete || !identity.is_empty()).then_some(identity.as_slice());
    let mut built = scenarios::scenarios(s);
    if external_id_unknown && s.console.external_id.is_none() {
        notes.push(
            "external ID not known (a deploy-time value in the trust policy): the requests sending it are unknown (--external-id to set it)"
                .into(),
        );
        for scenario in built.iter_mut().filter(|sc| sc.target == scenarios::Target::Trust) {
            for request in &mut scenario.requests {
                std::sync::Arc::make_mut(request).context.unknown("sts:ExternalId");
            }
        }
    }
    let mut checks = Vec::new();
    for &(name, key) in SCENARIOS {
        let Some(scenario) = built.iter().find(|sc| sc.name == name) else {
            if name == "pinecone-assume-without-external-id" && s.console.external_id.is_none() {
                continue;
            }
            checks.push(needs(name, key, s, evaluated_role.as_deref(), evaluated_key.as_deref()));
            continue;
        };
        let outcome = scenarios::run_with(scenario, policy(trust), policy(key_policy), identity);
        // The evaluator's policy indices: the resource policy first (when given), then the
        // permissions policies (for the CMEK role's own calls).
        let resource_doc = match scenario.target {
            scenarios::Target::Trust => trust,
            scenarios::Target::Key => key_policy,
        };
        let mut order: Vec<DocRef> = resource_doc.into_iter().collect();
        if scenario.customer_role {
            order.extend(permissions.iter().copied());
        }
        let mut row = check(&outcome, &order, all);
        if resource_doc.is_none() && row.decision == Decision::Unknown {
            row.reason = match scenario.target {
                scenarios::Target::Trust => "no trust policy found for the role".into(),
                scenarios::Target::Key => "no key policy found in the folder".into(),
            };
        }
        checks.push(row);
    }
    (settings.console.role_arn, settings.console.key_arn, settings.console.external_id) = configured;
    SetupChecks { folder: folder_name.to_string(), role_arn, key_arn, notes, checks }
}

/// The account a stand-in CMEK role is evaluated in when its ARN is not known: AWS's
/// documentation example account, never Pinecone's nor the attacker scenarios' accounts.
const STAND_IN_ACCOUNT: &str = "111122223333";

/// Whether `name` is a literal IAM role name (no unresolved reference or wildcard).
fn is_role_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

/// The stand-in ARN of a role not yet created: its name when the template says it.
fn stand_in_role(name: Option<&str>) -> String {
    format!("arn:aws:iam::{STAND_IN_ACCOUNT}:role/{}", name.unwrap_or("cmek-role"))
}

/// The account of the key a key policy will be attached to: the one account its `Allow`
/// statements name as root (the key owner's "Enable IAM User Permissions" statement), else the
/// CMEK role's. `None` when that is ambiguous, or when a statement's `Resource` is not `*` (a
/// stand-in key ARN could not match it).
fn stand_in_key_account(root: &crate::json::Node, role_arn: Option<&str>) -> Option<String> {
    let policy = Policy::new(root);
    let mut accounts: Vec<String> = Vec::new();
    for s in &policy.statements {
        if s.not_resource.is_some() || s.resource.as_ref().is_some_and(|r| r.strings().any(|(r, _)| r != "*")) {
            return None;
        }
        let Some(p) = s.principal.as_ref().filter(|_| s.is_allow()) else { continue };
        for v in p.values_of("AWS") {
            let Some((text, false)) = v.as_text() else { continue };
            let account = if is_account_id(text) {
                Some(text)
            } else {
                Arn::parse(text).filter(|a| a.resource == "root").map(|a| a.account)
            };
            if let Some(a) = account.filter(|a| is_account_id(a))
                && !accounts.iter().any(|x| x == a)
            {
                accounts.push(a.to_string());
            }
        }
    }
    match accounts.as_slice() {
        [one] => Some(one.clone()),
        [] => role_arn.and_then(Arn::parse).map(|a| a.account.to_string()).filter(|a| is_account_id(a)),
        _ => None,
    }
}

/// What a template's setup-relative references stand for in this setup (see
/// [`crate::extract::bind`]): the customer's own account is the CMEK role's (else the key's);
/// the role resource whose trust policy is evaluated is the CMEK role; the folder's one key
/// resource is the key.
fn bindings(trust: Option<DocRef>, folder: &Folder, all: &[FileDocuments], s: &Settings) -> Bindings {
    let account = |a: Option<&str>| a.and_then(Arn::parse).map(|a| a.account.to_string()).filter(|a| is_account_id(a));
    let role_arn = s.console.role_arn.clone();
    let key_arn = s.console.key_arn.clone();
    let created = |r: DocRef| doc(all, r).resource.as_deref().filter(|res| res.created).and_then(|res| res.id.clone());
    let mut key_ids: Vec<String> = folder.key_docs.iter().filter_map(|&k| created(k)).collect();
    key_ids.dedup();
    if key_ids.len() > 1 {
        key_ids.clear();
    }
    // A role the template names otherwise is not the configured role.
    let role_name = role_arn.as_deref().and_then(Arn::parse).map(|a| a.name().to_string());
    let same_name = |r: DocRef| {
        let named = doc(all, r).resource.as_deref().and_then(|res| res.name.clone());
        named.is_none_or(|n| role_name.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(&n)))
    };
    Bindings {
        own_account: account(role_arn.as_deref()).or_else(|| account(key_arn.as_deref())),
        role_ids: trust.filter(|&t| same_name(t)).and_then(created).into_iter().collect(),
        role_arn,
        key_ids,
        key_arn,
    }
}

/// The row of a scenario that could not be built, saying what it needs.
fn needs(name: &str, key: bool, s: &Settings, role: Option<&str>, key_arn: Option<&str>) -> Check {
    let mut missing = Vec::new();
    if role.is_none_or(|r| Caller::role_session(r, scenarios::SESSION_NAME).is_none()) {
        missing.push("the role ARN (--role-arn, `[customer] role_arn`, or an `aws iam get-role` export)");
    }
    if key {
        if key_arn.is_none_or(|k| !is_key_arn(k)) {
            missing.push("the key ARN (--key-arn, `[customer] key_arn`, or an `aws kms describe-key` export)");
        }
    } else if s.pinecone_account.is_none() {
        missing.push("Pinecone's account id (--pinecone-account or `[pinecone] account_id`)");
    }
    let expected = match name {
        "pinecone-assume" | "role-encrypt" | "role-decrypt" => Decision::Allowed,
        _ => Decision::Denied,
    };
    Check {
        scenario: name.to_string(),
        principal: None,
        action: None,
        resource: None,
        expected: Some(expected),
        decision: Decision::Unknown,
        deciding: Vec::new(),
        reason: format!("needs {}", missing.join(" and ")),
        witness: None,
    }
}

fn check(outcome: &Outcome, order: &[DocRef], all: &[FileDocuments]) -> Check {
    let witness = outcome.witness.map(|i| &outcome.evaluations[i]);
    let deciding = witness
        .into_iter()
        .flat_map(|(_, e)| e.deciding())
        .filter_map(|hit| {
            let r = *order.get(hit.policy)?;
            let file = &all[r.0];
            let at = file.position(doc(all, r), hit.span);
            Some(Position { file: file.display.clone(), line: at.line, column: at.column })
        })
        .collect();
    let unexpected = outcome.decision != Decision::Unknown && !outcome.as_expected();
    Check {
        scenario: outcome.scenario.to_string(),
        principal: witness.map(|(r, _)| r.caller.principal_arn().unwrap_or_else(|| "*".into())),
        action: witness.map(|(r, _)| r.action.clone()),
        resource: witness.map(|(r, _)| r.resource.clone()),
        expected: Some(outcome.expected),
        decision: outcome.decision,
        deciding,
        reason: witness.map(|(_, e)| e.reason.clone()).unwrap_or_default(),
        witness: witness.filter(|_| unexpected).map(|(r, _)| r.describe()),
    }
}

fn decision_str(d: Decision) -> &'static str {
    match d {
        Decision::Allowed => "allowed",
        Decision::Denied => "denied",
        Decision::Unknown => "unknown",
    }
}

fn json(setups: &[SetupChecks]) -> String {
    use serde_json::json;
    let setups: Vec<serde_json::Value> = setups
        .iter()
        .map(|s| {
            let checks: Vec<serde_json::Value> = s
                .checks
                .iter()
                .map(|c| {
                    json!({
                        "scenario": c.scenario,
                        "principal": c.principal,
                        "action": c.action,
                        "resource": c.resource,
                        "expected": c.expected.map(decision_str),
                        "decision": decision_str(c.decision),
                        "deciding": c.deciding.iter().map(|p| json!({"file": p.file, "line": p.line, "column": p.column})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({"role_arn": s.role_arn, "key_arn": s.key_arn, "checks": checks})
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&json!({"version": 1, "setups": setups})).unwrap_or_default();
    out.push('\n');
    out
}

fn human(setups: &[SetupChecks], color: bool) -> String {
    let paint = |code: &str, s: &str| if color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() };
    let mut out = String::new();
    for (i, s) in setups.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let folder = if s.folder.is_empty() { "." } else { s.folder.as_str() };
        out.push_str(&paint("1", &terminal(folder)));
        out.push('\n');
        let arn =
            |a: &Option<String>| a.as_deref().map_or_else(|| "(unknown)".to_string(), |a| terminal(a).into_owned());
        out.push_str(&format!("  role {}\n  key  {}\n", arn(&s.role_arn), arn(&s.key_arn)));
        for n in &s.notes {
            out.push_str(&format!("  note: {}\n", terminal(n)));
        }
        let header = ["scenario", "expected", "decision", "deciding"];
        let rows: Vec<[String; 4]> = s
            .checks
            .iter()
            .map(|c| {
                let mut deciding: Vec<String> = Vec::new();
                for p in &c.deciding {
                    let at = format!("{}:{}", terminal(&p.file), p.line);
                    if !deciding.contains(&at) {
                        deciding.push(at);
                    }
                }
                let deciding = if deciding.is_empty() {
                    if c.decision == Decision::Unknown { c.reason.clone() } else { "(no statement allows)".into() }
                } else {
                    deciding.join(", ")
                };
                [
                    c.scenario.clone(),
                    c.expected.map_or("-", decision_str).to_string(),
                    decision_str(c.decision).to_string(),
                    deciding,
                ]
            })
            .collect();
        let width = |i: usize| rows.iter().map(|r| r[i].chars().count()).chain([header[i].len()]).max().unwrap_or(0);
        let (w0, w1, w2) = (width(0), width(1), width(2));
        out.push_str(&format!("    {:w0$}  {:w1$}  {:w2$}  {}\n", header[0], header[1], header[2], header[3]));
        for (c, r) in s.checks.iter().zip(&rows) {
            let mark = match (c.unexpected(), c.decision) {
                (true, _) => paint("31", "✗"),
                (false, Decision::Unknown) => paint("33", "?"),
                (false, _) => paint("32", "✓"),
            };
            out.push_str(&format!("  {mark} {:w0$}  {:w1$}  {:w2$}  {}\n", r[0], r[1], r[2], r[3]));
            if let Some(w) = &c.witness {
                out.push_str(&format!("      counterexample: {}\n", terminal(w)));
                if !c.reason.is_empty() {
                    out.push_str(&format!("      because: {}\n", terminal(&c.reason)));
                }
            }
        }
    }
    let total = setups.iter().map(|s| s.checks.len()).sum::<usize>();
    let bad = setups.iter().flat_map(|s| &s.checks).filter(|c| c.unexpected()).count();
    let unknown = setups.iter().flat_map(|s| &s.checks).filter(|c| c.decision == Decision::Unknown).count();
    out.push_str(&format!(
        "\n{} setup{}, {total} scenario{}: {bad} unexpected, {unknown} unknown\n",
        setups.len(),
        if setups.len() == 1 { "" } else { "s" },
        if total == 1 { "" } else { "s" },
    ));
    out
}
