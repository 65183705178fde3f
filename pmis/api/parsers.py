"""Request bodies the API reads: DRF's parsers, with JSON nested past Python's recursion limit refused
as bad input (400) instead of failing the request (500)."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON is nested too deeply to read.")) from None
