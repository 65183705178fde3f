"""Two languages from day one: the Swahili catalogue is complete and compiled."""

from pathlib import Path

from babel.messages.pofile import read_po
from django.utils import translation

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "sw" / "LC_MESSAGES" / "django.po"


def test_every_swahili_message_is_translated_and_not_fuzzy():
    catalog = read_po(CATALOGUE.open("rb"), locale="sw")
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            problems.append(message.id)
    assert not problems, f"untranslated or fuzzy in sw: {problems}"


def test_compiled_catalogue_is_used():
    with translation.override("sw"):
        assert translation.gettext("Log in") == "Ingia"


# ---------------------------------------------------------------------------------------------
# Swahili pages, PDFs and exports of the four journeys: no English interface word, code or bare number

import csv  # noqa: E402
import io  # noqa: E402
import re  # noqa: E402

from django.urls import reverse  # noqa: E402

# Words of the English interface (labels, states, grades, actions) that a Swahili page must not show.
ENGLISH = ("Excellent", "Very Good", "Negotiation", "In force", "Signed", "Draft", "Status", "Version",
           "Comment", "Recent activity", "Audit trail", "Grade", "Score", "On track", "At risk", "Off track",
           "Performance contract", "Head of institution", "Submitted for review", "Log out", "Contracts",
           "Financial year", "Band table", "What happened", "signed the contract")
SCHEMES = ("kenya_pc", "percent_achievement", "likert_5", "pepmis", "opras")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
DOTTED = re.compile(r"\b(?:contract|target|appraisal|charter|progress_entry|security|role|band_table)\.[a-z_]+\b")
BARE_NUMBER = re.compile(r"(?<![\w.,/-])\d{5,}(?![\w.,/-])")


def visible_text(html: str) -> str:
    main = re.search(r"<main.*?</main>", html, re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", main.group(0) if main else html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text)


def problems_in(text: str) -> list[str]:
    found = [f"English “{m.group(0)}” in “{text[max(0, m.start() - 40):m.end() + 20]}”" for w in ENGLISH
             for m in [re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)] if m]
    found += [f"code “{m}”" for m in DOTTED.findall(text)]
    found += [f"snake_case “{m}”" for m in SNAKE.findall(text)]
    found += [f"scheme id “{s}”" for s in SCHEMES if re.search(rf"\b{s}\b", text)]
    found += [f"bare number “{m}”" for m in BARE_NUMBER.findall(re.sub(r"\b[0-9a-f]{12,}\b", " ", text))]
    return found


def test_the_four_journeys_pages_pdfs_and_exports_read_in_swahili(demo, as_user, media):
    from contracts.documents import pdf
    from contracts.models import PerformanceContract
    from pmis.models import AuditEvent, FinancialYear
    from tests.contracts.helpers_documents import pdf_text

    ministry = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    plan = PerformanceContract.objects.filter(institution=demo.water, officer=demo.officer).first()
    year = FinancialYear.objects.get(institution=demo.water, is_current=True)
    event = AuditEvent.objects.filter(institution=demo.water, action="contract.signature").first()
    # The trail's sentences about contracts (an object's name is kept as it was written when it was recorded).
    audit_list = reverse("audit-event-list") + "?ct=contracts.performancecontract"
    journeys = {
        "officer": ["/", reverse("contract-list"), reverse("contract-detail", args=[plan.pk]),
                    reverse("contract-scorecard", args=[plan.pk])],
        "head": ["/", reverse("contract-detail", args=[ministry.pk]), reverse("contract-scorecard", args=[ministry.pk]),
                 reverse("contract-versions", args=[ministry.pk]), audit_list],
        "perfdept": ["/", reverse("league-table"), reverse("institution-dashboard", args=[demo.water.pk]),
                     reverse("scorecard-framework", args=[year.pk])],
        "auditor": ["/", audit_list, reverse("audit-event-detail", args=[event.pk]),
                    reverse("contract-detail", args=[ministry.pk])],
    }
    found = {}
    for user, paths in journeys.items():
        client = as_user(demo.users[user])
        client.cookies["django_language"] = "sw"
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (user, path)
            if bad := problems_in(visible_text(response.content.decode())):
                found[f"{user} {path}"] = bad
        client.logout()

    client = as_user(demo.users["perfdept"])
    client.cookies["django_language"] = "sw"
    for name, args in (("league-export-csv", []), ("institution-export-csv", [demo.water.pk])):
        rows = list(csv.reader(io.StringIO(client.get(reverse(name, args=args), {"period": 2}).content.decode())))
        text = " ".join(cell for row in rows[1:] for cell in row if not re.fullmatch(r"-?[\d.]+", cell))
        if bad := problems_in(text):
            found[name] = bad

    from django.utils import translation

    with translation.override("sw"):
        text, _ = pdf_text(pdf.render_contract_pdf(ministry))
    if bad := [p for p in problems_in(text) if not p.startswith("bare number")]:
        found["contract PDF"] = bad
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())
