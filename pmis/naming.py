"""An institution's or unit's name in the reader's language: its Swahili name on Swahili pages when it has
one, its name otherwise."""

from django.utils.translation import get_language


def local_name(obj) -> str:
    swahili = getattr(obj, "name_sw", "")
    if swahili and (get_language() or "en").split("-")[0] == "sw":
        return swahili
    return obj.name
