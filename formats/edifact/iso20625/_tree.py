"""Segment groups: turn a message's flat segment list into its INVOIC D14B group tree.

EDIFACT puts no group markers in the data: a group starts where its trigger
segment (its first one) appears in a position the message structure allows.
Walking the structure once, greedily, is enough because UN/EDIFACT designs every
message so that this is unambiguous.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from formats.edifact.iso20625._d14b import GROUPS
from formats.edifact.segments import Segment
from formats.errors import ParseError

__all__ = ["Group", "group_message"]


@dataclass(frozen=True, slots=True)
class Group:
    """A segment group (``G_SG27``) or the message itself (``M_INVOIC``), with its children in order."""

    name: str
    children: tuple[Segment | Group, ...]

    @property
    def head(self) -> Segment:
        """Return the trigger segment (the group's first child)."""
        first = self.children[0]
        assert isinstance(first, Segment)  # the parser always starts a group with its trigger
        return first

    def segments(self, tag: str) -> Iterator[Segment]:
        """Yield the direct child segments with this tag, in order."""
        return (child for child in self.children if isinstance(child, Segment) and child.tag == tag)

    def segment(self, tag: str) -> Segment | None:
        """Return the first direct child segment with this tag."""
        return next(self.segments(tag), None)

    def groups(self, name: str) -> Iterator[Group]:
        """Yield the direct child groups with this name (``G_SG3``), in order."""
        return (child for child in self.children if isinstance(child, Group) and child.name == name)


def group_message(segments: Sequence[Segment], *, message: str = "M_INVOIC") -> Group:
    """Build the group tree of one message (UNH … UNT included).

    :param message: the structure to follow, a key of the D14B table.
    :raises ParseError: a segment stands where the message structure allows none
        (wrong order, or a segment INVOIC D14B does not have).
    """
    group, index = _parse(message, segments, 0)
    if index < len(segments):
        stray = segments[index]
        raise ParseError(
            f"segment {stray.tag} at position {stray.position or index + 1} is out of place for {message[2:]} D14B"
        )
    return group


def _parse(name: str, segments: Sequence[Segment], index: int) -> tuple[Group, int]:
    children: list[Segment | Group] = []
    for position, (child, _minimum, _maximum) in enumerate(GROUPS[name]):
        if child.startswith("S_"):
            tag = child[2:]
            # Only the trigger is limited (to one): a second trigger starts the next group.
            # Other limits are left to validation, so that a lenient read still succeeds.
            limit = 1 if position == 0 else len(segments)
            count = 0
            while index < len(segments) and segments[index].tag == tag and count < limit:
                children.append(segments[index])
                index += 1
                count += 1
        elif child.startswith("G_"):
            trigger = GROUPS[child][0][0][2:]
            while index < len(segments) and segments[index].tag == trigger:
                group, index = _parse(child, segments, index)
                children.append(group)
    return Group(name, tuple(children)), index
