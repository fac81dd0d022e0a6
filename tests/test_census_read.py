"""The CSWW census reader: returns written here as XML text, one schema year at a time, then
broken one element at a time; every finding's line is checked against that text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from workforce.census import (
    LA_LEVEL_NAMES,
    CensusReturn,
    la_level_name,
    lea_authority,
    read_census,
    schema,
    schema_year,
)
from workforce.contracts import Severity
from workforce.findings import Finding

PAY_ITEMS = ("RecruitmentBonus", "RetentionBonus", "PerformanceAward", "CarAllowance",
             "RelocationPackage", "RegionalWeighting", "CostSWE", "CostDBS")


def census_xml(year: int, la_level: str | None = None, gender: str | None = None) -> str:
    """A valid return for ``year``: header, LA level, a case holder, an agency worker and a
    leaver. ``la_level`` and ``gender`` choose the spellings (default: the year's schema's)."""
    la_level = la_level or la_level_name(year)
    gender = gender or ("Sex" if year >= 2024 else "GenderCurrent")
    male, female = ("M", "F") if gender == "Sex" else ("1", "2")
    qual_inst = ["<QualInst>University of Bolton</QualInst>"] if year < 2025 else []
    pay = ([f"<{item}>{i % 3}</{item}>" for i, item in enumerate(PAY_ITEMS)]
           + ["<OtherAllowances>Parking permit</OtherAllowances>"]) if year >= 2025 else []
    salary = ["<BaseSalary>41000.50</BaseSalary>"] if year >= 2025 else []
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<Message>",
        "<Header>",
        "<CollectionDetails>",
        "<Collection>CSWW</Collection>",
        f"<Year>{year}</Year>",
        f"<ReferenceDate>{year}-09-30</ReferenceDate>",
        "</CollectionDetails>",
        "<Source>",
        "<SourceLevel>L</SourceLevel>",
        "<LEA>350</LEA>",
        "<SoftwareCode>Test</SoftwareCode>",
        f"<DateTime>{year}-10-15T09:30:00</DateTime>",
        "</Source>",
        "</Header>",
        f"<{la_level}>",
        "<NumberOfVacancies>12.5</NumberOfVacancies>",
        "<NoAgencyFTE>3.25</NoAgencyFTE>",
        "<NoAgencyHeadcount>4</NoAgencyHeadcount>",
        *pay,
        f"</{la_level}>",
        "<CSWWWorker>",
        "<AgencyWorker>0</AgencyWorker>",
        "<SWENo>SW1234567</SWENo>",
        "<FTE>1</FTE>",
        "<PersonBirthDate>1985-04-02</PersonBirthDate>",
        f"<{gender}>{female}</{gender}>",
        "<Ethnicity>WBRI</Ethnicity>",
        *qual_inst,
        "<QualLevel>1</QualLevel>",
        "<StepUpGrad>0</StepUpGrad>",
        "<OrgRole>5</OrgRole>",
        f"<RoleStartDate>{year - 3}-01-10</RoleStartDate>",
        "<StartOrigin>2</StartOrigin>",
        "<FTE30>1</FTE30>",
        "<Cases30>18</Cases30>",
        "<WorkingDaysLost>3.5</WorkingDaysLost>",
        "<FrontlineGrad>0</FrontlineGrad>",
        "<Absat30Sept>1</Absat30Sept>",
        "<ReasonAbsence>SIC</ReasonAbsence>",
        *salary,
        "</CSWWWorker>",
        "<CSWWWorker>",
        "<AgencyWorker>1</AgencyWorker>",
        "<SWENo>SW7654321</SWENo>",
        *qual_inst,
        "<FTE30>0.8</FTE30>",
        "<Cases30>12</Cases30>",
        "<ContractWeeks>26.0</ContractWeeks>",
        "</CSWWWorker>",
        "<CSWWWorker>",
        "<AgencyWorker>0</AgencyWorker>",
        "<SWENo>SW1122334</SWENo>",
        "<FTE>0</FTE>",
        "<PersonBirthDate>1990-11-23</PersonBirthDate>",
        f"<{gender}>{male}</{gender}>",
        "<Ethnicity>BAFR</Ethnicity>",
        *qual_inst,
        "<OrgRole>4</OrgRole>",
        "<RoleStartDate>2019-05-01</RoleStartDate>",
        "<StartOrigin>1</StartOrigin>",
        f"<RoleEndDate>{year}-03-31</RoleEndDate>",
        "<LeaverDestination>1</LeaverDestination>",
        "<ReasonLeave>1</ReasonLeave>",
        "<FTE30>0.6</FTE30>",
        "<WorkingDaysLost>0</WorkingDaysLost>",
        "</CSWWWorker>",
        "</Message>",
    ]
    return "\n".join(lines) + "\n"


def line_of(xml: str, text: str, occurrence: int = 1) -> int:
    """The line (from 1) of the ``occurrence``-th line holding ``text``."""
    lines = [n for n, line in enumerate(xml.splitlines(), 1) if text in line]
    return lines[occurrence - 1]


def replace_nth(xml: str, old: str, new: str, occurrence: int = 1) -> str:
    at = -1
    for _ in range(occurrence):
        at = xml.index(old, at + 1)
    return xml[:at] + new + xml[at + len(old):]


def read(tmp_path: Path, xml: str, strict: bool = False
         ) -> tuple[CensusReturn | None, list[Finding]]:
    path = tmp_path / "return.xml"
    path.write_text(xml, encoding="utf-8")
    return read_census(path, strict=strict)


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, [str(f) for f in findings]
    return findings[0]


def refused(tmp_path: Path, xml: str, strict: bool = False) -> Finding:
    census, findings = read(tmp_path, xml, strict)
    assert census is None
    finding = only(findings)
    assert finding.severity is Severity.ERROR
    return finding


# Valid returns


@pytest.mark.parametrize("year", [2021, 2022, 2023, 2024, 2025])
def test_a_valid_return_is_read_typed_with_no_findings(tmp_path: Path, year: int):
    xml = census_xml(year)
    assert schema(year).validate(etree.fromstring(xml.encode()))  # the helper's return is valid
    census, findings = read(tmp_path, xml)
    assert findings == []
    assert census is not None and census.findings == []
    assert (census.year, census.schema_year, census.lea) == (year, year, "350")
    assert census.reference_date == dt.date(year, 9, 30)
    assert census.path == tmp_path / "return.xml" and len(census.sha256) == 64

    la_level = census.la_level
    assert la_level.line == line_of(xml, f"<{la_level_name(year)}>")
    assert (la_level.vacancies_fte, la_level.agency_fte, la_level.agency_headcount) == (
        12.5, 3.25, 4)
    assert isinstance(la_level.agency_headcount, int)

    holder, agency, leaver = census.workers
    assert [w.line for w in census.workers] == [line_of(xml, "<CSWWWorker>", n)
                                                for n in (1, 2, 3)]
    assert holder.agency_worker is False and agency.agency_worker is True
    assert holder.swe_no == "SW1234567"
    assert holder.birth_date == dt.date(1985, 4, 2)
    assert (holder.sex, leaver.sex) == ("female", "male")
    assert (holder.ethnicity, holder.org_role, holder.start_origin) == ("WBRI", "5", "2")
    assert holder.role_start_date == dt.date(year - 3, 1, 10) and holder.role_end_date is None
    assert (holder.fte, holder.fte30, holder.cases30) == (1.0, 1.0, 18)
    assert isinstance(holder.fte, float) and isinstance(holder.cases30, int)
    assert holder.working_days_lost == 3.5
    assert (holder.absent_at_30_sept, holder.reason_absence) == (True, "SIC")
    assert (agency.fte, agency.fte30, agency.contract_weeks) == (None, 0.8, 26.0)
    assert agency.birth_date is None and agency.sex is None
    assert leaver.role_end_date == dt.date(year, 3, 31)
    assert (leaver.reason_leave, leaver.leaver_destination, leaver.fte) == ("1", "1", 0.0)
    if year >= 2025:
        assert la_level.pay == {**{item: str(i % 3) for i, item in enumerate(PAY_ITEMS)},
                                "OtherAllowances": "Parking permit"}
        assert holder.base_salary == 41000.5
    else:
        assert la_level.pay == {} and holder.base_salary is None
    assert holder.rr_payments is None and holder.other_payments is None


@pytest.mark.parametrize("year", [2017, 2020])
def test_a_return_before_2021_is_read_with_the_2021_schema(tmp_path: Path, year: int):
    census, findings = read(tmp_path, census_xml(year))
    assert findings == []
    assert census is not None
    assert (census.year, census.schema_year) == (year, 2021)
    assert census.reference_date == dt.date(year, 9, 30)


@pytest.mark.parametrize("spelling", LA_LEVEL_NAMES)
def test_2025_is_read_under_either_spelling_of_the_la_level(tmp_path: Path, spelling: str):
    census, findings = read(tmp_path, census_xml(2025, la_level=spelling))
    assert findings == []
    assert census is not None and census.la_level.agency_headcount == 4
    assert census.la_level.pay["OtherAllowances"] == "Parking permit"


@pytest.mark.parametrize("spelling", LA_LEVEL_NAMES)
def test_2021_to_2024_are_read_under_either_spelling_too(tmp_path: Path, spelling: str):
    census, findings = read(tmp_path, census_xml(2022, la_level=spelling))
    assert findings == [] and census is not None


@pytest.mark.parametrize("gender", ["Sex", "GenderCurrent"])
def test_2024_is_read_under_sex_or_gender_current(tmp_path: Path, gender: str):
    census, findings = read(tmp_path, census_xml(2024, gender=gender))
    assert findings == []
    assert census is not None
    assert [w.sex for w in census.workers] == ["female", None, "male"]


def test_2024_gender_current_keeps_not_known_and_not_specified(tmp_path: Path):
    xml = census_xml(2024, gender="GenderCurrent")
    xml = replace_nth(xml, "<GenderCurrent>2<", "<GenderCurrent>9<")
    xml = replace_nth(xml, "<GenderCurrent>1<", "<GenderCurrent>0<")
    census, findings = read(tmp_path, xml)
    assert findings == [] and census is not None
    assert [w.sex for w in census.workers] == ["not_specified", None, "not_known"]


def test_a_2024_gender_current_code_is_still_checked(tmp_path: Path):
    xml = replace_nth(census_xml(2024, gender="GenderCurrent"), "<GenderCurrent>2<",
                      "<GenderCurrent>5<")
    census, findings = read(tmp_path, xml)
    finding = only(findings)
    assert census is not None and census.findings == findings
    assert finding.severity is Severity.WARNING
    assert (finding.row, finding.column) == (line_of(xml, "<GenderCurrent>5<"), "GenderCurrent")
    assert "0, 1, 2, 9" in finding.message and "'5'" not in finding.message
    assert census.workers[0].sex is None


# Deviations kept as warnings, refused under --strict


def test_qual_inst_missing_is_a_warning_at_its_workers_line(tmp_path: Path):
    xml = replace_nth(census_xml(2023), "<QualInst>University of Bolton</QualInst>\n", "")
    census, findings = read(tmp_path, xml)
    finding = only(findings)
    assert (finding.row, finding.column, finding.severity) == (
        line_of(xml, "<CSWWWorker>"), "QualInst", Severity.WARNING)
    assert "QualInst: missing from CSWWWorker" in finding.message
    assert census is not None and census.findings == [finding]
    assert len(census.workers) == 3

    census, findings = read(tmp_path, xml, strict=True)
    assert census is None
    assert [(f.row, f.column, f.severity) for f in findings] == [
        (line_of(xml, "<CSWWWorker>"), "QualInst", Severity.ERROR)]


def test_a_missing_element_does_not_hide_a_bad_value_after_it(tmp_path: Path):
    # libxml2 alone stops checking a worker at the first element out of place.
    xml = replace_nth(census_xml(2023), "<QualInst>University of Bolton</QualInst>\n", "")
    xml = replace_nth(xml, "<OrgRole>5<", "<OrgRole>9<")
    xml = replace_nth(xml, "<FTE30>1<", "<FTE30>abc<")
    census, findings = read(tmp_path, xml)
    assert census is None
    assert sorted((f.row, f.column, f.severity) for f in findings) == [
        (line_of(xml, "<CSWWWorker>"), "QualInst", Severity.WARNING),
        (line_of(xml, "<OrgRole>9<"), "OrgRole", Severity.WARNING),
        (line_of(xml, "<FTE30>abc<"), "FTE30", Severity.ERROR),
    ]


def test_an_element_out_of_place_does_not_hide_a_bad_value_after_it(tmp_path: Path):
    xml = replace_nth(census_xml(2025), "<OrgRole>5</OrgRole>", "<QualInst>Keele</QualInst>")
    xml = replace_nth(xml, "<Cases30>18<", "<Cases30>18.5<")
    _, findings = read(tmp_path, xml)
    assert sorted((f.row, f.column, f.severity) for f in findings) == [
        (line_of(xml, "<QualInst>"), "QualInst", Severity.WARNING),
        (line_of(xml, "<Cases30>18.5<"), "Cases30", Severity.ERROR),
    ]
    assert "not an element of CSWWWorker in the 2025 schema" in findings[0].message


def test_a_bad_org_role_is_a_warning_unless_strict(tmp_path: Path):
    xml = replace_nth(census_xml(2022), "<OrgRole>5<", "<OrgRole>9<")
    census, findings = read(tmp_path, xml)
    finding = only(findings)
    assert (finding.row, finding.column, finding.severity) == (
        line_of(xml, "<OrgRole>9<"), "OrgRole", Severity.WARNING)
    assert finding.message == ("OrgRole: value '9' not valid; expected one of the codes "
                               "1, 2, 3, 4, 5, 6")
    assert census is not None and census.workers[0].org_role == "9"  # as in the return

    finding = refused(tmp_path, xml, strict=True)
    assert (finding.row, finding.column) == (line_of(xml, "<OrgRole>9<"), "OrgRole")


def test_a_pseudonymised_swe_no_is_a_warning_that_never_shows_it(tmp_path: Path):
    pseudonym = "PSEUDO-8f3a9c"
    xml = replace_nth(census_xml(2025), "<SWENo>SW7654321<", f"<SWENo>{pseudonym}<")
    census, findings = read(tmp_path, xml)
    finding = only(findings)
    assert (finding.row, finding.column, finding.severity) == (
        line_of(xml, pseudonym), "SWENo", Severity.WARNING)
    assert pseudonym not in str(finding) and "8f3a9c" not in str(finding)
    assert "expected text matching the pattern" in finding.message
    assert census is not None and census.workers[1].swe_no == pseudonym  # for the store


def test_no_personal_value_is_quoted(tmp_path: Path):
    xml = census_xml(2025)
    bad = {"<PersonBirthDate>1985-04-02<": "<PersonBirthDate>02/04/1985<",
           "<Ethnicity>WBRI<": "<Ethnicity>White British<",
           "<Sex>F<": "<Sex>Female<",
           "<BaseSalary>41000.50<": "<BaseSalary>£41,000<"}
    for old, new in bad.items():
        xml = replace_nth(xml, old, new)
    census, findings = read(tmp_path, xml)
    assert census is not None
    assert sorted(f.column for f in findings) == ["BaseSalary", "Ethnicity", "PersonBirthDate",
                                                  "Sex"]
    for finding in findings:
        assert finding.severity is Severity.WARNING
        for value in ("02/04/1985", "White British", "Female", "41,000"):
            assert value not in str(finding)
        assert "[personal data withheld]" in finding.message
    holder = census.workers[0]
    assert (holder.birth_date, holder.sex, holder.base_salary) == (None, None, None)


# Refused files


def test_a_year_with_no_schema_is_refused(tmp_path: Path):
    xml = census_xml(2025).replace("<Year>2025<", "<Year>2031<").replace(
        "2025-09-30", "2031-09-30")
    finding = refused(tmp_path, xml)
    assert (finding.row, finding.column) == (line_of(xml, "<Year>"), "Year")
    assert "2017–2025" in finding.message


def test_another_collection_is_refused(tmp_path: Path):
    xml = census_xml(2023).replace("<Collection>CSWW<", "<Collection>SWF<")
    finding = refused(tmp_path, xml)
    assert (finding.row, finding.column) == (line_of(xml, "<Collection>"), "Collection")
    assert "another collection" in finding.message


def test_malformed_xml_is_refused_at_the_parsers_line(tmp_path: Path):
    xml = replace_nth(census_xml(2023), "<FTE30>0.8</FTE30>", "<FTE30>0.8</FTE>")
    finding = refused(tmp_path, xml)
    assert finding.row == line_of(xml, "<FTE30>0.8</FTE>")
    assert finding.message.startswith("not well-formed XML")


def test_a_missing_la_level_is_refused(tmp_path: Path):
    xml = census_xml(2024)
    start, end = xml.index("<LALevelVacancies>"), xml.index("</LALevelVacancies>\n")
    xml = xml[:start] + xml[end + len("</LALevelVacancies>\n"):]
    finding = refused(tmp_path, xml)
    assert (finding.row, finding.column) == (line_of(xml, "<Message>"), "LALevelVacancies")
    assert "missing from Message" in finding.message


def test_a_missing_la_level_count_is_refused(tmp_path: Path):
    xml = census_xml(2025).replace("<NoAgencyHeadcount>4</NoAgencyHeadcount>\n", "")
    finding = refused(tmp_path, xml)
    assert (finding.row, finding.column) == (line_of(xml, "<LALevel>"), "NoAgencyHeadcount")


@pytest.mark.parametrize(("old", "new", "column"), [
    ("<FTE30>0.6<", "<FTE30>0,6<", "FTE30"),
    ("<FTE30>0.6<", "<FTE30>1.2<", "FTE30"),
    ("<RoleEndDate>2023-03-31<", "<RoleEndDate>2023-02-30<", "RoleEndDate"),
    ("<RoleStartDate>2019-05-01<", "<RoleStartDate>01/05/2019<", "RoleStartDate"),
    ("<AgencyWorker>1<", "<AgencyWorker>2<", "AgencyWorker"),
    ("<WorkingDaysLost>3.5<", "<WorkingDaysLost>3.555<", "WorkingDaysLost"),
    ("<NoAgencyFTE>3.25<", "<NoAgencyFTE>three<", "NoAgencyFTE"),
])
def test_an_unreadable_measure_value_is_refused(tmp_path: Path, old: str, new: str,
                                                column: str):
    xml = replace_nth(census_xml(2023), old, new)
    finding = refused(tmp_path, xml)
    assert (finding.row, finding.column) == (line_of(xml, new), column)
    assert finding.message.startswith(f"{column}: value '{new.split('>')[1][:-1]}' not valid; "
                                      "expected ")


def test_a_root_other_than_message_is_refused(tmp_path: Path):
    xml = census_xml(2023).replace("Message>", "Return>")
    finding = refused(tmp_path, xml)
    assert (finding.row, finding.column) == (2, "Return")


def test_a_return_with_no_year_is_refused(tmp_path: Path):
    xml = census_xml(2023).replace("<Year>2023</Year>\n", "").replace(
        "<ReferenceDate>2023-09-30</ReferenceDate>\n", "")
    finding = refused(tmp_path, xml)
    assert (finding.row, finding.column) == (line_of(xml, "<Header>"), "Year")


def test_the_year_comes_from_the_reference_date_when_the_header_has_none(tmp_path: Path):
    xml = census_xml(2023).replace("<Year>2023</Year>\n", "")
    census, findings = read(tmp_path, xml)
    assert findings == [] and census is not None and census.year == 2023


def test_a_reference_date_other_than_30_september_is_refused(tmp_path: Path):
    xml = census_xml(2023).replace("<ReferenceDate>2023-09-30<", "<ReferenceDate>2023-03-31<")
    finding = refused(tmp_path, xml)
    assert (finding.row, finding.column) == (line_of(xml, "<ReferenceDate>"), "ReferenceDate")


def test_entities_are_never_expanded(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do-not-read")
    xml = census_xml(2023).replace(
        "<Message>", f'<!DOCTYPE Message [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n<Message>')
    xml = xml.replace("<SoftwareCode>Test<", "<SoftwareCode>&x;<")
    finding = refused(tmp_path, xml)
    assert (finding.row, finding.column) == (line_of(xml, "<SoftwareCode>"), "SoftwareCode")
    assert "do-not-read" not in str(finding)


# Which council


def test_lea_codes_are_looked_up_in_the_dfe_codes():
    assert lea_authority("350") == ("E08000001", "Bolton")
    assert lea_authority("370") == ("E08000038", "Barnsley")  # the latest code
    assert lea_authority("999") is None


def test_schema_years():
    assert [schema_year(y) for y in (2017, 2020, 2021, 2024, 2025)] == [2021, 2021, 2021, 2024,
                                                                         2025]
    with pytest.raises(ValueError, match="2017–2025"):
        schema_year(2016)
    assert schema(2018) is schema(2021)
    assert (la_level_name(2024), la_level_name(2025)) == ("LALevelVacancies", "LALevel")
