"""One owner per piece of state: no attribute of the model or of a negotiator is assigned
outside its own class (its class and the parts it is made of). Everyone else changes them by
calling the owner's methods, so following one day through the code visits each owner once."""

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
# the state a test may not assign: every attribute the model, a negotiator or the truce sets on
# itself, and Mesa's random source of the model
TRUCE = ("Truce",)
EXTRA = {"random"}
# (test file, attribute): assignments allowed, each with its reason
ALLOWED_IN_TESTS: dict[tuple[str, str], str] = {}


def _owned_anywhere() -> set[str]:
    classes = _classes()
    names = set(EXTRA)
    for cls in (*OWNERS["NegotiationModel"], *OWNERS["Negotiator"], *TRUCE):
        for node in ast.walk(classes[cls]):
            if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                    and isinstance(node.value, ast.Name) and node.value.id == "self"):
                names.add(node.attr)
    return names


def _test_stores(tree: ast.AST) -> list[tuple[int, ast.Attribute]]:
    """``_stores`` and ``monkeypatch.setattr(x, "a", ...)``."""
    out = _stores(tree)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "setattr" and len(node.args) == 3
                and isinstance(node.args[1], ast.Constant)):
            out.append((node.lineno, ast.Attribute(node.args[0], node.args[1].value,
                                                   ast.Store())))
    return out


def _assignments_in_tests() -> list[tuple[str, int, str]]:
    owned = _owned_anywhere()
    found = []
    for path in sorted(TESTS.glob("*.py")):
        for line, node in _test_stores(ast.parse(path.read_text())):
            if node.attr in owned and (path.name, node.attr) not in ALLOWED_IN_TESTS:
                found.append((path.name, line, f"{ast.unparse(node.value)}.{node.attr}"))
    return found


def test_no_test_assigns_the_state_of_a_model_a_negotiator_or_the_truce():
    """Tests build their states through public constructors and methods (a scenario's values,
    ``NegotiationModel(..., day=)``, ``step``, the truce's and negotiators' methods), so a test
    never pins a state the engine cannot reach."""
    found = _assignments_in_tests()
    assert not found, "tests assigning owned state:\n" + "\n".join(
        f"tests/{f}:{line}: {target}" for f, line, target in found)
