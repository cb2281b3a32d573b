from __future__ import annotations

from datetime import date, datetime

import pytest

from chorus import ChorusProtocolError, SyntaxeFlux, syntax_for_format
from chorus._payload import Payload, parse_date, parse_datetime
from chorus.records import InvoiceHistory


def test_formats_map_to_syntaxe_flux() -> None:
    assert syntax_for_format("ubl") == "IN_DP_E1_UBL_INVOICE"
    assert syntax_for_format("cii") is SyntaxeFlux.CII_16B
    assert syntax_for_format("facturx") == "IN_DP_E2_CII_FACTURX"
    assert syntax_for_format("edifact-cen") is None


def test_chorus_dates() -> None:
    assert parse_datetime("2026-11-02 14:05") == datetime(2026, 11, 2, 14, 5)
    assert parse_datetime("2026-11-02T23:59:59") == datetime(2026, 11, 2, 23, 59, 59)
    assert parse_date("2026-11-02") == date(2026, 11, 2)
    assert parse_datetime("hier") is None


def test_a_wrong_type_names_the_field() -> None:
    with pytest.raises(ChorusProtocolError, match=r"answer\.idFacture"):
        Payload({"idFacture": [1]}, "answer").opt_int("idFacture")


def test_history_is_sorted_oldest_first_whatever_the_order() -> None:
    body = Payload(
        {
            "historiquesDesStatuts": {
                "histoStatut": [
                    {"histoStatutId": 3, "histoStatutCode": "MANDATEE", "histoStatutDatePassage": "2026-11-05 10:00"},
                    {
                        "histoStatutId": 2,
                        "histoStatutCode": "MISE_A_DISPOSITION",
                        "histoStatutDatePassage": "2026-11-02 09:00",
                    },
                    {"histoStatutId": 1, "histoStatutCode": "DEPOSEE", "histoStatutDatePassage": "2026-11-02 09:00"},
                ]
            }
        },
        "answer",
    )
    history = InvoiceHistory.from_payload(7, body)
    assert [s.status for s in history.statuses] == ["DEPOSEE", "MISE_A_DISPOSITION", "MANDATEE"]
    assert history.invoice_id == 7
