"""Back office of the innovation system: news and events (bilingual, with a picture checked
by content through core.files), and read-mostly views of profiles, calls and applications
(their writes go through the pages and the API, which audit them)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tinhso.core import files as core_files
from tinhso.core.validators import InvalidValue
from tinhso.innovation.models import Application, Call, Criterion, Event, News, Profile

IMAGE_MAX_BYTES = 5 * core_files.MB


class PictureForm(forms.ModelForm):
    picture = forms.FileField(label=_("Picture (JPEG, PNG or WebP)"), required=False)

    def clean_picture(self):
        upload = self.cleaned_data.get("picture")
        if upload:
            try:
                core_files.clean_image(upload, field="picture", label=_("Picture"),
                                       max_bytes=IMAGE_MAX_BYTES)
            except InvalidValue as error:
                raise ValidationError(error.message()) from None
            upload.seek(0)
        return upload


class PictureAdmin(admin.ModelAdmin):
    form = PictureForm
    exclude = ("image",)
    folder = "innovation"

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("picture")
        if upload:
            old = obj.image
            stored = core_files.store_image(upload, folder=self.folder, field="picture",
                                            label=_("Picture"), max_bytes=IMAGE_MAX_BYTES,
                                            sizes=())
            obj.image = stored.original
            super().save_model(request, obj, form, change)
            if old:
                core_files.delete(old)
            return
        super().save_model(request, obj, form, change)


@admin.register(News)
class NewsAdmin(PictureAdmin):
    list_display = ("title_vi", "published_at", "is_published")
    search_fields = ("title_vi", "title_en")
    folder = "innovation/news"


@admin.register(Event)
class EventAdmin(PictureAdmin):
    list_display = ("title_vi", "starts_at", "location", "is_published")
    search_fields = ("title_vi", "title_en", "location")
    folder = "innovation/events"


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "field", "stage", "commune", "state")
    list_filter = ("state", "kind", "field", "stage")
    search_fields = ("name",)
    readonly_fields = ("owner", "state", "created_at", "updated_at", "published_at")


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("title", "deadline", "state", "funded_places")
    inlines = [CriterionInline]
    readonly_fields = ("state", "created_by", "created_at", "results_published_at")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("number", "project_title", "call", "profile", "funded")
    list_filter = ("call",)
    readonly_fields = [f.name for f in Application._meta.fields]

    def has_add_permission(self, request):
        return False
