"""Negotiation scenario simulator: the May-June 2025 US-China trade talks, agent-based."""


def __getattr__(name: str):
    """``sim.ScenarioModel``: the Mesa model built from a scenario file (for ``mesa.batch_run``),
    imported only when asked for, so that ``import sim`` stays light."""
    if name == "ScenarioModel":
        from sim.experiments.mesa_model import ScenarioModel

        return ScenarioModel
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
