"""Nothing identifying in any log (issue 16 item 2): the real stack as `make run` starts it (python -m
api.launcher: supervisord, action server, Rasa, gateway, ready process), a whole chat through it (youth
messages with an address and a phone number, sockets on both sides, a claim, messages both ways, a refused
`?token=` socket, a close), then the complete captured output of every process is scanned for client
addresses, the youth token, the counsellor's JWT and every piece of message text."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path

import httpx
import pytest

from api.embedded_redis import free_port
from api.services.accounts import create_account
from tests.conftest import RedisServer
from tests.integration.helpers import events_of, new_conversation, open_socket, send
from tests.integration.test_launcher import start_launcher, stop
from tests.security.socket_client import auth_result, ws

pytestmark = pytest.mark.e2e

YOUTH_TEXTS = (
    "hej jeg har det virkelig skidt med min familie",
    "jeg bor på Nørregade 12, 2. th i Odense",
    "mit nummer er 22 33 44 55 hvis I vil ringe",
)
COUNSELLOR_TEXT = "Hej, jeg hedder Maja og jeg er her for dig nu"
SECRET_FRAGMENTS = ("Nørregade", "22 33 44 55", "22334455", "Maja", "virkelig skidt", "hvis I vil ringe")


def client_address_lines(output: str, server_ports: set[int]) -> list[str]:
    """Lines that hold a client address: uvicorn's ('127.0.0.1', 53412) tuples, "WebSocket /path" lines,
    or a loopback address with a port that is none of the servers' (a client's ephemeral port)."""
    found = []
    for line in output.splitlines():
        if re.search(r"\(\s*'(127\.0\.0\.1|::1)'\s*,\s*\d+\s*\)", line) or '"WebSocket ' in line:
            found.append(line)
            continue
        for match in re.finditer(r"(?:127\.0\.0\.1|\[::1\]|::1):(\d+)", line):
            if int(match.group(1)) not in server_ports:
                found.append(line)
    return found


def test_a_whole_chat_leaves_no_address_token_or_text_in_any_log(redis_server: RedisServer, tmp_path: Path) -> None:
    ports = {"LYT_PORT": free_port(), "LYT_RASA_PORT": free_port(), "LYT_ACTIONS_PORT": free_port()}
    launch = start_launcher(tmp_path, redis_server.url, ports, "logscan")
    try:
        launch.wait_ready()
        base = launch.url
        asyncio.run(create_account(redis_server.url, "maja", "password-maja", "counsellor"))
        jwt = httpx.post(f"{base}/api/v1/auth/token", data={"username": "maja", "password": "password-maja"}).json()[
            "access_token"
        ]
        auth = {"Authorization": f"Bearer {jwt}"}
        cid, token = new_conversation(base)
        assert auth_result(ws(base, f"/api/v1/conversations/{cid}/ws?token={token}"), token) == 4401  # refused
        with open_socket(ws(base, f"/api/v1/conversations/{cid}/ws"), token) as youth_socket:
            for text in YOUTH_TEXTS:
                events_of(send(base, cid, token, text))
            events_of(send(base, cid, token, "/ask_human"))
            with open_socket(ws(base, "/api/v1/counsellor/ws"), jwt) as dashboard:
                assert json.loads(dashboard.recv(timeout=10))["type"] == "queue"
                httpx.post(f"{base}/api/v1/queue/{cid}/claim", headers=auth, timeout=10).raise_for_status()
                with open_socket(ws(base, f"/api/v1/counsellor/conversations/{cid}/ws"), jwt) as chat:
                    chat.send(json.dumps({"type": "typing"}))
                    chat_url = f"{base}/api/v1/counsellor/conversations/{cid}"
                    httpx.post(f"{chat_url}/messages", json={"text": COUNSELLOR_TEXT}, headers=auth).raise_for_status()
                    events_of(send(base, cid, token, "tak fordi du skriver, Maja"))
                    youth_socket.send(json.dumps({"type": "typing"}))
                    time.sleep(1.0)
                    httpx.post(f"{chat_url}/notes", json={"text": "Nørregade 12, ring 22 33 44 55"}, headers=auth)
                    httpx.post(f"{chat_url}/close", json={"outcome": "helped"}, headers=auth).raise_for_status()
        time.sleep(2.0)  # let every process's output reach the log
    finally:
        stop(launch)
    output = launch.output()
    assert "Lyt is running" in output and len(output.splitlines()) > 10  # the capture works

    server_ports = set(ports.values()) | {int(redis_server.url.rsplit(":", 1)[1].split("/")[0])}
    assert client_address_lines(output, server_ports) == []
    assert token not in output
    assert jwt not in output and jwt.split(".")[2] not in output
    for text in (*YOUTH_TEXTS, COUNSELLOR_TEXT, *SECRET_FRAGMENTS):
        assert text not in output, f"message text in the log: {text!r}"
