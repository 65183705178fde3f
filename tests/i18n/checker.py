"""The one check every Swahili page, PDF and export goes through: no English interface word, no raw code
(an action code, a stored snake_case value, a scheme id) and no number written without its thousands
separator. Pages, documents and exports each hand it their visible text."""

import csv
import io
import re
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "sw" / "LC_MESSAGES" / "django.po"

# Words of the English interface (labels, states, grades, statuses, actions) that Swahili output must not
# show, whether they came through the catalogue or were written in a template or in code.
ENGLISH = (
    "Excellent", "Very Good", "Very good", "Negotiation", "In force", "Signed", "Draft", "Status", "Version",
    "Comment", "Recent activity", "Audit trail", "Grade", "Score", "On track", "At risk", "Off track",
    "Performance contract", "Head of institution", "Submitted for review", "Log out", "Contracts",
    "Financial year", "Band table", "What happened", "signed the contract", "Target", "Targets", "Weight",
    "Baseline", "Actual", "Quarter", "Period", "Due", "Overdue", "Submitted", "Approved", "Returned",
    "Reviewed", "Pending", "Verified", "Not verified", "Evidence", "Download", "Export", "Save", "Submit",
    "Cancel", "Search", "Filter", "Any", "None", "Yes", "No", "Open", "Closed", "Close", "Edit", "Delete",
    "Back", "Next", "Previous", "Name", "Title", "Date", "Total", "Average", "Composite", "Rank", "Institution",
    "Officer", "Supervisor", "Director", "Auditor", "Principal", "Appraisal", "Appeal", "Evaluation",
    "Moderation", "Improvement plan", "Training needs", "Charter", "Complaint", "Notifications", "Tasks",
    "Reports", "Dashboard", "League table", "Scorecard", "Perspective", "Objective", "Indicator", "Fair",
    "Poor", "Good", "ago", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "January", "February", "March", "April", "June", "July", "August", "September", "October", "November",
    "December", "a.m.", "p.m.", "green", "amber", "red", "grey", "Not started", "In progress", "Done",
    "Ready", "Queued", "Failed", "Generated", "Requested by", "Page", "of the", "and the",
)

SNAKE = re.compile(r"(?<![\w@/.-])[a-z]+(?:_[a-z0-9]+)+(?![\w@/-])")
BARE_NUMBER = re.compile(r"(?<![\w.,/#:-])\d{4,}(?![\w,/:-]|\.\d)")
HEX = re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{8,}\b|\b\d{12,}\b")
URLISH = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+|/(?:verify|results|contracts|charters)/\S*")


@cache
def action_codes() -> tuple[str, ...]:
    from pmis.activity import ACTIONS

    return tuple(ACTIONS)


@cache
def dotted() -> re.Pattern:
    prefixes = sorted({code.split(".")[0] for code in action_codes()}, key=len, reverse=True)
    return re.compile(rf"(?<![\w.@/])(?:{'|'.join(map(re.escape, prefixes))})\.[a-z_]+(?![\w/])")


@cache
def scheme_ids() -> tuple[str, ...]:
    """Scheme and band-table codes, single words included ("pepmis", "opras")."""
    from scorecards.models import Scheme

    return tuple(sorted({str(s.value) for s in Scheme} | {"kenya_pc", "percent_achievement", "likert_5"}))


@cache
def catalogue_english() -> tuple[str, ...]:
    """Every English message of two words or more that Swahili translates differently: seeing one on a Swahili
    page means a string escaped translation (placeholders and markup left out)."""
    catalog = read_po(CATALOGUE.open("rb"), locale="sw")
    found = set()
    for message in catalog:
        if not message.id or isinstance(message.id, tuple) or message.string == message.id:
            continue
        text = message.id
        if "%" in text or "{" in text or "<" in text or "\n" in text:
            continue
        words = re.findall(r"[A-Za-z]+", text)
        if 2 <= len(words) and len(text) <= 80:
            found.add(text)
    return tuple(sorted(found, key=len, reverse=True))


LOCAL_APPS = ("pmis", "scorecards", "contracts", "appraisals", "evaluations", "charters", "notifications", "reports")


def records() -> tuple[str, ...]:
    """What people typed into the demo (names, designations, descriptions, comments, titles kept as written):
    English by input, not the interface's. A field with a Swahili sibling (``name`` beside ``name_sw``) is
    not among them: where a Swahili form exists, a Swahili page must show it. Longest first."""
    from django.apps import apps
    from django.db import models

    found = set()
    for app in LOCAL_APPS:
        for model in apps.get_app_config(app).get_models():
            names = {f.name for f in model._meta.concrete_fields}
            fields = [f.name for f in model._meta.concrete_fields
                      if isinstance(f, (models.CharField, models.TextField)) and not f.choices
                      and f"{f.name}_sw" not in names and not f.name.endswith(("_sw", "hash", "code", "key"))]
            if fields:
                for row in model.objects.values_list(*fields):
                    found.update(v.strip() for v in row if isinstance(v, str) and len(v.strip()) >= 4)
    from django.contrib.auth import get_user_model

    for first, last in get_user_model().objects.values_list("first_name", "last_name"):
        found.add(f"{first} {last}".strip())
    # A stored grade ("Excellent") or action code is the interface's to label: never taken out.
    interface = set(ENGLISH) | set(catalogue_english())
    found = {v for v in found if len(v) >= 4 and v not in interface and not SNAKE.fullmatch(v)
             and not dotted().fullmatch(v) and not re.fullmatch(r"[a-z]+", v)}
    return tuple(sorted(found, key=len, reverse=True))


def without(text: str, strings) -> str:
    for value in strings:
        if value in text:
            text = text.replace(value, " ¶ ")
    return text


def visible_text(html: str) -> str:
    """What a reader sees: the page's text without scripts, styles, tags (and so attributes) or the language
    picker (it names "English" on purpose)."""
    body = re.search(r"<body.*?</body>", html, re.S)
    text = body.group(0) if body else html
    text = re.sub(r"<(script|style|template)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r'<form[^>]*class="lang-form".*?</form>', " ", text, flags=re.S)
    # An element marked English is English on purpose (the band editor's English grade names beside the Swahili).
    text = re.sub(r'<(\w+)\b[^>]*\blang="en"[^>]*>.*?</\1>', " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    import html as entities

    return re.sub(r"\s+", " ", entities.unescape(text))


def _at(text, m):
    return text[max(0, m.start() - 40):m.end() + 25].replace("\n", " ")


def problems_in(text: str, data: tuple[str, ...] = ()) -> list[str]:
    """``data``: what the records hold (``records()``), taken out before looking."""
    text = without(text, data)
    found = []
    for word in ENGLISH + catalogue_english():
        if word not in text:  # most are absent: the substring test spares the pattern
            continue
        m = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)
        if m:
            found.append(f"English “{word}” in “{_at(text, m)}”")
    plain = URLISH.sub(" ", text)
    found += [f"code “{m.group(0)}” in “{_at(plain, m)}”" for m in dotted().finditer(plain)]
    found += [f"snake_case “{m.group(0)}” in “{_at(plain, m)}”" for m in SNAKE.finditer(plain)]
    found += [f"scheme id “{s}”" for s in scheme_ids() if re.search(rf"(?<![\w-]){s}(?![\w-])", plain)]
    numbers = HEX.sub(" ", plain)
    for m in BARE_NUMBER.finditer(numbers):
        if len(m.group(0)) == 4 and 1990 <= int(m.group(0)) <= 2099 or m.group(0).startswith("0"):
            continue  # a year; a telephone number or a code is not a quantity
        found.append(f"bare number “{m.group(0)}” in “{_at(numbers, m)}”")
    return found


def csv_text(data: bytes) -> tuple[str, list[str]]:
    """A CSV's text cells, and its numbers written as a program leaves them ("1800000000.0")."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    return _cells(cells)


def xlsx_text(data: bytes) -> tuple[str, list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    cells = [sheet.title for sheet in book.worksheets]
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells += [str(v) for v in row if isinstance(v, str)]
    return _cells(cells)


NUMERIC = re.compile(r"-?[\d,]+(?:\.\d+)?%?")
LEFT_OVER = re.compile(r"-?\d+\.0|-?\d+\.\d{5,}")


def _cells(cells):
    """Number cells stay numbers (a spreadsheet groups them), unless written as a float's repr."""
    text = " ".join(cell for cell in cells if not NUMERIC.fullmatch(cell.strip()))
    odd = [f"number as a program writes it “{cell}”" for cell in cells if LEFT_OVER.fullmatch(cell.strip())]
    return text, odd


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    # One line: a record broken over two lines of a table cell is still the record.
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def document_problems(content_type: str, body: bytes, data: tuple[str, ...] = ()) -> list[str]:
    """A download read back: PDF text, a CSV's or a workbook's cells."""
    if "pdf" in content_type:
        return problems_in(pdf_text(body), data)
    if "csv" in content_type:
        text, odd = csv_text(body)
    elif "spreadsheet" in content_type:
        text, odd = xlsx_text(body)
    else:
        return []
    return problems_in(text, data) + odd
