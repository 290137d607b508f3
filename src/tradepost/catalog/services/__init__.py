"""Use cases that change the catalog, one module per seam of the domain:

- `listings`: create, edit, submit, withdraw, delete, images, the clause 3.7 licence, and
  staff moderation under clause 6.1 (every move through the transition table).
- `profiles`: the supplier profile buyers see, and its certifications.
- `images`: thumbnails of listing images, the storefront's logo and banner.
- `member_profile`: a member's profile edit, with the listings' supplier country in step.
- `enforcement`: a disciplinary action's removal of a member's listings (6.2 iii).
- `caps`: the listings over a disciplinary action's cap, hidden and shown again (6.2 iii).
- `holds`: listings held while a rights claim runs (5.4), released or removed (6.1 iv).
- `ratings`: the members' ratings (clause 3.6) as trade reports them, for search.
- `operator`: console-managed Product Listing Policy versions, the category tree.
"""

from tradepost.catalog.services.caps import listings_cap_apply, listings_cap_restore
from tradepost.catalog.services.enforcement import listings_remove_for_action
from tradepost.catalog.services.holds import (
    listings_hold,
    listings_release,
    listings_remove_held,
)
from tradepost.catalog.services.images import (
    listing_image_thumbnails_make,
    listing_thumbnails_backfill,
    supplier_images_update,
)
from tradepost.catalog.services.listings import (
    EDITABLE_FIELDS,
    MODIFIABLE_FIELDS,
    AccountNotActive,
    IllegalTransition,
    ListingCapReached,
    NotASupplier,
    licence_grant_record,
    listing_content_snapshot,
    listing_create,
    listing_data,
    listing_delete,
    listing_image_add,
    listing_image_remove,
    listing_moderate,
    listing_submit,
    listing_update,
    listing_withdraw,
    supplier_require,
)
from tradepost.catalog.services.member_profile import member_profile_update
from tradepost.catalog.services.operator import (
    categories_sync,
    listing_policy_version_activate,
    listing_policy_version_create,
)
from tradepost.catalog.services.profiles import (
    certification_add,
    certification_remove,
    supplier_profile_staff_update,
    supplier_profile_update,
    supplier_verified_sync,
)
from tradepost.catalog.services.ratings import supplier_rating_record, supplier_ratings_replace
from tradepost.catalog.services.workspace import (
    favourite_listing_add,
    favourite_listing_remove,
    favourite_listing_toggle,
    favourite_supplier_add,
    favourite_supplier_remove,
    favourite_supplier_toggle,
    listing_create_with_images,
    listing_image_move,
    listing_images_reorder,
    listing_update_with_images,
    saved_search_create,
    saved_search_delete,
    search_query_clean,
)

__all__ = [
    "EDITABLE_FIELDS",
    "MODIFIABLE_FIELDS",
    "AccountNotActive",
    "IllegalTransition",
    "ListingCapReached",
    "NotASupplier",
    "categories_sync",
    "certification_add",
    "certification_remove",
    "favourite_listing_add",
    "favourite_listing_remove",
    "favourite_listing_toggle",
    "favourite_supplier_add",
    "favourite_supplier_remove",
    "favourite_supplier_toggle",
    "licence_grant_record",
    "listing_content_snapshot",
    "listing_create",
    "listing_create_with_images",
    "listing_data",
    "listing_delete",
    "listing_image_add",
    "listing_image_move",
    "listing_image_remove",
    "listing_image_thumbnails_make",
    "listing_images_reorder",
    "listing_moderate",
    "listing_policy_version_activate",
    "listing_policy_version_create",
    "listing_submit",
    "listing_thumbnails_backfill",
    "listing_update",
    "listing_update_with_images",
    "listing_withdraw",
    "listings_cap_apply",
    "listings_cap_restore",
    "listings_hold",
    "listings_release",
    "listings_remove_for_action",
    "listings_remove_held",
    "member_profile_update",
    "saved_search_create",
    "saved_search_delete",
    "search_query_clean",
    "supplier_images_update",
    "supplier_profile_staff_update",
    "supplier_profile_update",
    "supplier_rating_record",
    "supplier_ratings_replace",
    "supplier_require",
    "supplier_verified_sync",
]
