//! `cmek-lint preflight`: check the three values entered in the Pinecone console (role ARN, key
//! ARN, external id) and, given the files or AWS CLI exports of the setup, that they fit them.
//! Prints a ✓/✗ checklist; exit 1 when anything would fail.

use super::{ExitStatus, ToolError, write_stdout};
use crate::cli::PreflightArgs;
use crate::diagnostic::Severity;
use crate::policy::Arn;
use crate::rules::{Registry, Scope};
use crate::settings::Settings;

/// The three console values, from the flags or the config.
struct Values<'a> {
    role_arn: &'a str,
    key_arn: &'a str,
    external_id: Option<&'a str>,
}

/// One line of the checklist.
pub struct Item {
    pub ok: bool,
    pub what: String,
    pub why: String,
}

fn item(items: &mut Vec<Item>, ok: bool, what: impl Into<String>, why: impl Into<String>) {
    items.push(Item { ok, what: what.into(), why: why.into() });
}

/// A value still holding an example's placeholder (CMK115's test) or an unexpanded `${...}`.
fn placeholder(v: &str) -> bool {
    crate::data::placeholders::find_placeholder(v.trim()).is_some() || crate::data::placeholders::has_expression(v)
}

fn is_uuid_v4(s: &str) -> bool {
    crate::data::uuid_version(s).is_some_and(|(v4, _)| v4)
}

/// Checks on the values alone.
fn check_values(args: &Values<'_>, settings: &Settings) -> Vec<Item> {
    let mut items = Vec::new();
    let role = Arn::parse(args.role_arn.trim());
    let role_ok = role.is_some_and(|a| {
        a.service == "iam"
            && a.resource_type == "role"
            && crate::policy::arn::is_account_id(a.account)
            && a.region.is_empty()
    });
    if placeholder(args.role_arn) {
        item(&mut items, false, "Role ARN", format!("`{}` still holds a placeholder", args.role_arn));
    } else if !role_ok {
        item(
            &mut items,
            false,
            "Role ARN",
            format!("`{}` is not an IAM role ARN (`arn:aws:iam::<account>:role/<name>`)", args.role_arn),
        );
    } else {
        item(&mut items, true, "Role ARN", format!("`{}` is an IAM role ARN", args.role_arn));
    }
    let key = Arn::parse(args.key_arn.trim());
    let key_ok = key.is_some_and(|a| {
        a.service == "kms" && a.resource_type == "key" && crate::policy::arn::is_account_id(a.account)
    });
    if placeholder(args.key_arn) {
        item(&mut items, false, "Key ARN", format!("`{}` still holds a placeholder", args.key_arn));
    } else if key.is_some_and(|a| a.service == "kms" && a.resource_type == "alias") {
        item(&mut items, false, "Key ARN", "an alias ARN: Pinecone needs the key ARN (`...:key/<key id>`)");
    } else if !key_ok {
        item(
            &mut items,
            false,
            "Key ARN",
            format!("`{}` is not a KMS key ARN (`arn:aws:kms:<region>:<account>:key/<key id>`)", args.key_arn),
        );
    } else {
        item(&mut items, true, "Key ARN", format!("`{}` is a KMS key ARN", args.key_arn));
    }
    if let Some(k) = key.filter(|_| key_ok) {
        let region_ok = settings.regions.iter().any(|r| r == k.region);
        let why = if region_ok {
            format!("`{}` is a Pinecone region", k.region)
        } else {
            format!("`{}` is not a region Pinecone runs in ({})", k.region, settings.regions.join(", "))
        };
        item(&mut items, region_ok, "Key region", why);
        let mrk = k.resource_name.starts_with("mrk-");
        item(
            &mut items,
            !mrk,
            "Single-Region key",
            if mrk {
                "the key id starts with `mrk-`: multi-Region keys are not supported by Pinecone CMEK"
            } else {
                "not a multi-Region (`mrk-`) key"
            },
        );
        if let Some(r) = role.filter(|_| role_ok) {
            let same = r.partition == k.partition;
            item(
                &mut items,
                same,
                "Same partition",
                if same {
                    format!("both in `{}`", k.partition)
                } else {
                    format!("role in `{}`, key in `{}`", r.partition, k.partition)
                },
            );
        }
    }
    match args.external_id {
        None => {
            item(&mut items, true, "External ID", "none given (optional; the trust policy must then not require one)")
        }
        Some(e) if placeholder(e) => item(&mut items, false, "External ID", format!("`{e}` still holds a placeholder")),
        Some(e) if !is_uuid_v4(e) => {
            item(&mut items, false, "External ID", format!("`{e}` is not a UUID v4 as Pinecone recommends"))
        }
        Some(e) => item(&mut items, true, "External ID", format!("`{e}` is a UUID v4")),
    }
    items
}

/// The settings of a run taking the preflight arguments (`preflight`, `access`): the config
/// file's, then `--pinecone-account` and the console values over them; with the registry of
/// the config file's `[rules] extra`, when it has one (else `registry` applies).
pub(super) fn settings_for(
    args: &PreflightArgs,
    registry: &Registry,
) -> Result<(Option<Registry>, Settings), ToolError> {
    let config = crate::config::load_config(args.config.as_deref(), args.isolated)?;
    let registry_owned = match &config {
        Some(c) => Some(super::registry_for(&[], Some(c))?),
        None => None,
    };
    let registry = registry_owned.as_ref().unwrap_or(registry);
    let mut settings = registry.default_settings();
    if let Some(c) = &config {
        crate::config::apply_parsed(&c.path, &c.text, &c.file, registry, &mut settings)?;
    }
    if let Some(acct) = &args.pinecone_account {
        crate::config::check_account_id("--pinecone-account", acct).map_err(|e| ToolError::usage(e.message, e.help))?;
        settings.pinecone_account = Some(acct.clone());
    }
    super::check::check_console_args(&args.console)?;
    args.console.apply(&mut settings.console);
    Ok((registry_owned, settings))
}

/// Run `cmek-lint preflight`.
pub fn run(args: PreflightArgs, registry: &Registry) -> Result<ExitStatus, ToolError> {
    let (registry_owned, settings) = settings_for(&args, registry)?;
    let registry = registry_owned.as_ref().unwrap_or(registry);
    let customer = &settings.console;
    let missing = |name: &str| {
        ToolError::usage(
            format!("preflight needs --{name} (or `{}` in `[customer]` of cmek-lint.toml)", name.replace('-', "_")),
            None,
        )
    };
    let role_arn = customer.role_arn.clone().ok_or_else(|| missing("role-arn"))?;
    let key_arn = customer.key_arn.clone().ok_or_else(|| missing("key-arn"))?;
    let external_id = customer.external_id.clone();
    let values = Values { role_arn: &role_arn, key_arn: &key_arn, external_id: external_id.as_deref() };
    let mut items = check_values(&values, &settings);

    if !args.paths.is_empty() {
        let job = crate::driver::Job {
            paths: &args.paths,
            discover: &crate::discover::Options::default(),
            jobs: 0,
            explicit: true,
            keep: crate::driver::Retention { clean: true, facts: true, setups: false },
        };
        let checked = crate::driver::check_paths(&job, registry, &settings)?;
        if let Some(e) = checked.walk_errors.first() {
            return Err(e.clone().into());
        }
        let reports = checked.reports;
        if let Some(e) = reports.iter().flat_map(|r| r.errors.iter()).next() {
            return Err(e.clone().into());
        }
        let documents = Documents::of(&reports);
        let setups = crate::setup::group(reports.iter().flat_map(|r| r.facts.iter()));
        // The setup of the role being entered (by ARN, else by name), else the first one.
        let wanted = Arn::parse(role_arn.trim());
        let fits = |r: &crate::setup::TrustFact| {
            r.arn.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(role_arn.trim()))
                || (r.arn.is_none() && r.name.as_deref().is_some_and(|n| wanted.is_some_and(|w| w.name() == n)))
        };
        let setup = setups.iter().find(|s| s.role.is_some_and(fits)).or_else(|| setups.first());
        let role = setup.and_then(|s| s.role);
        let export = Export { folder: export_folder(&args.paths), role_arn: &role_arn, key_arn: &key_arn };
        match role {
            None => item(
                &mut items,
                false,
                "Role trusting Pinecone",
                format!(
                    "no trust policy naming Pinecone's roles found in the files{}{}; export the role: `{}`",
                    if documents.trust { " (a trust policy was found, naming none of them)" } else { "" },
                    documents.unread(),
                    export.role()
                ),
            ),
            Some(r) => {
                let where_ = format!("{}:{}", r.at.file, r.at.start.line);
                item(&mut items, true, "Role trusting Pinecone", format!("found at {where_}"));
                if let Some(arn) = &r.arn {
                    let same = arn.eq_ignore_ascii_case(role_arn.trim());
                    item(
                        &mut items,
                        same,
                        "Role ARN matches the role",
                        if same { "the role found has this ARN".into() } else { format!("the role found is `{arn}`") },
                    );
                }
                if let Some(e) = &external_id {
                    let ids: Vec<&str> = r.external_ids.iter().map(|v| v.value.as_str()).collect();
                    let ok = r.external_ids.iter().any(|v| v.matches(e));
                    let why = if ids.is_empty() {
                        "the trust policy has no `sts:ExternalId` condition".to_string()
                    } else if ok {
                        "the trust policy expects this external id".into()
                    } else {
                        format!("the trust policy expects `{}`", ids.join("`, `"))
                    };
                    item(&mut items, ok, "External ID matches the trust policy", why);
                } else if let Some(v) = r.external_ids.first() {
                    item(
                        &mut items,
                        false,
                        "External ID matches the trust policy",
                        format!("the trust policy requires external id `{}`: pass --external-id", v.value),
                    );
                }
            }
        }
        // The key policy and the key metadata: without them, nothing below checks the key.
        if let Some(file) = &documents.key_policy {
            item(&mut items, true, "Key policy", format!("found in {file}"));
        } else {
            let why =
                format!("no key policy found in the files{}; export it: `{}`", documents.unread(), export.key_policy());
            item(&mut items, false, "Key policy", why);
        }
        if let Some(file) = &documents.key {
            item(&mut items, true, "Key metadata", format!("found in {file}"));
        } else {
            let why = format!(
                "no key metadata (`describe-key`, a KMS key resource) found in the files{}; export it: `{}`",
                documents.unread(),
                export.key()
            );
            item(&mut items, false, "Key metadata", why);
        }
        let key = setup.and_then(|s| s.key).or_else(|| setups.iter().find_map(|s| s.key));
        if let Some(k) = key.and_then(|k| k.arn.as_deref()) {
            let same = k.eq_ignore_ascii_case(key_arn.trim());
            item(
                &mut items,
                same,
                "Key ARN matches the key",
                if same { "the key found has this ARN".into() } else { format!("the key found is `{k}`") },
            );
        }
        let cross: Vec<String> = reports
            .iter()
            .flat_map(|r| r.diagnostics.iter().map(move |d| (r, d)))
            .filter(|(_, d)| d.diagnostic.code.starts_with("CMK6"))
            .map(|(r, d)| format!("{}:{}: {} [{}]", r.path, d.start.line, d.diagnostic.message, d.diagnostic.code))
            .collect();
        item(
            &mut items,
            cross.is_empty(),
            "Role, key and policies fit together",
            if cross.is_empty() { "no cross-document problem".to_string() } else { cross.join("; ") },
        );
        let failing: Vec<String> = reports
            .iter()
            .flat_map(|r| r.diagnostics.iter().map(move |d| (r, d)))
            .filter(|(_, d)| d.diagnostic.severity >= Severity::Error && !d.diagnostic.code.starts_with("CMK6"))
            .map(|(r, d)| format!("{}:{}: {} [{}]", r.path, d.start.line, d.diagnostic.message, d.diagnostic.code))
            .collect();
        let scope_ok = registry.rules.iter().any(|r| r.record.scope == Scope::Policy);
        if scope_ok {
            item(
                &mut items,
                failing.is_empty(),
                "Policies pass cmek-lint",
                if failing.is_empty() { "no error in the policies".to_string() } else { failing.join("; ") },
            );
        }
    }

    let mut ok = true;
    let mut out = String::new();
    for i in &items {
        ok &= i.ok;
        out.push_str(&format!("{} {}: {}\n", if i.ok { "✓" } else { "✗" }, i.what, i.why));
    }
    out.push_str(if !ok {
        "\nNot ready: fix the ✗ items first.\n"
    } else if args.paths.is_empty() {
        // Never "Ready" about a role and a key it did not see.
        "\nThe values are well-formed, but no files were given: nothing checked that the role, the key policy and \
         the key metadata fit them. Export them (`aws iam get-role`, `aws kms get-key-policy`, `aws kms describe-key`) \
         into a folder and pass it.\n"
    } else {
        "\nReady: enter these values in the Pinecone console (Manage > CMEK).\n"
    });
    write_stdout(&out)?;
    Ok(if ok { ExitStatus::Success } else { ExitStatus::Failure })
}

/// Which of the three documents preflight needs the files hold (trust policy, key policy, key
/// metadata), and the files that could not be read as any document (empty, invalid, too large,
/// not UTF-8, no policy): what a missing document may be hiding in.
struct Documents {
    trust: bool,
    /// The first file holding a key policy, key metadata.
    key_policy: Option<String>,
    key: Option<String>,
    unread: Vec<String>,
}

impl Documents {
    fn of(reports: &[crate::engine::FileReport]) -> Self {
        use crate::setup::FactKind;
        let facts = || reports.iter().flat_map(|r| r.facts.iter().map(|f| &f.kind));
        let file_with = |what: fn(&FactKind) -> bool| {
            reports.iter().find(|r| r.facts.iter().any(|f| what(&f.kind))).map(|r| r.path.clone())
        };
        // Findings that mean the file (or a document in it) was not read.
        const UNREAD: &[&str] = &["CMK001", "CMK007", "CMK008", "CMK009", "CMK010", "CMK011", "CMK012", "CMK014"];
        let unread = reports
            .iter()
            .filter_map(|r| {
                if r.skipped {
                    return Some(format!("{}: no policy in it", r.path));
                }
                let d = r
                    .diagnostics
                    .iter()
                    .find(|d| UNREAD.contains(&d.diagnostic.code) && d.diagnostic.severity >= Severity::Error)
                    .or_else(|| r.diagnostics.iter().find(|d| d.diagnostic.code == "CMK009"))?;
                Some(format!("{}: {} [{}]", r.path, d.diagnostic.message, d.diagnostic.code))
            })
            .collect();
        Documents {
            trust: facts().any(|f| matches!(f, FactKind::Trust(_))),
            key_policy: file_with(|f| matches!(f, FactKind::KeyPolicy(_))),
            key: file_with(|f| matches!(f, FactKind::Key(_))),
            unread,
        }
    }

    /// `` (not read: a: why; b: why)``, or nothing.
    fn unread(&self) -> String {
        if self.unread.is_empty() { String::new() } else { format!(" (not read: {})", self.unread.join("; ")) }
    }
}

/// The `aws` commands exporting the three documents (as in the README), into the folder given.
struct Export<'a> {
    folder: String,
    role_arn: &'a str,
    key_arn: &'a str,
}

impl Export<'_> {
    fn role(&self) -> String {
        let name = Arn::parse(self.role_arn.trim()).map_or("<role name>", |a| a.name());
        format!("aws iam get-role --role-name {name} > {}get-role.json", self.folder)
    }
    fn key_policy(&self) -> String {
        format!(
            "aws kms get-key-policy --key-id {} --policy-name default > {}kms-get-key-policy.json",
            self.key_arn.trim(),
            self.folder
        )
    }
    fn key(&self) -> String {
        format!("aws kms describe-key --key-id {} > {}kms-describe-key.json", self.key_arn.trim(), self.folder)
    }
}

/// The folder exports go to: the first folder given (`cmek-setup/`), else the first file's.
fn export_folder(paths: &[std::path::PathBuf]) -> String {
    let dir = paths.iter().find(|p| p.is_dir()).cloned().or_else(|| {
        paths.first().and_then(|p| p.parent()).filter(|p| !p.as_os_str().is_empty()).map(|p| p.to_path_buf())
    });
    match dir {
        Some(d) => {
            let d = d.display().to_string();
            if d.ends_with('/') { d } else { format!("{d}/") }
        }
        None => String::new(),
    }
}
