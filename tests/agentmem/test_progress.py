"""Every long job shows one kind of bar, on stderr, so stdout stays parseable."""

from __future__ import annotations

import pytest

from agentmem.progress import ProgressBar, track


def test_bars_go_to_stderr_with_count_and_note(capsys):
    assert list(track(range(3), "counting")) == [0, 1, 2]
    with ProgressBar("training", 4, completed=1) as bar:
        bar.advance(3)
        bar.note("reward 0.500")
    out, err = capsys.readouterr()
    assert out == ""
    assert "counting" in err and "3/3" in err
    assert "training" in err and "4/4" in err and "reward 0.500" in err


def test_a_disabled_bar_prints_nothing(capsys):
    assert list(track(["a", "b"], "quiet", enabled=False)) == ["a", "b"]
    with ProgressBar("quiet", 2, enabled=False) as bar:
        bar.advance()
        bar.note("x")
    assert capsys.readouterr() == ("", "")


def test_without_a_terminal_the_bar_writes_plain_lines_now_and_then(capsys, monkeypatch):
    """A log (CI, nohup, a redirect) gets lines while the job runs, not one at its end."""
    import agentmem.progress as progress

    with ProgressBar("ingesting", 4) as bar:  # pytest's stderr is not a terminal
        bar.advance(2)
    assert capsys.readouterr().err.splitlines() == ["ingesting 2/4 (50%) 0:00"]
    monkeypatch.setenv("AGENTMEM_PROGRESS_EVERY", "0")
    with ProgressBar("training", 4) as bar:
        bar.advance()
        bar.note("reward 0.500")
        bar.advance()
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("training 1/4 (25%) 0:00, eta 0:0")
    assert lines[1].startswith("training 2/4 (50%)") and lines[1].endswith("reward 0.500")
    assert len(lines) == 3  # and one when it ends
    assert list(track(range(2), "inner", transient=True)) == [0, 1]
    assert capsys.readouterr().err.count("inner") == 2  # no closing line for an inner loop
    monkeypatch.setenv("AGENTMEM_PROGRESS_EVERY", "soon")
    with pytest.warns(UserWarning, match="AGENTMEM_PROGRESS_EVERY='soon'"):
        with ProgressBar("late", 2) as bar:
            bar.advance()
    assert progress.LOG_EVERY_S == 30.0 and "late 1/2" in capsys.readouterr().err
