"""The check itself: what it must catch and what it must let through (so a clean page means something)."""

import pytest

from tests.i18n import checker


@pytest.mark.parametrize("text, caught", [
    ("Shughuli: contract.submit", "code “contract.submit”"),
    ("Hali: ready_to_sign", "snake_case “ready_to_sign”"),
    ("Jedwali kenya_pc", "scheme id “kenya_pc”"),
    ("Miche 22000", "bare number “22000”"),
    ("Kiasi 1800000000", "bare number “1800000000”"),
    ("Daraja: Very Good", "English “Very Good”"),
    ("Hali: In force", "English “In force”"),
    ("Dec. 6, 2026, 2:02 p.m.", "English “p.m.”"),
])
def test_catches(text, caught):
    assert any(p.startswith(caught) for p in checker.problems_in(text)), checker.problems_in(text)


@pytest.mark.parametrize("text", [
    "Mwaka 2026/27, robo 2", "Miche 22,000", "Simu 0722000111", "#337 6 Disemba 2026, 14:03",
    "https://pmis.example/verify/abc_def.ghi/", "Alama 2.4563", "SHA-256 2040c7b8845933e8…",
])
def test_lets_through(text):
    assert checker.problems_in(text) == []


def test_records_are_taken_out_but_not_the_interface():
    records = ("Ministry of Water, Sanitation and Irrigation",)
    assert checker.problems_in("Ministry of Water, Sanitation and Irrigation", records) == []
    assert checker.problems_in("Status ya Ministry of Water, Sanitation and Irrigation", records)


def test_spreadsheet_numbers_as_a_program_writes_them():
    assert checker.csv_text(b"Jina,Kiasi\nA,1800000000.0\nB,\"22,000\"\n")[1] == [
        "number as a program writes it “1800000000.0”"]
