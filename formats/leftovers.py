"""Keep what a reader did not map, and put it back when writing the same syntax.

Readers walk each container's children once and dispatch on the tag; a child
they do not map becomes an :class:`~formats.model.ExtensionElement` through
:func:`capture`. Writers call :func:`restore` on the finished tree: each element
goes back under the same parent, after the same preceding sibling, which keeps
schema order (the source was schema-valid and writers emit elements in schema
order too). Elements are restored in document order, so indices in parent paths
refer to the tree as it is rebuilt.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping

from lxml import etree

from formats.model import ExtensionElement

__all__ = ["capture", "element_path", "restore"]


def _prefixed(tag: str, prefixes: Mapping[str, str]) -> str:
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        prefix = prefixes.get(uri)
        return f"{prefix}:{local}" if prefix else local
    return tag


def element_path(element: etree._Element, prefixes: Mapping[str, str]) -> str:
    """Return the prefixed path of ``element`` with 1-based indices on repeated siblings.

    :param prefixes: namespace URI → prefix, as the writer of this syntax uses them.
    """
    tree = element.getroottree()
    head = "/" + _prefixed(tree.getroot().tag, prefixes)
    if element.getparent() is None:
        return head
    # lxml builds "{uri}A/{uri}B[2]/..." in C, indexing only repeated tags, as this
    # function always did; a sibling scan in Python made capture quadratic in the
    # number of invoice lines (0.5 ms per path at line 900).
    return head + "/" + _prefixed_path(tree.getelementpath(element), prefixes)


_CLARK = re.compile(r"\{([^}]*)\}")


def _prefixed_path(path: str, prefixes: Mapping[str, str]) -> str:
    """Turn the Clark names of an lxml element path into prefixed names (unknown URIs: no prefix)."""
    # One str.replace per known namespace runs in C; the regex with a Python callback
    # per step cost two thirds of a capture. Known URIs hold no braces, so when no brace
    # is left every step was a known namespace and the result equals the regex's.
    fast = path
    for uri, prefix in prefixes.items():
        fast = fast.replace(f"{{{uri}}}", f"{prefix}:" if prefix else "")
    if "{" not in fast:
        return fast
    return _CLARK.sub(lambda match: _namespace_prefix(match.group(1), prefixes), path)


def _namespace_prefix(uri: str, prefixes: Mapping[str, str]) -> str:
    prefix = prefixes.get(uri)
    return f"{prefix}:" if prefix else ""


def _strip_indentation(element: etree._Element) -> etree._Element:
    clone = copy.deepcopy(element)
    clone.tail = None
    for node in clone.iter():
        if node.text is not None and not node.text.strip() and len(node):
            node.text = None
        if node is not clone and node.tail is not None and not node.tail.strip():
            node.tail = None
    return clone


def capture(element: etree._Element, syntax: str, prefixes: Mapping[str, str]) -> ExtensionElement:
    """Turn a source element the reader did not map into an extension record.

    :param syntax: ``ubl`` or ``cii``.
    :param prefixes: namespace URI → prefix for the path (the writer's prefixes).
    """
    parent = element.getparent()
    if parent is None:
        raise ValueError("cannot capture the root element")
    previous = element.getprevious()
    while previous is not None and not isinstance(previous.tag, str):  # skip comments / PIs
        previous = previous.getprevious()  # type: ignore[unreachable]  # lxml-stubs type .tag as str only
    # C14N leaves the tail out, so a childless element (most leftovers: one value) has
    # no indentation to strip and needs no copy; exclusive C14N ignores its ancestors.
    clean = element if len(element) == 0 else _strip_indentation(element)
    xml = etree.tostring(clean, method="c14n", exclusive=True, with_comments=False).decode("utf-8")
    return ExtensionElement(
        syntax=syntax,
        parent=element_path(parent, prefixes),
        after=None if previous is None else _prefixed(previous.tag, prefixes),
        xml=xml,
    )


def restore(
    root: etree._Element,
    extensions: Iterable[ExtensionElement],
    syntax: str,
    namespaces: Mapping[str, str],
) -> list[ExtensionElement]:
    """Insert the extensions of ``syntax`` back into a tree a writer built.

    :param namespaces: prefix → namespace URI, for resolving paths.
    :return: the extensions that could not be placed (their parent is missing);
        the caller reports them as conversion warnings.
    """
    unplaced: list[ExtensionElement] = []
    for ext in extensions:
        if ext.syntax != syntax:
            continue
        found = root.xpath(ext.parent, namespaces=dict(namespaces)) if ext.parent.count("/") > 1 else [root]
        if not found or not isinstance(found, list) or not isinstance(found[0], etree._Element):
            unplaced.append(ext)
            continue
        parent = found[0]
        element = etree.fromstring(ext.xml)
        position = 0
        if ext.after is not None:
            after_tag = _clark(ext.after, namespaces)
            for index, child in enumerate(parent):
                if child.tag == after_tag:
                    position = index + 1
        parent.insert(position, element)
    return unplaced


def _clark(prefixed: str, namespaces: Mapping[str, str]) -> str:
    if ":" in prefixed:
        prefix, local = prefixed.split(":", 1)
        return f"{{{namespaces[prefix]}}}{local}"
    return prefixed
