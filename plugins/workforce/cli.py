"""The ``workforce`` command: parses arguments and calls the pipeline's steps."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workforce.config import ConfigError
from workforce.errors import WarehouseRefused
from workforce.findings import ExtractRejected, Finding, errors, summary
from workforce.periods import Period
from workforce.version import code_version

if TYPE_CHECKING:
    from sqlalchemy import Engine

DEFAULT_POSTS = 350  # the sample council's establishment
OLD_KEY_VARIABLE = "WORKFORCE_OLD_PSEUDONYM_KEY"  # read by rotate-key


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _warehouse(args: argparse.Namespace, create: bool = True) -> Engine:
    """The warehouse named by ``--warehouse``, checked to be at this code's schema revision
    (``WarehouseOutOfDate`` otherwise); an empty one is created unless ``create`` is off."""
    from workforce.warehouse import make_engine, require_current

    engine = make_engine(args.warehouse)
    require_current(engine, create=create)
    return engine


def _print_findings(findings: list[Finding]) -> None:
    for finding in findings:
        print(finding)


def cmd_validate(args: argparse.Namespace) -> int:
    from workforce.pipeline import validate_paths
    from workforce.synonyms import suggested_code
    from workforce.value_mapping import describe_unmapped

    months = validate_paths(args.paths, args.period, args.authority)
    findings = [f for month in months for f in month.findings]
    _print_findings(findings)
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

    engine = _warehouse(args)
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
                _print_findings(rejected.findings)
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
    engine = _warehouse(args)
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

    months = loaded_months(_warehouse(args, create=False))
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
        m.authority_code for m in loaded_months(_warehouse(args, create=False))
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
    for path in render_partnership(_warehouse(args, create=False), args.partnership,
                                   args.period, args.out):
        print(f"Wrote {path}")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from workforce.config import landing_root
    from workforce.key_rotation import record_verified_fingerprints
    from workforce.warehouse import make_engine, upgrade_warehouse, warehouse_url
    from workforce.warehouse.keys import mark_development

    engine = make_engine(args.warehouse)
    before, after = upgrade_warehouse(engine)
    where = f"Warehouse {_shown_url(warehouse_url(args.warehouse))}"
    if before.current == after.current:
        print(f"{where}: already at revision {after.current}; nothing to upgrade.")
    else:
        print(f"{where}: upgraded from revision {before.current or 'none'} to "
              f"{after.current}.")
    if args.development:
        mark_development(engine)
        print("Marked as a development warehouse: loads without WORKFORCE_PSEUDONYM_KEY use "
              "the development key.")
    recorded, unchecked = record_verified_fingerprints(engine, args.extracts or landing_root())
    if recorded:
        print(f"Recorded the pseudonym key's fingerprint for {', '.join(recorded)} (the key "
              "gives the pseudonyms stored for each one's latest month).")
    if unchecked:
        print(f"No fingerprint recorded for {', '.join(unchecked)}: the latest month's extract "
              "files, to check the key against, are not in the landing folder; the next load "
              "checks it against the stored pseudonyms and records it.")
    return cmd_db_status(args, quiet=True)


def cmd_db_status(args: argparse.Namespace, quiet: bool = False) -> int:
    from workforce.warehouse import make_engine, warehouse_revision, warehouse_url
    from workforce.warehouse.keys import authority_fingerprints, is_development

    engine = make_engine(args.warehouse)
    state = warehouse_revision(engine)
    if not quiet:
        print(f"Warehouse {_shown_url(warehouse_url(args.warehouse))}: {state.describe()}.")
    if not state.up_to_date:
        return 1
    with engine.connect() as connection:
        development = is_development(connection)
    if not quiet:
        print(f"Development warehouse (development key allowed): "
              f"{'yes' if development else 'no'}.")
    for code, name, fingerprint in authority_fingerprints(engine):
        key = (f"key fingerprint {fingerprint}" if fingerprint else
               "no key fingerprint yet: the next load records that of its key")
        print(f"  {code:<8} {name or '':<32} {key}")
    return 0


def _shown_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def cmd_rotate_key(args: argparse.Namespace) -> int:
    from workforce.config import landing_root
    from workforce.key_rotation import rotate_key
    from workforce.privacy import KEY_VARIABLE

    engine = _warehouse(args, create=False)
    old_key = _secret(args.old_key_file, OLD_KEY_VARIABLE)
    new_key = _secret(args.new_key_file, KEY_VARIABLE)
    rotation = rotate_key(engine, args.authority, old_key, new_key,
                          args.extracts or landing_root())
    print(rotation.describe())
    print(f"From now on load {args.authority} with the new key in {KEY_VARIABLE}.")
    return 0


def _secret(path: Path | None, variable: str) -> bytes:
    """A key from a file (its first line) or else an environment variable; never from the
    command line, where other users of the machine could read it."""
    text = path.read_text(encoding="utf-8").splitlines()[0].strip() if path else \
        os.environ.get(variable, "")
    if not text:
        raise ValueError(f"no key given: pass a key file or set {variable}")
    return text.encode()


def cmd_census_import(args: argparse.Namespace) -> int:
    from workforce.census.read import read_census
    from workforce.census.store import import_census
    from workforce.config import load_authority_config

    engine = _warehouse(args)
    status = 0
    for path in args.files:
        census, findings = read_census(path, strict=args.strict)
        _print_findings(findings)
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

    result = export_census(_warehouse(args, create=False), args.authority, args.year, args.out,
                           args.extracts or landing_root())
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workforce",
        description="Children's social care workforce reporting: validate and load monthly "
        "extracts.",
    )
    parser.add_argument("--version", action="version", version=code_version())
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser(
        "validate", help="check extract files or month folders against the contracts"
    )
    validate.add_argument("paths", nargs="+", type=Path, help="files or month folders")
    validate.add_argument("--period", type=_period, help="YYYY-MM (default: the folder name)")
    validate.add_argument(
        "--authority", help="authority code whose header mapping applies (default: folder name)"
    )
    validate.set_defaults(run=cmd_validate)

    load = commands.add_parser("load", help="validate and load a month into the warehouse")
    load.add_argument("--extracts", type=Path, required=True, help="landing root folder")
    load.add_argument("--period", type=_period, required=True, help="YYYY-MM (the first "
                      "month, with --to)")
    load.add_argument("--to", type=_period, help="last month of a range loaded in order "
                      "(a history import)")
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
    sample.add_argument("--end", type=_period, default=Period(2025, 3), help="last month")
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
    kpis.add_argument("--period", type=_period, required=True, help="YYYY-MM")
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
    report.add_argument("--period", type=_period, required=True, help="YYYY-MM")
    report.add_argument("--authority", action="append",
                        help="an authority, repeatable (default: every one loaded)")
    report.add_argument("--partnership", help="for `report partnership`: the partnership's "
                        "code in config/partnerships.yaml")
    report.add_argument("--out", type=Path, required=True, help="folder to write to")
    report.add_argument("--jobs", type=int, help="authorities rendered at once, each in its "
                        "own process (default: one per CPU)")
    report.add_argument("--warehouse", help="SQLAlchemy URL")
    report.set_defaults(run=cmd_report)

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

    db = commands.add_parser("db", help="the warehouse's schema: status, upgrade")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_upgrade = db_commands.add_parser(
        "upgrade", help="bring the warehouse to this code's schema revision (creating it if "
        "empty), in one transaction")
    db_upgrade.add_argument("--development", action="store_true",
                            help="mark it as a development warehouse (samples, tests), where "
                            "loads without a pseudonym key use the development key")
    db_upgrade.add_argument("--extracts", type=Path,
                            help="landing root, to check the pseudonym key of councils loaded "
                            "before key fingerprints against (default: $WORKFORCE_LANDING_ROOT "
                            "or landing/)")
    db_upgrade.add_argument("--warehouse", help="SQLAlchemy URL")
    db_upgrade.set_defaults(run=cmd_db_upgrade)
    db_status = db_commands.add_parser(
        "status", help="the warehouse's schema revision and key fingerprints (exit 1 when it "
        "needs upgrading)")
    db_status.add_argument("--warehouse", help="SQLAlchemy URL")
    db_status.set_defaults(run=cmd_db_status)

    rotate = commands.add_parser(
        "rotate-key", help="re-key an authority's stored pseudonyms from the old pseudonym key "
        "to a new one, in one transaction")
    rotate.add_argument("--authority", required=True, help="authority code")
    rotate.add_argument("--extracts", type=Path, default=None,
                        help="landing root holding the months' extract files as loaded "
                        "(default: $WORKFORCE_LANDING_ROOT or landing/)")
    rotate.add_argument("--old-key-file", type=Path,
                        help=f"file holding the old key (default: ${OLD_KEY_VARIABLE})")
    rotate.add_argument("--new-key-file", type=Path,
                        help="file holding the new key (default: $WORKFORCE_PSEUDONYM_KEY)")
    rotate.add_argument("--warehouse", help="SQLAlchemy URL")
    rotate.set_defaults(run=cmd_rotate_key)

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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.run(args)
    except (ConfigError, ValueError, LookupError, FileNotFoundError, WarehouseRefused) as exc:
        print(f"workforce: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
