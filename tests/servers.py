"""The real database servers the tests talk to (SPEC §8), and the one way tests reach them.

`server_engine(kind)` returns a read-write engine on the server's `test` database, or skips the test
with the reason when the server (or its driver) is not there. Under `CI=true` it never skips: the error
propagates and the test fails, because CI must prove the database code against real servers.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import Engine, create_engine

SERVERS = {
    "postgresql": ("psycopg", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    "mariadb": ("pymysql", "mysql+pymysql://root@127.0.0.1:3306/test"),
}


def server_engine(kind: str) -> tuple[Engine, str]:
    module, url = SERVERS[kind]
    try:
        __import__(module)
        engine = create_engine(url)
        with engine.connect():
            pass
    except Exception as err:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"{kind} not available: {type(err).__name__}")
    return engine, url
