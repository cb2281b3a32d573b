"""APERAK, the application error and acknowledgement message (UN/EDIFACT D.96A layout).

Built: BGM (1225 message function 29 accepted / 27 not accepted), DTM 137,
RFF ACW naming the document answered, then an ERC + FTX AAO pair per error.
Read: the same fields back into :class:`AperakResult`. ERC 9321 codes are
partner-defined; a message is read as rejected when BGM 1225 says 27, or when
1225 is not an acceptance (29, 44, 6) and an ERC carries a code outside
``acknowledgement_codes`` (``1`` by default, the usual "no error" code).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from formats.edifact.segments import Message, Segment
from formats.edifact.syntax import build_message, parse_interchange
from formats.errors import UnsupportedFormat

__all__ = [
    "ACCEPTED",
    "NOT_ACCEPTED",
    "AperakError",
    "AperakResult",
    "build_aperak",
    "read_aperak",
    "read_aperak_interchange",
]

ACCEPTED = "29"
"""UNCL 1225: accepted without amendment."""
NOT_ACCEPTED = "27"
"""UNCL 1225: not accepted."""
_ACCEPTANCES = frozenset({ACCEPTED, "44", "6"})


@dataclass(frozen=True, slots=True)
class AperakError:
    """One ERC (with its FTX) of an APERAK."""

    code: str
    """ERC C901 9321 application error code (partner-defined)."""
    text: str = ""
    """The FTX that follows the ERC, components joined by spaces."""
    code_list: str = ""
    """ERC C901 1131 code list qualifier."""
    agency: str = ""
    """ERC C901 3055 code list responsible agency."""


@dataclass(frozen=True, slots=True)
class AperakResult:
    """A received APERAK, as the gateway needs it for an acknowledgement event."""

    document_number: str
    """BGM 1004: the APERAK's own number."""
    function: str
    """BGM 1225 message function."""
    accepted: bool
    references: tuple[tuple[str, str], ...]
    """RFF (qualifier 1153, reference 1154): the documents answered, ACW first when present."""
    errors: tuple[AperakError, ...] = ()
    issued: str = ""
    """DTM 137 value as sent."""
    document_code: str = ""
    """BGM C002 1001."""

    @property
    def referenced_document(self) -> str:
        """Return the reference of the document answered (RFF ACW, else the first RFF)."""
        for qualifier, value in self.references:
            if qualifier == "ACW":
                return value
        return self.references[0][1] if self.references else ""


def build_aperak(
    *,
    document_number: str,
    referenced_document: str,
    accepted: bool,
    errors: Sequence[AperakError] = (),
    issued: datetime,
    reference: str = "1",
    document_code: str = "",
    release: str = "96A",
) -> Message:
    """Return an APERAK (body only: the writer adds UNH/UNT).

    :param referenced_document: the message or document answered, written as RFF ACW.
    :param errors: the application errors; each becomes ERC + FTX AAO.
    :param issued: the DTM 137 moment (format 203, CCYYMMDDHHMM).
    """
    segments = [
        Segment("BGM", ((document_code,), (document_number,), (ACCEPTED if accepted else NOT_ACCEPTED,))),
        Segment("DTM", (("137", issued.strftime("%Y%m%d%H%M"), "203"),)),
        Segment("RFF", (("ACW", referenced_document),)),
    ]
    for error in errors:
        segments.append(Segment("ERC", ((error.code, error.code_list, error.agency),)))
        if error.text:
            # FTX 4440 is an..512 per component, five components at most.
            chunks = tuple(error.text[i : i + 512] for i in range(0, min(len(error.text), 2560), 512))
            segments.append(Segment("FTX", (("AAO",), ("",), ("",), chunks)))
    return build_message("APERAK", segments, reference=reference, release=release)


def read_aperak(message: Message, *, acknowledgement_codes: Collection[str] = frozenset({"1"})) -> AperakResult:
    """Read an APERAK message.

    :param acknowledgement_codes: ERC codes that mean "no error" for this partner.
    :raises UnsupportedFormat: when the message is not an APERAK or has no BGM.
    """
    if message.type != "APERAK":
        raise UnsupportedFormat(f"message {message.reference} is {message.type or '?'}, not APERAK")
    bgm = next((s for s in message.segments if s.tag == "BGM"), None)
    if bgm is None:
        raise UnsupportedFormat(f"APERAK {message.reference} has no BGM segment")
    references: list[tuple[str, str]] = []
    errors: list[AperakError] = []
    issued = ""
    for segment in message.segments:
        if segment.tag == "RFF":
            references.append((segment.element(0, 0), segment.element(0, 1)))
        elif segment.tag == "DTM" and segment.element(0, 0) == "137" and not errors:
            issued = segment.element(0, 1)
        elif segment.tag == "ERC":
            errors.append(AperakError(segment.element(0, 0), "", segment.element(0, 1), segment.element(0, 2)))
        elif segment.tag == "FTX" and errors and not errors[-1].text:
            text = " ".join(c for c in (segment.elements[3] if len(segment.elements) > 3 else ()) if c)
            last = errors[-1]
            errors[-1] = AperakError(last.code, text, last.code_list, last.agency)
    function = bgm.element(2)
    if function == NOT_ACCEPTED:
        accepted = False
    elif function in _ACCEPTANCES:
        accepted = True
    else:
        accepted = all(e.code in acknowledgement_codes for e in errors)
    return AperakResult(
        document_number=bgm.element(1),
        function=function,
        accepted=accepted,
        references=tuple(references),
        errors=tuple(errors),
        issued=issued,
        document_code=bgm.element(0, 0),
    )


def read_aperak_interchange(
    data: bytes, *, acknowledgement_codes: Collection[str] = frozenset({"1"})
) -> tuple[AperakResult, ...]:
    """Read every APERAK of an interchange (leniently, like :func:`~formats.edifact.contrl.read_contrl_interchange`).

    :raises EdifactSyntaxError: when the interchange cannot be read at all.
    :raises UnsupportedFormat: when it holds no APERAK.
    """
    interchange = parse_interchange(data)
    results = tuple(
        read_aperak(m, acknowledgement_codes=acknowledgement_codes) for m in interchange.messages if m.type == "APERAK"
    )
    if not results:
        raise UnsupportedFormat(f"interchange {interchange.control_reference} holds no APERAK message")
    return results
