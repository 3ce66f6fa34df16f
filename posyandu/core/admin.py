"""Admin base classes shared by the apps, and the background jobs page (no models of core are
registered here)."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from posyandu.core.jobs import rerun


class ReadMostlyAdmin(admin.ModelAdmin):
    """Read-mostly admin: look-ups for support; records are made through the services, and
    any change made here is still saved through Record.save (audited, versioned)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class JobAdmin(DBTaskResultAdmin):
    """The jobs page of the admin: failed jobs with their traceback, and a way to run one again
    once its cause is fixed (the automatic retries have given up by then)."""

    actions = ["run_again"]

    @admin.action(description=_("Run the selected jobs again now"))
    def run_again(self, request: HttpRequest, queryset: QuerySet[DBTaskResult]) -> None:
        finished = queryset.filter(status__in=["FAILED", "SUCCESSFUL"])
        count = len([rerun(result) for result in finished])
        self.message_user(
            request,
            ngettext(
                "%(count)d job queued again.",
                "%(count)d jobs queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, JobAdmin)
