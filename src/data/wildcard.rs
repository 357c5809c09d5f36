//! IAM-style wildcard matching (`*` any run, `?` one character), as IAM matches actions and
//! `StringLike` compares values.

/// IAM-style wildcard match (`*` any run, `?` one character), ASCII case-insensitive.
pub fn wildcard_match_ci(pattern: &str, text: &str) -> bool {
    wildcard_match_by(pattern.as_bytes(), text.as_bytes(), |a, b| a.eq_ignore_ascii_case(&b))
}

/// IAM-style wildcard match, case-sensitive (as `StringLike` compares).
pub fn wildcard_match(pattern: &[u8], text: &[u8]) -> bool {
    wildcard_match_by(pattern, text, |a, b| a == b)
}

fn wildcard_match_by(pattern: &[u8], text: &[u8], eq: impl Fn(u8, u8) -> bool) -> bool {
    // The literal head (all of a literal pattern such as `sts:AssumeRole` or an ARN) is
    // compared byte by byte, and most mismatches end at its first bytes (another service's
    // action in a long `Action` list): no backtracking can reach before the first wildcard.
    let head = pattern.iter().zip(text).take_while(|&(&p, &t)| p != b'*' && p != b'?' && eq(p, t)).count();
    let (pattern, text) = (&pattern[head..], &text[head..]);
    match pattern.first() {
        None => return text.is_empty(),
        Some(b'*' | b'?') => {}
        // A literal byte where the text differs or has ended.
        Some(_) => return false,
    }
    let (mut p, mut t) = (0, 0);
    let (mut star_p, mut star_t) = (usize::MAX, 0);
    while t < text.len() {
        if p < pattern.len() && pattern[p] != b'*' && (pattern[p] == b'?' || eq(pattern[p], text[t])) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star_p = p;
            star_t = t;
            p += 1;
        } else if star_p != usize::MAX {
            p = star_p + 1;
            star_t += 1;
            t = star_t;
        } else {
            return false;
        }
    }
    while p < pattern.len() && pattern[p] == b'*' {
        p += 1;
    }
    p == pattern.len()
}

#[cfg(test)]
mod tests {
    use super::{wildcard_match, wildcard_match_ci};

    /// The definition, by recursion: `*` any run, `?` one byte, anything else itself.
    fn reference(p: &[u8], t: &[u8]) -> bool {
        match (p.first(), t.first()) {
            (None, _) => t.is_empty(),
            (Some(b'*'), _) => reference(&p[1..], t) || (!t.is_empty() && reference(p, &t[1..])),
            (Some(_), None) => false,
            (Some(b'?'), Some(_)) => reference(&p[1..], &t[1..]),
            (Some(a), Some(b)) => a == b && reference(&p[1..], &t[1..]),
        }
    }

    /// Every string of up to `n` bytes over `alphabet`.
    fn strings(alphabet: &[u8], n: usize) -> Vec<Vec<u8>> {
        let mut all = vec![Vec::new()];
        let mut last = vec![Vec::new()];
        for _ in 0..n {
            last = last.iter().flat_map(|s: &Vec<u8>| alphabet.iter().map(move |&c| [&s[..], &[c]].concat())).collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    #[test]
    fn matches_the_definition_on_every_short_pattern_and_text() {
        let patterns = strings(b"ab*?", 5);
        let texts = strings(b"ab", 5);
        for p in &patterns {
            for t in &texts {
                assert_eq!(wildcard_match(p, t), reference(p, t), "{:?} ~ {:?}", p, t);
            }
        }
    }

    #[test]
    fn case_insensitive_form_ignores_ascii_case_only() {
        assert!(wildcard_match_ci("kms:*", "kms:Decrypt"));
        assert!(wildcard_match_ci("KMS:decrypt", "kms:Decrypt"));
        assert!(wildcard_match_ci("kms:ReEncrypt*", "kms:ReEncryptFrom"));
        assert!(wildcard_match_ci("kms:?ecrypt", "kms:Decrypt"));
        assert!(!wildcard_match_ci("kms:Enc*", "kms:Decrypt"));
        assert!(wildcard_match_ci("*", "sts:AssumeRole"));
        assert!(wildcard_match_ci("a*b*c", "aXbYbZc"));
        assert!(!wildcard_match(b"a*", b"A"));
        assert!(wildcard_match(b"*", b"*"));
        assert!(wildcard_match_ci("STS:assume*", "sts:AssumeRole"));
        assert!(wildcard_match_ci("sts:AssumeRole", "STS:ASSUMEROLE"));
        assert!(!wildcard_match_ci("sts:AssumeRole", "sts:AssumeRoles"));
        assert!(!wildcard_match_ci("sts:AssumeRoleX", "sts:AssumeRole"));
        assert!(!wildcard_match_ci("ec2:Describe*", "sts:AssumeRole"));
        assert!(wildcard_match_ci("sts:Assume*", "sts:Assume"));
        assert!(!wildcard_match(b"Sts:*", b"sts:AssumeRole"));
    }
}
