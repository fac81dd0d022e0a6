"""Per-authority settings read from ``config/<AUTHORITY>.yaml``.

Settings are validated on load (unknown keys and wrong types are refused with the file
named); an authority without a file runs on the documented defaults with a warning.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from workforce.contracts import CONTRACTS

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class ConfigError(ValueError):
    """A settings file that cannot be used, with a sentence saying why."""


class AuthorityConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    name: str
    # Per extract kind: the council's own header → the canonical column name.
    column_mapping: dict[str, dict[str, str]] = Field(default_factory=dict)
    standard_weekly_hours: float = Field(default=37.0, gt=0, le=60)

    @field_validator("column_mapping")
    @classmethod
    def _mapping_targets_exist(cls, mapping: dict[str, dict[str, str]]) -> dict:
        for kind, renames in mapping.items():
            if kind not in CONTRACTS:
                raise ValueError(
                    f"unknown extract kind {kind!r}; expected one of {list(CONTRACTS)}"
                )
            unknown = sorted(set(renames.values()) - set(CONTRACTS[kind].column_names))
            if unknown:
                raise ValueError(f"{kind}: {unknown} are not columns of the {kind} contract")
        return mapping

    def header_mapping(self, kind: str) -> dict[str, str]:
        return self.column_mapping.get(kind, {})


def landing_root() -> Path:
    """Where councils' extract files land: ``ROOT/<authority>/<YYYY-MM>/<kind>.csv``."""
    return Path(os.environ.get("WORKFORCE_LANDING_ROOT", PROJECT_ROOT / "landing"))


def output_root() -> Path:
    """Where reports and published packs are written."""
    return Path(os.environ.get("WORKFORCE_OUTPUT_ROOT", PROJECT_ROOT / "output"))


def config_dir() -> Path:
    return Path(os.environ.get("WORKFORCE_CONFIG_DIR", PROJECT_ROOT / "config"))


def load_authority_config(code: str, directory: Path | None = None) -> AuthorityConfig:
    path = (directory or config_dir()) / f"{code}.yaml"
    if not path.exists():
        log.warning("No settings file %s: authority %s runs on the defaults", path, code)
        return AuthorityConfig(code=code, name=code)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    if raw.setdefault("code", code) != code:
        raise ConfigError(f"{path}: code {raw['code']!r} does not match the file name {code!r}")
    try:
        return AuthorityConfig(**raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from None


def configured_authorities(directory: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (directory or config_dir()).glob("*.yaml"))
