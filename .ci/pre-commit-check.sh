#!/usr/bin/env bash
# Proves the pre-commit hook (.pre-commit-hooks.yaml) with the real pre-commit tool from PyPI:
# `pre-commit try-repo` clones this repository at HEAD (so it tests committed code), builds
# cmek-lint with `cargo install` (language: rust, the system toolchain) and runs the hook in a
# throw-away git repository holding a broken and a clean policy. The hook must fail on the
# first and pass on the second (and on a JSON file that holds no policy).
#
# Usage: .ci/pre-commit-check.sh [VENV]   (VENV: a virtualenv with pre-commit; made if absent)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
venv=${1:-$work/venv}
if [ ! -x "$venv/bin/pre-commit" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "pre-commit>=3,<5"
fi
"$venv/bin/pre-commit" --version
export PRE_COMMIT_HOME="$work/pre-commit-home"
# Reuse compiled dependencies between the release builds of .ci/run (cargo install honours it).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target/ci-install}"

project="$work/project"
mkdir -p "$project/policies"
cd "$project"
git init -q
git config user.email ci@example.invalid
git config user.name ci
cat > policies/broken-trust.json <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      // Replace XXXXXXXXXXXX with Pinecone's AWS account number.
      "Principal": {"AWS": "arn:aws:iam::XXXXXXXXXXXX:role/pinecone_cmek_access_us-east-1"},
      "Action": "sts:AssumeRole"
    }
  ]
}
JSON
cat > policies/clean-trust.json <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowPinecone",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1"},
      "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {"sts:ExternalId": "3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94"}}
    }
  ]
}
JSON
printf '{"name": "frontend", "private": true}\n' > package.json
git add .
git commit -qm "policies"

echo "--- hook on the broken policy (must fail)"
if "$venv/bin/pre-commit" try-repo "$repo" cmek-lint --verbose --files policies/broken-trust.json >"$work/broken.log" 2>&1; then
  cat "$work/broken.log"
  echo "FAIL: the hook passed on a broken policy" >&2
  exit 1
fi
cat "$work/broken.log"
for expected in "error[CMK002]" "error[CMK115]" "policies/broken-trust.json:7:"; do
  grep -qF "$expected" "$work/broken.log" || { echo "FAIL: hook output lacks $expected" >&2; exit 1; }
done

echo "--- hook on the clean policy and a non-policy JSON file (must pass)"
if ! "$venv/bin/pre-commit" try-repo "$repo" cmek-lint --verbose --files policies/clean-trust.json package.json >"$work/clean.log" 2>&1; then
  cat "$work/clean.log"
  echo "FAIL: the hook failed on a clean policy" >&2
  exit 1
fi
cat "$work/clean.log"
grep -qF "CMK009" "$work/clean.log" && { echo "FAIL: package.json was reported" >&2; exit 1; }
echo "pre-commit hook: OK"
