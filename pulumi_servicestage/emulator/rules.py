"""The documented rules the emulator enforces on request bodies, as data.

Each service area lists its rules once, in its ``schemas`` module (``RULES``), and its models and
backend check exactly those: a request that breaks none of them is accepted (as far as bodies go;
state, such as a name in use, is the backend's), and one that breaks any is answered with the
area's 400 naming the rule and its source. The README's emulator section prints the same lists.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """A rule on a request body: where it applies, what it asks, and the tables that say so."""

    #: The field (or fields) it applies to, by wire path: ``deploy_strategy.rolling_release``.
    where: str
    #: What a valid request does, in a few words.
    text: str
    #: The document tables that state it (``003 Table 8``, ``004 表4-128``...).
    source: str

    def broken(self) -> ValueError:
        """The error a model validator raises when a request breaks the rule."""
        return ValueError(f"{self.text} ({self.source})")

    def message(self) -> str:
        """The rule as a backend check reports it: ``where: text (source)``."""
        return f"{self.where}: {self.text} ({self.source})"
