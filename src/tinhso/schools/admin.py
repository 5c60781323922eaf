"""Back office for schools. The gradebook itself is written only through the services
(validated, locked, audited): cells, change requests and the grade history are read-only
here, and the history can be neither changed nor deleted."""

from django.contrib import admin

from tinhso.schools.models import (
    ChangeRequest,
    GradeChange,
    School,
    SchoolClass,
    Score,
    Student,
    Subject,
    Teacher,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "commune", "is_sample"]
    list_filter = ["level", "is_sample"]
    search_fields = ["name", "code"]


@admin.register(SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "grade", "homeroom"]
    search_fields = ["name", "school__name"]
    raw_id_fields = ["school", "year", "homeroom"]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "grade", "kind", "periods_per_year"]
    raw_id_fields = ["school"]


@admin.register(Teacher)
class TeacherAdmin(admin.ModelAdmin):
    list_display = ["full_name", "school", "phone"]
    raw_id_fields = ["school", "user"]


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["full_name", "code", "school_class", "birth_date"]
    search_fields = ["full_name", "code"]
    raw_id_fields = ["school", "school_class"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["student", "subject", "term", "slot", "value", "mark", "updated_at"]
    raw_id_fields = ["student", "subject", "term"]


@admin.register(GradeChange)
class GradeChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "student", "subject", "slot", "before", "after", "by", "approved_by",
                    "reason"]
    raw_id_fields = ["student", "subject", "term", "by", "approved_by"]

    def get_actions(self, request):
        return {}  # not even "delete selected"


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ["requested_at", "student", "subject", "slot", "before", "after", "state"]
