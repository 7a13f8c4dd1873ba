"""Build feeds in the publishers' real formats for tests (arXiv RSS 2024+, arXiv API Atom,
journal RSS 1.0).  Text is XML-escaped here exactly once, as publishers do."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape


@dataclass
class Item:
    arxiv_id: str
    title: str
    authors: list[str]
    abstract: str = "We study things."
    version: int = 1
    announce: str = "new"
    categories: list[str] = field(default_factory=lambda: ["cs.AI"])
    doi: str | None = None
    journal_ref: str | None = None


def arxiv_rss(category: str, items: list[Item], *, date: str = "Mon, 27 Apr 2026 00:00:00 -0400") -> bytes:
    """An rss.arxiv.org feed as published since 2024."""
    parts = [
        '<?xml version=\'1.0\' encoding=\'UTF-8\'?>\n'
        '<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'version="2.0">\n  <channel>\n'
        f"    <title>{escape(category)} updates on arXiv.org</title>\n"
        f"    <link>http://rss.arxiv.org/rss/{escape(category)}</link>\n"
        f"    <description>{escape(category)} updates on the arXiv.org e-print archive.</description>\n"
        f"    <pubDate>{date}</pubDate>\n"
    ]
    for item in items:
        cats = "".join(f"      <category>{escape(c)}</category>\n" for c in item.categories)
        extra = ""
        if item.doi:
            extra += f"      <arxiv:DOI>{escape(item.doi)}</arxiv:DOI>\n"
        if item.journal_ref:
            extra += f"      <arxiv:journal_reference>{escape(item.journal_ref)}</arxiv:journal_reference>\n"
        description = (f"arXiv:{item.arxiv_id}v{item.version} Announce Type: {item.announce} \n"
                       f"Abstract: {item.abstract}")
        parts.append(
            "    <item>\n"
            f"      <title>{escape(item.title)}</title>\n"
            f"      <link>https://arxiv.org/abs/{item.arxiv_id}</link>\n"
            f"      <description>{escape(description)}</description>\n"
            f"      <guid isPermaLink=\"false\">oai:arXiv.org:{item.arxiv_id}v{item.version}</guid>\n"
            f"{cats}"
            f"      <pubDate>{date}</pubDate>\n"
            f"      <arxiv:announce_type>{item.announce}</arxiv:announce_type>\n"
            "      <dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>\n"
            f"{extra}"
            f"      <dc:creator>{escape(', '.join(item.authors))}</dc:creator>\n"
            "    </item>\n"
        )
    parts.append("  </channel>\n</rss>\n")
    return "".join(parts).encode("utf-8")


def arxiv_api(items: list[Item], *, total: int | None = None, published: str = "2024-01-15T10:00:00Z") -> bytes:
    """An export.arxiv.org/api/query answer (Atom)."""
    entries = []
    for item in items:
        authors = "".join(f"    <author>\n      <name>{escape(a)}</name>\n    </author>\n" for a in item.authors)
        cats = "".join(f'    <category term="{escape(c)}" scheme="http://arxiv.org/schemas/atom"/>\n'
                       for c in item.categories)
        doi = f"    <arxiv:doi>{escape(item.doi)}</arxiv:doi>\n" if item.doi else ""
        entries.append(
            "  <entry>\n"
            f"    <id>http://arxiv.org/abs/{item.arxiv_id}v{item.version}</id>\n"
            f"    <updated>{published}</updated>\n"
            f"    <published>{published}</published>\n"
            f"    <title>{escape(item.title)}</title>\n"
            f"    <summary>{escape(item.abstract)}</summary>\n"
            f"{authors}{doi}"
            f'    <link href="https://arxiv.org/abs/{item.arxiv_id}v{item.version}" rel="alternate"'
            ' type="text/html"/>\n'
            f'    <link title="pdf" href="https://arxiv.org/pdf/{item.arxiv_id}v{item.version}" rel="related" '
            'type="application/pdf"/>\n'
            f'    <arxiv:primary_category term="{escape(item.categories[0])}"/>\n'
            f"{cats}"
            "  </entry>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
        '  <id>https://arxiv.org/api/test</id>\n'
        "  <title>arXiv Query: search_query=test</title>\n"
        "  <updated>2026-04-12T22:59:06Z</updated>\n"
        f"  <opensearch:totalResults>{total if total is not None else len(items)}</opensearch:totalResults>\n"
        "  <opensearch:startIndex>0</opensearch:startIndex>\n"
        + "".join(entries)
        + "</feed>\n"
    ).encode("utf-8")


def journal_rss1(title: str, items: list[dict[str, object]]) -> bytes:
    """A journal RSS 1.0 feed with dc and prism (Nature-style: one dc:creator per author)."""
    about = "".join(f'        <rdf:li rdf:resource="{escape(str(i["link"]))}"/>\n' for i in items)
    body = []
    for i in items:
        creators = "".join(f"    <dc:creator>{escape(a)}</dc:creator>\n" for a in i.get("authors", []))  # type: ignore[union-attr]
        doi = f"    <prism:doi>{escape(str(i['doi']))}</prism:doi>\n" if i.get("doi") else ""
        body.append(
            f'  <item rdf:about="{escape(str(i["link"]))}">\n'
            f"    <title>{escape(str(i['title']))}</title>\n"
            f"    <link>{escape(str(i['link']))}</link>\n"
            f"    <description>{escape(str(i.get('abstract', '')))}</description>\n"
            f"{creators}"
            f"    <dc:date>{i.get('date', '2024-07-18')}</dc:date>\n"
            f"{doi}"
            f"    <prism:publicationName>{escape(title)}</prism:publicationName>\n"
            "  </item>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/">\n'
        '  <channel rdf:about="http://example.test/journal.rss">\n'
        f"    <title>{escape(title)}</title>\n    <link>http://example.test/</link>\n"
        "    <description>Journal feed</description>\n"
        f"    <items>\n      <rdf:Seq>\n{about}      </rdf:Seq>\n    </items>\n  </channel>\n"
        + "".join(body)
        + "</rdf:RDF>\n"
    ).encode("utf-8")
