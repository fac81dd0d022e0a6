"""The sample generator: deterministic, shaped by the contracts, consistent, plausible."""

from __future__ import annotations

import fnmatch
import itertools
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from openpyxl import load_workbook

from workforce.config import AuthorityConfig, ExtractSettings, matching_key
from workforce.contracts import CONTRACTS, KINDS, NAME_HEADER_PATTERN, ColumnType
from workforce.extracts import normalise_header
from workforce.findings import errors
from workforce.periods import Period
from workforce.sample import (
    ASYE_TITLE,
    MESSY_FILES,
    MESSY_MAPPING,
    MESSY_WORDS,
    authority_sizes,
    generate_authority,
    write_authorities,
    write_messy_variant,
    write_sample,
)

END = Period(2025, 3)
Months = dict[Period, dict[str, pd.DataFrame]]

FORMATS = {
    ColumnType.DATE: r"\d{4}-\d{2}-\d{2}",
    ColumnType.FLAG: r"[YN]",
    ColumnType.MONEY: r"\d+\.\d{2}",
    ColumnType.NUMBER: r"\d+(\.\d+)?",
    ColumnType.INTEGER: r"\d+",
}


@pytest.fixture(scope="module")
def sample() -> Months:
    """The default sample council, generated once for the module."""
    return generate_authority("NWT", END, 24)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.csv"))}


def _in_post(hr: pd.DataFrame, period: Period) -> pd.DataFrame:
    return hr[(hr["leave_date"] == "") | (hr["leave_date"] > period.end.isoformat())]


# --- files ------------------------------------------------------------------------------------


def test_write_sample_is_deterministic_and_laid_out_by_month(tmp_path: Path) -> None:
    first = write_sample(tmp_path / "a", months=3, posts=120)
    again = write_sample(tmp_path / "b", months=3, posts=120)

    assert [f.relative_to(tmp_path / "a").as_posix() for f in first] == [
        "NWT/2025-01", "NWT/2025-02", "NWT/2025-03"
    ]
    assert all(sorted(p.name for p in f.iterdir()) == sorted(f"{k}.csv" for k in KINDS)
               for f in first)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert [f.name for f in again] == [f.name for f in first]


def test_another_seed_or_code_is_another_council(tmp_path: Path) -> None:
    write_sample(tmp_path / "a", months=2, posts=120)
    write_sample(tmp_path / "b", months=2, posts=120, seed=1)
    base, seeded = _files(tmp_path / "a"), _files(tmp_path / "b")
    other = generate_authority("BRY", END, 1, posts=120)[END]["hr_staff"]
    nwt = generate_authority("NWT", END, 1, posts=120)[END]["hr_staff"]

    assert base.keys() == seeded.keys()
    assert all(base[name] != seeded[name] for name in base)
    assert not other.equals(nwt)


def test_csv_headers_are_the_contract_columns(tmp_path: Path) -> None:
    folder = write_sample(tmp_path, code="TST", end=Period(2024, 6), months=1, posts=120)[0]
    assert folder == tmp_path / "TST" / "2024-06"
    for kind in KINDS:
        with (folder / f"{kind}.csv").open(encoding="utf-8", newline="") as handle:
            assert handle.readline().rstrip("\n").split(",") == CONTRACTS[kind].column_names


def test_too_small_a_council_or_no_months_is_refused() -> None:
    with pytest.raises(ValueError, match="posts"):
        generate_authority("NWT", END, 1, posts=20)
    with pytest.raises(ValueError, match="months"):
        generate_authority("NWT", END, 0)


# --- contract shape -----------------------------------------------------------------------------


def test_frames_have_the_contract_columns_as_text_in_canonical_formats(sample: Months) -> None:
    for frames in sample.values():
        for kind, frame in frames.items():
            contract = CONTRACTS[kind]
            assert list(frame.columns) == contract.column_names
            for column in contract.columns:
                values = frame[column.name]
                assert values.map(type).eq(str).all(), (kind, column.name)
                present = values[values != ""]
                if column.required:
                    assert len(present) == len(values), (kind, column.name)
                if column.codes:
                    assert present.isin(column.codes).all(), (kind, column.name)
                if column.type in FORMATS:
                    assert present.str.fullmatch(FORMATS[column.type]).all(), (kind, column.name)


def test_keys_are_unique_and_references_resolve_every_month(sample: Months) -> None:
    for period, m in sample.items():
        for kind, frame in m.items():
            assert not frame.duplicated(list(CONTRACTS[kind].key)).any(), (period, kind)
        posts, teams = set(m["establishment"]["post_id"]), set(m["establishment"]["team_code"])
        hr, agency, caseloads = m["hr_staff"], m["agency_spend"], m["caseloads"]
        assert set(hr["post_id"]) <= posts and set(hr["team_code"]) <= teams
        assert set(agency["post_id"]) - {""} <= posts and set(agency["team_code"]) <= teams
        by_type = caseloads.groupby("worker_type")["worker_ref"].agg(set)
        assert by_type["employee"] <= set(_in_post(hr, period)["employee_id"])
        assert by_type["agency"] <= set(agency["worker_ref"])


def test_row_rules_hold_every_month(sample: Months) -> None:
    for period, m in sample.items():
        end = period.end.isoformat()
        hr, agency, caseloads = m["hr_staff"], m["agency_spend"], m["caseloads"]
        for kind, frame in m.items():
            for column in CONTRACTS[kind].columns:
                if column.type is ColumnType.DATE:
                    assert (frame[column.name] <= end).all(), (period, kind, column.name)
        fte = hr["fte"].astype(float)
        assert fte.between(0, 1, inclusive="right").all()
        in_post = _in_post(hr, period)
        assert in_post["fte"].astype(float).groupby(in_post["employee_id"]).sum().le(1).all()
        role_start = hr["role_start_date"]
        assert (role_start[role_start != ""] >= hr["service_start_date"][role_start != ""]).all()
        assert ((hr["leave_date"] == "") == (hr["leaving_reason"] == "")).all()
        assert hr["sickness_days"].astype(float).between(0, 23).all()

        hours = agency["hours"].astype(float)
        assert hours.between(0, 84).all()
        # round(hours × rate, 2) exactly, half up, in integer pence (hours are whole halves).
        half_hours = (hours * 2).astype(int)
        rate_pence = agency["charge_rate_gbp"].str.replace(".", "").astype(int)
        cost_pence = agency["line_cost_gbp"].str.replace(".", "").astype(int)
        assert ((rate_pence * half_hours + 1) // 2).eq(cost_pence).all()
        assert (agency["placement_start_date"] <= agency["week_ending"]).all()
        assert (pd.to_datetime(agency["week_ending"]).dt.day_of_week == 4).all()  # Fridays

        split = caseloads[["cp_cases", "cla_cases", "cin_cases"]].astype(int).sum(axis=1)
        assert split.eq(caseloads["open_cases"].astype(int)).all()


# --- the story over months -----------------------------------------------------------------------


def test_leavers_leave_in_their_month_and_are_gone_the_next(sample: Months) -> None:
    periods = list(sample)
    total_leavers = total_starters = 0
    for period, following in itertools.pairwise(periods):
        hr = sample[period]["hr_staff"]
        leavers = hr[hr["leave_date"] != ""]
        assert leavers["leave_date"].between(period.start.isoformat(), period.end.isoformat()).all()
        assert not set(leavers["employee_id"]) & set(sample[following]["hr_staff"]["employee_id"])
        total_leavers += leavers["employee_id"].nunique()
        total_starters += (hr["service_start_date"] >= period.start.isoformat()).sum()
    assert total_leavers > 40 and total_starters > 40


def test_staff_reach_two_years_service_every_month(sample: Months) -> None:
    # The retention scheme pays social workers on their 2-year anniversary.
    for period, m in sample.items():
        sw = _in_post(m["hr_staff"], period)
        sw = sw[sw["role"] == "social_worker"]
        anniversary = pd.to_datetime(sw["service_start_date"]) + pd.DateOffset(years=2)
        assert (anniversary.dt.strftime("%Y-%m") == str(period)).sum() >= 1, period


def test_agency_placements_keep_their_start_and_some_run_over_a_year(sample: Months) -> None:
    lines = pd.concat(m["agency_spend"] for m in sample.values())
    assert lines.groupby("worker_ref")["placement_start_date"].nunique().eq(1).all()
    last = sample[END]["agency_spend"]
    long_running = last[last["placement_start_date"] < END.shift(-12).end.isoformat()]
    assert long_running["worker_ref"].nunique() >= 3
    assert 4 <= last["supplier"].nunique() <= 6
    assert (last["post_id"] == "").any()  # some over establishment


def _kpis(sample: Months, period: Period) -> dict[str, float]:
    """The headline rates as KPI_DEFINITIONS.md defines them, in plain pandas."""
    m = sample[period]
    hr, agency = m["hr_staff"], m["agency_spend"]
    sw = _in_post(hr, period).query("qualified_sw == 'Y'")
    sw_fte = sw["fte"].astype(float).sum()
    est = m["establishment"].query("funded == 'Y' and status != 'deleted'")
    held = sw["fte"].astype(float).groupby(sw["post_id"]).sum()
    budget = est["budgeted_fte"].astype(float)
    vacancy_fte = (budget - est["post_id"].map(held).fillna(0).to_numpy()).clip(lower=0).sum()
    weeks = agency["week_ending"].nunique()
    agency_fte = agency.query("qualified_sw == 'Y'")["hours"].astype(float).sum() / (37 * weeks)

    window = [p for p in sample if period.shift(-12) < p <= period]
    hr_12m = pd.concat(sample[p]["hr_staff"] for p in window)
    leavers_fte = hr_12m.query("leave_date != '' and qualified_sw == 'Y'")["fte"].astype(float)

    cases = m["caseloads"].set_index("worker_ref")["open_cases"].astype(int)
    holder_fte = pd.concat([
        sw["fte"].astype(float).groupby(sw["employee_id"]).sum(),
        agency["hours"].astype(float).groupby(agency["worker_ref"]).sum() / (37 * weeks),
    ])
    return {
        "vacancy_rate": 100 * vacancy_fte / (vacancy_fte + sw_fte),
        "agency_rate": 100 * agency_fte / (agency_fte + sw_fte),
        "turnover_rate": 100 * leavers_fte.sum() / sw_fte,
        "caseload_avg": cases.sum() / holder_fte.reindex(cases.index).sum(),
        "over_40_share": (cases > 40).mean(),
    }


def test_kpis_come_out_plausible(sample: Months) -> None:
    for period in list(sample)[-6:]:  # months with a full 12-month window
        kpis = _kpis(sample, period)
        assert 12 <= kpis["vacancy_rate"] <= 25, (period, kpis)
        assert 9 <= kpis["agency_rate"] <= 22, (period, kpis)
        assert 8 <= kpis["turnover_rate"] <= 22, (period, kpis)
        assert 14 <= kpis["caseload_avg"] <= 18, (period, kpis)
        assert kpis["over_40_share"] < 0.02, (period, kpis)


def test_establishment_has_teams_roles_and_a_few_unusual_posts(sample: Months) -> None:
    est = sample[END]["establishment"]
    assert 15 <= est["team_code"].nunique() <= 20
    assert est["team_code"].str.fullmatch(r"[A-Z]{2}\d{2}").all()
    assert est.groupby("team_code")["role"].apply(lambda r: (r == "team_manager").sum()).eq(1).all()
    roles = est["role"].value_counts(normalize=True)
    assert roles["social_worker"] + roles["senior_social_worker"] > 0.75
    assert abs(len(est) - 350) <= 15
    cost = est["annual_cost_gbp"].astype(float) / est["budgeted_fte"].astype(float)
    assert cost[est["role"].isin(["social_worker", "team_manager"])].between(44_000, 76_000).all()
    assert set(est["status"]) >= {"active", "frozen"} and (est["funded"] == "N").any()


# --- the messy variant and validation -------------------------------------------------------


def test_messy_mapping_is_a_valid_council_mapping() -> None:
    AuthorityConfig(code="MSY", name="Messy", column_mapping=MESSY_MAPPING)
    for renames in MESSY_MAPPING.values():
        assert len(renames) >= 6
        assert not [h for h in renames if re.match(NAME_HEADER_PATTERN, normalise_header(h))]


def test_messy_variant_writes_the_councils_exports(sample: Months, tmp_path: Path) -> None:
    paths = write_messy_variant(sample[END], tmp_path, END)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "Agency Timesheets Mar 2025.txt", "Caseloads Mar 2025.csv",
        "Establishment Mar 2025.csv", "HR Staff Report Mar 2025.xlsx",
    ]

    workbook = load_workbook(paths["hr_staff"])
    assert workbook.sheetnames == ["Staff"]
    rows = list(workbook["Staff"].iter_rows(values_only=True))
    assert [r[0] for r in rows[:3]] == ["HR Staff Report", "Run date: 05/04/2025", None]
    header = list(rows[3])
    assert header[:2] == ["Employee Number", "Post No"]
    assert rows[-1][0] == f"Total records: {len(sample[END]['hr_staff'])}"
    assert len(rows) == len(sample[END]["hr_staff"]) + 5
    data = [dict(zip(header, row, strict=True)) for row in rows[4:-1]]
    assert data[0]["Continuous Service Date"].year > 1990  # a real date cell
    assert isinstance(data[0]["FTE"], int | float)  # a number cell, not text
    assert {r["Qualified SW"] for r in data} == {"Yes", "No"}
    assert {r["Contract Type"] for r in data} == {"Permanent", "Fixed Term"}
    roles = {r["Job Role"] for r in data}
    assert {"Social Worker", "Social Worker (ASYE)", "Senior Practitioner"} <= roles
    assert not roles & set(CONTRACTS["hr_staff"].column("role").codes)

    establishment = paths["establishment"].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        establishment.decode("utf-8")
    text = establishment.decode("cp1252")
    assert text.startswith("Post Number;Cost Centre;") and "\r\n" in text
    assert re.search(r";£\d{2},\d{3}\.\d{2};(Yes|No);(Live|Frozen|Deleted)\r\n", text)

    agency = paths["agency_spend"].read_bytes()
    assert agency.startswith("\ufeffTimesheet Line\tWorker ID\tAgency\t".encode("utf-16-le"))
    line = agency.decode("utf-16").splitlines()[1].split("\t")
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", line[6]) and line[9].startswith("£")
    caseloads = paths["caseloads"].read_text(encoding="utf-8")
    assert caseloads.startswith("Worker Ref,Worker Type,Open Cases")
    assert {row.split(",")[1] for row in caseloads.splitlines()[1:]} == {"Staff", "Agency"}


def test_messy_months_are_the_same_bytes_every_time(tmp_path: Path) -> None:
    for name in ("a", "b"):
        write_sample(tmp_path / name, "MSY", END, months=2, posts=60, messy=True)
    files = {name: {str(p.relative_to(tmp_path / name)): p.read_bytes()
                    for p in sorted((tmp_path / name).rglob("*.*"))} for name in ("a", "b")}
    assert len(files["a"]) == 8 and files["a"] == files["b"]


def test_generated_months_validate_without_errors(tmp_path: Path) -> None:
    from workforce.validation import validate_month

    folder = write_sample(tmp_path / "canonical", end=END, months=1)[0]
    result = validate_month(folder, END, ExtractSettings())
    assert not errors(result.findings), [str(f) for f in errors(result.findings)][:5]
    assert set(result.frames) == set(KINDS)


def test_the_shipped_messy_council_settings_read_the_messy_sample() -> None:
    # The words and file names the sample writes are what config/MSY.yaml expects (that the
    # reader then loads them as their canonical twin: tests/test_council_exports.py).
    from workforce.cell_typing import normalise_code
    from workforce.config import PROJECT_ROOT, load_authority_config

    settings = load_authority_config("MSY", PROJECT_ROOT / "config")
    assert settings.column_mapping == MESSY_MAPPING
    for kind in KINDS:
        name = MESSY_FILES[kind].format(month="Mar 2025")
        assert fnmatch.fnmatchcase(name, settings.layout(kind).pattern), (kind, name)
        for column in CONTRACTS[kind].columns:
            if column.type is not ColumnType.CODE:
                continue
            words = set(MESSY_WORDS.get(column.name, {}).values()) | {ASYE_TITLE}
            lookup = settings.value_lookup(kind, column.name)
            spelled = normalise_code(pa.array(sorted(words))).to_numpy(dtype=object)
            unread = {w for w, code in zip(sorted(words), spelled, strict=True)
                      if code not in column.codes and matching_key(w) not in lookup}
            if kind != "hr_staff" or column.name != "role":
                unread.discard(ASYE_TITLE)  # only HR has it
            assert not unread, (kind, column.name, unread)


def test_notice_given_writes_a_resignation_into_the_month_before(tmp_path: Path) -> None:
    plain = generate_authority("MSY", END, 13, posts=70)
    notice = generate_authority("MSY", END, 13, posts=70, notice=True)
    given = 0
    for period, frames in notice.items():
        for kind in ("establishment", "agency_spend", "caseloads"):
            pd.testing.assert_frame_equal(frames[kind], plain[period][kind])
        hr, before = frames["hr_staff"], plain[period]["hr_staff"]
        changed = (hr != before).any(axis=1)
        assert (hr[changed].drop(columns=["leave_date", "leaving_reason"])
                == before[changed].drop(columns=["leave_date", "leaving_reason"])).all().all()
        # Only resignations, only dated after the month's end, and in the next month.
        early = hr[changed]
        assert (early["leaving_reason"] == "resignation").all()
        assert (early["leave_date"] > period.end.isoformat()).all()
        assert (early["leave_date"] <= period.shift(1).end.isoformat()).all()
        if period < END:
            following = notice[period.shift(1)]["hr_staff"].set_index(["employee_id", "post_id"])
            keys = list(zip(early["employee_id"], early["post_id"], strict=True))
            assert (following.loc[keys, "leave_date"].to_numpy()
                    == early["leave_date"].to_numpy()).all()
        given += changed.sum()
    assert given >= 5
    # By default only the messy council gives notice: the canonical sample is unchanged.
    write_sample(tmp_path / "default", "MSY", END, months=13, posts=70)
    hr = pd.read_csv(tmp_path / "default" / "MSY" / str(END) / "hr_staff.csv", dtype=str,
                     keep_default_na=False)
    pd.testing.assert_frame_equal(hr, plain[END]["hr_staff"], check_dtype=False)


# --- many councils ------------------------------------------------------------------------------


def test_national_sizes_look_like_englands_councils() -> None:
    sizes = authority_sizes(153)
    posts = sorted(sizes.values())
    assert len(set(sizes)) == 153 and all(re.fullmatch(r"LA\d{3}", c) for c in sizes)
    assert 40_000 <= sum(posts) <= 45_000  # ~35,000 social workers in post
    assert posts[0] >= 60 and posts[-1] > 1000 and 200 <= posts[76] <= 260
    assert authority_sizes(153, seed=1) == authority_sizes(153, seed=1)
    assert authority_sizes(153, seed=1) != sizes  # the seed shuffles who is large
    assert sorted(authority_sizes(153, seed=1).values()) == posts


def test_many_councils_have_their_sizes_and_validate_on_default_settings(
    tmp_path: Path,
) -> None:
    from workforce.pipeline import validate_authority_month

    sizes = write_authorities(tmp_path, 3, END, months=2, seed=5, jobs=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == list(sizes) == [
        "LA001", "LA002", "LA003"
    ]
    assert len(set(sizes.values())) == 3
    for code, posts in sizes.items():
        AuthorityConfig(code=code, name=code)  # a valid code for a settings file
        first = pd.read_csv(tmp_path / code / str(END.shift(-1)) / "establishment.csv")
        assert abs(len(first) - posts) <= 3  # a budget decision may add a post
        for period in (END.shift(-1), END):
            month = validate_authority_month(tmp_path, code, period)  # no config/<code>.yaml
            assert not errors(month.findings), [str(f) for f in errors(month.findings)][:5]


def test_many_councils_are_the_same_whatever_the_processes(tmp_path: Path) -> None:
    write_authorities(tmp_path / "one", 3, END, months=1, seed=2, jobs=1)
    write_authorities(tmp_path / "two", 3, END, months=1, seed=2, jobs=2)
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    assert _files(tmp_path / "one")["LA002/2025-03/hr_staff.csv"] != \
        _files(tmp_path / "one")["LA003/2025-03/hr_staff.csv"]
