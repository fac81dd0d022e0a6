"""The monthly pipeline's commands: ``sample`` extracts, ``validate`` and ``load`` months,
print their ``kpis``, list what is loaded (``status``) and render each ``report``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workforce.cli.shared import checked_warehouse, period_argument, print_findings
from workforce.findings import ExtractRejected, errors, summary
from workforce.periods import Period

DEFAULT_POSTS = 350  # the sample council's establishment


def cmd_validate(args: argparse.Namespace) -> int:
    from workforce.pipeline import validate_paths
    from workforce.synonyms import suggested_code
    from workforce.value_mapping import describe_unmapped

    months = validate_paths(args.paths, args.period, args.authority)
    findings = [f for month in months for f in month.findings]
    print_findings(findings)
    print(f"Validation: {summary(findings)}.")
    # The settings lines for every unmapped value at once, after the rows they stop.
    folder = args.paths[0].resolve()
    authority = args.authority or (folder if folder.is_dir() else folder.parent).parent.name
    for month in months:
        for line in describe_unmapped(month.unmapped, authority, suggested_code):
            print(line)
    return 1 if errors(findings) else 0


def cmd_load(args: argparse.Namespace) -> int:
    from workforce.kpis import compute_month
    from workforce.periods import period_range
    from workforce.pipeline import authorities_landed, load_authority_month

    engine = checked_warehouse(args)
    status = 0
    for period in period_range(args.period, args.to or args.period):
        authorities = [args.authority] if args.authority else authorities_landed(
            args.extracts, period
        )
        if not authorities:
            print(f"No authority has a {period} folder under {args.extracts}.", file=sys.stderr)
            status = 1
        for authority in authorities:
            try:
                result = load_authority_month(args.extracts, authority, period, engine)
            except ExtractRejected as rejected:
                print_findings(rejected.findings)
                print(f"{authority} {period}: rejected ({summary(rejected.findings)}); "
                      "the warehouse is unchanged.")
                for line in rejected.advice:
                    print(line)
                status = 1
                continue
            print(result.describe())
            if args.kpis:
                print(f"{authority} {period}: {len(compute_month(engine, authority, period))} "
                      "KPI values computed")
    return status


def cmd_sample(args: argparse.Namespace) -> int:
    from workforce.sample import write_authorities, write_sample

    if args.authorities is not None:
        if args.authorities < 1 or args.messy or args.posts is not None:
            print("workforce sample: --authorities takes a count of at least 1, and draws "
                  "each council's posts itself (no --posts or --messy)", file=sys.stderr)
            return 2
        sizes = write_authorities(args.out, args.authorities, args.end, args.months,
                                  args.seed, args.jobs)
        codes = list(sizes)
        print(f"Wrote {args.months} months of canonical sample extracts for {len(codes)} "
              f"authorities ({codes[0]} to {codes[-1]}, {min(sizes.values())} to "
              f"{max(sizes.values())} posts, {sum(sizes.values()):,} in all) under {args.out}.")
        return 0
    folders = write_sample(args.out, args.authority, args.end, args.months,
                           DEFAULT_POSTS if args.posts is None else args.posts, args.seed,
                           args.messy)
    style = ("messy (as council systems export them: named files, title rows, footers, job "
             "titles, semicolons, UTF-16 tabs)" if args.messy else "canonical")
    print(f"Wrote {len(folders)} months of {style} sample extracts for {args.authority} under "
          f"{args.out} ({folders[0].name} to {folders[-1].name}).")
    return 0


def cmd_kpis(args: argparse.Namespace) -> int:
    from workforce.kpis import compute_many, read_kpis
    from workforce.kpis.output import write_kpis
    from workforce.warehouse import loaded_months, warehouse_url

    if args.format == "xlsx" and args.out is None:
        # A workbook is binary: never written to a terminal.
        print("workforce kpis: --format xlsx needs --out FILE (the workbook to write)",
              file=sys.stderr)
        return 2
    engine = checked_warehouse(args)
    if args.compute:
        authorities = [args.authority] if args.authority else sorted({
            m.authority_code for m in loaded_months(engine) if m.period == str(args.period)
        })
        compute_many(warehouse_url(args.warehouse), authorities, args.period, args.jobs)
    scope_types = {"council": ("council",), "team": ("team",), "all": None}[args.scope]
    rows = read_kpis(engine, args.period, args.authority, scope_types, args.source)
    if not rows:
        print(f"No KPI results for {args.period}"
              f"{' for ' + args.authority if args.authority else ''}: load the month and run "
              "`workforce kpis --compute`.", file=sys.stderr)
        return 1
    if args.out is None:
        write_kpis(rows, args.format, sys.stdout)
        return 0
    if args.format == "xlsx":
        from workforce.kpis.workbook import write_workbook

        write_workbook(engine, rows, args.period, args.out)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("w", encoding="utf-8", newline="") as out:
            write_kpis(rows, args.format, out)
    print(f"Wrote {args.out} ({len(rows)} KPI values).")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from workforce.warehouse import loaded_months, warehouse_url

    months = loaded_months(checked_warehouse(args, create=False))
    print(f"Warehouse {warehouse_url(args.warehouse)}: {len(months)} authority-months loaded.")
    for month in months:
        print(f"  {month.authority_code} {month.period}  load {month.load_id}  "
              f"at {month.loaded_at}  code {month.code_version}")
        for file in month.files:
            print(f"      {file.kind:<14} {file.file_name:<20} {file.row_count:>6} rows  "
                  f"sha256 {file.sha256}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from workforce.reports.build import render_many
    from workforce.warehouse import loaded_months, warehouse_url

    if args.kind == "partnership":
        return _partnership_report(args)
    if args.partnership:
        print("--partnership goes with `workforce report partnership`", file=sys.stderr)
        return 2

    authorities = args.authority or sorted({
        m.authority_code for m in loaded_months(checked_warehouse(args, create=False))
        if m.period == str(args.period)
    })
    if not authorities:
        print(f"No authority has {args.period} loaded.", file=sys.stderr)
        return 1
    rendered = render_many(warehouse_url(args.warehouse), args.kind, authorities, args.period,
                           args.out, args.jobs)
    for path in (path for paths in rendered for path in paths):
        print(f"Wrote {path}")
    return 0


def _partnership_report(args: argparse.Namespace) -> int:
    from workforce.reports.partnership import render_partnership

    if not args.partnership or args.authority:
        print("workforce report partnership takes --partnership CODE (its members come from "
              "config/partnerships.yaml), not --authority", file=sys.stderr)
        return 2
    # A member without the month's KPIs is a LookupError naming it: main() prints it.
    for path in render_partnership(checked_warehouse(args, create=False), args.partnership,
                                   args.period, args.out):
        print(f"Wrote {path}")
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """validate, load, sample, kpis, status and report, in the order ``--help`` lists them."""
    validate = commands.add_parser(
        "validate", help="check extract files or month folders against the contracts"
    )
    validate.add_argument("paths", nargs="+", type=Path, help="files or month folders")
    validate.add_argument("--period", type=period_argument,
                          help="YYYY-MM (default: the folder name)")
    validate.add_argument(
        "--authority", help="authority code whose header mapping applies (default: folder name)"
    )
    validate.set_defaults(run=cmd_validate)

    load = commands.add_parser("load", help="validate and load a month into the warehouse")
    load.add_argument("--extracts", type=Path, required=True, help="landing root folder")
    load.add_argument("--period", type=period_argument, required=True, help="YYYY-MM (the "
                      "first month, with --to)")
    load.add_argument("--to", type=period_argument, help="last month of a range loaded in "
                      "order (a history import)")
    load.add_argument("--kpis", action="store_true", help="compute each month's KPIs too")
    load.add_argument("--authority", help="one authority (default: every one landed)")
    load.add_argument("--warehouse", help="SQLAlchemy URL (default: $WORKFORCE_WAREHOUSE_URL "
                      "or SQLite in var/)")
    load.set_defaults(run=cmd_load)

    sample = commands.add_parser("sample", help="write deterministic sample extracts")
    sample.add_argument("--out", type=Path, required=True, help="landing root to write")
    councils = sample.add_mutually_exclusive_group()
    councils.add_argument("--authority", default="NWT", help="authority code (default NWT)")
    councils.add_argument("--authorities", type=int, metavar="N",
                          help="N councils LA001... of realistic, varied sizes instead of one")
    sample.add_argument("--months", type=int, default=24, help="number of months (default 24)")
    sample.add_argument("--end", type=period_argument, default=Period(2025, 3),
                        help="last month")
    sample.add_argument("--posts", type=int,
                        help=f"establishment posts (default {DEFAULT_POSTS})")
    sample.add_argument("--seed", type=int, default=0, help="random seed")
    sample.add_argument("--messy", action="store_true",
                        help="write files as councils send them (use with config/MSY.yaml)")
    sample.add_argument("--jobs", type=int, help="processes for --authorities "
                        "(default: one per CPU)")
    sample.set_defaults(run=cmd_sample)

    kpis = commands.add_parser("kpis", help="print a month's KPI results (optionally "
                               "computing them first)")
    kpis.add_argument("--period", type=period_argument, required=True, help="YYYY-MM")
    kpis.add_argument("--authority", help="one authority (default: all)")
    kpis.add_argument("--scope", choices=["council", "team", "all"], default="council",
                      help="council (default), team, or all scopes incl. service areas and "
                      "suppliers")
    kpis.add_argument("--format", choices=["json", "csv", "table", "xlsx"], default="table",
                      help="table (default), json, csv, or an Excel workbook (xlsx, with --out)")
    kpis.add_argument("--out", type=Path, metavar="FILE",
                      help="write to FILE instead of printing (required for xlsx)")
    kpis.add_argument("--source", choices=["monthly", "census"],
                      help="monthly (from the extracts) or census (from an imported DfE "
                      "return); default: monthly, else census where a month has no monthly")
    kpis.add_argument("--compute", action="store_true",
                      help="compute the month from the warehouse before printing")
    kpis.add_argument("--jobs", type=int, help="authorities computed at once with --compute, "
                      "each in its own process (default: one per CPU)")
    kpis.add_argument("--warehouse", help="SQLAlchemy URL")
    kpis.set_defaults(run=cmd_kpis)

    status = commands.add_parser("status", help="list loaded months and their extract files")
    status.add_argument("--warehouse", help="SQLAlchemy URL")
    status.set_defaults(run=cmd_status)

    report = commands.add_parser("report", help="render a report as PDF and HTML")
    report.add_argument("kind", choices=["cabinet", "monitoring-visit", "partnership"])
    report.add_argument("--period", type=period_argument, required=True, help="YYYY-MM")
    report.add_argument("--authority", action="append",
                        help="an authority, repeatable (default: every one loaded)")
    report.add_argument("--partnership", help="for `report partnership`: the partnership's "
                        "code in config/partnerships.yaml")
    report.add_argument("--out", type=Path, required=True, help="folder to write to")
    report.add_argument("--jobs", type=int, help="authorities rendered at once, each in its "
                        "own process (default: one per CPU)")
    report.add_argument("--warehouse", help="SQLAlchemy URL")
    report.set_defaults(run=cmd_report)
