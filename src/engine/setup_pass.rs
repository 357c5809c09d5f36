//! The setup pass: a folder's (or one input's) setup facts grouped into CMEK setups, the
//! cross-document rules run on them, and their findings added to the reports they point at.

use super::FileReport;
use crate::diagnostic::Resolved;
use crate::rules::{Registry, Scope};
use crate::settings::Settings;

/// The setup pass over some reports (a folder's, or one input's): group their facts into
/// setups, run the cross-document rules when `cross`, add their findings to the reports of the
/// files they point at (primary location), and describe the setups when `describe`.
pub fn setup_pass(
    reports: &mut [&mut FileReport],
    registry: &Registry,
    settings: &Settings,
    describe: bool,
    cross: bool,
) -> Vec<crate::setup::Described> {
    if reports.iter().all(|r| r.facts.is_empty()) {
        return Vec::new();
    }
    let setups = crate::setup::group(reports.iter().flat_map(|r| r.facts.iter()));
    let described = if describe { crate::setup::describe(&setups, &settings.console) } else { Vec::new() };
    let found: Vec<(String, Resolved)> =
        if cross { crate::rules::cross::check(&setups, registry, settings) } else { Vec::new() };
    drop(setups);
    let targets: Vec<Option<usize>> = {
        let by_path: std::collections::HashMap<&str, usize> =
            reports.iter().enumerate().map(|(i, r)| (r.path.as_str(), i)).collect();
        found.iter().map(|(file, _)| by_path.get(file.as_str()).copied()).collect()
    };
    let mut touched = Vec::new();
    for (target, (_, resolved)) in targets.into_iter().zip(found) {
        if let Some(i) = target {
            reports[i].diagnostics.push(resolved);
            touched.push(i);
        }
    }
    touched.sort_unstable();
    touched.dedup();
    for i in touched {
        reports[i].diagnostics.sort_by(|a, b| {
            (a.start.line, a.start.column, a.diagnostic.code).cmp(&(b.start.line, b.start.column, b.diagnostic.code))
        });
    }
    described
}

/// Whether a cross-document rule is enabled.
pub fn cross_enabled(registry: &Registry, settings: &Settings) -> bool {
    registry.rules.iter().enumerate().any(|(i, r)| r.record.scope == Scope::Setup && settings.enabled[i])
}
