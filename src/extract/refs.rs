//! References a template resolves before its policies are checked: CloudFormation parameters
//! with a `Default` and pseudo parameters, Terraform variables with a `default` and locals.
//!
//! A reference resolves only to what the file (or its module) says: the value written, with
//! where it was written ([`Known`]), so every use can say where its value came from
//! ([`Provenance`]). What cannot be known stays `${...}`, which rules and the evaluator treat as
//! unknown. References to resources of the same template or module (`${Role.Arn}`,
//! `${aws_iam_role.x.arn}`) and the customer's own account (`${AWS::AccountId}`,
//! `${data.aws_caller_identity.current.account_id}`) also stay `${...}`: they are known only
//! relative to a setup, and [`super::bind`] gives them the setup's values when one is evaluated.

use crate::source::Span;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// A value a reference resolves to.
#[derive(Clone, Debug, PartialEq)]
pub struct Known {
    pub value: String,
    /// Where it comes from, for messages: "the default of parameter `X`".
    pub from: String,
    /// Where that value is written (file offsets), when in the same file.
    pub at: Option<Span>,
    /// The file it is written in, when another one (a `variables.tf` of the module).
    pub file: Option<String>,
}

/// A use of a resolved reference: the reference site (file offsets), and where its value came
/// from.
#[derive(Clone, Debug, PartialEq)]
pub struct Provenance {
    pub span: Span,
    pub from: String,
    pub at: Option<Span>,
    pub file: Option<String>,
}

/// The references of one file, and the uses made of them.
#[derive(Debug, Default)]
pub struct Refs {
    known: BTreeMap<String, Known>,
    used: RefCell<Vec<Provenance>>,
    /// Names left unknown whose uses are of interest (a placeholder default).
    watched: BTreeSet<String>,
    /// Watched names used, with their first use.
    hits: RefCell<BTreeMap<String, Span>>,
}

impl Refs {
    pub fn insert(&mut self, name: impl Into<String>, known: Known) {
        self.known.insert(name.into(), known);
    }

    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }

    /// Note the uses of `name`, which stays unknown (see [`Refs::was_used`]).
    pub fn watch(&mut self, name: impl Into<String>) {
        self.watched.insert(name.into());
    }

    /// Whether a watched name was referred to.
    pub fn was_used(&self, name: &str) -> bool {
        self.first_use(name).is_some()
    }

    /// Where a watched name was first referred to.
    pub fn first_use(&self, name: &str) -> Option<Span> {
        self.hits.borrow().get(name).copied()
    }

    /// What `name` resolves to, noting its use at `site`.
    pub fn resolve(&self, name: &str, site: Span) -> Option<&str> {
        let name = name.trim();
        if self.watched.contains(name) {
            self.hits.borrow_mut().entry(name.to_string()).or_insert(site);
        }
        let k = self.known.get(name)?;
        self.used.borrow_mut().push(Provenance { span: site, from: k.from.clone(), at: k.at, file: k.file.clone() });
        Some(&k.value)
    }

    /// Replace every `${name}` of `text` that resolves (a use at `site` each); the others stay.
    pub fn substitute(&self, text: &str, site: Span) -> String {
        self.substitute_except(text, site, &[])
    }

    /// [`Refs::substitute`], leaving the names of `except` (shadowed, e.g. by `Fn::Sub`'s own
    /// variables) alone.
    pub fn substitute_except(&self, text: &str, site: Span, except: &[&str]) -> String {
        if (self.known.is_empty() && self.watched.is_empty()) || !text.contains("${") {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            match after.find('}') {
                Some(j) if !after[..j].contains("${") => {
                    let name = after[..j].trim();
                    match Some(name).filter(|n| !except.contains(n)).and_then(|n| self.resolve(n, site)) {
                        Some(v) => out.push_str(v),
                        None => out.push_str(&rest[i..i + 2 + j + 1]),
                    }
                    rest = &after[j + 1..];
                }
                _ => {
                    out.push_str("${");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// The uses noted so far, in order.
    pub fn take_uses(&self) -> Vec<Provenance> {
        std::mem::take(&mut *self.used.borrow_mut())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutes_known_names_and_notes_their_uses() {
        let mut refs = Refs::default();
        let known =
            Known { value: "905418236187".into(), from: "the default of parameter `A`".into(), at: None, file: None };
        refs.insert("A", known);
        let site = Span::new(3, 9);
        assert_eq!(
            refs.substitute("arn:aws:iam::${A}:role/${B}/${ A }", site),
            "arn:aws:iam::905418236187:role/${B}/905418236187"
        );
        let uses = refs.take_uses();
        assert_eq!(uses.len(), 2);
        assert_eq!(uses[0].span, site);
        assert_eq!(uses[0].from, "the default of parameter `A`");
        assert!(refs.take_uses().is_empty());
        assert_eq!(refs.substitute("${unclosed", site), "${unclosed");
    }
}
