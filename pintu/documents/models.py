import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Upload(models.Model):
    """A stored file: type sniffed from its bytes, size-checked, with its SHA-256 checksum.

    Files are never served from a public URL; views check the owner object's permissions and
    stream them.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(upload_to="uploads/%Y/%m/")
    original_name = models.CharField(_("nama berkas asli"), max_length=255)
    content_type = models.CharField(_("jenis isi"), max_length=100)
    file_format = models.CharField(_("format"), max_length=10)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"))
    sha256 = models.CharField(_("checksum SHA-256"), max_length=64)  # never searched: no index
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("berkas unggahan")
        verbose_name_plural = _("berkas unggahan")

    def __str__(self) -> str:
        return self.original_name


from pintu.documents.issued import DocumentSequence, DocumentValidity, IssuedDocument  # noqa: E402

__all__ = ["DocumentSequence", "DocumentValidity", "IssuedDocument", "Upload"]
