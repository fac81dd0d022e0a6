"""The warehouse: facts by authority and month, with the lineage of every load."""

from workforce.warehouse.engine import default_url, make_engine, warehouse_url
from workforce.warehouse.lineage import LoadedFile, LoadedMonth, loaded_months
from workforce.warehouse.load import LoadResult, load_month
from workforce.warehouse.schema import create_schema

__all__ = [
    "LoadResult",
    "LoadedFile",
    "LoadedMonth",
    "create_schema",
    "default_url",
    "load_month",
    "loaded_months",
    "make_engine",
    "warehouse_url",
]
