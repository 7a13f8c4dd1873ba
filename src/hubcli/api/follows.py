"""``hub follow``, ``unfollow``, ``following``: what the radar watches."""

from __future__ import annotations

from hubcli.api.reading import follow_reason
from hubcli.api.results import Data, Result
from hubcli.api.session import Session
from hubcli.errors import NotFoundError, UsageError
from hubcli.text import strip_controls


def _clean(text: str | None) -> str:
    """A name as feed text is kept: no control characters (terminal escapes, bidi
    overrides), whitespace folded."""
    return " ".join(strip_controls(text or "").split())


def target(session: Session, name: str | None, topic: str | None, category: str | None) -> tuple[str, str]:
    """Exactly one of an author name, a topic, a category, canonicalised."""
    given = [(k, clean) for k, v in (("author", name), ("topic", topic), ("category", category))
             if (clean := _clean(v))]
    if len(given) != 1:
        raise UsageError("follow_one_target")
    kind, value = given[0]
    if kind == "category":
        from hubcli.filters import make_filters

        value = make_filters(categories=[value]).categories[0]
    elif kind == "topic":
        from hubcli.topics import resolve_topic

        value = resolve_topic(value, session.settings()).name
    return kind, value


def follow(session: Session, name: str | None, topic: str | None, category: str | None) -> Result:
    from hubcli.store.follows import add_follow

    kind, value = target(session, name, topic, category)
    store = session.store(create=True)
    assert store is not None
    result = Result()
    result.note("info", "followed" if add_follow(store, kind, value) else "already_following",
                what=follow_reason(kind, value))
    if kind == "author":
        result.note("hint", "follow_backfill_hint")
    return result


def unfollow(session: Session, name: str | None, topic: str | None, category: str | None) -> Result:
    from hubcli.store.follows import remove_follow

    kind, value = target(session, name, topic, category)
    store = session.store(create=False)
    if store is None or not remove_follow(store, kind, value):
        raise NotFoundError("not_following", what=follow_reason(kind, value))
    result = Result()
    result.note("info", "unfollowed", what=follow_reason(kind, value))
    return result


def following(session: Session) -> Data:
    from hubcli.store.follows import list_follows

    store = session.store(create=False)
    found = list_follows(store) if store else []
    # cleaned when shown too: a name an older hub stored with its controls never replays them
    result = Data(items=[{"kind": f.kind, "value": _clean(f.value), "since": _clean(f.added_at)} for f in found])
    if not found:
        result.note("hint", "following_none")
    return result
