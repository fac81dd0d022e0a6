"""Commands that write the project's own files rather than the warehouse: the extract
contracts' documentation (``docs``), a draft of a new council's settings (``onboard``) and
the councils' reference data (``reference refresh``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_docs(args: argparse.Namespace) -> int:
    from workforce.contract_docs import DOC_PATH, write_contract_docs

    write_contract_docs()
    print(f"Wrote {DOC_PATH}.")
    return 0


def cmd_onboard(args: argparse.Namespace) -> int:
    from workforce.onboarding import build_draft

    if args.out.exists() and not args.force:
        print(f"workforce onboard: {args.out} exists; pass --force to overwrite it",
              file=sys.stderr)
        return 2
    draft = build_draft(args.month_folder, args.authority)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(draft.text, encoding="utf-8")
    print(f"Wrote {args.out}, a draft of {args.authority}'s settings from {args.month_folder}.")
    for file in draft.files:
        kind = file.kind if file.kind and file.table is not None else f"not used: {file.problem}"
        print(f"  {file.path.name}: {kind}")
    headers, values = draft.headers, draft.values
    print(f"Headers mapped: {headers[0]} of {headers[1]}; code values placed: {values[0]} of "
          f"{values[1]} (each a guess to check).")
    print(f"Required columns not found: {', '.join(draft.missing) or 'none'}.")
    print(f"Next: edit {args.out}, save it as config/{args.authority}.yaml, then "
          f"`workforce validate {args.month_folder} --authority {args.authority}`.")
    return 0


def cmd_reference_refresh(args: argparse.Namespace) -> int:
    from workforce.comparisons.authorities import (
        REFERENCE_FILE,
        authorities,
        default_source,
        refresh,
        source,
    )

    out = args.out or REFERENCE_FILE
    before = out.read_bytes() if out.exists() else None
    indicators = args.indicators or default_source("indicators")
    neighbours = args.neighbours or default_source("neighbours")
    refresh(indicators, neighbours, out)
    councils = authorities(out).values()
    with_neighbours = sum(1 for council in councils if council.neighbours)
    state = "unchanged" if out.read_bytes() == before else "written"
    print(f"{out}: {state}; {len(councils)} councils, {with_neighbours} with statistical "
          f"neighbours; built {source(out).built} from {indicators} and {neighbours}.")
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``docs``, ``onboard``, then ``reference`` with its subcommand ``refresh``."""
    docs = commands.add_parser("docs", help="regenerate docs/extract-contracts.md")
    docs.set_defaults(run=cmd_docs)

    onboard = commands.add_parser(
        "onboard", help="draft a council's settings file from one raw month of its exports")
    onboard.add_argument("month_folder", type=Path, metavar="MONTH_FOLDER",
                         help="a folder holding one month's files as the council sent them")
    onboard.add_argument("--authority", required=True, help="authority code, e.g. MSY")
    onboard.add_argument("--out", type=Path, required=True, metavar="FILE",
                         help="the draft to write (YAML), to edit and save as "
                         "config/CODE.yaml")
    onboard.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    onboard.set_defaults(run=cmd_onboard)

    reference = commands.add_parser(
        "reference", help="the councils' codes, regions and statistical neighbours")
    reference_commands = reference.add_subparsers(dest="reference_command", required=True)
    reference_refresh = reference_commands.add_parser(
        "refresh", help="rebuild data/reference/authorities.yaml from the DfE's files")
    reference_refresh.add_argument(
        "--indicators", type=Path, metavar="CSV", help="the CSWW indicators "
        "(default: the latest csww_indicators_*.csv in ../shared/benchmarks, else data/benchmarks)")
    reference_refresh.add_argument(
        "--neighbours", type=Path, metavar="CSV", help="the statistical neighbour model "
        "(default: the latest sn_model_*_wide.csv, found the same way)")
    reference_refresh.add_argument("--out", type=Path, metavar="FILE",
                                   help="write here instead of the shipped file")
    reference_refresh.set_defaults(run=cmd_reference_refresh)
