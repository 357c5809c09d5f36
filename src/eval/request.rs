//! The request being evaluated: who calls, what action on which resource, and what is known
//! about each condition key.

use std::borrow::Cow;

/// Who makes the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// A session of an IAM role: `arn:aws:sts::A:assumed-role/R/S`, with the role's ARN
    /// `arn:aws:iam::A:role/path/R` (path included).
    RoleSession {
        account: String,
        role_arn: String,
        session_arn: String,
        /// Whether the session's name is known: when not (the caller chooses it, e.g. Pinecone),
        /// a principal naming another session of the same role may or may not be this one.
        session_known: bool,
    },
    /// An IAM user `arn:aws:iam::A:user/path/N`.
    User { account: String, arn: String },
    /// The account root `arn:aws:iam::A:root`.
    AccountRoot { account: String },
    /// An AWS service principal (`ec2.amazonaws.com`).
    Service { name: String },
    /// A federated principal (`cognito-identity.amazonaws.com`, a SAML provider ARN, ...).
    Federated { provider: String },
    /// An unauthenticated request.
    Anonymous,
}

impl Caller {
    /// A session named `session` of the role `role_arn` (`arn:<p>:iam::A:role/path/R`).
    /// Returns `None` when `role_arn` is not a role ARN with a literal account.
    pub fn role_session(role_arn: &str, session: &str) -> Option<Caller> {
        let arn = crate::policy::Arn::parse(role_arn)?;
        if arn.service != "iam" || arn.resource_type != "role" || !crate::policy::arn::is_account_id(arn.account) {
            return None;
        }
        let session_arn =
            ["arn:", arn.partition, ":sts::", arn.account, ":assumed-role/", arn.name(), "/", session].concat();
        Some(Caller::RoleSession {
            account: arn.account.to_string(),
            role_arn: role_arn.to_string(),
            session_arn,
            session_known: true,
        })
    }

    /// The same caller, its session name unknown (a role session named by whoever assumed it).
    pub fn with_unknown_session(mut self) -> Caller {
        if let Caller::RoleSession { session_known, .. } = &mut self {
            *session_known = false;
        }
        self
    }

    /// The caller's account, when it has one.
    pub fn account(&self) -> Option<&str> {
        match self {
            Caller::RoleSession { account, .. } | Caller::User { account, .. } | Caller::AccountRoot { account } => {
                Some(account)
            }
            _ => None,
        }
    }

    /// `aws:PrincipalArn`: the role ARN for a role session, the user or root ARN otherwise.
    pub fn principal_arn(&self) -> Option<String> {
        match self {
            Caller::RoleSession { role_arn, .. } => Some(role_arn.clone()),
            Caller::User { arn, .. } => Some(arn.clone()),
            Caller::AccountRoot { account } => Some(format!("arn:aws:iam::{account}:root")),
            _ => None,
        }
    }

    /// `aws:PrincipalType`.
    pub fn principal_type(&self) -> &'static str {
        match self {
            Caller::RoleSession { .. } => "AssumedRole",
            Caller::User { .. } => "User",
            Caller::AccountRoot { .. } => "Account",
            Caller::Service { .. } => "Service",
            Caller::Federated { .. } => "FederatedUser",
            Caller::Anonymous => "Anonymous",
        }
    }
}

/// What is known about one condition key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyValue {
    /// A single-valued key (a fixed value such as `true` is borrowed, not copied).
    One(Cow<'static, str>),
    /// A multivalued key (possibly empty).
    Many(Vec<Cow<'static, str>>),
    /// Present or not, with a value cmek-lint cannot know.
    Unknown,
}

/// The request context: condition keys, matched case-insensitively. A key neither set nor
/// covered by an unknown prefix is absent from the request.
///
/// Keys are kept as given (most are `'static` names: no copy), sorted case-insensitively, and
/// looked up without lower-casing the name asked for: this runs for every condition of every
/// statement of every evaluated request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    keys: Vec<(Cow<'static, str>, KeyValue)>,
    unknown_prefixes: Vec<String>,
    /// Lower-cased unknown prefixes shared by many requests (no copy per request).
    static_unknown_prefixes: &'static [&'static str],
}

/// What the context says about a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup<'a> {
    Absent,
    Values(&'a [Cow<'static, str>]),
    Unknown,
}

/// ASCII-case-insensitive order of two key names.
fn cmp_ci(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // Bytes equal as written are equal case aside: skip a common prefix 8 bytes at a time
    // (`aws:Principal…` keys share 13).
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= n && a[i..i + 8] == b[i..i + 8] {
        i += 8;
    }
    let (a, b) = (&a[i..], &b[i..]);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

/// Whether `key` starts with the lower-cased `prefix`, ASCII case aside.
fn starts_with_ci(key: &str, prefix: &str) -> bool {
    key.len() >= prefix.len() && key.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

impl Context {
    pub fn new() -> Self {
        Self::default()
    }
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.keys.binary_search_by(|(k, _)| cmp_ci(k, key))
    }
    fn insert(&mut self, key: Cow<'static, str>, value: KeyValue) -> &mut Self {
        match self.find(&key) {
            Ok(i) => self.keys[i] = (key, value),
            Err(i) => self.keys.insert(i, (key, value)),
        }
        self
    }
    /// Set a single-valued key.
    pub fn set(&mut self, key: impl Into<Cow<'static, str>>, value: impl Into<Cow<'static, str>>) -> &mut Self {
        self.insert(key.into(), KeyValue::One(value.into()))
    }
    /// Set a multivalued key.
    pub fn set_many(
        &mut self,
        key: impl Into<Cow<'static, str>>,
        values: impl IntoIterator<Item = impl Into<Cow<'static, str>>>,
    ) -> &mut Self {
        self.insert(key.into(), KeyValue::Many(values.into_iter().map(Into::into).collect()))
    }
    /// Mark a key as unknown.
    pub fn unknown(&mut self, key: impl Into<Cow<'static, str>>) -> &mut Self {
        self.insert(key.into(), KeyValue::Unknown)
    }
    /// Mark every key starting with `prefix` (case-insensitive) and not set explicitly as
    /// unknown (`kms:EncryptionContext:`, `aws:PrincipalTag/`).
    pub fn unknown_prefix(&mut self, prefix: &str) -> &mut Self {
        self.unknown_prefixes.push(prefix.to_ascii_lowercase());
        self
    }
    /// Mark every key starting with one of `prefixes` (lower-cased already) as unknown, as
    /// [`Self::unknown_prefix`] does, without copying them (replaces an earlier such list).
    pub fn unknown_static_prefixes(&mut self, prefixes: &'static [&'static str]) -> &mut Self {
        debug_assert!(prefixes.iter().all(|p| p.bytes().all(|b| !b.is_ascii_uppercase())));
        self.static_unknown_prefixes = prefixes;
        self
    }
    /// Remove a key (it becomes absent, or unknown under an unknown prefix).
    pub fn remove(&mut self, key: &str) -> &mut Self {
        if let Ok(i) = self.find(key) {
            self.keys.remove(i);
        }
        self
    }
    /// Whether a key is set (to a value or unknown).
    pub fn has(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// What is known about `key` (case-insensitive).
    pub fn lookup(&self, key: &str) -> Lookup<'_> {
        match self.find(key).map(|i| &self.keys[i].1) {
            Ok(KeyValue::One(v)) => Lookup::Values(std::slice::from_ref(v)),
            Ok(KeyValue::Many(v)) => Lookup::Values(v),
            Ok(KeyValue::Unknown) => Lookup::Unknown,
            Err(_)
                if self.unknown_prefixes.iter().any(|p| starts_with_ci(key, p))
                    || self.static_unknown_prefixes.iter().any(|p| starts_with_ci(key, p)) =>
            {
                Lookup::Unknown
            }
            Err(_) => Lookup::Absent,
        }
    }

    /// The keys set, for reports: `(lower-cased key, value)`, in order.
    pub fn iter(&self) -> impl Iterator<Item = (String, &KeyValue)> {
        self.keys.iter().map(|(k, v)| (k.to_ascii_lowercase(), v))
    }
    pub fn unknown_prefixes(&self) -> impl Iterator<Item = &str> {
        self.static_unknown_prefixes.iter().copied().chain(self.unknown_prefixes.iter().map(String::as_str))
    }
}

/// One request: a caller performing `action` on `resource` with a context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub caller: Caller,
    /// `service:Action`.
    pub action: String,
    /// The resource ARN (the role for `sts:AssumeRole`, the key for KMS).
    pub resource: String,
    pub context: Context,
}

impl Request {
    /// A request whose context holds the principal keys derived from the caller
    /// (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`,
    /// `aws:PrincipalIsAWSService`); add the rest with [`Request::context`].
    pub fn new(caller: Caller, action: &str, resource: &str) -> Self {
        // Room for the four principal keys and the five at most a scenario adds (the source
        // address, transport, service, external ID or caller account, and MFA).
        let mut context = Context { keys: Vec::with_capacity(9), ..Context::new() };
        if let Some(arn) = caller.principal_arn() {
            context.set("aws:PrincipalArn", arn);
        }
        if let Some(account) = caller.account() {
            context.set("aws:PrincipalAccount", account.to_string());
        }
        if !matches!(caller, Caller::Anonymous) {
            context.set("aws:PrincipalType", caller.principal_type());
            context.set(
                "aws:PrincipalIsAWSService",
                if matches!(caller, Caller::Service { .. }) { "true" } else { "false" },
            );
        }
        if let Caller::Service { name } = &caller {
            context.set("aws:PrincipalServiceName", name.clone());
        }
        Request { caller, action: action.to_string(), resource: resource.to_string(), context }
    }

    /// A one-line description of the request, for counterexamples: who calls what on which
    /// resource, with the context keys set and the unknown prefixes.
    pub fn describe(&self) -> String {
        let who = match &self.caller {
            Caller::RoleSession { session_arn, .. } => session_arn.clone(),
            Caller::User { arn, .. } => arn.clone(),
            Caller::AccountRoot { account } => format!("arn:aws:iam::{account}:root"),
            Caller::Service { name } => name.clone(),
            Caller::Federated { provider } => provider.clone(),
            Caller::Anonymous => "an anonymous caller".into(),
        };
        let keys: Vec<String> = self
            .context
            .iter()
            .map(|(k, v)| match v {
                KeyValue::One(v) => format!("{k}={v}"),
                KeyValue::Many(vs) => format!("{k}=[{}]", vs.join(",")),
                KeyValue::Unknown => format!("{k}=?"),
            })
            .chain(self.context.unknown_prefixes().map(|p| format!("{p}*=?")))
            .collect();
        format!("{who} calls {} on {} with {}", self.action, self.resource, keys.join(" "))
    }
}
