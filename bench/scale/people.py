"""Org-unit trees, users and officers: a head per institution, a manager per unit, officers under them."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from pmis.models import Officer, OrgUnit, Role, RoleMembership

from .identity import OVERSIGHT_USER, PREFIX
from .vocabulary import FIRST_NAMES, LAST_NAMES, SUBJECTS


@dataclass
class Workforce:
    """Who works where: per institution (id) its roster of (officer id, user id, unit id, supervisor officer
    id), head first; how many officers each institution has; each officer's user; the oversight user."""

    staff: dict
    per_inst: list
    officer_user: dict
    oversight_user_id: int


def _units_per_institution(officers_each):
    """Directorates and the departments under each: 1×0 for a handful of officers, 4×3 at 300+."""
    directorates = max(1, min(4, officers_each // 80))
    departments = max(0, min(3, officers_each // 100))
    return directorates, departments


def write_org_units(writer, rng, plan, institutions):
    """The org-unit trees, materialised paths computed here (treebeard's format): {institution id:
    [(unit id, parent unit id or None, name)]}, and the number of units written."""
    officers_each = plan.officers // plan.institutions
    n_dir, n_dep = _units_per_institution(officers_each)
    steplen, alphabet = OrgUnit.steplen, OrgUnit.alphabet

    def step(n):
        return _int2str(n, alphabet).rjust(steplen, alphabet[0])

    last_root = OrgUnit.objects.get_last_root_node()
    root_number = _str2int(last_root.path[:steplen], alphabet) if last_root else 0
    unit_id = writer.next_id(OrgUnit)
    units = {}
    unit_rows = []
    for inst in institutions:
        mine = units[inst.pk] = []
        for d in range(n_dir):
            root_number += 1
            root_path = step(root_number)
            directorate = unit_id
            unit_id += 1
            name = f"Directorate of {SUBJECTS[rng.randrange(len(SUBJECTS))]} {d + 1}"
            unit_rows.append({"id": directorate, "path": root_path, "depth": 1, "numchild": n_dep,
                              "institution_id": inst.pk, "name": name, "code": f"D{d + 1}",
                              "level": OrgUnit.Level.DIRECTORATE})
            mine.append((directorate, None, name))
            for k in range(n_dep):
                name = f"Department {d + 1}.{k + 1}"
                unit_rows.append({"id": unit_id, "path": root_path + step(k + 1), "depth": 2, "numchild": 0,
                                  "institution_id": inst.pk, "name": name, "code": f"D{d + 1}.{k + 1}",
                                  "level": OrgUnit.Level.DEPARTMENT})
                mine.append((unit_id, directorate, name))
                unit_id += 1
    return units, writer.write(OrgUnit, unit_rows)


def write_staff(writer, rng, plan, institutions, units, body):
    """Users and officers, and the role memberships of the heads and of the oversight body's user: the
    ``Workforce``, and the rows written by table. Unusable passwords ("!"): nobody logs in as them until the
    bench sets one."""
    User = get_user_model()
    user_id = writer.next_id(User)
    officer_id = writer.next_id(Officer)
    per_inst = [plan.officers // plan.institutions + (1 if i < plan.officers % plan.institutions else 0)
                for i in range(plan.institutions)]
    staff = {}  # institution id → list of (officer id, user id, unit id, supervisor officer id)
    user_rows, officer_rows = [], []
    officer_user = {}
    for inst, count in zip(institutions, per_inst, strict=True):
        roster = staff[inst.pk] = []
        unit_list = units[inst.pk]
        managers = {}
        for k in range(count):
            first, last = FIRST_NAMES[rng.randrange(len(FIRST_NAMES))], LAST_NAMES[rng.randrange(len(LAST_NAMES))]
            username = f"{PREFIX}{inst.slug[len(PREFIX):]}-{k + 1:05d}"
            user_rows.append({"id": user_id, "password": "!scale", "username": username, "first_name": first,
                              "last_name": last, "email": "", "is_staff": False, "is_active": True,
                              "is_superuser": False, "date_joined": writer.now, "last_login": None})
            if k == 0:  # the head of the institution
                unit, supervisor, designation = None, None, "Accounting Officer"
            elif k <= len(unit_list):  # one manager per unit, under the head or the directorate's manager
                unit, parent, _ = unit_list[k - 1]
                managers[unit] = officer_id
                supervisor = managers.get(parent, roster[0][0])
                designation = "Director" if parent is None else "Head of Department"
            else:
                unit = unit_list[k % len(unit_list)][0]
                supervisor = managers.get(unit, roster[0][0])
                designation = "Officer"
            officer_rows.append({"id": officer_id, "user_id": user_id, "institution_id": inst.pk,
                                 "personal_number": f"S{inst.slug[len(PREFIX):]}-{k + 1:06d}",
                                 "designation": designation,
                                 "job_grade": f"G{rng.randrange(5, 15)}", "org_unit_id": unit,
                                 "supervisor_id": supervisor})
            roster.append((officer_id, user_id, unit, supervisor))
            officer_user[officer_id] = user_id
            user_id += 1
            officer_id += 1
    oversight_user_id = user_id
    user_rows.append({"id": oversight_user_id, "password": "!scale", "username": OVERSIGHT_USER,
                      "first_name": "Scale", "last_name": "Oversight", "email": "", "is_staff": False,
                      "is_active": True, "is_superuser": False, "date_joined": writer.now, "last_login": None})
    counts = {"users": writer.write(User, user_rows), "officers": writer.write(Officer, officer_rows)}
    membership_id = writer.next_id(RoleMembership)
    member_rows = [{"id": membership_id, "user_id": oversight_user_id, "institution_id": body.pk,
                    "role": Role.OVERSIGHT, "org_unit_id": None}]
    for n, inst in enumerate(institutions, start=1):
        member_rows.append({"id": membership_id + n, "user_id": staff[inst.pk][0][1], "institution_id": inst.pk,
                            "role": Role.HEAD, "org_unit_id": None})
    counts["role_memberships"] = writer.write(RoleMembership, member_rows)
    return Workforce(staff, per_inst, officer_user, oversight_user_id), counts


def _int2str(num, alphabet):
    radix = len(alphabet)
    digits = ""
    while True:
        num, rem = divmod(num, radix)
        digits = alphabet[rem] + digits
        if not num:
            return digits


def _str2int(text, alphabet):
    radix = len(alphabet)
    value = 0
    for char in text:
        value = value * radix + alphabet.index(char)
    return value
