"""The names the seed draws its institutions, officers and indicators from."""

from pmis.models import Institution

KINDS = [
    (Institution.Kind.MINISTRY, "Ministry of {}"),
    (Institution.Kind.STATE_DEPARTMENT, "State Department for {}"),
    (Institution.Kind.AGENCY, "{} Authority"),
    (Institution.Kind.AGENCY, "Kenya {} Corporation"),
    (Institution.Kind.COUNTY, "County Government of {}"),
]
SUBJECTS = [
    "Water", "Health", "Education", "Roads", "Energy", "Agriculture", "Trade", "Tourism", "Lands", "Mining",
    "Fisheries", "Housing", "Labour", "Youth", "Sports", "Culture", "Defence", "Environment", "Forestry",
    "Transport", "Ports", "Railways", "Aviation", "Revenue", "Statistics", "Irrigation", "Livestock",
    "Cooperatives", "ICT", "Broadcasting", "Pensions", "Insurance", "Standards", "Meteorology", "Wildlife",
]
COUNTIES = [
    "Mombasa", "Kwale", "Kilifi", "Tana River", "Lamu", "Taita Taveta", "Garissa", "Wajir", "Mandera",
    "Marsabit", "Isiolo", "Meru", "Tharaka Nithi", "Embu", "Kitui", "Machakos", "Makueni", "Nyandarua",
    "Nyeri", "Kirinyaga", "Murang'a", "Kiambu", "Turkana", "West Pokot", "Samburu", "Trans Nzoia",
    "Uasin Gishu", "Elgeyo Marakwet", "Nandi", "Baringo", "Laikipia", "Nakuru", "Narok", "Kajiado",
    "Kericho", "Bomet", "Kakamega", "Vihiga", "Bungoma", "Busia", "Siaya", "Kisumu", "Homa Bay", "Migori",
    "Kisii", "Nyamira", "Nairobi",
]
FIRST_NAMES = ["Achieng", "Wanjiru", "Kamau", "Otieno", "Mwangi", "Njeri", "Kiprop", "Chebet", "Mutua", "Akinyi",
               "Omondi", "Wambui", "Kipchoge", "Nyambura", "Barasa", "Halima", "Abdi", "Fatuma", "Juma", "Zawadi"]
LAST_NAMES = ["Odhiambo", "Kariuki", "Kiptoo", "Mutiso", "Wekesa", "Njoroge", "Hassan", "Ochieng", "Kilonzo",
              "Ruto", "Maina", "Onyango", "Cheruiyot", "Wafula", "Mohamed", "Atieno", "Gitau", "Kosgei"]
INDICATORS = [
    ("Development budget absorbed", "percentage", "%", "higher"),
    ("Services delivered within the charter time", "percentage", "%", "higher"),
    ("Projects completed", "number", "projects", "higher"),
    ("Citizens served", "number", "citizens", "higher"),
    ("Revenue collected", "currency", "KES", "higher"),
    ("Complaints resolved within 14 days", "percentage", "%", "higher"),
    ("Average days to process an application", "number", "days", "lower"),
    ("Staff trained", "number", "staff", "higher"),
    ("Audit queries outstanding", "number", "queries", "lower"),
    ("Reports submitted on time", "number", "reports", "higher"),
]
