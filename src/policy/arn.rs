//! ARN parsing: `arn:partition:service:region:account-id:resource`.

/// Partitions AWS documents.
pub const PARTITIONS: &[&str] =
    &["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

/// A parsed ARN, borrowing from the input. Fields may hold wildcards or `${...}` unknowns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    /// Everything after the account field.
    pub resource: &'a str,
    /// `role` in `role/path/name`, `key` in `key/1234`, empty when the resource has no type.
    pub resource_type: &'a str,
    /// `path/name` in `role/path/name`.
    pub resource_name: &'a str,
    /// Byte offsets of each field inside the input: partition, service, region, account, resource.
    pub offsets: [usize; 5],
}

impl<'a> Arn<'a> {
    /// Split an ARN into its fields. Returns `None` unless the text starts with `arn:` and has
    /// at least six colon-separated fields. Colons inside deploy-time expressions
    /// (`${AWS::Partition}`, `#{...}`) never separate fields, so
    /// `arn:${AWS::Partition}:iam::${Acct}:role/x` splits into its six fields; fields holding an
    /// expression are unknowns for the caller to skip (`data::placeholders::has_expression`).
    pub fn parse(text: &'a str) -> Option<Self> {
        if !text.starts_with("arn:") {
            return None;
        }
        let mut parts = [0usize; 6];
        let mut n = 1;
        let bytes = text.as_bytes();
        // The fields end at the first five colons, unless an expression (`${...}`) may hold
        // one: then colons inside braces are skipped. The fast path stops at the fifth colon
        // (this runs for every principal of every statement of every evaluated request); a
        // brace before it sends the text to the slow path (one after it cannot move a field).
        let mut expression = false;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'{' {
                expression = true;
                break;
            }
            if b == b':' {
                parts[n] = i + 1;
                n += 1;
                if n == 6 {
                    break;
                }
            }
        }
        if expression {
            n = 1;
            let mut depth = 0usize;
            for (i, &b) in bytes.iter().enumerate() {
                if (b == b'$' || b == b'#') && bytes.get(i + 1) == Some(&b'{') {
                    depth += 1;
                    continue;
                }
                if b == b'}' && depth > 0 {
                    depth -= 1;
                    continue;
                }
                if depth > 0 {
                    continue;
                }
                if b == b':' && n < 6 {
                    parts[n] = i + 1;
                    n += 1;
                }
            }
        }
        if n < 6 {
            return None;
        }
        let field = |k: usize| &text[parts[k]..parts[k + 1] - 1];
        let resource = &text[parts[5]..];
        let (resource_type, resource_name) = match resource.bytes().position(|b| b == b'/' || b == b':') {
            Some(i) => (&resource[..i], &resource[i + 1..]),
            None => ("", resource),
        };
        Some(Arn {
            partition: field(1),
            service: field(2),
            region: field(3),
            account: field(4),
            resource,
            resource_type,
            resource_name,
            offsets: [parts[1], parts[2], parts[3], parts[4], parts[5]],
        })
    }

    /// The last path segment of the resource name (`name` in `role/path/name`).
    pub fn name(&self) -> &'a str {
        self.resource_name.rsplit('/').next().unwrap_or(self.resource_name)
    }
}

/// Whether `s` is exactly 12 ASCII digits.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_role_and_key_arns() {
        let a = Arn::parse("arn:aws:iam::123456789012:role/path/pinecone_cmek_access_us-east-1").unwrap();
        assert_eq!((a.partition, a.service, a.region, a.account), ("aws", "iam", "", "123456789012"));
        assert_eq!((a.resource_type, a.name()), ("role", "pinecone_cmek_access_us-east-1"));
        let k = Arn::parse("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab").unwrap();
        assert_eq!((k.region, k.resource_type), ("us-east-1", "key"));
        assert_eq!(&"arn:aws:kms:us-east-1:123456789012:key/x"[k.offsets[3]..k.offsets[3] + 12], "123456789012");
        assert!(Arn::parse("arn:aws:iam::1").is_none());
        assert!(Arn::parse("*").is_none());
        let t = Arn::parse("arn:${AWS::Partition}:iam::${Acct}:role/pinecone_cmek_access_us-east-1").unwrap();
        assert_eq!(
            (t.partition, t.service, t.account, t.name()),
            ("${AWS::Partition}", "iam", "${Acct}", "pinecone_cmek_access_us-east-1")
        );
        assert_eq!(Arn::parse("arn:aws:iam::1:role/x"), Arn::parse("arn:aws:iam::1:role/x"));
        // A brace after the fifth colon moves no field; one before it is an expression.
        let late = Arn::parse("arn:aws:iam::123456789012:role/{x:y}").unwrap();
        assert_eq!((late.account, late.resource_type, late.resource_name), ("123456789012", "role", "{x:y}"));
        let early = Arn::parse("arn:aws:iam::${A:B}:role/x").unwrap();
        assert_eq!((early.account, early.resource), ("${A:B}", "role/x"));
        let plain_brace = Arn::parse("arn:aws:iam:{:1:role/x").unwrap();
        assert_eq!((plain_brace.region, plain_brace.account), ("{", "1"));
        let star = Arn::parse("arn:aws:s3:::bucket/*").unwrap();
        assert_eq!((star.account, star.resource_type), ("", "bucket"));
    }
}
