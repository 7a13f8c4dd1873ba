"""The cards of the last listing a person read (panels, plain or Markdown), so that a card
number they type (``hub save 3``) names the paper that card showed."""

from __future__ import annotations

import json
from collections.abc import Sequence

from hubcli.store.db import Store

_LISTING_KEY = "library_last_listing"


def remember_listing(store: Store, paper_ids: Sequence[int], start: int = 1) -> None:
    """Keep the row ids of the cards just shown (card ``start`` is the first) for ``hub save 3``."""
    with store.transaction():
        store.set_state(_LISTING_KEY, json.dumps({"start": start, "ids": list(paper_ids)}))


def last_listing(store: Store) -> tuple[int, list[int]]:
    """The cards of the last listing: (the first card's number, their row ids)."""
    try:
        data = json.loads(store.get_state(_LISTING_KEY) or "{}")
    except ValueError:
        data = {}
    if isinstance(data, list):  # the first form: the ids alone, from card 1
        data = {"start": 1, "ids": data}
    start = data.get("start", 1) if isinstance(data, dict) else 1
    ids = data.get("ids", []) if isinstance(data, dict) else []
    return (start if isinstance(start, int) else 1), [int(i) for i in ids if isinstance(i, int)]
