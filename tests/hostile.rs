//! Hostile trees: symlink loops, FIFOs, huge and deeply nested files, non-UTF-8 names and
//! content, many tiny files. The run finishes with bounded memory, clear diagnostics, and exit
//! code 2 only where I/O truly failed.

use std::path::Path;
use std::process::{Command, Output};

const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94"}}}]}"#;

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cmek-lint"))
        .current_dir(dir)
        .args(["--isolated", "--format", "concise"])
        .args(args)
        .output()
        .unwrap()
}

/// Peak RSS in MB of a run (`--isolated --format concise`), with its output, when GNU time
/// is available.
fn peak_rss_mb(dir: &Path, args: &[&str]) -> Option<(f64, Output)> {
    if !Path::new("/usr/bin/time").exists() {
        return None;
    }
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_cmek-lint"))
        .args(["--isolated", "--format", "concise"])
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err.lines().find(|l| l.contains("Maximum resident set size"))?;
    Some((line.rsplit(':').next()?.trim().parse::<f64>().ok()? / 1024.0, out))
}

#[cfg(unix)]
#[test]
fn symlink_loops_fifos_and_odd_names_do_not_hang_or_crash() {
    use std::os::unix::ffi::OsStrExt;
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    std::fs::write(root.join("a/b/policy.json"), POLICY).unwrap();
    std::os::unix::fs::symlink(root.join("a"), root.join("a/b/loop")).unwrap();
    std::os::unix::fs::symlink(root.join("missing"), root.join("a/dangling.json")).unwrap();
    let fifo = root.join("a/pipe.json");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let odd = std::ffi::OsStr::from_bytes(b"odd-\xff\xfe-name.json");
    std::fs::write(root.join("a").join(odd), b"{\"Statement\": [\xff]}").unwrap();

    // without --follow-symlinks: the loop is not followed
    let o = run(root, &["a"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("odd-") && out.contains("CMK001"), "{out}");
    assert!(!out.contains("pipe.json"), "a FIFO found by walking is not read: {out}");
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));

    // a FIFO named explicitly is refused, not read (reading would block forever)
    let o = run(root, &["a/pipe.json", "a/b/policy.json"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("a/pipe.json: not a regular file"), "{err}");
    assert_eq!(o.status.code(), Some(2));

    // with --follow-symlinks: the loop is detected and reported, the run still finishes
    let o = run(root, &["a", "--follow-symlinks"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.code() == Some(2) && (err.contains("loop") || err.contains("missing")), "{err}");
}

#[test]
fn huge_and_deeply_nested_files_are_bounded() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    // 200 MB file: skipped by size without being read
    let f = std::fs::File::create(root.join("huge.json")).unwrap();
    f.set_len(200 * 1024 * 1024).unwrap();
    std::fs::write(root.join("deep.json"), format!("{{\"Statement\": {}", "[".repeat(1_000_000))).unwrap();
    let o = run(root, &["huge.json", "deep.json"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("huge.json:1:1: error[CMK008]") && out.contains("200.0 MB"), "{out}");
    assert!(out.contains("deep.json:1:") && out.contains("nesting deeper than 128"), "{out}");
    assert_eq!(o.status.code(), Some(1));
    if let Some((mb, _)) = peak_rss_mb(root, &["huge.json", "deep.json"]) {
        assert!(mb < 60.0, "peak RSS {mb} MB");
    }
}

/// 10,000 and 100,000 tiny files, half of them Pinecone trust policies (each one gives setup
/// facts): both runs finish and report the right counts, and the peak memory of the larger run
/// is not ten times the smaller one's, nor a tenth more: the walk is streamed and a folder's
/// facts are dropped once its setup pass is done, so memory does not grow with the number of
/// files. (About half a minute in a debug build.)
#[test]
fn many_tiny_files_finish_with_memory_that_does_not_grow() {
    // In memory when the machine has a tmpfs: creating 100,000 files on disk can take minutes.
    let shm = Path::new("/dev/shm");
    let t = if shm.is_dir() { tempfile::tempdir_in(shm).or_else(|_| tempfile::tempdir()) } else { tempfile::tempdir() };
    let t = t.unwrap();
    let root = t.path();
    for d in 0..100 {
        let dir = root.join(format!("d{d}"));
        std::fs::create_dir(&dir).unwrap();
        for i in 0..1000 {
            let text = if i % 2 == 0 { POLICY } else { "{}" };
            std::fs::write(dir.join(format!("p{i}.json")), text).unwrap();
        }
    }
    let ten: Vec<String> = (0..10).map(|d| format!("d{d}")).collect();
    let small = check_tiny_files(root, &ten.iter().map(String::as_str).collect::<Vec<_>>(), 10);
    let large = check_tiny_files(root, &["."], 100);
    eprintln!("peak RSS: {small:?} MB for 10,000 files, {large:?} MB for 100,000");
    if let (Some(small), Some(large)) = (small, large) {
        assert!(large < 50.0, "peak RSS {large} MB for 100,000 files");
        assert!(large < small * 1.1 + 1.0, "peak RSS {small} MB for 10,000 files but {large} MB for 100,000");
    }
}

/// Check `dirs` folders of 1,000 tiny files; the peak RSS in MB when GNU time is available.
fn check_tiny_files(root: &Path, args: &[&str], dirs: usize) -> Option<f64> {
    let half = dirs * 500;
    let summary = format!("Checked {half} files ({half} policies) in");
    let skipped = format!("{half} without policies skipped: no problems found");
    let (mb, o) = match peak_rss_mb(root, args) {
        Some((mb, o)) => (Some(mb), o),
        None => (None, run(root, args)),
    };
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success() && err.contains(&summary) && err.contains(&skipped), "{err}");
    mb
}

#[test]
fn writes_nothing_without_output() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    std::fs::write(root.join("p.json"), POLICY).unwrap();
    let before: Vec<_> = walk(root);
    let tmp_before = std::fs::read_dir(std::env::temp_dir()).map(|d| d.count()).unwrap_or(0);
    let o = run(root, &["p.json"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(walk(root), before, "cmek-lint wrote into the working tree");
    let tmp_after = std::fs::read_dir(std::env::temp_dir()).map(|d| d.count()).unwrap_or(0);
    assert!(tmp_after <= tmp_before + 2, "temp dir grew from {tmp_before} to {tmp_after}"); // other tests run in parallel
}

/// A working tree with findings in JSON, CloudFormation YAML and Terraform (including a file
/// Terraform refers to with `file()`), a clean policy, a file without policy, a config file and
/// a `.gitignore`d folder.
#[cfg(unix)]
fn mixed_tree(root: &Path) {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for (from, to) in [
        ("trust/bad-action-sts-star.json", "iam/trust.json"),
        ("trust/guide-a-explicit-regions-external-id.json", "iam/clean.json"),
        ("setups/bad-CMK601-cloudformation/pinecone-cmek.yaml", "cfn/pinecone-cmek.yaml"),
        ("setups/bad-CMK602-terraform/main.tf", "tf/main.tf"),
        ("terraform/kms.tf", "tf2/kms.tf"),
        ("terraform/policies/key-policy-eu.json", "tf2/policies/key-policy-eu.json"),
    ] {
        let to = root.join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(corpus.join(from), &to).unwrap();
    }
    std::fs::write(root.join("package.json"), r#"{"name": "not-a-policy"}"#).unwrap();
    std::fs::create_dir_all(root.join("ignored")).unwrap();
    std::fs::copy(corpus.join("trust/bad-action-sts-star.json"), root.join("ignored/p.json")).unwrap();
    std::fs::write(root.join(".gitignore"), "ignored/\n").unwrap();
    std::fs::write(root.join("cmek-lint.toml"), "[pinecone]\nregions = [\"us-east-1\", \"eu-west-1\"]\n").unwrap();
}

/// Every entry under `dir` (directories too: their mtime changes when a file is created or
/// deleted in them) with its size, mtime and permissions.
#[cfg(unix)]
fn snapshot(dir: &Path) -> Vec<(std::path::PathBuf, u64, std::time::SystemTime, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let m = std::fs::symlink_metadata(&d).unwrap();
        out.push((d.clone(), m.len(), m.modified().unwrap(), m.permissions().mode()));
        if m.is_dir() {
            todo.extend(std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().path()));
        }
    }
    out.sort();
    out
}

/// `chmod -R a-w` (or back to `u+w` with `writable`).
#[cfg(unix)]
fn set_writable(dir: &Path, writable: bool) {
    use std::os::unix::fs::PermissionsExt;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            set_writable(&p, writable);
        }
        set_mode(&p, writable);
    }
    set_mode(dir, writable);
    fn set_mode(p: &Path, writable: bool) {
        let mut perm = std::fs::metadata(p).unwrap().permissions();
        let mode = perm.mode();
        perm.set_mode(if writable { mode | 0o200 } else { mode & !0o222 });
        std::fs::set_permissions(p, perm).unwrap();
    }
}

/// Fresh, empty TMPDIR, HOME, XDG_CACHE_HOME and XDG_CONFIG_HOME for one run.
#[cfg(unix)]
struct Sandbox {
    _dir: tempfile::TempDir,
    dirs: Vec<(&'static str, std::path::PathBuf)>,
}

#[cfg(unix)]
impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let dirs = ["TMPDIR", "HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"]
            .into_iter()
            .map(|var| {
                let p = dir.path().join(var.to_ascii_lowercase());
                std::fs::create_dir(&p).unwrap();
                (var, p)
            })
            .collect();
        Sandbox { _dir: dir, dirs }
    }

    /// cmek-lint (its config discovery included: no `--isolated`) in `cwd`.
    fn run(&self, cwd: &Path, args: &[&str]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_cmek-lint"));
        c.current_dir(cwd).args(args).env_remove("XDG_DATA_HOME").env_remove("XDG_STATE_HOME");
        for (var, p) in &self.dirs {
            c.env(var, p);
        }
        c.output().unwrap()
    }

    fn assert_empty(&self) {
        for (var, p) in &self.dirs {
            let left: Vec<_> = std::fs::read_dir(p).unwrap().map(|e| e.unwrap().path()).collect();
            assert!(left.is_empty(), "cmek-lint wrote into {var}: {left:?}");
        }
    }
}

/// A pre-commit run on a read-only working tree: findings in every format are reported, and
/// nothing is written anywhere: not in the tree (every file and folder keeps its size, mtime
/// and mode; compared directly, since `chmod` does not stop root, as in CI), not in TMPDIR,
/// HOME or the XDG cache and config folders.
#[cfg(unix)]
#[test]
fn read_only_tree_no_side_effects() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("repo");
    std::fs::create_dir(&root).unwrap();
    mixed_tree(&root);
    set_writable(&root, false);
    let before = snapshot(&root);
    let sandbox = Sandbox::new();
    for args in
        [&["--format", "concise", "."][..], &["--format", "json", "--jobs", "1", "."], &["-q", "iam/trust.json"]]
    {
        let o = sandbox.run(&root, args);
        let out = String::from_utf8_lossy(&o.stdout);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {out}{err}");
        assert!(!err.contains("error:"), "{args:?}: {err}");
        if args.contains(&".") {
            for file in ["trust.json", "pinecone-cmek.yaml", "main.tf"] {
                assert!(out.contains(file), "{args:?}: no finding in {file}: {out}");
            }
            assert!(!out.contains("ignored/p.json"), "{out}");
        }
        assert_eq!(snapshot(&root), before, "{args:?}: the working tree changed");
        sandbox.assert_empty();
    }
    set_writable(&root, true);
}

/// With `--output FILE`, that file is written and nothing else.
#[cfg(unix)]
#[test]
fn output_writes_exactly_that_file() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("repo");
    std::fs::create_dir(&root).unwrap();
    mixed_tree(&root);
    set_writable(&root, false);
    let before = snapshot(&root);
    let sandbox = Sandbox::new();
    for name in ["report.json", "report.sarif", "report.xml", "report.html", "report.txt"] {
        let out_dir = tempfile::tempdir().unwrap();
        let file = out_dir.path().join(name);
        let o = sandbox.run(&root, &["--output", file.to_str().unwrap(), "."]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", String::from_utf8_lossy(&o.stderr));
        let written: Vec<_> = std::fs::read_dir(out_dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(written, vec![file.clone()], "{name}");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("pinecone-cmek.yaml") && text.contains("main.tf"), "{name}: {text}");
        assert_eq!(snapshot(&root), before, "{name}: the working tree changed");
        sandbox.assert_empty();
    }
    set_writable(&root, true);
}

fn walk(dir: &Path) -> Vec<(std::path::PathBuf, u64)> {
    let mut v: Vec<_> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap()).map(|e| (e.path(), e.metadata().unwrap().len())).collect();
    v.sort();
    v
}
