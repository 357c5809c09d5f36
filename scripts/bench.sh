#!/usr/bin/env bash
# Benchmark the real cmek-lint binary on real policies, side by side with its baselines:
#   - `cat` over the same files (the I/O floor),
#   - parliament (PyPI, in a virtualenv) on a subset it can finish in reasonable time,
# plus pre-commit latency (one small file, whole process), peak RSS and scaling 1x/10x/50x.
#
# Usage: scripts/bench.sh [CORPUS_DIR]   (default: ../shared/corpus/aws-managed)
# Env:   RUNS (default 5) timed runs per measurement, median reported;
#        PARLIAMENT_FILES (default 200) files for the parliament comparison; SKIP_PARLIAMENT=1;
#        BASELINE_BIN: another cmek-lint binary (an earlier build) to compare with, side by side
#        on the same replicas (wall time and peak RSS).
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-../shared/corpus/aws-managed}
RUNS=${RUNS:-5}
PARLIAMENT_FILES=${PARLIAMENT_FILES:-200}
[ -d "$CORPUS" ] || { echo "corpus folder $CORPUS not found" >&2; exit 2; }

# The binary cargo built (its folder depends on `build.target` in .cargo/config.toml).
BIN=$(cargo build --release --quiet --message-format=json |
  sed -n 's/.*"executable":"\([^"]*\/cmek-lint\)".*/\1/p' | tail -1)
[ -x "$BIN" ] || { echo "could not find the cmek-lint binary cargo built" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Measure the binaries as installed (`cargo install`, a release download and pre-commit all
# write a fresh copy), not the linker's own output file: the kernel maps that file, written
# piecemeal, in small page-cache folios, and a short process pays for it in page faults
# (one small file: about 1.0 ms of CPU against 0.57 ms for a copy of the same bytes, here).
# The row "as linked in target/" shows the difference.
LINKED_BIN=$BIN
mkdir -p "$WORK/bin" "$WORK/baseline-bin"
install -m 755 "$BIN" "$WORK/bin/cmek-lint"; BIN=$WORK/bin/cmek-lint
if [ -n "${BASELINE_BIN:-}" ]; then
  install -m 755 "$BASELINE_BIN" "$WORK/baseline-bin/cmek-lint"; BASELINE_BIN=$WORK/baseline-bin/cmek-lint
fi

# Replicas: 1x, 10x, 50x copies of the corpus in separate folders.
make_replica() { # n
  local dir=$WORK/x$1
  mkdir -p "$dir"
  for i in $(seq 1 "$1"); do mkdir -p "$dir/r$i"; cp "$CORPUS"/*.json "$dir/r$i/"; done
  echo "$dir"
}
X1=$(make_replica 1); X10=$(make_replica 10); X50=$(make_replica 50)
files() { find "$1" -name '*.json' | wc -l; }
mb() { du -sm "$1" | cut -f1; }

# median wall time in seconds of a command, run RUNS times (after one warm-up run)
median() {
  "$@" >/dev/null 2>&1 || true
  local times=()
  for _ in $(seq 1 "$RUNS"); do
    local s e
    s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
    times+=("$(awk -v s="$s" -v e="$e" 'BEGIN {printf "%.4f", e - s}')")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.4f", a[int((NR+1)/2)]}'
}
catall() { find "$1" -name '*.json' -print0 | xargs -0 cat; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
per_mb() { awk -v t="$1" -v m="$2" 'BEGIN {printf "%.1f", 1000 * t / m}'; }
peak_rss_mb() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {printf "%.1f", $2/1024}'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "cmek-lint $($BIN --version | cut -d' ' -f2), corpus: $CORPUS ($(files "$X1") files, $(mb "$X1") MB), median of $RUNS runs"
echo
printf '| measurement | files | MB | cmek-lint s | baseline s | ratio |\n|---|---|---|---|---|---|\n'
for x in 1 10 50; do
  dir=$WORK/x$x
  t=$(median "$BIN" --isolated -q "$dir")
  c=$(median catall "$dir")
  printf '| %sx vs `cat` | %s | %s | %s | %s | %s× |\n' "$x" "$(files "$dir")" "$(mb "$dir")" "$t" "$c" "$(ratio "$t" "$c")"
  eval "T$x=$t"
done
j1=$(median "$BIN" --isolated -q --jobs 1 "$X10")
j2=$(median "$BIN" --isolated -q --jobs 2 "$X10")
printf '| 10x `--jobs 1` vs `--jobs 2` | %s | %s | %s | %s | %s× speed-up |\n' "$(files "$X10")" "$(mb "$X10")" "$j2" "$j1" "$(ratio "$j1" "$j2")"

# scaling: seconds per MB
printf '| scaling (ms per MB) 1x / 10x / 50x | | | %s / %s / %s | | |\n' \
  "$(per_mb "$T1" "$(mb "$X1")")" "$(per_mb "$T10" "$(mb "$X10")")" "$(per_mb "$T50" "$(mb "$X50")")"

# pre-commit latency: one small policy (the guide's snippet A, filled in), whole process;
# median over RUNS batches of 20 sequential runs, so the timer's own cost is amortised.
small=corpus/trust/guide-a-explicit-regions-external-id.json
batch() { for _ in $(seq 1 20); do "$BIN" --isolated -q "$small"; done; }
cat_batch() { for _ in $(seq 1 20); do cat "$small"; done; }
lat=$(median batch)
clat=$(median cat_batch)
per_run() { awk -v t="$1" 'BEGIN {printf "%.5f", t / 20}'; }
printf '| pre-commit latency (1 small file, whole process) vs `cat`, wall | 1 | | %s | %s | %s× |\n' \
  "$(per_run "$lat")" "$(per_run "$clat")" "$(ratio "$lat" "$clat")"

# single-file CPU (user + sys of the child processes, in ms per run) vs `cat` of the same file:
# less sensitive than wall time to other load on the machine. Median over RUNS batches of 50.
cpu_ms() { # command...: CPU ms per run over a batch of 50
  (for _ in $(seq 1 50); do "$@" >/dev/null 2>&1 || true; done; times) | tail -1 |
    awk '{u=$1; s=$2; sub(/s$/,"",u); sub(/s$/,"",s); split(u,a,"m"); split(s,b,"m"); printf "%.4f", (a[1]*60+a[2]+b[1]*60+b[2]) * 1000 / 50}'
}
median_of() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'; }
# The batches alternate (cmek-lint, cat, the baseline build, cmek-lint, ...), so a drift in the
# machine's state (page cache, another process) weighs on all of them alike.
cl_v=(); cc_v=(); cb_v=(); ct_v=()
for _ in $(seq 1 "$RUNS"); do
  cl_v+=("$(cpu_ms "$BIN" --isolated -q "$small")")
  cc_v+=("$(cpu_ms cat "$small")")
  if [ -n "${BASELINE_BIN:-}" ]; then cb_v+=("$(cpu_ms "$BASELINE_BIN" --isolated -q "$small")"); fi
  ct_v+=("$(cpu_ms "$LINKED_BIN" --isolated -q "$small")")
done
cl=$(median_of "${cl_v[@]}")
cc=$(median_of "${cc_v[@]}")
ct=$(median_of "${ct_v[@]}")
printf '| 1 small file CPU ms vs `cat` (user+sys) | 1 | | %s | %s | %s× |\n' "$cl" "$cc" "$(ratio "$cl" "$cc")"
printf '| 1 small file CPU ms, as linked in target/ (not installed) | 1 | | %s | %s | %s× |\n' "$ct" "$cc" "$(ratio "$ct" "$cc")"
if [ -n "${BASELINE_BIN:-}" ]; then
  cb=$(median_of "${cb_v[@]}")
  printf '| 1 small file CPU ms vs baseline build | 1 | | %s | %s | %s× |\n' "$cl" "$cb" "$(ratio "$cl" "$cb")"
fi

printf '| peak RSS 1x / 10x / 50x (MB) | | | %s / %s / %s | | |\n' "$(peak_rss_mb "$BIN" --isolated -q "$X1")" \
  "$(peak_rss_mb "$BIN" --isolated -q "$X10")" "$(peak_rss_mb "$BIN" --isolated -q "$X50")"

# One huge policy: 100,000 statements (~30 MB), one per line and all on one line; thousands
# of findings each. Time must grow linearly with the statements (tests/scaling.rs holds the
# ratio; this measures the release binary).
big=$WORK/big
mkdir -p "$big"
printf '[limits]\nmax_file_size = 100000000\n' > "$big/cmek-lint.toml"
python3 - "$big" <<'PY'
import json, sys
rows = [json.dumps({"Sid": f"S{i % 100}", "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{100000000000 + i}:role/pinecone_cmek_access_us-east-1"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": "0b1d7a3e-6c2f-4e59-8a41-9f3c2d5e7b10"}}})
        for i in range(100000)]
for name, sep in (("lines.json", ",\n"), ("one-line.json", ",")):
    with open(f"{sys.argv[1]}/{name}", "w") as f:
        f.write('{"Version": "2012-10-17", "Statement": [' + sep.join(rows) + "]}\n")
PY
for f in lines one-line; do
  t=$(median "$BIN" --config "$big/cmek-lint.toml" -q --format concise "$big/$f.json")
  b=""; r=""
  if [ -n "${BASELINE_BIN:-}" ]; then
    b=$(RUNS=1 median "$BASELINE_BIN" --config "$big/cmek-lint.toml" -q --format concise "$big/$f.json"); r="$(ratio "$t" "$b")×"
  fi
  printf '| 100,000 statements (%s) | 1 | %s | %s | %s | %s |\n' "$f" "$(mb "$big/$f.json")" "$t" "$b" "$r"
done

if [ -n "${BASELINE_BIN:-}" ]; then
  for x in 10 50; do
    dir=$WORK/x$x
    b=$(median "$BASELINE_BIN" --isolated -q "$dir")
    t=$(median "$BIN" --isolated -q "$dir")
    printf '| %sx vs baseline build | %s | %s | %s | %s | %s× |\n' "$x" "$(files "$dir")" "$(mb "$dir")" "$t" "$b" "$(ratio "$t" "$b")"
    printf '| %sx peak RSS vs baseline build (MB) | | | %s | %s | %s× |\n' "$x" \
      "$(peak_rss_mb "$BIN" --isolated -q "$dir")" "$(peak_rss_mb "$BASELINE_BIN" --isolated -q "$dir")" \
      "$(ratio "$(peak_rss_mb "$BIN" --isolated -q "$dir")" "$(peak_rss_mb "$BASELINE_BIN" --isolated -q "$dir")")"
  done
fi

if [ -z "${SKIP_PARLIAMENT:-}" ]; then
  VENV=${PARLIAMENT_VENV:-$HOME/.cache/cmek-lint-bench/parliament-venv}
  if [ ! -x "$VENV/bin/parliament" ]; then
    python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet 'parliament==1.6.4' >/dev/null
  fi
  sub=$WORK/parliament-subset
  mkdir -p "$sub"
  find "$X1" -name "*.json" | sort | awk -v n="$PARLIAMENT_FILES" "NR <= n" | xargs -I{} cp {} "$sub/"
  p=$(RUNS=1 median "$VENV/bin/parliament" --directory "$sub")
  t=$(median "$BIN" --isolated -q "$sub")
  printf '| vs parliament 1.6.4 (same %s files) | %s | %s | %s | %s | %s× faster |\n' "$PARLIAMENT_FILES" "$(files "$sub")" "$(mb "$sub")" "$t" "$p" "$(ratio "$p" "$t")"
fi
