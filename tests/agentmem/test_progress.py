"""Every long job shows one kind of bar, on stderr, so stdout stays parseable."""

from __future__ import annotations

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
