"""What the command modules share: the ``YYYY-MM`` argument type, the warehouse a command
works on, and printing a validation's findings."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from workforce.findings import Finding
from workforce.periods import Period

if TYPE_CHECKING:
    from sqlalchemy import Engine


def period_argument(text: str) -> Period:
    """A ``YYYY-MM`` option's value; a malformed one is argparse's usage error (exit 2)."""
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def checked_warehouse(args: argparse.Namespace, create: bool = True) -> Engine:
    """The warehouse named by ``--warehouse``, checked to be at this code's schema revision
    (``WarehouseOutOfDate`` otherwise); an empty one is created unless ``create`` is off."""
    from workforce.warehouse import make_engine, require_current

    engine = make_engine(args.warehouse)
    require_current(engine, create=create)
    return engine


def print_findings(findings: list[Finding]) -> None:
    for finding in findings:
        print(finding)
