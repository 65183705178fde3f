from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import SimpleLazyObject

#: the signed-in user's annotation the nav badge reads (registered in NotificationsConfig.ready)
UNREAD = "unread_notifications_count"


def unread_count():
    """The user's unread notifications as a subquery on the user (the partial index notification_unread)."""
    from .models import Notification

    counted = (Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True).order_by()
               .values("user").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def unread(request):
    """The nav badge's unread count: loaded with the signed-in user (pmis.auth), else one COUNT query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    loaded = getattr(user, UNREAD, None)
    if loaded is not None:
        return {"unread_notifications": loaded}

    def count():
        from .models import Notification

        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    return {"unread_notifications": SimpleLazyObject(count)}


def open_tasks(request):
    """The menu's "Waiting for you" count: loaded with the signed-in user (pmis.auth), no query of its own."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .inbox import OPEN, count_of

    loaded = getattr(user, OPEN, None)
    if loaded is not None:
        return {"open_tasks": loaded}
    return {"open_tasks": SimpleLazyObject(lambda: count_of(user))}
