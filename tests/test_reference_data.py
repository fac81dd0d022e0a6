"""The reference data (``data/reference/authorities.yaml``) against the DfE's files it is built
from, and the published figures of every region and council."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import pytest

from workforce.cli import main
from workforce.comparisons.authorities import (
    REFERENCE_FILE,
    UnknownAuthority,
    authorities,
    default_source,
    lookup,
    refresh,
    source,
)
from workforce.reports.benchmarks import (
    COLUMNS,
    OWN_BENCHMARKS,
    benchmarks_path,
    england,
    published,
    split_joint,
)

INDICATORS = default_source("indicators")
NEIGHBOURS = default_source("neighbours")
ABOLISHED = {"835", "836", "837", "909", "928"}  # the old Dorset, Poole, Bournemouth; Cumbria;
# Northamptonshire


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _councils_rows() -> list[dict[str, str]]:
    rows = [r for r in _rows(INDICATORS) if r["geographic_level"] == "Local authority"]
    return sorted(rows, key=lambda r: int(r["time_period"]))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


# ---- codes, names, regions ----------------------------------------------------------------


def test_every_council_of_the_indicators_resolves_by_each_of_its_codes() -> None:
    rows = _councils_rows()
    latest = {row["old_la_code"]: row for row in rows}
    assert len(latest) == 156  # two of them joint returns: "940 / 941", "314 / 318"
    found = set()
    for row in latest.values():
        parts = zip(*(split_joint(row[column])
                      for column in ("old_la_code", "new_la_code", "la_name")), strict=True)
        for old, new, name in parts:
            council = lookup(old)
            assert lookup(new) is council
            assert (council.old_code, council.new_code, council.name, council.region_code,
                    council.region_name) == (old, new, name, row["region_code"],
                                             row["region_name"])
            found.add(new)
    assert found == set(authorities())
    assert len(found) == 158
    # Every year's new code finds the council, a code it has since left included.
    for row in rows:
        for old, new in zip(split_joint(row["old_la_code"]), split_joint(row["new_la_code"]),
                            strict=True):
            assert lookup(new).old_code == old


def test_codes_changed_joint_returns_and_london_as_published() -> None:
    barnsley = lookup("370")
    assert (barnsley.new_code, barnsley.former_codes) == ("E08000038", ("E08000016",))
    assert lookup("E08000016") is barnsley
    assert lookup("815").former_codes == ("E10000023",)  # North Yorkshire
    assert lookup(" e08000001\n") is lookup("350 ") is authorities()["E08000001"]
    north, west = lookup("940"), lookup("941")
    assert (north.name, west.name) == ("North Northamptonshire", "West Northamptonshire")
    assert north.joint_return == west.joint_return == ("940", "941")
    assert lookup("318").joint_return == ("314", "318")
    assert lookup("350").joint_return == ()
    # The indicators' regions: London's boroughs are in Inner or Outer London.
    assert (lookup("318").region_code, lookup("318").region_name) == ("E13000002",
                                                                      "Outer London")
    assert lookup("201").region_name == "Inner London"
    assert (lookup("350").region_code, lookup("350").region_name) == ("E12000002", "North West")


@pytest.mark.parametrize(("code", "says"), [
    ("999", "give the DfE's three-digit LA code (350) or the nine-character ONS code"),
    ("E99999999", "data/reference/authorities.yaml lists every council"),
    ("", "give the DfE's three-digit LA code"),
    ("bolton", "Bolton is 350 (E08000001)"),
    ("Dorset", "Dorset is 835 (E10000009, abolished after 2018); Dorset is 838 (E06000059)"),
    ("940 / 941", "a joint return's: look up each council, 940 or 941"),
])
def test_an_unknown_code_says_how_to_find_the_right_one(code: str, says: str) -> None:
    with pytest.raises(UnknownAuthority) as raised:
        lookup(code)
    assert str(raised.value).startswith(f"{code!r} is not the code of an English council")
    assert says in str(raised.value)
    assert isinstance(raised.value, LookupError)


# ---- statistical neighbours ---------------------------------------------------------------


def test_each_council_of_the_model_has_its_ten_neighbours_in_the_dfe_order() -> None:
    rows = _rows(NEIGHBOURS)
    assert len(rows) == 153
    for row in rows:
        council = lookup(row["old_la_code"])
        assert [(n.old_code, n.closeness) for n in council.neighbours] == [
            (row[f"SN_{n}"], row[f"SN_{n}P"].strip()) for n in range(1, 11)]
        for neighbour in council.neighbours:
            other = lookup(neighbour.old_code)
            assert (neighbour.new_code, neighbour.name) == (other.new_code, other.name)
            assert other.neighbours
        assert council.neighbours_note is None
    closeness = {n.closeness for a in authorities().values() for n in a.neighbours}
    assert closeness == {"Extremely close", "Very close", "Close", "Somewhat close",
                         "Not close"}


def test_a_council_without_neighbours_says_so() -> None:
    assert {a.old_code for a in authorities().values() if not a.neighbours} == ABOLISHED
    assert {a.old_code for a in authorities().values() if a.last_year} == ABOLISHED
    cumbria = lookup("909")
    assert cumbria.neighbours == ()
    assert cumbria.neighbours_note == (
        "Cumbria (909) has no statistical neighbours: the DfE's statistical neighbour model "
        "does not include it; the council has been abolished, its last published figures "
        "being for 2022")
    assert lookup("942").name == "Cumberland"
    assert lookup("942").last_year is None


# ---- the shipped file and its refresh -----------------------------------------------------


def test_the_shipped_file_is_what_the_published_files_give(tmp_path: Path) -> None:
    shipped = source()
    assert shipped.path == REFERENCE_FILE
    assert [f.name for f in shipped.files] == [INDICATORS.name, NEIGHBOURS.name]
    for recorded, path in zip(shipped.files, (INDICATORS, NEIGHBOURS), strict=True):
        assert recorded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        # The project's own copy, for a machine without ../shared.
        assert (OWN_BENCHMARKS / path.name).read_bytes() == path.read_bytes()
    assert "Open Government Licence v3.0" in shipped.licence
    copy = tmp_path / "authorities.yaml"
    copy.write_bytes(REFERENCE_FILE.read_bytes())
    assert refresh(INDICATORS, NEIGHBOURS, copy) == copy
    assert copy.read_bytes() == REFERENCE_FILE.read_bytes()  # built date kept
    fresh = refresh(INDICATORS, NEIGHBOURS, tmp_path / "new" / "authorities.yaml")
    assert fresh.read_text(encoding="utf-8").replace(
        f"built: {dt.date.today()}", f"built: {shipped.built}"
    ) == REFERENCE_FILE.read_text(encoding="utf-8")


def test_refresh_writes_changed_data_and_refuses_files_that_do_not_fit(tmp_path: Path) -> None:
    text = NEIGHBOURS.read_text(encoding="utf-8-sig")
    changed = tmp_path / "sn_model_2026_wide.csv"
    changed.write_text(text.replace("302,Barnet,3,London,320,Close ,",
                                    "302,Barnet,3,London,320,Very close,"), encoding="utf-8")
    out = tmp_path / "authorities.yaml"
    out.write_bytes(REFERENCE_FILE.read_bytes())
    refresh(INDICATORS, changed, out)
    assert authorities(out)["E09000003"].neighbours[0].closeness == "Very close"
    assert source(out).built == dt.date.today()
    assert source(out).files[1].name == changed.name

    unknown = tmp_path / "unknown.csv"
    unknown.write_text(text.replace("302,Barnet,3,London,320,", "302,Barnet,3,London,999,"),
                       encoding="utf-8")
    with pytest.raises(ValueError, match="302's row names 999, which the indicators file"):
        refresh(INDICATORS, unknown, tmp_path / "refused.yaml")
    with pytest.raises(ValueError, match=r"no column SN_1, SN_1P, .*; is it the right file"):
        refresh(INDICATORS, INDICATORS, tmp_path / "refused.yaml")
    assert not (tmp_path / "refused.yaml").exists()


def test_the_refresh_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "authorities.yaml"
    out.write_bytes(REFERENCE_FILE.read_bytes())
    assert main(["reference", "refresh", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"{out}: unchanged; 158 councils, 153 with statistical neighbours" in said
    assert out.read_bytes() == REFERENCE_FILE.read_bytes()
    assert main(["reference", "refresh", "--indicators", str(INDICATORS), "--neighbours",
                 str(NEIGHBOURS), "--out", str(tmp_path / "other.yaml")]) == 0
    assert f"{tmp_path / 'other.yaml'}: written;" in capsys.readouterr().out


def test_without_the_shared_folder_the_project_copies_are_the_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from workforce.comparisons import authorities as module

    monkeypatch.setattr(module, "SHARED_BENCHMARKS", tmp_path / "no-shared")
    assert module.default_source("indicators") == OWN_BENCHMARKS / INDICATORS.name
    assert module.default_source("neighbours") == OWN_BENCHMARKS / NEIGHBOURS.name
    monkeypatch.setattr(module, "OWN_BENCHMARKS", tmp_path)
    with pytest.raises(FileNotFoundError, match=r"no sn_model_\*_wide\.csv in "):
        module.default_source("neighbours")


# ---- published figures by geography -------------------------------------------------------


def test_published_figures_of_every_region_and_council_are_the_rows_of_the_file() -> None:
    figures = published()
    rows = _rows(benchmarks_path())
    assert figures.england is england()
    assert figures.england.name == "England"
    regional = [r for r in rows if r["geographic_level"] == "Regional"]
    assert set(figures.regions) == {r["region_code"] for r in regional}
    assert {"E12000007", "E13000001", "E13000002"} <= set(figures.regions)  # London, both ways
    for row in regional:
        region = figures.region(row["region_code"])
        assert region is not None
        assert region.name == row["region_name"]
        assert region.by_year[int(row["time_period"])] == {
            kpi: _number(row[column]) for kpi, column in COLUMNS.items()}
    north_west = figures.region(" e12000002 ")
    assert north_west is not None
    assert north_west.by_year[2025]["vacancy_rate"] == 15.7
    missing = 0
    for row in _councils_rows():
        for old in split_joint(row["old_la_code"]):
            council = figures.council(lookup(old).new_code)
            assert council is not None
            assert council.name == row["la_name"]
            year = council.by_year[int(row["time_period"])]
            for kpi, column in COLUMNS.items():
                assert year[kpi] == _number(row[column])  # c, u, x, z, low: None, never 0
                missing += year[kpi] is None
    assert missing > 0
    assert all(figures.council(code) is not None for code in authorities())
    assert figures.region("E99999999") is None
    assert figures.council("E99999999") is None


def test_published_figures_under_a_council_s_current_code() -> None:
    figures = published()
    barnsley = figures.council("E08000038")
    assert barnsley is not None
    assert sorted(barnsley.by_year) == list(range(2017, 2026))  # to 2024 as E08000016
    assert figures.council("e08000016") is barnsley
    assert "E08000016" not in figures.councils
    joint = figures.council("E06000061")
    assert joint is figures.council("E06000062")
    assert joint is not None
    assert joint.name == "North Northamptonshire / West Northamptonshire"
    bolton = figures.council("E08000001")
    assert bolton is not None
    assert bolton.name == "Bolton"
    assert bolton.latest_year == 2025
