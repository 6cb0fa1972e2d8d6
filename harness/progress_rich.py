"""The terminal renderer of ``harness run``'s progress: a live rich panel under the permanent lines."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from harness.progress import Progress, broker_summary, load_summary

OUTCOME_STYLES = {"passed": "green", "failed": "red", "error": "bold red", "skipped": "yellow"}


class RichProgress(Progress):
    """Permanent lines (phases, failed checks, findings) scroll above a panel refreshed four times a second."""

    def __init__(self, stream: TextIO, owns_stream: bool = False) -> None:
        super().__init__(stream, owns_stream)
        self.console = Console(file=stream, highlight=False)
        self._spinner = Spinner("dots", style="cyan")
        self._live = Live(console=self.console, get_renderable=self.render, refresh_per_second=4,
                          transient=True, redirect_stdout=False, redirect_stderr=False)
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._live.start()
            self._started = True

    def stop(self) -> None:
        if self._started:
            self._live.stop()
            self._started = False

    def emit(self, text: str) -> None:
        self.console.print(Text(f"harness: {text}"))

    def render(self) -> RenderableType:
        s = self.state
        head = Table.grid(padding=(0, 1))
        head.add_row(self._spinner, Text(s.phase, style="bold"), Text(s.current or s.detail, overflow="ellipsis",
                                                                      no_wrap=True), Text(s.elapsed(), style="dim"))
        rows: list[RenderableType] = [head]
        if s.phase == "checks" and s.total:
            rows.append(self._checks_row())
        rows += [Text(line, style="dim") for line in (load_summary(s.load), broker_summary(s.broker)) if line]
        return Group(*rows)

    def _checks_row(self) -> RenderableType:
        s = self.state
        row = Table.grid(padding=(0, 1))
        counts = Text.assemble(*((f"{s.outcomes[k]} {k}  ", OUTCOME_STYLES[k]) for k in OUTCOME_STYLES
                                 if s.outcomes[k]))
        row.add_row(ProgressBar(total=s.total, completed=s.done, width=30), Text(f"{s.done}/{s.total}"), counts)
        return row
