"""Catalog: supplier profiles and product listings. Every listing is User Content (3.7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext


class Category(models.Model):
    """A node of the category tree, loaded from policy/categories.toml."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(
        default=True, help_text="False once the slug is gone from policy/categories.toml."
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class SupplierProfile(models.Model):
    """A supplier's company profile shown to buyers."""

    member = models.OneToOneField(
        "members.Member", on_delete=models.CASCADE, related_name="supplier_profile"
    )
    description = models.TextField(blank=True)
    main_products = models.JSONField(default=list, blank=True)
    year_established = models.PositiveSmallIntegerField(null=True, blank=True)
    export_markets = models.JSONField(default=list, blank=True, help_text="ISO country codes")
    verified = models.BooleanField(default=False, help_text="Set by verification (later work).")
    badges = models.JSONField(default=list, blank=True)
    membership_tier = models.CharField(
        max_length=32, default="free", help_text="A tier of policy/membership_tiers.toml."
    )
    listing_cap_override = models.PositiveIntegerField(
        null=True, blank=True, help_text="Clause 6.2 (iii): staff override of the tier's cap."
    )
    # The storefront's images: each upload re-encoded (no EXIF), with the size pages show.
    logo = models.FileField(upload_to="suppliers/%Y/%m/", blank=True)
    logo_thumb = models.FileField(upload_to="suppliers/%Y/%m/", blank=True)
    logo_thumb_width = models.PositiveIntegerField(null=True, blank=True)
    logo_thumb_height = models.PositiveIntegerField(null=True, blank=True)
    banner = models.FileField(upload_to="suppliers/%Y/%m/", blank=True)
    banner_display = models.FileField(upload_to="suppliers/%Y/%m/", blank=True)
    banner_display_width = models.PositiveIntegerField(null=True, blank=True)
    banner_display_height = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.member_id}"


class SupplierRating(models.Model):
    """Clause 3.6: a member's rating as search shows and filters it (average 1.0-5.0 of the
    counted feedback about them, and how many). A copy the trade app keeps in step through
    `catalog.services.ratings.supplier_rating_record` whenever feedback counts or stops
    counting; the catalog cannot read trade's feedback itself. No row: no rating yet.

    Search joins it by primary key (the supplier) for the few hundred listings of a
    search window, so the rating filter and sort need no other index."""

    member = models.OneToOneField(
        "members.Member", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    average = models.DecimalField(max_digits=2, decimal_places=1)
    count = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(average__gte=1, average__lte=5, count__gte=1),
                name="supplier_rating_range",
            )
        ]

    def __str__(self) -> str:
        return f"Rating of {self.member_id}: {self.average} ({self.count})"


class SupplierProfileChange(models.Model):
    """Who changed a supplier's tier, listing cap, verification or badges, when, and why.

    Written by `services.supplier_profile_staff_update`, never edited: `changes` maps each
    field changed to [before, after]."""

    profile = models.ForeignKey(
        "SupplierProfile", on_delete=models.CASCADE, related_name="staff_changes"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(default=dict)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{', '.join(sorted(self.changes))} of {self.profile} by {self.by_id}"


class Certification(models.Model):
    profile = models.ForeignKey(
        SupplierProfile, on_delete=models.CASCADE, related_name="certifications"
    )
    name = models.CharField(max_length=200)
    issuer = models.CharField(max_length=200, blank=True)
    document = models.FileField(upload_to="certifications/%Y/%m/")
    content_type = models.CharField(max_length=32, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(
        null=True, blank=True, help_text="When staff checked the document (clause 4.4)."
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class ListingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING_REVIEW = "pending_review", "Pending review"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
    REMOVED = "removed", "Removed"
    # Clause 5.4: hidden at once while a rights claim runs its notice and counter-notice.
    HELD = "held", "Held (rights claim)"
    # Clause 6.2 (iii): out of view while a disciplinary action's listing cap is in force.
    CAPPED = "capped", "Hidden (over a listing cap)"


class Listing(models.Model):
    """A product listing: User Content under clauses 3.7, 5.4, 5.5, 6.1."""

    supplier = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="listings"
    )
    title = models.CharField(max_length=200)
    description = models.TextField()
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="listings")
    attributes = models.JSONField(default=list, blank=True, help_text="[{key, value}]")
    keywords = models.JSONField(default=list, blank=True)
    currency = models.CharField(max_length=3)
    moq = models.PositiveIntegerField(help_text="Minimum order quantity")
    unit = models.CharField(max_length=32)
    lead_time_days = models.PositiveIntegerField(null=True, blank=True)
    port = models.CharField(max_length=100, blank=True)
    incoterm = models.CharField(max_length=3, blank=True)
    sample_available = models.BooleanField(default=False)
    ships_to = models.JSONField(
        default=list, blank=True, help_text="ISO codes of destinations offered (5.13 c)."
    )
    status = models.CharField(
        max_length=16, choices=ListingStatus.choices, default=ListingStatus.DRAFT
    )
    screening = models.JSONField(default=dict, blank=True)
    screening_decision = models.CharField(max_length=8, blank=True)
    original = models.JSONField(
        null=True, blank=True, help_text="The supplier's text before staff modified it (6.1)."
    )
    # Denormalised for search filters and sorting; kept in step by the services.
    min_unit_price = models.DecimalField(max_digits=14, decimal_places=4, null=True)
    supplier_country = models.CharField(max_length=2, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    hidden_by_action = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text="Clause 6.2 (iii): the disciplinary action whose listing cap hides it "
        "(its number; the catalog does not know trust's models).",
    )

    class Meta:
        indexes = [
            models.Index(fields=["status", "category"]),
            models.Index(fields=["supplier", "status"]),
            models.Index(fields=["status", "published_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(moq__gte=1), name="listing_moq_positive")
        ]
        permissions = [("moderate_listing", "Can moderate listings (clause 6.1)")]

    def __str__(self) -> str:
        return self.title

    @property
    def capped_label(self) -> str:
        """What the supplier reads for a listing a cap hides (clause 6.2 iii)."""
        if self.hidden_by_action is None:
            return gettext("Hidden: over a listing cap (6.2 iii)")
        return gettext("Hidden: over the listing cap set by action #%(id)s (6.2 iii)") % {
            "id": self.hidden_by_action
        }


class PriceTier(models.Model):
    """B2B quantity tier: from `min_qty` units, each costs `unit_price`."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="price_tiers")
    min_qty = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=14, decimal_places=4)

    class Meta:
        ordering = ["min_qty"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "min_qty"], name="one_tier_per_qty"),
            models.CheckConstraint(
                condition=models.Q(unit_price__gt=0), name="tier_price_positive"
            ),
            models.CheckConstraint(condition=models.Q(min_qty__gte=1), name="tier_qty_positive"),
        ]

    def __str__(self) -> str:
        return f">= {self.min_qty}: {self.unit_price}"


class ListingImage(models.Model):
    """A product image: `image` is the upload re-encoded; `thumbnail` (400 px, cards and the
    gallery strip) and `display` (1000 px, the gallery) are WebP copies made from it."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="images")
    image = models.FileField(upload_to="listings/%Y/%m/")
    thumbnail = models.FileField(upload_to="listings/%Y/%m/", blank=True)
    display = models.FileField(upload_to="listings/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True)
    height = models.PositiveIntegerField(null=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.image.name or ""

    def _fitted(self, side: int) -> tuple[int, int]:
        """The size of a copy fitted into `side` x `side` (as Pillow's thumbnail makes it)."""
        width, height = self.width or side, self.height or side
        scale = min(1.0, side / max(width, height))
        return max(1, round(width * scale)), max(1, round(height * scale))

    @property
    def thumb_url(self) -> str:
        return (self.thumbnail or self.image).url

    @property
    def thumb_size(self) -> tuple[int, int]:
        if self.thumbnail:
            return self._fitted(400)
        return self._fitted(max(self.width or 400, self.height or 400))

    @property
    def thumbnail_width(self) -> int:
        return self.thumb_size[0]

    @property
    def thumbnail_height(self) -> int:
        return self.thumb_size[1]

    @property
    def display_url(self) -> str:
        return (self.display or self.image).url

    @property
    def display_size(self) -> tuple[int, int]:
        if self.display:
            return self._fitted(1000)
        return self._fitted(max(self.width or 1000, self.height or 1000))

    def file_names(self) -> list[str]:
        """Every stored file of this image (to delete them together)."""
        return [f.name for f in (self.image, self.thumbnail, self.display) if f and f.name]


class ListingTransition(models.Model):
    """Who moved a listing between states, when and why (6.1 reasons for staff decisions)."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=ListingStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ListingStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Empty: the platform itself (a rights-claim hold, a lapsed deadline).",
    )
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=16, blank=True)
    actor = models.CharField(max_length=16, blank=True, help_text="supplier, staff or platform")
    reason_code = models.CharField(max_length=32, blank=True)
    reason_text = models.TextField(blank=True)
    screening = models.JSONField(
        default=dict, blank=True, help_text="The screening result this move was based on."
    )
    message = models.TextField(blank=True, help_text="What the supplier was told.")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class LicenceGrant(models.Model):
    """Clause 3.7: the licence the supplier grants over posted User Content."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="licence_grants")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    terms_version = models.ForeignKey("terms.TermsVersion", on_delete=models.PROTECT)
    granted_at = models.DateTimeField(auto_now_add=True)
    content_sha256 = models.CharField(max_length=64)
    content = models.JSONField(default=dict, help_text="The User Content licensed, as posted.")

    class Meta:
        ordering = ["-granted_at", "-id"]

    def __str__(self) -> str:
        return f"Licence on listing {self.listing_id} under {self.terms_version_id}"


class ModerationReason(models.TextChoices):
    """Clause 6.1: why staff remove, modify or reject User Content."""

    UNLAWFUL = "unlawful", "6.1 (i) violates applicable laws and regulations"
    BREACHES_TERMS = "breaches_terms", "6.1 (ii) violates the Terms"
    LIABILITY = "liability", "6.1 (iii) could subject the platform or its affiliates to liability"
    THIRD_PARTY_RIGHTS = "third_party_rights", "6.1 (iv) infringes Third Party Rights"
    HARMS_INTERESTS = (
        "harms_interests",
        ("6.1 (v) could harm the interests of members, third parties or the platform"),
    )
    INAPPROPRIATE = "inappropriate", "6.1 (vi) otherwise inappropriate"


class ListingAwaitingReview(Listing):
    """The moderation queue: listings that screening held for staff (6.1)."""

    class Meta:
        proxy = True
        verbose_name = "listing awaiting review"
        verbose_name_plural = "moderation queue"


class ListingPolicyVersion(models.Model):
    """A staff-managed version of the Product Listing Policy (the TOML document, whole).

    The active version, if any, replaces the bundled policy/listing_policy.toml. Versions are
    never edited after creation: a change is a new version, so every screening result names
    exactly the rules it applied.
    """

    version = models.CharField(max_length=40, unique=True)
    document = models.TextField(help_text="TOML in the format of policy/listing_policy.toml.")
    sha256 = models.CharField(max_length=64)
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="one_active_listing_policy",
            )
        ]

    def __str__(self) -> str:
        return f"Listing policy {self.version}{' (active)' if self.is_active else ''}"


class ListingPolicyActivation(models.Model):
    """Who put which Product Listing Policy in force, and when (`version` None: the bundled
    file). The version rows keep only the latest activation; this keeps every one."""

    version = models.ForeignKey(
        ListingPolicyVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activations",
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.version.version if self.version else 'bundled file'} in force"


# --- The buyer's workspace ---------------------------------------------------------------


class FavouriteListing(models.Model):
    """A listing a member saved to come back to. One row per member and listing."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="favourite_listings"
    )
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="favourited_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "listing"], name="one_favourite_per_listing")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} ♥ listing {self.listing_id}"


class FavouriteSupplier(models.Model):
    """A supplier a member saved to come back to. One row per member and supplier."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="favourite_suppliers"
    )
    supplier = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="favourited_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "supplier"], name="one_favourite_per_supplier"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} ♥ supplier {self.supplier_id}"


class SavedSearch(models.Model):
    """A search a member named, kept as the query string of /search/."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=100)
    query = models.CharField(max_length=1000, blank=True, help_text="The /search/ query string.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "name"], name="saved_search_name_unique")
        ]

    def __str__(self) -> str:
        return self.name
