"""The extract suite's count columns, computed on a real extraction of the seed story."""

from __future__ import annotations

import pandas as pd

from crosswire.clean import clean_document
from crosswire.extract import extract_batch
from crosswire.settings import Settings
from crosswire.store.staging import read_batch, write_batch
from expectations.checks import extract_checks


def seed_extraction(seeds):
    cleaned = clean_document(seeds["published"])
    articles = pd.DataFrame({"article_id": ["a1"], "text": [cleaned.text], "title": [cleaned.title],
                             "published_at": [pd.Timestamp(cleaned.published_at)]})
    return extract_batch(articles, Settings(extract={"model": "rules"}))


def test_a_correct_extraction_passes_every_check(seeds, tmp_path):
    articles, mentions, quotes = seed_extraction(seeds)
    # through Parquet, as the flow does: null speakers come back as NaN and must still count as null
    quotes = read_batch(write_batch(quotes.assign(speaker=None), tmp_path / "q.parquet"))
    checked = extract_checks(articles, mentions, quotes).iloc[0]
    assert checked["bad_offsets"] == 0 and checked["bad_speakers"] == 0
    assert checked["org_cue"] and checked["n_organizations"] >= 10
    assert checked["published_year"] == 2021 and not checked["date_cue"]  # the date sat in the header


def test_shifted_offsets_and_unknown_speakers_are_counted(seeds):
    articles, mentions, quotes = seed_extraction(seeds)
    broken_mentions = mentions.assign(start=mentions["start"] + 1, end=mentions["end"] + 1)
    broken_quotes = quotes.assign(speaker="Somebody Else")
    checked = extract_checks(articles, broken_mentions, broken_quotes).iloc[0]
    assert checked["bad_offsets"] == len(mentions)
    assert checked["bad_speakers"] == len(quotes) > 0
