"""One way into hub: the settings, a store opened lazily, and the language of one run.

The CLI makes one ``Session`` per run (``cli/context.py``), the page one per request (over
the worker thread's own connection), the digest one per run.  Every ``api`` call takes
a session first; nothing else is passed around, and no front end opens a store itself.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from hubcli.config import Settings, load_settings
from hubcli.errors import HubError, NotFoundError

if TYPE_CHECKING:
    from hubcli.store.db import Store


class Session:
    """Settings (loaded on first use, so a bad option is reported before a database is
    created), the store (opened on first use, at most once; closed by :meth:`close`
    unless it was handed in) and the language results are meant for."""

    def __init__(self, *, db_option: str | None = None, settings: Settings | None = None,
                 store: Store | None = None, lang: str = "en") -> None:
        self.db_option = db_option
        self.lang = lang
        self._settings = settings
        self._store = store
        self._owns_store = store is None

    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.db_option)
        return self._settings

    def store(self, *, create: bool = True) -> Store | None:
        """The cache; None when it does not exist and ``create`` is false (read commands
        never create one)."""
        if self._store is None:
            self._store = open_cache(self.settings(), create=create)
        return self._store

    def reader(self) -> Store | None:
        """The cache for reading: None when there is none yet."""
        return self.store(create=False)

    def existing(self, missing: str = "library_no_cache") -> Store:
        """The cache, which must exist (NotFoundError with ``missing`` when it does not)."""
        store = self.store(create=False)
        if store is None:
            raise NotFoundError(missing)
        return store

    def close(self) -> None:
        store, self._store = self._store, None
        if store is not None and self._owns_store:
            try:
                store.close()
            except Exception:  # noqa: BLE001 - closing must not hide the real outcome
                pass


class ThreadSessions:
    """A server's way in: one connection to the cache per worker thread (sqlite3
    connections are not shared between threads), kept open with a larger page cache so it
    stays warm from one request to the next, and a :class:`Session` per request over it."""

    def __init__(self, settings: Settings, *, cache_kib: int) -> None:
        self.settings = settings
        self.cache_kib = cache_kib
        import threading  # the server's, not every command's

        self._local = threading.local()

    def _store(self) -> Store | None:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = open_cache(self.settings, create=False)
            if store is not None:
                store.keep_cache(self.cache_kib)
                self._local.store = store
        return store

    @contextmanager
    def session(self, lang: str = "en") -> Iterator[Session]:
        """A request's session over this thread's connection (None while there is no cache
        yet); after a SQLite error the connection is dropped (a damaged or replaced file is
        opened afresh next time)."""
        store = self._store()
        session = Session(settings=self.settings, store=store, lang=lang)
        try:
            yield session
        except sqlite3.Error:
            if store is not None:
                self._local.store = None
                store.conn.close()
            raise
        finally:
            session.close()  # closes only a store the request itself opened


def open_cache(settings: Settings, *, create: bool) -> Store | None:
    """The cache with the library file attached (``settings.paths.library``); a cache
    created now gets the library's papers back from the library file."""
    from hubcli.store.db import open_store

    store = open_store(settings.paths.database, create=create, library=settings.paths.library,
                       keep_backups=settings.library_backups)
    if store is not None and store.created:
        from hubcli.store.library import relink_papers

        try:
            relink_papers(store)
        except BaseException:
            store.close()
            raise
    return store


def database_error(exc: sqlite3.Error, settings: Settings) -> HubError:
    """The translated error for a SQLite failure on the cache (never a raw message)."""
    from hubcli.store.db import store_error

    return store_error(exc, settings.paths.database)
