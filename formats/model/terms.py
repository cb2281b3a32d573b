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
def _terms() -> dict[tuple[str, str], tuple[str, ...]]:
    found: dict[tuple[str, str], tuple[str, ...]] = {}
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
                    head = following.value.value.split(".")[0]  # ids are listed before the first full stop
                    ids = tuple(_TERM.findall(head))
                    if ids:
                        found[(node.name, statement.target.id)] = ids
    return found


# Shared groups list their ids in this order in the docstrings
# (e.g. "BT-35 / BT-50 / BT-64 / BT-75 Address line 1").
#: Classes that serve several groups and list one id per group in their docstrings.
_SHARED_GROUPS = frozenset({"Party", "Address", "Contact", "Period"})
_ROLE_POSITION = {"seller": 0, "buyer": 1, "tax_representative": 2, "delivery": 3, "invoicing_period": 0, "lines": 1}


def term_of(class_name: str, field: str, role: str | None = None) -> str | None:
    """Return the BT/BG id documented for ``class_name.field``, if any.

    Some classes serve several groups: ``Party.name`` is BT-27 for the seller and
    BT-44 for the buyer, ``Address.city`` is BT-37, BT-52, BT-66 or BT-77.

    :param role: the invoice field the value hangs under (``seller``, ``buyer``,
        ``tax_representative``, ``delivery``, ``lines``…), to pick the right id.
    """
    ids = _terms().get((class_name, field))
    if not ids:
        return None
    position = _ROLE_POSITION.get(role or "", 0) if class_name in _SHARED_GROUPS else 0
    if class_name == "AllowanceCharge":
        # "BT-92 / BT-99 / BT-136 / BT-141": document allowance, document charge, line allowance, line charge.
        position = 2 if (role or "").split(":")[0] == "lines" else 0
        if role is not None and role.endswith(":charge"):
            position += 1
    return ids[position] if position < len(ids) else ids[0]
