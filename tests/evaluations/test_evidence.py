"""Evidence as files: the self-evaluation's achievements and the evaluator's physical verifications take
several files at once, checked by the contracts' evidence rules (size, type by content); a refused file
writes nothing and keeps what was typed; another institution's file answers 404."""


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluations.models import Achievement, Evaluation, EvidenceFile, PhysicalVerification

from .conftest import form_values

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def draft(draft, media):
    """The shared draft (conftest), its evidence files stored in a test folder."""
    return draft


def test_the_head_attaches_several_files_and_downloads_them(demo, client, draft):
    client.force_login(demo.users["head"])
    first = draft.achievements.order_by("pk").first()
    before = EvidenceFile.objects.filter(achievement=first).count()
    files = [SimpleUploadedFile("returns.pdf", PDF), SimpleUploadedFile("site.png", PNG)]
    response = client.post(reverse("evaluation-save", args=[draft.pk]),
                           {**form_values(draft), f"files-{first.pk}": files})
    assert response.status_code == 302
    stored = list(EvidenceFile.objects.filter(achievement=first).order_by("pk"))[before:]
    assert [(f.original_name, f.content_type) for f in stored] == [("returns.pdf", "application/pdf"),
                                                                    ("site.png", "image/png")]
    assert all("returns" not in f.file.name for f in stored)  # stored under a random name
    page = client.get(draft.get_absolute_url()).content.decode()
    assert stored[0].get_absolute_url() in page and "site.png" in page
    download = client.get(stored[0].get_absolute_url())
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")


def test_a_refused_file_writes_nothing_and_keeps_every_typed_value(demo, client, draft, settings):
    client.force_login(demo.users["head"])
    first = draft.achievements.order_by("pk").first()
    before = EvidenceFile.objects.count()
    # One good file and one whose content is not an allowed type (whatever its name says): neither is kept.
    files = [SimpleUploadedFile("returns.pdf", PDF), SimpleUploadedFile("report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 60)]
    response = client.post(reverse("evaluation-save", args=[draft.pk]),
                           {**form_values(draft, **{f"evidence-{first.pk}": "Kept text"}), f"files-{first.pk}": files})
    assert response.status_code == 400
    body = response.content.decode()
    assert "report.pdf" in body and "not an allowed type" in body and "Kept text" in body
    assert f'id="files-{first.pk}" name="files-{first.pk}" multiple aria-describedby="files-help-{first.pk}" ' \
           f'aria-invalid="true"' in body
    assert EvidenceFile.objects.count() == before
    assert Achievement.objects.get(pk=first.pk).evidence == "Kept text"
    # Too large: the evidence limit of the contracts' rules.
    settings.PMIS_EVIDENCE_MAX_BYTES = 16
    response = client.post(reverse("evaluation-save", args=[draft.pk]),
                           {**form_values(draft), f"files-{first.pk}": [SimpleUploadedFile("big.pdf", PDF)]})
    assert response.status_code == 400 and "the limit is" in response.content.decode()
    assert EvidenceFile.objects.count() == before


def test_the_evaluator_attaches_files_to_a_physical_verification(demo, client, draft, evaluator):
    Evaluation.objects.filter(pk=draft.pk).update(state="submitted")
    a = draft.achievements.order_by("pk").first()
    client.force_login(evaluator)
    bad = client.post(reverse("evaluation-verify", args=[draft.pk]), {
        "achievement": a.pk, "visited_on": "2027-07-01", "place": "Garissa", "finding": "Seen.",
        "files": [SimpleUploadedFile("photo.jpg", b"not a picture\x00\x01")]})
    assert bad.status_code == 302 and not PhysicalVerification.objects.filter(achievement=a).exists()
    client.post(reverse("evaluation-verify", args=[draft.pk]), {
        "achievement": a.pk, "visited_on": "2027-07-01", "place": "Garissa", "finding": "Seen.",
        "files": [SimpleUploadedFile("photo1.png", PNG), SimpleUploadedFile("notes.pdf", PDF)]})
    visit = PhysicalVerification.objects.get(achievement=a)
    assert sorted(visit.files.values_list("original_name", flat=True)) == ["notes.pdf", "photo1.png"]
    client.force_login(demo.users["head"])
    assert client.get(visit.files.first().get_absolute_url()).status_code == 200


def test_another_institutions_file_answers_404(demo, client):
    foreign = EvidenceFile.objects.filter(institution=demo.machakos).first()
    assert foreign is not None
    for login in ("head", "officer", "auditor"):
        client.force_login(demo.users[login])
        assert client.get(reverse("evaluation-evidence", args=[foreign.pk])).status_code == 404, login
    client.force_login(demo.users["head2"])
    own = EvidenceFile.objects.filter(institution=demo.water).first()
    assert client.get(reverse("evaluation-evidence", args=[own.pk])).status_code == 404
    assert client.get(reverse("evaluation-evidence", args=[foreign.pk])).status_code == 200
