"""The contracts app over REST: the contracting cycle (contracts, targets, negotiation, vetting, signing,
documents) in ``views``, ``serializers`` and ``urls``; monitoring (progress reports, entries with their
verification, evidence) in ``monitoring``, with its own URLs."""
