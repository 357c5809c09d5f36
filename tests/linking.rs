//! How the binary is linked (`.cargo/config.toml`, `build.rs`): on x86_64 Linux with glibc a
//! build from this checkout is a static, position-dependent executable, so a pre-commit call
//! pays no dynamic loader; and such a binary behaves alike with no environment at all (no
//! `HOME`, no `PATH`: std's home-folder lookup is the one NSS call it could make).

use std::process::Command;

/// ELF facts of the binary: its type (`ET_EXEC` 2, `ET_DYN` 3) and its program header types.
#[cfg(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu"))]
fn elf(path: &str) -> (u16, Vec<u32>) {
    let b = std::fs::read(path).unwrap();
    assert_eq!(&b[..4], b"\x7fELF", "{path} is not an ELF file");
    assert_eq!(b[4], 2, "{path} is not a 64-bit ELF file");
    let u16_at = |o: usize| u16::from_le_bytes([b[o], b[o + 1]]);
    let e_type = u16_at(16);
    let phoff = u64::from_le_bytes(b[32..40].try_into().unwrap()) as usize;
    let (size, count) = (u16_at(54) as usize, u16_at(56) as usize);
    let types = (0..count)
        .map(|i| {
            let o = phoff + i * size;
            u32::from_le_bytes(b[o..o + 4].try_into().unwrap())
        })
        .collect();
    (e_type, types)
}

#[test]
#[cfg(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu"))]
fn the_binary_is_static_and_position_dependent() {
    if !cfg!(target_feature = "crt-static") {
        // RUSTFLAGS in the environment replaces the config's flags (coverage tools, cargo-fuzz).
        assert!(std::env::var_os("CI").is_none(), "CI builds must use .cargo/config.toml's link flags");
        eprintln!("skipped: built without .cargo/config.toml's rustflags (RUSTFLAGS set?)");
        return;
    }
    let (e_type, headers) = elf(env!("CARGO_BIN_EXE_cmek-lint"));
    assert_eq!(e_type, 2, "not a position-dependent executable (ET_EXEC)");
    assert!(!headers.contains(&3), "has a PT_INTERP header: it needs the dynamic loader");
    assert!(!headers.contains(&2), "has a PT_DYNAMIC header: it is dynamically linked");
}

#[test]
fn a_run_with_no_environment_reports_as_a_run_with_one() {
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/seed");
    let run = |clear: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_cmek-lint"));
        if clear {
            c.env_clear();
        } else {
            c.env("HOME", env!("CARGO_MANIFEST_DIR")).env_remove("NO_COLOR");
        }
        let out = c.args(["check", "--isolated", "--color", "never", "--format", "json", seed]).output().unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    let (code, bare) = run(true);
    assert_eq!(code, Some(1), "the seed's findings fail the run");
    assert!(bare.contains("\"CMK002\""), "{bare}");
    let timeless = |s: &str| s.lines().filter(|l| !l.contains("\"elapsed_ms\"")).collect::<Vec<_>>().join("\n");
    let (code2, with_env) = run(false);
    assert_eq!(code2, code);
    assert_eq!(timeless(&bare), timeless(&with_env));
}
