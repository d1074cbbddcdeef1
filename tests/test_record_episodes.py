"""The records of the newer episodes (semiconductor export controls 2022-2024, US-EU steel and
aluminium 2018-2022): each loads with its own quantities, every fact names a public source, every
listed document is quoted, assumptions are flagged, and a run that follows the documented path
scores far better than a world where nothing happens (each record can fail a wrong world)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sim.record.documents import CONTEXT, STATUS, Record
from sim.record.reader import load_record
from sim.record.scorecard import score_moves, score_observations, summarise

RECORDS = Path(__file__).resolve().parent.parent / "scenarios" / "record"


def steps(start: dt.date, end: dt.date, points: list[tuple[str, float | str]]) -> list:
    """A daily series from (first day, value) steps, each value holding until the next step."""
    out, k = [], 0
    for n in range((end - start).days + 1):
        day = start + dt.timedelta(days=n)
        while k + 1 < len(points) and dt.date.fromisoformat(points[k + 1][0]) <= day:
            k += 1
        out.append(points[k][1])
    return out


def dates(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def check_sources(record: Record) -> None:
    assert all(doc.url.startswith("http") for doc in record.documents.values())
    used = {o.doc for o in record.observations} | {m.doc for m in record.moves}
    used |= {d for o in record.observations for d, _ in o.also}
    used |= {d for c in record.conflicts for d in c.docs}
    assert used == set(record.documents), "every listed document is quoted somewhere"
    assert all(o.quantity in {*record.quantities, STATUS, CONTEXT} for o in record.observations)


def fit(record: Record, run: dict) -> float:
    return summarise(score_observations(record, run), score_moves(record, run)).fit


# --- semiconductor export controls ---------------------------------------------------------------
SEMI = RECORDS / "semiconductors_2023.yaml"
S0, S1 = dt.date(2022, 9, 1), dt.date(2024, 2, 29)
US, NL, JP = "us.chip_controls", "netherlands.equipment_controls", "japan.equipment_controls"
GG, GR = "china.gallium_germanium_licensing", "china.graphite_licensing"


@pytest.fixture(scope="module")
def semis():
    return load_record(SEMI)


def semis_documented() -> dict[str, list]:
    """Each control rising on the day it took effect, China's shares falling on theirs."""
    return {
        "date": dates(S0, S1),
        US: steps(S0, S1, [("2022-09-01", 0.0), ("2022-10-07", 0.5), ("2023-11-17", 0.7)]),
        NL: steps(S0, S1, [("2022-09-01", 0.0), ("2023-09-01", 0.5)]),
        JP: steps(S0, S1, [("2022-09-01", 0.0), ("2023-07-23", 0.5)]),
        GG: steps(S0, S1, [("2022-09-01", 1.0), ("2023-08-01", 0.0), ("2023-10-01", 0.15),
                           ("2023-12-01", 0.25)]),
        GR: steps(S0, S1, [("2022-09-01", 1.0), ("2023-12-01", 0.2)]),
        STATUS: steps(S0, S1, [("2022-09-01", "stalled"), ("2022-10-07", "escalating"),
                               ("2022-11-14", "talks_restarted"), ("2022-12-12", "escalating"),
                               ("2023-01-01", "stalled"), ("2023-07-03", "escalating"),
                               ("2023-08-28", "talks_restarted"), ("2023-10-17", "escalating"),
                               ("2023-11-15", "talks_restarted")]),
    }


def test_the_semiconductor_record_names_four_sides_and_its_sources(semis):
    assert list(semis.quantities) == [US, NL, JP, GG, GR]
    assert {q.split(".")[0] for q in semis.quantities} == {"us", "netherlands", "japan", "china"}
    check_sources(semis)
    assert len(semis.scorable()) >= 15 and len(semis.moves) >= 6 and len(semis.conflicts) >= 5
    # the control indices have no documented size: every floor on their moves is flagged
    assert all(m.assumption for m in semis.moves if m.quantity in (US, NL, JP))


def test_the_semiconductor_documented_path_hits_and_a_quiet_world_scores_clearly_worse(semis):
    run = semis_documented()
    obs, moves = score_observations(semis, run), score_moves(semis, run)
    assert [s.id for s in obs if s.hit is False] == []
    assert all(m.direction_hit for m in moves), [m.id for m in moves if not m.direction_hit]
    n = len(run["date"])
    quiet = {**run, US: [0.0] * n, NL: [0.0] * n, JP: [0.0] * n, GG: [1.0] * n, GR: [1.0] * n,
             STATUS: ["stalled"] * n}
    no_allies = {**run, NL: [0.0] * n, JP: [0.0] * n}
    good = fit(semis, run)
    print(f"\nfit: documented {good:.2f}, quiet {fit(semis, quiet):.2f}, "
          f"no allies {fit(semis, no_allies):.2f}")
    assert good > 0.9
    assert fit(semis, quiet) < 0.5 * good
    assert fit(semis, no_allies) < good - 0.1


# --- US-EU steel and aluminium -------------------------------------------------------------------
STEEL = RECORDS / "us_eu_steel_2018.yaml"
T0, T1 = dt.date(2018, 3, 1), dt.date(2022, 6, 30)
METALS, REBAL = "us.tariff_on_eu_metals", "eu.rebalancing_duties"
US_CARS, EU_CARS = "us.tariff_on_eu_cars", "eu.tariff_on_us_cars"


@pytest.fixture(scope="module")
def steel():
    return load_record(STEEL)


def steel_documented() -> dict[str, list]:
    """The exemption, the tariffs from 1 June 2018, rebalancing from 22 June, the truce, the
    standstill and the quota settlement from 1 January 2022; car tariffs never move."""
    n = (T1 - T0).days + 1
    return {
        "date": dates(T0, T1),
        METALS: steps(T0, T1, [("2018-03-01", 0.0), ("2018-06-01", 22.7), ("2022-01-01", 5.0)]),
        REBAL: steps(T0, T1, [("2018-03-01", 0.0), ("2018-06-22", 0.44), ("2022-01-01", 0.0)]),
        US_CARS: [2.5] * n,
        EU_CARS: [10.0] * n,
        STATUS: steps(T0, T1, [("2018-03-01", "stalled"), ("2018-06-01", "escalating"),
                               ("2018-07-25", "truce"), ("2019-03-06", "stalled"),
                               ("2021-05-17", "truce"), ("2021-10-30", "framework_agreed")]),
    }


def test_the_steel_record_declares_its_levers_and_its_sources(steel):
    assert list(steel.quantities) == [METALS, REBAL, US_CARS, EU_CARS]
    check_sources(steel)
    assert len(steel.scorable()) >= 12 and len(steel.moves) >= 4 and len(steel.conflicts) >= 5
    # the two levels this record computes or bounds itself are flagged as assumptions
    flagged = {o.id for o in steel.observations if o.assumption}
    assert {"us_tariff_on_eu_2018_2021", "us_tariff_after_quota"} <= flagged


def test_the_steel_documented_path_hits_and_a_quiet_world_scores_clearly_worse(steel):
    run = steel_documented()
    obs, moves = score_observations(steel, run), score_moves(steel, run)
    assert [s.id for s in obs if s.hit is False] == []
    assert all(m.direction_hit for m in moves), [m.id for m in moves if not m.direction_hit]
    n = len(run["date"])
    quiet = {**run, METALS: [0.0] * n, REBAL: [0.0] * n, STATUS: ["stalled"] * n}
    # a world where the 2021 settlement never comes: tariffs and duties stay to the end
    no_settlement = {**run, METALS: steps(T0, T1, [("2018-03-01", 0.0), ("2018-06-01", 22.7)]),
                     REBAL: steps(T0, T1, [("2018-03-01", 0.0), ("2018-06-22", 0.44)])}
    good = fit(steel, run)
    print(f"\nfit: documented {good:.2f}, quiet {fit(steel, quiet):.2f}, "
          f"no settlement {fit(steel, no_settlement):.2f}")
    assert good > 0.9
    assert fit(steel, quiet) < 0.5 * good
    assert fit(steel, no_settlement) < good - 0.1


def test_the_steel_scenario_runs_and_is_scored_against_its_own_record(steel):
    """The draft scenario in the scenario language alone: it starts from the record's documented
    values and every one of the record's scored quantities is a column of its runs."""
    from sim.experiments.runs import run_once
    from sim.record.fit import score
    from sim.record.lookup import record_for
    from sim.scenario.language import load_scenario

    scenario = load_scenario(RECORDS.parent / "steel_2018.yaml")
    assert Path(scenario.record_file).name == STEEL.name
    assert record_for(scenario).quantities == steel.quantities
    run = run_once(scenario, seed=1)
    assert run.columns["date"][0] == T0
    assert [run.columns[q][0] for q in (METALS, REBAL, US_CARS, EU_CARS)] == [0.0, 0.0, 2.5, 10.0]
    fitted = score(run.columns, scenario, steel)
    assert len([o for o in fitted.observation_scores if o.hit is not None]) == len(steel.scorable())
