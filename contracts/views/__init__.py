"""The contracts app's pages, one module per sub-area: ``cycle`` (the list, a contract, its targets,
negotiation, vetting, signing, the scorecard, the public verification page), ``documents`` (the
contract PDF, the target import), ``monitoring`` (progress reports, evidence, the verification queue)
and ``partners`` (partners of shared targets confirm)."""
