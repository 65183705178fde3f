"""Demo data: an oversight body, a ministry and a county with realistic org trees, ~30 officers,
the current financial year and one login per role. Idempotent: a second run changes nothing."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from pmis import demo, org, twofactor
from pmis.models import Institution, Officer, OrgUnit, Role

PASSWORD = "pmis-demo"
# The demo signatories' authenticator key (RFC 6238's test secret "12345678901234567890"); README
# gives it in base32, GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ, and `manage.py totp_code <login>` prints the code.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"
DEMO_2FA_LOGINS = ["principal", "head", "director", "supervisor", "appeals", "head2"]

# (name, level, children)
WATER_TREE = [
    ("Directorate of Water Resources", "directorate", [
        ("Department of Groundwater Development", "department", [
            ("Borehole Drilling Division", "division", [
                ("Hydrogeology Section", "section", []),
            ]),
        ]),
        ("Department of Water Quality", "department", []),
    ]),
    ("Directorate of Irrigation", "directorate", [
        ("Department of Irrigation Schemes", "department", []),
    ]),
    ("Directorate of Corporate Services", "directorate", [
        ("Human Resource Management Department", "department", []),
        ("Finance and Accounts Department", "department", []),
    ]),
]

MACHAKOS_TREE = [
    ("Department of Health Services", "directorate", [
        ("Directorate of Medical Services", "department", [
            ("Maternal and Child Health Division", "division", []),
        ]),
    ]),
    ("Department of Agriculture and Livestock", "directorate", [
        ("Directorate of Veterinary Services", "department", []),
    ]),
]

FIRST = ["Achieng", "Wanjiru", "Kiprono", "Mutua", "Njeri", "Otieno", "Chebet", "Kamau", "Akinyi", "Mwende",
         "Barasa", "Nyambura", "Wekesa", "Jeptoo", "Omondi", "Wambui", "Kiptoo", "Muthoni", "Ouma", "Nduku"]
LAST = ["Odhiambo", "Kariuki", "Kipchumba", "Musyoka", "Wafula", "Nyaga", "Rotich", "Maina", "Atieno",
        "Mwangi", "Korir", "Ndungu", "Onyango", "Kilonzo", "Chepkoech", "Gitau", "Simiyu", "Njoroge", "Auma",
        "Mutiso"]
DESIGNATIONS = ["Senior Hydrogeologist", "Water Quality Officer", "Irrigation Engineer", "Accountant II",
                "Human Resource Officer", "Procurement Officer", "Economist", "Records Officer",
                "Surveyor", "ICT Officer"]


class Command(BaseCommand):
    help = "Load the demo institutions, officers and logins (password 'pmis-demo'). Safe to run twice."

    @transaction.atomic
    def handle(self, *args, **options):
        admin, _ = org.ensure_user("admin", first_name="System", last_name="Administrator",
                                   email="admin@pmis.local", password=PASSWORD, is_staff=True, is_superuser=True)
        body = self.institution(admin, "Performance Management and Coordination Office", "pmco",
                                Institution.Kind.OVERSIGHT)
        water = self.institution(admin, "Ministry of Water, Sanitation and Irrigation", "water",
                                 Institution.Kind.MINISTRY, body)
        machakos = self.institution(admin, "County Government of Machakos", "machakos",
                                    Institution.Kind.COUNTY, body)
        today = timezone.localdate()
        for inst in (body, water, machakos):
            org.open_financial_year(admin, inst, org.start_year_containing(today, inst.fy_start_month))
            org.grant_role(admin, admin, inst, Role.ADMIN)

        units = self.tree(admin, water, WATER_TREE)
        units2 = self.tree(admin, machakos, MACHAKOS_TREE)

        perfdept = self.user("perfdept", "Grace", "Wanjala")
        org.grant_role(admin, perfdept, body, Role.OVERSIGHT)
        principal = self.user("principal", "Hon. Eric", "Mugo")
        org.grant_role(admin, principal, water, Role.PRINCIPAL)

        head = self.officer(admin, water, "head", "Eng. Joseph", "Wairagu", "MWI-0001", "Principal Secretary",
                            "CSG 3", None, None)
        org.grant_role(admin, head.user, water, Role.HEAD)
        wr = units["Directorate of Water Resources"]
        director = self.officer(admin, water, "director", "Dr. Mercy", "Chepkemoi", "MWI-0002",
                                "Director, Water Resources", "CSG 5", wr, head)
        org.grant_role(admin, director.user, water, Role.DIRECTOR, wr)
        gw = units["Department of Groundwater Development"]
        supervisor = self.officer(admin, water, "supervisor", "Peter", "Njuguna", "MWI-0003",
                                  "Deputy Director, Groundwater", "CSG 7", gw, director)
        org.grant_role(admin, supervisor.user, water, Role.SUPERVISOR)
        org.grant_role(admin, director.user, water, Role.SUPERVISOR)
        officer = self.officer(admin, water, "officer", "Faith", "Achieng", "MWI-0004",
                               "Hydrogeologist", "CSG 10", units["Hydrogeology Section"], supervisor)
        org.grant_role(admin, officer.user, water, Role.OFFICER)
        secretariat = self.officer(admin, water, "secretariat", "Daniel", "Kiprotich", "MWI-0005",
                                   "Performance Contracting Officer", "CSG 9",
                                   units["Directorate of Corporate Services"], head)
        org.grant_role(admin, secretariat.user, water, Role.PERFORMANCE_OFFICER)
        vetting = self.user("vetting", "Prof. Ruth", "Kinyua")
        org.grant_role(admin, vetting, water, Role.VETTING)
        appeals = self.user("appeals", "Samuel", "Oduya")
        org.grant_role(admin, appeals, water, Role.APPEALS)
        auditor = self.user("auditor", "Lucy", "Mbithe")
        org.grant_role(admin, auditor, water, Role.AUDITOR)

        # The rest of the ministry's staff, spread over the sections under their supervisors.
        leaves = [u for u in units.values() if u.depth >= 2]
        for i in range(20):
            unit = leaves[i % len(leaves)]
            self.officer(admin, water, f"mwi{i + 6:04d}", FIRST[i], LAST[i], f"MWI-{i + 6:04d}",
                         DESIGNATIONS[i % len(DESIGNATIONS)], f"CSG {9 + i % 4}", unit,
                         supervisor if unit.path.startswith(gw.path) else director)

        head2 = self.officer(admin, machakos, "head2", "Ann", "Mwikali", "MCK-0001", "County Secretary",
                             "CSG 4", None, None)
        org.grant_role(admin, head2.user, machakos, Role.HEAD)
        officer2 = self.officer(admin, machakos, "officer2", "Brian", "Kioko", "MCK-0002",
                                "Public Health Officer", "CSG 10", units2["Maternal and Child Health Division"],
                                head2)
        org.grant_role(admin, officer2.user, machakos, Role.OFFICER)
        for i in range(6):
            self.officer(admin, machakos, f"mck{i + 3:04d}", FIRST[-i - 1], LAST[i], f"MCK-{i + 3:04d}",
                         ["Clinical Officer", "Nursing Officer", "Veterinary Officer"][i % 3], "CSG 11",
                         list(units2.values())[i % len(units2)], head2)
        org.grant_role(admin, head2.user, machakos, Role.SUPERVISOR)
        pmu2 = self.officer(admin, machakos, "pmu2", "Carol", "Mutua", "MCK-0099", "Performance Officer",
                            "CSG 9", None, head2)
        org.grant_role(admin, pmu2.user, machakos, Role.PERFORMANCE_OFFICER)
        # Signatories enrol in two-factor authentication before the demo contracts are signed.
        for user in get_user_model().objects.filter(username__in=DEMO_2FA_LOGINS):
            twofactor.enrol_with_key(user, DEMO_TOTP_KEY)
        for seed in demo.seeds():  # contracts, charters, appraisals: registered by each app
            seed(admin)
        # The seed signed with this half-minute's codes, and a code works once: give the demo back the
        # current code, so whoever signs first (a person or a test) is not refused for up to 30 s.
        TOTPDevice.objects.filter(user__username__in=DEMO_2FA_LOGINS).update(last_t=-1)

        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {Officer.objects.count()} officers in "
            f"{Institution.objects.count()} institutions. Password for every demo login: {PASSWORD}"
        ))

    def institution(self, actor, name, slug, kind, parent=None):
        existing = Institution.objects.filter(slug=slug).first()
        return existing or org.create_institution(actor, name=name, slug=slug, kind=kind, oversight_parent=parent)

    def tree(self, actor, institution, spec, parent=None, found=None):
        found = {} if found is None else found
        for name, level, children in spec:
            unit = OrgUnit.objects.filter(institution=institution, name=name).first()
            if unit is None:
                unit = org.add_org_unit(actor, institution, name=name, level=level,
                                        parent=OrgUnit.objects.get(pk=parent.pk) if parent else None)
            found[name] = unit
            self.tree(actor, institution, children, unit, found)
        return found

    def user(self, username, first, last):
        user, _ = org.ensure_user(username, first_name=first, last_name=last,
                                  email=f"{username}@pmis.local", password=PASSWORD)
        return user

    def officer(self, actor, institution, username, first, last, number, designation, grade, unit, supervisor):
        user = self.user(username, first, last)
        existing = Officer.objects.filter(user=user).first()
        return existing or org.add_officer(actor, institution, user, personal_number=number,
                                           designation=designation, job_grade=grade, org_unit=unit,
                                           supervisor=supervisor)
