"""Back office of the border gate's reference data: gates, yards, plate cameras, goods.

Lists to search and filter. Gates, yards and cameras change only through the same services
as the gate board's page (`services.gates`): the admin form shows the service's own field
errors, and a save writes the audit entry and drops the cached camera rows. Goods
categories have no service of their own: their changes are audited here.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.forms.models import model_to_dict

from tinhso.accounts.permissions import has_perm
from tinhso.border import services
from tinhso.border.models import Camera, Gate, GoodsCategory, Yard
from tinhso.border.services.gates import (
    CAMERA_FIELDS,
    GATE_SETTINGS,
    YARD_FIELDS,
    clean_camera,
    clean_gate_settings,
    clean_yard,
)
from tinhso.core import audit
from tinhso.core.errors import InvalidInput

PERMISSION = "border.configure_gates"


class ServiceForm(forms.ModelForm):
    """A model form whose rules are the service's: its clean function names the bad
    fields, shown on the admin's fields (in both languages)."""

    service_fields: tuple[str, ...] = ()

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.service_fields
                if name in self.cleaned_data}

    def service_clean(self, instance, data):  # pragma: no cover - overridden
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if self._errors:
            return cleaned
        try:
            self.service_clean(self.instance if self.instance.pk else None, self.service_data())
        except InvalidInput as error:
            for e in error.errors:
                self.add_error(e.field if e.field in self.fields else None,
                               f"{e.message_vi} / {e.message_en}")
        return cleaned


class GateForm(ServiceForm):
    around_the_clock = forms.BooleanField(
        label="Làm việc 24/24 giờ / open 24 hours", required=False,
        help_text="Giờ mở và đóng cửa không áp dụng. / Opening and closing times do not apply.")
    service_fields = (*GATE_SETTINGS, "around_the_clock")

    class Meta:
        model = Gate
        fields = GATE_SETTINGS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["around_the_clock"].initial = self.instance.open_around_the_clock

    def service_clean(self, instance, data):
        clean_gate_settings(instance, data)


class YardForm(ServiceForm):
    service_fields = YARD_FIELDS

    class Meta:
        model = Yard
        fields = YARD_FIELDS

    def service_data(self) -> dict:
        data = super().service_data()
        if self.instance.pk:  # code and gate are kept after creation
            data.pop("code", None)
            data.pop("gate", None)
        return data

    def service_clean(self, instance, data):
        clean_yard(instance, data)


class CameraForm(ServiceForm):
    service_fields = CAMERA_FIELDS

    class Meta:
        model = Camera
        fields = CAMERA_FIELDS

    def service_data(self) -> dict:
        data = super().service_data()
        if self.instance.pk:
            data.pop("code", None)
        data.setdefault("yard", None)
        return data

    def service_clean(self, instance, data):
        clean_camera(instance, data)


class ConfiguredByTheBoard(admin.ModelAdmin):
    """Anyone with admin access may read; the gate board (or a superuser) changes."""

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and has_perm(request.user, PERMISSION)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and has_perm(request.user, PERMISSION)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # rows are referenced by declarations and camera events; deactivate


@admin.register(Gate)
class GateAdmin(ConfiguredByTheBoard):
    form = GateForm
    list_display = ("name", "code", "kind", "hours", "export_per_hour", "import_per_hour",
                    "transit_per_hour", "busy_backlog", "congested_backlog", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    readonly_fields = ("code", "name", "kind", "commune")
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "commune", "is_active")}),
        ("Giờ làm việc / opening hours", {"fields": ("around_the_clock", "opens_at",
                                                     "closes_at")}),
        ("Công suất / capacity (trucks per hour)", {"fields": (
            "export_per_hour", "import_per_hour", "transit_per_hour", "perishable_share_pct",
            "perishable_interleave")}),
        ("Đến muộn, không đến / late arrival, no-show", {"fields": (
            "late_grace_minutes", "no_show_after_minutes")}),
        ("Ngưỡng ùn tắc / congestion thresholds", {"fields": (
            "busy_wait_hours", "congested_wait_hours", "busy_backlog", "congested_backlog")}),
    )

    @admin.display(description="Giờ làm việc / hours")
    def hours(self, obj: Gate) -> str:
        if obj.open_around_the_clock:
            return "24/24"
        return f"{obj.opens_at:%H:%M}–{obj.closes_at:%H:%M}"

    def has_add_permission(self, request) -> bool:
        return False  # gates are reference data of the province (`seed_border`)

    def save_model(self, request, obj, form, change):
        services.update_gate(actor=request.user, gate=obj, data=form.service_data())
        obj.refresh_from_db()


@admin.register(Yard)
class YardAdmin(ConfiguredByTheBoard):
    form = YardForm
    list_display = ("name", "code", "gate", "capacity", "operator")
    list_filter = ("gate", "operator")
    search_fields = ("code", "name", "operator__name")
    list_select_related = ("gate", "operator")

    def get_readonly_fields(self, request, obj=None):
        return ("code", "gate") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        saved = services.save_yard(actor=request.user, data=form.service_data(),
                                   yard=obj if change else None)
        obj.pk = saved.pk
        obj.refresh_from_db()


@admin.register(Camera)
class CameraAdmin(ConfiguredByTheBoard):
    form = CameraForm
    list_display = ("code", "gate", "position", "yard", "operator", "min_confidence")
    list_filter = ("gate", "position", "operator")
    search_fields = ("code", "yard__name", "operator__name")
    list_select_related = ("gate", "yard", "operator")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        saved = services.save_camera(actor=request.user, data=form.service_data(),
                                     camera=obj if change else None)
        obj.pk = saved.pk
        obj.refresh_from_db()


GOODS_FIELDS = ("code", "name", "perishable", "shelf_life_hours", "needs_quarantine")


@admin.register(GoodsCategory)
class GoodsCategoryAdmin(admin.ModelAdmin):
    list_display = GOODS_FIELDS
    list_filter = ("perishable", "needs_quarantine")
    search_fields = ("code", "name")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # declarations refer to their goods

    def save_model(self, request, obj, form, change):
        """Saved inside the admin's transaction, with the audit entry of what changed."""
        before = (model_to_dict(GoodsCategory.objects.get(pk=obj.pk), fields=GOODS_FIELDS)
                  if change else {})
        super().save_model(request, obj, form, change)
        after = model_to_dict(obj, fields=GOODS_FIELDS)
        changed = [k for k in GOODS_FIELDS if before.get(k) != after[k]]
        if changed:
            audit.record(actor=request.user,
                         action="goods_category.update" if change else "goods_category.create",
                         obj=obj, before={k: before[k] for k in changed} if change else None,
                         after={k: after[k] for k in changed})
