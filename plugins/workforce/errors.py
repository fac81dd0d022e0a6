"""Refusals about the warehouse itself, each with a sentence saying what to do. Kept apart
from the modules that raise them so the command line can catch them without importing the
warehouse machinery."""


class WarehouseRefused(RuntimeError):
    """The warehouse cannot be used as it is; nothing was changed."""


class WarehouseOutOfDate(WarehouseRefused):
    """The warehouse's schema is not the one this code needs."""


class PseudonymKeyError(WarehouseRefused):
    """The pseudonym key is missing, or not the one the authority's pseudonyms were made with."""
