"""Every path the docs name exists: README.md, docs/*.md and scenarios/README.md point only at files
and folders that are there, and the no-record rule is said in one sentence wherever it is said."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "scenarios" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TOP = ("sim/", "scenarios/", "docs/", "tests/", "benchmarks/", ".ci/", "record/")
# A path as the docs write one: folders and a file name, in backticks, in a link or in prose.
PATH = re.compile(r"(?<![\w/.<-])((?:\.\./|\./)?(?:[\w.-]+/)+[\w.*-]*)")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
# Not repository paths: web addresses, placeholders, run outputs, absolute paths, the virtual
# environment a reader makes, and ../shared/ (the seed documents beside a clone, outside it).
NOT_PATHS = re.compile(r"^(https?:|mailto:)|[<>{}*$]|^results/|^/|\.venv/|^\.\./shared/")
# Files the docs tell a reader to write, not files of the repository.
EXAMPLES = {"scenarios/x.yaml", "scenarios/X.yaml", "scenarios/mine.yaml", "../mine/base.yaml",
            "record/steel.yaml", "../scenario.schema.json"}


def named_paths(doc: Path) -> set[str]:
    """Repository paths ``doc`` names: links, and anything starting with a top-level folder."""
    text = doc.read_text(encoding="utf-8")
    found = {m for m in LINK.findall(text)}
    found |= {m for m in PATH.findall(text) if m.startswith(TOP) or m.startswith("../")}
    return {p.rstrip(".,:;") for p in found if not NOT_PATHS.search(p)}


def exists(doc: Path, path: str) -> bool:
    bases = [doc.parent, ROOT, ROOT / "scenarios", ROOT / "scenarios" / "calibration"]
    return any((base / path).exists() for base in bases)


@pytest.mark.parametrize("doc", DOCS, ids=[str(d.relative_to(ROOT)) for d in DOCS])
def test_every_path_a_doc_names_exists(doc):
    missing = sorted(p for p in named_paths(doc) - EXAMPLES if not exists(doc, p))
    assert not missing, f"{doc.relative_to(ROOT)} names paths that do not exist: {missing}"


def test_the_path_finder_finds_paths():
    sample = ROOT / "scenarios" / "README.md"
    found = named_paths(sample)
    assert "sim/engine/behaviour.py" in found and "sim/scenario/models.py" in found
    assert not exists(sample, "sim/behaviour.py")  # the pointer the issue found broken


def test_the_no_record_rule_is_one_sentence_everywhere(tmp_path, capsys):
    from sim.cli import main
    from sim.scenario.bundled import NO_RECORD
    from sim.scenario.schema import reference_table

    for doc in (ROOT / "README.md", ROOT / "scenarios" / "README.md"):
        text = " ".join(doc.read_text(encoding="utf-8").split())
        assert NO_RECORD in text, f"{doc.relative_to(ROOT)} does not say: {NO_RECORD}"
        assert "default record" not in text
    assert NO_RECORD in reference_table()
    plain = tmp_path / "plain.yaml"  # a run of a scenario without one says it too
    plain.write_text((ROOT / "scenarios" / "baseline.yaml").read_text().replace(
        "record: record/us_china_2025.yaml", ""))
    assert main(["run", str(plain), "--no-plots", "--out", str(tmp_path / "run")]) == 0
    assert NO_RECORD in capsys.readouterr().out
    file = tmp_path / "x.yaml"
    file.write_text("extends: baseline\nname: x\nrecord: nowhere.yaml\n")
    assert main(["check", str(file)]) == 2
    assert NO_RECORD in capsys.readouterr().err
