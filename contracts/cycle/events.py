"""What the cycle tells the layers above it without importing them.

``version_changed`` is sent inside a step's transaction when a contract's version is fixed by vetting,
fully signed, or opened by an amendment (``contract``: the contract). The PDF job listens
(``contracts.tasks.queue_after_commit``, connected in ``ContractsConfig.ready``) and queues the
version's PDF once the step commits.
"""

from django.dispatch import Signal

version_changed = Signal()
