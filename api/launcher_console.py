"""The console of `make run`: every child's output prefixed with its name, and restarts said out loud.

A supervisord event listener (`[eventlistener:console]` in the configuration api/launcher.py writes). It
receives each child's output as PROCESS_LOG events and prints it line by line as `rasa     | ...`, and
turns PROCESS_STATE events into warnings: a child that died, one that failed to start (supervisord
retries with a growing delay), a crash loop (`CRASH_LOOP_DEATHS` deaths within `CRASH_LOOP_WINDOW`
seconds), and one supervisord gave up on (FATAL). Its stdout is supervisord's event protocol; what it
prints goes to stderr, which supervisord passes to its own stdout.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections import deque
from typing import BinaryIO, TextIO

CRASH_LOOP_DEATHS = 3
CRASH_LOOP_WINDOW = 600.0
COLOURS = ("36", "33", "32", "35", "34", "96", "93")
LOUD = "1;31"


class Console:
    """Prefixes output lines per process and reports deaths; `out` is where it prints."""

    def __init__(self, out: TextIO, names: list[str], colour: bool) -> None:
        self.out = out
        self.width = max((len(n) for n in names), default=8)
        self.colour = colour
        self.colours = {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(names)}
        self.partial: dict[tuple[str, str], str] = {}
        self.deaths: dict[str, deque[float]] = {}

    def _paint(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.colour else text

    def line(self, name: str, text: str) -> None:
        text = redact_text_fields(text)
        prefix = self._paint(self.colours.get(name, "37"), f"{name:<{self.width}} |")
        self.out.write(f"{prefix} {text}\n")

    def loud(self, name: str, text: str) -> None:
        self.out.write(self._paint(LOUD, f"{name:<{self.width}} | !!! {text}") + "\n")

    def output(self, name: str, channel: str, data: str) -> None:
        key = (name, channel)
        lines = (self.partial.pop(key, "") + data).split("\n")
        if lines[-1]:
            self.partial[key] = lines[-1]
        for text in lines[:-1]:
            self.line(name, text.rstrip("\r"))
        self.out.flush()

    def state(self, event: str, fields: dict[str, str], now: float | None = None) -> None:
        name = fields.get("processname", "?")
        if event == "PROCESS_STATE_EXITED" and fields.get("expected") == "0":
            self._died(name, "died unexpectedly; supervisord restarts it now", now)
        elif event == "PROCESS_STATE_BACKOFF":
            tries = fields.get("tries", "?")
            self._died(name, f"exited while starting (attempt {tries}); supervisord retries after {tries} s", now)
        elif event == "PROCESS_STATE_FATAL":
            self.loud(name, "CRASH LOOP: supervisord gave up restarting it (too many failed starts in a row).")
            self.loud(name, "The gateway keeps serving triage and the safety message; /readyz says degraded.")
            self.loud(name, "Read its output above, fix the cause, and run `make run` again.")
        elif event == "PROCESS_STATE_RUNNING" and name in self.deaths:
            self.line(name, f"running again (pid {fields.get('pid', '?')})")
        self.out.flush()

    def _died(self, name: str, text: str, now: float | None) -> None:
        now = time.monotonic() if now is None else now
        deaths = self.deaths.setdefault(name, deque())
        deaths.append(now)
        while deaths and now - deaths[0] > CRASH_LOOP_WINDOW:
            deaths.popleft()
        self.loud(name, text)
        if len(deaths) >= CRASH_LOOP_DEATHS:
            minutes = CRASH_LOOP_WINDOW / 60
            self.loud(name, f"CRASH LOOP: it died {len(deaths)} times in the last {minutes:.0f} minutes.")


# Rasa's structured log lines carry the message (e.g. "rest.message.received.timeout" at error level, text=...):
# the console blanks every JSON "text" field of every child's output before it is printed.
_TEXT_FIELD = re.compile(r'("text"\s*:\s*)"(?:[^"\\]|\\.)*"')


def redact_text_fields(text: str) -> str:
    return _TEXT_FIELD.sub(r'\1"[redacted]"', text) if '"text"' in text else text


def parse_fields(text: str) -> dict[str, str]:
    return dict(token.split(":", 1) for token in text.split() if ":" in token)


def serve(console: Console, events_in: BinaryIO, protocol_out: TextIO) -> None:
    """supervisord's listener protocol: READY, read one header line and its payload, answer OK; repeat."""
    while True:
        protocol_out.write("READY\n")
        protocol_out.flush()
        header = events_in.readline()
        if not header:
            return
        headers = parse_fields(header.decode())
        payload = events_in.read(int(headers.get("len", "0"))).decode("utf-8", "replace")
        event = headers.get("eventname", "")
        if event.startswith("PROCESS_LOG"):
            meta, _, data = payload.partition("\n")
            fields = parse_fields(meta)
            console.output(fields.get("processname", "?"), fields.get("channel", "stdout"), data)
        elif event.startswith("PROCESS_STATE"):
            console.state(event, parse_fields(payload))
        protocol_out.write("RESULT 2\nOK")
        protocol_out.flush()


def main() -> None:
    names = [n for n in os.environ.get("LYT_CONSOLE_NAMES", "").split(",") if n]
    console = Console(sys.stderr, names, colour=os.environ.get("LYT_CONSOLE_COLOUR") == "1")
    serve(console, sys.stdin.buffer, sys.stdout)


if __name__ == "__main__":
    main()
