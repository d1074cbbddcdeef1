"""The 2018-2020 trade-war record: it loads with its own quantities, every fact names a public
source, and a run that follows the documented path scores far better than one where nothing
happens (the record can fail a wrong world)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sim.record.documents import CONTEXT, STATUS
from sim.record.reader import load_record
from sim.record.scorecard import score_moves, score_observations, summarise
from sim.record.show import format_table

RECORD = Path(__file__).resolve().parent.parent / "scenarios" / "record" / "us_china_2018.yaml"
START, END = dt.date(2018, 1, 1), dt.date(2021, 12, 31)
US, CHINA, BUYS = "us.tariff_on_china", "china.tariff_on_us", "china.purchases_of_us_goods"


@pytest.fixture(scope="module")
def record():
    return load_record(RECORD)


def steps(points: list[tuple[str, float | str]]) -> list:
    """A daily series from (first day, value) steps, each value holding until the next step."""
    out, k = [], 0
    for n in range((END - START).days + 1):
        day = START + dt.timedelta(days=n)
        while k + 1 < len(points) and dt.date.fromisoformat(points[k + 1][0]) <= day:
            k += 1
        out.append(points[k][1])
    return out


def documented_run() -> dict[str, list]:
    """Tariffs, purchases and status stepping as the documents report them."""
    dates = [START + dt.timedelta(days=n) for n in range((END - START).days + 1)]
    return {
        "date": dates,
        US: steps([("2018-01-01", 3.0), ("2018-07-06", 7.0), ("2018-08-23", 9.0),
                   ("2018-09-24", 12.0), ("2019-05-10", 17.0), ("2019-09-01", 21.0),
                   ("2020-02-14", 19.3)]),
        CHINA: steps([("2018-01-01", 7.8), ("2018-07-06", 12.0), ("2018-08-23", 14.0),
                      ("2018-09-24", 18.3), ("2019-01-01", 16.5), ("2019-06-01", 20.7),
                      ("2019-09-01", 21.3), ("2020-02-14", 20.5)]),
        BUYS: [0.0 if d.year < 2020 else (0.5 if d.year == 2020 else 0.57) for d in dates],
        STATUS: steps([("2018-01-01", "stalled"), ("2018-07-06", "escalating"),
                       ("2018-12-01", "truce"), ("2019-05-05", "escalating"),
                       ("2019-06-29", "talks_restarted"), ("2019-08-01", "escalating"),
                       ("2019-12-13", "framework_agreed")]),
    }


def quiet_run() -> dict[str, list]:
    """A plainly wrong world: tariffs stay at their pre-war levels, nothing is bought, no war."""
    run = documented_run()
    n = len(run["date"])
    return {**run, US: [3.0] * n, CHINA: [8.0] * n, BUYS: [0.0] * n, STATUS: ["truce"] * n}


def test_the_record_declares_what_a_scenario_must_provide(record):
    assert list(record.quantities) == [US, CHINA, BUYS]
    assert record.scored_quantities() == [US, CHINA, BUYS, STATUS]
    assert all(o.quantity in {*record.quantities, STATUS, CONTEXT} for o in record.observations)


def test_every_fact_names_a_public_source(record):
    assert 20 <= len(record.scorable()) <= 40
    assert all(doc.url.startswith("http") for doc in record.documents.values())
    used = {o.doc for o in record.observations} | {m.doc for m in record.moves}
    used |= {d for o in record.observations for d, _ in o.also}
    used |= {d for c in record.conflicts for d in c.docs}
    assert used == set(record.documents), "every listed document is quoted somewhere"
    assert len(record.conflicts) >= 5 and len(record.moves) >= 6


def test_the_table_shows_years_quantities_and_assumptions(record):
    table = format_table(record)
    assert "Quantities a scenario must provide" in table and "2019-12-13 to 2020-02-14" in table
    assert "(assumed)" in table and "https://www.piie.com/" in table


def test_the_documented_path_hits_and_a_quiet_world_scores_clearly_worse(record):
    obs, moves = score_observations(record, documented_run()), score_moves(record, documented_run())
    assert [s.id for s in obs if s.hit is False] == []
    assert all(m.direction_hit for m in moves), [m.id for m in moves if not m.direction_hit]
    good = summarise(obs, moves).fit
    quiet = quiet_run()
    bad = summarise(score_observations(record, quiet), score_moves(record, quiet)).fit
    assert good > 0.9 and bad < 0.5 * good


def test_the_fit_says_which_recorded_quantities_a_run_lacks(record):
    from sim.record.fit import score

    run = {k: v for k, v in documented_run().items() if k != BUYS}
    text = score(run, None, record).text
    assert f"not scored: the record scores {BUYS}, which this run does not provide" in text
    assert "not scored: the record" not in score(documented_run(), None, record).text
