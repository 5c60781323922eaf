"""PAdES signatures on PDFs (shared building block `core.signing`), with pyHanko.

- `LocalCA`: a certificate authority generated locally with `cryptography` for the demo
  and the tests (no external CA); it issues signers' and organisations' certificates.
- `sign_pdf()`: a PAdES (ETSI.CAdES.detached) signature with the visible appearance of
  Decree 30/2020 Appendix I (`core.signature_images`), or invisible.
- `sign_attachment()`: the organisation's signature on an attachment, shown at the top
  right of the first page with the number-symbol and the signing time.
- `validate_pdf()`: every embedded signature checked — the signed bytes are intact, the
  cryptography is sound, the document was not changed after signing beyond form filling,
  and the signer's certificate chains to one of the trusted roots given by the caller
  (configured by an administrator). A tampered, untrusted, corrupt or unsigned PDF is
  reported as such, never as signed.

No Django import: keys, certificates and roots come in as PEM bytes.
"""

from __future__ import annotations

import enum
import hashlib
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SIGNATURE_FIELD = "ChuKySo"
ATTACHMENT_FIELD = "ChuKyCoQuan"
#: Bytes reserved in the PDF for one CMS signature container.
SIGNATURE_ROOM = 16_384


class SigningError(Exception):
    """The PDF cannot be signed (not a PDF, encrypted, bad key)."""


# --- keys and certificates ------------------------------------------------------------

@dataclass(frozen=True)
class Credential:
    """A private key and its certificate, with the chain up to (and including) the root,
    all PEM-encoded."""

    key_pem: bytes
    cert_pem: bytes
    chain_pem: tuple[bytes, ...] = ()

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert_pem)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.cert_pem)

    @property
    def subject_name(self) -> str:
        return common_name(self.cert_pem)


def fingerprint(cert_pem: bytes) -> str:
    """SHA-256 of the DER certificate, hex."""
    cert = x509.load_pem_x509_certificate(cert_pem)
    return cert.fingerprint(hashes.SHA256()).hex()


def common_name(cert_pem: bytes) -> str:
    cert = x509.load_pem_x509_certificate(cert_pem)
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def _name(common: str, organisation: str = "") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
             x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Lạng Sơn")]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common[:64]))
    return x509.Name(attrs)


def _pem_key(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


@dataclass(frozen=True)
class LocalCA:
    """A local root CA (ECDSA P-256). `create()` makes a new one; `issue()` gives a signer
    or an organisation a certificate for digital signatures."""

    credential: Credential

    @classmethod
    def create(cls, name: str = "Tỉnh Số Demo Root CA", *, now: datetime | None = None,
               years: int = 10) -> LocalCA:
        now = now or datetime.now(UTC)
        key = ec.generate_private_key(ec.SECP256R1())
        subject = _name(name, "Tỉnh Số (demo)")
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject).issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256())
        )
        pem = cert.public_bytes(serialization.Encoding.PEM)
        return cls(Credential(_pem_key(key), pem, (pem,)))

    @property
    def root_pem(self) -> bytes:
        return self.credential.cert_pem

    def issue(self, common: str, *, organisation: str = "", now: datetime | None = None,
              days: int = 365 * 3) -> Credential:
        now = now or datetime.now(UTC)
        ca_key = serialization.load_pem_private_key(self.credential.key_pem, None)
        ca_cert = self.credential.certificate
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common, organisation)).issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_cert.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        return Credential(_pem_key(key), cert.public_bytes(serialization.Encoding.PEM),
                          (self.root_pem,))


def _asn1_cert(pem: bytes) -> asn1_x509.Certificate:
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


def _signer(credential: Credential):
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = serialization.load_pem_private_key(credential.key_pem, None)
    key_der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return signers.SimpleSigner(
        signing_cert=_asn1_cert(credential.cert_pem),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs(
            [_asn1_cert(pem) for pem in credential.chain_pem]),
    )


# --- signing ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Appearance:
    """What Appendix I shows of a signature: ``authority`` is one of TM./KT./Q./TL./TUQ.
    (or empty), ``authority_of`` follows it (``ỦY BAN NHÂN DÂN``, ``CHỦ TỊCH``),
    ``title`` is the signer's position, ``name`` the full name. ``signature_png`` and
    ``seal_png`` are the uploaded images (drawn stand-ins when empty)."""

    name: str
    title: str
    authority: str = ""
    authority_of: str = ""
    organisation: str = ""
    signature_png: bytes = b""
    seal_png: bytes = b""
    with_seal: bool = True
    #: (x1, y1, x2, y2) in points on `page` (-1 = the last page); lower right by default.
    box: tuple[float, float, float, float] = (300, 60, 540, 220)
    page: int = -1


def _static_style(image):
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
    from pyhanko.stamp import StaticStampStyle

    return StaticStampStyle(
        background=PdfImage(image), border_width=0, background_opacity=1.0,
        background_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MID,
            margins=Margins.uniform(0)),
    )


def _open_writer(pdf_bytes: bytes):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfReadError

    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise SigningError(f"not a readable PDF: {exc}") from exc
    if writer.prev.encrypted:
        raise SigningError("encrypted PDFs are not signed")
    return writer


def _page_index(writer, page: int) -> int:
    count = int(writer.root["/Pages"]["/Count"])
    return count + page if page < 0 else min(page, count - 1)


def _sign(pdf_bytes: bytes, credential: Credential, *, field_name: str, style, box, page,
          reason: str, location: str, name: str) -> bytes:
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter

    writer = _open_writer(pdf_bytes)
    existing = {f[0] for f in fields.enumerate_sig_fields(writer.prev)}
    suffix, unique = 1, field_name
    while unique in existing:
        suffix += 1
        unique = f"{field_name}{suffix}"
    spec = None
    if box is not None:
        spec = fields.SigFieldSpec(sig_field_name=unique, on_page=_page_index(writer, page),
                                   box=tuple(int(v) for v in box))
    meta = signers.PdfSignatureMetadata(
        field_name=unique, reason=reason or None, location=location or None,
        name=name or None, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256",
    )
    out = io.BytesIO()
    signer = signers.PdfSigner(meta, signer=_signer(credential), stamp_style=style,
                               new_field_spec=spec)
    # A fixed room for the CMS blob (an ECDSA signature and a short chain take ~3 kB):
    # pyHanko otherwise builds the whole signature twice to measure it first.
    signer.sign_pdf(writer, output=out, bytes_reserved=SIGNATURE_ROOM)
    return out.getvalue()


def sign_pdf(pdf_bytes: bytes, credential: Credential, *, appearance: Appearance | None = None,
             reason: str = "", location: str = "Lạng Sơn") -> bytes:
    """The PDF with one more PAdES signature (an incremental update: earlier signatures
    stay valid). Visible with `appearance`, invisible without."""
    from tinhso.core import signature_images as images

    style = box = None
    page = -1
    if appearance is not None:
        signature = seal = None
        from PIL import Image

        if appearance.signature_png:
            signature = Image.open(io.BytesIO(appearance.signature_png)).convert("RGBA")
        if appearance.with_seal:
            seal = (Image.open(io.BytesIO(appearance.seal_png)).convert("RGBA")
                    if appearance.seal_png else images.seal_image(appearance.organisation
                                                                  or appearance.authority_of))
        block = images.signature_block(
            authority=appearance.authority, authority_of=appearance.authority_of,
            title=appearance.title, name=appearance.name, signature=signature, seal=seal)
        style, box, page = _static_style(block), appearance.box, appearance.page
    return _sign(pdf_bytes, credential, field_name=SIGNATURE_FIELD, style=style, box=box,
                 page=page, reason=reason, location=location,
                 name=appearance.name if appearance else credential.subject_name)


def sign_attachment(pdf_bytes: bytes, credential: Credential, *, organisation: str,
                    number_symbol: str, now: datetime | None = None,
                    page_width: float | None = None) -> bytes:
    """The organisation's signature on an attachment: visible at the top right of the
    first page with the number-symbol of its document and the signing time."""
    from tinhso.core import signature_images as images

    now = (now or datetime.now(UTC)).astimezone(VN_TZ)
    stamp = images.attachment_stamp(organisation=organisation, number_symbol=number_symbol,
                                    signed_at=now.strftime("%d/%m/%Y %H:%M:%S %z"))
    writer = _open_writer(pdf_bytes)
    first = writer.root["/Pages"]
    while "/Kids" in first:
        first = first["/Kids"][0]
    media = [float(v) for v in first.get("/MediaBox", [0, 0, 595, 842])]
    right, top = (page_width or media[2]) - 18, media[3] - 14
    box = (right - 186, top - 51, right, top)
    return _sign(pdf_bytes, credential, field_name=ATTACHMENT_FIELD,
                 style=_static_style(stamp), box=box, page=0,
                 reason=f"Văn bản kèm theo {number_symbol}", location="",
                 name=organisation)


# --- validation -------------------------------------------------------------------------

class Verdict(enum.StrEnum):
    VALID = "valid"            # intact, sound, trusted chain, not changed after signing
    UNTRUSTED = "untrusted"    # intact and sound, but the chain reaches no trusted root
    TAMPERED = "tampered"      # the signed bytes or the document changed after signing
    UNSIGNED = "unsigned"      # no signature at all
    CORRUPT = "corrupt"        # not a readable PDF


@dataclass(frozen=True)
class SignatureCheck:
    field: str
    signer: str
    organisation: str
    signed_at: datetime | None
    intact: bool
    trusted: bool
    changed_after: bool
    cert_fingerprint: str
    verdict: Verdict
    detail: str = ""


@dataclass(frozen=True)
class ValidationResult:
    """The verdict of one PDF: VALID only when it has at least one signature and every
    signature is valid."""

    verdict: Verdict
    signatures: tuple[SignatureCheck, ...] = field(default_factory=tuple)
    detail: str = ""

    @property
    def is_valid(self) -> bool:
        return self.verdict is Verdict.VALID

    @property
    def signer(self) -> str:
        return self.signatures[0].signer if self.signatures else ""

    @property
    def signed_at(self) -> datetime | None:
        return self.signatures[0].signed_at if self.signatures else None

    def as_dict(self) -> dict:
        return {
            "verdict": self.verdict.value,
            "detail": self.detail,
            "signatures": [{
                "field": s.field, "signer": s.signer, "organisation": s.organisation,
                "signed_at": s.signed_at.isoformat() if s.signed_at else None,
                "intact": s.intact, "trusted": s.trusted, "changed_after": s.changed_after,
                "cert_fingerprint": s.cert_fingerprint, "verdict": s.verdict.value,
                "detail": s.detail,
            } for s in self.signatures],
        }


_RANK = {Verdict.VALID: 0, Verdict.UNTRUSTED: 1, Verdict.TAMPERED: 2}


def _subject_attr(cert: asn1_x509.Certificate, key: str) -> str:
    return str(cert.subject.native.get(key, "") or "")


def validate_pdf(pdf_bytes: bytes, trust_roots_pem: list[bytes] | tuple[bytes, ...], *,
                 now: datetime | None = None) -> ValidationResult:
    """Check every signature of the PDF against the given trusted roots (PEM). Nothing is
    fetched from the network (no AIA, OCSP or CRL downloads)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError, AttributeError,
            OSError) as exc:
        return ValidationResult(Verdict.CORRUPT, detail=str(exc)[:300])
    if not embedded:
        return ValidationResult(Verdict.UNSIGNED)
    roots = [_asn1_cert(pem) for pem in trust_roots_pem]
    checks = []
    for sig in embedded:
        context = ValidationContext(trust_roots=roots, allow_fetching=False,
                                    revocation_mode="soft-fail",
                                    moment=(now or datetime.now(UTC)))
        cert = sig.signer_cert
        try:
            status = validate_pdf_signature(sig, signer_validation_context=context)
        except Exception as exc:  # a malformed signature dictionary or CMS blob
            checks.append(SignatureCheck(
                field=sig.field_name or "", signer=_subject_attr(cert, "common_name"),
                organisation=_subject_attr(cert, "organization_name"), signed_at=None,
                intact=False, trusted=False, changed_after=True,
                cert_fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
                verdict=Verdict.TAMPERED, detail=f"{type(exc).__name__}: {exc}"[:300]))
            continue
        changed_after = not (status.docmdp_ok or status.modification_level is None)
        sound = status.intact and status.valid
        if not sound or changed_after:
            verdict = Verdict.TAMPERED
        elif not status.trusted:
            verdict = Verdict.UNTRUSTED
        else:
            verdict = Verdict.VALID
        signed_at = status.signer_reported_dt
        checks.append(SignatureCheck(
            field=sig.field_name or "", signer=_subject_attr(cert, "common_name"),
            organisation=_subject_attr(cert, "organization_name"),
            signed_at=signed_at.astimezone(UTC) if signed_at else None,
            intact=bool(status.intact), trusted=bool(status.trusted),
            changed_after=changed_after,
            cert_fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
            verdict=verdict, detail=status.summary()[:300]))
    worst = max(checks, key=lambda c: _RANK[c.verdict]).verdict
    return ValidationResult(worst, tuple(checks))
