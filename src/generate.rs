//! `cmek-lint generate`: the trust policy, the key policy and (for a key in another account) the
//! permissions policy of a Pinecone CMEK setup, as raw JSON policies, a Terraform module or a
//! CloudFormation template, built from the settings (Pinecone's account and regions, the
//! console values). What it writes is what cmek-lint's own rules accept.
//!
//! The values are validated by the caller (`commands::generate`, with `config`'s checks);
//! [`plan`] only refuses combinations that cannot make a correct setup.

use crate::pinecone::{DOCUMENTED_CMEK_REGIONS, ROLE_PREFIX, name_looks_pinecone};
use crate::policy::Arn;
use crate::settings::Settings;

/// What to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// Raw JSON policies to paste into the AWS console or pass to the AWS CLI.
    Json,
    /// A Terraform module (`cmek.tf`): role, key (or key policy) and outputs.
    Terraform,
    /// A CloudFormation template (`cmek.yaml`): role, key and outputs.
    Cloudformation,
}

/// The options of a run besides the settings.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Trust every `pinecone_cmek_access_*` role of Pinecone's account (`Principal: *` pinned
    /// by `aws:PrincipalArn`) instead of one role per region.
    pub all_regions: bool,
    /// No `sts:ExternalId` condition.
    pub no_external_id: bool,
    /// The role's name when no role ARN is configured (Terraform and CloudFormation only).
    pub role_name: Option<String>,
    /// The regions were configured (`[pinecone] regions` or `--regions`): use exactly them.
    pub regions_configured: bool,
}

/// A refusal: what cannot be generated, and how to fix it.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub message: String,
    pub help: Option<String>,
}

fn refuse(message: impl Into<String>, help: impl Into<Option<String>>) -> Refusal {
    Refusal { message: message.into(), help: help.into() }
}

/// The role: known (a configured ARN) or created by the template under a name.
#[derive(Debug, Clone)]
pub struct Role {
    /// The ARN, when configured.
    pub arn: Option<String>,
    pub partition: String,
    pub account: Option<String>,
    pub name: String,
    /// `/` or `/path/`.
    pub path: String,
}

/// An existing key.
#[derive(Debug, Clone)]
pub struct Key {
    pub arn: String,
    pub account: String,
    pub region: String,
}

/// Everything the files are generated from.
#[derive(Debug, Clone)]
pub struct Plan {
    pub target: Target,
    pub pinecone_account: String,
    /// `None`: all regions (the `aws:PrincipalArn` pin); else one role per region.
    pub regions: Option<Vec<String>>,
    pub external_id: Option<String>,
    /// Whether the external id was generated now (it must be entered in the console).
    pub external_id_generated: bool,
    pub role: Role,
    /// `None`: a new key (created by the template, or by hand for JSON).
    pub key: Option<Key>,
    pub key_actions: Vec<String>,
    /// Notes for the user (printed after the files).
    pub notes: Vec<String>,
}

impl Plan {
    /// The key is in another account than the role: the role needs a permissions policy, and
    /// the key policy is set in the key's account.
    pub fn cross_account(&self) -> bool {
        match (&self.key, &self.role.account) {
            (Some(k), Some(a)) => &k.account != a,
            _ => false,
        }
    }
}

/// A generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub name: String,
    pub text: String,
}

/// A random UUID v4 (RFC 9562) from 16 random bytes.
pub fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// Decide what to generate from the settings. `random` gives 16 random bytes, called only when
/// an external id must be made up.
pub fn plan(
    target: Target,
    settings: &Settings,
    options: &Options,
    random: impl FnOnce() -> Result<[u8; 16], String>,
) -> Result<Plan, Refusal> {
    let pinecone_account = settings.pinecone_account.clone().ok_or_else(|| {
        refuse(
            "Pinecone's AWS account is not configured",
            Some(
                "copy it from the Pinecone console (Manage > CMEK > Add CMEK) into `[pinecone] account_id` of \
                 cmek-lint.toml, or pass --pinecone-account; cmek-lint never guesses it"
                    .to_string(),
            ),
        )
    })?;
    let console = &settings.console;
    let mut notes = Vec::new();

    let role = match (&console.role_arn, &options.role_name) {
        (Some(arn), Some(name)) => {
            let a = Arn::parse(arn.trim()).ok_or_else(|| refuse(format!("`{arn}` is not an IAM role ARN"), None))?;
            if a.name() != name {
                return Err(refuse(
                    format!("--role-name `{name}` differs from the name in the role ARN `{arn}`"),
                    Some("give one of them".to_string()),
                ));
            }
            role_of_arn(arn)?
        }
        (Some(arn), None) => role_of_arn(arn)?,
        (None, name) => {
            if target == Target::Json {
                return Err(refuse(
                    "the JSON policies need the role's ARN (its account goes into the key policy)",
                    Some(
                        "set `role_arn` in `[customer]` of cmek-lint.toml or pass --role-arn; --role-name is for \
                         --target terraform and cloudformation, which create the role"
                            .to_string(),
                    ),
                ));
            }
            let name = name.clone().unwrap_or_else(|| "pinecone-cmek".to_string());
            check_role_name(&name)?;
            Role { arn: None, partition: "aws".into(), account: None, name, path: "/".into() }
        }
    };

    let key = match &console.key_arn {
        None => None,
        Some(arn) => {
            let a = Arn::parse(arn.trim()).ok_or_else(|| refuse(format!("`{arn}` is not a KMS key ARN"), None))?;
            if a.service != "kms" || a.resource_type != "key" {
                return Err(refuse(
                    format!("`{arn}` is not a KMS key ARN"),
                    Some(
                        "Pinecone needs the key ARN (`arn:aws:kms:<region>:<account>:key/<key id>`), not an alias"
                            .into(),
                    ),
                ));
            }
            if a.resource_name.starts_with("mrk-") {
                return Err(refuse(
                    format!("`{arn}` is a multi-Region key"),
                    Some("Pinecone CMEK takes a single-Region key; leave `key_arn` unset to generate a new one".into()),
                ));
            }
            if !settings.regions.iter().any(|r| r == a.region) {
                return Err(refuse(
                    format!("the key's region `{}` is not one of the Pinecone regions configured", a.region),
                    Some(format!("Pinecone regions: {}", settings.regions.join(", "))),
                ));
            }
            if role.arn.is_none() {
                return Err(refuse(
                    "with an existing key (`key_arn`), the role's ARN is needed",
                    Some(
                        "set `role_arn` in `[customer]` of cmek-lint.toml or pass --role-arn: the key policy names \
                         the role, and the role's account tells whether the key is in another account"
                            .to_string(),
                    ),
                ));
            }
            if a.partition != role.partition {
                return Err(refuse(
                    format!("the key is in partition `{}`, the role in `{}`", a.partition, role.partition),
                    None,
                ));
            }
            Some(Key { arn: arn.trim().to_string(), account: a.account.to_string(), region: a.region.to_string() })
        }
    };

    let regions = if options.all_regions {
        None
    } else if options.regions_configured {
        Some(settings.regions.clone())
    } else {
        let mut r: Vec<String> = DOCUMENTED_CMEK_REGIONS.iter().map(|s| s.to_string()).collect();
        if let Some(k) = &key
            && !r.contains(&k.region)
        {
            r.push(k.region.clone());
        }
        Some(r)
    };
    if let Some(r) = &regions {
        let undocumented: Vec<&str> =
            r.iter().map(String::as_str).filter(|r| !DOCUMENTED_CMEK_REGIONS.contains(r)).collect();
        if !undocumented.is_empty() {
            notes.push(format!(
                "Pinecone's guide names CMEK roles only for {}; confirm with Pinecone that {} exist(s) before \
                 applying (IAM refuses a trust policy naming a role that does not exist), or use --all-regions.",
                DOCUMENTED_CMEK_REGIONS.join(", "),
                undocumented.iter().map(|r| format!("`{ROLE_PREFIX}{r}`")).collect::<Vec<_>>().join(", ")
            ));
        }
    }

    let (external_id, external_id_generated) = match (&console.external_id, options.no_external_id) {
        (Some(e), true) => {
            return Err(refuse(
                format!("--no-external-id, but an external id is configured (`{e}`)"),
                Some("remove `external_id` from `[customer]`, or drop --no-external-id".into()),
            ));
        }
        (None, true) if options.all_regions => {
            return Err(refuse(
                "--all-regions needs an external id: with `Principal: *` the trust rests on its conditions \
                 (Pinecone's all-regions form always has one)",
                Some("drop --no-external-id, or list the regions explicitly".into()),
            ));
        }
        (None, true) => (None, false),
        (Some(e), false) => (Some(e.clone()), false),
        (None, false) => {
            let bytes = random().map_err(|e| refuse(format!("cannot make an external id: {e}"), None))?;
            (Some(uuid_v4(bytes)), true)
        }
    };
    if options.no_external_id {
        notes.push(
            "No external ID: anyone who learns the role and key ARNs can enter them in their own Pinecone project \
             (the confused-deputy problem). cmek-lint reports this as CMK208 (warning)."
                .to_string(),
        );
    }

    Ok(Plan {
        target,
        pinecone_account,
        regions,
        external_id,
        external_id_generated,
        role,
        key,
        key_actions: settings.key_actions.clone(),
        notes,
    })
}

fn role_of_arn(arn: &str) -> Result<Role, Refusal> {
    let a = Arn::parse(arn.trim())
        .filter(|a| a.service == "iam" && a.resource_type == "role" && crate::policy::arn::is_account_id(a.account))
        .ok_or_else(|| refuse(format!("`{arn}` is not an IAM role ARN"), None))?;
    let name = a.name().to_string();
    check_role_name(&name)?;
    let inner = &a.resource_name[..a.resource_name.len() - name.len()];
    let path = if inner.is_empty() { "/".to_string() } else { format!("/{inner}") };
    Ok(Role {
        arn: Some(arn.trim().to_string()),
        partition: a.partition.to_string(),
        account: Some(a.account.to_string()),
        name,
        path,
    })
}

fn check_role_name(name: &str) -> Result<(), Refusal> {
    let ok = (1..=64).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if !ok {
        return Err(refuse(
            format!("`{name}` is not an IAM role name"),
            Some("1 to 64 letters, digits and `_+=,.@-`".into()),
        ));
    }
    if name_looks_pinecone(name) {
        return Err(refuse(
            format!("`{name}` looks like one of Pinecone's own role names"),
            Some("name your role something else, e.g. `pinecone-cmek`".into()),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Documents: a small tree rendered as JSON, HCL (`jsonencode({...})`) or YAML.

/// A value in a generated policy.
#[derive(Debug, Clone)]
enum Val {
    Str(String),
    List(Vec<Val>),
    Map(Vec<(&'static str, Val)>),
    /// The ARN of the role the template creates (a reference in Terraform and CloudFormation).
    RoleArn,
    /// The root of the account deploying the template (for a new key in an unknown account).
    DeployerRoot,
}

fn s(v: impl Into<String>) -> Val {
    Val::Str(v.into())
}

fn doc(statements: Vec<Val>) -> Val {
    Val::Map(vec![("Version", s("2012-10-17")), ("Statement", Val::List(statements))])
}

fn trust_policy(p: &Plan) -> Val {
    let role = |region: &str| format!("arn:aws:iam::{}:role/{ROLE_PREFIX}{region}", p.pinecone_account);
    let mut statement = Vec::new();
    let mut condition = Vec::new();
    if let Some(e) = &p.external_id {
        condition.push(("StringEquals", Val::Map(vec![("sts:ExternalId", s(e))])));
    }
    match &p.regions {
        Some(regions) => {
            let sid = if p.external_id.is_some() {
                "AllowPineconeToAssumeIntoRoleFromExplicitRegionswithID"
            } else {
                "AllowPineconeToAssumeIntoRoleFromExplicitRegions"
            };
            statement.push(("Sid", s(sid)));
            statement.push(("Effect", s("Allow")));
            let arns = regions.iter().map(|r| s(role(r))).collect();
            statement.push(("Principal", Val::Map(vec![("AWS", Val::List(arns))])));
        }
        None => {
            statement.push(("Sid", s("AllowPineconeToAssumeIntoRoleFromAllRegions")));
            statement.push(("Effect", s("Allow")));
            statement.push(("Principal", Val::Map(vec![("AWS", s("*"))])));
            condition.push(("ArnLike", Val::Map(vec![("aws:PrincipalArn", s(role("*")))])));
        }
    }
    statement.push(("Action", s("sts:AssumeRole")));
    if !condition.is_empty() {
        statement.push(("Condition", Val::Map(condition)));
    }
    doc(vec![Val::Map(statement)])
}

/// The key policy: the account root (so IAM policies work and the key stays manageable) and
/// the CMEK role as key user.
fn key_policy(p: &Plan, role: Val) -> Val {
    let root = match (&p.key, &p.role.account) {
        (Some(k), _) => s(format!("arn:{}:iam::{}:root", p.role.partition, k.account)),
        (None, Some(a)) => s(format!("arn:{}:iam::{a}:root", p.role.partition)),
        (None, None) => Val::DeployerRoot,
    };
    doc(vec![
        Val::Map(vec![
            ("Sid", s("Enable IAM User Permissions")),
            ("Effect", s("Allow")),
            ("Principal", Val::Map(vec![("AWS", root)])),
            ("Action", s("kms:*")),
            ("Resource", s("*")),
        ]),
        Val::Map(vec![
            ("Sid", s("Allow use of the key by Pinecone")),
            ("Effect", s("Allow")),
            ("Principal", Val::Map(vec![("AWS", role)])),
            ("Action", Val::List(p.key_actions.iter().map(s).collect())),
            ("Resource", s("*")),
        ]),
    ])
}

fn permissions_policy(p: &Plan, key: &Key) -> Val {
    doc(vec![Val::Map(vec![
        ("Sid", s("AllowPineconeCmekKeyUse")),
        ("Effect", s("Allow")),
        ("Action", Val::List(p.key_actions.iter().map(s).collect())),
        ("Resource", s(&key.arn)),
    ])])
}

fn role_arn_literal(p: &Plan) -> Val {
    p.role.arn.clone().map_or(Val::RoleArn, s)
}

// Inputs ----------------------------------------------------------------------------------------

/// A value of the setup a template takes as an input (a Terraform variable, a CloudFormation
/// parameter), with the configured or generated value as its default.
struct Input {
    variable: &'static str,
    parameter: &'static str,
    description: &'static str,
    /// The CloudFormation `AllowedPattern`.
    pattern: &'static str,
    default: String,
}

/// The inputs of a plan's templates: Pinecone's account, the role's name, and the external ID
/// and existing key when there are ones.
fn inputs(p: &Plan) -> Vec<Input> {
    let input = |variable, parameter, description, pattern, default| Input {
        variable,
        parameter,
        description,
        pattern,
        default,
    };
    let mut out = vec![input(
        "pinecone_account_id",
        "PineconeAccountId",
        "Pinecone's AWS account (Pinecone console: Manage > CMEK > Add CMEK)",
        "^[0-9]{12}$",
        p.pinecone_account.clone(),
    )];
    // With an existing key, `key-policy.json` names the role by its ARN: the name is fixed then.
    if p.key.is_none() {
        out.push(input(
            "role_name",
            "RoleName",
            "Name of the IAM role Pinecone assumes",
            "^[\\w+=,.@-]{1,64}$",
            p.role.name.clone(),
        ));
    }
    if let Some(e) = &p.external_id {
        out.push(input(
            "external_id",
            "ExternalId",
            "External ID Pinecone sends (a UUID v4; enter it in the Pinecone console)",
            "^[\\w+=,.@:/-]{2,1224}$",
            e.clone(),
        ));
    }
    if let Some(k) = &p.key {
        out.push(input(
            "key_arn",
            "KeyArn",
            "ARN of the existing KMS key (symmetric, ENCRYPT_DECRYPT, single-Region)",
            "^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$",
            k.arn.clone(),
        ));
    }
    out
}

/// How a policy string holds an input.
enum InputUse {
    /// The whole string is the input's value (the external ID, the key ARN).
    Whole(Input),
    /// Pinecone's account inside one of its roles' ARNs: this text (`:<account>:role/<prefix>`)
    /// is where the account stands.
    Account(String),
}

fn input_use(x: &str, p: &Plan) -> Option<InputUse> {
    let whole = |i: &Input| i.default == x && matches!(i.variable, "external_id" | "key_arn");
    if let Some(input) = inputs(p).into_iter().find(whole) {
        return Some(InputUse::Whole(input));
    }
    let marker = format!(":{}:role/{ROLE_PREFIX}", p.pinecone_account);
    x.contains(&marker).then_some(InputUse::Account(marker))
}

// JSON ------------------------------------------------------------------------------------------

fn to_json(v: &Val, p: &Plan) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Val::Str(x) => Value::String(x.clone()),
        Val::List(xs) => Value::Array(xs.iter().map(|x| to_json(x, p)).collect()),
        Val::Map(kv) => Value::Object(kv.iter().map(|(k, x)| (k.to_string(), to_json(x, p))).collect()),
        // JSON needs the role ARN (checked by `plan`).
        Val::RoleArn => Value::String(p.role.arn.clone().unwrap_or_default()),
        Val::DeployerRoot => {
            Value::String(format!("arn:{}:iam::{}:root", p.role.partition, p.role.account.clone().unwrap_or_default()))
        }
    }
}

fn json_text(v: &Val, p: &Plan) -> String {
    let mut t = serde_json::to_string_pretty(&to_json(v, p)).unwrap_or_default();
    t.push('\n');
    t
}

// HCL -------------------------------------------------------------------------------------------

/// A policy string as Terraform writes it: an [`Input`] it holds as a reference (the external
/// ID and key ARN whole, Pinecone's account inside its roles' ARNs), else quoted.
fn tf_value(x: &str, p: &Plan) -> String {
    match input_use(x, p) {
        Some(InputUse::Whole(input)) => format!("var.{}", input.variable),
        Some(InputUse::Account(marker)) => {
            hcl_str(x).replace(&marker, &format!(":${{var.pinecone_account_id}}:role/{ROLE_PREFIX}"))
        }
        None => hcl_str(x),
    }
}

/// A Terraform quoted string: `"`, `\` and the template sequences `${`, `%{` escaped.
fn hcl_str(x: &str) -> String {
    let mut out = String::from("\"");
    let mut chars = x.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn hcl(v: &Val, indent: usize, p: &Plan, out: &mut String) {
    let pad = "  ".repeat(indent + 1);
    let end = "  ".repeat(indent);
    match v {
        Val::Str(x) => out.push_str(&tf_value(x, p)),
        Val::RoleArn => out.push_str("aws_iam_role.pinecone_cmek.arn"),
        Val::DeployerRoot => out.push_str("\"arn:aws:iam::${data.aws_caller_identity.current.account_id}:root\""),
        Val::List(xs) if xs.iter().all(|x| matches!(x, Val::Str(_))) && xs.len() <= 2 => {
            out.push('[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                hcl(x, indent, p, out);
            }
            out.push(']');
        }
        Val::List(xs) => {
            out.push_str("[\n");
            for x in xs {
                out.push_str(&pad);
                hcl(x, indent + 1, p, out);
                out.push_str(",\n");
            }
            out.push_str(&end);
            out.push(']');
        }
        Val::Map(kv) => {
            out.push_str("{\n");
            let key = |k: &str| {
                if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') { k.to_string() } else { hcl_str(k) }
            };
            let members: Vec<(String, String)> = kv
                .iter()
                .map(|(k, x)| {
                    let mut value = String::new();
                    hcl(x, indent + 1, p, &mut value);
                    (key(k), value)
                })
                .collect();
            hcl_attributes(&pad, &members, out);
            out.push_str(&end);
            out.push('}');
        }
    }
}

/// Write `key = value` lines as `terraform fmt` does: the `=` of consecutive one-line
/// attributes aligned, an attribute whose value spans lines written with one space and
/// ending the run of those aligned before it.
fn hcl_attributes(pad: &str, members: &[(String, String)], out: &mut String) {
    let mut i = 0;
    while i < members.len() {
        if members[i].1.contains('\n') {
            out.push_str(&format!("{pad}{} = {}\n", members[i].0, members[i].1));
            i += 1;
            continue;
        }
        let run = members[i..].iter().take_while(|(_, v)| !v.contains('\n')).count();
        let width = members[i..i + run].iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        for (k, v) in &members[i..i + run] {
            out.push_str(&format!("{pad}{k:width$} = {v}\n"));
        }
        i += run;
    }
}

/// A Terraform block (`resource "type" "name" { ... }`) of attributes, formatted as
/// [`hcl_attributes`] does.
fn hcl_block(header: &str, attributes: &[(&str, String)]) -> String {
    let members: Vec<(String, String)> = attributes.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    let mut out = format!("{header} {{\n");
    hcl_attributes("  ", &members, &mut out);
    out.push_str("}\n");
    out
}

fn jsonencode(v: &Val, indent: usize, p: &Plan) -> String {
    let mut out = String::from("jsonencode(");
    hcl(v, indent, p, &mut out);
    out.push(')');
    out
}

// YAML ------------------------------------------------------------------------------------------

/// A YAML double-quoted scalar (JSON escaping is valid YAML).
fn yaml_str(x: &str) -> String {
    crate::json::quote(x)
}

/// A policy string as the template writes it: an [`Input`] it holds as a reference
/// (`!Ref ExternalId`, `!Ref KeyArn`, Pinecone's account in its roles' ARNs through `!Sub`),
/// else a quoted string.
fn cfn_value(x: &str, p: &Plan) -> String {
    match input_use(x, p) {
        Some(InputUse::Whole(input)) => format!("!Ref {}", input.parameter),
        Some(InputUse::Account(marker)) if !x.contains("${") => {
            let sub = x.replace(&marker, &format!(":${{PineconeAccountId}}:role/{ROLE_PREFIX}"));
            format!("!Sub {}", yaml_str(&sub))
        }
        _ => yaml_str(x),
    }
}

fn yaml_scalar(v: &Val, p: &Plan) -> Option<String> {
    match v {
        Val::Str(x) => Some(cfn_value(x, p)),
        Val::RoleArn => Some("!GetAtt PineconeCmekRole.Arn".into()),
        Val::DeployerRoot => Some(r#"!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root""#.into()),
        _ => None,
    }
}

/// `v` as a block under a key at `indent` (the key already written, without the `:`).
fn yaml(v: &Val, indent: usize, p: &Plan, out: &mut String) {
    if let Some(x) = yaml_scalar(v, p) {
        out.push_str(": ");
        out.push_str(&x);
        out.push('\n');
        return;
    }
    out.push_str(":\n");
    yaml_block(v, indent + 1, p, out);
}

fn yaml_block(v: &Val, indent: usize, p: &Plan, out: &mut String) {
    let pad = "  ".repeat(indent);
    match v {
        Val::Map(kv) => {
            for (k, x) in kv {
                let key = if k.chars().all(|c| c.is_ascii_alphanumeric()) { k.to_string() } else { yaml_str(k) };
                out.push_str(&format!("{pad}{key}"));
                yaml(x, indent, p, out);
            }
        }
        Val::List(xs) => {
            for x in xs {
                if let Some(sc) = yaml_scalar(x, p) {
                    out.push_str(&format!("{pad}- {sc}\n"));
                } else {
                    // `- ` then the block's first line on the same line.
                    let mut inner = String::new();
                    yaml_block(x, indent + 1, p, &mut inner);
                    let inner = inner.trim_start();
                    out.push_str(&format!("{pad}- {inner}"));
                }
            }
        }
        other => {
            if let Some(sc) = yaml_scalar(other, p) {
                out.push_str(&format!("{pad}{sc}\n"));
            }
        }
    }
}

// Files -----------------------------------------------------------------------------------------

/// The files of the plan, in the order they are printed.
pub fn files(p: &Plan) -> Vec<File> {
    match p.target {
        Target::Json => json_files(p),
        Target::Terraform => terraform_files(p),
        Target::Cloudformation => cloudformation_files(p),
    }
}

fn json_files(p: &Plan) -> Vec<File> {
    let mut out = vec![
        File { name: "trust-policy.json".into(), text: json_text(&trust_policy(p), p) },
        File { name: "key-policy.json".into(), text: json_text(&key_policy(p, role_arn_literal(p)), p) },
    ];
    if let Some(k) = p.key.as_ref().filter(|_| p.cross_account()) {
        out.push(File { name: "permissions-policy.json".into(), text: json_text(&permissions_policy(p, k), p) });
    }
    out
}

fn terraform_files(p: &Plan) -> Vec<File> {
    let mut t = String::new();
    t.push_str(&header("#", p));
    t.push_str(
        "terraform {\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \">= 5.0\"\n    }\n  }\n}\n\n",
    );
    if p.key.is_none() && p.role.account.is_none() {
        t.push_str("data \"aws_caller_identity\" \"current\" {}\n\n");
    }
    for i in inputs(p) {
        let attributes =
            [("description", hcl_str(i.description)), ("type", "string".to_string()), ("default", hcl_str(&i.default))];
        t.push_str(&hcl_block(&format!("variable \"{}\"", i.variable), &attributes));
        t.push('\n');
    }
    t.push_str("# The role Pinecone assumes (its trust policy names Pinecone's roles).\n");
    let name = if p.key.is_none() { "var.role_name".to_string() } else { hcl_str(&p.role.name) };
    let mut role = vec![("name", name)];
    if p.role.path != "/" {
        role.push(("path", hcl_str(&p.role.path)));
    }
    role.push(("description", hcl_str("Assumed by Pinecone to use the customer-managed encryption key")));
    role.push(("assume_role_policy", jsonencode(&trust_policy(p), 1, p)));
    t.push_str(&hcl_block("resource \"aws_iam_role\" \"pinecone_cmek\"", &role));
    t.push('\n');
    let mut extra = Vec::new();
    match &p.key {
        None => {
            t.push_str(
                "# The key: symmetric, encrypt and decrypt, key material from KMS (the only origin\n\
                 # aws_kms_key creates), single-Region, rotated yearly.\n",
            );
            let key = [
                ("description", hcl_str("Pinecone CMEK")),
                ("customer_master_key_spec", hcl_str("SYMMETRIC_DEFAULT")),
                ("key_usage", hcl_str("ENCRYPT_DECRYPT")),
                ("multi_region", "false".to_string()),
                ("enable_key_rotation", "true".to_string()),
                ("policy", jsonencode(&key_policy(p, Val::RoleArn), 1, p)),
            ];
            t.push_str(&hcl_block("resource \"aws_kms_key\" \"pinecone_cmek\"", &key));
            t.push('\n');
        }
        Some(k) if !p.cross_account() => {
            t.push_str(
                "# The existing key's policy. This REPLACES the key's whole policy: merge in any statement\n\
                 # the key needs for other users before applying.\n",
            );
            let policy =
                [("key_id", "var.key_arn".to_string()), ("policy", jsonencode(&key_policy(p, Val::RoleArn), 1, p))];
            t.push_str(&hcl_block("resource \"aws_kms_key_policy\" \"pinecone_cmek\"", &policy));
            t.push('\n');
        }
        Some(k) => {
            t.push_str(
                "# The key is in another account: the role needs this permissions policy, and the key's\n\
                 # owner sets key-policy.json on the key (`aws kms put-key-policy`).\n",
            );
            let policy = [
                ("name", hcl_str("pinecone-cmek-key")),
                ("role", "aws_iam_role.pinecone_cmek.id".to_string()),
                ("policy", jsonencode(&permissions_policy(p, k), 1, p)),
            ];
            t.push_str(&hcl_block("resource \"aws_iam_role_policy\" \"pinecone_cmek_key\"", &policy));
            t.push('\n');
            extra
                .push(File { name: "key-policy.json".into(), text: json_text(&key_policy(p, role_arn_literal(p)), p) });
        }
    }
    let output = |name: &str, what: &str, value: String| {
        hcl_block(
            &format!("output \"{name}\""),
            &[("description", hcl_str(&format!("{what} to enter in the Pinecone console"))), ("value", value)],
        )
    };
    t.push_str(&output("role_arn", "Role ARN", "aws_iam_role.pinecone_cmek.arn".to_string()));
    let key_value = match &p.key {
        None => "aws_kms_key.pinecone_cmek.arn".to_string(),
        Some(_) => "var.key_arn".to_string(),
    };
    t.push('\n');
    t.push_str(&output("key_arn", "Key ARN", key_value));
    if p.external_id.is_some() {
        t.push('\n');
        t.push_str(&output("external_id", "External ID", "var.external_id".to_string()));
    }
    let mut out = vec![File { name: "cmek.tf".into(), text: t }];
    out.extend(extra);
    out
}

fn cloudformation_files(p: &Plan) -> Vec<File> {
    let mut t = String::new();
    t.push_str(&header("#", p));
    t.push_str("AWSTemplateFormatVersion: \"2010-09-09\"\n");
    t.push_str(if p.key.is_none() {
        "Description: \"Pinecone CMEK: the role Pinecone assumes and the KMS key it uses\"\n"
    } else {
        "Description: \"Pinecone CMEK: the role Pinecone assumes to use an existing KMS key\"\n"
    });
    t.push_str("Parameters:\n");
    for i in inputs(p) {
        t.push_str(&format!(
            "  {}:\n    Type: String\n    Description: {}\n    AllowedPattern: {}\n    Default: {}\n",
            i.parameter,
            yaml_str(i.description),
            yaml_str(i.pattern),
            yaml_str(&i.default)
        ));
    }
    t.push_str("Resources:\n");
    t.push_str("  PineconeCmekRole:\n    Type: \"AWS::IAM::Role\"\n    Properties:\n");
    match p.key {
        None => t.push_str("      RoleName: !Ref RoleName\n"),
        Some(_) => t.push_str(&format!("      RoleName: {}\n", yaml_str(&p.role.name))),
    }
    if p.role.path != "/" {
        t.push_str(&format!("      Path: {}\n", yaml_str(&p.role.path)));
    }
    t.push_str("      Description: \"Assumed by Pinecone to use the customer-managed encryption key\"\n");
    t.push_str("      AssumeRolePolicyDocument");
    yaml(&trust_policy(p), 3, p, &mut t);
    let mut extra = Vec::new();
    if let Some(k) = &p.key {
        if p.cross_account() {
            t.push_str("      Policies:\n        - PolicyName: \"pinecone-cmek-key\"\n          PolicyDocument");
            yaml(&permissions_policy(p, k), 5, p, &mut t);
        }
        extra.push(File { name: "key-policy.json".into(), text: json_text(&key_policy(p, role_arn_literal(p)), p) });
    } else {
        t.push_str("  PineconeCmekKey:\n    Type: \"AWS::KMS::Key\"\n    Properties:\n");
        t.push_str("      Description: \"Pinecone CMEK\"\n");
        t.push_str("      KeySpec: \"SYMMETRIC_DEFAULT\"\n");
        t.push_str("      KeyUsage: \"ENCRYPT_DECRYPT\"\n");
        t.push_str("      Origin: \"AWS_KMS\"\n");
        t.push_str("      MultiRegion: false\n");
        t.push_str("      EnableKeyRotation: true\n");
        t.push_str("      KeyPolicy");
        yaml(&key_policy(p, Val::RoleArn), 3, p, &mut t);
    }
    t.push_str("Outputs:\n");
    t.push_str("  RoleArn:\n    Description: \"Role ARN to enter in the Pinecone console\"\n    Value: !GetAtt PineconeCmekRole.Arn\n");
    match &p.key {
        None => t.push_str(
            "  KeyArn:\n    Description: \"Key ARN to enter in the Pinecone console\"\n    Value: !GetAtt PineconeCmekKey.Arn\n",
        ),
        Some(_) => t.push_str(
            "  KeyArn:\n    Description: \"Key ARN to enter in the Pinecone console\"\n    Value: !Ref KeyArn\n",
        ),
    }
    if p.external_id.is_some() {
        t.push_str(
            "  ExternalId:\n    Description: \"External ID to enter in the Pinecone console\"\n    Value: !Ref ExternalId\n",
        );
    }
    let mut out = vec![File { name: "cmek.yaml".into(), text: t }];
    out.extend(extra);
    out
}

fn header(comment: &str, p: &Plan) -> String {
    let trust = match &p.regions {
        Some(r) => format!("explicit regions ({})", r.join(", ")),
        None => "all regions (aws:PrincipalArn pinned to Pinecone's account)".into(),
    };
    let ext = if p.external_id.is_some() { "with external ID" } else { "without external ID" };
    format!(
        "{comment} Generated by `cmek-lint generate`: Pinecone CMEK role and key.\n\
         {comment} Trust: {trust}, {ext}. Check it with `cmek-lint check`.\n\n"
    )
}

/// What to enter in the Pinecone console (Manage > CMEK > Add CMEK), and the notes, printed
/// after the files.
pub fn instructions(p: &Plan, out_dir: Option<&str>) -> String {
    let mut t = String::new();
    let role = match (&p.role.arn, p.target) {
        (Some(a), _) => a.clone(),
        (None, Target::Terraform) => "after `terraform apply`: `terraform output -raw role_arn`".into(),
        (None, _) => "after the stack is created: its output `RoleArn` (`aws cloudformation describe-stacks`)".into(),
    };
    let key = match (&p.key, p.target) {
        (Some(k), _) => k.arn.clone(),
        (None, Target::Terraform) => "after `terraform apply`: `terraform output -raw key_arn`".into(),
        (None, Target::Cloudformation) => "after the stack is created: its output `KeyArn`".into(),
        (None, Target::Json) => "the ARN of the key you create with key-policy.json (see below)".into(),
    };
    let ext = match (&p.external_id, p.external_id_generated) {
        (Some(e), true) => format!("{e}  (generated now: keep it)"),
        (Some(e), false) => e.clone(),
        (None, _) => "(leave blank: the trust policy has no external ID)".into(),
    };
    t.push_str("Enter these values in the Pinecone console (Manage > CMEK > Add CMEK):\n");
    t.push_str(&format!("  Role ARN:     {role}\n  Key ARN:      {key}\n  External ID:  {ext}\n"));
    let mut notes = p.notes.clone();
    if p.external_id_generated
        && let Some(e) = &p.external_id
    {
        notes.push(format!(
            "Add `external_id = \"{e}\"` to `[customer]` of cmek-lint.toml so that `cmek-lint check` and \
             `preflight` compare the trust policy with it."
        ));
    }
    let dir = out_dir.map_or(String::new(), |d| if d.ends_with('/') { d.to_string() } else { format!("{d}/") });
    if p.target == Target::Json {
        notes.push(format!(
            "Create the role with trust-policy.json: `aws iam create-role --role-name {}{} \
             --assume-role-policy-document file://{dir}trust-policy.json`.",
            p.role.name,
            if p.role.path != "/" { format!(" --path {}", p.role.path) } else { String::new() }
        ));
    }
    if p.target == Target::Json && p.key.is_none() {
        notes.push(format!(
            "key-policy.json is for a key you create: symmetric (SYMMETRIC_DEFAULT), encrypt and decrypt \
             (ENCRYPT_DECRYPT), key material from KMS (AWS_KMS), single-Region, in the region of your Pinecone \
             project, with automatic rotation on. Create the role first, then: `aws kms create-key --key-spec \
             SYMMETRIC_DEFAULT --key-usage ENCRYPT_DECRYPT --origin AWS_KMS --no-multi-region --policy \
             file://{dir}key-policy.json` and `aws kms enable-key-rotation --key-id <key id>`."
        ));
    }
    if p.key.is_some() && p.cross_account() {
        notes.push(format!(
            "The key is in account {}: its owner sets key-policy.json on it (`aws kms put-key-policy --key-id {} \
             --policy-name default --policy file://{dir}key-policy.json`); the role gets the permissions policy.",
            p.key.as_ref().map_or("", |k| k.account.as_str()),
            p.key.as_ref().map_or("", |k| k.arn.as_str()),
        ));
    } else if p.key.is_some() {
        notes.push(
            "The key policy replaces the existing key's whole policy: merge in any statement other users of the key \
             need before applying it."
                .into(),
        );
    }
    if p.key.is_none() && p.target != Target::Json {
        notes.push(format!(
            "Deploy in the region of your Pinecone project ({}): the key is single-Region.",
            p.regions.as_ref().map_or_else(|| "us-east-1, us-west-2, eu-west-1, ...".to_string(), |r| r.join(", "))
        ));
    }
    for n in notes {
        t.push_str(&format!("\nNote: {n}\n"));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_v4_sets_version_and_variant() {
        let u = uuid_v4([0xff; 16]);
        assert_eq!(u, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(crate::data::uuid_version(&u), Some((true, '4')));
        let u = uuid_v4([0; 16]);
        assert_eq!(u, "00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn hcl_strings_escape_templates() {
        assert_eq!(hcl_str("a${b}%{c}\"\\"), r#""a$${b}%%{c}\"\\""#);
    }
}
