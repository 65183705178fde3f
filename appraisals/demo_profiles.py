"""The demo's Tanzanian and Ugandan institutions (seed_demo): a district council on the PEPMIS profile,
whose officer's plan breaks into tasks and sub-tasks with a few weeks logged and marked, and a ministry on
Uganda's balanced-scorecard profile with an officer's plan rated on the 1–5 scale. Idempotent: what
exists is left alone. The Kenyan demo is not touched."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from contracts.cycle import signing, tasks, workflow
from contracts.cycle.targets import add_target, create_contract
from contracts.demo.cycle import demo_request, demo_totp
from contracts.models import PerformanceContract, SubTask, Target
from notifications.models import LanguagePreference
from pmis import org, twofactor
from pmis.models import FinancialYear, Institution, Role
from scorecards import setup
from scorecards.models import ContractLevel, Perspective, Profile

from . import services, weekly

PASSWORD = "pmis-demo"
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"  # the demo signatories' key (README)

# (key, description, indicator, weight, target, [(task, weight, [(sub-task, indicator, weight), …]), …])
BAGAMOYO_PLAN = [
    ("T1", "Kukagua shule 40 za msingi katika kata za Dunda na Magomeni", "Idadi ya shule zilizokaguliwa", 60, 40, [
        ("Ukaguzi wa shule za Kata ya Dunda", 50, [
            ("Kukagua shule 10 za kwanza", "Fomu 10 za ukaguzi zimejazwa", 50),
            ("Kuandika ripoti ya ukaguzi wa Dunda", "Ripoti imepokelewa na Afisa Elimu", 50),
        ]),
        ("Ukaguzi wa shule za Kata ya Magomeni", 50, [
            ("Kukagua shule 10 za Magomeni", "Fomu 10 za ukaguzi zimejazwa", 60),
            ("Kuwasilisha mapendekezo kwa walimu wakuu", "Barua za mapendekezo zimetumwa", 40),
        ]),
    ]),
    ("T2", "Kuandaa na kuwasilisha taarifa za elimu za robo mwaka", "Idadi ya taarifa zilizowasilishwa", 40, 4, [
        ("Taarifa ya robo ya kwanza", 100, [
            ("Kukusanya takwimu za mahudhurio", "Takwimu za shule zote zimekusanywa", 60),
            ("Kuwasilisha taarifa kwa Baraza la Madiwani", "Taarifa imewasilishwa", 40),
        ]),
    ]),
]
# (weeks before this one, {sub-task index: (progress, note)}, marks {sub-task index: mark} or None: not reviewed)
BAGAMOYO_WEEKS = [
    (3, {0: (40, "Shule 4 zimekaguliwa: Dunda A, Dunda B, Mlingotini, Kiromo."), 4: (50, "Takwimu za kata 6.")},
     None),
    (2, {0: (100, "Shule 10 zote zimekaguliwa."), 1: (60, "Rasimu ya ripoti imeandikwa."),
         4: (100, "Takwimu zote zimekusanywa.")}, {0: Decimal(90), 4: Decimal(80)}),
    (1, {1: (100, "Ripoti imewasilishwa kwa Afisa Elimu."), 2: (30, "Shule 3 za Magomeni zimekaguliwa."),
         5: (50, "Rasimu ya taarifa imeandaliwa.")}, None),
]

# Uganda: (perspective code, description, indicator, weight, target, rating 1–5)
MOPS_PLAN = [
    ("CL", "Resolve 90% of client complaints within 10 working days", "Complaints resolved on time (%)", 40, 90, 5),
    ("IB", "Process 1,200 pension files through the integrated system", "Pension files processed", 35, 1200, 4),
    ("LG", "Train 60 human-resource officers in the new appraisal tool", "Officers trained", 25, 60, 3),
]


def seed_profiles(admin):
    setup.ensure_profiles()
    with services.silent():
        seed_tanzania(admin)
        seed_uganda(admin)


def _institution(admin, name, slug, kind, country, profile_code):
    institution = Institution.objects.filter(slug=slug).first()
    if institution is None:
        institution = org.create_institution(admin, name=name, slug=slug, kind=kind, country=country)
    year = FinancialYear.objects.filter(institution=institution, is_current=True).first()
    if year is None:
        today = timezone.localdate()
        year = org.open_financial_year(admin, institution, org.start_year_containing(today, institution.fy_start_month))
    setup.choose_profile(admin, institution, Profile.objects.get(code=profile_code))
    org.grant_role(admin, admin, institution, Role.ADMIN)
    return institution, year


def _people(admin, institution, unit, spec):
    """{login: user} for (login, first, last, number, designation, role, supervisor login) rows."""
    people, officers = {}, {}
    for login, first, last, number, designation, role, boss in spec:
        user, _ = org.ensure_user(login, first_name=first, last_name=last, password=PASSWORD)
        people[login] = user
        if number:
            officer = getattr(user, "officer", None) or org.add_officer(
                admin, institution, user, personal_number=number, designation=designation, org_unit=unit,
                supervisor=officers.get(boss))
            officers[login] = officer
        org.grant_role(admin, user, institution, role)
    return people, officers


def _carry(plan, officer, supervisor, secretariat, vetting):
    """Draft → signed and in force, through the workflow's own functions."""
    if plan.status != PerformanceContract.Status.DRAFT:
        return plan
    workflow.submit(officer, plan)
    workflow.pass_review(secretariat, plan)
    workflow.conclude_negotiation(supervisor, plan)
    for target in Target.objects.filter(contract=plan):
        workflow.vet_target(vetting, target, smart=True, aligned=True)
    workflow.approve_vetting(vetting, plan)
    for signer in (officer, supervisor):
        signing.sign(demo_request(signer), plan, password=PASSWORD, code=demo_totp(signer))
    TOTPDevice.objects.filter(user=supervisor).update(last_t=-1)  # leave the code free for a person
    plan.refresh_from_db()
    return plan


@transaction.atomic
def seed_tanzania(admin):
    council, year = _institution(admin, "Halmashauri ya Wilaya ya Bagamoyo", "bagamoyo",
                                 Institution.Kind.LOCAL_GOVERNMENT, "TZ", "tz-pepmis")
    unit = council.org_units.filter(name="Idara ya Elimu Msingi").first() or org.add_org_unit(
        admin, council, name="Idara ya Elimu Msingi", level="directorate")
    people, officers = _people(admin, council, unit, [
        ("tz-mkurugenzi", "Zuhura", "Mwinyi", "BGM-0001", "Mkurugenzi Mtendaji", Role.HEAD, None),
        ("tz-msimamizi", "Hamisi", "Mbwana", "BGM-0002", "Afisa Elimu Msingi", Role.SUPERVISOR, "tz-mkurugenzi"),
        ("tz-afisa", "Neema", "Mushi", "BGM-0003", "Mkaguzi wa Elimu", Role.OFFICER, "tz-msimamizi"),
        ("tz-utumishi", "Rehema", "Kombo", "BGM-0004", "Afisa Utumishi", Role.PERFORMANCE_OFFICER, "tz-mkurugenzi"),
        ("tz-kamati", "Juma", "Salim", "", "", Role.VETTING, None),
    ])
    for login in ("tz-mkurugenzi", "tz-msimamizi"):
        twofactor.enrol_with_key(people[login], DEMO_TOTP_KEY)
    # PEPMIS is run in Swahili: the council's people read PMIS in it until they choose otherwise.
    for person in people.values():
        LanguagePreference.objects.get_or_create(user=person, defaults={"language": "sw"})
    officer, supervisor = people["tz-afisa"], people["tz-msimamizi"]
    plan = PerformanceContract.objects.filter(financial_year=year, officer=officers["tz-afisa"]).first()
    if plan is None:
        plan = create_contract(admin, financial_year=year, level=ContractLevel.OFFICER,
                               title=f"Mpango wa Utendaji Kazi {year}: {officer.get_full_name()}",
                               performer=officer, counterparty=supervisor, officer=officers["tz-afisa"])
        _tanzanian_tasks(admin, plan, year)
    plan = _carry(plan, officer, supervisor, people["tz-utumishi"], people["tz-kamati"])
    _weeks(plan, officer, supervisor, year)


def _tanzanian_tasks(admin, plan, year):
    core = Perspective.objects.get(financial_year=year, code="CM")
    deadline = year.end_date
    for order, (_key, description, indicator_name, weight, target_value, task_spec) in enumerate(BAGAMOYO_PLAN, 1):
        indicator = setup.add_indicator(admin, plan.institution, name=indicator_name, measurement_type="number")
        target = add_target(admin, plan, indicator=indicator, perspective=core, description=description,
                            weight=Decimal(weight), target_value=Decimal(target_value), order=order)
        for t_order, (title, t_weight, subs) in enumerate(task_spec, 1):
            task = tasks.add_task(admin, target, title=title, deadline=deadline, weight=Decimal(t_weight),
                                  order=t_order)
            for s_order, (s_title, s_indicator, s_weight) in enumerate(subs, 1):
                tasks.add_sub_task(admin, task, title=s_title, indicator=s_indicator, deadline=deadline,
                                   weight=Decimal(s_weight), order=s_order)


def _weeks(plan, officer, supervisor, year):
    if plan.status not in services.PLAN_STATES or plan.weekly_logs.exists():
        return
    subs = list(SubTask.objects.filter(contract=plan).order_by("task__target__order", "task__order", "order"))
    this_week = weekly.week_of(timezone.localdate())
    for back, logged, marks_given in BAGAMOYO_WEEKS:
        week = max(this_week - datetime.timedelta(weeks=back), weekly.week_of(year.start_date))
        weekly.log_week(officer, plan, week, {subs[i].pk: {"progress": p, "note": n} for i, (p, n) in logged.items()})
        if marks_given is not None:
            weekly.review_week(supervisor, plan, week, comment="Kazi nzuri; endelea na kasi hii.",
                               marks_given={subs[i].pk: m for i, m in marks_given.items()})


@transaction.atomic
def seed_uganda(admin):
    ministry, year = _institution(admin, "Ministry of Public Service (Uganda)", "mops", Institution.Kind.MINISTRY,
                                  "UG", "ug-bsc")
    unit = ministry.org_units.filter(name="Directorate of Human Resource Management").first() or org.add_org_unit(
        admin, ministry, name="Directorate of Human Resource Management", level="directorate")
    people, officers = _people(admin, ministry, unit, [
        ("ug-ps", "Catherine", "Bitarakwate", "MOPS-0001", "Permanent Secretary", Role.HEAD, None),
        ("ug-supervisor", "Moses", "Okello", "MOPS-0002", "Commissioner, HR Management", Role.SUPERVISOR, "ug-ps"),
        ("ug-officer", "Sarah", "Nakato", "MOPS-0003", "Principal HR Officer", Role.OFFICER, "ug-supervisor"),
        ("ug-pmu", "Patrick", "Mugisha", "MOPS-0004", "Performance Management Officer", Role.PERFORMANCE_OFFICER,
         "ug-ps"),
        ("ug-vetting", "Grace", "Atim", "", "", Role.VETTING, None),
    ])
    for login in ("ug-ps", "ug-supervisor"):
        twofactor.enrol_with_key(people[login], DEMO_TOTP_KEY)
    officer, supervisor = people["ug-officer"], people["ug-supervisor"]
    plan = PerformanceContract.objects.filter(financial_year=year, officer=officers["ug-officer"]).first()
    if plan is None:
        plan = create_contract(admin, financial_year=year, level=ContractLevel.OFFICER,
                               title=f"Performance agreement {year}: {officer.get_full_name()}",
                               performer=officer, counterparty=supervisor, officer=officers["ug-officer"])
        perspectives = {p.code: p for p in Perspective.objects.filter(financial_year=year)}
        for order, (code, description, indicator_name, weight, target_value, _rating) in enumerate(MOPS_PLAN, 1):
            indicator = setup.add_indicator(admin, ministry, name=indicator_name, measurement_type="number")
            add_target(admin, plan, indicator=indicator, perspective=perspectives[code], description=description,
                       weight=Decimal(weight), target_value=Decimal(target_value), order=order)
    _carry(plan, officer, supervisor, people["ug-pmu"], people["ug-vetting"])
