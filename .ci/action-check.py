#!/usr/bin/env python3
"""Runs the steps of action.yml locally, the way a GitHub runner would, to prove the action.

GitHub itself is not reachable here, so this plays the runner for the parts the action owns:
it evaluates the `${{ }}` expressions the action uses (inputs, github.action_path, runner.*,
steps.*.outputs, always(), hashFiles(), ==, !=, &&), runs every `run:` step with
`bash --noprofile --norc -eo pipefail` and a GITHUB_OUTPUT file, plays actions/cache (miss
first, hit once the binary exists) and, for github/codeql-action/upload-sarif, checks that the
file it would upload is SARIF 2.1.0 with the expected results. Scenarios: a broken policy (the
job must fail after uploading), a clean one (the job must pass), annotations on.

Usage: .ci/action-check.py   (needs PyYAML: run it with the pre-commit virtualenv's python)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

BROKEN = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::XXXXXXXXXXXX:role/pinecone_cmek_access_us-east-1"},
      "Action": "sts:AssumeRole"
    }
  ]
}
"""

CLEAN = """{
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
"""


class Job:
    def __init__(self, action, workspace, temp, inputs):
        self.action = action
        self.workspace = workspace
        self.temp = temp
        self.inputs = {k: str(v.get("default", "")) for k, v in action.get("inputs", {}).items()}
        for k, v in inputs.items():
            assert k in self.inputs, f"action.yml has no input `{k}`"
            self.inputs[k] = v
        self.steps = {}
        self.failed = False
        self.uploaded = None
        self.log = ""

    def lookup(self, path):
        parts = path.split(".")
        if parts[0] == "inputs":
            return self.inputs[parts[1]]
        if parts[0] == "github" and parts[1] == "action_path":
            return REPO
        if parts[0] == "runner":
            return {"temp": self.temp, "os": "Linux", "arch": "X64"}[parts[1]]
        if parts[0] == "steps" and parts[2] == "outputs":
            return self.steps.get(parts[1], {}).get(parts[3], "")
        raise ValueError(f"unsupported expression `{path}`")

    def value(self, term):
        term = term.strip()
        if term == "always()":
            return True
        m = re.fullmatch(r"'([^']*)'", term)
        if m:
            return m.group(1)
        m = re.fullmatch(r"hashFiles\((.+)\)", term)
        if m:
            path = os.path.join(self.workspace, self.value(m.group(1)))
            return "hash" if os.path.isfile(path) else ""
        m = re.fullmatch(r"format\('([^']*)'((?:,\s*[^,]+)*)\)", term)
        if m:
            args = [self.value(a) for a in m.group(2).split(",")[1:]]
            return re.sub(r"\{(\d+)\}", lambda g: str(args[int(g.group(1))]), m.group(1))
        return self.lookup(term)

    def condition(self, expr):
        expr = expr.strip()
        if expr.startswith("${{"):
            expr = expr[3:-2]
        result = True
        uses_always = "always()" in expr
        for term in expr.split("&&"):
            m = re.fullmatch(r"\s*(.+?)\s*(==|!=)\s*(.+?)\s*", term)
            if m:
                a, b = self.value(m.group(1)), self.value(m.group(3))
                ok = (a == b) if m.group(2) == "==" else (a != b)
            else:
                ok = bool(self.value(term))
            result = result and ok
        # Without always() (or failure()), a step is skipped once the job has failed.
        return result and (uses_always or not self.failed)

    def expand(self, text):
        return re.sub(r"\$\{\{(.+?)\}\}", lambda m: str(self.value(m.group(1))), str(text))

    def run(self, cache_hit):
        for step in self.action["runs"]["steps"]:
            name = step.get("name", step.get("uses", "step"))
            if "if" in step:
                if not self.condition(str(step["if"])):
                    self.log += f"[skipped] {name}\n"
                    continue
            elif self.failed:
                self.log += f"[skipped] {name}\n"
                continue
            uses = step.get("uses", "")
            outputs = {}
            if uses.startswith("actions/cache@"):
                path = self.expand(step["with"]["path"])
                assert self.expand(step["with"]["key"]).startswith("cmek-lint-Linux-X64-"), step["with"]["key"]
                hit = cache_hit and os.path.exists(os.path.join(path, "bin", "cmek-lint"))
                outputs["cache-hit"] = "true" if hit else "false"
            elif uses.startswith("github/codeql-action/upload-sarif@"):
                sarif_file = os.path.join(self.workspace, self.expand(step["with"]["sarif_file"]))
                with open(sarif_file) as f:
                    doc = json.load(f)
                assert doc["version"] == "2.1.0", doc.get("version")
                assert self.expand(step["with"]["category"]) == self.inputs["category"]
                self.uploaded = doc
            elif "run" in step:
                assert step.get("shell") == "bash", f"{name}: composite run steps need `shell: bash`"
                env = dict(os.environ)
                env.update({k: self.expand(v) for k, v in step.get("env", {}).items()})
                out_file = os.path.join(self.temp, "github_output")
                open(out_file, "w").close()
                env.update({"GITHUB_OUTPUT": out_file, "RUNNER_TEMP": self.temp, "GITHUB_ACTION_PATH": REPO,
                            "GITHUB_WORKSPACE": self.workspace})
                script = os.path.join(self.temp, "step.sh")
                with open(script, "w") as f:
                    f.write(self.expand(step["run"]))
                p = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], cwd=self.workspace,
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                self.log += f"[run] {name} (exit {p.returncode})\n{p.stdout}"
                with open(out_file) as f:
                    for line in f:
                        if "=" in line:
                            k, v = line.rstrip("\n").split("=", 1)
                            outputs[k] = v
                if p.returncode != 0:
                    self.failed = True
            else:
                raise AssertionError(f"unexpected step {step}")
            if "id" in step:
                self.steps[step["id"]] = outputs
        return self


def scenario(action, policy, inputs, cache_hit):
    with tempfile.TemporaryDirectory() as workspace, tempfile.TemporaryDirectory() as temp_base:
        os.makedirs(os.path.join(workspace, "policies"))
        with open(os.path.join(workspace, "policies", "trust.json"), "w") as f:
            f.write(policy)
        # the runner's temp folder outlives scenarios here, like a restored cache would
        temp = os.path.join(os.path.dirname(temp_base), "cmek-lint-action-runner")
        if not cache_hit:
            shutil.rmtree(temp, ignore_errors=True)
        os.makedirs(temp, exist_ok=True)
        job = Job(action, workspace, temp, inputs).run(cache_hit)
        return job


def main():
    with open(os.path.join(REPO, "action.yml")) as f:
        action = yaml.safe_load(f)
    assert action["runs"]["using"] == "composite"
    uses = [s.get("uses", "") for s in action["runs"]["steps"]]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses), uses

    job = scenario(action, BROKEN, {"paths": "policies"}, cache_hit=False)
    print(job.log)
    assert job.failed, "the job must fail on a broken policy"
    assert job.steps["check"]["exit-code"] == "1", job.steps["check"]
    assert job.uploaded is not None, "the SARIF report must be uploaded even when findings fail the job"
    results = job.uploaded["runs"][0]["results"]
    errors = [r for r in results if r["level"] == "error"]
    assert [r["ruleId"] for r in errors] == ["CMK115"], results  # plus warnings (e.g. CMK208)
    assert errors[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "policies/trust.json"
    assert "error[CMK115]" in job.log, "the log keeps the human output"

    job = scenario(action, CLEAN, {"paths": "policies/trust.json", "args": "--fail-on info"}, cache_hit=True)
    print(job.log)
    assert not job.failed, "the job must pass on a clean policy"
    assert job.steps["check"]["exit-code"] == "0"
    assert job.uploaded["runs"][0]["results"] == []
    assert "[skipped] Install cmek-lint" in job.log, "a cache hit skips the build"

    job = scenario(action, BROKEN, {"paths": "policies", "annotations": "true", "upload-sarif": "false",
                                    "fail-on-findings": "false"}, cache_hit=True)
    print(job.log)
    assert not job.failed and job.uploaded is None
    assert "::error file=policies/trust.json,line=6," in job.log, "annotations printed"
    print("GitHub Action: OK")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
