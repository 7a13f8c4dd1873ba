"""One paper by any id hub prints or accepts, or by a card number of the last listing
(``hub show``, ``open``, ``similar``, ``note`` and every library command), and the cards
a listing showed, remembered for those numbers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hubcli.api.session import Session
from hubcli.errors import NotFoundError
from hubcli.models import Paper

if TYPE_CHECKING:
    from hubcli.store.db import Store


def find(session: Session, ident: str) -> Paper:
    """The paper ``ident`` names: an id, or a card number of the last listing
    (NotFoundError when it is not stored, or no such card was shown)."""
    from hubcli.resolve import paper_ref
    from hubcli.store.papers import find_paper, load_papers

    store = session.reader()
    text = ident.strip()
    if store is not None and _is_card_number(text):
        found = load_papers(store.conn, resolve_refs(store, [text]))
        if found:
            return found[0]
    paper = find_paper(store, paper_ref(ident)) if store else None
    if paper is None:
        raise NotFoundError("paper_not_found", ident=ident)
    return paper


def _is_card_number(text: str) -> bool:
    """A plain number (arXiv ids always have a dot or a slash; "²" and "１" are digits to
    Python too, never card numbers)."""
    return text.isascii() and text.isdigit()


def resolve_refs(store: Store, refs: Sequence[str]) -> list[int]:
    """Row ids for what the user typed: anything ``hub show`` takes, or a card number of
    the last listing (a plain number: arXiv ids always have a dot or a slash).  An unknown
    one raises :class:`NotFoundError` naming it; repeats are kept once, in order."""
    from hubcli.resolve import paper_ref
    from hubcli.store.cards import last_listing
    from hubcli.store.papers import find_paper_id

    listing: tuple[int, list[int]] | None = None
    found: list[int] = []
    for ref in refs:
        text = ref.strip()
        if _is_card_number(text):
            listing = listing or last_listing(store)
            pid = _card(listing, text)
        else:
            found_id = find_paper_id(store.conn, paper_ref(text))
            if found_id is None:
                raise NotFoundError("library_unknown_id", id=text)
            pid = found_id
        if pid not in found:
            found.append(pid)
    return found


def _card(listing: tuple[int, list[int]], text: str) -> int:
    start, ids = listing
    if not ids:
        raise NotFoundError("library_no_listing", number=text)
    number = int(text) if len(text) <= 18 else -1  # no card has a 19-digit number (nor int() 5,000 digits)
    if not start <= number < start + len(ids):
        raise NotFoundError("library_no_card", number=text, first=start, last=start + len(ids) - 1)
    return ids[number - start]


def remember_cards(session: Session, paper_ids: Sequence[int], start: int = 1) -> None:
    """The cards just shown (card ``start`` first), for ``hub save 3``: best effort, so a
    busy or read-only database only loses the numbers, never the listing."""
    if not paper_ids:
        return
    import sqlite3

    from hubcli.errors import HubError
    from hubcli.store.cards import remember_listing

    try:
        store = session.store(create=False)
        if store is not None:
            remember_listing(store, paper_ids, start)
    except (sqlite3.Error, HubError, OSError):
        pass
