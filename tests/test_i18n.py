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


# Every page, PDF and export of the four journeys read in Swahili: tests/i18n/.
