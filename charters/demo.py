"""Demo charters for seed_demo: a published charter with realistic services, in English and
Swahili, for the Ministry of Water and for Machakos County, a few complaints in different states,
and a compliance feed. Idempotent: an institution that already has a charter is left alone."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from pmis.models import Institution
from scorecards import setup
from scorecards.models import Indicator

from . import services
from .models import Charter, ComplianceFeed

COMPLAIN_EN = (
    "Send a complaint with the form on this page, call or email us, or visit the customer service desk. "
    "You will get a reference number and we will respond within 14 working days.\n"
    "If you are not satisfied with our response, you may write to the Commission on Administrative "
    "Justice (Office of the Ombudsman)."
)
COMPLAIN_SW = (
    "Tuma malalamiko yako kupitia fomu iliyo kwenye ukurasa huu, piga simu au tuma barua pepe, au fika "
    "kwenye dawati la huduma kwa wateja. Utapewa nambari ya kumbukumbu na tutakujibu ndani ya siku 14 za kazi.\n"
    "Usiporidhika na jibu letu, unaweza kuandikia Tume ya Haki ya Utawala (Ofisi ya Ombudsman)."
)

CHARTERS = {
    "water": {
        "charter": dict(
            title_en="Citizen Service Delivery Charter", title_sw="Mkataba wa Huduma kwa Wananchi",
            commitment_en="We are committed to managing and developing Kenya's water resources and irrigation "
                          "for all, and to serving every citizen promptly, courteously and transparently.",
            commitment_sw="Tumejitolea kusimamia na kuendeleza rasilimali za maji na unyunyiziaji nchini Kenya "
                          "kwa manufaa ya wote, na kumhudumia kila mwananchi kwa haraka, heshima na uwazi.",
            how_to_complain_en=COMPLAIN_EN, how_to_complain_sw=COMPLAIN_SW,
            contact_phone="+254 20 271 6103", contact_email="complaints@water.go.ke",
            address="Maji House, Ngong Road, P.O. Box 49720-00100, Nairobi",
        ),
        "services": [
            dict(code="borehole-permit", name_en="Authorisation to drill a borehole",
                 name_sw="Kibali cha kuchimba kisima",
                 requirements_en="Completed application form\nHydrogeological survey report\n"
                                 "Land ownership document or consent of the owner\nCopy of national ID or "
                                 "certificate of incorporation",
                 requirements_sw="Fomu ya maombi iliyojazwa\nRipoti ya utafiti wa maji ya ardhini\n"
                                 "Hati ya umiliki wa ardhi au idhini ya mmiliki\nNakala ya kitambulisho cha taifa "
                                 "au cheti cha usajili wa kampuni",
                 fee=Decimal("5000"), standard_value=30, standard_unit="working_days",
                 office_en="Directorate of Water Resources, Maji House 3rd floor",
                 office_sw="Kurugenzi ya Rasilimali za Maji, Maji House ghorofa ya 3"),
            dict(code="water-testing", name_en="Water quality analysis of a sample",
                 name_sw="Uchambuzi wa ubora wa sampuli ya maji",
                 requirements_en="One litre of water in a sterilised bottle, collected within 24 hours\n"
                                 "Sample submission form",
                 requirements_sw="Lita moja ya maji kwenye chupa safi iliyotakaswa, yaliyochukuliwa ndani ya "
                                 "saa 24\nFomu ya kuwasilisha sampuli",
                 fee=Decimal("6500"), cost_note_en="per sample, full analysis",
                 cost_note_sw="kwa kila sampuli, uchambuzi kamili", standard_value=5, standard_unit="working_days",
                 office_en="Department of Water Quality, Central Water Testing Laboratory",
                 office_sw="Idara ya Ubora wa Maji, Maabara Kuu ya Kupima Maji"),
            dict(code="irrigation-registration", name_en="Registration of an irrigation scheme",
                 name_sw="Usajili wa mradi wa unyunyiziaji",
                 requirements_en="Minutes of the farmers' meeting that agreed to form the scheme\n"
                                 "List of members with ID numbers\nMap of the scheme area",
                 requirements_sw="Kumbukumbu za mkutano wa wakulima uliokubali kuunda mradi\n"
                                 "Orodha ya wanachama na nambari zao za vitambulisho\nRamani ya eneo la mradi",
                 fee=Decimal("0"), standard_value=21, standard_unit="working_days",
                 office_en="Department of Irrigation Schemes", office_sw="Idara ya Miradi ya Unyunyiziaji"),
            dict(code="enquiries", name_en="Answering a phone or email enquiry",
                 name_sw="Kujibu swali kwa simu au barua pepe",
                 requirements_en="Your question and a way to reach you",
                 requirements_sw="Swali lako na njia ya kukufikia",
                 fee=Decimal("0"), standard_value=48, standard_unit="hours",
                 office_en="Customer service desk, Maji House ground floor",
                 office_sw="Dawati la huduma kwa wateja, Maji House ghorofa ya chini"),
        ],
    },
    "machakos": {
        "charter": dict(
            title_en="County Service Charter", title_sw="Mkataba wa Huduma wa Kaunti",
            commitment_en="The County Government of Machakos commits to deliver its services on time, at the "
                          "published cost, and to treat every resident with dignity.",
            commitment_sw="Serikali ya Kaunti ya Machakos inaahidi kutoa huduma zake kwa wakati, kwa gharama "
                          "iliyotangazwa, na kumheshimu kila mkazi.",
            how_to_complain_en=COMPLAIN_EN, how_to_complain_sw=COMPLAIN_SW,
            contact_phone="+254 44 21 999", contact_email="complaints@machakos.go.ke",
            address="County Headquarters, Machakos town",
        ),
        "services": [
            dict(code="water-connection", name_en="New water connection", name_sw="Kuunganishiwa maji",
                 requirements_en="Completed application form\nCopy of national ID\nKRA PIN certificate\n"
                                 "Plot ownership document or tenancy letter",
                 requirements_sw="Fomu ya maombi iliyojazwa\nNakala ya kitambulisho cha taifa\nCheti cha PIN "
                                 "ya KRA\nHati ya umiliki wa kiwanja au barua ya upangaji",
                 fee=Decimal("3500"), cost_note_en="plus a refundable meter deposit",
                 cost_note_sw="pamoja na amana ya mita inayorejeshwa", standard_value=10,
                 standard_unit="working_days", office_en="Department of Water and Irrigation",
                 office_sw="Idara ya Maji na Unyunyiziaji"),
            dict(code="business-permit", name_en="Single business permit", name_sw="Kibali kimoja cha biashara",
                 requirements_en="Completed application form\nCopy of national ID\nKRA PIN certificate",
                 requirements_sw="Fomu ya maombi iliyojazwa\nNakala ya kitambulisho cha taifa\nCheti cha PIN "
                                 "ya KRA",
                 fee=None, cost_note_en="According to the County Finance Act schedule",
                 cost_note_sw="Kulingana na jedwali la Sheria ya Fedha ya Kaunti", standard_value=3,
                 standard_unit="working_days", office_en="Revenue office, County Headquarters",
                 office_sw="Ofisi ya mapato, Makao Makuu ya Kaunti"),
            dict(code="ambulance", name_en="Emergency ambulance", name_sw="Huduma ya gari la wagonjwa la dharura",
                 requirements_en="Call the county emergency line with the patient's location",
                 requirements_sw="Piga simu ya dharura ya kaunti ukieleza mahali mgonjwa alipo",
                 fee=Decimal("0"), standard_value=1, standard_unit="hours",
                 office_en="Department of Health Services", office_sw="Idara ya Huduma za Afya"),
        ],
    },
}

# (institution, service code, days ago received, citizen, message, what happened after)
COMPLAINTS = [
    ("water", "borehole-permit", 50, ("Josephine Mutiso", "0712345678", ""),
     "I applied for a borehole permit six weeks ago and have had no reply.", "resolved_late"),
    ("water", "water-testing", 12, ("Hassan Abdi", "", "hassan@example.com"),
     "The laboratory lost my sample and asked me to bring another one.", "resolved"),
    ("water", "enquiries", 1, ("", "0722000111", ""),
     "Nobody answered the phone at the customer desk all morning.", "received"),
    ("machakos", "water-connection", 20, ("Mary Mwende", "0733555222", ""),
     "Paid for a new connection in Kathiani three weeks ago, still not connected.", "assigned"),
    ("machakos", "ambulance", 3, ("Peter Musau", "", ""),
     "The ambulance took two hours to reach Masii.", "resolved_late"),
]


def _charter(admin, institution, spec):
    existing = Charter.objects.filter(institution=institution).first()
    if existing is not None:
        return existing, False
    charter = services.create_charter(admin, institution, **spec["charter"])
    for service in spec["services"]:
        services.add_service(admin, charter, **service)
    return services.publish(admin, charter), True


@transaction.atomic
def seed_charters(admin):
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["secretariat", "head2",
                                                                                    "officer", "officer2"])}
    created = {}
    for slug, spec in CHARTERS.items():
        institution = Institution.objects.get(slug=slug)
        charter, new = _charter(admin, institution, spec)
        if new:
            created[slug] = charter
    now = timezone.now()
    for slug, code, days, (name, phone, email), message, outcome in COMPLAINTS:
        charter = created.get(slug)
        if charter is None:
            continue
        service = charter.services.get(code=code)
        complaint = services.submit_complaint(
            charter, kind="complaint", service=service, message=message, name=name, phone=phone, email=email,
            received_at=now - datetime.timedelta(days=days),
        )
        handler = users["secretariat"] if slug == "water" else users["head2"]
        assignee = users["officer"] if slug == "water" else users["officer2"]
        if outcome == "received":
            continue
        services.handle_complaint(handler, complaint, status="assigned", assigned_to=assignee)
        if outcome in ("resolved", "resolved_late"):
            late = outcome == "resolved_late"
            at = complaint.due_at + datetime.timedelta(days=2) if late else complaint.received_at + (
                complaint.due_at - complaint.received_at) / 2
            services.handle_complaint(
                handler, complaint, status="resolved", assigned_to=assignee, at=min(at, now),
                response="We apologise for the delay; the matter has been dealt with." if late
                else "Your sample was found and analysed; the results were emailed to you.",
            )
    # The water ministry's charter-compliance indicator, fed from complaints (see charters.compliance).
    water = Institution.objects.get(slug="water")
    indicator = Indicator.objects.filter(institution=water, name="Service charter compliance").first()
    if indicator is None:
        indicator = setup.add_indicator(admin, water, name="Service charter compliance",
                                        measurement_type="percentage", unit="%")
    if not ComplianceFeed.objects.filter(indicator=indicator).exists():
        services.link_indicator(admin, indicator)
