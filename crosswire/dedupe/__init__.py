"""DEDUPE stage: group cleaned documents into stories, matching new documents against earlier runs' stories.

An exact pass on a normalized hash, then MinHash LSH over whole texts and over leads for candidates.
Every candidate pair is verified on the texts themselves (same opening, agreeing titles, shingle Jaccard
or containment) and stories are the connected components of verified pairs only, so band collisions
never join anything, and the result does not depend on the order documents arrive in: running A then B
gives the same stories as one run over A and B.

Work grows linearly with the documents, and so does a little memory: shingles are hashed in numpy a
chunk at a time, digests (rensa) are made a chunk at a time and written out as signatures rows at once,
and what stays for every document of the run is 64 LSH band keys of 32 bits and an exact key of 64 bits
(264 bytes), from which LSH buckets come by one sort of one band's keys at a time. Of earlier runs'
documents, only those the run can touch are held (see Earlier): their stored digests are scanned a batch
at a time, so that a run's memory does not grow with the store. Texts are never all held:
they are read where a document is signed or becomes a story's text, a chunk of doc_ids from the store or
one clean batch file at a time, and the stories are staged batch by batch. Signatures (1.5 KB a text
with its title, mostly shingle hashes, so more for longer texts) are made after the candidates are
found, only for documents in a candidate pair, and held a group of connected documents at a time: made
in one pass over the texts, spilled to a local file by group, read back one group at a time (GROUP
documents, unless one connected set is larger). Each copy's similarity to its story's best copy is
measured the same way, a group of stories at a time. Earlier runs' stored digests
are read a batch at a time, and read and written as Arrow list columns made from the matrices' memory,
never as an array object per row.

Thresholds are read from `settings.dedupe` (crosswire.settings.DedupeSettings). The modules, each
importing only those above it:

- `arrays`: numpy building blocks (hash mixing, ranges, sorted sets, `Ragged`).
- `shingles`: tokens, exact keys, shingle hashes, and a text's `Signature` (whole text, lead, opening, title).
- `digests`: rensa MinHash digests (`sign`), the `algorithm` id, and rows of the signatures table.
- `verify`: whether two signatures are copies of one release (`verified`, `titles_agree`, `jaccard`).
- `lsh`: band keys and the candidate pairs sharing a bucket.
- `graph`: union-find, connected components, and documents packed into groups.
- `documents`: the documents columns dedupe reads, this run's documents, and `Texts` readers.
- `earlier`: `Earlier`, the earlier runs' documents a run can touch.
- `corpus`: `Corpus`, the documents a run groups by position, and their signatures spilled by group.
- `stories`: `assign_stories` / `find_stories`: verified pairs into `Stories`, ids, merges, merged metadata.
- `run`: `dedupe_run`, a whole run from clean batches to staged stories, as the task makes it.
"""

from crosswire.dedupe.corpus import Corpus, Held
from crosswire.dedupe.digests import SEED, Signed, algorithm, sign, signature_rows
from crosswire.dedupe.documents import Texts, batch_texts, held_texts, run_documents
from crosswire.dedupe.earlier import Earlier
from crosswire.dedupe.graph import UnionFind, components, packed
from crosswire.dedupe.lsh import bands, candidate_pairs, lsh_keys
from crosswire.dedupe.run import dedupe_run, stage_articles
from crosswire.dedupe.shingles import (
           Signature,
           Signatures,
           exact_key,
           signature,
           signatures,
           tokens,
)
from crosswire.dedupe.stories import Stories, assign_stories, find_stories
from crosswire.dedupe.verify import jaccard, titles_agree, verified

__all__ = ["SEED", "Corpus", "Earlier", "Held", "Signature", "Signatures", "Signed", "Stories", "Texts", "UnionFind",
           "algorithm", "assign_stories", "bands", "batch_texts", "candidate_pairs", "components", "dedupe_run",
           "exact_key", "find_stories", "held_texts", "jaccard", "lsh_keys", "packed", "run_documents", "sign",
           "signature", "signature_rows", "signatures", "stage_articles", "titles_agree", "tokens", "verified"]
