"""The year-end evaluation of institutions: self-evaluation, independent evaluation, exogenous factors,
moderation, release and the public results.

It reads contracts and their scores, so it sits above ``contracts`` (beside ``appraisals`` and
``charters``). Modules, each importing only those before it: ``models``; ``rules`` (states, who may do
what, the deadline and the non-submission rule's data); ``results`` (the evaluated composite through
``contracts.scores.evaluated``, who sees a result); then one module per stage — ``selfevaluation``,
``independent``, ``exogenous``, ``release`` (moderation, non-submission and release) — and the web
layers on top.
"""
