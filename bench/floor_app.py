"""The floor of bench/cast.py: the least a cast must do, served by the same gunicorn settings.

One POST inserts one row into a table with the same kind of unique constraint
as the ballots (one per voter per session), in a write transaction on the same
engine settings, and signs it with Ed25519. Nothing else: no letter, no chain,
no audit event, no page.
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, request
from sqlalchemy import Column, Integer, MetaData, String, Table, UniqueConstraint, insert

from app.db import _WRITE, make_engine

metadata = MetaData()
floor_ballot = Table(
    "floor_ballot",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, nullable=False),
    Column("voter", String(64), nullable=False),
    Column("sig", String(100), nullable=False),
    UniqueConstraint("session_id", "voter"),
)
engine = make_engine(os.environ["DATABASE_URL"])
metadata.create_all(engine, checkfirst=True)
key = Ed25519PrivateKey.generate()
app = Flask(__name__)


@app.get("/healthz")
def healthz() -> str:
    return "ok"


@app.post("/floor/<int:n>")
def cast(n: int) -> tuple[str, int]:
    voter = request.form["voter"]
    signature = key.sign(f'{{"session":1,"seq":{n},"voter":"{voter}"}}'.encode()).hex()[:100]
    with engine.connect().execution_options(**{_WRITE: True}) as connection, connection.begin():
        connection.execute(insert(floor_ballot).values(session_id=1, voter=voter, sig=signature))
    return "", 201
