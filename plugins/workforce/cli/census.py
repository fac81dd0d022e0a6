"""The ``census`` commands: ``import`` the DfE's annual CSWW returns into the warehouse and
``export`` an authority's return from it."""

from __future__ import annotations

import argparse
from pathlib import Path

from workforce.cli.shared import checked_warehouse, print_findings
from workforce.findings import summary


def cmd_census_import(args: argparse.Namespace) -> int:
    from workforce.census.read import read_census
    from workforce.census.store import import_census
    from workforce.config import load_authority_config

    engine = checked_warehouse(args)
    status = 0
    for path in args.files:
        census, findings = read_census(path, strict=args.strict)
        print_findings(findings)
        if census is None:
            print(f"{path}: refused ({summary(findings)}); the warehouse is unchanged.")
            status = 1
            continue
        authority = args.authority or _census_authority(census.lea)
        result = import_census(engine, census, authority, load_authority_config(authority))
        print(result.describe())
    return status


def cmd_census_export(args: argparse.Namespace) -> int:
    from workforce.census.export import export_census
    from workforce.config import landing_root

    result = export_census(checked_warehouse(args, create=False), args.authority, args.year,
                           args.out, args.extracts or landing_root())
    print(result.describe())
    if not result.written:
        print(f"{args.authority} census {args.year}: {result.mandatory_missing} mandatory "
              f"elements missing; no XML written (see {result.missing_path}).")
        return 1
    return 0


def _census_authority(lea: str) -> str:
    """The DfE's nine-character code of the header's three-digit LA code."""
    from workforce.census.read import lea_authority

    found = lea_authority(lea) if lea else None
    if found is None:
        raise ValueError(f"the return's LA code {lea or '(none)'} is not one of the DfE's: "
                         "pass --authority CODE")
    return found[0]


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``census`` with its subcommands ``import`` and ``export``."""
    census = commands.add_parser("census", help="the DfE's annual CSWW census returns")
    census_commands = census.add_subparsers(dest="census_command", required=True)
    census_import = census_commands.add_parser(
        "import", help="validate returns against their year's schema and store each as the "
        "authority's census year, with the DfE's measures at 30 September")
    census_import.add_argument("files", nargs="+", type=Path, metavar="FILE.xml")
    census_import.add_argument("--authority", help="authority code (default: the DfE code of "
                               "the header's LA code)")
    census_import.add_argument("--strict", action="store_true",
                               help="refuse a return on any deviation from its schema")
    census_import.add_argument("--warehouse", help="SQLAlchemy URL")
    census_import.set_defaults(run=cmd_census_import)
    census_export = census_commands.add_parser(
        "export", help="write the authority's return for a year's 30 September from the "
        "warehouse and the landed extracts, validated against the year's schema, with the "
        "gaps listed in FILE.missing.csv")
    census_export.add_argument("--year", type=int, required=True, help="collection year "
                               "(the September of the return), e.g. 2025")
    census_export.add_argument("--authority", required=True, help="authority code")
    census_export.add_argument("--out", type=Path, required=True, metavar="FILE.xml",
                               help="the return to write")
    census_export.add_argument("--extracts", type=Path, default=None,
                               help="landing root holding the months' extract files as loaded "
                               "(default: $WORKFORCE_LANDING_ROOT or landing/)")
    census_export.add_argument("--warehouse", help="SQLAlchemy URL")
    census_export.set_defaults(run=cmd_census_export)
