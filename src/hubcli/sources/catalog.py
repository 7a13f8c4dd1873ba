"""A curated catalogue of well-known journal and preprint feeds (``hub feeds catalog``).

Names are what ``hub feeds add NAME`` accepts; labels are what cards show.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    label: str
    spec: str  # a URL, or a shortcut such as biorxiv:genomics
    field: str


CATALOG: tuple[CatalogEntry, ...] = (
    CatalogEntry("nature", "Nature", "https://www.nature.com/nature.rss", "multidisciplinary"),
    CatalogEntry("nature-mi", "Nature Machine Intelligence", "https://www.nature.com/natmachintell.rss", "AI"),
    CatalogEntry("nature-comms", "Nature Communications", "https://www.nature.com/ncomms.rss", "multidisciplinary"),
    CatalogEntry("science", "Science", "https://www.science.org/action/showFeed?type=etoc&feed=rss&jc=science",
                 "multidisciplinary"),
    CatalogEntry("science-advances", "Science Advances",
                 "https://www.science.org/action/showFeed?type=etoc&feed=rss&jc=sciadv", "multidisciplinary"),
    CatalogEntry("cell", "Cell", "https://www.cell.com/cell/inpress.rss", "biology"),
    CatalogEntry("pnas", "PNAS", "https://www.pnas.org/action/showFeed?type=etoc&feed=rss&jc=pnas",
                 "multidisciplinary"),
    CatalogEntry("plos-one", "PLOS ONE", "https://journals.plos.org/plosone/feed/atom", "multidisciplinary"),
    CatalogEntry("plos-compbio", "PLOS Computational Biology", "https://journals.plos.org/ploscompbiol/feed/atom",
                 "biology"),
    CatalogEntry("jmlr", "JMLR", "https://www.jmlr.org/jmlr.xml", "machine learning"),
    CatalogEntry("biorxiv-bioinformatics", "bioRxiv (Bioinformatics)", "biorxiv:bioinformatics", "biology"),
    CatalogEntry("biorxiv-genomics", "bioRxiv (Genomics)", "biorxiv:genomics", "biology"),
    CatalogEntry("biorxiv-neuroscience", "bioRxiv (Neuroscience)", "biorxiv:neuroscience", "biology"),
    CatalogEntry("medrxiv-epidemiology", "medRxiv (Epidemiology)", "medrxiv:epidemiology", "medicine"),
    CatalogEntry("medrxiv-health-informatics", "medRxiv (Health Informatics)", "medrxiv:health_informatics",
                 "medicine"),
    CatalogEntry("arxiv-stat-ml", "arXiv (STAT.ML)", "arxiv:stat.ML", "machine learning"),
    CatalogEntry("arxiv-cv", "arXiv (CS.CV)", "arxiv:cs.CV", "AI"),
    CatalogEntry("arxiv-ro", "arXiv (CS.RO)", "arxiv:cs.RO", "robotics"),
)

BY_NAME = {entry.name: entry for entry in CATALOG}


def lookup(name: str) -> CatalogEntry | None:
    return BY_NAME.get(name.strip().lower())
