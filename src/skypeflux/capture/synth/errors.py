"""The synthesizer's error: a scenario that cannot be built, with the file and key to fix."""

from __future__ import annotations

from skypeflux.capture.errors import CaptureError


class ScenarioError(CaptureError):
    """A scenario file that is not valid TOML or not a valid scenario.

    ``key`` is the dotted path of the offending entry (``events[3].messages[0].command``),
    ``source`` the file (or built-in scenario) it came from; the message names both, so a user
    knows where to look. A subclass of :class:`CaptureError`, the capture layer's one exception.
    """

    def __init__(self, message: str, key: str = "", source: str = "") -> None:
        self.reason = message
        self.key = key
        self.source = source
        super().__init__(self._text())

    def _text(self) -> str:
        where = ": ".join(part for part in (self.source, self.key) if part)
        return f"{where}: {self.reason}" if where else self.reason

    def located(self, source: str) -> ScenarioError:
        """The same error, naming the file it came from."""
        return ScenarioError(self.reason, self.key, source)
