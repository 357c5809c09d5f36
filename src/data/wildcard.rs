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
    // Most patterns are literal (`sts:AssumeRole`, an ARN): compared byte by byte.
    if !pattern.iter().any(|&b| b == b'*' || b == b'?') {
        return pattern.len() == text.len() && pattern.iter().zip(text).all(|(&p, &t)| eq(p, t));
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
