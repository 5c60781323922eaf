from django.contrib import admin

from tinhso.ioc.models import Alert, Indicator, KioskToken, ManualValue, Report, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "unit", "owner", "frequency", "source", "is_public")
    list_filter = ("frequency", "is_public", "owner")
    inlines = [TargetInline]


@admin.register(ManualValue)
class ManualValueAdmin(admin.ModelAdmin):
    list_display = ("indicator", "period", "value", "state", "entered_by", "entered_at")
    list_filter = ("state",)
    readonly_fields = [f.name for f in ManualValue._meta.fields]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("indicator", "rule", "period", "raised_at", "acknowledged_at")
    readonly_fields = [f.name for f in Alert._meta.fields]


@admin.register(KioskToken)
class KioskTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at", "revoked_at")
    readonly_fields = ("token_hash", "created_at")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("kind", "period_start", "period_end", "generated_at")
