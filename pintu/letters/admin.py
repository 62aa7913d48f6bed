"""The regency admin's list of village letter types (admin console; saves through
``letter_type_update``). Types come from ``letters_seed_types``; they are changed, enabled or
disabled here, never created or deleted by hand (villages' letters refer to them)."""

from django.contrib import admin

from pintu.core.admin import ConsoleModelAdmin, changed_values
from pintu.letters.models import LetterType
from pintu.letters.services import TYPE_EDITABLE, letter_type_update


@admin.register(LetterType)
class LetterTypeAdmin(ConsoleModelAdmin):
    list_display = [
        "code",
        "name",
        "classification_code",
        "validity_days",
        "citizen_requestable",
        "is_active",
    ]
    list_filter = ["is_active", "citizen_requestable", "default_signer"]
    search_fields = ["code", "name"]
    ordering = ["position", "code"]
    fields = ["code", "template", *TYPE_EDITABLE]
    readonly_fields = ["code", "template"]

    def has_delete_permission(self, request, obj=None):
        return False

    def update_object(self, request, obj, form):
        changes = changed_values(form, TYPE_EDITABLE)
        if not changes:
            return obj
        return letter_type_update(actor=request.user, letter_type=obj, **changes)
