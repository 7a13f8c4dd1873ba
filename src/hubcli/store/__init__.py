"""The SQLite cache: schema migrations, writes (upserts), and queries."""

from hubcli.store.db import Store, open_store

__all__ = ["Store", "open_store"]
