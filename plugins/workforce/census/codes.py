"""The monthly extracts' values as the DfE's CSWW census codes, for ``census export``.

The census-only columns of ``hr_staff`` (``qualification_level``, ``start_origin``, ...)
hold the DfE's codes already (a council maps its own words with ``value_mapping``); these
tables serve the columns the extracts had before: role, leaving reason, gender, ethnicity.
"""

from __future__ import annotations

from typing import Final

# Role → OrgRole (1 senior manager, 2 middle manager, 3 first line manager, 4 senior
# practitioner, 5 case holder, 6 qualified without cases); None: by whether they hold cases.
ORG_ROLES: Final[dict[str, str | None]] = {
    "senior_manager": "1",
    "service_manager": "2",
    "team_manager": "3",
    "advanced_practitioner": "4",
    "social_worker": None,
    "senior_social_worker": None,
    "other": None,
}
CASE_HOLDER, WITHOUT_CASES = "5", "6"

# leaving_reason → ReasonLeave (1 resignation, 2 voluntary redundancy, 3 compulsory
# redundancy, 4 dismissed, 5 retired, 6 deceased, 7 moved to a non-child and family social
# work role within the LA, 8 other, 9 not known). A redundancy is taken as compulsory, and a
# TUPE transfer out as other: a council that knows better gives `reason_leave` itself.
REASONS_LEAVE: Final[dict[str, str]] = {
    "resignation": "1",
    "redundancy": "3",
    "dismissal": "4",
    "retirement": "5",
    "end_of_contract": "8",
    "transfer": "8",
    "other": "8",
    "unknown": "9",
}

# gender → GenderCurrent (to 2023: 0 not known, 1 male, 2 female, 9 not specified) and Sex
# (2024 on: M, F only; any other gender is left out of the return).
GENDER_CURRENT: Final = {"male": "1", "female": "2", "other": "9", "not_known": "0"}
SEX: Final = {"male": "M", "female": "F"}

# The extract's ethnicity text (case and surrounding spaces ignored) → the DfE's code. The
# codes themselves are accepted too.
ETHNICITY_CODES: Final = ("WBRI", "WIRI", "WOTH", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
                          "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH",
                          "REFU", "NOBT")
ETHNICITIES: Final[dict[str, str]] = {
    **{code.lower(): code for code in ETHNICITY_CODES},
    "white british": "WBRI", "white - british": "WBRI",
    "white irish": "WIRI", "white - irish": "WIRI",
    "white other": "WOTH", "any other white background": "WOTH",
    "mixed white and black caribbean": "MWBC", "white and black caribbean": "MWBC",
    "mixed white and black african": "MWBA", "white and black african": "MWBA",
    "mixed white and asian": "MWAS", "white and asian": "MWAS",
    "mixed other": "MOTH", "any other mixed background": "MOTH",
    "asian indian": "AIND", "indian": "AIND",
    "asian pakistani": "APKN", "pakistani": "APKN",
    "asian bangladeshi": "ABAN", "bangladeshi": "ABAN",
    "asian other": "AOTH", "any other asian background": "AOTH",
    "black caribbean": "BCRB", "black african": "BAFR",
    "black other": "BOTH", "any other black background": "BOTH",
    "chinese": "CHNE",
    "any other ethnic group": "OOTH", "other ethnic group": "OOTH",
    "prefer not to say": "REFU", "refused": "REFU", "not stated": "REFU",
    "not known": "NOBT", "not yet obtained": "NOBT",
}


def ethnicity_code(text: object) -> str | None:
    if not isinstance(text, str) or not text:
        return None
    return ETHNICITIES.get(" ".join(text.split()).lower())
