"""Extract on the corpus slice kept in the repository (tests/fixtures/corpus), in rules mode: every release
names an organization, and every mention and quote points at its own text."""

from __future__ import annotations

import pandas as pd

from crosswire.clean import clean_document
from crosswire.extract import extract_batch
from crosswire.settings import Settings


def test_every_release_of_the_slice_names_an_organization_at_its_place(corpus_slice):
    cleaned = [clean_document(text) for office in corpus_slice.values() for text in office.values()]
    articles = pd.DataFrame([{"article_id": f"a{n}", "text": c.text, "title": c.title, "published_at": c.published_at}
                             for n, c in enumerate(cleaned) if c.is_article])
    out, mentions, quotes = extract_batch(articles, Settings(extract={"model": "rules"}))
    assert len(out) == 14 and all(len(orgs) for orgs in out["organizations"])
    text = out.set_index("article_id")["text"]
    assert all(text[a][s:e] == t for a, s, e, t in mentions[["article_id", "start", "end", "text"]].itertuples(index=False))
    assert all(text[a][s:e] == q for a, s, e, q in quotes[["article_id", "start", "end", "quote"]].itertuples(index=False))
    assert len(quotes) >= 20 and quotes["speaker"].notna().mean() > 0.5
