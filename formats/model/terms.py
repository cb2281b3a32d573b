"""Which business term each model field carries, read from the model's own docstrings.

Every model field is documented with its BT/BG id (``BT-27 Seller name``). Rather
than repeating those ids in a second table that could drift, this module reads
them from the source once, so diffs and reports can name the term.
"""

from __future__ import annotations

import ast
import inspect
import re
from functools import cache

from formats.model import common, extension, invoice, lines, parties

__all__ = ["term_of"]

_TERM = re.compile(r"\b(B[TG]-\d+(?:-\d+)?)\b")


@cache
def _terms() -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for module in (common, extension, invoice, lines, parties):
        tree = ast.parse(inspect.getsource(module))
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            body = node.body
            for index, statement in enumerate(body[:-1]):
                following = body[index + 1]
                if (
                    isinstance(statement, ast.AnnAssign)
                    and isinstance(statement.target, ast.Name)
                    and isinstance(following, ast.Expr)
                    and isinstance(following.value, ast.Constant)
                    and isinstance(following.value.value, str)
                ):
                    match = _TERM.search(following.value.value)
                    if match:
                        found[(node.name, statement.target.id)] = match.group(1)
    return found


def term_of(class_name: str, field: str) -> str | None:
    """Return the first BT/BG id documented for ``class_name.field``, if any.

    Fields shared by several groups (``Party.name`` is BT-27 for the seller and
    BT-44 for the buyer) return the first id; callers add the path for context.
    """
    return _terms().get((class_name, field))
