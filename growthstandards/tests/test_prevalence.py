"""Survey prevalence against the WHO ``anthro_prevalence`` results (R package anthro)."""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from growthstandards import bench, who2006
from growthstandards import prevalence as prev

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
SHARED = REPO_ROOT.parent / "shared" / "who-growth" / "prevalence-cases"
PACKAGED = HERE / "data" / "prevalence"
CASES = (
    "visible_srs",
    "visible_cluster_strata_weights",
    "visible_lonely_psu_factors",
    "visible_months_weights_only",
)
# Random designs (random_inputs.py) computed by the same R package on this project's machine:
# weights only with missing weights and a factor with missing values (004), one cluster for
# all (006), three strata of one PSU each: no degrees of freedom (011), a one-child group in
# the weights-only backend (014, SD Inf), text factors in the simple backend (021), small
# groups under clusters and strata where R's glm stops early enough to move a CI bound by
# 1.5e-6 from the converged logit interval (024), a lonely stratum (030), a group whose only
# weighted child is its only WA value (098: svyvar gives 0, not NA), two clusters: one degree
# of freedom, where R's lower bound is NA for the groups whose SE R computes as exactly 0 and
# 0 for the others (042: two children, y = 1 then 0, in one cluster give NA, y = 0 then 1 a
# rounding error and 0; 123: one degree of freedom from two PSUs in a stratum beside two
# lonely strata, whose PSU totals must be exactly 0 too).
GENERATED = tuple(
    f"generated_{seed}"
    for seed in ("004", "006", "011", "014", "021", "024", "030", "042", "098", "123")
)
# The tolerance. CI bounds follow R's glm iterations (within 2e-7 on 30 random
# designs); everything else agrees within 1e-9.
TOLERANCE = 1e-6


def case_dir() -> Path:
    for d in (SHARED, PACKAGED):
        if all((d / f"{c}_expected.csv").is_file() for c in CASES):
            return d
    pytest.fail("prevalence cases not found in ../shared/who-growth nor tests/data")


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _compare(got: list[dict[str, str]], expected: list[dict[str, str]]) -> int:
    assert [r["Group"] for r in got] == [r["Group"] for r in expected]
    checked = 0
    for g, e in zip(got, expected, strict=True):
        assert list(g) == list(e)
        for col in prev.COLUMNS[1:]:
            want, have = e[col], g[col]
            assert (want == "NA") == (have == "NA"), (e["Group"], col, want, have)
            if want == "NA":
                continue
            if col.endswith("_unwpop") or want in ("Inf", "-Inf"):
                assert have == want, (e["Group"], col)  # counts exactly
            else:
                assert abs(float(have) - float(want)) <= TOLERANCE, (e["Group"], col, want, have)
            checked += 1
    return checked


@pytest.mark.parametrize("case", CASES)
def test_command_matches_who_anthro_prevalence(case: str, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    cmd = [sys.executable, "-m", "growthstandards", "prevalence"]
    cmd += [str(case_dir() / f"{case}_input.csv"), str(out)]
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    expected = _read(case_dir() / f"{case}_expected.csv")
    assert _compare(_read(out), expected) > 2000


@pytest.mark.parametrize("case", GENERATED)
def test_random_designs_match_who_anthro_prevalence(case: str, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    cmd = [sys.executable, "-m", "growthstandards", "prevalence"]
    cmd += [str(PACKAGED / f"{case}_input.csv"), str(out)]
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    got, expected = _read(out), _read(PACKAGED / f"{case}_expected.csv")
    assert _compare(got, expected) > 500
    # R's own spelling of what is not a number
    assert [c for r in got for c in r.values() if c in ("Inf", "NA")] == [
        c for r in expected for c in r.values() if c in ("Inf", "NA")
    ]


def test_srs_is_exact_to_printed_precision() -> None:
    """Without design or weights the R package uses closed forms: equal to ~1e-11."""
    cols = prev.read_input(str(case_dir() / "visible_srs_input.csv"))
    table = prev.anthro_prevalence(**cols)
    expected = _read(case_dir() / "visible_srs_expected.csv")
    for i, e in enumerate(expected):
        for col in prev.COLUMNS[1:]:
            if e[col] != "NA":
                want = float(e[col])
                assert math.isclose(table.values[col][i], want, rel_tol=1e-11, abs_tol=1e-11)


def test_lonely_psu_and_factor_rows() -> None:
    cols = prev.read_input(str(case_dir() / "visible_lonely_psu_factors_input.csv"))
    table = prev.anthro_prevalence(**cols)
    assert table.groups[-2:] == ["Other grouping: A", "Other grouping: B"]
    assert "Wealth quintile: Q1: Poorest" in table.groups
    assert "Geographical region: Tengah" in table.groups


@pytest.mark.parametrize(
    ("df", "want"),
    [(1, 12.70620474), (10, 2.228138852), (59, 2.000995378)],
)
def test_t_quantile_like_r_qt(df: int, want: float) -> None:
    q = prev.t_quantile(0.975, df)
    assert q == pytest.approx(want, abs=5e-9 if df < 100 else 5e-7)
    assert prev.t_cdf(q, df) == pytest.approx(0.975, abs=1e-14)


def test_taylor_variance_with_lonely_stratum_by_hand() -> None:
    # two strata: {PSU a, PSU b} and a lonely {PSU c}; weights 1; mean of x over all
    x = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    cluster = np.array([1.0, 1.0, 2.0, 2.0, 3.0])
    strata = np.array([1.0, 1.0, 1.0, 1.0, 2.0])
    design = prev.Design.build(cluster, strata, np.ones(5), surveyed=True)
    mean, se, _ = prev._domain_mean(design, x, np.zeros(5, np.int64), 1)
    r = 0.6
    t = np.array([(1 - r) + (0 - r), (1 - r) + (1 - r), (0 - r)]) / 5  # PSU totals of scores
    v = 2 / 1 * ((t[0] - t[:2].mean()) ** 2 + (t[1] - t[:2].mean()) ** 2)
    v += (t[2] - t.mean()) ** 2  # lonely PSU "adjust": centred on the grand mean (0)
    assert mean[0] == pytest.approx(r)
    assert se[0] == pytest.approx(math.sqrt(v), rel=1e-12)
    assert design.t_value == pytest.approx(prev.t_quantile(0.975, 1))  # 3 PSUs - 2 strata


def test_missing_weights_and_empty_groups() -> None:
    n = 40
    rng = np.random.default_rng(5)
    weights = [float(v) for v in rng.uniform(0.5, 2, n)]
    sw: list[float | str] = list(weights)
    sw[3] = ""  # missing weight: counts as 0 (kept in the design, out of the estimates)
    table = prev.anthro_prevalence(
        sex=[1, 2] * (n // 2),
        age=[400 + 10 * i for i in range(n)],  # 13 to 26 months: other age groups empty
        weight=[10.0] * n,
        lenhei=[80.0] * n,
        sw=sw,
        wealthq=["Q1", "2"] * (n // 2),
    )
    i = table.groups.index("Age group: 00-05 mo")
    assert table.values["HAZ_pop"][i] == 0
    assert math.isnan(table.values["HA_2_r"][i])
    assert table.values["HAZ_unwpop"][0] == n
    assert table.values["HAZ_pop"][0] == pytest.approx(sum(weights) - weights[3])
    assert "Wealth quintile: Q5: Richest" in table.groups


def test_bad_input_is_reported_with_line(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("sex,age,weight\n1,400,10\n2,abc,11\n", encoding="utf-8")
    with pytest.raises(ValueError, match="baris 3: kolom age"):
        prev.read_input(str(src))


def test_parquet_in_and_out(tmp_path: Path) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    src = case_dir() / "visible_months_weights_only_input.csv"
    parquet_in = tmp_path / "in.parquet"
    pq.write_table(pacsv.read_csv(src), parquet_in)
    out = tmp_path / "out.parquet"
    assert prev.run_files(str(parquet_in), str(out)) == 21
    got = pq.read_table(out).to_pylist()
    expected = _read(case_dir() / "visible_months_weights_only_expected.csv")
    assert got[0]["Group"] == "All"
    assert got[0]["HA_2_r"] == pytest.approx(float(expected[0]["HA_2_r"]), abs=1e-9)


def test_sparse_psu_totals_give_the_same_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    cols = prev.read_input(str(case_dir() / "visible_lonely_psu_factors_input.csv"))
    dense = prev.anthro_prevalence(**cols)
    monkeypatch.setattr(prev, "DENSE_LIMIT", 0)
    sparse = prev.anthro_prevalence(**cols)
    for c in prev.COLUMNS[1:]:
        np.testing.assert_allclose(sparse.values[c], dense.values[c], rtol=1e-12, atol=1e-12)


def test_packaged_copy_equals_shared() -> None:
    if not SHARED.is_dir():
        pytest.skip("../shared/who-growth/prevalence-cases not present")
    for f in sorted(SHARED.glob("*.csv")):
        assert (PACKAGED / f.name).read_bytes() == f.read_bytes(), f.name


@pytest.mark.parametrize("design", ["clusters", "one_cluster"])
def test_binned_fast_path_equals_row_by_row_estimates(design: str) -> None:
    """The prevalences come from bin sums per (group, PSU) cell; the row-by-row Taylor
    estimator (``_domain_mean``) on the 0/1 column gives the same numbers."""
    data = bench.survey_children(3000, 11)
    if design == "one_cluster":
        data.pop("cluster")
        data["strata"] = np.where(np.arange(3000) == 7, 99, data["strata"])  # a lonely row
    table = prev.anthro_prevalence(**data)  # type: ignore[arg-type]
    as_text = {k: [str(v) for v in vals.tolist()] for k, vals in data.items()}
    again = prev.anthro_prevalence(**as_text)  # lists of text: the per-value path
    for col in prev.COLUMNS[1:]:
        np.testing.assert_allclose(again.values[col], table.values[col], rtol=1e-12, atol=1e-13)
    res = who2006.zscores(data["sex"], data["age"], data["weight"], data["lenhei"], data["measure"])
    z = res.z["zlen"].copy()
    z[res.flags["flen"] == 1] = np.nan
    cluster = data.get("cluster", np.ones(3000))
    design_ = prev.Design.build(
        cluster.astype(float), data["strata"].astype(float), data["sw"], surveyed=True
    )
    sex_group = np.where(res.csex == 2, 0, 1)
    y = np.where(np.isnan(z), np.nan, z < -2)
    p, se, _ = prev._domain_mean(design_, y, sex_group, 2)
    i = table.groups.index("Sex: Female")
    assert table.values["HA_2_r"][i : i + 2] == pytest.approx(p * 100, rel=1e-12)
    assert table.values["HA_2_se"][i : i + 2] == pytest.approx(se * 100, rel=1e-9)


def test_srs_interval_from_counts_equals_the_full_analysis() -> None:
    """Counts only (dashboards): the same numbers as anthro_prevalence on the rows."""
    n = 57
    lenhei = [76.0] * 9 + [89.0] * (n - 9)  # 9 stunted children at 24 months
    table = prev.anthro_prevalence(
        sex=[1] * n, age=[731] * n, weight=[10.0] * n, lenhei=lenhei, measure=["l"] * n
    )
    got = prev.srs_interval(9, n)
    assert got.percent == pytest.approx(table.values["HA_2_r"][0], rel=1e-12)
    assert got.se == pytest.approx(table.values["HA_2_se"][0], rel=1e-9)
    assert got.lower == pytest.approx(table.values["HA_2_ll"][0], rel=1e-9)
    assert got.upper == pytest.approx(table.values["HA_2_ul"][0], rel=1e-9)
    assert got.width == pytest.approx(got.upper - got.lower)
    zero = prev.srs_interval(0, 40)
    assert (zero.percent, zero.lower, zero.upper) == (0.0, 0.0, 0.0)
    assert math.isnan(prev.srs_interval(0, 0).percent)


def test_srs_interval_with_children_missing_the_indicator() -> None:
    """7 of 64 children have no length: they stay in the design (domain estimation), so the
    SE is sqrt(p (1 - p) / n * N / (N - 1)) with t on N - 1 df, N = 64, n = 57."""
    n, extra = 57, 7
    lenhei = [76.0] * 9 + [89.0] * (n - 9) + [None] * extra
    rows = n + extra
    table = prev.anthro_prevalence(
        sex=[1] * rows, age=[731] * rows, weight=[10.0] * rows, lenhei=lenhei, measure=["l"] * rows
    )
    assert table.values["HAZ_unwpop"][0] == n
    got = prev.srs_interval(9, n, rows)
    assert got.se == pytest.approx(table.values["HA_2_se"][0], rel=1e-9)
    assert got.lower == pytest.approx(table.values["HA_2_ll"][0], rel=1e-9)
    assert got.upper == pytest.approx(table.values["HA_2_ul"][0], rel=1e-9)
    assert got.lower != pytest.approx(prev.srs_interval(9, n).lower, rel=1e-6)


def test_t_quantile_converges_in_a_few_newton_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every df of a dashboard's small units (3-199): exact to t_cdf's own precision, and Newton
    stops after a few evaluations of t_cdf (not the bisection's dozens: a cold dashboard asks
    for one quantile per unit size)."""
    calls: list[float] = []
    real_cdf = prev.t_cdf

    def counted(t: float, df: float) -> float:
        calls.append(df)
        return real_cdf(t, df)

    monkeypatch.setattr(prev, "t_cdf", counted)
    for df in range(3, 200):
        q = prev.t_quantile.__wrapped__(0.975, float(df))
        assert real_cdf(q, df) == pytest.approx(0.975, abs=1e-14)
    assert len(calls) <= 4 * 197


def test_wald_multipliers_as_survey_confint() -> None:
    """survey's confint.svyglm turns t into a normal level and back: the same t, except at
    one degree of freedom, where the level rounds to 1 and the interval becomes [0, NA]."""
    assert prev._wald_multipliers(prev.t_quantile(0.975, 1)) == (-math.inf, math.inf)
    t = prev.t_quantile(0.975, 29)
    low, high = prev._wald_multipliers(t)
    assert low == pytest.approx(-t, rel=1e-12)
    assert high == pytest.approx(t, rel=1e-12)
    ll, ul = prev._glm_ci(np.array([0.5]), np.array([0.0]), np.array([0.3]), 12.7062047)
    assert ll[0] == 0.0
    assert math.isnan(ul[0])


def test_exactly_zero_se_as_r_computes_it() -> None:
    """At one degree of freedom the lower bound is NA where R's SE is exactly 0. Two children
    of weight 1 in one PSU: R's glm gives beta = -0 for y = 1, 0 (mu = 0.5, the scores
    cancel) and 4.7e-16 for y = 0, 1 (their sum a rounding error, the bound 0)."""
    beta, scores = prev._r_glm(np.array([1.0, 0.0]), prev._RStart.of(np.ones(2)))
    assert (beta, math.copysign(1.0, beta), scores.sum()) == (0.0, -1.0, 0.0)
    beta, scores = prev._r_glm(np.array([0.0, 1.0]), prev._RStart.of(np.ones(2)))
    assert beta == 4.7102773760513267328e-16  # R's, sprintf("%.20g")
    assert scores.sum() != 0.0


# `sort(unique(x))` printed by R 4.2.2 (Debian, ICU) in the C.UTF-8 locale.
R_SORTED = [
    " lead",
    "_x",
    ";u",
    ":t",
    "!e",
    "?f",
    "'k",
    '"l',
    "(a)",
    "[b]",
    "{s",
    "@g",
    "*n",
    "/m",
    "&d",
    "#c",
    "%o",
    "^q",
    "+h",
    "<v",
    "=i",
    ">w",
    "|r",
    "~j",
    "$p",
    "10",
    "1a",
    "2",
    "a",
    "A",
    "ä",
    "Ä",
    "a1",
    "b",
    "B",
    "Barat",
    "barat daya",
    "Barat Daya",
    "Barat_Daya",
    "Barat-Daya",
    "e",
    "é",
    "f",
    "jawa Barat",
    "Jawa barat",
    "Jawa Barat",
    "none",
    "None",
    "NONE",
    "q1",
    "Q1",
    "rural",
    "Rural",
    "timur",
    "Timur",
    "urban",
    "Urban",
    "x y",
    "x_y",
    "x-y",
    "x,y",
    "x.y",
    "xy",
    "xY",
    "Xy",
    "XY",
    "Z",
]


def test_text_levels_sort_as_r_does() -> None:
    shuffled = sorted(R_SORTED, key=lambda t: (len(t), t[::-1]))
    assert sorted(shuffled, key=prev.r_text_order) == R_SORTED


def test_survey_backend_orders_text_groups_as_r() -> None:
    """Under a design, a text factor's groups come in R's order, not code point order."""
    regions = ["barat", "Timur", "Barat Daya", "_lain", "timur"] * 8
    table = prev.anthro_prevalence(
        sex=[1, 2] * 20,
        age=[400 + 20 * i for i in range(40)],
        weight=[10.0] * 40,
        lenhei=[80.0] * 40,
        cluster=[i % 4 for i in range(40)],
        gregion=regions,
    )
    shown = [g.split(": ", 1)[1] for g in table.groups if g.startswith("Geographical region")]
    assert shown == ["_lain", "barat", "Barat Daya", "timur", "Timur"]
