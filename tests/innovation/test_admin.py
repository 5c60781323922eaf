"""News and events are edited in the admin, with a picture checked by content."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.innovation.conftest import vn
from tinhso.innovation.models import News

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_a_news_item_with_a_picture_is_served_and_a_fake_picture_refused(
        client, admin_user, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    client.force_login(admin_user)
    form = {"title_vi": "Ngày hội khởi nghiệp", "title_en": "Startup day",
            "body_vi": "Nội dung", "body_en": "Text", "published_at_0": "01/12/2026",
            "published_at_1": "08:00", "is_published": "on"}
    fake = client.post("/admin/innovation/news/add/", {
        **form, "picture": SimpleUploadedFile("anh.png", b"<script>", "image/png")})
    assert fake.status_code == 200 and not News.objects.exists()
    done = client.post("/admin/innovation/news/add/", {
        **form, "picture": SimpleUploadedFile("anh.png", _png(), "image/png")})
    assert done.status_code == 302, done.content.decode()[:3000]
    item = News.objects.get()
    assert item.image.endswith(".png")
    client.logout()
    picture = client.get(f"/khoi-nghiep/anh/tin/{item.pk}/")
    assert picture["Content-Type"] == "image/png"
    assert client.get(f"/khoi-nghiep/tin-tuc/{item.pk}/").status_code == 200
    News.objects.filter(pk=item.pk).update(is_published=False, published_at=vn(2026, 12, 1, 8))
    assert client.get(f"/khoi-nghiep/anh/tin/{item.pk}/").status_code == 404
