"""Writes of the report tables (derived data; nothing here is entered by a user).

- `rekap_bulanan`: RekapBulanan, SKDN and nutrition per Posyandu x month x sex, from
  sasaran.Sasaran and sesi.Pengukuran (the rules themselves are pure, in `laporan/skdn.py`);
  `rekap_delta`: a saved measurement's difference to its child's share of those rows.
- `rekap_layanan`: RekapLayanan, coverage and SPM per Posyandu x period x indicator, stored
  from the counts of `coverage_counts` (one Posyandu-year counted from the service records).

Record listeners (registered in laporan/apps.py) keep both current on every save;
`rebuild()` (the `laporan_rebuild` command) rewrites them for a range of months, then runs
the steps other apps registered through `laporan.registry.register_rebuild_step`.
"""

from posyandu.laporan.build.rekap_bulanan import rekap_rebuild
from posyandu.laporan.build.rekap_layanan import cakupan_rebuild
from posyandu.laporan.registry import rebuild_steps


def rebuild(*, prefix: str = "", start: int, end: int) -> dict[str, int]:
    """Rebuild the months `start`..`end` (month indexes) under a region prefix: SKDN rows of
    those months, coverage rows of the years they touch, then every registered step (they
    read the two tables, so they come last). Returns rows written per table."""
    written = {
        "rekap": rekap_rebuild(prefix=prefix, start=start, end=end),
        "cakupan": cakupan_rebuild(prefix=prefix, years=range(start // 12, end // 12 + 1)),
    }
    for step in rebuild_steps():
        written[step.name] = sum(step.run(prefix, m) for m in range(start, end + 1))
    return written
