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
