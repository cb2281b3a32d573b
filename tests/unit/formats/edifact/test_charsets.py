"""formats.edifact.syntax.charsets: syntax identifiers, repertoires and transliteration."""

from __future__ import annotations

import pytest

from formats.edifact.syntax import CHARSETS, charset_for, transliterate


@pytest.mark.parametrize(
    ("syntax_id", "codec"),
    [("UNOA", "ascii"), ("UNOB", "ascii"), ("UNOC", "latin-1"), ("UNOW", "utf-8"), ("UNOY", "utf-8")],
)
def test_codecs(syntax_id: str, codec: str) -> None:
    charset = charset_for(syntax_id)
    assert charset is not None and charset.codec == codec


def test_unknown_identifier() -> None:
    assert charset_for("UNOZ") is None and "UNOZ" not in CHARSETS


@pytest.mark.parametrize(
    ("syntax_id", "text", "expected"),
    [
        ("UNOB", "é à ç ñ ü", "e a c n u"),
        ("UNOA", "é à ç", "E A C"),
        ("UNOA", "Straße 5", "STRASSE 5"),
        ("UNOB", "Œuvre – “x”", 'OEuvre - "x"'),
        ("UNOB", "中", "."),
        ("UNOC", "Łódź é", "Lódz é"),
        ("UNOW", "中 é", "中 é"),
    ],
)
def test_transliterate(syntax_id: str, text: str, expected: str) -> None:
    charset = CHARSETS[syntax_id]
    assert transliterate(text, charset) == expected
    assert charset.can_hold(expected)


def test_unoa_repertoire() -> None:
    unoa = CHARSETS["UNOA"]
    assert unoa.can_hold("ABC 123 .,-()/='+:?!\"%&*;<>")
    assert not unoa.can_hold("abc") and not unoa.can_hold("@") and not unoa.can_hold("É")
    assert CHARSETS["UNOB"].can_hold("abc@[]{}~") and not CHARSETS["UNOB"].can_hold("é")
