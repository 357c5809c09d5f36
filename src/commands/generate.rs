//! `cmek-lint generate`: settings from the config file and the flags, validated with the
//! config's checks; the documents from `crate::generate`; then printed (with file headers) or
//! written into `--out DIR` (atomically, never over an existing file unless `--force`), and
//! the values to enter in the Pinecone console.

use super::{ExitStatus, ToolError, write_stdout};
use crate::cli::GenerateArgs;
use crate::config::{self, Invalid};
use crate::generate::{self, File, Options};
use crate::rules::Registry;
use std::io::Read;
use std::path::Path;

fn usage(invalid: Invalid) -> ToolError {
    ToolError::usage(invalid.message, invalid.help)
}

/// A value still holding a documentation placeholder or a deploy-time expression: fine for
/// `check` (it reports them), never for a generated policy.
fn refuse_placeholder(what: &str, value: &str) -> Result<(), ToolError> {
    let v = value.trim();
    if crate::data::placeholders::find_placeholder(v).is_some() || crate::data::placeholders::has_expression(v) {
        return Err(ToolError::usage(
            format!("{what} `{value}` is a placeholder, not a real value"),
            Some("put the real value in cmek-lint.toml or on the command line".into()),
        ));
    }
    Ok(())
}

/// 16 bytes from the operating system's random source (`/dev/urandom`), for the external id.
fn os_random() -> Result<[u8; 16], String> {
    let mut b = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .map_err(|e| format!("reading /dev/urandom: {e}; pass --external-id (a UUID v4, e.g. from `uuidgen`)"))?;
    Ok(b)
}

pub(super) fn run(args: GenerateArgs) -> Result<ExitStatus, ToolError> {
    let config = config::load_config(args.config.as_deref(), args.isolated)?;
    let registry = match &config {
        Some(c) => super::registry_for(&[], Some(c))?,
        None => Registry::builtin(),
    };
    let mut settings = registry.default_settings();
    if let Some(c) = &config {
        config::apply_parsed(&c.path, &c.text, &c.file, &registry, &mut settings)?;
    }
    if let Some(acct) = &args.pinecone_account {
        config::check_account_id("--pinecone-account", acct).map_err(usage)?;
        settings.pinecone_account = Some(acct.clone());
    }
    let mut regions_configured = config.as_ref().is_some_and(|c| c.file.pinecone.regions.is_some());
    if !args.regions.is_empty() {
        for r in &args.regions {
            config::check_region(&format!("--regions `{r}`"), r).map_err(usage)?;
        }
        settings.regions = args.regions.clone();
        regions_configured = true;
    }
    super::check::check_console_args(&args.console)?;
    args.console.apply(&mut settings.console);
    if let Some(a) = &settings.pinecone_account {
        refuse_placeholder("Pinecone's account", a)?;
    }
    let c = &settings.console;
    for (what, value) in
        [("the role ARN", &c.role_arn), ("the key ARN", &c.key_arn), ("the external id", &c.external_id)]
    {
        if let Some(v) = value {
            refuse_placeholder(what, v)?;
        }
    }
    if let Some(n) = &args.role_name {
        refuse_placeholder("--role-name", n)?;
    }

    let options = Options {
        all_regions: args.all_regions,
        no_external_id: args.no_external_id,
        role_name: args.role_name.clone(),
        regions_configured,
    };
    let plan =
        generate::plan(args.target, &settings, &options, os_random).map_err(|r| ToolError::usage(r.message, r.help))?;
    let files = generate::files(&plan);

    match &args.out {
        None => {
            let mut out = String::new();
            for f in &files {
                out.push_str(&format!("==> {} <==\n{}\n", f.name, f.text));
            }
            out.push_str(&generate::instructions(&plan, None));
            write_stdout(&out)?;
        }
        Some(dir) => {
            write_files(dir, &files, args.force)?;
            let mut out = String::new();
            for f in &files {
                out.push_str(&format!("Wrote {}\n", dir.join(&f.name).display()));
            }
            out.push('\n');
            out.push_str(&generate::instructions(&plan, Some(&dir.display().to_string())));
            write_stdout(&out)?;
        }
    }
    Ok(ExitStatus::Success)
}

/// Write every file into `dir`, each through a temporary file renamed into place. Nothing is
/// written when one of them exists already (unless `force`).
fn write_files(dir: &Path, files: &[File], force: bool) -> Result<(), ToolError> {
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    if !force {
        let existing: Vec<String> =
            files.iter().map(|f| dir.join(&f.name)).filter(|p| p.exists()).map(|p| p.display().to_string()).collect();
        if !existing.is_empty() {
            return Err(ToolError::usage(
                format!("not overwriting {}", existing.join(", ")),
                Some("pass --force to replace them, or choose another --out folder".into()),
            ));
        }
    }
    for f in files {
        let target = dir.join(&f.name);
        let tmp = dir.join(format!(".{}.{}.tmp", f.name, std::process::id()));
        let written = (|| {
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
            file.write_all(f.text.as_bytes())?;
            file.sync_all()?;
            if !force && target.exists() {
                return Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "created meanwhile"));
            }
            std::fs::rename(&tmp, &target)
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(format!("writing {}: {e}", target.display()).into());
        }
    }
    Ok(())
}
