"""core.files: uploads checked by content, cleaned, stored privately, served with care."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from PIL import Image

from tinhso.core import files
from tinhso.core.validators import InvalidValue

LABEL = "Ảnh sản phẩm"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def photo(kind="JPEG", size=(1600, 1200), *, exif_gps=False, mode="RGB", name=None) -> SimpleUploadedFile:
    image = Image.new(mode, size, (200, 120, 40) if mode == "RGB" else (200, 120, 40, 128))
    for x in range(0, size[0], 50):  # some detail so the encoder has work to do
        image.paste((30, 90, 30) if mode == "RGB" else (30, 90, 30, 255), (x, 0, x + 10, size[1]))
    out = io.BytesIO()
    params = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
        exif[0x8825] = {1: "N", 2: (21.0, 50.0, 0.0)}  # GPS IFD
        params["exif"] = exif.tobytes()
    image.save(out, kind, **params)
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "BMP": "bmp"}[kind]
    return SimpleUploadedFile(name or f"anh.{extension}", out.getvalue())


def stored_image(name: str) -> Image.Image:
    return Image.open(files.private_storage().open(name, "rb"))


def store(upload, **kwargs):
    return files.store_image(upload, folder="market/products", field="photo", label=LABEL,
                             **kwargs)


@pytest.mark.parametrize(("kind", "content_type"), [
    ("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_real_photos_are_stored_with_thumbnails(private_root, kind, content_type):
    stored = store(photo(kind))
    assert stored.content_type == content_type
    assert (stored.width, stored.height) == (1600, 1200)
    assert sorted(stored.thumbnails) == [320, 960]
    assert stored_image(stored.thumbnails[320]).size == (320, 240)
    assert stored_image(stored.thumbnails[960]).size == (960, 720)
    assert stored_image(stored.original).format == kind
    # Private: under PRIVATE_MEDIA_ROOT, with a random name, not the uploader's.
    for name in stored.names:
        assert (private_root / name).is_file()
        assert "anh" not in name and name.startswith("market/products/")


def test_exif_is_stripped_after_applying_the_orientation():
    stored = store(photo(exif_gps=True, size=(400, 300)))
    image = stored_image(stored.original)
    assert not image.getexif()
    assert "exif" not in image.info
    assert image.size == (300, 400)  # turned upright as the phone said, then forgotten


def test_transparent_png_keeps_its_alpha():
    stored = store(photo("PNG", mode="RGBA", size=(100, 80)))
    assert stored_image(stored.original).mode == "RGBA"


def refused(upload, **kwargs) -> InvalidValue:
    with pytest.raises(InvalidValue) as caught:
        store(upload, **kwargs)
    assert caught.value.field == "photo"
    return caught.value


def test_text_renamed_jpg_is_refused_by_content(private_root):
    error = refused(SimpleUploadedFile("na.jpg", b"this is not a picture at all\n" * 20))
    assert error.code == files.FileError.NOT_AN_IMAGE
    assert error.message_vi.startswith("Ảnh sản phẩm: ")
    assert "JPEG" in error.message_en
    assert not private_root.exists() or not any(private_root.rglob("*.*"))


def test_truncated_jpeg_is_refused():
    data = photo().read()
    error = refused(SimpleUploadedFile("cut.jpg", data[: len(data) // 2]))
    assert error.code == files.FileError.NOT_AN_IMAGE


@pytest.mark.parametrize("kind", ["GIF", "BMP"])
def test_other_picture_formats_are_named_and_refused(kind):
    error = refused(photo(kind, size=(20, 20), name="anh.jpg"))
    assert error.code == files.FileError.IMAGE_TYPE
    assert kind in error.message_en


def test_oversized_upload_names_the_field_and_the_limit():
    error = refused(photo(size=(800, 600)), max_bytes=1000)
    assert error.code == files.FileError.TOO_LARGE
    assert error.params["limit"] == "0"
    assert "MB" in error.message_vi and "Ảnh sản phẩm" in error.message_vi


def test_empty_upload_is_refused():
    assert refused(SimpleUploadedFile("x.jpg", b"")).code == files.FileError.EMPTY


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares width × height pixels (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1000, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


@pytest.mark.parametrize(("width", "height"), [(100_000, 100_000), (9000, 6000)])
def test_decompression_bomb_is_refused_from_its_header(width, height):
    error = refused(SimpleUploadedFile("bomb.png", png_declaring(width, height)))
    assert error.code == files.FileError.TOO_MANY_PIXELS
    assert error.params["limit"] == "50"


def test_pixel_limit_follows_the_setting(settings):
    settings.UPLOAD_MAX_PIXELS = 10_000
    assert refused(photo(size=(200, 200))).code == files.FileError.TOO_MANY_PIXELS


def test_documents_are_checked_by_magic_bytes():
    pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    name, content_type = files.store_document(
        SimpleUploadedFile("giay.bin", pdf), folder="dossiers", field="paper", label="Giấy tờ")
    assert content_type == "application/pdf" and name.endswith(".pdf")
    name, content_type = files.store_document(photo("PNG", size=(50, 50), name="scan.pdf"),
                                              folder="dossiers", field="paper", label="Giấy tờ")
    assert content_type == "image/png"
    for bad in (b"MZ\x90\x00 an executable", b"<html><script>alert(1)</script>",
                b"%PDF-1.7 but cut short"):
        with pytest.raises(InvalidValue) as caught:
            files.store_document(SimpleUploadedFile("a.pdf", bad), folder="dossiers",
                                 field="paper", label="Giấy tờ")
        assert caught.value.field == "paper"
        assert caught.value.code == files.FileError.NOT_ALLOWED_TYPE
        assert "PDF, JPEG, PNG" in caught.value.message_vi


def test_serve_streams_with_safe_headers():
    stored = store(photo(size=(100, 100)))
    response = files.serve(stored.original, download_name="na-chi-lang.jpg")
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="na-chi-lang.jpg"'
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    attachment = files.serve(stored.original, attachment=True)
    assert attachment["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("name", ["", "nope/missing.jpg", "../../etc/passwd", "x.html",
                                  "market/products/ab/abc"])
def test_serve_refuses_missing_odd_or_escaping_names(name):
    from django.core.exceptions import SuspiciousFileOperation

    with pytest.raises((Http404, SuspiciousFileOperation)):
        files.serve(name)


# --- Word documents (DOCX), where a use allows them --------------------------------------

def _docx(**extra: bytes) -> bytes:
    """A real Word document (python-docx), with extra members added to its ZIP."""
    import zipfile

    import docx

    document = docx.Document()
    document.add_paragraph("Dự thảo công văn về việc chuyển đổi số")
    out = io.BytesIO()
    document.save(out)
    if not extra:
        return out.getvalue()
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    merged = io.BytesIO()
    with zipfile.ZipFile(merged, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, extra.pop(item.filename, source.read(item.filename)))
        for name, data in extra.items():
            target.writestr(name, data)
    return merged.getvalue()


def _store_docx(data: bytes, name: str = "du-thao.docx"):
    return files.store_document(SimpleUploadedFile(name, data), folder="drafts",
                                field="body", label="Tệp dự thảo",
                                allowed=("pdf", "docx"))


def test_a_word_document_is_accepted_by_content_where_allowed(private_root):
    data = _docx()
    name, content_type = _store_docx(data, name="khong-co-duoi.bin")
    assert name.endswith(".docx")
    assert content_type == files.CONTENT_TYPES["docx"]
    assert files.private_storage().open(name).read() == data
    # where the use does not allow it (a dossier paper), the same file is refused
    with pytest.raises(InvalidValue) as caught:
        files.store_document(SimpleUploadedFile("a.docx", data), folder="dossiers",
                             field="paper", label="Giấy tờ")
    assert caught.value.code == files.FileError.NOT_ALLOWED_TYPE


def test_macro_enabled_word_documents_are_refused():
    content_types = _docx()
    import zipfile

    types = zipfile.ZipFile(io.BytesIO(content_types)).read("[Content_Types].xml")
    docm = _docx(**{"[Content_Types].xml": types.replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")})
    smuggled = _docx(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macros"})
    for data in (docm, smuggled):
        with pytest.raises(InvalidValue) as caught:
            _store_docx(data)
        assert caught.value.code == files.FileError.MACROS
        assert caught.value.field == "body"


def test_zips_that_are_not_word_documents_are_refused():
    import zipfile

    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    good = _docx()
    for bad in (plain_zip.getvalue(), good[: len(good) // 2],  # not Word; cut short
                b"PK\x03\x04" + b"\x00" * 200):                  # a ZIP header and nothing
        with pytest.raises(InvalidValue) as caught:
            _store_docx(bad)
        assert caught.value.code == files.FileError.NOT_ALLOWED_TYPE
        assert "PDF, DOCX" in caught.value.message_vi


def test_a_zip_bomb_word_document_is_refused_from_its_directory(monkeypatch):
    import zipfile

    monkeypatch.setattr(files, "DOCX_MAX_UNPACKED_BYTES", 2 * files.MB)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (files.DOCX_MAX_UNPACKED_BYTES + 1))
    assert len(bomb.getvalue()) < files.DEFAULT_DOCUMENT_MAX_BYTES
    with pytest.raises(InvalidValue) as caught:
        _store_docx(bomb.getvalue())
    assert caught.value.code == files.FileError.NOT_ALLOWED_TYPE


def test_a_word_document_over_the_size_limit_is_refused():
    with pytest.raises(InvalidValue) as caught:
        files.store_document(SimpleUploadedFile("big.docx", _docx()), folder="drafts",
                             field="body", label="Tệp", allowed=("docx",), max_bytes=1000)
    assert caught.value.code == files.FileError.TOO_LARGE
