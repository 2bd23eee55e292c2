"""Scenario files: what to simulate, validated strictly.

A scenario is a TOML file::

    name = "baseline"
    description = "The default economy for five years, no shocks."
    horizon_months = 60

    [economy]
    data = "default"          # or a folder, relative to this file

    [[shock]]
    kind = "demand"
    sectors = ["29"]          # default: all
    provinces = ["IR-23"]     # default: all
    start = 13                # first month, 1-based
    end = 24                  # last month, inclusive; absent: permanent
    change = -0.2             # relative change

    [stochastic]              # random shocks (all off by default)
    [policy]                  # levers
    [imports]                 # how buyers replace imports they cannot get
    [parameters]              # behavioural parameters of the model (see sim.scenario.parameters)

Shock kinds: ``demand``, ``capacity``, ``import``, ``energy``, ``fx``. Every key, its unit, default
and range is listed in ``docs/scenarios.md``. Unknown keys are errors. Every error becomes an
:class:`~sim.errors.InputError` naming the file and the key.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import Field, ValidationError, model_validator

from sim.economy.cell_economy import Economy, resolve_data_dir
from sim.economy.tables import Column, check_codes, header, read_table
from sim.errors import InputError
from sim.paths import check_file
from sim.scenario.export_development import check_levers
from sim.scenario.parameters import ModelParameters
from sim.scenario.policy import (
    POLICY_TABLES,
    ImportSpec,
    PolicySpec,
)
from sim.scenario.stochastic import StochasticSpec
from sim.shocks import SHOCK_KINDS, Shock
from sim.strict import MAX_LIST, KeyedError, Strict


class EconomySpec(Strict):
    """``[economy]``: which data folder, and the seed of the firm sizes and supply network.

    Attributes:
        data: ``"default"`` or a data folder, relative to the scenario file.
        seed: Seed of the economy's own draws (firm sizes, suppliers). The economy is data: it
            stays the same across the runs of a Monte Carlo batch, whose seeds drive the shocks.
    """

    data: str = Field("default", min_length=1, max_length=4096)
    seed: int = Field(0, ge=0, le=2**63 - 1)


TARGET_COLUMNS = ("province", "sector", "target")


class Scenario(Strict):
    """A validated scenario.

    Attributes:
        name: Short name.
        description: What the scenario represents.
        horizon_months: Months simulated (1..600).
        economy: The economy spec.
        shock: Scheduled shocks.
        stochastic: Random shocks.
        policy: Policy levers.
        imports: Buyers' response to import shortfalls.
        parameters: Behavioural parameters of the model.
        first_calendar_month: Calendar month (1..12) of simulated month 1, for seasonal shocks
            (default 4: the default economy's history ends in March 2021).
        path: The file the scenario came from (``None`` when built in code).
    """

    name: str = Field("scenario", min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")
    description: str = Field("", max_length=100_000)
    horizon_months: int = Field(60, ge=1, le=600)
    economy: EconomySpec = EconomySpec()
    shock: list[Shock] = Field([], max_length=MAX_LIST)
    stochastic: StochasticSpec = StochasticSpec()
    policy: PolicySpec = PolicySpec()
    imports: ImportSpec = ImportSpec()
    parameters: ModelParameters = ModelParameters()
    first_calendar_month: int = Field(4, ge=1, le=12)
    path: str | None = Field(None, exclude=True)

    @model_validator(mode="after")
    def _shocks_within_horizon(self) -> Scenario:
        for i, shock in enumerate(self.shock):
            for key in ("start", "end"):
                month = getattr(shock, key)
                if month is not None and month > self.horizon_months:
                    raise KeyedError(
                        f"shock[{i}].{key}",
                        f"a month within the horizon (1..{self.horizon_months}), got {month}",
                    )
        policy = self.policy
        for table in POLICY_TABLES:
            for i, item in enumerate(getattr(policy, table)):
                for key in ("start", "end"):
                    month = getattr(item, key, None)
                    if month is not None and month > self.horizon_months:
                        raise KeyedError(
                            f"policy.{table}[{i}].{key}",
                            f"a month within the horizon (1..{self.horizon_months}), got {month}",
                        )
        if self.targets_path is not None:
            _check_targets_file(self.targets_path)
        return self

    @property
    def targets_path(self) -> Path | None:
        """The user's target CSV, resolved against the scenario file (``None``: the ministry's)."""
        if self.policy.targets == "ministry":
            return None
        path = Path(self.policy.targets)
        if not path.is_absolute() and self.path:
            path = Path(self.path).parent / path
        return path

    @property
    def data_dir(self) -> Path:
        """The economy's data folder, resolved against the scenario file."""
        base = Path(self.path).parent if self.path else None
        return resolve_data_dir(self.economy.data, base)

    def check_against(self, economy: Economy) -> None:
        """Check the codes a scenario names against its economy.

        Raises:
            InputError: On an unknown province or sector code.
        """
        source = self.path or self.name
        known = {"sectors": set(economy.sector_codes), "provinces": set(economy.province_codes)}
        known["sector"], known["province"] = known["sectors"], known["provinces"]
        tables = [(f"shock[{i}]", shock) for i, shock in enumerate(self.shock)]
        for table in POLICY_TABLES:
            tables += [(f"policy.{table}[{i}]", item) for i, item in enumerate(getattr(self.policy, table))]
        for name, item in tables:
            for key, codes in known.items():
                value = getattr(item, key, None)
                for code in [value] if isinstance(value, str) else value or []:
                    if code not in codes:
                        what = key.rstrip("s")
                        raise InputError(source, f"{name}.{key}", f"a {what} code of the economy, got '{code}'")
        check_levers(self.policy.export_development, economy, source)
        if self.targets_path is not None:
            table = read_table(self.targets_path, TARGET_COLUMNS_SPEC, keys=["province", "sector"])
            check_codes(self.targets_path, table, "province", economy.province_codes, "province")
            check_codes(self.targets_path, table, "sector", economy.sector_codes, "sector")

    def with_changes(self, **changes: object) -> Scenario:
        """A copy with top-level fields replaced, validated again."""
        data = self.model_dump()
        data.update(changes)
        return Scenario.model_validate({**data, "path": self.path})


TARGET_COLUMNS_SPEC = [
    Column("province", "code"),
    Column("sector", "code"),
    Column("target", "number", low=-1.0),
]


def _check_targets_file(path: Path) -> None:
    """A user target file must exist and hold the columns ``province, sector, target``."""
    try:
        check_file(path, "policy.targets", "a CSV file")
    except InputError as exc:
        expected = f"'ministry' or an existing CSV file, got '{path}': {exc.expected}"
        raise KeyedError("policy.targets", expected) from None
    missing = [c for c in TARGET_COLUMNS if c not in header(path)]
    if missing:
        raise KeyedError(
            "policy.targets", f"a CSV file with columns {', '.join(TARGET_COLUMNS)} (missing {missing[0]})"
        )


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Args:
        path: The TOML file.

    Returns:
        The scenario (its economy not yet loaded; see :meth:`Scenario.check_against`).

    Raises:
        InputError: One line naming the file, the key and what was expected.
    """
    path = Path(path)
    check_file(path, "file", "an existing scenario file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path, "TOML", f"valid TOML ({' '.join(str(exc).split())})") from None
    except RecursionError:
        raise InputError(path, "TOML", "TOML nested less deeply (arrays or tables inside each other)") from None
    return scenario_from_dict(data, source=path)


def scenario_from_dict(data: dict, source: str | Path = "<scenario>") -> Scenario:
    """Validate a scenario given as a dictionary (as parsed from TOML).

    Raises:
        InputError: Naming the source, the key and what was expected.
    """
    try:
        return Scenario.model_validate({**data, "path": str(source)})
    except ValidationError as exc:
        raise _as_input_error(exc, source) from None


PLAIN_TYPE_WORDS = {
    "int_type": "no quotes, no decimal point, not true/false",
    "float_type": "no quotes, not true/false",
    "finite_number": "not inf or nan",
    "bool_type": "true or false, no quotes",
    "string_type": "text in quotes",
    "list_type": "a list [...]",
    "model_type": "a table",
    "dict_type": "a table",
}
"""What a strict type expects, in the words of a scenario file (added to pydantic's message)."""


def _as_input_error(exc: ValidationError, source: str | Path) -> InputError:
    error = exc.errors()[0]
    ctx_error = error.get("ctx", {}).get("error")
    if isinstance(ctx_error, KeyedError):
        return InputError(source, ctx_error.key, ctx_error.expected)
    key = _format_loc(error["loc"])
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        message = "not a known key"
    elif error["type"] == "union_tag_invalid":
        message = f"kind must be one of {error['ctx']['expected_tags']}, got {error['ctx']['tag']!r}"
    elif error["type"] == "union_tag_not_found":
        message = "a 'kind' key"
    elif error["type"] == "value_error":
        message = message.removeprefix("Value error, ")
    elif error["type"] in PLAIN_TYPE_WORDS:
        message = f"{message} ({PLAIN_TYPE_WORDS[error['type']]}), got {_short_repr(error.get('input'))}"
    elif error["type"] == "string_pattern_mismatch":
        message = f"one line of text without control characters, got {_short_repr(error.get('input'))}"
    elif "input" in error and error["type"] not in ("missing",):
        message = f"{message}, got {_short_repr(error['input'])}"
    return InputError(source, key, message)


def _short_repr(value: object, limit: int = 80) -> str:
    """``repr`` of a bad value, cut to ``limit`` characters so the error stays one short line."""
    text = repr(value) if not isinstance(value, dict | list) else f"a {type(value).__name__} {value!r}"
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _format_loc(loc: tuple) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
        elif parts and parts[-1].startswith("shock[") and item in SHOCK_KINDS and len(parts) == 1:
            continue  # the discriminator's branch name adds nothing for the user
        else:
            parts.append(str(item))
    return ".".join(parts) or "scenario"
