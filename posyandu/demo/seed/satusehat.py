"""Demo step: SATUSEHAT ids of the demo facilities (invented, like the facilities), so the
demo exports bundles (`satusehat export`) and shows what a connected Puskesmas looks like.
A real deployment sets them from the SATUSEHAT facility master (`satusehat ids`)."""

import random
import uuid
from datetime import date

from posyandu.fasilitas.models import Posyandu, Puskesmas, Pustu
from posyandu.satusehat import ids

DEMO_NAMESPACE = uuid.UUID("0b6f3c52-1d6a-4f0e-9a55-5a7e5a7e0d00")


def _uuid(kind: str, pk: int) -> str:
    return str(uuid.uuid5(DEMO_NAMESPACE, f"{kind}:{pk}"))


def seed(rng: random.Random, today: date) -> dict[str, int]:
    count = 0
    for p in Puskesmas.objects.all():
        ids.store(ids.ORGANIZATION, ids.facility_key(p), str(10_000_000 + p.pk))
        ids.store(ids.LOCATION, ids.facility_key(p), _uuid("lokasi-puskesmas", p.pk))
        count += 1
    for t in Pustu.objects.all():
        ids.store(ids.ORGANIZATION, ids.facility_key(t), _uuid("pustu", t.pk))
        count += 1
    for y in Posyandu.objects.all():
        ids.store(ids.ORGANIZATION, ids.facility_key(y), _uuid("posyandu", y.pk))
        ids.store(ids.LOCATION, ids.facility_key(y), _uuid("lokasi-posyandu", y.pk))
        count += 1
    return {"satusehat_ids": count}
