"""The GitHub workflows are valid against GitHub's workflow schema (shipped offline by check-jsonschema)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
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


def _jobs(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())["jobs"]


def _steps(name: str) -> list[str]:
    return [step.get("run", "") or step.get("uses", "") for job in _jobs(name).values() for step in job["steps"]]


def test_editor_facing_steps_report_whatever_else_fails_and_tests_are_a_job_of_their_own():
    jobs = _jobs("pull-request.yml")
    review = jobs["review"]["steps"]
    check_at = next(i for i, step in enumerate(review) if "build.py check --format github" in step.get("run", ""))
    assert review[check_at].get("continue-on-error") is True
    later = review[check_at + 1 : -1]
    assert later and all("always()" in step.get("if", "") for step in later), "a step would be skipped by a failure"
    assert review[-1]["if"] == "steps.check.outcome != 'success'"  # the run still turns red on bad cards
    assert "make test" not in " ".join(step.get("run", "") for step in review)
    assert "make test" in " ".join(step.get("run", "") for step in jobs["tests"]["steps"])


def test_the_preview_is_published_with_a_sticky_comment_and_removed_on_close():
    jobs = _jobs("pull-request.yml")
    review = " ".join(_steps("pull-request.yml"))
    assert 'build.py --base-url "$PREVIEW_URL"' in review
    assert "--offline" in review and "actions/upload-artifact" in review
    assert "rossjrw/pr-preview-action" in review and "marocchino/sticky-pull-request-comment" in review
    closed = jobs["closed"]
    assert "closed" in closed["if"]
    assert any(step.get("with", {}).get("action") == "remove" for step in closed["steps"])


def test_main_publishes_for_the_pages_address_and_refuses_placeholders():
    steps = " ".join(_steps("publish.yml"))
    assert "actions/configure-pages" in steps
    assert '--publish --base-url "${{ steps.pages.outputs.base_url }}"' in steps
    assert "clean-exclude: pr-preview/" in (ROOT / ".github" / "workflows" / "publish.yml").read_text()


@pytest.mark.parametrize("workflow", [path.name for path in WORKFLOWS])
def test_every_build_py_command_in_a_workflow_is_one_the_cli_accepts(workflow):
    from factsheets.cli import _parser

    commands = [run for run in _steps(workflow) if "build.py" in run]
    assert commands
    for run in commands:
        line = " ".join(run.split())
        words = shlex.split(re.sub(r"\$\{\{.*?\}\}", "X", line).split("build.py", 1)[1].split("&&")[0])
        _parser().parse_args(words)  # exits (SystemExit) on an unknown command or option
