"""An institution's administrator sets its Swahili name and coat of arms; no one else, nowhere else."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from pmis.models import AuditEvent


def png(size=(40, 40)):
    out = io.BytesIO()
    Image.new("RGB", size, "#0b3d2e").save(out, "PNG")
    return SimpleUploadedFile("arms.png", out.getvalue(), "image/png")


def test_the_administrator_sets_the_swahili_name_and_coat_of_arms(demo, as_user, media):
    url = reverse("institution-identity", args=[demo.water.pk])
    client = as_user(demo.users["admin"])
    assert url in client.get(reverse("institution-detail", args=[demo.water.pk])).content.decode()
    response = client.post(url, {"name_sw": "Wizara ya Maji", "coat_of_arms": png()})
    assert response.status_code == 302
    demo.water.refresh_from_db()
    assert demo.water.name_sw == "Wizara ya Maji" and demo.water.coat_of_arms.name.endswith(".png")
    event = AuditEvent.objects.filter(action="institution.identity").latest("pk")
    assert event.after["name_sw"] == "Wizara ya Maji"
    # Not an image: refused, nothing changed.
    bad = SimpleUploadedFile("arms.png", b"not an image", "image/png")
    response = client.post(url, {"name_sw": "Other", "coat_of_arms": bad})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    demo.water.refresh_from_db()
    assert demo.water.name_sw == "Wizara ya Maji"


def test_others_may_not_and_another_institution_is_not_found(demo, as_user):
    url = reverse("institution-identity", args=[demo.water.pk])
    officer = as_user(demo.users["officer"])
    page = officer.get(url)
    assert page.status_code == 200 and "<form" not in page.content.decode().split("<main")[1]
    assert officer.post(url, {"name_sw": "Jina"}).status_code == 403
    assert url not in as_user(demo.users["officer"]).get(
        reverse("institution-detail", args=[demo.water.pk])).content.decode()
    for user in ("head", "officer"):  # an institution out of their sight does not exist for them
        assert as_user(demo.users[user]).get(
            reverse("institution-identity", args=[demo.outside.pk])).status_code == 404


def test_the_administrator_names_units_in_swahili_and_swahili_pages_show_it(demo, as_user,
                                                                          django_assert_max_num_queries):
    from pmis import access, org
    from pmis.models import OrgUnit

    unit = OrgUnit.objects.filter(institution=demo.water).order_by("path").first()
    url = reverse("orgunit-name", args=[unit.pk])
    # An administrator of the institution who is not a superuser.
    keeper, _ = org.ensure_user("keeper", first_name="Ruth", last_name="Mwangi")
    org.grant_role(demo.users["admin"], keeper, demo.water, "admin")
    access.forget()
    client = as_user(keeper)
    assert url in client.get(reverse("orgunit-detail", args=[unit.pk])).content.decode()
    assert url in client.get(reverse("institution-identity", args=[demo.water.pk])).content.decode()
    assert client.post(url, {"name_sw": "  Kurugenzi ya Rasilimali za Maji "}).status_code == 302
    unit.refresh_from_db()
    assert unit.name_sw == "Kurugenzi ya Rasilimali za Maji"
    event = AuditEvent.objects.filter(action="org_unit.name").latest("pk")
    assert event.before == {"name_sw": ""} and event.after == {"name_sw": "Kurugenzi ya Rasilimali za Maji"}
    client.cookies["django_language"] = "sw"
    html = client.get(reverse("institution-detail", args=[demo.water.pk])).content.decode()
    assert "Kurugenzi ya Rasilimali za Maji" in html
    with django_assert_max_num_queries(12):
        assert client.get(reverse("institution-identity", args=[demo.water.pk])).status_code == 200
    # Others read it and may not change it; another institution's unit does not exist for them.
    officer = as_user(demo.users["officer"])
    page = officer.get(url).content.decode()
    assert "<form" not in page.split("<main")[1] and url not in officer.get(unit.get_absolute_url()).content.decode()
    assert officer.post(url, {"name_sw": "Jina"}).status_code == 403
    outside = OrgUnit.objects.filter(institution=demo.outside).first()
    for client in (as_user(keeper), as_user(demo.users["officer"])):
        assert client.get(reverse("orgunit-name", args=[outside.pk])).status_code == 404
        assert client.post(reverse("orgunit-name", args=[outside.pk]), {"name_sw": "X"}).status_code == 404
    outside.refresh_from_db()
    assert outside.name_sw == ""
