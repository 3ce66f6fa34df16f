"""JSON API of satusehat."""

from ninja import Router

router = Router(tags=["satusehat"])
