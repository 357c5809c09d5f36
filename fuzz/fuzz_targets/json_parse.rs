//! The lenient JSON parser on arbitrary text: never panics; every span it produces lies inside
//! the input on char boundaries; a successful parse of strict JSON agrees with serde_json.
#![no_main]

use cmek_lint::json::{Node, Value, parse};
use libfuzzer_sys::fuzz_target;

fn check_spans(text: &str, node: &Node) {
    let ok = |s: cmek_lint::source::Span| {
        assert!(s.start <= s.end && (s.end as usize) <= text.len(), "span {s:?} outside input");
        assert!(text.is_char_boundary(s.start as usize) && text.is_char_boundary(s.end as usize), "span {s:?} not on char boundary");
    };
    ok(node.span);
    match &node.value {
        Value::Array(items) => items.iter().for_each(|n| check_spans(text, n)),
        Value::Object(members) => {
            for m in members {
                ok(m.key_span);
                check_spans(text, &m.value);
            }
        }
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = parse(text);
    for l in &parsed.lenience {
        assert!((l.span.end as usize) <= text.len() && text.is_char_boundary(l.span.start as usize));
    }
    if let Some(e) = &parsed.error {
        assert!((e.span.end as usize) <= text.len() && text.is_char_boundary(e.span.start as usize));
    }
    if let Some(root) = &parsed.root {
        check_spans(text, root);
        if parsed.lenience.is_empty() {
            if let Ok(strict) = serde_json::from_str::<serde_json::Value>(text) {
                // duplicate keys: serde_json keeps the last, so does Node::to_json
                assert_eq!(strict, root.to_json(), "strict JSON must parse to the same value");
            }
        }
    }
});
