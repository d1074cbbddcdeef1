"""One owner per piece of state: no attribute of the model or of a negotiator is assigned
outside its own class (its class and the parts it is made of). Everyone else changes them by
calling the owner's methods, so following one day through the code visits each owner once.
Tests too: they build their states through public constructors and methods, never by assigning
the model's, a negotiator's or the truce's state."""

from __future__ import annotations

import ast
from pathlib import Path

SIM = Path(__file__).resolve().parent.parent / "sim"
ENGINE = SIM / "engine"
# class -> the classes whose bodies are its own (a part it inherits from)
OWNERS = {"NegotiationModel": ("NegotiationModel", "Timeline"),
          "Negotiator": ("Negotiator", "Delivery", "Watching")}
# attribute stores on something that is neither the model nor a negotiator, by module: the
# firms of a constituency restocked in one loop (``constituents.restock``)
NOT_OWNED_BASES = {("constituents.py", "firm")}


def _classes() -> dict[str, ast.ClassDef]:
    out = {}
    for path in ENGINE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                out[node.name] = node
    return out


def _own_attributes(owner: str) -> set[str]:
    """Every ``self.<name>`` its class bodies assign."""
    classes = _classes()
    names = set()
    for cls in OWNERS[owner]:
        for node in ast.walk(classes[cls]):
            if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                    and isinstance(node.value, ast.Name) and node.value.id == "self"):
                names.add(node.attr)
    return names


def _stores(tree: ast.AST) -> list[tuple[int, ast.Attribute]]:
    """Attribute stores (``x.a = ``, ``x.a += ``, ``x.a, y = ``) whose object is not ``self``,
    and ``setattr(x, "a", ...)``."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del):
            if not (isinstance(node.value, ast.Name) and node.value.id == "self"):
                out.append((node.lineno, node))
        elif (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "setattr"
              and node.args and not (isinstance(node.args[0], ast.Name)
                                     and node.args[0].id == "self")
              and isinstance(node.args[1], ast.Constant)):
            out.append((node.lineno, ast.Attribute(node.args[0], node.args[1].value, ast.Store())))
    return out


def test_the_owners_have_the_state_this_test_guards():
    assert {"day", "truce", "news", "entries", "status"} <= _own_attributes("NegotiationModel")
    assert {"trust", "pressure", "mandate", "audience", "awaiting", "halted", "held_back",
            "last_measure_day"} <= _own_attributes("Negotiator")


def test_no_attribute_of_the_model_or_a_negotiator_is_assigned_outside_its_class():
    owned = _own_attributes("NegotiationModel") | _own_attributes("Negotiator")
    found = []
    for path in sorted(SIM.rglob("*.py")):
        for line, node in _stores(ast.parse(path.read_text())):
            base = ast.unparse(node.value)
            if node.attr in owned and (path.name, base) not in NOT_OWNED_BASES:
                found.append(f"{path.relative_to(SIM.parent)}:{line}: {base}.{node.attr}")
    assert not found, "assigned outside its owner's class:\n" + "\n".join(found)


def test_the_scan_sees_an_assignment_from_outside(tmp_path):
    """The scan itself: a helper that sets a negotiator's trust is caught."""
    tree = ast.parse("def reassure(n):\n    n.trust += 0.1\n    setattr(n, 'mandate', 0)\n")
    assert [node.attr for _, node in _stores(tree)] == ["trust", "mandate"]


# the page's reactive variables (solara), whose ``value`` is theirs to set
REACTIVE = {"state.tick", "state.session", "state.side", "state.code"}


def test_a_levers_value_is_set_only_through_its_own_method():
    """``Lever.value`` is a plain attribute (read many times a day) that ``Lever.set`` keeps
    with ``restrictiveness``: a store anywhere else, in the package or a test, would part them."""
    found = []
    for path in [*sorted(SIM.rglob("*.py")), *sorted(Path(__file__).parent.glob("*.py"))]:
        for line, node in _stores(ast.parse(path.read_text())):
            base = ast.unparse(node.value)
            if node.attr == "restrictiveness" or (node.attr == "value" and base not in REACTIVE):
                found.append(f"{path.name}:{line}: {base}.{node.attr}")
    assert not found, "a lever's value set past Lever.set:\n" + "\n".join(found)


def test_logging_changes_nothing_but_the_narrative_and_the_news():
    """``log`` is pure: it appends a line and adds to the day's news (it used to also set the
    days of the last measure and signing as a side effect)."""
    log = next(n for n in ast.walk(_classes()["Timeline"])
               if isinstance(n, ast.FunctionDef) and n.name == "log")
    stored = {node.attr for node in ast.walk(log)
              if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)}
    assert stored == {"news"}


# --- the tests build their states through public constructors and methods too ------------------
TESTS = Path(__file__).resolve().parent
# What a test may not assign: every attribute the model, a negotiator or the truce sets on
# itself (their classes and parts), their methods (an instance's method replaced), and Mesa's
# random source of the model. The rule goes by attribute name, whatever the object's name, so a
# test cannot dodge it by naming its model differently.
OWNED_BY_TESTS = (*OWNERS["NegotiationModel"], *OWNERS["Negotiator"], "Truce")
MESA_OWNED = {"random"}
# (test file, assigned target as written): assignments allowed, each with its reason (none
# today: every state the tests need has a public way to it)
ALLOWED_IN_TESTS: dict[tuple[str, str], str] = {}


def _owned_by_name() -> set[str]:
    classes = _classes()
    names = set(MESA_OWNED)
    for cls in OWNED_BY_TESTS:
        for node in ast.walk(classes[cls]):
            if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                    and isinstance(node.value, ast.Name) and node.value.id == "self"):
                names.add(node.attr)
        names |= {f.name for f in classes[cls].body if isinstance(f, ast.FunctionDef)
                  and not f.name.startswith("__")}
    return names


def _test_stores(tree: ast.AST) -> list[tuple[int, ast.Attribute]]:
    """``_stores``, and ``monkeypatch.setattr(x, "a", ...)``, ``object.__setattr__(x, "a", ...)``
    and ``x.__dict__["a"] = ...`` (or ``vars(x)["a"] = ...``)."""
    out = _stores(tree)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("setattr", "__setattr__") and len(node.args) >= 3
                and isinstance(node.args[1], ast.Constant)):
            out.append((node.lineno, ast.Attribute(node.args[0], node.args[1].value,
                                                   ast.Store())))
        elif (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store)
              and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
            inner = node.value
            if isinstance(inner, ast.Attribute) and inner.attr == "__dict__":
                out.append((node.lineno, ast.Attribute(inner.value, node.slice.value,
                                                       ast.Store())))
            elif (isinstance(inner, ast.Call) and getattr(inner.func, "id", "") == "vars"
                  and inner.args):
                out.append((node.lineno, ast.Attribute(inner.args[0], node.slice.value,
                                                       ast.Store())))
    return out


def _assignments_in(path: Path, source: str, owned: set[str]) -> list[str]:
    found = []
    for line, node in _test_stores(ast.parse(source)):
        target = f"{ast.unparse(node.value)}.{node.attr}"
        if node.attr in owned and (path.name, target) not in ALLOWED_IN_TESTS:
            found.append(f"tests/{path.name}:{line}: {target}")
    return found


def test_the_owned_names_cover_the_state_the_tests_used_to_assign():
    assert {"day", "news", "pending", "columns", "random", "log", "trust", "pressure", "mandate",
            "behaviour", "utility", "grievance", "threats_issued", "last_sign_day",
            "freeze_until"} <= _owned_by_name()


def test_no_test_assigns_the_state_of_a_model_a_negotiator_or_the_truce():
    """Tests build their states through public constructors and methods: a scenario's values
    (behaviour, priorities, meetings), ``NegotiationModel(..., day=)``, ``step``, and the
    truce's and the negotiators' own methods (``sign``, ``promise_talks``, ``feel``, ...), so a
    test never pins a state the engine could not reach."""
    owned = _owned_by_name()
    found = []
    for path in sorted(TESTS.glob("*.py")):
        found += _assignments_in(path, path.read_text(), owned)
    assert not found, "a test assigns owned state:\n" + "\n".join(found)


def test_the_test_scan_sees_every_form_of_assignment():
    """The scan itself, on a test written the old way, whatever its variables are called."""
    source = ("def test_old(baseline, monkeypatch):\n"
              "    world = NegotiationModel(baseline)\n"
              "    world.day = 20\n"
              "    world.truce.last_sign_day = 3\n"
              "    us = world.negotiators['us']\n"
              "    us.trust, us.pressure = 0.5, 0.0\n"
              "    us.behaviour = replace(us.behaviour, resolve=0.5)\n"
              "    setattr(us, 'mandate', 0.0)\n"
              "    monkeypatch.setattr(world, 'log', print)\n"
              "    world.__dict__['news'] = 0.0\n"
              "    vars(world)['random'] = None\n"
              "    world.levers['x'].order = 1.0\n")  # a lever's: not the model's own
    found = _assignments_in(Path("test_old.py"), source, _owned_by_name())
    assert sorted(f.split(": ", 1)[1] for f in found) == sorted([
        "world.day", "world.truce.last_sign_day", "us.trust", "us.pressure", "us.behaviour",
        "us.mandate", "world.log", "world.news", "world.random"])
