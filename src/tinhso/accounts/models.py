"""Users, organisations, roles and machine API keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENTERPRISE_STAFF = "enterprise_staff", _("Enterprise staff")
    DRIVER = "driver", _("Driver")
    YARD_OPERATOR = "yard_operator", _("Yard operator")
    GATE_OPERATOR = "gate_operator", _("Gate operator")
    CUSTOMS_OFFICER = "customs_officer", _("Customs officer")
    QUARANTINE_OFFICER = "quarantine_officer", _("Quarantine officer")
    BORDER_GUARD_OFFICER = "border_guard_officer", _("Border-guard officer")
    GATE_BOARD = "gate_board", _("Gate management board")
    FEE_CASHIER = "fee_cashier", _("Fee cashier")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    PROVINCE_LEADER = "province_leader", _("Province leader")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    # Digital stores (market)
    SHOP_OWNER = "shop_owner", _("Shop owner")
    HUB_MANAGER = "hub_manager", _("Hub manager")
    HUB_ACCOUNTANT = "hub_accountant", _("Hub accountant")
    # One-stop public services
    CITIZEN = "citizen", _("Citizen")
    ONE_STOP_OFFICER = "one_stop_officer", _("One-stop desk officer")
    SPECIALIST = "specialist", _("Specialist officer")
    HEAD_OF_UNIT = "head_of_unit", _("Head of unit")
    AGENCY_LEADER = "agency_leader", _("Agency leader")
    # Official documents: the clerk (văn thư) keeps an agency's registers
    CLERK = "clerk", _("Document clerk")
    # Schools
    TEACHER = "teacher", _("Teacher")
    SCHOOL_LEADER = "school_leader", _("School leader")
    GUARDIAN = "guardian", _("Guardian")
    EDUCATION_OFFICER = "education_officer", _("Education department officer")
    # Innovation and startups
    FOUNDER = "founder", _("Founder")
    INNOVATION_OFFICER = "innovation_officer", _("Innovation office officer")
    JUDGE = "judge", _("Judge")
    # Operations dashboard (IOC)
    DATA_OFFICER = "data_officer", _("Indicator data officer")
    IOC_OPERATOR = "ioc_operator", _("Operations centre officer")


class OrganizationKind(models.TextChoices):
    STATE_AGENCY = "state_agency", _("State agency")
    ENTERPRISE = "enterprise", _("Enterprise")
    YARD_OPERATOR = "yard_operator", _("Yard operator")
    HOUSEHOLD = "household", _("Household")
    SCHOOL = "school", _("School")
    COOPERATIVE = "cooperative", _("Cooperative")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email=None, password=None, *, phone=None, **extra):
        if not email and not phone:
            raise ValueError("A user needs an email or a mobile number.")
        user = self.model(email=self.normalize_email(email) or None, phone=phone or None, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with an email address or a Vietnamese mobile number."""

    email = models.EmailField(_("email"), unique=True, null=True, blank=True)
    phone = models.CharField(_("mobile number"), max_length=10, unique=True, null=True, blank=True)
    full_name = models.CharField(_("full name"), max_length=150)
    preferred_language = models.CharField(
        _("language"), max_length=5, choices=[("vi", "Tiếng Việt"), ("en", "English")], default="vi"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False),
                name="user_has_email_or_phone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email or self.phone}>"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else ""


class Organization(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    tax_code = models.CharField(_("tax code"), max_length=14, unique=True, null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=10, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """One role a user holds in one organisation; a user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.organization}"


class ApiScope(models.TextChoices):
    CAMERA = "camera", _("Plate camera events")
    BORDER_READ = "border:read", _("Read border data")
    BORDER_WRITE = "border:write", _("Declare and book")
    PAYMENTS_WEBHOOK = "payments:webhook", _("Bank payment notifications")
    MARKET_KPIS = "market:kpis", _("Read the digital stores' commune KPIs")


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, organization__is_active=True)


class ApiKey(models.Model):
    """A machine credential. The secret is shown once; only its SHA-256 digest is stored.

    SHA-256 (not a slow password hash) is right here: the secret is 32 random bytes, so
    there is nothing to brute-force, and camera traffic must authenticate in microseconds.
    """

    PREFIX_LENGTH = 8

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def generate(cls) -> tuple[str, str]:
        """Return (prefix, full_key). The full key is `ts_<prefix>_<secret>`."""
        prefix = secrets.token_hex(cls.PREFIX_LENGTH // 2)
        return prefix, f"ts_{prefix}_{secrets.token_urlsafe(32)}"

    def matches(self, full_key: str) -> bool:
        return hmac.compare_digest(self.key_hash, self.digest(full_key))

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
