"""Evidence files of the year-end evaluation: the institution's, beside each achievement of its
self-evaluation, and the evaluator's, with a physical verification. Every file is checked by the
contracts' evidence rules (``contracts.documents.uploads.evidence_kind``: size, and type by content)
before any is written; a refused batch writes nothing."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from contracts.documents import uploads as upload_rules
from pmis import audit

from .models import EvidenceFile

#: files taken at once for one achievement or one verification
MAX_FILES = 10


def checked(files, field="files") -> list:
    """[(upload, type)] for ``files``; ``ValidationError`` on ``field`` naming each refused file."""
    files = [f for f in files or () if f]
    if len(files) > MAX_FILES:
        raise ValidationError({field: _("Attach at most %(limit)s files at once.") % {"limit": MAX_FILES}})
    kept, problems = [], []
    for upload in files:
        try:
            kept.append((upload, upload_rules.evidence_kind(upload, field)))
        except ValidationError as exc:
            problems += [f"{upload.name}: {m}" for ms in exc.message_dict.values() for m in ms]
    if problems:
        raise ValidationError({field: problems})
    return kept


def store(actor, achievement, files, verification=None) -> list:
    """Write the ``checked`` files for ``achievement`` (and ``verification``); the caller holds the
    transaction and has asked the rules whether ``actor`` may add them."""
    stored = []
    for upload, kind in files:
        item = EvidenceFile(achievement=achievement, verification=verification,
                            institution_id=achievement.institution_id,
                            original_name=(upload.name or "evidence")[-200:], content_type=kind,
                            size=upload.size, uploaded_by=actor)
        item.file.save("upload", upload, save=False)
        item.save()
        audit.record(actor, "evaluation.evidence_add", item, None, {
            **audit.snapshot(item, ["achievement", "verification", "original_name", "content_type", "size"]),
            "file": item.file.name})
        stored.append(item)
    return stored
