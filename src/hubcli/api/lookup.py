"""One paper by any id hub prints or accepts (``hub show``, ``open``, ``similar``)."""

from __future__ import annotations

from hubcli.api.session import Session
from hubcli.errors import NotFoundError
from hubcli.models import Paper


def find(session: Session, ident: str) -> Paper:
    """The paper ``ident`` names (NotFoundError when it is not stored)."""
    from hubcli.resolve import paper_ref
    from hubcli.store.papers import find_paper

    store = session.reader()
    paper = find_paper(store, paper_ref(ident)) if store else None
    if paper is None:
        raise NotFoundError("paper_not_found", ident=ident)
    return paper
