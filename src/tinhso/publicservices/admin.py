"""Back office for the catalogue and the agencies (dossiers change only through services)."""

from django.contrib import admin

from tinhso.publicservices.models import Agency, Procedure, ProcedurePaper, ProcedureStep


class PaperInline(admin.TabularInline):
    model = ProcedurePaper
    extra = 0


class StepInline(admin.TabularInline):
    model = ProcedureStep
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "field", "level", "processing_days", "online_level",
                    "is_sample", "is_active")
    list_filter = ("level", "online_level", "is_sample", "is_active", "field")
    search_fields = ("code", "name", "field")
    inlines = [PaperInline, StepInline]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "organization", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name")
