"""A whole dedupe run, as the task makes it: this run's clean batches in, the store's earlier documents
and signatures beside them, and the stories staged out in batches (assignments, merges, signatures, and
the articles to extract, each with its canonical copy's text)."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory

import numpy as np
import pandas as pd
import pyarrow as pa

from crosswire.dedupe.corpus import Corpus
from crosswire.dedupe.documents import batch_texts, run_documents
from crosswire.dedupe.earlier import Earlier
from crosswire.dedupe.stories import find_stories
from crosswire.results import DedupeResult
from crosswire.schema import ASSIGNMENTS, MERGES, STORIES
from crosswire.settings import DEFAULTS, Settings
from crosswire.store import Store, files, to_arrow
from crosswire.store.staging import write_batch

SPILL = pa.schema([("row", pa.int64()), ("text", pa.string())])


def dedupe_run(clean_paths: list[str], out: str, run_id: str, staging: str,
               settings: Settings = DEFAULTS) -> DedupeResult:
    """Assign this run's clean documents (the batches at `clean_paths`) to stories, matching them against
    the earlier runs' stories of the store at `out`; stage the stories to extract in batches under
    `staging`. Returns the staged files (assignments, merges, signatures, articles) and the counts of
    exact and near copies."""
    new = run_documents(clean_paths)
    store = Store(out)
    texts = batch_texts(clean_paths, new.pop("batch").to_numpy(), new.pop("row").to_numpy())
    signatures = []  # a part of the signatures table per chunk, as load will commit it

    def write_signatures(rows: pa.Table) -> None:
        where = files.join(staging, f"signatures-{len(signatures):05d}.parquet")
        signatures.append(write_batch(to_arrow(rows, "signatures"), where))

    earlier = Earlier(store.dataset("documents"), store.dataset("signatures"))
    corpus, stories = find_stories(earlier, new, texts, run_id, settings, write_signatures)
    del new  # the corpus holds what it needs of it
    articles = stories.articles.assign(status="ok", reason=None, detail=None, stage=None)
    return DedupeResult(
        assignments=write_batch(stories.assignments, files.join(staging, "assignments.parquet"), ASSIGNMENTS),
        merges=write_batch(stories.merges, files.join(staging, "merges.parquet"), MERGES),
        signatures=signatures,
        articles=stage_articles(articles, stories.canonical, corpus, staging, settings.batch_size),
        exact=stories.exact_copies, near=stories.near_copies,
    )


def stage_articles(articles: pd.DataFrame, canonical: np.ndarray, corpus: Corpus, staged: str, size: int) -> list[str]:
    """`articles` in files of `size` rows, each row with the text of its canonical copy (at `canonical`).

    The texts are read once, in the order they are stored, and spilled to a file in pieces, one per
    chunk read and batch of articles, so that each batch is then written holding its own texts only."""
    row_of = pd.Series(np.arange(len(articles)), index=canonical)
    pieces: list[list[int]] = [[] for _ in range(0, len(articles), size)]  # each batch's pieces in the spill
    # the spill is local: beside the staged files when they are on this disk, else in the temporary folder
    with TemporaryDirectory(dir=staged if files.is_local(staged) else None) as folder:
        spill = Path(folder) / "texts.arrow"
        with pa.OSFile(str(spill), "wb") as sink, pa.ipc.new_file(sink, SPILL) as writer:
            for positions, texts in corpus.texts(canonical):
                rows = row_of.loc[positions].to_numpy()
                order = np.argsort(rows)
                rows, texts = rows[order], pa.array(texts, pa.string()).take(order)
                numbers, starts = np.unique(rows // size, return_index=True)
                for number, start, end in zip(numbers.tolist(), starts.tolist(), [*starts[1:].tolist(), len(rows)]):
                    pieces[number].append(writer.stats.num_record_batches)
                    writer.write_batch(pa.record_batch([rows[start:end], texts[start:end]], schema=SPILL))
        paths = []
        with pa.OSFile(str(spill)) as source:
            reader = pa.ipc.open_file(source)
            for number, wanted in enumerate(pieces):
                texts = pa.Table.from_batches(map(reader.get_batch, wanted), SPILL).to_pandas().set_index("row")["text"]
                batch = articles.iloc[number * size:(number + 1) * size].assign(text=texts)
                paths.append(write_batch(batch, files.join(staged, f"articles-{number:05d}.parquet"), STORIES))
    return paths
