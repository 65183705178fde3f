"""The contract PDF: what it shows, how it is rendered, and how a page asks for it.

``render_contract_pdf`` turns a contract into an A4 PDF with WeasyPrint from the template
``contracts/pdf/contract.html``. A fully signed version prints its *stored* content — exactly
what the parties signed — with the signatures, the SHA-256 and a QR code to the public
verification page; anything else prints the live content marked DRAFT with the live fingerprint.

Views ask for a PDF through ``printing.request_document``, which queues the Celery task
``contracts.tasks.render_contract_document``; the task renders with this module.
"""

import datetime
import gc
import logging
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import segno
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pmis import addresses
from scorecards.grades import grade_label, table_label
from scorecards.models import Perspective, Scheme
from scorecards.naming import perspective_label

from ..cycle import content as canonical
from ..cycle.signing import ROLE_OF_SIDE
from ..models import ContractDocument, ContractVersion, PerformanceContract, Signature

CRITERIA = ("excellent", "very_good", "good", "fair", "poor")
TEMPLATE = "contracts/pdf/contract.html"
STYLESHEET = "contracts/pdf/contract.css"  # the print stylesheet, shared by every render (see _weasyprint)


# ---------------------------------------------------------------------------------------------
# What the document prints


@dataclass
class Group:
    name: str
    targets: list = field(default_factory=list)
    weight: Decimal = Decimal(0)
    declared_weight: Decimal | None = None

    @property
    def label(self) -> str:
        """The name as printed, in the document's language (the signed text keeps the name as stored)."""
        return perspective_label(self.name)


@dataclass
class Printable:
    """Everything the PDF shows, decided once: which content, which hash, signed or draft."""

    contract: PerformanceContract
    content: dict
    content_hash: str
    version: ContractVersion | None  # the version row for contract.version, if vetting created one
    signed: bool  # the version is fully signed and its stored content is what prints
    signatures: list

    @property
    def signed_at(self):
        return self.version.signed_at if self.signed else None


class Superseded(Exception):
    """An earlier version that was never vetted: there is nothing left to print for it."""


def printable(contract, number=None) -> Printable:
    """What the PDF of version ``number`` (default: the contract's current one) prints."""
    number = contract.version if number is None else number
    version = ContractVersion.objects.filter(contract=contract, number=number).first()
    if version is not None and version.signed_at is not None:
        signatures = list(Signature.objects.filter(version=version).order_by("signed_at"))
        return Printable(contract, version.content, version.content_hash, version, True, signatures)
    if number != contract.version:
        if version is None:
            raise Superseded(number)
        signatures = list(Signature.objects.filter(version=version).order_by("signed_at"))
        return Printable(contract, version.content, version.content_hash, version, False, signatures)
    data = canonical.contract_content(contract)
    signatures = list(Signature.objects.filter(version=version).order_by("signed_at")) if version else []
    return Printable(contract, data, canonical.fingerprint(data), version, False, signatures)


def verify_url(code, base=None) -> str:
    """The public verification page of a signed version, on ``base`` (see ``pmis.addresses``)."""
    return (base or addresses.public_base()).rstrip("/") + reverse("contract-verify", args=[code])


def _date(value):
    """A content date ("2026-12-28") as the PDF prints dates (28 December 2026); "" when none."""
    if not value:
        return ""
    try:
        return date_format(datetime.date.fromisoformat(value), "j F Y")
    except ValueError:
        return str(value)


def _number(value):
    """Plain content numbers ("1800000000", "95.5") printed with thousands separators."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def _groups(contract, targets) -> list[Group]:
    """Targets grouped by perspective / criteria category, in the year's category order."""
    perspectives = {} if contract.financial_year_id is None else {  # None: the warm-up specimen
        p.name: p for p in Perspective.objects.filter(financial_year_id=contract.financial_year_id)}
    groups = OrderedDict()
    for target in targets:
        name = target.get("perspective") or ""
        groups.setdefault(name, Group(name=name))
        group = groups[name]
        group.targets.append(target)
        group.weight += Decimal(str(target.get("weight") or 0))
    for group in groups.values():
        if group.name in perspectives:
            group.declared_weight = perspectives[group.name].weight

    def order(group):
        found = perspectives.get(group.name)
        return (0, found.order, found.pk) if found else (1, 0, 0)

    return sorted(groups.values(), key=order)


def _target_rows(targets, with_criteria=True):
    rows = []
    for number, target in enumerate(targets, start=1):
        rows.append({
            "number": number,
            "description": target["description"],
            "indicator": target.get("indicator") or "",
            "objective": target.get("objective") or "",
            "unit": target.get("unit") or "",
            "lower_is_better": target.get("direction") == "lower",
            "weight": _number(target.get("weight")),
            "baseline": _number(target.get("baseline")),
            "target": _number(target.get("target")),
            "criteria": [_number((target.get("criteria") or {}).get(level)) for level in CRITERIA]
            if with_criteria else [],
            "budget": _number(target.get("budget")),
            "activities": target.get("activities") or [],
            "quarters": [_number(value) for value in canonical.quarters_of(target)],
            "expected_date": _date(target.get("expected_date")),
        })
    return rows


def _commitments(level, performer_role, counterparty_role):
    return [
        (performer_role, _(
            "The %(role)s commits to deliver the targets set out in this contract with the resources "
            "allocated, to report progress every quarter with evidence, and to account for any variance "
            "at the mid-year review and at the end of the financial year.") % {"role": performer_role}),
        (counterparty_role, _(
            "The %(role)s commits to provide the policy direction, resources and timely decisions the "
            "targets depend on, to review the quarterly reports, and to evaluate performance fairly "
            "against the criteria values agreed here.") % {"role": counterparty_role}),
    ]


def _lower_is_better(scheme) -> bool:
    from scorecards import scoring

    engine = scoring.SCHEMES.get(scheme)
    return engine is not None and engine.direction == scoring.LOWER_IS_BETTER


def watermark_uri(word) -> str:
    """A faint diagonal word as an SVG data URI, centred on every page whatever its orientation."""
    import base64
    from xml.sax.saxutils import escape

    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800" viewBox="0 0 800 800">'
        '<text x="400" y="400" transform="rotate(-40 400 400)" text-anchor="middle" dominant-baseline="middle" '
        'font-family="Liberation Sans, DejaVu Sans, sans-serif" font-weight="bold" font-size="190" '
        f'letter-spacing="12" fill="#8a1c1c" fill-opacity="0.09">{escape(word)}</text></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def context_for(doc: Printable, base=None) -> dict:
    contract = doc.contract
    data = doc.content
    head = data["contract"]
    level = head.get("level", contract.level)
    performer_role = str(ROLE_OF_SIDE[(level, "performer")])
    counterparty_role = str(ROLE_OF_SIDE[(level, "counterparty")])
    groups = _groups(contract, data["targets"])
    # Criteria values are what a kenya_pc contract is scored against; a plan scored another way has
    # none, and five empty columns a row would only crowd the matrix.
    criteria = any((t.get("criteria") or {}).get(level) not in (None, "") for t in data["targets"]
                   for level in CRITERIA)
    numbered = 0
    for group in groups:
        group.rows = _target_rows(group.targets, criteria)
        for row in group.rows:
            numbered += 1
            row["number"] = numbered
    signed_by = {s.side: s for s in doc.signatures}
    parties = [
        {"side": "performer", "role": performer_role, "person": head.get("performer"),
         "signature": signed_by.get("performer")},
        {"side": "counterparty", "role": counterparty_role, "person": head.get("counterparty"),
         "signature": signed_by.get("counterparty")},
    ]
    qr, link = None, None
    if doc.version is not None:
        try:
            link = verify_url(doc.version.verify_code, base)
        except NoReverseMatch:  # the public page is not wired in this deployment
            link = None
        if link:
            qr = segno.make(link, error="m").svg_data_uri(scale=4, border=2, dark="#0f1720")
    return {
        "contract": contract,
        "head": head,
        "institution_name": head["institution"]["name"],
        "party": head.get("party"),
        "level_label": contract.Level(level).label if level in contract.Level.values else level,
        "parties": parties,
        "commitments": _commitments(level, performer_role, counterparty_role),
        "groups": groups,
        "target_count": len(data["targets"]),
        "weight_total": _number(sum((g.weight for g in groups), Decimal(0))),
        "content_hash": doc.content_hash,
        "signed": doc.signed,
        "watermark": None if doc.signed else watermark_uri(_("DRAFT")),
        "signed_at": doc.signed_at,
        "version_number": head.get("version", contract.version),
        "verify_link": link,
        "qr": qr,
        "generated_at": timezone.localtime(),
        "scheme_label": Scheme(head["scheme"]).label if head.get("scheme") in Scheme.values else head.get("scheme"),
        "lower_is_better": _lower_is_better(head.get("scheme")),
        "bands": [{**band, "label": grade_label(band.get("grade"), head.get("bands"))}
                  for band in head.get("bands") or []],
        "band_table_name": table_label((head.get("band_table") or {}).get("name", "")),
        "emblem": addresses.emblem_uri(contract.institution) if contract.institution_id else None,
        "criteria_labels": [_("Excellent"), _("Very good"), _("Good"), _("Fair"), _("Poor")] if criteria else [],
        "matrix_columns": 5 + (len(CRITERIA) if criteria else 0),
    }


# The template engine the document is rendered with.
_engine = None
_engine_lock = threading.Lock()


def template_engine():
    """The project's template directories with one tag library, ``i18n``: all the PDF loads.

    The project's own engine imports every installed app's template tags when it starts (Django REST
    framework's alone bring ~190 modules, ~7 MB), which a worker that renders PDFs never uses.
    Templates are compiled once per process, as the project's engine does; under ``runserver`` an
    edited template is read again (``_template_changed``).
    """
    global _engine
    with _engine_lock:
        if _engine is None:
            from django.template import Engine
            from django.utils.autoreload import file_changed

            django_backends = [t for t in settings.TEMPLATES
                               if t["BACKEND"] == "django.template.backends.django.DjangoTemplates"]
            backend = django_backends[0] if django_backends else {}
            _engine = Engine(dirs=[str(d) for d in backend.get("DIRS", [])], app_dirs=backend.get("APP_DIRS", False),
                             libraries={"i18n": "django.templatetags.i18n"}, debug=settings.DEBUG)
            file_changed.connect(_template_changed, dispatch_uid="contracts.documents.template_changed")
    return _engine


def _template_changed(sender, file_path, **kwargs):
    if _engine is not None:
        for loader in _engine.template_loaders:
            loader.reset()


# WeasyPrint, set up once per thread (a Celery worker renders many documents in one process).
_weasy = threading.local()


def _weasyprint():
    """(HTML class, FontConfiguration, print stylesheet) for this thread, made on first use."""
    if getattr(_weasy, "html", None) is None:
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one INFO line per layout step
        from weasyprint import CSS, HTML  # heavy import: only where a PDF is made
        from weasyprint.text.fonts import FontConfiguration

        html_class = HTML
        # One font configuration per thread: Fontconfig's config and Pango's font map are loaded once,
        # not for every document (they hold only the few system fonts the stylesheet names).
        fonts = FontConfiguration()
        # The print stylesheet has no per-document values: tokenised, validated and compiled once.
        stylesheet = CSS(string=template_engine().render_to_string(STYLESHEET), base_url=str(settings.BASE_DIR),
                         font_config=fonts)
        _weasy.fonts, _weasy.stylesheet, _weasy.html = fonts, stylesheet, html_class
    return _weasy.html, _weasy.fonts, _weasy.stylesheet


def specimen() -> Printable:
    """A small contract that prints every part of the real document, made without the database:
    what ``warm_up`` renders."""
    head = {
        "id": None, "version": 1, "institution": {"id": None, "name": "Ministry of Specimens"},
        "financial_year": "2026/27", "level": PerformanceContract.Level.OFFICER, "party": "Specimen Unit",
        "title": "Specimen performance contract", "performer": {"id": None, "name": "Amina Performer"},
        "counterparty": {"id": None, "name": "Baraka Supervisor"}, "scheme": Scheme.PERCENT_ACHIEVEMENT.value,
        "band_table": {"name": "specimen", "version": 1},
        "bands": [{"grade": grade, "limit": limit}
                  for grade, limit in (("Excellent", "100"), ("Good", "80"), ("Fair", "60"), ("Poor", "0"))],
        "category_weights": False,
    }
    targets = [{
        "id": number, "perspective": perspective, "objective": f"Objective {number}" if number % 2 else None,
        "indicator": "Share of services delivered within the charter time", "unit": "%",
        "description": f"Target {number}: services delivered within the charter time, every quarter",
        "direction": "lower" if number == 3 else "higher", "baseline": "1250.5", "target": "1800000",
        "criteria": {"excellent": "110", "very_good": "100", "good": "90", "fair": "75", "poor": "50"}
        if number % 2 else {},
        "weight": "12.5", "budget": "2500000" if number % 2 else None, "parent": None, "partners": [],
        "activities": [f"Activity {number}.1", f"Activity {number}.2"] if number % 2 else [],
    } for number, perspective in enumerate(("Customer", "Customer", "Financial", ""), start=1)]
    data = {"contract": head, "targets": targets}
    contract = PerformanceContract(level=head["level"], version=1, title=head["title"])
    return Printable(contract, data, canonical.fingerprint(data), None, False, [])


def warm_up():
    """Do now, once per process, what its first render would otherwise pay on its way: import
    WeasyPrint, parse the stylesheets, set up Fontconfig, then render ``specimen()`` through the same
    template, stylesheet and fonts (with a QR code and the DRAFT watermark), so the template is
    compiled, the translations and date formats are loaded, Pango and HarfBuzz have opened every
    face the document uses and cffi has parsed the C types the render and the font subsetting ask for.

    Celery calls it when a worker process starts (``worker_process_init``): the first person's PDF
    then takes what any later one does. Rendering is the same without it, only slower the first time.
    """
    doc = specimen()
    context = context_for(doc)
    # The QR code a vetted contract prints, for its SVG image path. The link is made up rather than
    # reversed: ``reverse`` imports the project's whole URLconf (~19 MB, 0.45 s), which a Celery
    # worker has loaded anyway (Celery's Django fix-up runs the system checks) and pdfrun never needs.
    context["verify_link"] = addresses.public_base() + "/verify/specimen/"
    context["qr"] = segno.make(context["verify_link"], error="m").svg_data_uri(scale=4, border=2, dark="#0f1720")
    _render(context)


@contextmanager
def _cyclic_gc_paused():
    """Hold Python's cycle collector while WeasyPrint builds a document.

    A render allocates a box tree of hundreds of thousands of objects that all live until the PDF is
    written, so the collector's repeated full passes keep walking it without finding garbage (a
    fifth of a 400-target render). Memory does not grow: nearly everything a render drops is freed
    by reference counting, and the cycles it leaves go in the first collection after it. The
    previous state is restored.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class PDF(bytes):
    """A rendered PDF's bytes, with ``pages``: how many pages WeasyPrint laid out (so that nobody has
    to read the file back to count them)."""

    pages: int


def _render(context) -> PDF:
    html_class, fonts, stylesheet = _weasyprint()
    with _cyclic_gc_paused():
        html = template_engine().render_to_string(TEMPLATE, context)
        document = html_class(string=html, base_url=str(settings.BASE_DIR)).render(
            stylesheets=[stylesheet], font_config=fonts)
        pdf = PDF(document.write_pdf())
        pdf.pages = len(document.pages)
        # Dropped while the collector is still held, so that the young collection that follows finds
        # the box tree's cycles: alive at that moment they would be promoted to the oldest generation,
        # which is collected rarely, and every render would leave its layout (~5 MB for 40 targets).
        del document, html
    return pdf


def render_printable(doc: Printable, base=None) -> PDF:
    return _render(context_for(doc, base))


def render_contract_pdf(contract) -> PDF:
    """The contract as an A4 PDF (bytes, and its number of ``pages``)."""
    return render_printable(printable(contract))


# ---------------------------------------------------------------------------------------------
# Asking for the document


def is_current(document, doc: Printable) -> bool:
    """The stored PDF prints what ``doc`` would print (a signed one never goes stale)."""
    if document.state != ContractDocument.State.READY or not document.file:
        return False
    if document.content_hash != doc.content_hash:
        return False
    # Rendered as a draft before the last signature landed: print it again, signed.
    return not (doc.signed and document.updated_at < doc.signed_at)


def document_for(contract):
    return ContractDocument.objects.filter(contract=contract, version=contract.version).first()

def file_name(document) -> str:
    """What the download is called: ``<institution>-<title>-v<version>.pdf``, safe for any browser."""
    from django.utils.text import slugify

    contract = document.contract
    stem = slugify(f"{contract.title}")[:80] or "contract"
    return f"{stem}-v{document.version}.pdf"
