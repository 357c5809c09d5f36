//! CloudFormation YAML and Terraform HCL extraction, directly and through the whole per-file
//! pipeline. The first byte picks the format: odd → YAML (`template.yaml`), even → Terraform
//! (`main.tf`); the seeds in `fuzz/seeds/extract/` start with `Y` and `H`. Asserts (see
//! `fuzz/checks.rs`): no panic, no internal error, every span (parse errors, every node and key
//! of the parsed and extracted documents mapped to file offsets, lenience, notes, diagnostics
//! and their labels) inside the input and on a char boundary, line/column consistent with the
//! offset.
#![no_main]

#[path = "../checks.rs"]
mod checks;

use cmek_lint::settings::Settings;
use cmek_lint::rules::Registry;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::builtin);
static SETTINGS: LazyLock<Settings> = LazyLock::new(|| REGISTRY.default_settings());

fuzz_target!(|data: &[u8]| checks::extract_ok(data, &REGISTRY, &SETTINGS));
