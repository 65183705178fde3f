"""The pattern every API module follows (see docs/api.md).

- Read through ``ScopedViewSetMixin``: the queryset goes through ``visible_to(request.user)``,
  so another institution's id answers 404, and lists are paginated with a stable ordering.
- Write through the app's domain functions (``contracts.cycle.workflow``, ``contracts.cycle.targets``, …);
  their exceptions reach ``pmis.api.errors.exception_handler``, which answers in the one shape.
- Actions that change state are ``POST /<resource>/{id}/<verb>/``; ``scoped_urls`` marks the
  POST-only ones so the generic isolation test probes them with POST, and the routes of a viewset's
  ``non_atomic_actions`` (hot reads) to run outside a transaction.
"""

from django.db import transaction
from rest_framework import mixins, viewsets


class ScopedViewSetMixin:
    """Lists and details only through the model's ``visible_to`` scope (404 outside it)."""

    # Any path segment reaches the view, so a malformed id answers a JSON 404 like an unknown one.
    lookup_value_regex = "[^/]+"
    #: read-only actions that run outside the request's transaction (no BEGIN/COMMIT round trips);
    #: ``scoped_urls`` marks their routes, pmis.api.errors leaves the transaction alone for them
    non_atomic_actions = ()

    def get_queryset(self):
        return self.base_queryset().visible_to(self.request.user)

    def base_queryset(self):
        return self.queryset.all()


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedListViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    pass


def scoped_urls(router):
    """The router's URLs, with POST-only action routes marked for the isolation test."""
    urls = router.urls
    for pattern in urls:
        actions = getattr(pattern.callback, "actions", None)
        if actions and "get" not in actions:
            pattern.callback.scoped_post_only = True
        quiet = getattr(getattr(pattern.callback, "cls", None), "non_atomic_actions", ())
        if actions and set(actions.values()) <= set(quiet):
            transaction.non_atomic_requests(pattern.callback)
    return urls


def paginated(view, queryset, serializer_class):
    """A paginated answer for a nested list action (``/contracts/{id}/versions/`` …)."""
    page = view.paginate_queryset(queryset)
    data = serializer_class(page, many=True, context=view.get_serializer_context()).data
    return view.get_paginated_response(data)


def require_role(user, institution_id, roles, message):
    """Refuse (403) unless ``user`` holds one of ``roles`` in the institution (superusers pass).

    For domain functions that do not check the actor themselves (set-up data such as indicators).
    """
    from pmis import access

    access.require_role(user, institution_id, roles, message)
