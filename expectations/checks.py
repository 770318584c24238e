"""Checks between stages: each stage's staged batches validated by its GX suite, failing rows quarantined.

The extract suite bounds columns computed here (`extract_checks`): how many organizations a story names
beside whether its text names one, whether its date parses beside whether its text opens with one,
mentions and quotes whose offsets do not slice their text, speakers who are not among the story's people.
"""

from __future__ import annotations

import pandas as pd

from crosswire.dates import opens_with_full_date
from crosswire.extract import names_organization
from crosswire.results import ExtractBatch
from crosswire.schema import STAGED
from crosswire.settings import Settings
from crosswire.store.staging import read_batch, write_batch
from expectations.runner import Outcome, validate


def quarantine_rows(frame: pd.DataFrame, failed: dict[str, list[str]], id_column: str, stage: str) -> pd.DataFrame:
    """Mark rows that failed quarantine-level expectations, naming the expectations."""
    frame = frame.copy()
    hit = frame[id_column].astype(str).isin(failed) & (frame["status"] == "ok")
    names = frame.loc[hit, id_column].astype(str).map(failed)
    frame.loc[hit, "status"] = "quarantined"
    frame.loc[hit, "reason"] = "gx: " + names.str[0]
    frame.loc[hit, "detail"] = names.map(lambda n: "failed expectations: " + "; ".join(n))
    frame.loc[hit, "stage"] = stage
    return frame


def bad_rows(frame: pd.DataFrame, column: str, text: pd.Series) -> pd.Series:
    """Per article (the index of `text`), the rows of `frame` whose offsets do not slice exactly their
    `column` out of the article's text."""
    bodies = frame["article_id"].map(text).tolist()
    wrong = [not (0 <= start < end <= len(body)) or body[start:end] != value
             for body, start, end, value in zip(bodies, frame["start"].tolist(), frame["end"].tolist(),
                                                frame[column].tolist())]
    return frame["article_id"][wrong].value_counts().reindex(text.index, fill_value=0)


def extract_checks(articles: pd.DataFrame, mentions: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """Columns the extract suite checks: counts that the expectations bound."""
    text = articles.set_index("article_id")["text"]
    bad = sum(bad_rows(frame, column, text) for frame, column in ((mentions, "text"), (quotes, "quote")))
    people = articles.set_index("article_id")["people"].map(lambda p: set(p) if p is not None else set())
    stranger = [pd.notna(speaker) and speaker not in people.get(article, set())
                for article, speaker in zip(quotes["article_id"].tolist(), quotes["speaker"].tolist())]
    bad_speakers = quotes["article_id"][stranger].value_counts().reindex(text.index, fill_value=0)
    return articles.assign(
        n_organizations=articles["organizations"].map(lambda o: 0 if o is None else len(o)),
        org_cue=articles["text"].map(names_organization),
        date_cue=articles["text"].map(opens_with_full_date),
        published_year=pd.to_datetime(articles["published_at"], utc=True).dt.year,
        bad_offsets=articles["article_id"].map(bad),
        bad_speakers=articles["article_id"].map(bad_speakers),
        first_published_later=(pd.to_datetime(articles.reindex(columns=["first_published_at"]).iloc[:, 0], utc=True)
                               > pd.to_datetime(articles["published_at"], utc=True)),  # NaT compares False
    )


def validate_batch(stage: str, path: str, id_column: str, settings: Settings,
                   related: ExtractBatch | None = None) -> Outcome:
    """Validate a staged batch in place: rows failing quarantine-level expectations are quarantined.

    The extract stage's suite also needs the batch's mentions and quotes (`related` paths)."""
    frame = read_batch(path)
    if stage == "extract":
        frame = extract_checks(frame, read_batch(related.mentions), read_batch(related.quotes))
    outcome = validate(stage, frame, id_column, {"earliest_year": settings.dates.earliest_year}, settings.suites_dir)
    if outcome.quarantined:
        write_batch(quarantine_rows(frame, outcome.quarantined, id_column, stage), path, STAGED[stage])
    return outcome
