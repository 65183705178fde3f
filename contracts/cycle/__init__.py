"""The contracting cycle: a contract's way from draft to closed.

``workflow`` (the state machine: who may take which step, and the steps), ``targets`` (the one writer
of contracts and targets), ``cascade`` (the weight and parent rules), ``negotiation`` (accepting a
round), ``content`` (the canonical content a signature covers) and ``signing``."""
