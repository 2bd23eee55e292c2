"""Progress bars: on stderr, one step a stage, off unless stderr is a terminal or asked for."""

from __future__ import annotations

from analysis.progress import Stages, progress_bar


def test_stages_count_every_stage_and_show_the_current_one(capsys):
    with Stages(["read", "draw", "write"], "report", progress=True) as stage:
        for name in ("read", "draw", "write"):
            stage(name)
            assert stage.bar.n == ("read", "draw", "write").index(name)  # the stages before it are done
        assert stage.bar.postfix == "write"
    assert stage.bar.n == 3
    err = capsys.readouterr().err
    assert "report" in err and "draw" in err


def test_off_when_stderr_is_not_a_terminal(capsys):
    with progress_bar(5, "batch") as bar:  # pytest captures stderr: not a terminal
        bar.update(5)
    assert bar.disable and capsys.readouterr().err == ""
