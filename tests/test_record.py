"""The shipped record loads, quotes its documents faithfully, and bad records fail clearly."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.errors import RecordError
from sim.record.documents import CONTEXT, DEFAULT_PATH, STATUS
from sim.record.reader import load_record
from sim.record.show import format_table, to_json

REPO = Path(__file__).resolve().parent.parent
BAD = Path(__file__).resolve().parent / "bad_records"


@pytest.fixture(scope="module")
def record():
    return load_record()


def seeds_dir(environ=os.environ) -> tuple[Path | None, str]:
    """The seed news documents' folder: one setting, ``SIM_SEEDS_DIR``, by default
    ../shared/seeds beside the repository; or None and why not. In CI their absence fails."""
    folder = Path(environ.get("SIM_SEEDS_DIR") or REPO.parent / "shared" / "seeds")
    if folder.is_dir():
        return folder, ""
    return None, (f"the seed documents are not at {folder} (set SIM_SEEDS_DIR to their folder; "
                  "the default is ../shared/seeds beside the repository)")


@pytest.fixture(scope="module")
def seeds() -> Path:
    folder, why = seeds_dir()
    if folder is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {why}; quote fidelity cannot be checked", pytrace=False)
        pytest.skip(why)
    return folder


def normalise(text: str) -> str:
    for curly, plain in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(curly, plain)
    return " ".join(text.split())


def all_quotes(record) -> list[tuple[str, tuple[str, ...], str]]:
    """(owner id, documents that may hold it, quote) for every quote in the record."""
    out = []
    for obs in record.observations:
        out.append((obs.id, (obs.doc,), obs.quote))
        out += [(obs.id, (doc,), quote) for doc, quote in obs.also]
    out += [(move.id, (move.doc,), move.quote) for move in record.moves]
    for conflict in record.conflicts:
        out += [(conflict.id, conflict.docs, quote) for quote in conflict.quotes]
    return out


def test_shipped_record_loads_from_the_default_path(record):
    assert record.file == DEFAULT_PATH
    assert set(record.documents) == {"000", "001", "002", "003", "004"}
    assert len(record.moves) >= 6 and len(record.conflicts) >= 6


def test_enough_scorable_observations(record):
    scorable = record.scorable()
    assert len(scorable) >= 15
    assert all(o.quantity in {*record.quantities, STATUS} for o in scorable)
    assert any(o.quantity == CONTEXT for o in record.observations)


def test_every_observation_and_move_names_a_document_and_quotes_it(record):
    for owner, docs, quote in all_quotes(record):
        assert quote.strip(), owner
        assert all(doc in record.documents for doc in docs), owner


def test_geneva_moves_are_documented_as_115_point_cuts(record):
    moves = {m.quantity: m for m in record.moves if m.id.startswith("geneva")}
    assert moves["us.tariff_on_china"].size == moves["china.tariff_on_us"].size == -115


def test_every_quote_occurs_verbatim_in_its_document(record, seeds):
    texts = {key: normalise((seeds / doc.file).read_text(encoding="utf-8"))
             for key, doc in record.documents.items()}
    missing = [(owner, quote) for owner, docs, quote in all_quotes(record)
               if not any(normalise(quote) in texts[d] for d in docs)]
    assert missing == []


def test_real_headlines_are_the_documents_first_lines(record, seeds):
    for doc in record.documents.values():
        first = (seeds / doc.file).read_text(encoding="utf-8").strip().splitlines()[0]
        if not doc.headline_is_description:
            assert normalise(doc.headline) == normalise(first), doc.id


BAD_RECORDS = [
    ("unknown_key.yaml", "unknown key `quantitiy` (did you mean `quantity`?)", 5),
    ("duplicate_key.yaml", "the key `value` appears twice", 8),
    ("unknown_doc.yaml", "unknown document `007`", 9),
    ("unquoted_doc_id.yaml", "document ids are text", 9),
    ("bad_date.yaml", "expected a date written as YYYY-MM-DD", 6),
    ("from_after_to.yaml", "`from` (2025-05-09) is after `to` (2025-04-14)", 6),
    ("unknown_quantity.yaml", "unknown quantity `us.tarif_on_china` (did you mean "
     "`us.tariff_on_china`?)", 5),
    ("missing_quote.yaml", "missing key `quote`", 4),
    ("empty_quote.yaml", "expected non-empty text", 10),
    ("two_value_kinds.yaml", "give only one of `value`, `level`, `direction`, `status`", 9),
    ("direction_on_one_day.yaml", "a `direction` needs a date range", 7),
    ("unknown_status.yaml", "(did you mean `stalled`?)", 8),
    ("duplicate_id.yaml", "the id `tariff_before` is used twice (first on line 4)", 12),
    ("move_size_sign.yaml", "a move `down` needs a negative size", 16),
]


@pytest.mark.parametrize(("name", "fragment", "line"), BAD_RECORDS)
def test_bad_record_raises_a_located_record_error(name, fragment, line):
    with pytest.raises(RecordError) as caught:
        load_record(BAD / name)
    assert fragment in str(caught.value)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"error: {BAD / name}:{line}:")


def test_every_bad_record_file_is_in_the_table():
    listed = {name for name, _, _ in BAD_RECORDS} | {"impossible_date.yaml"}
    assert {p.name for p in BAD.glob("*.yaml")} == listed


def test_impossible_calendar_date_is_a_record_error():
    with pytest.raises(RecordError) as caught:
        load_record(BAD / "impossible_date.yaml")
    assert caught.value.line == 6


def test_a_minimal_record_loads(tmp_path):
    text = (BAD / "unknown_key.yaml").read_text().replace("quantitiy", "quantity")
    (tmp_path / "ok.yaml").write_text(text)
    record = load_record(tmp_path / "ok.yaml")
    assert [o.id for o in record.observations] == ["tariff_before"]
    assert record.moves == () and record.conflicts == ()


def test_a_record_without_a_quantities_list_is_checked_against_the_names_passed(tmp_path):
    text = (BAD / "unknown_key.yaml").read_text().replace("quantitiy: us.tariff_on_china",
                                                          "quantity: us.port_fees")
    (tmp_path / "extra.yaml").write_text(text)
    with pytest.raises(RecordError, match="unknown quantity `us.port_fees`"):
        load_record(tmp_path / "extra.yaml", quantities={"us.tariff_on_china"})
    record = load_record(tmp_path / "extra.yaml", quantities={"us.port_fees"})
    assert record.observations[0].quantity == "us.port_fees"
    # with nothing to check against, any well-formed name is read (and left unscored by a run
    # that lacks the column)
    assert load_record(tmp_path / "extra.yaml").scored_quantities() == ["us.port_fees"]


def test_a_declared_quantities_list_is_what_observations_may_name(tmp_path):
    text = (BAD / "unknown_quantity.yaml").read_text().replace("us.tarif_on_china",
                                                               "us.tariff_on_china")
    (tmp_path / "ok.yaml").write_text(text)
    record = load_record(tmp_path / "ok.yaml", quantities={"something.else"})
    assert list(record.quantities) == ["us.tariff_on_china"]
    assert record.quantities["us.tariff_on_china"].unit == "%"
    assert record.scored_quantities() == ["us.tariff_on_china"]


@pytest.mark.parametrize(("yaml_text", "fragment"), [
    ("quantities: {status: {description: words}}", "`status` is built in"),
    ("quantities: {Tariff: {description: x}}", "`Tariff` is not a quantity name"),
    ("quantities: {a.b: {unit: x}}", "missing key `description`"),
    ("quantities: []", "expected a mapping of quantity names"),
])
def test_bad_quantities_sections_are_located_errors(tmp_path, yaml_text, fragment):
    text = (BAD / "unknown_quantity.yaml").read_text().split("quantities:")[0] + yaml_text + "\n"
    (tmp_path / "bad.yaml").write_text(text)
    with pytest.raises(RecordError, match=fragment) as caught:
        load_record(tmp_path / "bad.yaml")
    assert caught.value.line is not None


def test_a_document_needs_a_file_or_an_address(tmp_path):
    text = (BAD / "unknown_key.yaml").read_text().replace("quantitiy", "quantity")
    (tmp_path / "nofile.yaml").write_text(text.replace("file: 000_a.txt, ", ""))
    with pytest.raises(RecordError, match="give the document's `file` or its `url`"):
        load_record(tmp_path / "nofile.yaml")
    (tmp_path / "url.yaml").write_text(text.replace("file: 000_a.txt", "url: https://example.org/a"))
    record = load_record(tmp_path / "url.yaml")
    assert record.documents["000"].source == "https://example.org/a"


def test_the_record_code_names_no_side_lever_or_year():
    """Scenario = data: which quantities a record scores comes from the record, not from code."""
    words = ["china", "chinese", "us.", "geneva", "london", "tariff", "rare_earth", "2025", "2018"]
    for path in sorted((REPO / "sim" / "record").glob("*.py")):
        text = _code_words(path)
        for word in words:
            assert not re.search(rf"\b{re.escape(word)}", text), \
                f"sim/record/{path.name} names `{word}`"


def _code_words(path: Path) -> str:
    """Identifiers and string literals of a module, without its docstrings and comments."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)}
    words = [node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute)
             else node.value for node in ast.walk(tree)
             if isinstance(node, ast.Name | ast.Attribute)
             or (isinstance(node, ast.Constant) and isinstance(node.value, str)
                 and id(node) not in docstrings)]
    return " ".join(words).lower()


def test_format_table_groups_by_date(record):
    table = format_table(record)
    assert "2025-04-14 to 2025-05-09\n  " in table
    assert table.count("\n2025-06-05\n") == 1
    for obs in record.observations:
        assert obs.date_text() in table
    assert "Moves" in table and "geneva_us_tariff_cut" in table


def test_to_json_lists_observations_with_headlines(record):
    rows = json.loads(to_json(record))
    assert [r["id"] for r in rows] == [o.id for o in record.observations]
    first = rows[0]
    assert first["from"] == "2025-04-14" and first["date"] is None
    assert first["value"] == 145 and first["tolerance"] == 5
    assert first["headline"] == record.documents[first["doc"]].headline
    keys = {"date", "from", "to", "quantity", "value", "level", "direction", "status",
            "tolerance", "doc", "headline", "quote", "confidence"}
    assert all(keys <= set(r) for r in rows)


@pytest.mark.slow
@pytest.mark.parametrize("ci, code, outcome", [("true", 1, "ERROR"), ("", 0, "SKIPPED")])
def test_missing_seed_documents_fail_in_ci_and_skip_elsewhere(tmp_path, ci, code, outcome):
    env = {**os.environ, "CI": ci, "SIM_SEEDS_DIR": str(tmp_path / "nowhere")}
    done = subprocess.run([sys.executable, "-m", "pytest", "-rEs", "-p", "no:cacheprovider",
                           f"{__file__}::test_real_headlines_are_the_documents_first_lines"],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
    assert done.returncode == code and outcome in done.stdout, done.stdout
    assert str(tmp_path / "nowhere") in done.stdout


def test_the_seed_documents_default_to_shared_seeds_beside_the_repository():
    folder, why = seeds_dir({})
    expected = REPO.parent / "shared" / "seeds"
    assert folder == (expected if expected.is_dir() else None)
    assert seeds_dir({"SIM_SEEDS_DIR": str(REPO)}) == (REPO, "")


@pytest.mark.slow
def test_a_skip_says_why_in_the_summary_without_rs(tmp_path):
    env = {**os.environ, "CI": "", "SIM_SEEDS_DIR": str(tmp_path / "nowhere")}
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                           f"{__file__}::test_real_headlines_are_the_documents_first_lines"],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stdout
    assert "why tests were skipped" in done.stdout
    assert f"1 skipped: the seed documents are not at {tmp_path / 'nowhere'}" in done.stdout
    assert "SIM_SEEDS_DIR" in done.stdout
