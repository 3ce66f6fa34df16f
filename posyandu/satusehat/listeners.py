"""The outbox follows the records it sends (derived data, docs/adr/0005-derived-data.md)."""

from posyandu.core import derived
from posyandu.satusehat import outbox

DERIVED = "satusehat.Kiriman"
WHAT = "SATUSEHAT outbox (encounters to send)"
REBUILD = "none: an outbox queues changes as they happen; `satusehat queue` queues history once"
SOURCES = (
    ("sesi.Pengukuran", outbox.keys_of_measurement),
    ("sesi.Kunjungan", outbox.keys_of_checkin),
    ("kunjungan_rumah.AnggotaDikunjungi", outbox.keys_of_member_seen),
    ("imunisasi.Imunisasi", outbox.keys_of_dose),
    ("rujukan.Rujukan", outbox.keys_of_referral),
    ("sasaran.Sasaran", outbox.keys_of_person),
)


def register() -> None:
    for source, keys in SOURCES:
        derived.register(
            derived=DERIVED, what=WHAT, source=source, keys=keys, handler=outbox.queue,
            rebuild=REBUILD,
        )  # fmt: skip
