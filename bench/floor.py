"""The floor: the same import and the same queries as hub, with nothing but the standard
library's sqlite3, written for speed.  bench/scale.py times hub against it.

    python bench/floor.py build SNAPSHOT.jsonl DB
    python bench/floor.py papers DB (--author NAME | --category CAT | --since DATE | --search TERM) [--page N]
    python bench/floor.py shuffle DB [-n 10]

Same schema as hub's tables (papers, authors, paper_authors, paper_categories,
paper_sources, external-content FTS5 over title/abstract/authors), same durability (WAL,
synchronous=NORMAL), same output (a JSON array of paper objects, 10 a page).  What it
leaves out is what a one-off loader can: no identity merging (every record is new), no
HTML/control-character cleaning (whitespace is collapsed), a tiny TeX-accent table,
author ids kept in an unbounded dict, indexes created after the load, and the full-text
index built once with ``rebuild``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import sys
import time
import unicodedata
from datetime import UTC, datetime

SCHEMA = """
CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE sources (id INTEGER PRIMARY KEY, spec TEXT NOT NULL, label TEXT NOT NULL);
CREATE TABLE papers (id INTEGER PRIMARY KEY, key TEXT NOT NULL, arxiv_id TEXT, version INTEGER, doi TEXT,
  title TEXT NOT NULL, abstract TEXT NOT NULL, authors TEXT NOT NULL, published TEXT, updated TEXT,
  announce_type TEXT, categories TEXT NOT NULL, primary_category TEXT, url TEXT, pdf_url TEXT, journal TEXT,
  first_seen TEXT NOT NULL, changed_at TEXT NOT NULL);
CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, folded TEXT NOT NULL, surname TEXT NOT NULL,
  given_initial TEXT NOT NULL);
CREATE TABLE paper_authors (paper_id INTEGER NOT NULL, position INTEGER NOT NULL, author_id INTEGER NOT NULL,
  published TEXT, PRIMARY KEY (paper_id, position)) WITHOUT ROWID;
CREATE TABLE paper_categories (paper_id INTEGER NOT NULL, category TEXT NOT NULL, published TEXT,
  PRIMARY KEY (paper_id, category)) WITHOUT ROWID;
CREATE TABLE paper_sources (paper_id INTEGER NOT NULL, source_id INTEGER NOT NULL, first_seen TEXT NOT NULL,
  PRIMARY KEY (paper_id, source_id)) WITHOUT ROWID;
CREATE TABLE shuffle_seen (selection TEXT NOT NULL, paper_id INTEGER NOT NULL,
  PRIMARY KEY (selection, paper_id)) WITHOUT ROWID;
CREATE VIRTUAL TABLE papers_fts USING fts5(title, abstract, authors, content='papers', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2');
"""
INDEXES = """
CREATE UNIQUE INDEX papers_key ON papers(key);
CREATE INDEX papers_published ON papers(published DESC, id DESC);
CREATE INDEX papers_doi ON papers(doi COLLATE NOCASE) WHERE doi IS NOT NULL;
CREATE INDEX papers_changed ON papers(changed_at);
CREATE UNIQUE INDEX authors_name ON authors(name);
CREATE INDEX authors_surname ON authors(surname, given_initial);
CREATE INDEX paper_authors_author ON paper_authors(author_id, published DESC, paper_id);
CREATE INDEX paper_categories_category ON paper_categories(category, published DESC, paper_id);
CREATE INDEX paper_sources_source ON paper_sources(source_id, paper_id);
"""
MONTHS = {m: i for i, m in enumerate(("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec").split(), start=1)}
ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "v": "\u030c",
           "c": "\u0327", "H": "\u030b", "u": "\u0306", "=": "\u0304", ".": "\u0307", "r": "\u030a"}
LETTERS = {"l": "ł", "L": "Ł", "o": "ø", "O": "Ø", "ss": "ß", "ae": "æ", "aa": "å", "i": "ı"}
TEX_ACCENT = re.compile(r"\\([\'`^\"~=.]|[vcHur](?=[{ ]))\s*\{?([A-Za-z])\}?")
TEX_LETTER = re.compile(r"\{?\\(ss|ae|aa|[lLoOi])(?![A-Za-z])\}? ?")
PER_PAGE = 10
COLUMNS = ("p.id, p.key, p.arxiv_id, p.version, p.doi, p.title, p.abstract, p.authors, p.published, p.updated,"
           " p.announce_type, p.categories, p.primary_category, p.url, p.pdf_url, p.journal")


def tex(name: str) -> str:
    name = TEX_ACCENT.sub(lambda m: m.group(2) + ACCENTS[m.group(1)], name)
    name = TEX_LETTER.sub(lambda m: LETTERS[m.group(1)], name)
    return unicodedata.normalize("NFC", name.replace("{", "").replace("}", ""))


def fold(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(" " if not ch.isalnum() else ch for ch in text if not unicodedata.combining(ch))
    return text.split()


def rfc_date(text: str) -> str | None:
    parts = text.split()
    if len(parts) >= 4 and parts[2] in MONTHS:
        return f"{parts[3]}-{MONTHS[parts[2]]:02d}-{int(parts[1]):02d}"
    return None


def build(snapshot: str, path: str) -> None:
    started = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA cache_size = -131072")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.executescript(SCHEMA)
    conn.execute("INSERT INTO sources VALUES (1, 'import:kaggle', 'arXiv')")
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    author_ids: dict[str, int] = {}
    papers: list[tuple[object, ...]] = []
    links: list[tuple[object, ...]] = []
    cats: list[tuple[object, ...]] = []
    new_authors: list[tuple[object, ...]] = []
    paper_id = 0

    def flush() -> None:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO papers VALUES (?,?,?,?,?,?,?,?,?,?,NULL,?,?,?,?,?,?,?)", papers)
        conn.executemany("INSERT INTO authors VALUES (?,?,?,?,?)", new_authors)
        conn.executemany("INSERT INTO paper_authors VALUES (?,?,?,?)", links)
        conn.executemany("INSERT INTO paper_categories VALUES (?,?,?)", cats)
        conn.executemany("INSERT INTO paper_sources VALUES (?,1,?)", ((p[0], now) for p in papers))
        conn.execute("COMMIT")
        for rows in (papers, links, cats, new_authors):
            rows.clear()

    with open(snapshot, "rb") as handle:
        for line in handle:
            rec = json.loads(line)
            paper_id += 1
            arxiv_id = rec["id"]
            versions = rec.get("versions") or []
            version = len(versions) or None
            published = (rfc_date(versions[0]["created"]) if versions else None) or rec.get("update_date")
            updated = (rfc_date(versions[-1]["created"]) if versions else None) or published
            names = []
            for keyname, forenames, *rest in rec.get("authors_parsed") or []:
                name = " ".join(p for p in (forenames, keyname, rest[0] if rest else "") if p)
                if "\\" in name:
                    name = tex(name)
                names.append(" ".join(name.split()))
            for position, name in enumerate(names):
                aid = author_ids.get(name)
                if aid is None:
                    aid = author_ids[name] = len(author_ids) + 1
                    tokens = fold(name) or [""]
                    new_authors.append((aid, name, " ".join(tokens), tokens[-1], tokens[0][:1] if len(tokens) > 1
                                        else ""))
                links.append((paper_id, position, aid, published))
            categories = rec.get("categories", "").split()
            for cat in dict.fromkeys(categories):
                cats.append((paper_id, cat, published))
            papers.append((
                paper_id, f"arxiv:{arxiv_id}", arxiv_id, version, rec.get("doi"), " ".join(rec["title"].split()),
                " ".join(rec["abstract"].split()), json.dumps(names, ensure_ascii=False), published, updated,
                " ".join(categories), categories[0] if categories else None, f"https://arxiv.org/abs/{arxiv_id}",
                f"https://arxiv.org/pdf/{arxiv_id}v{version}", rec.get("journal-ref"), now, now,
            ))
            if len(papers) >= 50_000:
                flush()
    flush()
    loaded = time.perf_counter()
    conn.executescript(f"BEGIN; {INDEXES} COMMIT;")
    indexed = time.perf_counter()
    conn.executescript("BEGIN; INSERT INTO papers_fts(papers_fts) VALUES ('rebuild'); COMMIT;")
    searchable = time.perf_counter()
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    print(f"floor build: load {loaded - started:.1f} s, indexes {indexed - loaded:.1f} s,"
          f" full text {searchable - indexed:.1f} s, analyze+checkpoint {time.perf_counter() - searchable:.1f} s",
          file=sys.stderr)


def emit(conn: sqlite3.Connection, ids: list[int]) -> None:
    marks = ",".join("?" * len(ids))
    rows = {r[0]: r for r in conn.execute(f"SELECT {COLUMNS} FROM papers p WHERE p.id IN ({marks})", ids)}
    labels: dict[int, list[str]] = {}
    for pid, label in conn.execute(f"SELECT ps.paper_id, s.label FROM paper_sources ps JOIN sources s"
                                   f" ON s.id = ps.source_id WHERE ps.paper_id IN ({marks})", ids):
        labels.setdefault(pid, []).append(label)
    out = []
    for pid in ids:
        (_, key, arxiv_id, version, doi, title, abstract, authors, published, updated, announce, cats, primary,
         url, pdf_url, journal) = rows[pid]
        out.append({"id": key, "arxiv_id": arxiv_id, "version": version, "doi": doi, "title": title,
                    "authors": json.loads(authors), "abstract": abstract, "published": published,
                    "updated": updated, "announce_type": announce, "categories": cats.split(),
                    "primary_category": primary, "sources": labels.get(pid, []), "url": url, "pdf_url": pdf_url,
                    "journal": journal})
    sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")


def author_ids(conn: sqlite3.Connection, name: str) -> list[int]:
    tokens = fold(name.replace(".", " "))
    surname, given = tokens[-1], tokens[:-1]
    rows = conn.execute("SELECT id, folded FROM authors WHERE surname = ? AND given_initial = ?",
                        (surname, given[0][:1] if given else "")).fetchall()
    out = []
    for aid, folded in rows:
        other = folded.split()[:-1]
        if not given or (other and (other[0] == given[0] or len(given[0]) == 1 or len(other[0]) == 1)):
            out.append(aid)
    return out


def papers(args: argparse.Namespace) -> None:
    conn = sqlite3.connect(args.db, isolation_level=None)
    offset = (args.page - 1) * PER_PAGE
    if args.author or args.category:
        if args.author:
            keys: list[object] = list(author_ids(conn, args.author))
            table, column = "paper_authors", "author_id"
        else:
            keys, table, column = [args.category], "paper_categories", "category"
        marks = ",".join("?" * len(keys))
        if len(keys) == 1:
            conn.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", keys).fetchone()
            sql = (f"SELECT paper_id FROM {table} WHERE {column} = ? ORDER BY published DESC, paper_id DESC"
                   " LIMIT ? OFFSET ?")
        else:
            conn.execute(f"SELECT count(DISTINCT paper_id) FROM {table} WHERE {column} IN ({marks})", keys).fetchone()
            sql = (f"SELECT DISTINCT paper_id, published FROM {table} WHERE {column} IN ({marks})"
                   " ORDER BY published DESC, paper_id DESC LIMIT ? OFFSET ?")
        ids = [r[0] for r in conn.execute(sql, [*keys, PER_PAGE, offset])]
    elif args.since:
        conn.execute("SELECT count(*) FROM papers WHERE published >= ?", (args.since,)).fetchone()
        ids = [r[0] for r in conn.execute("SELECT id FROM papers WHERE published >= ? ORDER BY published DESC,"
                                          " id DESC LIMIT ? OFFSET ?", (args.since, PER_PAGE, offset))]
    else:
        query = '"' + args.search.replace('"', '""') + '"'
        conn.execute("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH ?", (query,)).fetchone()
        ids = [r[0] for r in conn.execute(
            "SELECT p.id FROM papers_fts JOIN papers p ON p.id = papers_fts.rowid WHERE papers_fts MATCH ?"
            " ORDER BY bm25(papers_fts, 5.0, 1.0, 2.0), p.published DESC, p.id DESC LIMIT ? OFFSET ?",
            (query, PER_PAGE, offset))]
    emit(conn, ids)


def shuffle(args: argparse.Namespace) -> None:
    conn = sqlite3.connect(args.db, isolation_level=None)
    total = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    max_id = conn.execute("SELECT max(id) FROM papers").fetchone()[0]
    conn.execute("BEGIN IMMEDIATE")
    seen = conn.execute("SELECT count(*) FROM shuffle_seen WHERE selection = ''").fetchone()[0]
    if total - seen < args.n:
        conn.execute("DELETE FROM shuffle_seen WHERE selection = ''")
    ids: list[int] = []
    while len(ids) < min(args.n, total):
        pid = random.randint(1, max_id)
        if pid not in ids and not conn.execute("SELECT 1 FROM shuffle_seen WHERE selection = '' AND paper_id = ?",
                                               (pid,)).fetchone():
            ids.append(pid)
    conn.executemany("INSERT INTO shuffle_seen VALUES ('', ?)", [(i,) for i in ids])
    conn.execute("COMMIT")
    emit(conn, ids)


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("snapshot")
    b.add_argument("db")
    p = sub.add_parser("papers")
    p.add_argument("db")
    for option in ("--author", "--category", "--since", "--search"):
        p.add_argument(option)
    p.add_argument("--page", type=int, default=1)
    p.add_argument("--sort", default="date")
    s = sub.add_parser("shuffle")
    s.add_argument("db")
    s.add_argument("-n", type=int, default=10)
    args = parser.parse_args()
    if args.cmd == "build":
        build(args.snapshot, args.db)
    elif args.cmd == "papers":
        papers(args)
    else:
        shuffle(args)


if __name__ == "__main__":
    main()
