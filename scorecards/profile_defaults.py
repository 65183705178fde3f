"""The three public services' profiles as first written: plain data, which the migration that seeds
them and ``setup.ensure_profiles`` (a database emptied and loaded again) both write. Once written they
are data a performance department edits in the admin; nothing here overwrites a profile."""


def _level(scheme, table, category_weights):
    return {"scheme": scheme, "band_table": table, "category_weights": category_weights}


PC_CATEGORIES = [
    {"code": "FS", "name": "Financial Stewardship and Discipline", "name_sw": "Usimamizi wa Fedha na Nidhamu",
     "weight": "10"},
    {"code": "CM", "name": "Core Mandate", "name_sw": "Majukumu ya Msingi", "weight": "50"},
    {"code": "SD", "name": "Service Delivery", "name_sw": "Utoaji wa Huduma", "weight": "15"},
    {"code": "PD", "name": "Implementation of Presidential Directives", "name_sw": "Utekelezaji wa Maagizo ya Rais",
     "weight": "10"},
    {"code": "CC", "name": "Cross-Cutting Issues", "name_sw": "Masuala Mtambuka", "weight": "15"},
]
BSC_PERSPECTIVES = [
    {"code": "CL", "name": "Client/Customer", "name_sw": "Mteja", "weight": "25"},
    {"code": "FI", "name": "Financial Stewardship", "name_sw": "Usimamizi wa Fedha", "weight": "25"},
    {"code": "IB", "name": "Internal Business Processes", "name_sw": "Michakato ya Ndani", "weight": "25"},
    {"code": "LG", "name": "Learning and Growth", "name_sw": "Kujifunza na Kukua", "weight": "25"},
]


def _stages(plan, monitor, review, appraise, appeal):
    return {"plan": plan, "monitor": monitor, "review": review, "appraise": appraise, "appeal": appeal}


PROFILES = [
    {
        "code": "ke-pc", "name": "Kenya: performance contracting and SPAS",
        "name_sw": "Kenya: mikataba ya utendaji na SPAS", "country": "KE", "language": "en",
        "perspective_kind": "pc_criteria_category", "perspectives": PC_CATEGORIES,
        "schemes": {"institution": _level("kenya_pc", "kenya_pc", True), "unit": _level("kenya_pc", "kenya_pc", True),
                    "officer": _level("percent_achievement", "percent_achievement", False)},
        "fy_start_month": 7, "weekly_log": False, "quarterly_reports": True,
        "stage_names": _stages(
            {"en": "Performance contract", "sw": "Mkataba wa Utendaji"},
            {"en": "Quarterly reporting", "sw": "Taarifa za Robo Mwaka"},
            {"en": "Mid-year review", "sw": "Mapitio ya Nusu Mwaka"},
            {"en": "Performance appraisal (SPAS)", "sw": "Upimaji wa Utendaji (SPAS)"},
            {"en": "Appeal", "sw": "Rufaa"},
        ),
    },
    {
        "code": "tz-pepmis", "name": "Tanzania: PEPMIS", "name_sw": "Tanzania: PEPMIS", "country": "TZ",
        "language": "sw", "perspective_kind": "pc_criteria_category", "perspectives": PC_CATEGORIES,
        "schemes": {"institution": _level("percent_achievement", "percent_achievement", True),
                    "unit": _level("percent_achievement", "percent_achievement", True),
                    "officer": _level("pepmis", "pepmis", False)},
        "fy_start_month": 7, "weekly_log": True, "quarterly_reports": False,
        "stage_names": _stages(
            {"en": "Performance plan", "sw": "Mpango wa Utendaji Kazi"},
            {"en": "Implementation and monitoring", "sw": "Utekelezaji na Ufuatiliaji"},
            {"en": "Plan review", "sw": "Mapitio ya Mpango"},
            {"en": "Appraisal", "sw": "Tathmini"},
            {"en": "Appeal", "sw": "Rufaa"},
        ),
    },
    {
        "code": "ug-bsc", "name": "Uganda: balanced scorecard and staff appraisal",
        "name_sw": "Uganda: kadi ya alama iliyosawazishwa na tathmini ya watumishi", "country": "UG",
        "language": "en", "perspective_kind": "bsc_perspective", "perspectives": BSC_PERSPECTIVES,
        "schemes": {"institution": _level("likert_5", "likert_5", True), "unit": _level("likert_5", "likert_5", True),
                    "officer": _level("likert_5", "likert_5", False)},
        "fy_start_month": 7, "weekly_log": False, "quarterly_reports": True,
        "stage_names": _stages(
            {"en": "Performance agreement", "sw": "Makubaliano ya Utendaji"},
            {"en": "Quarterly review", "sw": "Mapitio ya Robo Mwaka"},
            {"en": "Mid-year review", "sw": "Mapitio ya Nusu Mwaka"},
            {"en": "Staff appraisal", "sw": "Tathmini ya Watumishi"},
            {"en": "Appeal", "sw": "Rufaa"},
        ),
    },
]
