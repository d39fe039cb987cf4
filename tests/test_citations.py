"""Citations read from a paper's own text: the arXiv ids its PDF names, and what the
library makes of them (``reader show --json``'s cites / cited_by, ``reader list --cites``).

The PDFs are made here (tests/pdfgen.py), each with a reference list in its own style.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from reader.cli import run
from reader.core.citations import INDEX_NAME, Cites, cites_index
from reader.core.library import Library
from reader.core.pdf import cached_text, extract_text, pdf_path, text_cache_path
from reader.core.snapshot import Snapshot
from tests.pdfgen import HEADING, ITEM, PARA, Placed, paper_pdf, placed_pdf

# ------------------------------------------------------------ fixture papers

OWN = "2101.00001"
CACHE_ENV = "READER_CACHE_DIR"


def hanging(lines: list[str], y: float, x: float = 72.0) -> list[Placed]:
    """A reference list as TeX sets it: each entry's first line at the margin, the rest indented;
    entries are lists of lines (so the tests choose where a line breaks)."""
    return [Placed(x + (15 if n else 0), y - 12 * n, 10, text) for n, text in enumerate(lines)]


def numbered_paper() -> bytes:
    """Numbered references ([1] ...), ids with arXiv:, in URLs, split over lines, old-style, and
    numbers that are no ids in the text."""
    body = [
        Placed(150, 740, 17, "A Paper That Cites"),
        Placed(30, 250, 20, f"arXiv:{OWN}v2 [cs.LG] 3 Jan 2021", rotated=True),
        Placed(87, 700, 10, "We build on earlier work [1, 2] and use version 1.2345 of the code,"),
        Placed(72, 688, 10, "run for 2007.99999 steps (a count, not a paper) with the settings of"),
        Placed(72, 676, 10, "doi:10.1103/PhysRevB.80.144415 throughout."),
        Placed(72, 640, 14, "References"),
    ]
    entries = [
        ["[1] A. Vahdat and J. Kautz. NVAE: A deep hierarchical variational", "autoencoder. arXiv:2007.03898, 2020."],
        ["[2] J. Ho, A. Jain, and P. Abbeel. Denoising diffusion probabilistic", "models. arXiv preprint arXiv:2006.11239v2, 2020."],
        ["[3] A. Vaswani et al. Attention is all you need. https://arxiv.org/abs/", "1706.03762, 2017."],
        ["[4] A. Dosovitskiy et al. An image is worth 16x16 words. arXiv:2010.", "11929, 2020."],
        ["[5] T. Chen et al. A simple framework. http://export.arxiv.org/pdf/2002.05709v3.pdf"],
        ["[6] J. Maldacena. The large N limit of superconformal field theories. hep-", "th/9711200, 1997."],
        ["[7] A. Okounkov. Random matrices and random permutations. arXiv:math.AG/0309136."],
        ["[8] D. P. Kingma and M. Welling. Auto-encoding variational Bayes. 1312.6114, 2013."],
        ["[9] E. Hu et al. LoRA. https://huggingface.co/papers/2106.09685 (2021)."],
        ["[10] J. Wei et al. Chain of thought. doi:10.48550/arXiv.2201.11903."],
        ["[11] A. Author. A journal paper. Phys. Rev. B 80, 144415 (2009), pp. 1101.1105.",
         "https://doi.org/10.5555/2001.12345"],
        ["[12] S. Guan et al. Collaborative learning for faster StyleGAN embedding.", "arXiv:2007.01758v1; again arXiv:2007.03898."],
    ]
    y = 620.0
    for lines in entries:
        body += hanging(lines, y)
        y -= 12 * len(lines) + 2
    return placed_pdf([body])


NUMBERED_IDS = [
    "2007.03898", "2006.11239", "1706.03762", "2010.11929", "2002.05709", "hep-th/9711200",
    "math/0309136", "1312.6114", "2106.09685", "2201.11903", "2007.01758",
]


def author_year_paper() -> bytes:
    """Author-year references in two columns, under "Bibliography", over two pages."""
    refs = [
        "Ho, J., Jain, A., and Abbeel, P. Denoising diffusion probabilistic models. arXiv 2006.11239, 2020.",
        "Kingma, D. P. and Welling, M. Auto-encoding variational Bayes. In ICLR, 2014. URL https://arxiv.org/abs/1312.6114.",
        "Rombach, R. et al. High-resolution image synthesis with latent diffusion models. CoRR abs/2112.10752, 2021.",
        "Vaswani, A. et al. Attention is all you need. https://www.alphaxiv.org/abs/1706.03762v5.",
        "Witten, E. Anti de Sitter space and holography. Adv. Theor. Math. Phys., 1998. hep-th/9802150.",
    ] * 3
    blocks = [(PARA, "Diffusion models (Ho et al., 2020) are popular; see 2006.11239 for details.")]
    blocks += [(HEADING, "Bibliography")] + [(ITEM, ref) for ref in refs]
    return paper_pdf(blocks, width=44, columns=2, lines_per_column=18)


AUTHOR_YEAR_IDS = ["2006.11239", "1312.6114", "2112.10752", "1706.03762", "hep-th/9802150"]


def unheaded_paper() -> bytes:
    """Endnotes without a references heading (a physics letter): only ids with context count."""
    return paper_pdf([
        (PARA, "Quantum criticality on a Bethe lattice has been studied before.1,2 Here we go further."),
        (ITEM, "1 D. C. Johnston, Adv. Phys. 59, 803 (2010), arXiv:1005.4392."),
        (ITEM, "2 A. Georges et al., Rev. Mod. Phys. 68, 13 (1996), cond-mat/9510091."),
        (ITEM, "3 J. M. Murray, Phys. Rev. Lett. 105, 037006 (2010); 1003.1234 is a page here."),
    ], stamp=f"arXiv:{OWN}v1 [cond-mat.str-el] 1 Jan 2021")


def put_pdf(cache: Path, arxiv_id: str, data: bytes) -> Path:
    path = pdf_path(cache, arxiv_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def cache(tmp_path) -> Path:
    return Path(os.environ[CACHE_ENV])


@pytest.mark.parametrize(
    ("paper", "expected"),
    [(numbered_paper, NUMBERED_IDS), (author_year_paper, AUTHOR_YEAR_IDS),
     (unheaded_paper, ["1005.4392", "cond-mat/9510091"])],
)
def test_cited_ids_from_fixture_papers(cache, paper, expected):
    put_pdf(cache, OWN, paper())
    result = extract_text(OWN, cache)
    assert result.error is None
    assert result.cites == expected  # in order, each once, the paper's own id left out
    # kept with the text, and read back from the cache
    stored = json.loads(text_cache_path(cache, OWN).read_text(encoding="utf-8"))
    assert stored["cites"] == expected
    again = cached_text(OWN, cache)
    assert again is not None and again.cites == expected


# ------------------------------------------------------ the library's view

DIGEST = textwrap.dedent(
    f"""\
    # 210110 Papers of the week

    https://arxiv.org/abs/{OWN} A Paper That Cites (Ann Author)
    It cites a lot.
    https://arxiv.org/abs/2007.03898 NVAE: A Deep Hierarchical Variational Autoencoder (Arash Vahdat)
    Deep.
    https://arxiv.org/abs/2007.01758 Collaborative Learning for Faster StyleGAN Embedding (Shanyan Guan)
    Fast.
    https://arxiv.org/abs/2101.00002 A Paper Citing NVAE Too (Bo Bar)
    Also cites.
    https://arxiv.org/abs/2101.00003 A Paper Without a PDF (Cy Dee)
    Nothing here.
    """
)


def cli(capsys, *args):
    code = run([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def library(tmp_path, capsys, cache):
    digest = tmp_path / "210110.md"
    digest.write_text(DIGEST, encoding="utf-8")
    assert cli(capsys, "import", digest)[0] == 0
    put_pdf(cache, OWN, numbered_paper())
    put_pdf(cache, "2101.00002", paper_pdf([(PARA, "We compare with NVAE, https://arxiv.org/abs/2007.03898.")]))
    for arxiv_id in (OWN, "2101.00002"):
        assert cli(capsys, "text", arxiv_id)[0] == 0  # extracts and caches the text
    return tmp_path


def test_show_json_cites_and_cited_by(capsys, library):
    code, out, err = cli(capsys, "show", OWN, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["cites"] == {"in_library": ["2007.03898", "2007.01758"], "others": len(NUMBERED_IDS) - 2}
    assert data["cited_by"] == []
    nvae = json.loads(cli(capsys, "show", "2007.03898", "--json")[1])
    assert nvae["cites"] is None  # its text has not been read: nothing is known
    assert nvae["cited_by"] == [OWN, "2101.00002"]
    code, out, _ = cli(capsys, "show", "2007.03898")
    assert "Cited by, in your library:" in out and "A Paper Citing NVAE Too" in out
    code, out, _ = cli(capsys, "show", OWN)
    assert "Cites, in your library:" in out and "Collaborative Learning" in out and "and 9 other arXiv papers" in out


def test_list_cites_and_cited_by(capsys, library):
    code, out, _ = cli(capsys, "list", "--cites", "https://arxiv.org/abs/2007.03898v2", "--json")
    assert code == 0 and [p["arxiv_id"] for p in json.loads(out)] == [OWN, "2101.00002"]
    code, out, _ = cli(capsys, "list", "--cited-by", OWN, "--json")
    assert [p["arxiv_id"] for p in json.loads(out)] == ["2007.03898", "2007.01758"]
    code, out, _ = cli(capsys, "list", "--cites", "1706.03762")  # not in the library: who cites it is
    assert OWN in out and "2101.00002" not in out
    code, _, err = cli(capsys, "list", "--cited-by", "2101.00003")
    assert code == 1 and err.strip() == (
        "reader: error: the text of 2101.00003 has not been read: run 'reader fetch --pdf 2101.00003', "
        "then 'reader text 2101.00003'"
    )


def test_cites_and_cited_by_in_the_query_language(capsys, library):
    def listed(*query: str) -> list[str]:
        code, out, err = cli(capsys, "list", *query, "--json")
        assert code == 0, err
        return [p["arxiv_id"] for p in json.loads(out)]

    assert listed("cites:https://arxiv.org/abs/2007.03898v2") == [OWN, "2101.00002"]
    assert listed(f"cited-by:arXiv:{OWN}") == ["2007.03898", "2007.01758"]
    assert listed(f"cited-by:{OWN} -cites:2007.03898") == ["2007.03898", "2007.01758"]
    assert listed("cites:2007.03898 OR cites:2007.01758", "--unread") == [OWN, "2101.00002"]
    assert listed("cites:2007.03898", "--cited-by", OWN) == []  # the flags are terms of the query too
    code, out, err = cli(capsys, "search", "cites:2007.03898", "--json")
    assert code == 0, err
    assert {h["arxiv_id"] for h in json.loads(out)} == {OWN, "2101.00002"}
    code, out, err = cli(capsys, "search", "cites:2007.03898 citing", "--json")
    assert code == 0 and [h["arxiv_id"] for h in json.loads(out)] == ["2101.00002"]  # and its title's word
    code, _, err = cli(capsys, "list", "cited-by:2101.00003")  # its text was never read: say what to do
    assert code == 1 and "the text of 2101.00003 has not been read: run 'reader fetch --pdf 2101.00003'" in err
    code, _, err = cli(capsys, "list", "cites:nvae")
    assert code == 1 and 'cites: wants an arXiv id' in err


def test_cites_index_is_kept_and_follows_changed_texts(library, cache):
    snapshot = Snapshot.load(Library(Path(os.environ["READER_DATA_DIR"])))
    index = cites_index(snapshot, cache)
    assert index.cited_by("2007.03898") == [OWN, "2101.00002"]
    assert (cache / INDEX_NAME).is_file()
    # a new PDF for 2101.00002 that cites something else: its old text is stale
    path = put_pdf(cache, "2101.00002", paper_pdf([(PARA, "Only StyleGAN here: arXiv:2007.01758.")]))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert cites_index(snapshot, cache).cites("2101.00002") is None
    extract_text("2101.00002", cache)
    fresh = cites_index(snapshot, cache)
    assert fresh.cited_by("2007.03898") == [OWN]
    assert fresh.cites("2101.00002") == Cites(["2007.01758"], 0)
    # the app adds what it has just extracted, without reading the cache again
    fresh.add("2101.00003", ["2007.03898", "1706.03762"])
    assert fresh.cited_by("2007.03898") == [OWN, "2101.00003"]
    assert fresh.cites("2101.00003") == Cites(["2007.03898"], 1)


def test_a_damaged_index_file_is_made_again(library, cache):
    snapshot = Snapshot.load(Library(Path(os.environ["READER_DATA_DIR"])))
    cites_index(snapshot, cache)
    (cache / INDEX_NAME).write_text("{broken", encoding="utf-8")
    assert cites_index(snapshot, cache).cited_by("2007.03898") == [OWN, "2101.00002"]
    assert json.loads((cache / INDEX_NAME).read_text(encoding="utf-8"))["format"] == 1
