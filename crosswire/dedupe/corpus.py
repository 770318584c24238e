"""The documents a run groups, by position (see Corpus), and their signatures spilled to a local file and
read back a group of connected documents at a time (see Corpus.signatures_by_group and Held)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from tempfile import TemporaryDirectory

import numpy as np
import pandas as pd
import pyarrow as pa

from crosswire.dedupe.arrays import Ragged
from crosswire.dedupe.digests import Signed, sign, signature_rows
from crosswire.dedupe.documents import ARRIVAL, META_COLUMNS, NEW_COLUMNS, Texts
from crosswire.dedupe.lsh import bands, lsh_keys
from crosswire.dedupe.shingles import (
    Signature,
    Signatures,
    exact_number,
    signatures,
    tokens,
)
from crosswire.settings import DEFAULTS, DedupeSettings

SIGNED = pa.schema([("position", pa.int64()), ("shingles", pa.list_(pa.uint32())), ("lead", pa.list_(pa.uint32())),
                    ("opening", pa.list_(pa.uint32())), ("title", pa.string())])


def signed_batch(positions: np.ndarray, signed: Signatures) -> pa.RecordBatch:
    """Signatures as a record batch of SIGNED, to spill."""
    def lists(ragged: Ragged) -> pa.Array:
        return pa.ListArray.from_arrays(pa.array(ragged.offsets.astype(np.int32)), pa.array(ragged.values))
    return pa.record_batch([pa.array(positions, pa.int64()), lists(signed.shingles), lists(signed.lead),
                            lists(signed.opening), pa.array(signed.titles, pa.string())], schema=SIGNED)


class Held:
    """Signatures read back from a spill (SIGNED rows), by corpus position."""

    def __init__(self, table: pa.Table):
        table = table.sort_by("position")

        def ragged(name: str) -> Ragged:
            column = table[name].combine_chunks()
            return Ragged(column.values.to_numpy(), column.offsets.to_numpy())
        self.positions = table["position"].to_numpy()
        self.signatures = Signatures(ragged("shingles"), ragged("lead"), ragged("opening"),
                                     table["title"].to_numpy(zero_copy_only=False))

    def __getitem__(self, position: int) -> Signature:
        return self.signatures[int(np.searchsorted(self.positions, position))]


class Corpus:
    """Earlier runs' documents followed by this run's in arrival order, by position: their metadata, and
    where their texts are, read only to be signed or to become a story's text."""

    def __init__(self, prior: pd.DataFrame, new: pd.DataFrame, prior_texts: Texts, new_texts: Texts,
                 settings: DedupeSettings = DEFAULTS.dedupe):
        prior, new = prior.reset_index(drop=True), new.reset_index(drop=True)
        self.settings, self.prior_texts, self.new_texts = settings, prior_texts, new_texts
        self.arrival = new[ARRIVAL].sort_values(ARRIVAL, kind="stable").index.to_numpy()  # the keys, not whole rows
        if not np.array_equal(self.arrival, np.arange(len(new))):  # run_documents reads them in arrival order
            new = new.take(self.arrival)
        new = new[NEW_COLUMNS].assign(article_id=None)[META_COLUMNS]
        self.meta = pd.concat([prior[META_COLUMNS], new], ignore_index=True) if len(prior) else new.reset_index(drop=True)
        self.new_from = len(prior)
        self.position_of_new = np.empty(len(new), np.int64)
        self.position_of_new[self.arrival] = np.arange(self.new_from, len(self.meta))

    def texts(self, positions: np.ndarray) -> Iterator[tuple[np.ndarray, list[str]]]:
        """(positions, texts), a chunk at a time, covering `positions`."""
        yield from self.prior_texts(positions[positions < self.new_from])
        for rows, texts in self.new_texts(self.arrival[positions[positions >= self.new_from] - self.new_from]):
            yield self.position_of_new[rows], texts

    def texts_at(self, positions: np.ndarray) -> list[str]:
        """The texts at `positions`, in that order, all at once."""
        found = {p: t for chunk, texts in self.texts(positions) for p, t in zip(chunk.tolist(), texts)}
        return [found[p] for p in positions.tolist()]

    def signed_chunks(self, positions: np.ndarray) -> Iterator[tuple[np.ndarray, Signed]]:
        """(positions, what sign makes of their texts), a chunk at a time, covering `positions`."""
        for chunk, texts in self.texts(positions):
            yield chunk, sign(texts, self.settings)

    def signatures_by_group(self, positions: np.ndarray, groups: np.ndarray) -> Iterator[tuple[int, Held]]:
        """For each group number (`groups[i]` is that of `positions[i]`, distinct positions), the
        signatures of its documents, one group at a time. The texts are read and signed once, in the order
        they are stored, and the signatures spilled to a local file by group, so that only one group's
        are ever held, however the groups lie among the stored texts."""
        group_at = pd.Series(groups, index=positions)
        pieces: list[list[int]] = [[] for _ in range(int(groups.max()) + 1 if len(groups) else 0)]
        with TemporaryDirectory(prefix="crosswire-signatures-") as folder:
            spill = str(Path(folder) / "signatures.arrow")
            with pa.OSFile(spill, "wb") as sink, pa.ipc.new_file(sink, SIGNED) as writer:
                for chunk, texts in self.texts(positions):  # signatures only: no digests, no exact keys
                    part = signatures([tokens(t) for t in texts], self.meta["title"].iloc[chunk], self.settings)
                    chunk_groups = group_at.loc[chunk].to_numpy()
                    for group in np.unique(chunk_groups).tolist():
                        rows = np.flatnonzero(chunk_groups == group)
                        pieces[group].append(writer.stats.num_record_batches)
                        writer.write_batch(signed_batch(chunk[rows], part.take(rows)))
            with pa.OSFile(spill) as source:
                reader = pa.ipc.open_file(source)
                for group, wanted in enumerate(pieces):
                    if wanted:
                        yield group, Held(pa.Table.from_batches(map(reader.get_batch, wanted), SIGNED))

    def new_keys(self, write: Callable[[pa.Table], None]) -> tuple[np.ndarray, np.ndarray]:
        """LSH band keys (a row per document, see lsh_keys) and exact keys (see exact_number) of this run's
        documents, in the order of their positions. They are signed a chunk at a time, and each chunk's rows
        of the signatures table are handed to `write`: only the keys are held."""
        keys = np.empty((len(self.meta) - self.new_from, 2 * bands(self.settings)), np.uint32)
        exact = np.empty(len(keys), np.uint64)
        for chunk, part in self.signed_chunks(np.arange(self.new_from, len(self.meta))):
            keys[chunk - self.new_from] = lsh_keys(part.text_digests, part.lead_digests, self.settings)
            exact[chunk - self.new_from] = [exact_number(k) for k in part.exact_keys]
            write(signature_rows(self.meta["doc_id"].iloc[chunk], part, self.settings))
        return keys, exact

    def within_window(self, pairs: np.ndarray) -> np.ndarray:
        """Pairs whose publication dates lie within the configured window (or are unknown)."""
        if self.settings.window_days is None:
            return pairs
        published = pd.to_datetime(self.meta["published_at"], utc=True).dt.tz_localize(None).to_numpy()
        gap = np.abs(published[pairs[:, 0]] - published[pairs[:, 1]])
        return pairs[np.isnat(gap) | (gap <= np.timedelta64(self.settings.window_days, "D"))]
