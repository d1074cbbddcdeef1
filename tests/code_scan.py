"""Reading a module's code as words, for tests that check what the package names (scenario =
data: no country, person, year or lever in the engine)."""

from __future__ import annotations

import ast
from pathlib import Path


def code_words(path: Path) -> str:
    """Identifiers, attributes and string literals of a module, without its docstrings and
    comments, lower case and joined by spaces."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)}
    words = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            words.append(node.id)
        elif isinstance(node, ast.Attribute):
            words.append(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docstrings:
            words.append(node.value)
    return " ".join(words).lower()
