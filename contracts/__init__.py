"""Performance contracts at every level: their cycle, monitoring and documents.

One layout for the whole app. The domain lives in one package per sub-area:

- ``cycle/``: a contract's way from draft to closed — ``workflow`` (the state machine), ``targets``
  (the one writer of contracts and targets), ``cascade``, ``negotiation``, ``content``, ``signing``;
- ``monitoring/``: quarterly progress reports — rules, reports (actuals, evidence, verification),
  the summary table, reading;
- ``documents/``: files in and out — the contract PDF, the target import;
- ``models/``: the tables, one module per subject.

The web layers and the demo are packages by layer, one module per sub-area inside each: ``views/``
(cycle, documents, monitoring, partners), ``urls/`` (the same, assembled in that order, and ``public``),
``api/`` (the cycle's API in views, serializers and urls; monitoring's in ``monitoring``), ``demo/``
(cycle, monitoring).

At the top sit Django's own modules (``admin``, ``apps``, ``forms``, ``tasks`` — Celery finds it there)
and the modules that join sub-areas, each above what it joins: ``scores`` and ``scorecard`` (the one
score path), ``selectors`` (the pages' reads), ``partners`` (confirming a shared target refreshes
monitoring's summaries) and ``printing`` (a page asks for a PDF: documents render it, the task runs it).
A package whose modules split one subject names their public functions itself (``models``,
``monitoring``, ``cycle.workflow``); no two modules or packages import each other round a loop
(``.importlinter``).
"""
