"""A small, safe upload check for appeal documents: a size limit and the file's first bytes must
match an allowed type (PDF, PNG, JPEG, or an Office Open XML document, which is a ZIP)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SIGNATURES = [
    (b"%PDF-", "application/pdf", {".pdf"}),
    (b"\x89PNG\r\n\x1a\n", "image/png", {".png"}),
    (b"\xff\xd8\xff", "image/jpeg", {".jpg", ".jpeg"}),
    (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", {".docx"}),
]


def check(upload):
    """Return (upload, content type) or raise ValidationError; the browser's claimed type is ignored."""
    if upload.size > settings.APPRAISAL_UPLOAD_MAX_BYTES:
        raise ValidationError({"documents": _("%(name)s is larger than %(mb)s MB.") % {
            "name": upload.name, "mb": settings.APPRAISAL_UPLOAD_MAX_BYTES // (1024 * 1024)}})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    name = (upload.name or "").lower()
    for magic, content_type, suffixes in SIGNATURES:
        if head.startswith(magic) and any(name.endswith(s) for s in suffixes):
            return upload, content_type
    raise ValidationError({"documents": _("%(name)s is not a PDF, PNG, JPEG or Word (.docx) file.") % {
        "name": upload.name}})
