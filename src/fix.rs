//! The fix model, as ruff's: a [`Fix`] is a set of [`Edit`]s (byte range + replacement) with an
//! [`Applicability`], attached to a finding. Applying fixes to a text is here too; deciding
//! which to apply and writing files is `crate::commands`' business.

use crate::source::Span;

/// The syntax of a text: what a fix's edits are written in (and how a file is read).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Syntax {
    Json,
    /// YAML (CloudFormation templates).
    Yaml,
    /// HCL (Terraform).
    Hcl,
}

/// Whether a fix may be applied, and when. Ordered: `DisplayOnly < Unsafe < Safe`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// A suggestion, shown and never applied (the right change depends on what the user meant).
    DisplayOnly,
    /// Changes what the policy means: applied only with `--unsafe-fixes`.
    Unsafe,
    /// Keeps what the policy means (e.g. removing a comment): applied by `--fix`.
    Safe,
}

impl Applicability {
    pub const fn as_str(self) -> &'static str {
        match self {
            Applicability::DisplayOnly => "display-only",
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "display-only" => Applicability::DisplayOnly,
            "unsafe" => Applicability::Unsafe,
            "safe" => Applicability::Safe,
            _ => return None,
        })
    }
}

/// Replace the bytes of `range` (an empty range inserts) with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: Span,
    pub replacement: Box<str>,
}

impl Edit {
    pub fn replace(range: Span, replacement: impl Into<Box<str>>) -> Self {
        Edit { range, replacement: replacement.into() }
    }
    pub fn delete(range: Span) -> Self {
        Edit { range, replacement: "".into() }
    }
    pub fn insert(at: usize, text: impl Into<Box<str>>) -> Self {
        Edit { range: Span::empty(at), replacement: text.into() }
    }
}

/// A fix of one finding: what it does (`message`, imperative: "delete the comment"), how safe it
/// is, and its edits (none for a display-only suggestion that cannot be written as edits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    pub message: String,
    /// Sorted by start, not overlapping.
    pub edits: Vec<Edit>,
    /// The part of the text whose keys this fix adds or renames (a statement's `Condition`, a
    /// statement), as ruff's isolation level: two fixes isolated to overlapping parts are not
    /// applied in one round (each checks its object's other keys as the text stands: together
    /// two renames could write one key twice, and a parser keeps only one of them).
    pub isolation: Option<Span>,
}

impl Fix {
    pub fn safe(message: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix::new(Applicability::Safe, message, edits)
    }
    pub fn unsafe_edits(message: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix::new(Applicability::Unsafe, message, edits)
    }
    pub fn display_only(message: impl Into<String>) -> Self {
        Fix::new(Applicability::DisplayOnly, message, Vec::new())
    }
    fn new(applicability: Applicability, message: impl Into<String>, mut edits: Vec<Edit>) -> Self {
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        Fix { applicability, message: message.into(), edits, isolation: None }
    }

    /// The same fix, isolated to `part` (see [`Fix::isolation`]).
    pub fn isolated(mut self, part: Span) -> Self {
        self.isolation = Some(part);
        self
    }

    /// Whether a run applies this fix (`unsafe_ok`: `--unsafe-fixes` was given).
    pub fn applies(&self, unsafe_ok: bool) -> bool {
        !self.edits.is_empty()
            && match self.applicability {
                Applicability::Safe => true,
                Applicability::Unsafe => unsafe_ok,
                Applicability::DisplayOnly => false,
            }
    }

    /// The same fix as a suggestion only (its edits could not be placed exactly in the file).
    pub fn downgraded(self) -> Self {
        Fix { applicability: Applicability::DisplayOnly, message: self.message, edits: Vec::new(), isolation: None }
    }

    /// Whether every edit lands inside `text`, on character boundaries, in order.
    pub fn checked_in(&self, text: &str) -> bool {
        let mut last = 0;
        self.edits.iter().all(|e| {
            let (s, t) = (e.range.start as usize, e.range.end as usize);
            let ok = s >= last && s <= t && text.is_char_boundary(s) && text.is_char_boundary(t) && t <= text.len();
            last = t;
            ok
        })
    }

    fn span(&self) -> Option<(usize, usize)> {
        let first = self.edits.first()?;
        let last = self.edits.last()?;
        Some((first.range.start as usize, last.range.end as usize))
    }
}

/// The result of applying fixes to a text.
#[derive(Debug)]
pub struct Applied {
    pub text: String,
    /// Indices (into the fixes given) of the fixes applied.
    pub applied: Vec<usize>,
}

/// Apply as many of `fixes` as do not conflict: in order of position, a fix whose edits overlap
/// (or touch at the same insertion point) an applied one's is left out, for a later round. Every
/// edit of a fix is applied, or none. Fixes whose edits do not fit `text` are left out.
pub fn apply(text: &str, fixes: &[&Fix]) -> Applied {
    let mut order: Vec<usize> = (0..fixes.len()).filter(|&i| fixes[i].span().is_some()).collect();
    order.sort_by_key(|&i| fixes[i].span());
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut chosen: Vec<usize> = Vec::new();
    let mut isolations: Vec<Span> = Vec::new();
    for i in order {
        let f = fixes[i];
        if !f.checked_in(text) {
            continue;
        }
        let overlaps = f.edits.iter().any(|e| {
            let (s, t) = (e.range.start as usize, e.range.end as usize);
            // Touching counts as conflicting: two insertions at one point have no order.
            taken.iter().any(|&(a, b)| s <= b && a <= t)
        });
        let isolated =
            f.isolation.is_some_and(|p| isolations.iter().any(|q: &Span| p.start <= q.end && q.start <= p.end));
        if overlaps || isolated {
            continue;
        }
        isolations.extend(f.isolation);
        taken.extend(f.edits.iter().map(|e| (e.range.start as usize, e.range.end as usize)));
        chosen.push(i);
    }
    let mut edits: Vec<&Edit> = chosen.iter().flat_map(|&i| fixes[i].edits.iter()).collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.range.start as usize]);
        out.push_str(&e.replacement);
        at = e.range.end as usize;
    }
    out.push_str(&text[at..]);
    chosen.sort_unstable();
    Applied { text: out, applied: chosen }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_overlapping_fixes_apply_together_and_overlapping_ones_wait() {
        let text = "{\"a\": 1, /* x */ \"b\": 2,}";
        let comment = Fix::safe("delete", vec![Edit::delete(Span::new(9, 17))]);
        let at = text.rfind(',').unwrap();
        let comma = Fix::safe("delete", vec![Edit::delete(Span::new(at, at + 1))]);
        let overlapping = Fix::safe("replace", vec![Edit::replace(Span::new(12, 14), "y")]);
        let got = apply(text, &[&comment, &comma, &overlapping]);
        assert_eq!(got.text, "{\"a\": 1, \"b\": 2}");
        assert_eq!(got.applied, vec![0, 1]);
    }

    /// Two renames in one `Condition` wait for each other: the second, checked again after
    /// the first, sees the key the first wrote.
    #[test]
    fn fixes_isolated_to_overlapping_parts_wait_for_the_next_round() {
        let text = r#"{"Condition": {"A": {}, "B": {}}, "X": 1}"#;
        let condition = Span::new(14, 32);
        let a = Fix::safe("a", vec![Edit::replace(Span::new(15, 18), "\"C\"")]).isolated(condition);
        let b = Fix::safe("b", vec![Edit::replace(Span::new(24, 27), "\"C\"")]).isolated(condition);
        let x = Fix::safe("x", vec![Edit::replace(Span::new(39, 40), "2")]).isolated(Span::new(39, 40));
        let got = apply(text, &[&a, &b, &x]);
        assert_eq!(got.applied, vec![0, 2]);
        assert_eq!(got.text, r#"{"Condition": {"C": {}, "B": {}}, "X": 2}"#);
    }

    #[test]
    fn two_insertions_at_one_point_do_not_both_apply() {
        let a = Fix::safe("a", vec![Edit::insert(1, "A")]);
        let b = Fix::safe("b", vec![Edit::insert(1, "B")]);
        assert_eq!(apply("{}", &[&a, &b]).text, "{A}");
    }

    #[test]
    fn edits_off_character_boundaries_are_refused() {
        let f = Fix::safe("x", vec![Edit::delete(Span::new(1, 2))]);
        assert_eq!(apply("é", &[&f]).applied, Vec::<usize>::new());
    }

    #[test]
    fn applicability_round_trips() {
        for a in [Applicability::Safe, Applicability::Unsafe, Applicability::DisplayOnly] {
            assert_eq!(Applicability::parse(a.as_str()), Some(a));
        }
        assert!(Applicability::Safe > Applicability::Unsafe && Applicability::Unsafe > Applicability::DisplayOnly);
    }
}
