"""Earlier runs' documents, of which a run holds only those its new documents can touch (see Earlier)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from crosswire.dedupe.arrays import among, distinct
from crosswire.dedupe.digests import algorithm, matrix, sign
from crosswire.dedupe.documents import CHUNK, META_COLUMNS, OK, Texts
from crosswire.dedupe.lsh import lsh_keys
from crosswire.dedupe.shingles import exact_number
from crosswire.schema import DOCUMENTS
from crosswire.settings import DEFAULTS, DedupeSettings


class Earlier:
    """Earlier runs' ok documents and their stored signatures, of which a run holds only what its new
    documents can touch: the documents that share an exact key or an LSH bucket with one of them, and the
    other documents of those documents' stories. The stored signatures are scanned a batch at a time and
    the rest is read by doc_id and by article_id, so that dedupe's memory follows the run and the stories
    it touches, not the store.

    No other earlier document can change a story the run touches: candidate pairs have a new document in
    them, and a bucket's size (see candidate_pairs) counts all of its documents, new and earlier, read or
    not (a bucket too large to make pairs gives no reason to read its documents)."""

    def __init__(self, documents: ds.Dataset, signatures: ds.Dataset):
        self.documents, self.signatures = documents, signatures

    @classmethod
    def held(cls, docs: pd.DataFrame, signatures: pa.Table) -> Earlier:
        """Earlier documents in memory (META_COLUMNS and text, all ok) and their rows of the signatures table."""
        schema = pa.schema([DOCUMENTS.field(c).with_nullable(True) for c in [*META_COLUMNS, "text", "status"]])
        table = pa.Table.from_pandas(docs.assign(status="ok"), schema=schema, preserve_index=False)
        return cls(ds.dataset(table), ds.dataset(signatures))

    def touched(self, new_keys: np.ndarray, new_exact: np.ndarray, settings: DedupeSettings = DEFAULTS.dedupe
                ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray, list]:
        """The earlier documents the new ones can touch (META_COLUMNS), which of them share a key with a new
        document, those ones' LSH band keys and exact keys (the others are in no bucket of a new document),
        and the keys of buckets too large to make pairs (see sharing)."""
        ids, keys, exact, oversized = self.sharing(new_keys, new_exact, settings)
        found = self.documents.to_table(columns=["article_id"], filter=OK & ds.field("doc_id").isin(ids))
        stories = pc.unique(found["article_id"].drop_null())
        rows = self.documents.to_table(
            columns=META_COLUMNS, filter=OK & (ds.field("doc_id").isin(ids) | ds.field("article_id").isin(stories)),
        ).to_pandas()
        at = rows["doc_id"].map(pd.Series(np.arange(len(ids)), index=ids.to_pylist()))
        keyed = at.notna().to_numpy()
        at = at[keyed].to_numpy().astype(np.int64)
        return rows, keyed, keys[at], exact[at], oversized

    def sharing(self, new_keys: np.ndarray, new_exact: np.ndarray, settings: DedupeSettings = DEFAULTS.dedupe
                ) -> tuple[pa.Array, np.ndarray, np.ndarray, list]:
        """The earlier documents sharing an exact key or an LSH bucket of at most `max_bucket`
        documents with a new one (distinct doc_ids), with their band keys and exact keys, and each band's
        keys of the new documents' larger buckets. Stored digests are used where this algorithm made them;
        the other documents are signed from their texts."""
        count = new_keys.shape[1]
        if not len(new_keys) or not self.documents.count_rows():  # nothing to share, or nobody to share with
            return pa.array([], pa.string()), np.empty((0, count), np.uint32), np.empty(0, np.uint64), [
                np.empty(0, np.uint32)] * count
        ordered = [np.sort(column) for column in new_keys.T]  # each band's keys of the new documents
        exact_wanted = distinct(new_exact)
        ids, keys, exact = [], [], []
        shared = []  # band << 32 | key of the bucket each earlier row shares in each band

        def take(doc_ids: list[str], batch_keys: np.ndarray, batch_exact: np.ndarray) -> None:
            hit = among(batch_exact, exact_wanted)
            for band, column in enumerate(batch_keys.T):
                found = among(column, ordered[band])
                shared.append(np.uint64(band) << np.uint64(32) | column[found].astype(np.uint64))
                hit |= found
            rows = np.flatnonzero(hit)
            ids.extend(doc_ids[r] for r in rows.tolist())
            keys.append(batch_keys[rows])
            exact.append(batch_exact[rows])

        perm, current = settings.num_perm, algorithm(settings)
        for batch in self.signatures.to_batches(columns=["doc_id", "exact_key", "minhash", "lead_minhash"],
                                                filter=ds.field("algorithm") == current, batch_size=CHUNK,
                                                use_threads=False):  # threads read ahead, holding many batches
            if batch.num_rows:
                take(batch["doc_id"].to_pylist(), lsh_keys(matrix(batch["minhash"], perm),
                                                           matrix(batch["lead_minhash"], perm), settings),
                     np.array([exact_number(k) for k in batch["exact_key"].to_pylist()], np.uint64))
        unsigned = pd.Series(self.unsigned(current), dtype=object)
        for rows, texts in self.texts(unsigned)(np.arange(len(unsigned))):
            part = sign(texts, settings)
            take(unsigned.iloc[rows].tolist(), lsh_keys(part.text_digests, part.lead_digests, settings),
                 np.array([exact_number(k) for k in part.exact_keys], np.uint64))
        keys = np.concatenate([np.empty((0, count), np.uint32), *keys])
        exact = np.concatenate([np.empty(0, np.uint64), *exact])
        # a bucket of more than max_bucket documents, new and earlier, makes no pairs: its sharing
        # alone does not count
        buckets, earlier = np.unique(np.concatenate([np.empty(0, np.uint64), *shared]), return_counts=True)
        band, key = (buckets >> np.uint64(32)).astype(np.int64), (buckets & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        oversized = []
        for number, column in enumerate(ordered):
            here = key[band == number]
            sizes = earlier[band == number] + np.searchsorted(column, here, "right") - np.searchsorted(column, here)
            oversized.append(here[sizes > (settings.max_bucket or np.inf)])
        kept = among(exact, exact_wanted)
        for band, column in enumerate(keys.T):
            kept |= among(column, ordered[band]) & ~among(column, oversized[band])
        last = pd.Series(ids, dtype=object).iloc[np.flatnonzero(kept)].drop_duplicates(keep="last")
        rows = last.index.to_numpy()
        return pa.array(last.tolist(), pa.string()), keys[rows], exact[rows], oversized

    def unsigned(self, current: str) -> list[str]:
        """The earlier ok documents without signatures of the `current` algorithm (none, unless it changed)."""
        signed = self.signatures.to_table(columns=["doc_id"], filter=ds.field("algorithm") == current,
                                          use_threads=False)["doc_id"].unique()
        return [doc_id for batch in self.documents.to_batches(columns=["doc_id"], filter=OK, use_threads=False)
                for doc_id in batch["doc_id"].filter(pc.invert(pc.is_in(batch["doc_id"], signed))).to_pylist()]

    def texts(self, doc_ids: pd.Series) -> Texts:
        """Earlier documents' texts, read by doc_id."""
        def read(rows: np.ndarray):
            for i in range(0, len(rows), CHUNK):
                ids = doc_ids.iloc[rows[i:i + CHUNK]]
                # little read-ahead: each batch's texts are decoded whole before the filter keeps a few
                found = self.documents.to_batches(columns=["doc_id", "text"], batch_readahead=1, fragment_readahead=1,
                                                  filter=OK & ds.field("doc_id").isin(pa.array(ids.tolist(), pa.string())))
                texts = pa.Table.from_batches(found, pa.schema([self.documents.schema.field(c) for c in ("doc_id", "text")]))
                texts = texts.to_pandas().drop_duplicates("doc_id").set_index("doc_id")["text"]
                yield rows[i:i + CHUNK], ids.map(texts).tolist()
        return read
