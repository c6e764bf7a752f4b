"""The GitHub workflows are valid against GitHub's workflow schema (shipped offline by check-jsonschema)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_every_workflow_matches_the_github_workflow_schema():
    assert WORKFLOWS, "no workflow files found"
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_can_fail(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  build:\n    steps: []\n")  # no runs-on
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(broken)],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0


def _steps(name: str) -> list[str]:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
    return [step.get("run", "") or step.get("uses", "") for job in workflow["jobs"].values() for step in job["steps"]]


def test_pull_requests_check_with_annotations_test_build_preview_and_summarise():
    steps = " ".join(_steps("pull-request.yml"))
    assert "build.py check --format github" in steps
    assert "make test" in steps
    assert "actions/upload-artifact" in steps
    assert "build.py diff" in steps and "GITHUB_STEP_SUMMARY" in steps


def test_main_publishes_with_the_official_pages_actions():
    steps = " ".join(_steps("publish.yml"))
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in steps
