"""The contracting cycle over REST: contracts, targets, negotiation, vetting, signing, documents."""
