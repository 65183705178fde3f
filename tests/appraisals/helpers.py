"""Shared steps for the appraisal tests: a fresh officer with a signed plan, and the demo appraisal
carried forward to a given stage through the services."""

from decimal import Decimal

from django.contrib.auth import get_user_model

from appraisals import services
from appraisals.demo import signed_plan
from appraisals.models import Appraisal, ModerationSession
from pmis.models import FinancialYear, Officer

User = get_user_model()


def user(name):
    return User.objects.get(username=name)


def demo_appraisal():
    """The seeded water appraisal (self-appraisal submitted)."""
    return Appraisal.objects.select_related("officer__user").get(institution__slug="water",
                                                                 contract__status__in=services.PLAN_STATES)


def second_officer():
    """Another of the groundwater supervisor's staff, without a plan yet."""
    supervisor = user("supervisor")
    taken = Appraisal.objects.values("officer_id")
    return (Officer.objects.filter(supervisor=supervisor.officer).exclude(user__username="officer")
            .exclude(pk__in=taken).order_by("personal_number").select_related("user").first())


def fresh_plan():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    officer = second_officer()
    # The seed's supervisor signed moments ago and a TOTP code works once: let the clock move on.
    TOTPDevice.objects.filter(user__username="supervisor").update(last_t=-1)
    return officer, signed_plan(user("admin"), officer, user("supervisor"))


def values_for(appraisal, by_description):
    """{item id: (value, comment)} from {target description prefix: value}."""
    out = {}
    for item in appraisal.items.select_related("target"):
        for prefix, value in by_description.items():
            if item.target.description.startswith(prefix):
                out[item.pk] = (Decimal(str(value)), "")
    return out


# The demo officer plan's targets, by the start of their descriptions.
O1, O2, O3, O4 = "Site and supervise", "Write 12", "Analyse borehole", "Respond to 90%"
HALF = {O1: 12, O2: 6, O3: 10, O4: 45}  # 50% on every target: composite 50, Poor


def to_acknowledged(appraisal, values=HALF):
    supervisor, director = user("supervisor"), user("director")
    services.supervisor_appraise(supervisor, appraisal, values=values_for(appraisal, values), comments="Half way.")
    services.countersign(director, appraisal, "Seen.")
    services.acknowledge(appraisal.officer.user, appraisal)
    appraisal.refresh_from_db()
    return appraisal


def to_result(appraisal, values=HALF):
    to_acknowledged(appraisal, values)
    secretariat = user("secretariat")
    year = FinancialYear.objects.get(pk=appraisal.financial_year_id)
    session = ModerationSession.objects.filter(institution_id=appraisal.institution_id, financial_year=year,
                                               org_unit=None, status="open").first()
    session = session or services.open_moderation(secretariat, appraisal.institution, year)
    services.close_moderation(secretariat, session)
    appraisal.refresh_from_db()
    return appraisal
