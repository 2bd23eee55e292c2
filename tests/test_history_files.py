"""Episode files under any name: which episode a file replays, and `growthsim history` on them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.history.episodes import SCENARIO_DIR, replay
from analysis.history.files import episode_files, episode_of, scenario_files
from analysis.history.records import Episode, episodes
from sim.errors import InputError

# Two episodes whose names share a start, so the longest-prefix rule has something to decide.
CATALOGUE = [
    Episode("2018_sanctions", "2018_sanctions.toml", 2018, ("A",), ""),
    Episode("2018_sanctions_oil", "2018_sanctions_oil.toml", 2019, ("A",), ""),
    Episode("2021_cuts", "2021_cuts.toml", 2021, ("A",), ""),
]


def _write(path: Path, name: str, horizon: int = 24) -> Path:
    path.write_text(f'name = "{name}"\nhorizon_months = {horizon}\n\n[economy]\ndata = "default"\n')
    return path


def test_the_file_name_decides_first(tmp_path):
    # named as the 2021 episode's file but carrying the 2018 episode's name: the file name wins
    path = _write(tmp_path / "2021_cuts.toml", "2018_sanctions")
    assert episode_of(path, CATALOGUE).name == "2021_cuts"


def test_then_the_scenarios_name(tmp_path):
    path = _write(tmp_path / "my reading.toml", "2018_sanctions_oil")
    assert episode_of(path, CATALOGUE).name == "2018_sanctions_oil"


def test_then_the_longest_episode_name_the_file_name_starts_with(tmp_path):
    oil = _write(tmp_path / "2018_sanctions_oil_high.toml", "a reading")
    assert episode_of(oil, CATALOGUE).name == "2018_sanctions_oil"  # not the shorter 2018_sanctions
    plain = _write(tmp_path / "2018_sanctions_b.toml", "another")
    assert episode_of(plain, CATALOGUE).name == "2018_sanctions"


def test_a_file_matching_no_episode_is_an_input_error(tmp_path):
    path = _write(tmp_path / "sanctions_2018.toml", "sanctions")  # the name only ends with a year
    with pytest.raises(InputError) as caught:
        episode_of(path, CATALOGUE)
    message = str(caught.value)
    assert "sanctions_2018.toml" in message and "name" in message and "2021_cuts" in message


def test_folders_give_their_toml_files_sorted_not_their_sub_folders(tmp_path):
    (tmp_path / "inner").mkdir()
    _write(tmp_path / "inner" / "2021_cuts.toml", "x")
    b = _write(tmp_path / "b.toml", "x")
    a = _write(tmp_path / "a.toml", "x")
    (tmp_path / "notes.md").write_text("not a scenario")
    single = _write(tmp_path / "inner" / "2018_sanctions.toml", "x")
    assert scenario_files([tmp_path, single, a]) == [a, b, single]  # a given twice: once
    with pytest.raises(InputError, match="--scenarios"):
        scenario_files([tmp_path / "notes.md"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="at least one episode file"):
        episode_files([empty], CATALOGUE)


def test_a_short_file_runs_on_to_the_end_of_the_years_judged(tmp_path):
    # a 2018 file of 12 months: the two years judged need 24; with no neighbour in the packaged
    # record (2017-2019 holds no other episode) nothing is lent and no year 0 is added
    short = _write(tmp_path / "2018_short.toml", "2018_sanctions", horizon=12)
    catalogue = episodes()
    episode = episode_of(short, catalogue)
    assert episode.name == "2018_sanctions"  # by its scenario's name
    replayed = replay(episode, tmp_path, path=short, catalogue=catalogue)
    assert replayed.scenario.horizon_months == 24 and replayed.lead_years == 0
    long = replay(episode, catalogue=catalogue, years=3)
    assert long.scenario.horizon_months == 36  # the packaged 24 months run on to three years


def test_history_replays_files_under_other_names_each_with_its_rows(tmp_path):
    from typer.testing import CliRunner

    from analysis.cli import app

    packaged = (SCENARIO_DIR / "2021_summer_power_cuts.toml").read_text()
    # the packaged reading and one without the cut (availability 1): the second must give 0.0 in
    # year 1 (nothing happens in 1400) while the first loses output
    (tmp_path / "2021_summer_power_cuts_as_packaged.toml").write_text(packaged)
    (tmp_path / "no_cut.toml").write_text(packaged.replace("availability = 0.49", "availability = 1.0"))
    out = tmp_path / "rows.csv"
    result = CliRunner().invoke(app, ["history", "--runs", "1", "--scenarios", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert len(table) == 4 and set(table["episode"]) == {"2021_summer_power_cuts"}
    first = table[table["year"] == 1]
    by_file = first.set_index(first["file"].map(lambda f: Path(f).name))["simulated_median"]
    assert by_file["no_cut.toml"] == pytest.approx(0.0, abs=1e-9)
    assert by_file["2021_summer_power_cuts_as_packaged.toml"] < -0.5
    assert "no_cut.toml" in result.output  # files outside scenarios/history are named in the text

    stray = tmp_path / "stray"
    stray.mkdir()
    _write(stray / "baseline_copy.toml", "baseline")
    bad = CliRunner().invoke(app, ["history", "--runs", "1", "--scenarios", str(stray)])
    assert bad.exit_code == 2
    assert "baseline_copy.toml" in bad.output and "Traceback" not in bad.output


def test_the_three_input_errors_name_the_path_the_option_and_what_was_expected(tmp_path):
    # the whole message, "<path>: <key>: <expected>" (sim.errors.InputError): the key and the
    # list of names are what a user reads to correct the command
    notes = tmp_path / "notes.md"
    notes.write_text("not a scenario")
    with pytest.raises(InputError) as caught:
        scenario_files([notes])
    assert str(caught.value) == f"{notes}: --scenarios: a folder of episode files or a scenario file (.toml)"

    path = _write(tmp_path / "sanctions_2018.toml", "sanctions")
    with pytest.raises(InputError) as caught:
        episode_of(path, CATALOGUE)
    assert str(caught.value) == (
        f"{path}: name: an episode's name (2018_sanctions, 2018_sanctions_oil, 2021_cuts) "
        "as the scenario's name or the start of its file name"
    )

    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError) as caught:
        episode_files([empty, tmp_path / "empty"], CATALOGUE)
    assert str(caught.value) == (
        f"{empty}: --scenarios: a folder holding at least one episode file "
        "(2018_sanctions.toml, 2018_sanctions_oil.toml, 2021_cuts.toml)"
    )
