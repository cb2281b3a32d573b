"""formats.edifact.control_numbers: one sequence per sender/recipient pair."""

from __future__ import annotations

import threading

import pytest

from formats.edifact.control_numbers import MAX_CONTROL_NUMBER, ControlNumbers, InMemoryControlNumbers


def test_one_sequence_per_pair() -> None:
    numbers: ControlNumbers = InMemoryControlNumbers()
    assert [numbers.next_reference("A", "B") for _ in range(3)] == ["1", "2", "3"]
    assert numbers.next_reference("A", "C") == "1"
    assert numbers.next_reference("B", "A") == "1"
    assert numbers.next_reference("A", "B") == "4"


def test_padding_and_wrap() -> None:
    numbers = InMemoryControlNumbers(start=MAX_CONTROL_NUMBER, width=8)
    assert numbers.next_reference("A", "B") == str(MAX_CONTROL_NUMBER)
    assert numbers.next_reference("A", "B") == "00000001"
    with pytest.raises(ValueError, match="width"):
        InMemoryControlNumbers(width=15)


def test_no_duplicates_across_threads() -> None:
    numbers = InMemoryControlNumbers()
    seen: list[str] = []

    def take() -> None:
        for _ in range(200):
            seen.append(numbers.next_reference("A", "B"))

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(int, seen)) == list(range(1, 801))
