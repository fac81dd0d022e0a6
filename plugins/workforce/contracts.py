"""The four monthly extract contracts, declared once.

Validation, the loader and ``docs/extract-contracts.md`` all read these declarations, so a
column, code or rule added here is checked, loaded and documented with no second edit.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# The model is re-exported: a caller takes the contracts and the classes they are made of from
# this one module.
from workforce.contract_model import (
    TYPE_DESCRIPTIONS,  # noqa: F401 (re-exported)
    Bound,
    Column,
    ColumnType,
    Contract,
    Reference,
    RowRule,
    Severity,
    Typed,
)

ROLES = (
    "social_worker",
    "senior_social_worker",
    "advanced_practitioner",
    "team_manager",
    "service_manager",
    "senior_manager",
    "other",
)
LEAVING_REASONS = (
    "resignation",
    "retirement",
    "dismissal",
    "end_of_contract",
    "redundancy",
    "transfer",
    "other",
    "unknown",
)
CONTRACT_TYPES = ("permanent", "fixed_term")
POST_STATUSES = ("active", "frozen", "deleted")
WORKER_TYPES = ("employee", "agency")
RETENTION_OPTIONS = ("lump_sum", "instalments")
GENDERS = ("female", "male", "other", "not_known")
# The DfE's CSWW census codes, as in the schemas' code lists (data/csww/*.xsd; checked against
# them by tests/test_census_export.py): a council maps its own values with value_mapping.
QUALIFICATION_LEVELS = ("1", "2", "3")  # QualLevel: under-graduate, post-graduate, other
START_ORIGINS = tuple(str(n) for n in range(1, 11))  # StartOrigin
LEAVER_DESTINATIONS = tuple(str(n) for n in range(1, 10))  # LeaverDestination
REASONS_LEAVE = tuple(str(n) for n in range(1, 11))  # ReasonLeave
# ReasonAbsence, in lower case as every code here (the export writes the DfE's upper case).
REASONS_ABSENCE = ("mat", "oth", "pub", "sic", "trn", "una", "unp")

# Above these a value is possible but worth a second look.
CASELOAD_WARNING = 40
CHARGE_RATE_WARNING_GBP = 120
MONTHLY_SICKNESS_DAYS_MAX = 23  # working days in the longest month


def _not_before(columns: Mapping[str, Typed], later: str, earlier: str) -> np.ndarray:
    """``later`` on or after ``earlier``; a rule only judges rows where both dates are present,
    and a missing date (NaT) compares False."""
    return ~(columns[later] < columns[earlier])


def _leave_not_before_start(columns: Mapping[str, Typed], _end: np.datetime64) -> np.ndarray:
    return _not_before(columns, "leave_date", "service_start_date")


def _role_start_not_before_service_start(columns: Mapping[str, Typed], _end: np.datetime64
                                         ) -> np.ndarray:
    return _not_before(columns, "role_start_date", "service_start_date")


def _reason_given_for_leaver(columns: Mapping[str, Typed], _end: np.datetime64) -> np.ndarray:
    leaver = ~np.isnat(columns["leave_date"])
    return ~(leaver & pd.isna(columns["leaving_reason"]))


def _reason_only_for_leaver(columns: Mapping[str, Typed], _end: np.datetime64) -> np.ndarray:
    leaver = ~np.isnat(columns["leave_date"])
    return ~(~leaver & ~pd.isna(columns["leaving_reason"]))


def _line_cost_matches(columns: Mapping[str, Typed], _end: np.datetime64) -> np.ndarray:
    # Money is held in pence; the rate × hours product is rounded to the penny, 1p tolerance.
    # A missing input is NaN, which compares False, so the row is not judged.
    hours, rate, cost = (columns[c].to_numpy(dtype="float64", na_value=np.nan)
                         for c in ("hours", "charge_rate_gbp", "line_cost_gbp"))
    with np.errstate(invalid="ignore"):  # inf × 0 is NaN: unknown, as pandas has it
        return ~(np.abs(cost - np.round(hours * rate)) > 1)


def _employee_fte_at_most_one(columns: Mapping[str, Typed], end: np.datetime64) -> np.ndarray:
    # Summed per employee over the assignments in post at the month end (a missing FTE counts
    # as 0); a row without an employee is not judged.
    leave = columns["leave_date"]
    in_post = np.isnat(leave) | (leave > end)
    fte = columns["fte"].to_numpy(dtype="float64", na_value=0.0)
    employee = pc.dictionary_encode(pa.array(columns["employee_id"])).indices
    known = employee.is_valid().to_numpy(zero_copy_only=False)
    group = employee.fill_null(0).to_numpy(zero_copy_only=False)
    total = np.bincount(group, weights=np.where(in_post & known, fte, 0.0))[group]
    return ~(in_post & known & (total > 1 + 1e-9))


def _placement_start_not_after_week(columns: Mapping[str, Typed], _end: np.datetime64
                                    ) -> np.ndarray:
    return _not_before(columns, "week_ending", "placement_start_date")


HR_STAFF = Contract(
    kind="hr_staff",
    description="HR/payroll extract: everyone in post at any time in the month.",
    grain="one row per employee assignment in post at the month end, plus assignments that "
    "ended in the month (leavers carry their leave date)",
    key=("employee_id", "post_id"),
    min_rows=1,
    columns=(
        Column("employee_id", ColumnType.ID, "Employee number (pseudonymised in the warehouse)."),
        Column("post_id", ColumnType.ID, "Establishment post held by this assignment."),
        Column("team_code", ColumnType.ID, "Team of the post."),
        Column("role", ColumnType.CODE, "Role of the assignment.", codes=ROLES),
        Column("grade", ColumnType.TEXT, "Pay grade as the council names it.", required=False),
        Column(
            "fte",
            ColumnType.NUMBER,
            "Contracted hours ÷ standard full-time hours.",
            bound=Bound(0, 1, low_inclusive=False),
        ),
        Column(
            "contract_type", ColumnType.CODE, "Permanent or fixed term.", codes=CONTRACT_TYPES
        ),
        Column("qualified_sw", ColumnType.FLAG, "Registered children and family social worker."),
        Column("case_holding", ColumnType.FLAG, "Holds cases at the month end."),
        Column("service_start_date", ColumnType.DATE, "Start of continuous service."),
        Column("role_start_date", ColumnType.DATE, "Start in this role.", required=False),
        Column(
            "leave_date",
            ColumnType.DATE,
            "Last day of service, blank if in post. A date after the month end (notice given) "
            "is in post at the month end and leaves in the month the date falls in.",
            required=False,
            not_after_period_end=False,
        ),
        Column(
            "leaving_reason",
            ColumnType.CODE,
            "Reason for leaving, blank if in post.",
            required=False,
            codes=LEAVING_REASONS,
        ),
        Column(
            "sickness_days",
            ColumnType.NUMBER,
            "Working days lost to sickness in the month (FTE days).",
            required=False,
            bound=Bound(0, 31),
            warn_bound=Bound(0, MONTHLY_SICKNESS_DAYS_MAX),
        ),
        Column(
            "birth_date",
            ColumnType.DATE,
            "Date of birth: stored only as an age band.",
            required=False,
            personal=True,
        ),
        Column(
            "gender",
            ColumnType.CODE,
            "Gender.",
            required=False,
            codes=GENDERS,
            personal=True,
        ),
        Column("ethnicity", ColumnType.TEXT, "Ethnicity.", required=False, personal=True),
        Column(
            "retention_option",
            ColumnType.CODE,
            "Retention payment option chosen, blank if none.",
            required=False,
            codes=RETENTION_OPTIONS,
        ),
        # For the DfE's census return only: read from the landed file at export, not stored.
        Column("swe_number", ColumnType.ID, "Social Work England registration number "
               "(census SWENo): never stored.", required=False, personal=True, stored=False),
        Column("qualifying_institution", ColumnType.TEXT, "Institution the social work "
               "qualification was gained at (census QualInst, to 2024).", required=False,
               stored=False),
        Column("qualification_level", ColumnType.CODE, "Level of the social work "
               "qualification (census QualLevel): 1 under-graduate, 2 post-graduate, 3 other.",
               required=False, codes=QUALIFICATION_LEVELS, stored=False),
        Column("step_up_grad", ColumnType.FLAG, "Qualified through Step Up to Social Work "
               "(census StepUpGrad).", required=False, stored=False),
        Column("frontline_grad", ColumnType.FLAG, "Qualified through Frontline (census "
               "FrontlineGrad).", required=False, stored=False),
        Column("start_origin", ColumnType.CODE, "Where the worker came from (census "
               "StartOrigin, the DfE's codes 1-10).", required=False, codes=START_ORIGINS,
               stored=False),
        Column("leaver_destination", ColumnType.CODE, "Where a leaver went (census "
               "LeaverDestination, the DfE's codes 1-9), blank if in post.", required=False,
               codes=LEAVER_DESTINATIONS, stored=False),
        Column("reason_leave", ColumnType.CODE, "The DfE's reason for leaving (census "
               "ReasonLeave, codes 1-10); blank: mapped from leaving_reason.", required=False,
               codes=REASONS_LEAVE, stored=False),
        Column("absent_at_30_sept", ColumnType.FLAG, "Absent from work at the month end "
               "(census Absat30Sept, read from September's extract).", required=False,
               stored=False),
        Column("reason_absence", ColumnType.CODE, "Reason for that absence (census "
               "ReasonAbsence).", required=False, codes=REASONS_ABSENCE, stored=False),
        Column("base_salary_gbp", ColumnType.MONEY, "Base annual salary at full time (census "
               "BaseSalary, 2025 on).", required=False, bound=Bound(0), personal=True,
               stored=False),
    ),
    rules=(
        RowRule(
            "leave_not_before_start",
            "leave_date",
            "leave date on or after service_start_date",
            _leave_not_before_start,
        ),
        RowRule(
            "role_start_not_before_service_start",
            "role_start_date",
            "role start date on or after service_start_date",
            _role_start_not_before_service_start,
            Severity.WARNING,
        ),
        RowRule(
            "employee_fte_at_most_one",
            "fte",
            "an employee's FTE summed over assignments in post at the month end ≤ 1",
            _employee_fte_at_most_one,
        ),
        RowRule(
            "reason_given_for_leaver",
            "leaving_reason",
            "a leaving reason for every leaver",
            _reason_given_for_leaver,
            Severity.WARNING,
        ),
        RowRule(
            "reason_only_for_leaver",
            "leaving_reason",
            "no leaving reason without a leave date",
            _reason_only_for_leaver,
            Severity.WARNING,
        ),
    ),
)

ESTABLISHMENT = Contract(
    kind="establishment",
    description="Finance establishment: the budgeted posts.",
    grain="one row per budgeted post",
    key=("post_id",),
    min_rows=1,
    columns=(
        Column("post_id", ColumnType.ID, "Post number."),
        Column("team_code", ColumnType.ID, "Team the post belongs to."),
        Column("team_name", ColumnType.TEXT, "Team name as shown in reports."),
        Column("service_area", ColumnType.TEXT, "Service area, e.g. Child Protection."),
        Column("role", ColumnType.CODE, "Role the post is budgeted for.", codes=ROLES),
        Column("grade", ColumnType.TEXT, "Budgeted grade.", required=False),
        Column(
            "budgeted_fte",
            ColumnType.NUMBER,
            "Budgeted FTE.",
            bound=Bound(0, 1, low_inclusive=False),
        ),
        Column(
            "annual_cost_gbp",
            ColumnType.MONEY,
            "Annual budgeted cost of the post incl. on-costs.",
            bound=Bound(0),
        ),
        Column("funded", ColumnType.FLAG, "Post is funded in the budget."),
        Column("status", ColumnType.CODE, "Post status.", codes=POST_STATUSES),
    ),
)

AGENCY_SPEND = Contract(
    kind="agency_spend",
    description="Agency managed-service provider's timesheet export.",
    grain="one row per agency timesheet or invoice line",
    key=("line_id",),
    columns=(
        Column("line_id", ColumnType.ID, "Timesheet or invoice line number."),
        Column("worker_ref", ColumnType.ID, "Agency worker reference."),
        Column("supplier", ColumnType.TEXT, "Agency supplying the worker."),
        Column("team_code", ColumnType.ID, "Team the worker is placed in."),
        Column("role", ColumnType.CODE, "Role covered.", codes=ROLES),
        Column(
            "post_id",
            ColumnType.ID,
            "Establishment post covered; blank means over establishment.",
            required=False,
        ),
        Column("week_ending", ColumnType.DATE, "Last day of the timesheet week."),
        Column("hours", ColumnType.NUMBER, "Hours worked in the week.", bound=Bound(0, 84)),
        Column(
            "charge_rate_gbp",
            ColumnType.MONEY,
            "Hourly charge rate, net of VAT.",
            bound=Bound(0),
            warn_bound=Bound(0, CHARGE_RATE_WARNING_GBP),
        ),
        Column("line_cost_gbp", ColumnType.MONEY, "Line cost, net of VAT.", bound=Bound(0)),
        Column("placement_start_date", ColumnType.DATE, "Start of the current placement."),
        Column("qualified_sw", ColumnType.FLAG, "Worker is a qualified social worker."),
        Column("swe_number", ColumnType.ID, "The worker's Social Work England registration "
               "number (census SWENo): never stored.", required=False, personal=True,
               stored=False),
        Column("qualifying_institution", ColumnType.TEXT, "Institution the worker's social "
               "work qualification was gained at (census QualInst, to 2024).", required=False,
               stored=False),
    ),
    rules=(
        RowRule(
            "line_cost_matches",
            "line_cost_gbp",
            "line_cost_gbp = hours × charge_rate_gbp to within 1p",
            _line_cost_matches,
        ),
        RowRule(
            "placement_start_not_after_week",
            "placement_start_date",
            "placement start on or before week_ending",
            _placement_start_not_after_week,
        ),
    ),
)

CASELOADS = Contract(
    kind="caseloads",
    description="Case-management system: open cases per case-holding worker.",
    grain="one row per case-holding worker at the month end",
    key=("worker_type", "worker_ref"),
    columns=(
        Column("worker_ref", ColumnType.ID, "employee_id or agency worker_ref."),
        Column("worker_type", ColumnType.CODE, "Employee or agency.", codes=WORKER_TYPES),
        Column(
            "open_cases",
            ColumnType.INTEGER,
            "Open cases at the month end.",
            bound=Bound(0),
            warn_bound=Bound(0, CASELOAD_WARNING),
        ),
        Column("cp_cases", ColumnType.INTEGER, "Child protection cases.", False, bound=Bound(0)),
        Column("cla_cases", ColumnType.INTEGER, "Children looked after.", False, bound=Bound(0)),
        Column("cin_cases", ColumnType.INTEGER, "Children in need cases.", False, bound=Bound(0)),
    ),
)

CONTRACTS: dict[str, Contract] = {
    c.kind: c for c in (HR_STAFF, ESTABLISHMENT, AGENCY_SPEND, CASELOADS)
}
KINDS: tuple[str, ...] = tuple(CONTRACTS)

REFERENCES: tuple[Reference, ...] = (
    Reference("hr_staff", "post_id", "establishment", "post_id"),
    Reference("hr_staff", "team_code", "establishment", "team_code"),
    Reference("agency_spend", "post_id", "establishment", "post_id"),
    Reference("agency_spend", "team_code", "establishment", "team_code"),
    Reference(
        "caseloads", "worker_ref", "hr_staff", "employee_id", when=("worker_type", "employee")
    ),
    Reference(
        "caseloads", "worker_ref", "agency_spend", "worker_ref", when=("worker_type", "agency")
    ),
)

# Headers that look like a person's name are refused outright: names are never accepted.
NAME_HEADER_PATTERN = (
    r"^(names?|surname|forenames?|initials"
    r"|(first|last|sur|fore|given|middle|family|full|preferred|maiden|known_as"
    r"|worker|employee|staff|person|social_worker|candidate|contractor|locum|agency_worker)"
    r"_?names?)$"
)

AGE_BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 19),
    (20, 29),
    (30, 39),
    (40, 49),
    (50, 59),
    (60, None),
)
