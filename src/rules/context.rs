//! What a check sees ([`RuleContext`]) and how it reports ([`Reporter`]).

use super::permissions::relevance::Relevance;
use super::trust::model::Pinecone;
use crate::diagnostic::{Label, Severity};
use crate::fix::Fix;
use crate::json::{Lenience, Node, ParseError};
use crate::policy::{Policy, PolicyKind};
use crate::scenarios::{Builder, Scenario, TRUST_NAMES};
use crate::settings::Settings;
use crate::source::Span;
use std::borrow::Cow;
use std::sync::OnceLock;

/// The context of one check: one parsed text (file scope) or one policy document (policy scope).
#[derive(Clone, Copy)]
pub struct RuleContext<'a> {
    /// The text spans refer to.
    pub text: &'a str,
    /// Its syntax: what fixes' edits are written in (see `super::fixes`).
    pub syntax: crate::fix::Syntax,
    /// Lenient-parse findings of the text (file scope).
    pub lenience: &'a [Lenience],
    /// The parse error, if the text is not JSON (file scope).
    pub error: Option<&'a ParseError>,
    /// The policy document (policy scope; `None` in file scope).
    pub root: Option<&'a Node>,
    pub policy: Option<&'a Policy<'a>>,
    pub kind: PolicyKind,
    /// Whether the kind was given by context (CloudFormation property, `--kind`, config)
    /// rather than guessed from the content.
    pub kind_forced: bool,
    pub settings: &'a Settings,
    /// Per-policy analyses shared by the rules that need them, made on first use: see
    /// [`RuleContext::trust_model`] and [`RuleContext::relevance`]. Shared by the threads a
    /// large policy's rules run on (the first to ask builds, the other waits for it).
    pub cache: &'a Cache<'a>,
}

/// Analyses of one policy computed once and shared by the rules of a dispatch, on one thread
/// or two (construct with `Cache::default()`).
#[derive(Default)]
pub struct Cache<'a> {
    trust: OnceLock<Pinecone<'a>>,
    trust_builder: OnceLock<Builder<'a>>,
    /// By index in [`TRUST_NAMES`]: each built when a rule first asks for it.
    trust_scenario: [OnceLock<Option<Scenario>>; TRUST_NAMES.len()],
    relevance: OnceLock<Option<Relevance<'a>>>,
    names_mfa: OnceLock<bool>,
}

impl<'a> RuleContext<'a> {
    /// The policy of a policy-scope check. The engine runs policy-scope checks only with a
    /// policy, so this never fails there.
    pub fn policy(&self) -> &'a Policy<'a> {
        self.policy.expect("policy-scope check run without a policy")
    }

    /// The Pinecone view of the trust policy (see [`Pinecone`]), built once per policy.
    pub(crate) fn trust_model(&self) -> &Pinecone<'a> {
        self.cache.trust.get_or_init(|| Pinecone::new(self.policy(), self.settings))
    }

    /// The trust scenario `name` (one of [`TRUST_NAMES`]) for this trust policy (inputs: see
    /// [`trust_scenarios`](super::trust::pinecone_assume_blocked::trust_scenarios)), built once
    /// per policy when a rule that evaluates it first asks (CMK215, CMK216, CMK207, …): the
    /// scenarios no rule runs on this policy are never built.
    pub(crate) fn trust_scenario(&self, name: &str) -> Option<&Scenario> {
        let i = TRUST_NAMES.iter().position(|n| *n == name).expect("a trust scenario's name");
        let cell = &self.cache.trust_scenario[i];
        if let Some(built) = cell.get() {
            return built.as_ref();
        }
        // One cell at a time (no initialisation inside another's): the model, the inputs, the
        // scenario.
        let model = self.trust_model();
        let builder = self
            .cache
            .trust_builder
            .get_or_init(|| super::trust::pinecone_assume_blocked::trust_scenarios(self, model));
        cell.get_or_init(|| builder.scenario(name)).as_ref()
    }

    /// Whether the policy names `aws:MultiFactorAuthPresent` (see
    /// [`names_mfa`](super::evaluated::names_mfa)), decided once per policy.
    pub(crate) fn names_mfa(&self) -> bool {
        *self.cache.names_mfa.get_or_init(|| super::evaluated::names_mfa(self.policy()))
    }

    /// Whether the identity policy is the CMEK role's permissions policy (see
    /// [`compute`](super::permissions::relevance::compute)), decided once per policy.
    pub(crate) fn relevance(&self) -> Option<Relevance<'a>> {
        *self.cache.relevance.get_or_init(|| super::permissions::relevance::compute(self.policy(), self.settings))
    }
}

/// One finding as a check reports it; the engine adds the rule's code, name and severity.
#[derive(Debug, Clone)]
pub struct Finding {
    pub span: Span,
    pub message: String,
    /// Mostly a rule's fixed text: borrowed, not copied into every finding.
    pub help: Option<Cow<'static, str>>,
    pub labels: Vec<Label>,
    /// Overrides the rule's default severity for this finding (e.g. a missing external ID is a
    /// warning, but an error when the principal is `*`).
    pub severity: Option<Severity>,
    /// How to fix it, with edits in the coordinates of the checked text (see [`crate::fix`]).
    pub fix: Option<Fix>,
}

impl Finding {
    pub fn help(&mut self, help: impl Into<Cow<'static, str>>) -> &mut Self {
        self.help = Some(help.into());
        self
    }
    pub fn label(&mut self, span: Span, message: impl Into<Cow<'static, str>>) -> &mut Self {
        self.labels.push(Label { span, message: message.into(), file: None });
        self
    }
    pub fn severity(&mut self, severity: Severity) -> &mut Self {
        self.severity = Some(severity);
        self
    }
    pub fn fix(&mut self, fix: Fix) -> &mut Self {
        self.fix = Some(fix);
        self
    }
}

/// Collects the findings of one rule.
#[derive(Default)]
pub struct Reporter {
    pub(crate) findings: Vec<Finding>,
}

impl Reporter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Report a finding at `span`; chain `.help(...)`, `.label(...)` on the result.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> &mut Finding {
        self.findings.push(Finding {
            span,
            message: message.into(),
            help: None,
            labels: Vec::new(),
            severity: None,
            fix: None,
        });
        self.findings.last_mut().expect("just pushed")
    }

    pub fn take(&mut self) -> Vec<Finding> {
        std::mem::take(&mut self.findings)
    }
}
