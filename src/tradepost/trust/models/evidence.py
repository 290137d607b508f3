"""Evidence files a member gives with an appeal (DSA Art. 20; clause 6.2).

One row per file, like the files of an information request: the bytes are checked on upload
(a PDF pypdf reads, or an image Pillow re-encodes without its metadata) and stored under a
name of ours; the member's own file name and the SHA-256 of what is stored are kept, so staff
deciding the appeal see exactly what the member sent, when.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

APPEAL_EVIDENCE_DIR = "trust/appeals/"


class AppealEvidence(models.Model):
    appeal = models.ForeignKey(
        "trust.Appeal", on_delete=models.PROTECT, related_name="evidence_files"
    )
    file = models.FileField(upload_to=APPEAL_EVIDENCE_DIR + "%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "appeal evidence file"

    def __str__(self) -> str:
        return self.original_name
