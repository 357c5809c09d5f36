//! Property tests: parsing is faithful to the text, re-serialising a parsed policy and parsing it
//! again gives the same model, and every diagnostic span slices the original text.

use cmek_lint::engine::{Input, check_input};
use cmek_lint::json::{Node, Value, parse};
use cmek_lint::policy::{Policy, classify};
use cmek_lint::rules::Registry;
use cmek_lint::source::LineIndex;
use proptest::prelude::*;
use serde_json::{Value as J, json};
use std::sync::LazyLock;

static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::builtin);

fn one_or_many(s: impl Strategy<Value = String> + Clone) -> impl Strategy<Value = J> {
    prop_oneof![
        s.clone().prop_map(J::String),
        prop::collection::vec(s, 1..4).prop_map(|v| J::Array(v.into_iter().map(J::String).collect()))
    ]
}

fn arn() -> impl Strategy<Value = String> + Clone {
    ("(aws|aws-cn)", "[0-9]{12}|XXXXXXXXXXXX|\\*", "[a-z_]{1,8}(-[a-z0-9]{1,6})?")
        .prop_map(|(p, a, n)| format!("arn:{p}:iam::{a}:role/{n}"))
}

fn statement() -> impl Strategy<Value = J> {
    (
        prop::option::of("[A-Za-z0-9 _-]{0,12}"),
        prop_oneof![Just("Allow".to_string()), Just("Deny".to_string()), "[a-z]{1,6}"],
        prop::option::of(prop_oneof![
            Just(json!("*")),
            one_or_many(arn()).prop_map(|v| json!({"AWS": v})),
            Just(json!({"Service": "ec2.amazonaws.com"}))
        ]),
        one_or_many(prop_oneof![
            Just("sts:AssumeRole".to_string()),
            Just("kms:Decrypt".to_string()),
            "(kms|sts|s3):[A-Za-z*]{1,12}"
        ]),
        prop::option::of(one_or_many(prop_oneof![Just("*".to_string()), arn()])),
        prop::option::of((
            "(StringEquals|StringLike|ArnLike|StringEqualsIfExists|ForAllValues:StringLike|Bool)",
            "(sts:ExternalId|aws:PrincipalArn|kms:CallerAccount)",
            one_or_many("[ -~]{0,20}"),
        )),
    )
        .prop_map(|(sid, effect, principal, action, resource, cond)| {
            let mut m = serde_json::Map::new();
            if let Some(s) = sid {
                m.insert("Sid".into(), J::String(s));
            }
            m.insert("Effect".into(), J::String(effect));
            if let Some(p) = principal {
                m.insert("Principal".into(), p);
            }
            m.insert("Action".into(), action);
            if let Some(r) = resource {
                m.insert("Resource".into(), r);
            }
            if let Some((op, key, values)) = cond {
                m.insert("Condition".into(), json!({ op: { key: values } }));
            }
            J::Object(m)
        })
}

fn policy() -> impl Strategy<Value = J> {
    (
        prop::option::of(prop_oneof![Just("2012-10-17"), Just("2008-10-17"), Just("2020-01-01")]),
        prop::collection::vec(statement(), 0..4),
        any::<bool>(),
    )
        .prop_map(|(version, statements, single)| {
            let mut m = serde_json::Map::new();
            if let Some(v) = version {
                m.insert("Version".into(), J::String(v.into()));
            }
            let st = if single && statements.len() == 1 { statements[0].clone() } else { J::Array(statements) };
            m.insert("Statement".into(), st);
            J::Object(m)
        })
}

/// A comparable summary of the policy model.
fn model(root: &Node) -> String {
    let p = Policy::new(root);
    let mut out = format!("{:?} {:?} kind={:?}\n", p.version_str(), p.statements.len(), classify(&p));
    for s in &p.statements {
        out += &format!(
            "sid={:?} effect={:?} everyone={:?} actions={:?} conds={:?}\n",
            s.sid_str(),
            s.effect_str(),
            s.principal.as_ref().map(|p| p.is_everyone()),
            s.actions().map(|(a, _)| a).collect::<Vec<_>>(),
            s.conditions
                .iter()
                .map(|b| (b.operator.text, b.entries.iter().map(|e| (e.key, e.values.len())).collect::<Vec<_>>()))
                .collect::<Vec<_>>()
        );
    }
    out
}

fn assert_spans(text: &str, node: &Node) {
    let s = node.span;
    assert!(
        (s.end as usize) <= text.len()
            && text.is_char_boundary(s.start as usize)
            && text.is_char_boundary(s.end as usize)
    );
    match &node.value {
        Value::String(v) => {
            let decoded: String = serde_json::from_str(&text[s.range()]).expect("string span is a JSON string literal");
            assert_eq!(&decoded, &**v);
        }
        Value::Array(items) => items.iter().for_each(|n| assert_spans(text, n)),
        Value::Object(ms) => ms.iter().for_each(|m| {
            let key: String = serde_json::from_str(&text[m.key_span.range()]).unwrap();
            assert_eq!(key, &*m.key);
            assert_spans(text, &m.value);
        }),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parse_is_faithful_and_reserialising_keeps_the_model(value in policy(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&value).unwrap() } else { serde_json::to_string(&value).unwrap() };
        let parsed = parse(&text);
        prop_assert!(parsed.error.is_none() && parsed.lenience.is_empty());
        let root = parsed.root.unwrap();
        prop_assert_eq!(root.to_json(), value.clone());
        assert_spans(&text, &root);
        // re-serialise the parsed tree and parse again: same model
        let again_text = serde_json::to_string_pretty(&root.to_json()).unwrap();
        let again = parse(&again_text).root.unwrap();
        prop_assert_eq!(model(&root), model(&again));
    }

    #[test]
    fn diagnostic_spans_slice_the_original_text(value in policy(), junk in "[ -~\u{a0}\u{201c}\u{201d}\u{e9}]{0,3}", at in any::<prop::sample::Index>()) {
        // insert a little noise (comments, smart quotes, stray characters) somewhere
        let mut text = serde_json::to_string_pretty(&value).unwrap();
        let mut cut = at.index(text.len() + 1);
        while !text.is_char_boundary(cut) { cut -= 1; }
        text.insert_str(cut, &junk);
        let settings = REGISTRY.default_settings();
        let report = check_input(Input::Text { name: "p.json", text: text.clone() }, &REGISTRY, &settings);
        prop_assert!(report.errors.is_empty(), "{:?}", report.errors);
        let index = LineIndex::new(&text);
        for d in &report.diagnostics {
            let s = d.diagnostic.span;
            prop_assert!((s.end as usize) <= text.len() && text.is_char_boundary(s.start as usize) && text.is_char_boundary(s.end as usize));
            prop_assert_eq!(index.line_col(s.start as usize), d.start);
            for l in &d.diagnostic.labels {
                prop_assert!((l.span.end as usize) <= text.len());
            }
        }
    }
}
