"""Where `core.signing` gets its keys and trusted roots from (Django side).

- Trusted roots: `TrustedRoot` rows an administrator manages (`add_trusted_root`, audited);
  `trusted_roots_pem()` is what validation trusts.
- Signing credentials: the platform holds a person's or an organisation's key for remote
  signing, encrypted at rest (Fernet, key derived from SECRET_KEY). A hardware token or a
  remote signing service would replace `credential_for_*` behind the same `Credential`.
- The local demo CA (`demo_ca()`) is created once, at seed time or in tests, and trusted.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tinhso.core import audit
from tinhso.core.models import SigningCredential, TrustedRoot
from tinhso.core.signing import Credential, LocalCA, common_name, fingerprint

DEMO_CA_LABEL = "Tỉnh Số Demo Root CA"


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"tinhso.credentials:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _split_pems(text: str) -> tuple[bytes, ...]:
    marker = "-----END CERTIFICATE-----"
    return tuple((part.strip() + "\n" + marker + "\n").encode()
                 for part in text.split(marker) if part.strip())


def as_credential(row: SigningCredential) -> Credential:
    key = _fernet().decrypt(row.encrypted_key.encode())
    return Credential(key, row.certificate_pem.encode(), _split_pems(row.chain_pem))


def store_credential(credential: Credential, *, label: str, user=None, organization=None,
                     is_authority: bool = False) -> SigningCredential:
    """Keep a credential (replacing the holder's active one)."""
    cert = credential.certificate
    with transaction.atomic():
        if user is not None:
            SigningCredential.objects.filter(user=user, is_active=True).update(is_active=False)
        elif organization is not None and not is_authority:
            SigningCredential.objects.filter(organization=organization, user=None,
                                             is_authority=False,
                                             is_active=True).update(is_active=False)
        return SigningCredential.objects.create(
            label=label[:200], user=user, organization=organization, is_authority=is_authority,
            certificate_pem=credential.cert_pem.decode(),
            chain_pem="".join(p.decode() for p in credential.chain_pem),
            encrypted_key=_fernet().encrypt(credential.key_pem).decode(),
            fingerprint=fingerprint(credential.cert_pem),
            not_after=cert.not_valid_after_utc,
        )


def add_trusted_root(*, actor, name: str, certificate_pem: bytes) -> TrustedRoot:
    """Trust a root certificate (idempotent by fingerprint), audited."""
    digest = fingerprint(certificate_pem)  # raises ValueError on something not a PEM cert
    with transaction.atomic():
        root, created = TrustedRoot.objects.get_or_create(
            fingerprint=digest,
            defaults={"name": name[:200] or common_name(certificate_pem),
                      "certificate_pem": certificate_pem.decode()})
        if not created and not root.is_active:
            root.is_active = True
            root.save(update_fields=["is_active"])
        audit.record(actor=actor, action="signing.trust_root", obj=root,
                     after={"fingerprint": digest, "created": created})
    return root


def trusted_roots_pem() -> list[bytes]:
    return [pem.encode() for pem in TrustedRoot.objects.filter(is_active=True)
            .values_list("certificate_pem", flat=True)]


def demo_ca(*, now=None) -> LocalCA:
    """The local demo CA, created (and trusted) on first use; the same one afterwards."""
    row = SigningCredential.objects.filter(is_authority=True, is_active=True,
                                           label=DEMO_CA_LABEL).first()
    if row is None:
        with transaction.atomic():
            ca = LocalCA.create(DEMO_CA_LABEL, now=now or timezone.now())
            row = store_credential(ca.credential, label=DEMO_CA_LABEL, is_authority=True)
            add_trusted_root(actor=None, name=DEMO_CA_LABEL, certificate_pem=ca.root_pem)
    return LocalCA(as_credential(row))


class NoCredential(Exception):
    """The person or organisation holds no signing credential (and demo issuing is off)."""


def _may_issue_demo() -> None:
    if not settings.SIGNING_DEMO_CREDENTIALS:
        raise NoCredential("no signing certificate is registered for this signer")


def credential_for_user(user, *, organization=None, now=None) -> Credential:
    """The user's active signing credential; in the demo, one is issued by the demo CA the
    first time it is needed."""
    row = SigningCredential.objects.filter(user=user, is_active=True).first()
    if row is None or row.not_after <= (now or timezone.now()):
        _may_issue_demo()
        name = getattr(user, "full_name", "") or user.get_username()
        credential = demo_ca(now=now).issue(name, organisation=organization.name
                                            if organization else "", now=now or timezone.now())
        row = _store_once(credential, label=name, user=user, organization=organization,
                          existing=SigningCredential.objects.filter(user=user, is_active=True))
    return as_credential(row)


def credential_for_organization(organization, *, now=None) -> Credential:
    """The organisation's own signing credential (for the copy that is sent, attachments)."""
    row = SigningCredential.objects.filter(organization=organization, user=None,
                                           is_authority=False, is_active=True).first()
    if row is None or row.not_after <= (now or timezone.now()):
        _may_issue_demo()
        credential = demo_ca(now=now).issue(organization.name, organisation=organization.name,
                                            now=now or timezone.now())
        row = _store_once(credential, label=organization.name, organization=organization,
                          existing=SigningCredential.objects.filter(
                              organization=organization, user=None, is_authority=False,
                              is_active=True))
    return as_credential(row)


def _store_once(credential: Credential, *, existing, **kwargs) -> SigningCredential:
    """Store a newly issued credential; when a concurrent request stored one first (the
    one-active-credential constraint refuses ours), use theirs."""
    try:
        with transaction.atomic():
            return store_credential(credential, **kwargs)
    except IntegrityError:
        return existing.get()
