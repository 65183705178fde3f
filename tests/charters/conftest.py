import time

import pytest
from django.core.cache import cache

from charters.forms import form_token
from charters.models import Charter


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def water_charter(demo):
    return Charter.objects.get(institution=demo.water, status=Charter.Status.PUBLISHED)


def post_data(charter, **overrides):
    """A complaint form as a person fills it in, shown a minute ago."""
    data = {
        "kind": "complaint",
        "service": str(charter.services.first().pk),
        "message": "The borehole permit office was closed at 10 am on a Tuesday.",
        "name": "Wanjiku Kamau",
        "phone": "0712 345 678",
        "email": "wanjiku@example.com",
        "website": "",
        "started": form_token(charter.pk, now=time.time() - 60),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
