"""JSON API of pertukaran."""

from ninja import Router

router = Router(tags=["pertukaran"])
