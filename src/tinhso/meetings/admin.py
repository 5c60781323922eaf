"""Back office for conference points and rooms. A point's state is changed through the
service (audited, kept in its history); meetings are read-only here: they are booked by
the service that checks conflicts."""

from django.contrib import admin

from tinhso.meetings import services
from tinhso.meetings.models import ConferencePoint, Meeting, PointStateChange, Room


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


class StateInline(admin.TabularInline):
    model = PointStateChange
    extra = 0
    readonly_fields = ["state", "note", "at", "by"]
    can_delete = False


@admin.register(ConferencePoint)
class ConferencePointAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "state", "contact_name", "contact_phone", "is_sample"]
    list_filter = ["kind", "state", "connection", "is_sample"]
    search_fields = ["name", "code", "contact_name"]
    inlines = [RoomInline, StateInline]

    def save_model(self, request, obj, form, change):
        if change and "state" in form.changed_data:
            new_state = obj.state
            obj.state = form.initial["state"]
            super().save_model(request, obj, form, change)
            services.set_point_state(actor=request.user, point=obj, state=new_state,
                                     note="admin")
            return
        super().save_model(request, obj, form, change)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "ends_at", "level", "state", "organizer"]
    list_filter = ["level", "state"]
    search_fields = ["title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
