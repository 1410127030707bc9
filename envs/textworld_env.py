"""TextWorld games behind the same environment API (``pip install 'agentmem[textworld]'``).

:func:`make_game` generates a game locally with TextWorld's own ``tw-make``
(a few seconds, no download); :class:`TextWorldEnv` plays a game file: the
observation is TextWorld's text (banner removed), the admissible commands come
from the engine, the reward is the change in score, and ``info["won"]`` says
whether the quest was finished.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from agentmem.errors import InvalidArgumentError, missing
from envs.base import INVALID_ACTION, TextEnv

__all__ = ["TextWorldEnv", "make_game"]


def _tw_make() -> str:
    exe = Path(sys.executable).parent / "tw-make"
    if exe.exists():
        return str(exe)
    found = shutil.which("tw-make")
    if not found:
        raise missing("textworld", "textworld", "Generating TextWorld games")
    return found


def make_game(path: str | Path, *, seed: int = 0, world_size: int = 3, objects: int = 5,
              quest_length: int = 3, timeout: float = 120) -> Path:
    """Generate a TextWorld game file (``.z8``) at ``path`` and return its path."""
    path = Path(path)
    if path.suffix not in (".z8", ".ulx"):
        raise InvalidArgumentError(f"a TextWorld game file ends in .z8 or .ulx, got {path.name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    cmd = [_tw_make(), "custom", "--world-size", str(world_size), "--nb-objects", str(objects),
           "--quest-length", str(quest_length), "--seed", str(seed), "--output", str(path), "-f",
           "--silent"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0 or not path.exists():
        raise InvalidArgumentError(f"tw-make failed ({out.returncode}): {out.stderr[-500:]}")
    return path


def _clean(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text or "").strip()


class TextWorldEnv(TextEnv):
    """Play one TextWorld game file.

    The seed does not change a TextWorld game (a game file is one fixed world); to get
    different episodes, generate games with different ``make_game(seed=...)``.
    """

    name = "textworld"

    def __init__(self, game_file: str | Path, *, max_steps: int = 50):
        super().__init__(max_steps)
        try:
            import textworld
        except ImportError:
            raise missing("textworld", "textworld", "The TextWorld environment") from None
        self.game_file = Path(game_file)
        if not self.game_file.is_file():
            raise InvalidArgumentError(f"{self.game_file} is not a file; make one with "
                                       "envs.textworld_env.make_game(path)")
        infos = textworld.EnvInfos(admissible_commands=True, objective=True, max_score=True,
                                   won=True, lost=True, score=True)
        self._env = textworld.start(str(self.game_file), request_infos=infos)
        self._state: Any = None
        self.score = 0

    def config(self) -> dict[str, Any]:
        return {"game_file": str(self.game_file), "max_steps": self.max_steps}

    def _reset(self, seed: int) -> str:
        self._state = self._env.reset()
        self.score = 0
        self.task = self._state.objective or ""
        text = self._state.feedback or ""
        if self.task and self.task in text:  # drop the ASCII-art banner before the objective
            text = text[text.index(self.task):]
        return _clean(text)

    def admissible_actions(self) -> list[str]:
        return list(self._state.admissible_commands or []) if self._state is not None else []

    def _step(self, action: str) -> tuple[str, float, bool, dict[str, Any]]:
        if action not in self.admissible_actions():
            return INVALID_ACTION, 0.0, False, {"invalid": True, "won": False}
        self._state, score, done = self._env.step(action)
        reward, self.score = float(score - self.score), score
        won = bool(self._state.won)
        return _clean(self._state.feedback), reward, bool(done or won or self._state.lost), {
            "won": won, "score": score, "max_score": self._state.max_score}

    def close(self) -> None:
        self._env.close()
