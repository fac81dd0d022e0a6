"""The DfE's CSWW census returns: each council's XML, read and validated against its year's
schema (``read_census``), and its LA code looked up (``lea_authority``)."""

from workforce.census.read import (
    CensusLALevel,
    CensusReturn,
    CensusWorker,
    lea_authority,
    read_census,
)
from workforce.census.schemas import LA_LEVEL_NAMES, la_level_name, schema, schema_year

__all__ = [
    "LA_LEVEL_NAMES",
    "CensusLALevel",
    "CensusReturn",
    "CensusWorker",
    "la_level_name",
    "lea_authority",
    "read_census",
    "schema",
    "schema_year",
]
