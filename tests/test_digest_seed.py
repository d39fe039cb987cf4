"""The seed layout end to end: a flattened Korean many-paper post (fixture ``seed-like.txt``).

The fixture copies the structure of the real seed digest (same 17 ids, titles, author lists and
links on the same lines, the same malformed ``2006.162360`` on line 32, the trailing ``#review``)
with commentary rewritten. ``SEED_ENTRIES`` is also what ``tests/check_real_seed.py`` checks the
real file against, by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.digest import parse_file, parse_text
from reader.core.ids import is_valid_id

FIXTURE = Path(__file__).parent / "fixtures" / "digests" / "seed-like.txt"

# (id, line, title, authors, references)
SEED_ENTRIES = [
    ("2007.01758", 2, "Collaborative Learning for Faster StyleGAN Embedding",
     ["Shanyan Guan", "Ying Tai", "Bingbing Ni", "Feida Zhu", "Feiyue Huang", "Xiaokang Yang"], []),
    ("2007.01852", 2, "Language-agnostic BERT Sentence Embedding",
     ["Fangxiaoyu Feng", "Yinfei Yang", "Daniel Cer", "Naveen Arivazhagan", "Wei Wang"], []),
    ("2007.01476", 2, "Interactive Knowledge Distillation",
     ["Shipeng Fu", "Zhen Li", "Jun Xu", "Ming-Ming Cheng", "Gwanggil Jeon", "Xiaomin Yang"], []),
    ("2007.02933", 3, "Meta-Learning Symmetries by Reparameterization",
     ["Allan Zhou", "Tom Knowles", "Chelsea Finn"], []),
    ("2007.00810", 5, "On Linear Identifiability of Learned Representations",
     ["Geoffrey Roeder", "Luke Metz", "Diederik P. Kingma"], []),
    ("2007.03282", 7, "LabelEnc: A New Intermediate Supervision Method for Object Detection",
     ["Miao Hao", "Yitao Liu", "Xiangyu Zhang", "Jian Sun"], ["1912.12294"]),
    ("2007.03349", 9,
     "RIFLE: Backpropagation in Depth for Deep Transfer Learning through Re-Initializing the Fully-connected LayEr",
     ["Xingjian Li", "Haoyi Xiong", "Haozhe An", "Chengzhong Xu", "Dejing Dou"], []),
    ("2007.03496", 11, "AutoAssign: Differentiable Label Assignment for Dense Object Detection",
     ["Benjin Zhu", "Jianfeng Wang", "Zhengkai Jiang", "Fuhang Zong", "Songtao Liu", "Zeming Li", "Jian Sun"],
     ["2003.07540"]),
    ("2007.03356", 13, "Do Transformers Need Deep Long-Range Memory", ["Jack W. Rae", "Ali Razavi"], []),
    ("2007.03260", 15,
     "Lossless CNN Channel Pruning via Gradient Resetting and Convolutional Re-parameterization",
     ["Xiaohan Ding", "Tianxiang Hao", "Ji Liu", "Jungong Han", "Yuchen Guo", "Guiguang Ding"], []),
    ("2007.03074", 17, "Kernel Stein Generative Modeling",
     ["Wei-Cheng Chang", "Chun-Liang Li", "Youssef Mroueh", "Yiming Yang"], ["1907.05600", "2006.09011"]),
    ("2007.03898", 21, "NVAE: A Deep Hierarchical Variational Autoencoder", ["Arash Vahdat", "Jan Kautz"],
     ["1902.02102"]),
    ("2007.03943", 23, "Remix: Rebalanced Mixup",
     ["Hsin-Ping Chou", "Shih-Chieh Chang", "Jia-Yu Pan", "Wei Wei", "Da-Cheng Juan"], []),
    ("2007.04504", 25, "Learning Differential Equations that are Easy to Solve",
     ["Jacob Kelly", "Jesse Bettencourt", "Matthew James Johnson", "David Duvenaud"], ["2002.02798"]),
    ("2007.04964", 27, "Improving Style-Content Disentanglement in Image-to-Image Translation",
     ["Aviv Gabbay", "Yedid Hoshen"], []),
    ("2007.04589", 29,
     "InfoMax-GAN: Improved Adversarial Image Generation via Information Maximization and Contrastive Learning",
     ["Kwot Sin Lee", "Ngoc-Trung Tran", "Ngai-Man Cheung"], []),
    ("2007.04825", 31, "Fast Transformers with Clustered Attention",
     ["Apoorv Vyas", "Angelos Katharopoulos", "François Fleuret"],
     ["1812.01243", "2006.03555", "2006.03236", "2006.04768"]),
]  # fmt: skip
SEED_WARNINGS = [(32, "malformed arXiv id '2006.162360'")]
SEED_TAGS = ["review"]


def check_seed(parsed) -> None:
    """Everything the seed layout must give; shared with ``check_real_seed.py``."""
    got = [(e.arxiv_id, e.line, e.title, e.authors, e.references) for e in parsed.entries]
    assert got == SEED_ENTRIES
    assert [(w.line, w.message) for w in parsed.warnings] == SEED_WARNINGS
    assert parsed.date is None
    assert parsed.title is None
    assert parsed.tags == SEED_TAGS
    assert parsed.references == []
    assert all(e.tags == [] and e.version is None for e in parsed.entries)


@pytest.fixture(scope="module")
def seed():
    return parse_file(FIXTURE)


def test_seed_like_fixture_parses_exactly(seed):
    check_seed(seed)


def test_source_is_the_path(seed):
    assert seed.source == str(FIXTURE)


def test_the_first_line_is_preamble_not_an_entry(seed):
    assert seed.entries[0].line == 2
    assert "이번 주에 읽으면서" not in "".join(e.commentary for e in seed.entries)


def test_flattened_line_splits_commentary_between_its_entries(seed):
    first, second, third = seed.entries[:3]
    assert first.commentary.startswith("StyleGAN latent 찾기 문제.")
    assert first.commentary.endswith("(아래 NVAE 이야기도 참고!)")
    assert second.commentary.startswith("다국어 문장 임베딩을")
    assert second.commentary.endswith("손이 많이 갔을 것 같다.")
    assert third.commentary.startswith("중간 feature를")
    assert "https://" not in first.commentary + second.commentary + third.commentary


def test_entry_on_its_own_line_takes_the_next_lines_as_commentary(seed):
    entry = seed.entries[3]
    assert entry.commentary.startswith("어떤 weight를 공유할지를")
    assert "\n" not in entry.commentary


def test_multi_line_commentary_keeps_its_lines(seed):
    stein = next(e for e in seed.entries if e.arxiv_id == "2007.03074")
    assert stein.commentary.count("\n") == 2
    assert "NCSN(https://arxiv.org/abs/1907.05600)" in stein.commentary


def test_references_stay_in_the_commentary_text(seed):
    last = seed.entries[-1]
    for ref in ("(https://arxiv.org/abs/1812.01243)", "transformer(https://arxiv.org/abs/2006.03555)"):
        assert ref in last.commentary
    assert "https://arxiv.org/abs/2006.162360" in last.commentary  # malformed: kept, warned, not a reference
    assert "2006.162360" not in last.references


def test_glued_korean_reference(seed):
    ode = next(e for e in seed.entries if e.arxiv_id == "2007.04504")
    assert "https://arxiv.org/abs/2002.02798와" in ode.commentary
    assert ode.references == ["2002.02798"]


def test_trailing_review_tag_is_the_digests_not_in_commentary(seed):
    assert "#review" not in seed.entries[-1].commentary
    assert seed.entries[-1].tags == []


def test_every_id_is_valid(seed):
    assert all(is_valid_id(e.arxiv_id) for e in seed.entries)
    assert all(is_valid_id(r) for e in seed.entries for r in e.references)


def test_crlf_copy_parses_the_same(seed):
    text = FIXTURE.read_text(encoding="utf-8").replace("\n", "\r\n")
    again = parse_text(text, str(FIXTURE))
    assert [e.to_json() for e in again.entries] == [e.to_json() for e in seed.entries]
    assert again.warnings == seed.warnings


def test_json_shape(seed):
    data = seed.to_json()
    assert data["date"] is None
    assert data["entries"][0]["arxiv_id"] == "2007.01758"
    assert data["warnings"] == [{"line": 32, "message": "malformed arXiv id '2006.162360'"}]
