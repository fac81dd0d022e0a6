"""Per-authority settings read from ``config/<AUTHORITY>.yaml``.

Settings are validated on load (unknown keys and wrong types are refused with the file
named); an authority without a file runs on the documented defaults with a warning.
"""

from __future__ import annotations

import codecs
import datetime as dt
import logging
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from workforce.contracts import CONTRACTS, ROLES, ColumnType
from workforce.measures import CATALOGUE

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Beside the authorities' files, not one of them (workforce.partnerships).
PARTNERSHIPS_FILE = "partnerships.yaml"


class ConfigError(ValueError):
    """A settings file that cannot be used, with a sentence saying why."""


Role = Literal[ROLES]  # type: ignore[valid-type]


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RetentionScheme(_Settings):
    """The retention payment; defaults are the Manchester 2020 decision."""

    start_date: dt.date = dt.date(2020, 4, 1)
    eligible_roles: tuple[Role, ...] = ("social_worker",)
    qualifying_years: int = Field(default=2, ge=0)
    lump_sum_gbp: float = Field(default=2000, ge=0)
    # As the minute has it (3 × £666 = £1,998): configurable, never silently "corrected".
    instalments_gbp: tuple[float, ...] = (666, 666, 666)
    instalment_interval_months: int = Field(default=6, ge=1)
    default_option: Literal["lump_sum", "instalments"] = "lump_sum"


class FinancialYear(_Settings):
    """Budget settings for one financial year (April to March)."""

    vacancy_factor: float = Field(default=0.10, ge=0, lt=1)
    # None: the establishment extract's own budgeted cost is used.
    establishment_budget_gbp: float | None = Field(default=None, ge=0)
    agency_budget_gbp: float | None = Field(default=None, ge=0)
    scheme_budget_gbp: float | None = Field(default=None, ge=0)
    # Overrides the authority's market supplements for this year.
    market_supplements_gbp: dict[str, float] | None = None


class Target(_Settings):
    target: float
    # How far past the target is still amber, in the KPI's own unit.
    tolerance: float = Field(default=0, ge=0)


def _manchester_scheme_budget(year: int) -> float:
    return 2_335_000 if year <= 2020 else 2_061_000


DELIMITERS = (",", ";", "\t", "|")


class FileLayout(_Settings):
    """How one extract kind's file is named and laid out in a council's month folder; each
    setting overrides what is otherwise found from the file itself."""

    # A glob inside the month folder, e.g. "HR Staff Report *.xlsx" (default <kind>.csv/.xlsx).
    pattern: str | None = Field(default=None, min_length=1)
    sheet: str | None = Field(default=None, min_length=1)  # default: the first sheet
    header_row: int | None = Field(default=None, ge=1)  # default: found from the contract
    delimiter: str | None = None  # default: sniffed among , ; tab |
    encoding: str | None = None  # default: detected (UTF-8, UTF-16, Windows-1252)

    @field_validator("delimiter")
    @classmethod
    def _one_delimiter(cls, delimiter: str | None) -> str | None:
        if delimiter is not None and delimiter not in DELIMITERS:
            raise ValueError(f"{delimiter!r} is not a delimiter; expected one of "
                             f"{list(DELIMITERS)} (a tab as \"\\t\")")
        return delimiter

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, encoding: str | None) -> str | None:
        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise ValueError(f"{encoding!r} is not an encoding Python knows (e.g. utf-8, "
                                 "utf-16, cp1252)") from None
        return encoding


class ExtractSettings(_Settings):
    """What reading a council's extracts needs: its headers, its values for the contracts'
    codes, and its files' names and layouts, each keyed by extract kind."""

    # The council's own header → the canonical column name.
    column_mapping: dict[str, dict[str, str]] = Field(default_factory=dict)
    # Per code column: the council's value (case and surrounding spaces ignored) → the code.
    value_mapping: dict[str, dict[str, dict[str, str]]] = Field(default_factory=dict)
    files: dict[str, FileLayout] = Field(default_factory=dict)

    @field_validator("column_mapping")
    @classmethod
    def _mapping_targets_exist(cls, mapping: dict[str, dict[str, str]]) -> dict:
        for kind, renames in mapping.items():
            _check_kind(kind)
            unknown = sorted(set(renames.values()) - set(CONTRACTS[kind].column_names))
            if unknown:
                raise ValueError(f"{kind}: {unknown} are not columns of the {kind} contract")
        return mapping

    @field_validator("value_mapping")
    @classmethod
    def _values_map_to_codes(cls, mapping: dict[str, dict[str, dict[str, str]]]) -> dict:
        for kind, columns in mapping.items():
            _check_kind(kind)
            contract = CONTRACTS[kind]
            code_columns = [c.name for c in contract.columns if c.type is ColumnType.CODE]
            for name, values in columns.items():
                if name not in code_columns:
                    raise ValueError(f"{kind}.{name}: not a code column of {kind}; its code "
                                     f"columns are {code_columns}")
                codes = contract.column(name).codes
                seen: dict[str, tuple[str, str]] = {}
                for value, code in values.items():
                    if code not in codes:
                        raise ValueError(f"{kind}.{name}.{value!r}: {code!r} is not a {name} "
                                         f"code; expected one of {list(codes)}")
                    first, first_code = seen.setdefault(matching_key(value), (value, code))
                    if first_code != code:
                        raise ValueError(
                            f"{kind}.{name}: {first!r} ({first_code}) and {value!r} ({code}) "
                            "are the same value (case and surrounding spaces are ignored)")
        return mapping

    @field_validator("files")
    @classmethod
    def _file_kinds(cls, files: dict[str, FileLayout]) -> dict[str, FileLayout]:
        for kind in files:
            _check_kind(kind)
        return files

    def header_mapping(self, kind: str) -> dict[str, str]:
        return self.column_mapping.get(kind, {})

    def value_lookup(self, kind: str, column: str) -> dict[str, str]:
        """The council's values for a code column, keyed as cells are matched to them."""
        return {matching_key(value): code
                for value, code in self.value_mapping.get(kind, {}).get(column, {}).items()}

    def layout(self, kind: str) -> FileLayout:
        return self.files.get(kind, FileLayout())


def matching_key(text: str) -> str:
    """How a council's value is matched: case and surrounding spaces ignored."""
    return text.strip().casefold()


def _check_kind(kind: str) -> None:
    if kind not in CONTRACTS:
        raise ValueError(f"unknown extract kind {kind!r}; expected one of {list(CONTRACTS)}")


# The 2025 census's LA-level pay questions: each coded 0 no, 1 yes for all LA-employed social
# workers, 2 yes for some; OtherAllowances is free text.
PAY_QUESTIONS = ("RecruitmentBonus", "RetentionBonus", "PerformanceAward", "CarAllowance",
                 "RelocationPackage", "RegionalWeighting", "CostSWE", "CostDBS")
PAY_TEXT = "OtherAllowances"


class CensusSettings(_Settings):
    """What the DfE's CSWW census return needs that no extract holds (``census export``)."""

    lea: str | None = Field(default=None, pattern=r"^\d{3}$")  # the DfE's 3-digit LA code
    pay_questions: dict[str, str] = Field(default_factory=dict)  # 2025 on

    @field_validator("pay_questions", mode="before")
    @classmethod
    def _pay_answers(cls, answers: object) -> object:
        if not isinstance(answers, dict):
            return answers
        answers = {str(k): str(v) for k, v in answers.items()}
        for name, answer in answers.items():
            if name not in (*PAY_QUESTIONS, PAY_TEXT):
                raise ValueError(f"{name}: not a census pay question; expected one of "
                                 f"{', '.join((*PAY_QUESTIONS, PAY_TEXT))}")
            if name != PAY_TEXT and answer not in ("0", "1", "2"):
                raise ValueError(f"{name}: {answer!r}; expected 0 (no), 1 (yes, all) or 2 "
                                 "(yes, some)")
        return answers


class AuthorityConfig(ExtractSettings):
    code: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    name: str
    standard_weekly_hours: float = Field(default=37.0, gt=0, le=60)
    working_days: int = Field(default=253, gt=0, le=366)
    working_days_leap: int = Field(default=254, gt=0, le=366)  # a window holding 29 February
    caseload_threshold: int = Field(default=20, ge=0)
    retention_scheme: RetentionScheme = RetentionScheme()
    market_supplements_gbp: dict[str, float] = Field(
        default_factory=lambda: {"senior_social_worker": 5000, "team_manager": 5487}
    )
    on_cost_rate: float = Field(default=0, ge=0, le=1)
    # Keyed "2024-25"; when any year is given, every year computed must be given.
    financial_years: dict[str, FinancialYear] = Field(default_factory=dict)
    targets: dict[str, Target] = Field(default_factory=dict)
    census: CensusSettings = CensusSettings()
    # The DfE's code for the council (new nine-character, or old three-digit): its region,
    # statistical neighbours and published figures are looked up from it. Stored as the
    # new code; an unknown code is refused, never compared with someone else's figures.
    dfe_la_code: str | None = None

    @field_validator("dfe_la_code")
    @classmethod
    def _dfe_code(cls, code: str | None) -> str | None:
        if code is None:
            return None
        from workforce.comparisons.authorities import UnknownAuthority, lookup

        try:
            return lookup(code).new_code
        except UnknownAuthority as exc:
            raise ValueError(str(exc)) from None

    @model_validator(mode="after")
    def _census_code_agrees(self) -> AuthorityConfig:
        """A census LA code that is another council's DfE code would file this council's
        return under it."""
        if self.dfe_la_code is None or self.census.lea is None:
            return self
        from workforce.comparisons.authorities import UnknownAuthority, lookup

        try:
            lea = lookup(self.census.lea)
        except UnknownAuthority:
            return self  # not a DfE code (a test or sample council's own)
        if lea.new_code != self.dfe_la_code:
            raise ValueError(f"census.lea {self.census.lea} is {lea.name}'s code, but "
                             f"dfe_la_code {self.dfe_la_code} is another council's")
        return self

    @property
    def census_lea(self) -> str | None:
        """The census return's LA code: as set, else the DfE code's three-digit one."""
        if self.census.lea or self.dfe_la_code is None:
            return self.census.lea
        from workforce.comparisons.authorities import lookup

        return lookup(self.dfe_la_code).old_code

    @field_validator("financial_years")
    @classmethod
    def _year_keys(cls, years: dict[str, FinancialYear]) -> dict[str, FinancialYear]:
        for key in years:
            if not (re.fullmatch(r"\d{4}-\d{2}", key) and fy_label(int(key[:4])) == key):
                raise ValueError(f"financial year {key!r}: expected the form 2024-25")
        return years

    @field_validator("targets")
    @classmethod
    def _target_codes(cls, targets: dict[str, Target]) -> dict[str, Target]:
        unknown = sorted(set(targets) - set(CATALOGUE))
        if unknown:
            raise ValueError(f"{unknown} are not KPI codes (see docs/kpi-definitions.md)")
        return targets

    @field_validator("market_supplements_gbp")
    @classmethod
    def _supplement_roles(cls, supplements: dict[str, float]) -> dict[str, float]:
        check_roles(supplements)
        return supplements

    def financial_year(self, year: int) -> FinancialYear:
        """Settings for the financial year starting in April of ``year``."""
        label = fy_label(year)
        if label in self.financial_years:
            settings = self.financial_years[label]
        elif self.financial_years:
            raise ConfigError(
                f"settings for {self.code}: no financial_years entry for {label} "
                f"(have {', '.join(sorted(self.financial_years))})"
            )
        else:
            settings = FinancialYear()
        if settings.scheme_budget_gbp is None:
            settings = settings.model_copy(
                update={"scheme_budget_gbp": _manchester_scheme_budget(year)}
            )
        return settings

    def supplements(self, year: int) -> dict[str, float]:
        return self.financial_year(year).market_supplements_gbp or self.market_supplements_gbp


def check_roles(roles: Iterable[str]) -> None:
    """Settings keyed by role name only roles the contracts know."""
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise ValueError(f"{unknown} are not roles; expected some of {list(ROLES)}")


def fy_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def landing_root() -> Path:
    """Where councils' extract files land: ``ROOT/<authority>/<YYYY-MM>/<kind>.csv``."""
    return Path(os.environ.get("WORKFORCE_LANDING_ROOT", PROJECT_ROOT / "landing"))


def output_root() -> Path:
    """Where reports and published packs are written."""
    return Path(os.environ.get("WORKFORCE_OUTPUT_ROOT", PROJECT_ROOT / "output"))


def config_dir() -> Path:
    return Path(os.environ.get("WORKFORCE_CONFIG_DIR", PROJECT_ROOT / "config"))


def load_authority_config(code: str, directory: Path | None = None) -> AuthorityConfig:
    path = (directory or config_dir()) / f"{code}.yaml"
    if not path.exists():
        log.warning("No settings file %s: authority %s runs on the defaults", path, code)
        return AuthorityConfig(code=code, name=code)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    if raw.setdefault("code", code) != code:
        raise ConfigError(f"{path}: code {raw['code']!r} does not match the file name {code!r}")
    try:
        return AuthorityConfig(**raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from None


def configured_authorities(directory: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (directory or config_dir()).glob("*.yaml")
                  if p.name != PARTNERSHIPS_FILE)
