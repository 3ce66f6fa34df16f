"""JSON API of sinkron."""

from ninja import Router

router = Router(tags=["sinkron"])
