"""JSON API of dhis2."""

from ninja import Router

router = Router(tags=["dhis2"])
