"""arXiv's category taxonomy (arxiv.org/category_taxonomy): what ``hub feeds add arxiv:CAT``
accepts without ``--no-check``.  arXiv answers an unknown category with an empty feed, so
reading the feed cannot tell ``cs.XYZ`` from a quiet weekend; this list can."""

from __future__ import annotations

import difflib

_GROUPS = {
    "cs": "AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS NA NE NI OH OS PF PL"
          " RO SC SD SE SI SY",
    "econ": "EM GN TH",
    "eess": "AS IV SP SY",
    "math": "AC AG AP AT CA CO CT CV DG DS FA GM GN GR GT HO IT KT LO MG MP NA NT OA OC PR QA RA RT SG SP ST",
    "astro-ph": "CO EP GA HE IM SR",
    "cond-mat": "dis-nn mes-hall mtrl-sci other quant-gas soft stat-mech str-el supr-con",
    "nlin": "AO CD CG PS SI",
    "physics": "acc-ph ao-ph app-ph atm-clus atom-ph bio-ph chem-ph class-ph comp-ph data-an ed-ph flu-dyn gen-ph"
               " geo-ph hist-ph ins-det med-ph optics plasm-ph pop-ph soc-ph space-ph",
    "q-bio": "BM CB GN MN NC OT PE QM SC TO",
    "q-fin": "CP EC GN MF PM PR RM ST TR",
    "stat": "AP CO ME ML OT TH",
}
# archives without subject classes, and every archive's own whole feed (``arxiv:cs``)
_ARCHIVES = ("gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph", "nucl-ex", "nucl-th", "quant-ph", *_GROUPS)

KNOWN_CATEGORIES: frozenset[str] = frozenset(
    [*_ARCHIVES, *(f"{archive}.{sub}" for archive, subs in _GROUPS.items() for sub in subs.split())])


def is_known(category: str) -> bool:
    """Whether ``category`` (as :func:`hubcli.sources.arxiv.normalize_category` writes it) is arXiv's."""
    return category in KNOWN_CATEGORIES


def close_categories(category: str, limit: int = 3) -> list[str]:
    """The known categories nearest ``category``, whatever its case, best first and only
    those nearly as close as the best: in a known archive by subject (``cs.LGG`` -> ``cs.LG``,
    ``cs.XYZ`` -> ``cs.SY``, ``cs.CY``; ``cs.XX`` -> none), else by the whole name
    (``mathh.AP`` -> ``math.AP``)."""
    archive, _, subject = category.casefold().partition(".")
    same = {c.partition(".")[2].casefold(): c for c in KNOWN_CATEGORIES if "." in c and c.split(".")[0] == archive}
    wanted, pool, cutoff = (subject, same, 0.4) if same and subject else (
        category.casefold(), {c.casefold(): c for c in KNOWN_CATEGORIES}, 0.75)
    scored = sorted(((difflib.SequenceMatcher(None, wanted, name).ratio(), name) for name in pool), reverse=True)
    best = scored[0][0] if scored else 0.0
    return [pool[name] for score, name in scored[:limit] if score >= max(cutoff, best - 0.1)]
