"""The pages under /contracts/, one module per sub-area, in this order: the cycle, documents (contract PDF
and target import), monitoring (progress reports, verification), partners. ``public`` holds the page
outside /contracts/ (/verify/, the public verification page a signed PDF's QR code opens)."""

from . import cycle, documents, monitoring, partners

urlpatterns = cycle.urlpatterns + documents.urlpatterns + monitoring.urlpatterns + partners.urlpatterns
