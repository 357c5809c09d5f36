//! The setup pass: a folder's (or one input's) setup facts grouped into CMEK setups, the
//! cross-document rules run on them, and their findings added, through the sink, to the
//! reports they point at.

use super::FileReport;
use super::sink::Sink;
use crate::diagnostic::Resolved;
use crate::rules::Registry;
use crate::settings::Settings;

/// The setup pass over some reports (a folder's, or one input's): group their facts into
/// setups, run the cross-document rules when `cross`, add their findings to the reports of the
/// files they point at (primary location), and describe the setups when `describe`. Every
/// report's findings are final afterwards (its suppressions are finished).
pub fn setup_pass(
    reports: &mut [&mut FileReport],
    registry: &Registry,
    settings: &Settings,
    describe: bool,
    cross: bool,
) -> Vec<crate::setup::Described> {
    let sink = Sink::new(registry, settings);
    let mut described = Vec::new();
    if reports.iter().any(|r| !r.facts.is_empty()) {
        let setups = crate::setup::group(reports.iter().flat_map(|r| r.facts.iter()));
        if describe {
            described = crate::setup::describe(&setups, &settings.console);
        }
        let found: Vec<(String, Resolved)> =
            if cross { sink.cross(crate::rules::cross::check(&setups, registry, settings)) } else { Vec::new() };
        drop(setups);
        let mut per_report: Vec<Vec<Resolved>> = reports.iter().map(|_| Vec::new()).collect();
        {
            let by_path: std::collections::HashMap<&str, usize> =
                reports.iter().enumerate().map(|(i, r)| (r.path.as_str(), i)).collect();
            for (file, resolved) in found {
                if let Some(&i) = by_path.get(file.as_str()) {
                    per_report[i].push(resolved);
                }
            }
        }
        for (report, found) in reports.iter_mut().zip(per_report) {
            sink.settle_cross(report, found);
        }
    }
    for report in reports.iter_mut() {
        sink.close(report);
    }
    described
}

/// Whether a cross-document rule is enabled.
pub fn cross_enabled(registry: &Registry, settings: &Settings) -> bool {
    Sink::new(registry, settings).cross_enabled()
}
