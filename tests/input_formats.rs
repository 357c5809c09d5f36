//! Input formats beyond bare JSON policies: no panic and positions always inside the input,
//! whatever is cut off or garbled, and format detection by content when there is no telling
//! file name (standard input).

use cmek_lint::engine::{Input, check_input};
use cmek_lint::rules::Registry;
use cmek_lint::settings::Settings;
use std::path::Path;

const FIXTURE_DIRS: &[&str] =
    &["corpus/cli-exports", "corpus/cloudformation", "corpus/terraform", "corpus/terraform-plan"];

fn fixtures() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut dirs: Vec<std::path::PathBuf> = FIXTURE_DIRS.iter().map(|d| root.join(d)).collect();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                out.push((p.file_name().unwrap().to_string_lossy().into_owned(), text));
            }
        }
    }
    out.sort();
    assert!(out.len() >= 15, "fixtures missing: {}", out.len());
    out
}

/// Check `text` as `name`; assert no internal error and every span on a char boundary inside
/// the text.
fn check_sound(registry: &Registry, settings: &Settings, name: &str, text: &str) -> Vec<&'static str> {
    let report = check_input(Input::Text { name, text: text.to_string() }, registry, settings);
    assert!(report.errors.is_empty(), "{name}: {:?}\n--- input ---\n{text}", report.errors);
    for d in &report.diagnostics {
        let s = d.diagnostic.span;
        let spans = std::iter::once(s).chain(d.diagnostic.labels.iter().map(|l| l.span));
        for span in spans {
            assert!(span.start <= span.end, "{name}: {} reversed span {span:?}", d.diagnostic.code);
            assert!((span.end as usize) <= text.len(), "{name}: {} span {span:?} past the end", d.diagnostic.code);
            assert!(
                text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize),
                "{name}: {} span {span:?} inside a character",
                d.diagnostic.code
            );
        }
    }
    report.diagnostics.iter().map(|d| d.diagnostic.code).collect()
}

#[test]
fn truncated_and_garbled_inputs_never_panic_or_misplace_spans() {
    let registry = Registry::builtin();
    let settings = registry.default_settings();
    for (name, text) in fixtures() {
        check_sound(&registry, &settings, &name, &text);
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        let stride = (bounds.len() / 120).max(1);
        for (n, &cut) in bounds.iter().enumerate().step_by(stride) {
            check_sound(&registry, &settings, &name, &text[..cut]);
            // Replace one character with something that breaks every syntax in its own way.
            let garble = ["\"", "{", "}", "é", "\\", ":", "\n", "!", "$", "*"][n % 10];
            let end = bounds.get(n + 1).copied().unwrap_or(text.len());
            let garbled = format!("{}{}{}", &text[..cut], garble, &text[end..]);
            check_sound(&registry, &settings, &name, &garbled);
        }
    }
}

#[test]
fn standard_input_is_recognised_by_content() {
    let registry = Registry::builtin();
    let settings = registry.default_settings();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let yaml = std::fs::read_to_string(root.join("corpus/cloudformation/pinecone-cmek.yaml")).unwrap();
    assert!(check_sound(&registry, &settings, "<stdin>", &yaml).contains(&"CMK112"));
    let tf = std::fs::read_to_string(root.join("corpus/terraform/kms.tf")).unwrap();
    assert!(check_sound(&registry, &settings, "<stdin>", &tf).contains(&"CMK509"));
    let plan = std::fs::read_to_string(root.join("corpus/terraform-plan/plan.json")).unwrap();
    assert!(check_sound(&registry, &settings, "<stdin>", &plan).contains(&"CMK013"));
}

#[test]
fn intrinsics_and_interpolations_are_unknowns_not_mistakes() {
    let registry = Registry::builtin();
    let settings = registry.default_settings();
    let yaml = r#"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS:
                - !Sub arn:${AWS::Partition}:iam::${PineconeAccountId}:role/pinecone_cmek_access_us-east-1
                - !Join [":", [arn, !Ref "AWS::Partition", iam, "", !Ref PineconeAccountId, "role/x"]]
                - !If [UseEu, !Sub "arn:aws:iam::${PineconeAccountId}:role/pinecone_cmek_access_eu-west-1", !Ref "AWS::NoValue"]
                - Fn::ImportValue: PineconeRoleArn
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                sts:ExternalId: !Ref ExternalId
"#;
    let codes = check_sound(&registry, &settings, "template.yaml", yaml);
    assert!(!codes.iter().any(|c| matches!(*c, "CMK112" | "CMK115")), "{codes:?}");
    let tf = r#"
resource "aws_iam_role" "r" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = ["arn:aws:iam::${var.pinecone_account}:role/pinecone_cmek_access_us-east-1", local.extra_role, module.x.arn] }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = var.external_id } }
    }]
  })
}
"#;
    let codes = check_sound(&registry, &settings, "main.tf", tf);
    assert!(!codes.iter().any(|c| matches!(*c, "CMK112" | "CMK115")), "{codes:?}");
}
