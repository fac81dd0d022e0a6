"""Regional partnerships of councils, declared in ``config/partnerships.yaml``.

A partnership (say, the Greater Manchester councils sharing a memorandum on agency rates)
names its member authorities by their settings' codes and may set hourly rate caps for
agency workers by role. The file is validated as the authorities' settings are: unknown
keys, unknown roles, members without a settings file and a council listed twice are
refused with the file named.

    GM:
      name: Greater Manchester
      members: [BOL, BUR, MAN]
      agency_rate_caps_gbp: {social_worker: 45.00, senior_social_worker: 50.00}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Final

import yaml
from pydantic import Field, ValidationError, field_validator

from workforce.config import ConfigError, _Settings, check_roles, config_dir

PARTNERSHIPS_FILE: Final = "partnerships.yaml"
CODE_PATTERN: Final = r"^[A-Za-z0-9_-]+$"


class Partnership(_Settings):
    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=1)
    members: tuple[str, ...] = Field(min_length=2)
    agency_rate_caps_gbp: dict[str, float] = Field(default_factory=dict)

    @field_validator("members")
    @classmethod
    def _distinct(cls, members: tuple[str, ...]) -> tuple[str, ...]:
        twice = sorted({m for m in members if members.count(m) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} listed more than once")
        return members

    @field_validator("agency_rate_caps_gbp")
    @classmethod
    def _cap_roles(cls, caps: dict[str, float]) -> dict[str, float]:
        check_roles(caps)
        low = sorted(role for role, cap in caps.items() if cap <= 0)
        if low:
            raise ValueError(f"the caps for {low} must be more than £0 an hour")
        return caps


def partnerships_path(directory: Path | None = None) -> Path:
    return (directory or config_dir()) / PARTNERSHIPS_FILE


def load_partnerships(directory: Path | None = None) -> dict[str, Partnership]:
    """Every partnership, by code; none when the file does not exist."""
    path = partnerships_path(directory)
    if not path.exists():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected partnership codes at the top level")
    out = {}
    for code, body in raw.items():
        if not isinstance(body, dict):
            raise ConfigError(f"{path}: {code}: expected name, members and "
                              "agency_rate_caps_gbp")
        try:
            out[str(code)] = Partnership(code=str(code), **body)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
            raise ConfigError(f"{path}: {code}: {problems}") from None
    folder = path.parent
    for partnership in out.values():
        # A member's name and settings come from its own file: a typo must not pass as a
        # council with the default settings.
        unknown = [m for m in partnership.members if not (folder / f"{m}.yaml").exists()]
        if unknown:
            raise ConfigError(
                f"{path}: {partnership.code}: no settings file for {', '.join(unknown)} "
                f"in {folder} (members are authority codes, as the files are named)")
    return out


def load_partnership(code: str, directory: Path | None = None) -> Partnership:
    partnerships = load_partnerships(directory)
    if code not in partnerships:
        known = ", ".join(sorted(partnerships)) or "none"
        raise ConfigError(f"{partnerships_path(directory)}: no partnership {code!r} "
                          f"(declared: {known})")
    return partnerships[code]


def partnerships_of(authority_code: str, directory: Path | None = None) -> list[Partnership]:
    """The partnerships the authority belongs to, by code."""
    return [p for _, p in sorted(load_partnerships(directory).items())
            if authority_code in p.members]


def due_reports(events: Iterable[Mapping[str, object]],
                directory: Path | None = None) -> list[str]:
    """``CODE:YYYY-MM`` for each partnership report the events call for: an event naming an
    authority and period (the KPI asset's extra) calls for each partnership it is in; one
    naming a partnership and period (a run by hand), for that one."""
    due = set()
    for event in events:
        period = str(event.get("period") or "")
        if "partnership" in event:
            due.add(f"{load_partnership(str(event['partnership']), directory).code}:{period}")
        elif "authority" in event:
            due |= {f"{p.code}:{period}"
                    for p in partnerships_of(str(event["authority"]), directory)}
    return sorted(due)
