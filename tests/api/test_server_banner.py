"""`lagesbild serve`, the command the Docker image runs, answers without a `server: uvicorn` banner."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import TEST_SECRET, database_url_for, drop_schema
from tests.live_server import free_port

pytestmark = pytest.mark.slow  # migrates a fresh database first: ~45 s on a loaded machine


def test_serve_sends_no_server_banner_and_the_security_headers(tmp_path, test_today):
    database_url = database_url_for(tmp_path, "banner_" + tmp_path.name[-8:])
    port = free_port()
    env = {
        **os.environ,
        "LAGESBILD_DATABASE_URL": database_url,
        "LAGESBILD_DATA_DIR": str(tmp_path),
        "LAGESBILD_SECRET_KEY": TEST_SECRET,
        "LAGESBILD_ENVIRONMENT": "test",
        "LAGESBILD_CLOCK_AT": test_today.isoformat(),
        "LAGESBILD_SCHEDULER_ENABLED": "false",
    }
    server = subprocess.Popen(
        [sys.executable, "-c", "from api.cli import app; app()", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        response = None
        for _ in range(600):  # migrations first: up to 60 s on a loaded machine
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                time.sleep(0.1)
        assert response is not None, "the server did not start"
        assert "server" not in response.headers
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in response.headers  # plain HTTP, no setting
        login = httpx.get(f"http://127.0.0.1:{port}/login", timeout=5)
        assert login.status_code == 200 and "server" not in login.headers
        assert "frame-ancestors 'none'" in login.headers["content-security-policy"]
    finally:
        server.terminate()
        server.wait(timeout=20)
        drop_schema(database_url)
