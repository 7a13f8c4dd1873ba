"""Schema changes as an append-only list of small named steps.

Each step runs once, in order, inside one transaction with the ``user_version`` bump, so
a crash mid-migration leaves the previous schema intact.  Never edit a released step:
append a new one.  Tests open a database made by the first schema and migrate it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from hubcli.text import lazy_pattern

if TYPE_CHECKING:  # sqlite-utils costs ~75 ms to import: only migrations and bulk writes load it
    import sqlite_utils

Migration = Callable[["sqlite_utils.Database"], None]


def m001_initial(db: sqlite_utils.Database) -> None:
    _m001_tables(db)
    _m001_links(db)
    _m001_fts(db)


def _m001_tables(db: sqlite_utils.Database) -> None:
    """m001, in this order: state, sources, papers, authors."""
    db.table("state").create({"key": str, "value": str}, pk="key")
    db.table("sources").create(
        {
            "id": int, "spec": str, "kind": str, "label": str, "label_custom": int, "url": str,
            "subscribed": int, "added_at": str, "etag": str, "last_modified": str,
            "last_sync_at": str, "last_status": str, "last_error": str, "feed_title": str,
        },
        pk="id",
        not_null={"spec", "kind", "label", "url", "subscribed", "added_at", "label_custom"},
        defaults={"subscribed": 1, "label_custom": 0},
    )
    db.table("sources").create_index(["spec"], unique=True)
    db.table("papers").create(
        {
            "id": int, "key": str, "arxiv_id": str, "version": int, "doi": str, "title": str,
            "abstract": str, "authors": str, "published": str, "updated": str,
            "announce_type": str, "categories": str, "primary_category": str, "url": str,
            "pdf_url": str, "journal": str, "first_seen": str, "changed_at": str,
        },
        pk="id",
        not_null={"key", "title", "abstract", "authors", "categories", "first_seen", "changed_at"},
        defaults={"abstract": "", "authors": "[]", "categories": ""},
    )
    db.table("papers").create_index(["key"], unique=True)
    db.execute("CREATE INDEX papers_published ON papers(published DESC, id DESC)")
    db.execute("CREATE INDEX papers_doi ON papers(doi COLLATE NOCASE) WHERE doi IS NOT NULL")
    db.execute("CREATE INDEX papers_changed ON papers(changed_at)")
    db.table("authors").create({"id": int, "name": str, "folded": str, "surname": str, "given_initial": str},
                         pk="id", not_null={"name", "folded", "surname", "given_initial"})
    db.table("authors").create_index(["name"], unique=True)
    db.table("authors").create_index(["surname", "given_initial"])


def _m001_links(db: sqlite_utils.Database) -> None:
    """m001, in this order: the link tables and shuffle's memory."""
    db.execute(
        "CREATE TABLE paper_authors (paper_id INTEGER NOT NULL, position INTEGER NOT NULL,"
        " author_id INTEGER NOT NULL, published TEXT, PRIMARY KEY (paper_id, position)) WITHOUT ROWID"
    )
    db.execute("CREATE INDEX paper_authors_author ON paper_authors(author_id, published DESC, paper_id)")
    db.execute(
        "CREATE TABLE paper_categories (paper_id INTEGER NOT NULL, category TEXT NOT NULL,"
        " published TEXT, PRIMARY KEY (paper_id, category)) WITHOUT ROWID"
    )
    db.execute("CREATE INDEX paper_categories_category ON paper_categories(category, published DESC, paper_id)")
    db.execute(
        "CREATE TABLE paper_sources (paper_id INTEGER NOT NULL, source_id INTEGER NOT NULL,"
        " first_seen TEXT NOT NULL, PRIMARY KEY (paper_id, source_id)) WITHOUT ROWID"
    )
    db.execute("CREATE INDEX paper_sources_source ON paper_sources(source_id, paper_id)")
    db.execute(
        "CREATE TABLE shuffle_seen (selection TEXT NOT NULL, paper_id INTEGER NOT NULL,"
        " PRIMARY KEY (selection, paper_id)) WITHOUT ROWID"
    )


def _m001_fts(db: sqlite_utils.Database) -> None:
    """m001, last: the full-text index."""
    # full text over title, abstract and authors, kept in step by sqlite-utils' triggers
    db.table("papers").enable_fts(
        ["title", "abstract", "authors"], fts_version="FTS5",
        tokenize="unicode61 remove_diacritics 2", create_triggers=True,
    )
    # re-index only when indexed text changes, not on every bookkeeping update
    db.execute("DROP TRIGGER papers_au")
    db.execute(
        "CREATE TRIGGER papers_au AFTER UPDATE OF title, abstract, authors ON papers BEGIN"
        " INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors)"
        " VALUES ('delete', old.id, old.title, old.abstract, old.authors);"
        " INSERT INTO papers_fts (rowid, title, abstract, authors)"
        " VALUES (new.id, new.title, new.abstract, new.authors); END"
    )


def m002_brief_cache(db: sqlite_utils.Database) -> None:
    """``hub brief``: model answers keyed by model, prompt and parameters (see hubcli.brief.cache)."""
    db.execute(
        "CREATE TABLE brief_cache (key TEXT PRIMARY KEY, model TEXT NOT NULL, created_at TEXT NOT NULL,"
        " text TEXT NOT NULL, usage TEXT)"
    )


def m003_follows(db: sqlite_utils.Database) -> None:
    """Followed authors, topics and categories (``hub follow``)."""
    db.execute(
        "CREATE TABLE follows (kind TEXT NOT NULL, value TEXT NOT NULL COLLATE NOCASE, added_at TEXT NOT NULL,"
        " PRIMARY KEY (kind, value))"
    )


def m004_bulk_fts(db: sqlite_utils.Database) -> None:
    """The full-text triggers leave alone papers with ``id >= fts_from`` (a ``state`` row).

    ``hub import`` writes papers without the per-row trigger and adds their full-text rows
    in bulk (see ``hubcli.store.bulk``): within one batch's transaction, or for a whole
    bulk load, ``fts_from`` marks the first paper not indexed yet.  Without the row the
    triggers work as before.
    """
    pending = "coalesce((SELECT CAST(value AS INTEGER) FROM state WHERE key = 'fts_from'), {row}.id + 1)"
    for name in ("papers_ai", "papers_ad", "papers_au"):
        db.execute(f"DROP TRIGGER {name}")
    db.execute(
        f"CREATE TRIGGER papers_ai AFTER INSERT ON papers WHEN new.id < {pending.format(row='new')} BEGIN"
        " INSERT INTO papers_fts (rowid, title, abstract, authors)"
        " VALUES (new.id, new.title, new.abstract, new.authors); END"
    )
    db.execute(
        f"CREATE TRIGGER papers_ad AFTER DELETE ON papers WHEN old.id < {pending.format(row='old')} BEGIN"
        " INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors)"
        " VALUES ('delete', old.id, old.title, old.abstract, old.authors); END"
    )
    db.execute(
        "CREATE TRIGGER papers_au AFTER UPDATE OF title, abstract, authors ON papers"
        f" WHEN old.id < {pending.format(row='old')} BEGIN"
        " INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors)"
        " VALUES ('delete', old.id, old.title, old.abstract, old.authors);"
        " INSERT INTO papers_fts (rowid, title, abstract, authors)"
        " VALUES (new.id, new.title, new.abstract, new.authors); END"
    )


def rejoin_categories(joined: str, whole: list[str]) -> list[str]:
    """A paper's categories from the space-joined column of m001 and its link rows.

    m001 stored ``"Scientific Community"`` as two words in ``papers.categories`` but whole
    in ``paper_categories``: the longest run of words that is a stored link value is one
    category, any other word is one.  A repeat (an old re-sync joined a subject once more:
    ``Scientific Community Scientific Community``) is kept once.
    """
    words = joined.split()
    known = set(whole)
    found: list[str] = []
    start = 0
    while start < len(words):
        end = next(end for end in range(len(words), start, -1)
                   if end == start + 1 or " ".join(words[start:end]) in known)
        found.append(" ".join(words[start:end]))
        start = end
    return list(dict.fromkeys(found))


# papers.categories that split back exactly on single spaces and need no JSON escaping
_PLAIN_CATEGORIES = ("(categories NOT GLOB '*[^A-Za-z0-9._ -]*' AND instr(categories, '  ') = 0"
                     " AND categories = trim(categories))")


def m005_categories(db: sqlite_utils.Database) -> None:
    """Categories keep any text: ``papers.categories`` becomes a JSON list (as ``authors``
    is) of the categories as the feed wrote them, and ``paper_categories`` holds one match
    key per category (``hubcli.categories.category_key``: arXiv categories unchanged,
    journal subjects without case or whitespace), so ``--category "scientific community"``
    finds ``Scientific Community`` through the same index.

    Nothing is lost: a paper whose link rows hold a category with a space (or whose column
    is not plain ASCII words) is rebuilt from its link rows, which kept each category whole;
    every other paper's column splits on spaces exactly (arXiv's, in SQL).
    """
    import json

    from hubcli.categories import category_key, category_keys

    conn = db.conn
    odd = conn.execute(
        "SELECT p.id, p.categories, p.published,"
        " (SELECT json_group_array(c.category) FROM paper_categories c WHERE c.paper_id = p.id) FROM papers p"
        " WHERE p.id IN (SELECT paper_id FROM paper_categories WHERE instr(category, ' ') > 0)"
        f" OR NOT {_PLAIN_CATEGORIES}"
    ).fetchall()
    for paper_id, joined, published, whole in odd:
        cats = rejoin_categories(joined or "", json.loads(whole))
        conn.execute("UPDATE papers SET categories = ? WHERE id = ?", (json.dumps(cats, ensure_ascii=False), paper_id))
        conn.execute("DELETE FROM paper_categories WHERE paper_id = ?", (paper_id,))
        conn.executemany("INSERT INTO paper_categories(paper_id, category, published) VALUES (?,?,?)",
                         [(paper_id, key, published) for key in category_keys(cats)])
    conn.execute(  # as json.dumps writes it; the rows just rebuilt are JSON now, never plain
        "UPDATE papers SET categories = CASE WHEN categories = '' THEN '[]'"
        " ELSE '[\"' || replace(categories, ' ', '\", \"') || '\"]' END"
        f" WHERE {_PLAIN_CATEGORIES}"
    )
    # the remaining link rows (arXiv's are their own keys): re-keyed one distinct value at a time
    for (category,) in conn.execute("SELECT DISTINCT category FROM paper_categories").fetchall():
        key = category_key(category)
        if key != category:
            conn.execute("INSERT OR IGNORE INTO paper_categories(paper_id, category, published)"
                         " SELECT paper_id, ?, published FROM paper_categories WHERE category = ?", (key, category))
            conn.execute("DELETE FROM paper_categories WHERE category = ?", (category,))


# arXiv's feed URLs as they stood when m006 was written (frozen here: a migration never changes)
_M006_ARXIV_FEED_RE = lazy_pattern(
    r"^https?://(?:rss\.arxiv\.org|export\.arxiv\.org|(?:www\.)?arxiv\.org)/(?:rss|atom)/"
    r"(?P<cats>[a-z][a-z\-]*(?:\.[a-z][a-z\-]*)?(?:(?:\+|%2B)[a-z][a-z\-]*(?:\.[a-z][a-z\-]*)?)*)/?"
    r"(?:\?version=2\.0)?$",
    re.IGNORECASE,
)


def _m006_category(cat: str) -> str:
    if "." not in cat:
        return cat.lower()
    archive, sub = cat.split(".", 1)
    return f"{archive.lower()}.{sub.upper() if len(sub) == 2 else sub.lower()}"


def m006_source_folder(db: sqlite_utils.Database) -> None:
    """Subscriptions get a ``folder`` (OPML folders survive import and export), and a URL
    subscription to one of arXiv's own feeds (``https://rss.arxiv.org/rss/cs.IR``) merges
    into the shortcut ``arxiv:cs.IR``: one row, its papers' links moved over.  A shortcut
    row that already exists keeps its label and feed state; otherwise the URL row becomes
    the shortcut (its custom label kept, validators dropped: the address changed)."""
    db.execute("ALTER TABLE sources ADD COLUMN folder TEXT")
    rows = db.execute("SELECT id, url, subscribed, label, label_custom FROM sources WHERE kind = 'url'").fetchall()
    for sid, url, subscribed, label, custom in rows:
        match = _M006_ARXIV_FEED_RE.match(url or "")
        if not match:
            continue
        cats = [_m006_category(c) for c in re.split(r"\+|%2B", match.group("cats"), flags=re.IGNORECASE)]
        spec = "arxiv:" + "+".join(cats)
        target = db.execute("SELECT id, subscribed FROM sources WHERE spec = ?", [spec]).fetchone()
        if target is None:
            db.execute(
                "UPDATE sources SET spec = ?, kind = 'arxiv', url = ?, etag = NULL, last_modified = NULL,"
                " label = CASE WHEN label_custom THEN label ELSE ? END WHERE id = ?",
                [spec, "https://rss.arxiv.org/rss/" + "+".join(cats),
                 f"arXiv ({'+'.join(c.upper() for c in cats)})", sid],
            )
            continue
        tid, target_subscribed = target
        db.execute(
            "INSERT OR IGNORE INTO paper_sources(paper_id, source_id, first_seen)"
            " SELECT paper_id, ?, first_seen FROM paper_sources WHERE source_id = ?", [tid, sid])
        db.execute("DELETE FROM paper_sources WHERE source_id = ?", [sid])
        if subscribed and not target_subscribed:
            db.execute("UPDATE sources SET subscribed = 1, label = CASE WHEN ? THEN ? ELSE label END,"
                       " label_custom = max(label_custom, ?) WHERE id = ?", [custom, label, custom, tid])
        db.execute("DELETE FROM sources WHERE id = ?", [sid])


def m007_library(db: sqlite_utils.Database) -> None:
    """The user's library (``hubcli.store.library``): per-paper state that is never lost.

    ``library`` holds one row per paper with any state (saved, note, read, dismissed),
    keyed by the paper's row id, which a re-sync, a newer version or a re-import keeps
    (papers are updated in place by key); ``key`` repeats ``papers.key`` so a backup or
    a repair can re-link a row.  A row without any state left is deleted.  Tags are
    their own table (names unique without case) with a ``(tag_id, paper_id)`` link, so
    ``--tag T`` is one index range.  Partial indexes serve ``--saved`` (newest saved
    first), ``--unread`` and the dismissed papers left out of shuffle and radar.
    """
    db.execute(
        "CREATE TABLE library (paper_id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, saved_at TEXT,"
        " note TEXT, read_at TEXT, dismissed_at TEXT, changed_at TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX library_saved ON library(saved_at DESC, paper_id) WHERE saved_at IS NOT NULL")
    db.execute("CREATE INDEX library_read ON library(paper_id) WHERE read_at IS NOT NULL")
    db.execute("CREATE INDEX library_dismissed ON library(paper_id) WHERE dismissed_at IS NOT NULL")
    db.execute("CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE)")
    db.execute(
        "CREATE TABLE paper_tags (tag_id INTEGER NOT NULL, paper_id INTEGER NOT NULL,"
        " PRIMARY KEY (tag_id, paper_id)) WITHOUT ROWID"
    )
    db.execute("CREATE INDEX paper_tags_paper ON paper_tags(paper_id, tag_id)")


def m008_library_file(db: sqlite_utils.Database) -> None:
    """The library leaves the cache for a file of its own (``hubcli.store.library_file``):
    the library, its tags and the follows are set aside here as ``v7_*`` tables (a step
    needs nothing but the cache), and the next open copies them into the library file
    beside the cache, then drops them (``library_file.move_out``).  The subscriptions stay
    in ``sources`` as the cache's working copy (with the feed state) and are copied too."""
    for name in ("library", "tags", "paper_tags", "follows"):
        db.execute(f"ALTER TABLE {name} RENAME TO v7_{name}")
    for index in ("library_saved", "library_read", "library_dismissed", "paper_tags_paper"):
        db.execute(f"DROP INDEX IF EXISTS {index}")


def m009_stemmed_search(db: sqlite_utils.Database) -> None:
    """Full-text search forgives word forms: the index is rebuilt with the Porter stemmer
    (``bandit`` finds "Bandits", ``recommend`` finds "recommendation"); a quoted phrase
    still matches its words in order, side by side.  Papers a bulk load has not indexed yet
    (``id >= fts_from``) are left for the load to add, as the triggers do."""
    db.execute("DROP TABLE papers_fts")
    db.execute(
        "CREATE VIRTUAL TABLE papers_fts USING fts5(title, abstract, authors, content='papers',"
        " content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.execute(
        "INSERT INTO papers_fts (rowid, title, abstract, authors) SELECT id, title, abstract, authors FROM papers"
        " WHERE id < coalesce((SELECT CAST(value AS INTEGER) FROM state WHERE key = 'fts_from'), id + 1)"
    )


def m010_tldrs(db: sqlite_utils.Database) -> None:
    """Per-paper TL;DRs (``hub papers --tldr``, see ``hubcli.store.tldrs``): one row per
    paper key, paper version (``v3``, or a hash of title and abstract when the source has
    no versions), model and language, so each paper is summarised once.  ``created_at``
    also counts the papers summarised today against ``[llm] tldr_per_day``."""
    db.execute(
        "CREATE TABLE tldrs (paper_key TEXT NOT NULL, version TEXT NOT NULL, model TEXT NOT NULL,"
        " lang TEXT NOT NULL, text TEXT NOT NULL, created_at TEXT NOT NULL,"
        " PRIMARY KEY (paper_key, version, model, lang)) WITHOUT ROWID"
    )
    db.execute("CREATE INDEX tldrs_created ON tldrs(created_at)")


MIGRATIONS: list[tuple[str, Migration]] = [
    ("m001_initial", m001_initial),
    ("m002_brief_cache", m002_brief_cache),
    ("m003_follows", m003_follows),
    ("m004_bulk_fts", m004_bulk_fts),
    ("m005_categories", m005_categories),
    ("m006_source_folder", m006_source_folder),
    ("m007_library", m007_library),
    ("m008_library_file", m008_library_file),
    ("m009_stemmed_search", m009_stemmed_search),
    ("m010_tldrs", m010_tldrs),
]
LATEST = len(MIGRATIONS)


def apply(conn: sqlite3.Connection, current: int) -> None:
    """Apply every step after ``current``; each in its own transaction."""
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    for number, (_name, step) in enumerate(MIGRATIONS, start=1):
        if number <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            step(db)
            conn.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
