//! The whole pipeline on one input: read → extract → parse → rules → diagnostics. The first byte
//! picks the file name (and so the input format). Asserts (see `fuzz/checks.rs`): no panic, no
//! internal error, every diagnostic and same-file label span inside the input and on a char
//! boundary, line/column consistent with the offset.
#![no_main]

#[path = "../checks.rs"]
mod checks;

use cmek_lint::settings::Settings;
use cmek_lint::rules::Registry;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::builtin);
static SETTINGS: LazyLock<Settings> = LazyLock::new(|| REGISTRY.default_settings());

fuzz_target!(|data: &[u8]| checks::pipeline_input_ok(data, &REGISTRY, &SETTINGS));
