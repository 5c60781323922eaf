"""The citizen's online form (drafts, uploads checked by content, atomic submission) and
the VNeID login through the local simulator."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import UserFactory
from tinhso.core.pdf import simple_document
from tinhso.publicservices.models import Dossier, DossierPaper, Level, ProcedurePaper
from tinhso.publicservices.models import DossierState as S

from . import sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(settings, tmp_path):
    from tinhso.payments.demo import seed_payments

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    seed_payments()  # the province's payee account, for the fee's VietQR
    where = sample.agency("H20.01", Level.COMMUNE, name="UBND xã Hữu Lũng")
    proc = sample.procedure(fee_vnd=8000)
    declaration = ProcedurePaper.objects.create(procedure=proc, order=1,
                                                name="Tờ khai đăng ký khai sinh")
    certificate = ProcedurePaper.objects.create(procedure=proc, order=2,
                                                name="Giấy chứng sinh")
    return {"agency": where, "procedure": proc, "papers": (declaration, certificate),
            "root": tmp_path / "private"}


def pdf(name="giay.pdf"):
    return SimpleUploadedFile(name, simple_document("Giấy tờ", ["Bản chính"]),
                              "application/pdf")


def stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


APPLICANT = {"applicant_name": "Hoàng Thị Mai", "applicant_id_number": "020190001234",
             "applicant_phone": "0912 000 099"}


def test_a_draft_then_an_atomic_submission(client, form):
    citizen = UserFactory()
    client.force_login(citizen)
    declaration, certificate = form["papers"]
    url = reverse("publicservices:apply", args=[form["procedure"].code])
    answer = client.post(url, {"action": "draft", "agency": form["agency"].pk,
                               "applicant_name": "Hoàng Thị Mai",
                               f"paper-{declaration.pk}": pdf()})
    assert answer.status_code == 302
    draft = Dossier.objects.get()
    assert draft.state == S.DRAFT and draft.applicant_user == citizen
    assert len(stored_files(form["root"])) == 1
    edit = reverse("publicservices:apply_draft", args=[form["procedure"].code, draft.pk])

    # Submitting without the second required paper: refused, naming it; nothing changes.
    answer = client.post(edit, {"action": "submit", "agency": form["agency"].pk, **APPLICANT})
    assert answer.status_code == 422 and "Giấy chứng sinh" in answer.content.decode()
    draft.refresh_from_db()
    assert draft.state == S.DRAFT and draft.applicant_id_number == ""

    # A text file calling itself a PDF is refused by content, with the paper's name.
    fake = SimpleUploadedFile("giay-chung-sinh.pdf", b"hello", "application/pdf")
    answer = client.post(edit, {"action": "submit", "agency": form["agency"].pk,
                                **APPLICANT, f"paper-{certificate.pk}": fake})
    assert answer.status_code == 422 and "Giấy chứng sinh" in answer.content.decode()
    assert len(stored_files(form["root"])) == 1

    answer = client.post(edit, {"action": "submit", "agency": form["agency"].pk,
                                **APPLICANT, f"paper-{certificate.pk}": pdf()})
    assert answer.status_code == 302
    draft.refresh_from_db()
    assert draft.state == S.SUBMITTED and draft.channel == "online"
    assert draft.applicant_phone == "0912000099"  # normalised by core.validators
    assert DossierPaper.objects.filter(dossier=draft).exclude(storage_key="").count() == 2
    page = client.get(reverse("publicservices:my_dossiers")).content.decode()
    assert "<svg" in page and "8.000 ₫" in page  # the fee's VietQR
    # Once submitted, the draft form is gone.
    assert client.get(edit).status_code == 404


def test_applicant_data_is_checked_field_by_field(client, form):
    client.force_login(UserFactory())
    url = reverse("publicservices:apply", args=[form["procedure"].code])
    answer = client.post(url, {"action": "submit", "agency": form["agency"].pk,
                               "applicant_name": "Hoàng Thị Mai",
                               "applicant_id_number": "020990001234",  # born in 2099
                               "applicant_phone": "024 3826 1234"})  # a landline
    html = answer.content.decode()
    assert answer.status_code == 422
    assert html.count('class="error"') == 2  # the ID number and the phone, each by its field
    assert not Dossier.objects.exists()


def test_another_citizens_draft_is_404(client, form):
    owner = UserFactory()
    client.force_login(owner)
    client.post(reverse("publicservices:apply", args=[form["procedure"].code]),
                {"action": "draft", "agency": form["agency"].pk, "applicant_name": "A"})
    draft = Dossier.objects.get()
    client.force_login(UserFactory())
    url = reverse("publicservices:apply_draft", args=[form["procedure"].code, draft.pk])
    assert client.get(url).status_code == 404


def test_vneid_login_through_the_simulator(client, form):
    answer = client.get(reverse("publicservices:vneid_login"))
    authorize = answer["Location"]
    query = parse_qs(urlparse(authorize).query)
    answer = client.post(authorize, {"so_dinh_danh": "020190001234",
                                     "ho_ten": "Hoàng Thị Mai", "so_dien_thoai": "0912000099"})
    callback = answer["Location"]
    assert parse_qs(urlparse(callback).query)["state"] == query["state"]
    answer = client.get(callback)
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "publicservices:procedures")
    page = client.get(reverse("publicservices:apply", args=[form["procedure"].code]))
    assert "020190001234" in page.content.decode()  # the identity fills the form
    # The code and the state are good once.
    client.logout()
    assert client.get(callback)["Location"] == reverse("accounts:login")


def test_vneid_simulator_refuses_a_bad_identity_and_a_foreign_redirect(client):
    url = reverse("publicservices:vneid_sim_authorize")
    assert client.get(url, {"redirect_uri": "https://evil.example/cb", "state": "x"}
                      ).status_code == 400
    answer = client.post(url + "?redirect_uri=/public-services/vneid/callback/&state=x",
                         {"so_dinh_danh": "12345", "ho_ten": "A"})
    assert answer.status_code == 200 and 'class="error"' in answer.content.decode()
