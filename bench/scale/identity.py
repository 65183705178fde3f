"""What marks the scale data: the ``scale-`` prefix of its institutions' slugs and of its usernames."""

from pmis.models import Institution

PREFIX = "scale-"
OVERSIGHT_SLUG = "scale-oversight"
OVERSIGHT_USER = "scale-perfdept"


def scale_institutions():
    return Institution.objects.filter(slug__startswith=PREFIX)


def exists() -> bool:
    return scale_institutions().exists()
