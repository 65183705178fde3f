"""The public address printed for people to follow (a contract PDF's verification link and QR code, every
link in an email): ``PMIS_PUBLIC_URL`` when the deployment sets it, else the host the request came in on,
else ``SITE_URL`` (a worker sending the outbox has no request)."""

from django.conf import settings


def public_base(request=None) -> str:
    """"https://pmis.example.go.ke" (no trailing slash)."""
    configured = getattr(settings, "PMIS_PUBLIC_URL", "")
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return settings.SITE_URL.rstrip("/")


def link(path: str, request=None) -> str:
    """The full address of a page (``path`` as ``reverse`` or ``get_absolute_url`` gives it) for a person
    to follow from outside PMIS: an email, a PDF."""
    return public_base(request) + path


def emblem_uri(institution) -> str | None:
    """The institution's coat of arms or logo as a data URI for a PDF's cover; None when it has none (the
    cover then prints nothing in its place)."""
    import base64

    image = getattr(institution, "coat_of_arms", None)
    if not image:
        return None
    try:
        with image.open("rb") as handle:
            data = handle.read()
    except OSError:
        return None
    kind = "jpeg" if image.name.lower().endswith((".jpg", ".jpeg")) else "png"
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"
