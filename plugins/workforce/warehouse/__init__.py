"""The warehouse: facts by authority and month, with the lineage of every load."""

from workforce.warehouse.engine import default_url, make_engine, warehouse_url
from workforce.warehouse.lineage import LoadedFile, LoadedMonth, loaded_months
from workforce.warehouse.load import LoadResult, load_month
from workforce.warehouse.revisions import (
    WarehouseOutOfDate,
    require_current,
    upgrade_warehouse,
    warehouse_revision,
)

__all__ = [
    "LoadResult",
    "LoadedFile",
    "LoadedMonth",
    "WarehouseOutOfDate",
    "default_url",
    "load_month",
    "loaded_months",
    "make_engine",
    "require_current",
    "upgrade_warehouse",
    "warehouse_revision",
    "warehouse_url",
]
