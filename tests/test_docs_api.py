"""docs/api.md runs as written: its examples are doctests, run here in an empty folder."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def test_every_example_in_docs_api_md_runs_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    parser = doctest.DocTestParser()
    text = re.sub(r"^```.*$", "", DOC.read_text(), flags=re.M)  # a fence ends an example
    test = parser.get_doctest(text, {}, "docs/api.md", str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 30
    assert result.failed == 0, f"{result.failed} examples in docs/api.md failed (output above)"
    documented = {name.split("(")[0] for name in
                  re.findall(r"\[`sim\.(\w+)\(", DOC.read_text())}
    assert documented == {"scenarios", "load", "run", "ensemble", "compare"}
