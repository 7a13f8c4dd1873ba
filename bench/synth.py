"""A synthetic arXiv metadata snapshot (Kaggle JSON lines) of N papers.  Standard library only.

    python bench/synth.py N OUT.jsonl [--seed 7]

Shaped like the real file (``arxiv-metadata-oai-snapshot.json``):

- ids ``YYMM.NNNN(N)`` from 2007-04 on, monthly volume growing ~12 % a year; 1-5 versions
  with RFC 2822 dates; ``update_date``; DOI on ~45 %, journal-ref on ~30 %;
- titles and abstracts (mean ~1,000 characters) from a Zipf vocabulary, with Kaggle's
  line breaks and leading spaces; a little LaTeX;
- a primary category from a skewed list of 150 real ones (cs.LG the biggest) plus 0-3 cross-lists;
- authors: mean ~5 per paper (1-12 for most, a few collaboration papers with hundreds),
  drawn with a Lotka-like skew from a pool of ~0.6 N names (common surnames shared by
  many people, ~3 % with TeX accents such as ``M\\"uller``), plus one very prolific author
  (``J\\"urgen Prolifico``, on 1.6 % of all papers: 16,000 at N = 1,000,000);
- the word ``graphene`` in ~3.7 % of papers: the full-text benchmark term.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from pathlib import Path

PROLIFIC = ("Prolifico", "J\\\"urgen", "")  # keyname, forenames, suffix
PROLIFIC_SHARE = 0.016
SEARCH_TERM = "graphene"
SEARCH_SHARE = 0.037

_COMMON_SURNAMES = (
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao Kim Lee Park Choi "
    "Smith Johnson Brown Jones Miller Davis Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson "
    "Thomas Taylor Moore Jackson Martin Thompson White Harris Clark Lewis Robinson Walker Young Allen King "
    "Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Torres "
    "Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Peterson Cooper Reed Bailey Bell Kelly "
    "Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray James Hughes Price Sanders Myers Long Ross "
    "Kumar Singh Sharma Gupta Patel Das Yadav Suzuki Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Sato "
    "Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Rossi Russo Ferrari Esposito Bianchi "
    "Romano Colombo Ricci Marino Petrov Ivanov Smirnov Kuznetsov Popov Novak Dubois Durand Leroy Moreau "
    "Laurent Simon Michel Lefebvre Silva Santos Oliveira Souza Costa Pereira Nguyen Tran Le Pham"
).split()
_ACCENTED = ("M\\\"uller", "Schr\\\"oder", "G\\'omez", "Jim\\'enez", "Dvo\\v{r}\\'ak", "Pawe{\\l}czyk",
             "M\\o ller", "Sch\\\"afer", "Ng\\^o", "Garc\\'ia", "H\\\"ansch", "Erd\\H{o}s", "Fran\\c{c}ois")
_GIVEN = (
    "Wei Jing Yan Hui Min Lei Jun Ying Xin Yu Hao Lin Jie Tao Yi Qiang Ming Hong Bo Chao Fang Lan Ping Xiao "
    "Yong Jian Hua Ning Rui Peng Kai Ji-Woo Min-Jun Seo-yeon Hiroshi Takashi Yuki Kenji Akira "
    "James John Robert Michael William David Richard Joseph Charles Thomas Daniel Matthew Anthony Mark Paul "
    "Steven Andrew Joshua Kevin Brian George Edward Ronald Timothy Jason Jeffrey Ryan Jacob Gary Nicholas "
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Nancy Lisa Margaret Sandra "
    "Ashley Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie Rebecca Laura Sharon Cynthia "
    "Hans Klaus Stefan Andreas Markus Thomas Wolfgang Giulia Marco Alessandro Luca Francesco Matteo Sofia "
    "Pierre Jean Marie Camille Nicolas Olivier Ivan Dmitry Sergey Alexei Natalia Olga Elena Rahul Amit "
    "Priya Anil Sanjay Deepak Lucas Gabriel Mateus Ana Carlos Juan Jos\\'e Mar\\'ia Ren\\'e Zo\\\"e"
).split()
_SYLLABLES = ("ka ra to mi ne so lu vi ba de fo gu ha ji ko le mo nu pa qui re si ta ve wo xa yo ze "
              "an ber cor dal el fin gor hal in jor kel lon mar nor or pel quin ros sel tor ul ven").split()
_CATEGORIES = (  # real arXiv categories, roughly by size (cs.LG the biggest)
    "cs.LG cs.CV cs.CL cs.AI stat.ML quant-ph hep-ph hep-th astro-ph.GA astro-ph.CO cond-mat.mes-hall "
    "cond-mat.str-el cond-mat.mtrl-sci math.OC math.PR math.AP math.CO gr-qc cs.RO cs.IT math.IT cs.CR "
    "cs.DS cs.NE cs.IR cs.SI eess.SP eess.IV physics.optics nucl-th hep-ex astro-ph.SR astro-ph.HE "
    "cond-mat.stat-mech cond-mat.soft math.NA cs.NA math.DG math.AG math.NT math.GT math.RT math.FA "
    "math.DS q-bio.NC q-bio.QM econ.EM q-fin.ST physics.flu-dyn physics.comp-ph cs.HC cs.SE cs.DC cs.NI "
    "astro-ph.EP astro-ph.IM cond-mat.supr-con cond-mat.quant-gas cond-mat.dis-nn "
    "cond-mat.other hep-lat nucl-ex math-ph math.MP math.AT math.CA math.CT math.CV math.GM math.GN "
    "math.GR math.HO math.KT math.LO math.MG math.OA math.QA math.RA math.SG math.SP math.ST stat.TH "
    "stat.ME stat.AP stat.CO stat.OT nlin.AO nlin.CD nlin.CG nlin.PS nlin.SI physics.acc-ph "
    "physics.ao-ph physics.app-ph physics.atm-clus physics.atom-ph physics.bio-ph physics.chem-ph "
    "physics.class-ph physics.data-an physics.ed-ph physics.gen-ph physics.geo-ph physics.hist-ph "
    "physics.ins-det physics.med-ph physics.plasm-ph physics.pop-ph physics.soc-ph physics.space-ph "
    "q-bio.BM q-bio.CB q-bio.GN q-bio.MN q-bio.OT q-bio.PE q-bio.SC q-bio.TO q-fin.CP q-fin.EC "
    "q-fin.GN q-fin.MF q-fin.PM q-fin.PR q-fin.RM q-fin.TR econ.GN econ.TH eess.AS eess.SY cs.AR "
    "cs.CC cs.CE cs.CG cs.CY cs.DB cs.DL cs.DM cs.ET cs.FL cs.GL cs.GR cs.GT cs.LO cs.MA cs.MM cs.MS "
    "cs.OH cs.OS cs.PF cs.PL cs.SC cs.SD cs.SY"
).split()


def _pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3, 3, 4))))


class Generator:
    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.rng = rng = random.Random(seed)
        vocab = sorted({_pseudo_word(rng) for _ in range(30_000)})
        rng.shuffle(vocab)
        vocab = [w for w in vocab if w != SEARCH_TERM][:20_000]
        self.vocab = ("the of and a in we to is for that with on this by are as an be our from which "
                      "model method results show data learning network quantum field energy").split() + vocab
        self.cum = list(_cumulative([1 / (i + 1) ** 1.05 for i in range(len(self.vocab))]))
        self.sentences = [self._sentence() for _ in range(40_000)]
        self.cat_cum = list(_cumulative([1 / (i + 1) ** 0.9 for i in range(len(_CATEGORIES))]))
        self.pool = max(1000, int(n * 0.6))
        self.names: list[tuple[str, str, str] | None] = [None] * self.pool
        self.surname_cum = list(_cumulative([1 / (i + 1) ** 0.7 for i in range(len(_COMMON_SURNAMES))]))

    def _sentence(self) -> str:
        words = self.rng.choices(self.vocab, cum_weights=self.cum, k=self.rng.randint(8, 24))
        if self.rng.random() < 0.08:
            words.insert(self.rng.randrange(len(words)), f"$O(n^{self.rng.randint(2, 4)})$")
        return " ".join(words).capitalize() + "."

    def name(self, index: int) -> tuple[str, str, str]:
        found = self.names[index]
        if found is None:
            rng = random.Random(index * 7919 + 13)
            if rng.random() < 0.55:
                surname = rng.choices(_COMMON_SURNAMES, cum_weights=self.surname_cum)[0]
            elif rng.random() < 0.06:
                surname = rng.choice(_ACCENTED)
            else:
                surname = _pseudo_word(rng).capitalize() + rng.choice(("", "", "son", "ski", "ez", "ini", "ov"))
            given = rng.choice(_GIVEN)
            style = rng.random()
            if style < 0.25:
                forenames = given[0] + "."
            elif style < 0.35:
                forenames = f"{given[0]}. {rng.choice(_GIVEN)[0]}."
            elif style < 0.45:
                forenames = f"{given} {rng.choice(_GIVEN)[0]}."
            else:
                forenames = given
            suffix = "Jr" if rng.random() < 0.003 else ""
            found = self.names[index] = (surname, forenames, suffix)
        return found

    def authors(self) -> list[tuple[str, str, str]]:
        rng = self.rng
        if rng.random() < 0.002:  # a collaboration paper: hundreds of authors from one block
            start = rng.randrange(0, max(1, self.pool - 4000))
            count = rng.randint(150, 1200)
            return [self.name(start + i) for i in range(min(count, self.pool - start))]
        count = 1 + min(int(rng.expovariate(1 / 3.1)), 40)
        picked = []
        for _ in range(count):
            index = int(self.pool * rng.random() ** 1.7)
            picked.append(self.name(min(index, self.pool - 1)))
        return list(dict.fromkeys(picked))

    def text(self, lo: int, hi: int) -> str:
        return " ".join(self.rng.choices(self.sentences, k=self.rng.randint(lo, hi)))

    def record(self, arxiv_id: str, created: list[str], update_date: str) -> dict[str, object]:
        rng = self.rng
        title_words = rng.choices(self.vocab, cum_weights=self.cum, k=rng.randint(5, 14))
        abstract = self.text(6, 12)
        roll = rng.random()
        if roll < SEARCH_SHARE * 0.3:
            title_words.insert(rng.randrange(len(title_words)), SEARCH_TERM)
        elif roll < SEARCH_SHARE:
            abstract += f" We apply this to {SEARCH_TERM} sheets."
        title = " ".join(title_words).capitalize()
        if len(title) > 60:  # Kaggle keeps the arXiv line breaks
            cut = title.rfind(" ", 0, 60)
            title = title[:cut] + "\n  " + title[cut + 1 :]
        authors = self.authors()
        if rng.random() < PROLIFIC_SHARE:
            authors.insert(rng.randrange(len(authors) + 1), PROLIFIC)
        cats = [_CATEGORIES[i] for i in _pick_indices(rng, self.cat_cum, 1 + min(int(rng.expovariate(1.2)), 3))]
        display = [f"{f} {k}".strip() + (f" {s}" if s else "") for k, f, s in authors]
        author_text = ", ".join(display[:-1]) + (" and " if len(display) > 1 else "") + display[-1]
        year = 2000 + int(arxiv_id[:2])
        return {
            "id": arxiv_id,
            "submitter": display[0].replace("\\", ""),
            "authors": author_text,
            "title": title,
            "comments": f"{rng.randint(4, 40)} pages, {rng.randint(1, 12)} figures",
            "journal-ref": f"Phys. Rev. {rng.choice('ABDEL')} {rng.randint(50, 110)}, {rng.randint(1, 9999)} ({year})"
            if rng.random() < 0.3 else None,
            "doi": f"10.{rng.randint(1000, 9999)}/j.{rng.randint(10000, 99999)}.{arxiv_id}" if rng.random() < 0.45
            else None,
            "report-no": None,
            "categories": " ".join(cats),
            "license": "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
            "abstract": "  " + _wrap(abstract) + "\n",
            "versions": [{"version": f"v{i + 1}", "created": c} for i, c in enumerate(created)],
            "update_date": update_date,
            "authors_parsed": [[k, f, s] for k, f, s in authors],
        }


def _cumulative(weights: list[float]) -> list[float]:
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out


def _pick_indices(rng: random.Random, cum: list[float], k: int) -> list[int]:
    chosen: list[int] = []
    population = range(len(cum))
    while len(chosen) < k:
        i = rng.choices(population, cum_weights=cum)[0]
        if i not in chosen:
            chosen.append(i)
    return chosen


def _wrap(text: str, width: int = 78) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _rfc2822(year: int, month: int, day: int, rng: random.Random) -> str:
    import datetime

    weekday = _DAYS[datetime.date(year, month, day).weekday()]
    return (f"{weekday}, {day} {_MONTHS[month - 1]} {year} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:"
            f"{rng.randint(0, 59):02d} GMT")


def months(n: int) -> list[tuple[int, int, int]]:
    """(year, month, papers) from 2007-04, growing ~12 % a year, summing to n."""
    spans = [(2007 + (3 + i) // 12, (3 + i) % 12 + 1) for i in range(12 * 19 - 3)]  # 2007-04 .. 2025-12
    weights = [math.exp(0.12 * i / 12) for i in range(len(spans))]
    total = sum(weights)
    counts = [int(n * w / total) for w in weights]
    counts[-1] += n - sum(counts)
    return [(y, m, c) for (y, m), c in zip(spans, counts, strict=True)]


def generate(n: int, out: Path, seed: int = 7) -> None:
    gen = Generator(n, seed)
    rng = gen.rng
    with out.open("w", encoding="utf-8") as handle:
        for year, month, count in months(n):
            width = 4 if (year, month) < (2015, 1) else 5
            days = sorted(rng.randint(1, 28) for _ in range(count))
            for seq, day in enumerate(days, start=1):
                arxiv_id = f"{year % 100:02d}{month:02d}.{seq:0{width}d}"
                created = [_rfc2822(year, month, day, rng)]
                vy, vm, vd = year, month, day
                while rng.random() < 0.4 and len(created) < 5:
                    vm += rng.randint(1, 8)
                    vy, vm = vy + (vm - 1) // 12, (vm - 1) % 12 + 1
                    vd = rng.randint(1, 28)
                    created.append(_rfc2822(vy, vm, vd, rng))
                update = f"{vy:04d}-{vm:02d}-{vd:02d}"
                handle.write(json.dumps(gen.record(arxiv_id, created, update)) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.n, args.out, args.seed)


if __name__ == "__main__":
    main()
