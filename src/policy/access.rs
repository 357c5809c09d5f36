//! A small, conservative evaluator: does a statement's `Principal` name a given caller, and can
//! its `Condition` hold for a request whose context is partly known?
//!
//! Answers are three-valued. `False` is returned only when the policy text proves it (a literal
//! value that cannot match); anything depending on deploy-time values (`${...}`), on operators
//! cmek-lint does not evaluate, or on keys the caller did not describe is `Unknown`, so rules
//! built on it stay quiet rather than guess.

use super::condition::{ConditionBlock, ConditionEntry, Operator};
use super::{Arn, Principal, Statement, wildcard_match};
use crate::data::placeholders::has_expression;
use crate::json::Node;

/// A three-valued truth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    /// Logical AND over several values: `False` wins, then `Unknown`.
    pub fn all(items: impl IntoIterator<Item = Tri>) -> Tri {
        let mut out = Tri::True;
        for t in items {
            match t {
                Tri::False => return Tri::False,
                Tri::Unknown => out = Tri::Unknown,
                Tri::True => {}
            }
        }
        out
    }
    pub fn is_false(self) -> bool {
        self == Tri::False
    }
}

/// A caller the rules reason about: an IAM role known by its ARN (possibly a deploy-time
/// expression such as `${PineconeCmekRole.Arn}`) and, when the ARN says so, its account.
#[derive(Clone, Copy, Debug)]
pub struct Caller<'a> {
    pub arn: &'a str,
    /// The 12-digit account of the role, when the ARN holds a literal one.
    pub account: Option<&'a str>,
}

impl<'a> Caller<'a> {
    pub fn new(arn: &'a str) -> Self {
        let account = Arn::parse(arn).map(|a| a.account).filter(|a| super::arn::is_account_id(a));
        Caller { arn, account }
    }
}

/// How a `Principal` element relates to a caller.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PrincipalHit {
    /// The caller's own ARN is listed.
    pub direct: bool,
    /// A value that may turn out to be the caller (a deploy-time expression, an assumed-role
    /// session of the caller's role).
    pub maybe: bool,
    /// The caller's account (root ARN or bare account id) is listed: the statement delegates to
    /// the account's IAM policies rather than granting the caller anything itself.
    pub account: bool,
    /// `"*"` / `{"AWS": "*"}`: everyone, narrowed only by the statement's conditions.
    pub everyone: bool,
}

impl PrincipalHit {
    pub fn any(&self) -> bool {
        self.direct || self.maybe || self.account || self.everyone
    }
}

/// Compare every `AWS` value of a principal element (and `"*"`) with a caller.
pub fn principal_hit(principal: &Principal<'_>, caller: &Caller<'_>) -> PrincipalHit {
    let mut hit = PrincipalHit { everyone: principal.star, ..Default::default() };
    for node in principal.values_of("AWS") {
        let Some((text, _)) = node.as_text() else { continue };
        match principal_value_hit(text, caller) {
            ValueHit::Direct => hit.direct = true,
            ValueHit::Maybe => hit.maybe = true,
            ValueHit::Account => hit.account = true,
            ValueHit::Everyone => hit.everyone = true,
            ValueHit::No => {}
        }
    }
    hit
}

/// How one principal value relates to a caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueHit {
    Direct,
    Maybe,
    Account,
    Everyone,
    No,
}

/// Compare one `AWS` principal value with a caller.
pub fn principal_value_hit(text: &str, caller: &Caller<'_>) -> ValueHit {
    let text = text.trim();
    if text == "*" {
        return ValueHit::Everyone;
    }
    if text.eq_ignore_ascii_case(caller.arn) {
        return ValueHit::Direct;
    }
    if let Some(account) = account_principal(text) {
        return match (account, caller.account) {
            (AccountRef::Literal(a), Some(c)) if a == c => ValueHit::Account,
            (AccountRef::Literal(_), Some(_)) => ValueHit::No,
            // A deploy-time account, or a caller whose account is unknown.
            _ => ValueHit::Account,
        };
    }
    if has_expression(text) || has_expression(caller.arn) {
        // Compare with every `${...}` standing for anything.
        let pattern = expression_as_wildcard(text);
        let target = expression_as_wildcard(caller.arn);
        if wildcard_match(pattern.to_ascii_lowercase().as_bytes(), caller.arn.to_ascii_lowercase().as_bytes())
            || wildcard_match(target.to_ascii_lowercase().as_bytes(), text.to_ascii_lowercase().as_bytes())
        {
            return ValueHit::Maybe;
        }
        // A whole value that is only known at deploy time (`${RoleArnParameter}`) may be the
        // caller; an ARN whose literal parts differ is not.
        if Arn::parse(text).is_none() || Arn::parse(caller.arn).is_none() {
            return ValueHit::Maybe;
        }
        return ValueHit::No;
    }
    let (Some(value), caller_arn) = (Arn::parse(text), Arn::parse(caller.arn)) else {
        return ValueHit::No;
    };
    // `arn:aws:sts::<acct>:assumed-role/<role>/<session>`: one session of the caller's role.
    if let Some(c) = caller_arn
        && value.service == "sts"
        && value.resource_type == "assumed-role"
        && value.account == c.account
        && value.resource_name.split('/').next().is_some_and(|r| r.eq_ignore_ascii_case(c.name()))
    {
        return ValueHit::Maybe;
    }
    ValueHit::No
}

/// An account named as a principal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountRef<'a> {
    Literal(&'a str),
    /// A deploy-time value such as `${AWS::AccountId}`.
    Expression,
}

/// `123456789012` or `arn:<partition>:iam::123456789012:root` (or their deploy-time forms).
pub fn account_principal(text: &str) -> Option<AccountRef<'_>> {
    if super::arn::is_account_id(text) {
        return Some(AccountRef::Literal(text));
    }
    let arn = Arn::parse(text)?;
    if arn.service != "iam" || arn.resource != "root" {
        return None;
    }
    if super::arn::is_account_id(arn.account) {
        Some(AccountRef::Literal(arn.account))
    } else if has_expression(arn.account) {
        Some(AccountRef::Expression)
    } else {
        None
    }
}

/// `${...}` and `#{...}` expressions replaced by `*`.
pub fn expression_as_wildcard(text: &str) -> String {
    replace_expressions(text, "*")
}

fn replace_expressions(text: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['$', '#']) {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        if after[1..].starts_with('{')
            && let Some(end) = after.find('}')
        {
            out.push_str(with);
            rest = &after[end + 1..];
            continue;
        }
        out.push_str(&after[..1]);
        rest = &after[1..];
    }
    out.push_str(rest);
    out
}

/// What is known about one condition key in the request being evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact<'a> {
    /// The key is present with this value.
    Value(&'a str),
    /// The key is not in the request context.
    Absent,
    /// The key is present with a value none of the policy's literal values name.
    Foreign,
    /// A boolean key with this value.
    Bool(bool),
    /// Nothing is known.
    Unknown,
}

/// Evaluate one `operator: {key: values}` entry against a fact about its key.
pub fn eval_entry(op: &Operator<'_>, entry: &ConditionEntry<'_>, fact: Fact<'_>) -> Tri {
    let negated = op.is_negated() && op.base != "Null";
    match fact {
        Fact::Unknown => Tri::Unknown,
        Fact::Absent => {
            if op.base == "Null" {
                // `Null: {key: true}` holds when the key is absent.
                return match bool_values(&entry.values) {
                    Some(v) => tri(v),
                    None => Tri::Unknown,
                };
            }
            if negated || op.if_exists { Tri::True } else { Tri::False }
        }
        Fact::Foreign => {
            if op.base == "Null" {
                return match bool_values(&entry.values) {
                    Some(v) => tri(!v),
                    None => Tri::Unknown,
                };
            }
            if op.base == "Bool" {
                return Tri::Unknown;
            }
            if negated { Tri::True } else { Tri::False }
        }
        Fact::Bool(b) => match op.base {
            "Bool" => match bool_values(&entry.values) {
                Some(v) => tri(v == b),
                None => Tri::Unknown,
            },
            "Null" => match bool_values(&entry.values) {
                Some(v) => tri(!v),
                None => Tri::Unknown,
            },
            _ => Tri::Unknown,
        },
        Fact::Value(actual) => {
            let compare: fn(&str, &str) -> bool = match op.base {
                "StringEquals" | "StringNotEquals" => |p, a| p == a,
                "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase" => |p, a| p.eq_ignore_ascii_case(a),
                "StringLike" | "StringNotLike" => |p, a| wildcard_match(p.as_bytes(), a.as_bytes()),
                "ArnEquals" | "ArnLike" | "ArnNotEquals" | "ArnNotLike" => arn_like,
                "Null" => {
                    return match bool_values(&entry.values) {
                        Some(v) => tri(!v),
                        None => Tri::Unknown,
                    };
                }
                _ => return Tri::Unknown,
            };
            let mut matched = false;
            let mut unknown = false;
            for v in &entry.values {
                let Some((text, template)) = v.as_text() else {
                    unknown = true;
                    continue;
                };
                if template || has_expression(text) {
                    unknown = true;
                } else if compare(text, actual) {
                    matched = true;
                }
            }
            match (matched, unknown, negated) {
                (true, _, false) => Tri::True,
                (true, _, true) => Tri::False,
                (false, true, _) => Tri::Unknown,
                (false, false, false) => Tri::False,
                (false, false, true) => Tri::True,
            }
        }
    }
}

fn tri(b: bool) -> Tri {
    if b { Tri::True } else { Tri::False }
}

/// The boolean a condition's values state (`true`, `"true"`, `["true"]`), if they agree.
fn bool_values(values: &[&Node]) -> Option<bool> {
    let mut out = None;
    for v in values {
        let b = match &v.value {
            crate::json::Value::Bool(b) => *b,
            crate::json::Value::String(s) if s.eq_ignore_ascii_case("true") => true,
            crate::json::Value::String(s) if s.eq_ignore_ascii_case("false") => false,
            _ => return None,
        };
        if out.is_some_and(|o| o != b) {
            return None;
        }
        out = Some(b);
    }
    out
}

/// `ArnLike` semantics: the six colon-separated fields are compared one by one, each honouring
/// `*` and `?` (case-insensitively, so a mismatch is never claimed on case alone).
pub fn arn_like(pattern: &str, arn: &str) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    if p.len() != 6 || a.len() != 6 {
        return wildcard_match(pattern.to_ascii_lowercase().as_bytes(), arn.to_ascii_lowercase().as_bytes());
    }
    p.iter().zip(&a).all(|(p, a)| wildcard_match(p.to_ascii_lowercase().as_bytes(), a.to_ascii_lowercase().as_bytes()))
}

/// One evaluated condition entry.
pub struct EntryResult<'s, 'a> {
    pub block: &'s ConditionBlock<'a>,
    pub entry: &'s ConditionEntry<'a>,
    pub result: Tri,
}

/// Evaluate every condition entry of a statement with `facts` (key → fact; keys compare
/// case-insensitively, so `facts` receives the key as written).
pub fn eval_conditions<'s, 'a, 'f>(
    statement: &'s Statement<'a>,
    facts: &dyn Fn(&str) -> Fact<'f>,
) -> Vec<EntryResult<'s, 'a>> {
    let mut out = Vec::new();
    for block in &statement.conditions {
        for entry in &block.entries {
            let result = if block.operator.is_known() {
                eval_entry(&block.operator, entry, facts(entry.key))
            } else {
                Tri::Unknown
            };
            out.push(EntryResult { block, entry, result });
        }
    }
    out
}

/// The combined truth of a statement's conditions (`True` when it has none).
pub fn conditions_hold<'f>(statement: &Statement<'_>, facts: &dyn Fn(&str) -> Fact<'f>) -> Tri {
    Tri::all(eval_conditions(statement, facts).iter().map(|r| r.result))
}

/// Facts about a caller's identity: `aws:PrincipalArn`, `aws:PrincipalAccount` and
/// `kms:CallerAccount`.
pub fn identity_facts<'c>(caller: &'c Caller<'_>) -> impl Fn(&str) -> Fact<'c> + 'c {
    move |key: &str| {
        let k = key.to_ascii_lowercase();
        match k.as_str() {
            "aws:principalarn" if !has_expression(caller.arn) => Fact::Value(caller.arn),
            "aws:principalaccount" | "kms:calleraccount" => caller.account.map_or(Fact::Unknown, Fact::Value),
            _ => Fact::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;

    const ROLE: &str = "arn:aws:iam::222233334444:role/pinecone-cmek";

    fn statement_eval(text: &str, caller: &Caller<'_>) -> (PrincipalHit, Tri) {
        let root = crate::json::parse(text).root.unwrap();
        let p = Policy::new(&root);
        let s = &p.statements[0];
        let facts = identity_facts(caller);
        (principal_hit(s.principal.as_ref().unwrap(), caller), conditions_hold(s, &facts))
    }

    #[test]
    fn principal_values() {
        let c = Caller::new(ROLE);
        assert_eq!(c.account, Some("222233334444"));
        assert_eq!(principal_value_hit(ROLE, &c), ValueHit::Direct);
        assert_eq!(principal_value_hit("arn:aws:iam::222233334444:root", &c), ValueHit::Account);
        assert_eq!(principal_value_hit("222233334444", &c), ValueHit::Account);
        assert_eq!(principal_value_hit("arn:aws:iam::999988887777:root", &c), ValueHit::No);
        assert_eq!(principal_value_hit("arn:aws:iam::${AWS::AccountId}:root", &c), ValueHit::Account);
        assert_eq!(principal_value_hit("arn:aws:iam::${AWS::AccountId}:role/pinecone-cmek", &c), ValueHit::Maybe);
        assert_eq!(principal_value_hit("arn:aws:iam::${AWS::AccountId}:role/other", &c), ValueHit::No);
        assert_eq!(principal_value_hit("arn:aws:sts::222233334444:assumed-role/pinecone-cmek/s1", &c), ValueHit::Maybe);
        assert_eq!(principal_value_hit("*", &c), ValueHit::Everyone);
        assert_eq!(principal_value_hit("arn:aws:iam::222233334444:role/other", &c), ValueHit::No);
        let t = Caller::new("${PineconeCmekRole.Arn}");
        assert_eq!(t.account, None);
        assert_eq!(principal_value_hit("${PineconeCmekRole.Arn}", &t), ValueHit::Direct);
        assert_eq!(principal_value_hit("arn:aws:iam::111122223333:root", &t), ValueHit::Account);
        assert_eq!(principal_value_hit("arn:aws:iam::111122223333:role/other", &t), ValueHit::Maybe);
        assert_eq!(principal_value_hit("${self:custom.roleArn}", &c), ValueHit::Maybe);
    }

    #[test]
    fn conditions_on_identity_keys() {
        let c = Caller::new(ROLE);
        let star = |cond: &str| {
            format!(
                r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"*"}},"Action":"kms:Decrypt","Resource":"*","Condition":{cond}}}]}}"#
            )
        };
        let (hit, t) = statement_eval(&star(r#"{"StringEquals":{"kms:CallerAccount":"222233334444"}}"#), &c);
        assert!(hit.everyone);
        assert_eq!(t, Tri::True);
        let (_, t) = statement_eval(&star(r#"{"StringEquals":{"aws:PrincipalAccount":"999988887777"}}"#), &c);
        assert_eq!(t, Tri::False);
        let (_, t) = statement_eval(&star(r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/pinecone-*"}}"#), &c);
        assert_eq!(t, Tri::True);
        let (_, t) = statement_eval(
            &star(r#"{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::222233334444:role/pinecone-cmek"}}"#),
            &c,
        );
        assert_eq!(t, Tri::False);
        let (_, t) = statement_eval(&star(r#"{"StringEquals":{"kms:CallerAccount":"${AWS::AccountId}"}}"#), &c);
        assert_eq!(t, Tri::Unknown);
        let (_, t) = statement_eval(
            &star(
                r#"{"StringEquals":{"kms:CallerAccount":"222233334444","kms:ViaService":"ec2.us-east-1.amazonaws.com"}}"#,
            ),
            &c,
        );
        assert_eq!(t, Tri::Unknown);
    }

    #[test]
    fn absent_and_foreign_keys() {
        let text = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{
            "StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"},
            "StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"},
            "StringNotEquals":{"aws:SourceVpc":"vpc-1"},
            "IpAddress":{"aws:SourceIp":"10.0.0.0/8"},
            "NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"},
            "Bool":{"aws:ViaAWSService":"false"},
            "Null":{"kms:EncryptionContextKeys":"true"}}}]}"#;
        let root = crate::json::parse(text).root.unwrap();
        let p = Policy::new(&root);
        let facts = |k: &str| match k {
            "kms:ViaService" | "aws:SourceVpce" | "aws:SourceVpc" | "kms:EncryptionContextKeys" => Fact::Absent,
            "aws:SourceIp" => Fact::Foreign,
            "aws:ViaAWSService" => Fact::Bool(false),
            _ => Fact::Unknown,
        };
        let results: Vec<Tri> = eval_conditions(&p.statements[0], &facts).iter().map(|r| r.result).collect();
        assert_eq!(results, vec![Tri::False, Tri::True, Tri::True, Tri::False, Tri::True, Tri::True, Tri::True]);
    }

    #[test]
    fn arn_like_compares_fields() {
        assert!(arn_like(
            "arn:aws:iam::*:role/pinecone_cmek_access_*",
            "arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1"
        ));
        assert!(!arn_like("arn:aws:iam::1*:role/x", "arn:aws:iam::2:role/x"));
        assert!(arn_like("arn:aws:iam::123456789012:role/*", "arn:aws:iam::123456789012:role/path/x"));
    }

    #[test]
    fn expressions_become_wildcards() {
        assert_eq!(expression_as_wildcard("arn:aws:iam::${AWS::AccountId}:root"), "arn:aws:iam::*:root");
        assert_eq!(expression_as_wildcard("arn:aws:iam::#{AWS::AccountId}:role/${x}"), "arn:aws:iam::*:role/*");
        assert_eq!(expression_as_wildcard("a$b#c"), "a$b#c");
        // `Arn::parse` keeps expressions (colons and all) inside one field.
        assert_eq!(Arn::parse("arn:aws:iam::${AWS::AccountId}:root").unwrap().account, "${AWS::AccountId}");
        assert_eq!(Arn::parse("arn:${AWS::Partition}:iam::123456789012:root").unwrap().account, "123456789012");
        assert_eq!(
            account_principal("arn:${AWS::Partition}:iam::123456789012:root"),
            Some(AccountRef::Literal("123456789012"))
        );
        assert_eq!(account_principal("arn:aws:iam::#{AWS::AccountId}:root"), Some(AccountRef::Expression));
    }
}
