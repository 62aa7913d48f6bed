from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One write, recorded in the same transaction as the write. Never updated or deleted."""

    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("pelaku"), max_length=150, blank=True)
    verb = models.CharField(_("tindakan"), max_length=60)  # indexed below (no LIKE twin)
    object_type = models.CharField(_("jenis objek"), max_length=60)
    object_id = models.CharField(_("ID objek"), max_length=64)
    object_label = models.CharField(_("objek"), max_length=200, blank=True)
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object_idx"),
            models.Index(fields=["verb"], name="audit_verb_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.object_type}#{self.object_id}"
