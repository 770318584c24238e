"""Words counted: between spaces, and one by one in Chinese, Japanese and Korean, which write no spaces."""

from __future__ import annotations

import pytest

from crosswire.clean import clean_document
from crosswire.clean.text import count_words
from tests.conftest import REPO

CJK_RELEASES = REPO / "tests" / "fixtures" / "cjk"


@pytest.mark.parametrize("line, words", [
    ("Four charged in a fraud", 5),
    ("naïve café “quoted”", 3),
    ("警方逮捕了嫌疑人", 8),
    ("2026年3月12日", 6),  # three numbers, three characters
    ("东京で会議が開かれた", 10),
    ("서울 경찰청은 오늘", 8),
    ("INTERPOL与东盟警察组织合作", 1 + 9),
    ("", 0),
])
def test_cjk_characters_count_one_by_one_and_other_words_between_spaces(line, words):
    assert count_words(line) == words


def test_a_chinese_release_is_an_article_counted_by_its_characters():
    raw = (CJK_RELEASES / "zh-police-cooperation.txt").read_text(encoding="utf-8")
    cleaned = clean_document(raw)
    assert cleaned.is_article and cleaned.reason is None
    assert cleaned.language == "zh" and cleaned.title == "六国警方联合行动 捣毁跨境网络诈骗团伙"
    assert 400 < cleaned.word_count <= len("".join(raw.split()))
    paragraphs = [p for p in raw.split("\n\n")[2:] if p.strip()]
    assert cleaned.text.count("\n\n") >= len(paragraphs) - 1
    assert cleaned.text.endswith("避免了更多群众遭受损失。")  # its last paragraph is no page chrome


def test_four_hundred_characters_of_a_chinese_release_make_an_article():
    raw = (CJK_RELEASES / "zh-police-cooperation.txt").read_text(encoding="utf-8")
    head = raw[:raw.index("。", 400) + 1]  # the release cut at the first full stop after 400 characters
    cleaned = clean_document(head)
    assert cleaned.is_article and cleaned.word_count >= 350 and cleaned.language == "zh"
