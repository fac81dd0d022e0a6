"""Authority settings per financial year: defaults, and clear errors for bad files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from workforce.config import ConfigError, configured_authorities, load_authority_config

PROJECT = Path(__file__).resolve().parents[1]


def write_settings(directory: Path, text: str, code: str = "ABC") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{code}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_the_documented_figures(tmp_path: Path) -> None:
    settings = load_authority_config("ABC", tmp_path)
    assert (settings.standard_weekly_hours, settings.working_days, settings.working_days_leap,
            settings.caseload_threshold) == (37, 253, 254, 20)
    scheme = settings.retention_scheme
    assert scheme.start_date == dt.date(2020, 4, 1)
    assert (scheme.lump_sum_gbp, scheme.instalments_gbp) == (2000, (666, 666, 666))
    assert settings.market_supplements_gbp == {"senior_social_worker": 5000,
                                               "team_manager": 5487}
    assert settings.financial_year(2020).scheme_budget_gbp == 2_335_000
    assert settings.financial_year(2024).scheme_budget_gbp == 2_061_000
    assert settings.financial_year(2024).vacancy_factor == 0.10


def test_a_full_settings_file(tmp_path: Path) -> None:
    write_settings(tmp_path, """
name: Example Council
working_days: 252
retention_scheme: {start_date: 2023-10-01, default_option: instalments}
financial_years:
  "2024-25":
    vacancy_factor: 0.08
    establishment_budget_gbp: 17000000
    agency_budget_gbp: 3500000
    market_supplements_gbp: {team_manager: 6000}
targets:
  vacancy_rate: {target: 15, tolerance: 2.5}
""")
    settings = load_authority_config("ABC", tmp_path)
    year = settings.financial_year(2024)
    assert (year.vacancy_factor, year.establishment_budget_gbp, year.agency_budget_gbp) == (
        0.08, 17_000_000, 3_500_000)
    assert year.scheme_budget_gbp == 2_061_000  # not set: the default for the year
    assert settings.supplements(2024) == {"team_manager": 6000}
    assert settings.targets["vacancy_rate"].tolerance == 2.5
    assert settings.retention_scheme.default_option == "instalments"


@pytest.mark.parametrize(("text", "message"), [
    ("name: X\nvacancy_factr: 0.1\n", "vacancy_factr: Extra inputs are not permitted"),
    ("name: X\nworking_days: many\n", "working_days: Input should be a valid integer"),
    ("name: X\nfinancial_years: {'2024-25': {vacancy_factor: 1.5}}\n",
     "financial_years.2024-25.vacancy_factor: Input should be less than 1"),
    ("name: X\nfinancial_years: {'2024': {}}\n", "financial year '2024': expected the form"),
    ("name: X\ntargets: {vacancy_rat: {target: 15}}\n", "['vacancy_rat'] are not KPI codes"),
    ("name: X\nmarket_supplements_gbp: {chief: 1}\n", "['chief'] are not roles"),
    ("name: X\nretention_scheme: {eligible_roles: [wizard]}\n",
     "retention_scheme.eligible_roles.0: Input should be"),
    ("name: [unclosed\n", "not valid YAML"),
])
def test_bad_settings_name_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = write_settings(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_authority_config("ABC", tmp_path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


def test_a_missing_financial_year_is_an_error_once_years_are_given(tmp_path: Path) -> None:
    write_settings(tmp_path, "name: X\nfinancial_years: {'2024-25': {vacancy_factor: 0.1}}\n")
    settings = load_authority_config("ABC", tmp_path)
    with pytest.raises(ConfigError, match=r"no financial_years entry for 2025-26 \(have 2024-25\)"):
        settings.financial_year(2025)


def test_the_projects_own_settings_files_are_valid() -> None:
    codes = configured_authorities(PROJECT / "config")
    assert codes
    for code in codes:
        settings = load_authority_config(code, PROJECT / "config")
        for year in settings.financial_years:
            settings.financial_year(int(year[:4]))
