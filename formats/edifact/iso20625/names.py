"""Read and build segments by ISO 20625 element names instead of positions.

``value(nad, "C_C080", "D_3036")`` says which data element it means; ``nad.element(3, 0)``
does not. The positions come from the D14B table, so a binding cannot get one wrong.
"""

from __future__ import annotations

from collections.abc import Mapping

from formats.edifact.iso20625._d14b import COMPOSITES, SEGMENTS
from formats.edifact.segments import Segment

__all__ = ["build_segment", "value"]

#: An element's value when building: text for a simple element, component name → text for a composite.
ElementValue = str | Mapping[str, str | None] | None


def value(segment: Segment, element: str, component: str | None = None) -> str:
    """Return one data element (or one component of a composite) by name, ``""`` when absent.

    :param element: ``D_xxxx`` or ``C_xxxx`` as in the segment's D14B layout.
    :param component: for a composite, the ``D_xxxx`` inside it.
    :raises KeyError: the name is not part of the segment (a bug in the binding, not in the data).
    """
    index = SEGMENTS[segment.tag].index(element)
    if component is None:
        return segment.element(index)
    return segment.element(index, COMPOSITES[element].index(component))


def build_segment(tag: str, values: Mapping[str, ElementValue]) -> Segment:
    """Build a segment from element names; ``None`` and ``""`` values are left out.

    :raises KeyError: a name is not part of the segment's D14B layout.
    """
    names = SEGMENTS[tag]
    elements: list[tuple[str, ...]] = [()] * len(names)
    for name, given in values.items():
        index = names.index(name)
        if given is None or given == "":
            continue
        if isinstance(given, str):
            elements[index] = (given,)
            continue
        components = COMPOSITES[name]
        parts = [""] * len(components)
        for component, text in given.items():
            parts[components.index(component)] = text or ""
        while parts and not parts[-1]:
            parts.pop()
        elements[index] = tuple(parts)
    while elements and not any(elements[-1]):
        elements.pop()
    return Segment(tag, tuple(elements))
