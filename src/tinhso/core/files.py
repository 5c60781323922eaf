"""Uploads checked by content, stored outside the web root, served only to those allowed.

Shared by the market (product photos), public services (dossier papers) and documents.

* **Checked by content, never by name.** An image is opened and fully decoded by Pillow
  and must be JPEG, PNG or WebP whatever its file name says; a PDF must start with
  ``%PDF-`` and end with ``%%EOF``; a Word document (DOCX, only where a use allows it) must
  be a sound ZIP holding ``word/document.xml``, and one that carries macros (a ``.docm``,
  or a ``vbaProject.bin`` smuggled in) is refused. A text file renamed ``.jpg`` is refused.
* **Bounded.** A size limit per use (``max_bytes``) and a pixel limit for images
  (``settings.UPLOAD_MAX_PIXELS``, also set as Pillow's ``Image.MAX_IMAGE_PIXELS`` by the
  core app): a decompression bomb (a small file declaring a huge picture) is refused from
  its header, before anything is decoded.
* **Cleaned.** Images are re-encoded from their pixels (the EXIF block with the phone's
  GPS position and serial number is dropped; the orientation it carried is applied
  first), and thumbnails are made (320 and 960 px on the longer side by default).
* **Private.** Files go to ``settings.PRIVATE_MEDIA_ROOT`` (``var/private``), which no
  URL maps to (``STATIC_ROOT`` is served, this is not), under random names: the uploader's
  file name is never used as a path. ``serve()`` streams a file after the caller's view
  has decided who may see it, with its content type, ``X-Content-Type-Options: nosniff``,
  a ``Content-Disposition`` and a ``sandbox`` CSP.

Errors are ``InvalidValue`` naming the field (``FieldCollector`` turns them into the
API's 422 and a form's message), in Vietnamese and English.
"""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.utils.translation import gettext_noop
from PIL import Image, ImageOps, UnidentifiedImageError

from tinhso.core.validators import InvalidValue

MB = 1024 * 1024
#: Pillow format -> (extension, content type) of what is stored.
IMAGE_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
#: Longer side in pixels of the thumbnails made by default (list cards, product page).
THUMBNAIL_SIZES = (320, 960)
DEFAULT_IMAGE_MAX_BYTES = 8 * MB
DEFAULT_DOCUMENT_MAX_BYTES = 10 * MB


class FileError(StrEnum):
    EMPTY = "file.empty"
    TOO_LARGE = "file.too_large"
    NOT_AN_IMAGE = "file.not_an_image"
    IMAGE_TYPE = "file.image_type"
    TOO_MANY_PIXELS = "file.too_many_pixels"
    NOT_ALLOWED_TYPE = "file.type"
    MACROS = "file.macros"


MESSAGES: dict[FileError, str] = {
    FileError.EMPTY: gettext_noop("{label}: the file is empty."),
    FileError.TOO_LARGE: gettext_noop(
        "{label}: the file is {size} MB, more than the {limit} MB allowed."),
    FileError.NOT_AN_IMAGE: gettext_noop(
        "{label}: the file is not a picture (JPEG, PNG or WebP), whatever its name says."),
    FileError.IMAGE_TYPE: gettext_noop(
        "{label}: a {kind} picture is not accepted; send a JPEG, PNG or WebP photo."),
    FileError.TOO_MANY_PIXELS: gettext_noop(
        "{label}: the picture has too many pixels; at most {limit} million."),
    FileError.NOT_ALLOWED_TYPE: gettext_noop(
        "{label}: the file must be one of: {allowed}, checked by its content."),
    FileError.MACROS: gettext_noop(
        "{label}: a Word document with macros is not accepted; save it as a plain .docx."),
}


def file_error(code: FileError, *, field: str, label: object, **params: object) -> InvalidValue:
    return InvalidValue(field, code, MESSAGES[code], {"label": label, **params})


def private_storage() -> FileSystemStorage:
    """Where uploads live: outside STATIC_ROOT, with no URL (``base_url`` None)."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None,
                             file_permissions_mode=0o640, directory_permissions_mode=0o750)


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}".rstrip("0").rstrip(".")


def read_upload(upload: IO[bytes], *, field: str, label: object, max_bytes: int) -> bytes:
    """The upload's bytes, refusing an empty one or one over ``max_bytes`` (read at most
    one byte past the limit, whatever the client said the size was)."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes + 1)
    if not data:
        raise file_error(FileError.EMPTY, field=field, label=label)
    if len(data) > max_bytes:
        size = max(getattr(upload, "size", 0) or 0, len(data))
        raise file_error(FileError.TOO_LARGE, field=field, label=label,
                         size=_megabytes(size), limit=_megabytes(max_bytes))
    return data


def _open_image(data: bytes, *, field: str, label: object) -> Image.Image:
    """A fully decoded image from ``data``, or the error saying why not."""
    limit = settings.UPLOAD_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            kind = probe.format
            width, height = probe.size
            if width * height > limit:
                raise Image.DecompressionBombError(f"{width}x{height}")
            if kind not in IMAGE_FORMATS:
                raise file_error(FileError.IMAGE_TYPE, field=field, label=label, kind=kind)
            probe.verify()  # structure and checksums; the object is unusable afterwards
            image = Image.open(io.BytesIO(data))
            image.load()  # decode every pixel: a truncated file fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise file_error(FileError.TOO_MANY_PIXELS, field=field, label=label,
                         limit=_millions(limit)) from None
    except InvalidValue:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError,
            EOFError) as exc:
        raise file_error(FileError.NOT_AN_IMAGE, field=field, label=label) from exc
    return image


def _millions(pixels: int) -> str:
    return f"{pixels / 1_000_000:.0f}"


@dataclass(frozen=True)
class StoredImage:
    """Storage names of the cleaned original and of each thumbnail, by its size."""

    original: str
    width: int
    height: int
    content_type: str
    thumbnails: dict[int, str] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [self.original, *self.thumbnails.values()]


def _random_name(folder: str, extension: str) -> str:
    token = secrets.token_hex(16)
    return f"{folder.strip('/')}/{token[:2]}/{token}.{extension}"


def _encode(image: Image.Image, kind: str) -> bytes:
    out = io.BytesIO()
    if kind == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif kind == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=82, method=4)
    return out.getvalue()


def clean_image(upload: IO[bytes], *, field: str, label: object,
                max_bytes: int = DEFAULT_IMAGE_MAX_BYTES) -> tuple[Image.Image, str]:
    """The upload as a decoded, upright picture without metadata, and its Pillow format.
    Raises ``InvalidValue`` naming ``field`` if it is not a JPEG/PNG/WebP within limits."""
    data = read_upload(upload, field=field, label=label, max_bytes=max_bytes)
    image = _open_image(data, field=field, label=label)
    kind = image.format
    image = ImageOps.exif_transpose(image)  # apply the phone's rotation, then drop EXIF
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "A" in image.getbands() or
                              "transparency" in image.info else "RGB")
    # A new image from the pixels alone: no EXIF, XMP, ICC comment or text chunk survives.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean, kind


def store_image(upload: IO[bytes], *, folder: str, field: str, label: object,
                max_bytes: int = DEFAULT_IMAGE_MAX_BYTES,
                sizes: tuple[int, ...] = THUMBNAIL_SIZES) -> StoredImage:
    """Check, clean and store a picture and its thumbnails in the private storage."""
    image, kind = clean_image(upload, field=field, label=label, max_bytes=max_bytes)
    extension, content_type = IMAGE_FORMATS[kind]
    storage = private_storage()
    original = storage.save(_random_name(folder, extension), ContentFile(_encode(image, kind)))
    thumbnails: dict[int, str] = {}
    for size in sizes:
        small = image.copy()
        small.thumbnail((size, size), Image.Resampling.LANCZOS)
        name = original.rsplit(".", 1)[0] + f"-{size}.{extension}"
        thumbnails[size] = storage.save(name, ContentFile(_encode(small, kind)))
    return StoredImage(original=original, width=image.width, height=image.height,
                       content_type=content_type, thumbnails=thumbnails)


#: What a dossier paper or document may be, by its first bytes (DOCX only when a use asks).
DOCUMENT_KINDS = ("pdf", "jpg", "png")
_KIND_NAMES = {"pdf": "PDF", "jpg": "JPEG", "png": "PNG", "webp": "WebP", "docx": "DOCX"}
#: A DOCX is a ZIP: bounds on what it may unpack to (a zip bomb is refused from its
#: directory, before anything is inflated).
DOCX_MAX_MEMBERS = 2000
DOCX_MAX_UNPACKED_BYTES = 200 * MB
_DOCX_MAIN = "word/document.xml"
_MACRO_MARKS = ("macroenabled", "vbaproject", "vbadata")


def sniff(data: bytes) -> str | None:
    """The kind of file by its magic bytes: 'pdf', 'jpg', 'png', 'webp', 'docx' (any ZIP:
    ``check_docx`` decides whether it is a Word document) or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def check_docx(data: bytes, *, field: str, label: object, allowed: str = "DOCX") -> None:
    """A Word document (Office Open XML): a readable ZIP, within the unpacking bounds,
    holding ``word/document.xml``, and no macros (a macro-enabled main part, a VBA
    project). The stored bytes are the upload's own: nothing is executed or rendered."""
    import zipfile

    wrong_type = file_error(FileError.NOT_ALLOWED_TYPE, field=field, label=label,
                            allowed=allowed)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > DOCX_MAX_MEMBERS or \
                    sum(m.file_size for m in members) > DOCX_MAX_UNPACKED_BYTES:
                raise wrong_type
            names = {m.filename for m in members}
            if _DOCX_MAIN not in names or "[Content_Types].xml" not in names:
                raise wrong_type
            types = archive.read("[Content_Types].xml")[:1 * MB].decode("utf-8", "replace")
            if archive.testzip() is not None:
                raise wrong_type
    except InvalidValue:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, KeyError,
            RuntimeError, NotImplementedError, EOFError) as exc:
        raise wrong_type from exc
    lowered = types.lower() + " ".join(names).lower()
    if any(mark in lowered for mark in _MACRO_MARKS):
        raise file_error(FileError.MACROS, field=field, label=label)


def store_document(upload: IO[bytes], *, folder: str, field: str, label: object,
                   allowed: tuple[str, ...] = DOCUMENT_KINDS,
                   max_bytes: int = DEFAULT_DOCUMENT_MAX_BYTES) -> tuple[str, str]:
    """Check and store a paper (PDF, or a photo of it; a DOCX where ``allowed`` says so):
    ``(storage name, content type)``. A PDF must start with ``%PDF-`` and hold an
    ``%%EOF`` marker near its end; a picture must decode (and is stored re-encoded,
    without EXIF); a DOCX must pass ``check_docx``."""
    data = read_upload(upload, field=field, label=label, max_bytes=max_bytes)
    kind = sniff(data)
    allowed_names = ", ".join(_KIND_NAMES[k] for k in allowed)
    if kind not in allowed:
        raise file_error(FileError.NOT_ALLOWED_TYPE, field=field, label=label,
                         allowed=allowed_names)
    if kind == "pdf":
        if b"%%EOF" not in data[-2048:]:
            raise file_error(FileError.NOT_ALLOWED_TYPE, field=field, label=label,
                             allowed=allowed_names)
        content = data
    elif kind == "docx":
        check_docx(data, field=field, label=label, allowed=allowed_names)
        content = data
    else:
        image, image_kind = clean_image(io.BytesIO(data), field=field, label=label,
                                        max_bytes=max_bytes)
        content = _encode(image, image_kind)
    name = private_storage().save(_random_name(folder, kind), ContentFile(content))
    return name, CONTENT_TYPES[kind]


def delete(*names: str) -> None:
    storage = private_storage()
    for name in names:
        if name:
            storage.delete(name)


def serve(name: str, *, download_name: str | None = None, attachment: bool = False,
          max_age: int = 0) -> FileResponse:
    """Stream a stored file. The caller has already decided that the person may see it
    (a 404 otherwise, decided by the same rule as the object it belongs to). The content
    type comes from the stored name, which this module chose; the browser is told not to
    guess another one (nosniff) and to run nothing in it (CSP sandbox)."""
    storage = private_storage()
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    content_type = CONTENT_TYPES.get(extension)
    if not name or content_type is None or not storage.exists(name):
        raise Http404
    response = FileResponse(storage.open(name, "rb"), content_type=content_type,
                            as_attachment=attachment,
                            filename=download_name or name.rsplit("/", 1)[-1])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = f"public, max-age={max_age}" if max_age else "private, no-store"
    return response
