"""The console of `make run` (supervisord event listener) and the supervisord configuration the launcher writes."""

from __future__ import annotations

import io
import shlex
from pathlib import Path

from api.launcher import process_commands, supervisord_config
from api.launcher_console import CRASH_LOOP_DEATHS, CRASH_LOOP_WINDOW, Console, serve


def console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(out, ["redis", "actions", "rasa", "gateway"], colour=False), out


def test_output_is_prefixed_per_process_and_split_only_at_line_ends() -> None:
    view, out = console()
    view.output("rasa", "stdout", "loading the mo")
    view.output("gateway", "stdout", "started\n")
    view.output("rasa", "stdout", "del\nRasa server is up\n")
    assert out.getvalue().splitlines() == [
        "gateway | started",
        "rasa    | loading the model",
        "rasa    | Rasa server is up",
    ]


def test_a_death_is_loud_and_the_third_in_the_window_is_called_a_crash_loop() -> None:
    view, out = console()
    for i in range(CRASH_LOOP_DEATHS):
        view.state("PROCESS_STATE_EXITED", {"processname": "rasa", "expected": "0"}, now=100.0 + i)
    lines = out.getvalue().splitlines()
    assert lines[0] == "rasa    | !!! died unexpectedly; supervisord restarts it now"
    assert sum("CRASH LOOP" in line for line in lines) == 1 and "CRASH LOOP" in lines[-1]


def test_deaths_far_apart_are_no_crash_loop_and_expected_exits_are_quiet() -> None:
    view, out = console()
    for i in range(CRASH_LOOP_DEATHS):
        view.state("PROCESS_STATE_EXITED", {"processname": "rasa", "expected": "0"}, now=i * (CRASH_LOOP_WINDOW + 1))
    view.state("PROCESS_STATE_EXITED", {"processname": "gateway", "expected": "1"}, now=0.0)
    assert "CRASH LOOP" not in out.getvalue()
    assert "gateway" not in out.getvalue()


def test_a_process_supervisord_gives_up_on_is_reported() -> None:
    view, out = console()
    view.state("PROCESS_STATE_BACKOFF", {"processname": "actions", "tries": "2"})
    view.state("PROCESS_STATE_FATAL", {"processname": "actions"})
    text = out.getvalue()
    assert "attempt 2" in text and "retries after 2 s" in text
    assert "CRASH LOOP: supervisord gave up" in text and "/readyz says degraded" in text


def test_the_listener_speaks_supervisords_protocol() -> None:
    log = b"processname:rasa groupname:rasa pid:7 channel:stdout\nhello\n"
    state = b"processname:rasa groupname:rasa from_state:RUNNING expected:0 pid:7"
    events = (
        b"ver:3.0 server:lyt serial:1 pool:console poolserial:1 eventname:PROCESS_LOG_STDOUT len:%d\n%s"
        b"ver:3.0 server:lyt serial:2 pool:console poolserial:2 eventname:PROCESS_STATE_EXITED len:%d\n%s"
    ) % (len(log), log, len(state), state)
    view, out = console()
    protocol = io.StringIO()
    serve(view, io.BytesIO(events), protocol)
    assert protocol.getvalue() == "READY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\n"
    assert out.getvalue().splitlines() == [
        "rasa    | hello",
        "rasa    | !!! died unexpectedly; supervisord restarts it now",
    ]


def test_every_child_is_restarted_killed_with_supervisord_and_bound_to_loopback(tmp_path: Path) -> None:
    env = {"LYT_PORT": "8000", "LYT_RASA_PORT": "5005", "LYT_ACTIONS_PORT": "5055", "LYT_EMBEDDED_REDIS_PORT": "6379"}
    commands = process_commands(env)
    assert list(commands) == ["redis", "actions", "rasa", "gateway", "ready"]
    config = supervisord_config(commands, tmp_path)
    programs = config.split("[program:")[1:]
    assert len(programs) == len(commands)
    for section in programs:
        assert "autorestart=true" in section and "stopasgroup=true" in section
        command = shlex.split(section.split("command=", 1)[1].splitlines()[0])
        assert command[1:4] == ["--pdeathsig", "KILL", "--"]
    for name in ("actions", "rasa", "gateway"):
        assert commands[name][commands[name].index("--interface" if name != "gateway" else "--host") + 1] == "127.0.0.1"


def test_rasa_log_lines_never_print_message_text() -> None:
    """Rasa logs `rest.message.received.timeout` with the message as `text=` at error level."""
    from api.launcher_console import redact_text_fields

    line = '{"text": "mit nummer er [telefon] hvis I vil ringe", "event": "rest.message.received.timeout"}'
    assert "hvis I vil ringe" not in redact_text_fields(line)
    assert '"event": "rest.message.received.timeout"' in redact_text_fields(line)
    assert redact_text_fields('{"text": "a \\"b\\" c", "n": 1}') == '{"text": "[redacted]", "n": 1}'
    assert redact_text_fields("rasa ready") == "rasa ready"


def test_make_run_starts_rasa_through_the_log_filter() -> None:
    """As docker-compose.yml does: bot/quiet_rasa.py (tests/security/test_rasa_logs.py runs it for real)."""
    env = {"LYT_PORT": "8000", "LYT_RASA_PORT": "5005", "LYT_ACTIONS_PORT": "5055", "LYT_EMBEDDED_REDIS_PORT": "6379"}
    rasa = process_commands(env)["rasa"]
    assert rasa[0].endswith(".venv-rasa/bin/python") and rasa[1:4] == ["-m", "bot.quiet_rasa", "run"]
    assert "--debug" not in rasa and "-vv" not in rasa
