"""What citizens' complaints wait for, and from whom (a work inbox provider, registered in
``ChartersConfig.ready``).

An unassigned complaint waits for the institution's complaint handlers; an assigned one for the officer
it is assigned to. Both asked of ``services.can_work_on``, the rule the complaint's page applies; the
due date is the service standard's (``Complaint.due_at``), so overdue complaints come first.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.inbox import Kind, Provider, Want, active_users, holders

from . import services
from .models import Complaint

OPEN = [Complaint.Status.RECEIVED, Complaint.Status.ASSIGNED, Complaint.Status.IN_PROGRESS]


def _ints(ids):
    return {int(i) for i in ids if str(i).isdigit()}


class Complaints(Provider):
    subject_type = "complaint"
    kinds = (
        Kind("complaint_assign", _("Assign or answer a new complaint"), "complaints",
             whom=_("the complaint handlers")),
        Kind("complaint_handle", _("Handle the complaint assigned to you"), "complaints"),
    )
    watches = {"charters.complaint": _ints}

    def wanted(self, ids, today):
        complaints = list(Complaint.objects.filter(pk__in=ids, status__in=OPEN))
        if not complaints:
            return []
        handlers = holders({c.institution_id for c in complaints}, services.HANDLER_ROLES)
        active = active_users({c.assigned_to_id for c in complaints}
                              | {u for by_user in handlers.values() for u in by_user})
        wants = []
        for c in complaints:
            title = c.reference
            due = timezone.localtime(c.due_at).date() if c.due_at else None
            if c.assigned_to_id is None:
                for user_id in sorted(set(handlers.get(c.institution_id, {})) & active.keys()):
                    if services.can_work_on(active[user_id], c, handled={c.institution_id}):
                        wants.append(Want(user_id, "complaint_assign", c.pk, c.institution_id, title,
                                          c.get_absolute_url(), due=due, since=c.received_at))
            elif c.assigned_to_id in active and services.can_work_on(active[c.assigned_to_id], c, handled=set()):
                wants.append(Want(c.assigned_to_id, "complaint_handle", c.pk, c.institution_id, title,
                                  c.get_absolute_url(), due=due, since=c.received_at))
        return wants
