"""Who may read an appraisal — narrower than the institution.

The officer; the supervisor chain (the officer's supervisor, theirs, and so on up); the supervisor and
second-level supervisor named on the appraisal; the appeals committee while an appeal is open; the
institution's performance officers and administrators (HR); and auditors granted the institution
(read-only). Nobody else — not other officers of the same unit, not the vetting committee, not the
principal or the oversight body. Every read by someone other than the officer is audited.
"""

from django.db.models import Q

from pmis import access, audit
from pmis.models import Officer, Role

HR_ROLES = (Role.PERFORMANCE_OFFICER, Role.ADMIN)
MAX_CHAIN = 12  # supervisor levels walked; an org chart deeper than this is a data error


def subordinate_officer_ids(user) -> set[int]:
    """Every officer below ``user`` in the supervisor chain (one query per level)."""
    mine = list(Officer.objects.filter(user=user).values_list("pk", flat=True))
    found: set[int] = set()
    frontier = mine
    for _level in range(MAX_CHAIN):
        if not frontier:
            break
        below = set(Officer.objects.filter(supervisor_id__in=frontier).values_list("pk", flat=True)) - found
        below -= set(mine)
        found |= below
        frontier = list(below)
    return found


def _role_institutions(user, roles):
    return sorted(access.institutions_with(user, *roles))


def _audited_institutions(user):
    return sorted(access.of(user).audited)


def readable_filter(user) -> Q:
    """A filter on Appraisal for the rows ``user`` may read."""
    from .models import Appraisal

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    return (
        Q(officer__user=user)
        | Q(supervisor=user)
        | Q(countersigner=user)
        | Q(officer_id__in=subordinate_officer_ids(user))
        | Q(institution_id__in=_role_institutions(user, HR_ROLES))
        | Q(institution_id__in=_audited_institutions(user))
        | Q(status=Appraisal.Status.APPEAL, institution_id__in=_role_institutions(user, [Role.APPEALS]))
    )


def full_reader_institutions(user):
    """The ids (a subquery) of the institutions whose every appraisal ``user`` may read: where they are
    HR (a performance officer or administrator) or an assigned auditor; every institution for a superuser.
    What may print everything about a whole institution's appraisals (moderation, the appraisal summary,
    confidential comments) asks this."""
    from pmis.models import Institution

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Institution.objects.none().values("pk")
    if user.is_superuser:
        return Institution.objects.values("pk")
    return Institution.objects.filter(pk__in=full_readers_of(user)).values("pk")


def full_readers_of(user) -> frozenset:
    """The ids of the institutions whose every appraisal ``user`` (not a superuser) may read."""
    seen = access.of(user)
    return seen.institutions_with(*HR_ROLES) | seen.audited


def reads_every_appraisal(user, institution_id) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or institution_id in full_readers_of(user)


def readable_objects(user) -> dict:
    """What ``user`` may read of the appraisal records that the audit trail names (``pmis.confidential``):
    appraisals and what hangs off one follow the appraisal; moderation sessions are HR's."""
    from .models import Appeal, Appraisal, ImprovementPlan, ModerationSession

    appraisals = Appraisal.objects.readable_by(user)
    return {
        Appraisal: appraisals,
        Appeal: Appeal.objects.filter(appraisal__in=appraisals.values("pk")),
        ImprovementPlan: ImprovementPlan.objects.filter(appraisal__in=appraisals.values("pk")),
        ModerationSession: ModerationSession.objects.visible_to(user).filter(
            institution_id__in=full_reader_institutions(user)),
    }


def roles_in(user, institution_id) -> frozenset:
    return access.roles_in(user, institution_id)


def is_auditor(user, institution_id) -> bool:
    return access.audits(user, institution_id)


def can_read(user, appraisal) -> bool:
    from .models import Appraisal

    return Appraisal.objects.filter(pk=appraisal.pk).readable_by(user).exists()


def record_read(user, appraisal, via="page"):
    """Audit a read by anyone but the officer themself."""
    if appraisal.officer.user_id == user.pk:
        return None
    return audit.record(user, "appraisal.read", appraisal, None, {"via": via})
