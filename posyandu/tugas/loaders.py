"""Facts from the immunization, maternal-care and screening apps (issue 5) for the task
conditions, read through those apps' own selectors in bulk (a few queries for everyone)."""

from datetime import date, timedelta
from typing import Any

from posyandu.imunisasi import schedule
from posyandu.imunisasi import selectors as imunisasi_selectors
from posyandu.kia import selectors as kia_selectors
from posyandu.kia.models import KunjunganNifas, Persalinan
from posyandu.sasaran.bounds import may_have_pregnancy
from posyandu.sasaran.life_stage import BALITA, born_between_for, born_in_q
from posyandu.sasaran.models import Sasaran
from posyandu.skrining import selectors as skrining_selectors
from posyandu.tugas.snapshot import IMUNISASI, KIA, SKRINING, Person, register_loader


def _people_qs(people: dict[int, Person], ids: list[int] | None) -> Any:
    qs = Sasaran.objects.filter(status=Sasaran.Status.AKTIF)
    return qs if ids is None else qs.filter(id__in=ids)


def _any(people: dict[int, Person], ids: list[int] | None, test: Any) -> bool:
    """Whether a query for some people can find anything: always for everyone (ids None);
    for a few people (a listener), only if one of them passes `test` (the query's own
    filter, asked of the snapshots already loaded), saving the query otherwise."""
    return ids is None or any(test(p) for p in people.values())


def immunization(people: dict[int, Person], ids: list[int] | None, today: date) -> None:
    after, on_or_before = born_between_for(BALITA, today)
    if not _any(people, ids, lambda p: (after is None or p.tanggal_lahir > after)
                and p.tanggal_lahir <= on_or_before):  # fmt: skip
        return
    children = _people_qs(people, ids).filter(born_in_q(BALITA, today))
    for sid, doses in imunisasi_selectors.child_statuses(children, today).items():
        late = [
            (d.code, d.code, d.due_until + timedelta(days=1))  # "OPV1", as the panel says
            for d in doses
            if d.status == schedule.OVERDUE
        ]
        if late and sid in people:
            people[sid].extra["imunisasi_terlambat"] = late


def maternal(people: dict[int, Person], ids: list[int] | None, today: date) -> None:
    if _any(people, ids, lambda p: may_have_pregnancy(
            jenis_kelamin=p.jenis_kelamin, born=p.tanggal_lahir, on=today)):  # fmt: skip
        _pregnancies(people, ids, today)
    births = Persalinan.objects.filter(tanggal__gte=today - timedelta(days=43), tanggal__lte=today)
    if ids is not None:
        births = births.filter(kehamilan__sasaran_id__in=ids) | births.filter(bayi_id__in=ids)
    delivered = list(births.values_list("id", "kehamilan__sasaran_id", "bayi_id", "tanggal"))
    done: dict[int, set[str]] = {}
    if delivered:  # (no delivery: no visit to read)
        visits = KunjunganNifas.objects.filter(persalinan_id__in=[d[0] for d in delivered])
        for pid, jenis, ke in visits.values_list("persalinan_id", "jenis", "ke"):
            done.setdefault(pid, set()).add(f"{jenis}{ke}")
    for pid, mother, baby, day in delivered:
        if mother in people:
            people[mother].extra.setdefault("persalinan", []).append((day, done.get(pid, set())))
        if baby in people:
            people[baby].extra["kn_selesai"] = {
                c for c in done.get(pid, set()) if c.startswith("KN")
            }


def _pregnancies(people: dict[int, Person], ids: list[int] | None, today: date) -> None:
    women = _people_qs(people, ids).filter(jenis_kelamin="P")
    for k in kia_selectors.high_risk(women, today):
        if k.sasaran_id in people:
            people[k.sasaran_id].extra.setdefault("kehamilan_risiko", []).append(
                (str(k.public_id), ", ".join(str(r) for r in k.risiko), k.tanggal_daftar)
            )
    for k, evaluation in kia_selectors.anc_missed(women, today):
        start = k.hpl - timedelta(days=280)
        ends = {"T1": start + timedelta(days=98), "T2": start + timedelta(days=196), "T3": k.hpl}
        for missing in evaluation.missing:
            trimester = next((t for t in ends if t in missing), "T3")
            if k.sasaran_id in people:
                people[k.sasaran_id].extra.setdefault("anc_terlewat", []).append(
                    (f"{k.public_id}:{missing}", missing, ends[trimester])
                )


def screening(people: dict[int, Person], ids: list[int] | None, today: date) -> None:
    qs = _people_qs(people, ids)
    diabetes = skrining_selectors.definitions_with_tag("diabetes")
    latest = skrining_selectors.latest_results(qs, [*diabetes, "adl_barthel"], today)  # 1 query
    for sid, row in skrining_selectors.tagged(latest, "diabetes").items():
        if sid in people:
            nilai = row.nilai or {}
            # gula_darah: {"jenis": "gds", "kadar": 250}; the value in mg/dL, else any number
            value = nilai.get("kadar") or next(
                (v for v in nilai.values() if isinstance(v, int | float)), row.kategori
            )
            people[sid].extra["diabetes"] = [(row.tanggal, value)]
    for sid, by_def in latest.items():
        adl = by_def.get("adl_barthel")
        if adl is not None and sid in people:
            score = (adl.nilai or {}).get("total", adl.kategori)
            people[sid].extra["adl"] = [(adl.tanggal, score, adl.kategori != "mandiri")]


def register() -> None:
    register_loader(immunization, IMUNISASI)
    register_loader(maternal, KIA)
    register_loader(screening, SKRINING)
