"""The README's test command is the one CI runs."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text()
    command = re.search(r'^TEST_COMMAND="(.+)"$', ci, re.M).group(1)
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```\n(.+?)\n```", readme, re.S)
    assert blocks[1].strip() == command
    assert "sim run scenarios/baseline.yaml" in blocks[0]
