"""The table contract: every table crosswire writes, with its explicit pyarrow schema and sort keys, and the
batches the stages hand each other on the way (staged under `DIR/.staging/`).

Table and column names are a promise to users: columns may be added, none renamed.
Every stage imports its columns from here; none redefines them.
"""

from __future__ import annotations

import pyarrow as pa

UTC_TS = pa.timestamp("us", tz="UTC")
STRINGS = pa.list_(pa.string())

DOCUMENTS = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("source", pa.string()),  # source name: the directory or feed it came from
        pa.field("content_type", pa.string()),
        pa.field("raw_sha256", pa.string(), nullable=False),
        pa.field("encoding", pa.string()),
        pa.field("ingested_at", UTC_TS, nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("status", pa.string(), nullable=False),  # 'ok' | 'quarantined'
        pa.field("article_id", pa.string()),
        pa.field("is_canonical", pa.bool_()),
        pa.field("similarity", pa.float64()),
        # this copy's own cleaned text and metadata, before stories are merged
        pa.field("title", pa.string()),
        pa.field("published_at", UTC_TS),
        pa.field("author", pa.string()),
        pa.field("site_name", pa.string()),
        pa.field("url", pa.string()),  # the canonical URL a page declares
        pa.field("language", pa.string()),
        pa.field("text", pa.string()),
        pa.field("word_count", pa.int32()),
        pa.field("junk_ratio", pa.float64()),
        pa.field("previous_doc_id", pa.string()),  # the earlier version of the same page, when it changed
        pa.field("modified_at", UTC_TS),  # when the page says it was changed ("Updated ..."), apart from published_at
    ]
)

# Raw bytes of every ingested item, append-only, so any article can be re-processed later.
RAW = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("content", pa.large_binary()),
    ]
)

ARTICLES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("canonical_doc_id", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("published_at", UTC_TS),
        pa.field("dateline", pa.string()),
        pa.field("language", pa.string()),
        pa.field("text", pa.string()),
        pa.field("word_count", pa.int32()),
        pa.field("n_copies", pa.int32()),
        pa.field("source_uris", STRINGS),
        pa.field("organizations", STRINGS),
        pa.field("people", STRINGS),
        pa.field("locations", STRINGS),
        pa.field("topics", STRINGS),
        pa.field("title_from", pa.string()),  # doc_id each merged field was taken from
        pa.field("published_from", pa.string()),
        pa.field("updated_run_id", pa.string()),
        pa.field("published_date", pa.date32()),  # the day of published_at as written: no time zone to shift it
        pa.field("first_published_at", UTC_TS),  # the earliest date of any copy
    ]
)

MENTIONS = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),  # organization | person | location | date
        pa.field("text", pa.string()),
        pa.field("normalized", pa.string()),
        pa.field("start", pa.int32()),
        pa.field("end", pa.int32()),
        pa.field("role", pa.string()),
        pa.field("affiliation", pa.string()),  # people: the organization they speak for, when stated
        pa.field("method", pa.string()),
        pa.field("confidence", pa.float64()),
    ]
)

QUOTES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("quote", pa.string()),
        pa.field("speaker", pa.string()),
        pa.field("speaker_role", pa.string()),
        pa.field("start", pa.int32()),
        pa.field("end", pa.int32()),
    ]
)

QUARANTINE = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("stage", pa.string(), nullable=False),
        pa.field("doc_id", pa.string()),
        pa.field("source_uri", pa.string()),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("detail", pa.string()),
    ]
)

RUNS = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("started_at", UTC_TS),
        pa.field("finished_at", UTC_TS),
        pa.field("parameters", pa.string()),  # JSON
        pa.field("outcome", pa.string()),  # 'success' | 'failed' | 'crashed'
        pa.field("ingested", pa.int64()),
        pa.field("skipped_seen", pa.int64()),
        pa.field("quarantined", pa.int64()),
        pa.field("articles", pa.int64()),
        pa.field("new_articles", pa.int64()),
        pa.field("copies_merged", pa.int64()),
        pa.field("mentions", pa.int64()),
        pa.field("quotes", pa.int64()),
        pa.field("suites", pa.string()),  # JSON: suite name -> 'passed' | 'failed'
        pa.field("seconds", pa.string()),  # JSON: stage -> wall seconds
        pa.field("failed_sources", pa.string()),  # JSON: source -> why it could not be read at all
        pa.field("flow_run_id", pa.string()),  # the Prefect flow run that finished it (a resumed run keeps its run_id)
        pa.field("table_versions", pa.string()),  # JSON: table -> the Delta version this run left it at
        pa.field("cut_sources", pa.string()),  # JSON: source -> what settings.ingest's bounds left unread
        pa.field("failed_again", pa.string()),  # JSON: reason -> places failing as in an earlier run
        pa.field("error", pa.string()),  # a crashed run's exception
    ]
)

# MinHash signatures of every ok document, for matching later runs against earlier stories.
SIGNATURES = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("algorithm", pa.string(), nullable=False),
        pa.field("exact_key", pa.string(), nullable=False),
        # the text's MinHash digest (unsigned 32-bit values, held exactly as int64: Delta has no unsigned types)
        pa.field("minhash", pa.list_(pa.int64())),
        pa.field("state", pa.binary()),  # a serialized MinHash, written by earlier versions only
        pa.field("lead_state", pa.binary()),  # the same for the text's opening words
        pa.field("lead_minhash", pa.list_(pa.int64())),  # the digest of the text's opening words, as minhash
    ]
)

# Stories absorbed into another when a new copy bridged them: the old id stays resolvable.
MERGES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("merged_into", pa.string(), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
    ]
)

# Per source, how many of its documents hold each line: the site's template, learned run after run.
LINE_STATS = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("line", pa.string(), nullable=False),
        pa.field("docs", pa.int64(), nullable=False),
        pa.field("source_docs", pa.int64(), nullable=False),
    ]
)

# What each place (URL, file, record) held when last read: the incremental runs' memory (crosswire/ingest/ledger.py).
LEDGER = pa.schema(
    [
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("source", pa.string()),
        pa.field("kind", pa.string()),  # page | feed | sitemap | file | record
        pa.field("doc_id", pa.string()),  # its latest document; null for feeds and sitemaps
        pa.field("raw_sha256", pa.string()),
        pa.field("etag", pa.string()),
        pa.field("last_modified", pa.string()),
        pa.field("checked_at", UTC_TS),
        pa.field("run_id", pa.string()),
        # its reads that failed (nothing read: a failed fetch, an empty file), which leave the fields above as
        # they were: the latest one's reason and detail (null once a read succeeds), how many runs failed, when
        pa.field("failure", pa.string()),
        pa.field("failure_detail", pa.string()),
        pa.field("failures", pa.int64()),
        pa.field("failed_at", UTC_TS),
    ]
)

# The order rows are written in: sorted parts read the same in every engine, and diff cleanly.
SORT_KEYS = {
    "documents": ["doc_id"], "articles": ["article_id"], "mentions": ["article_id", "start", "end", "kind"],
    "quotes": ["article_id", "start"], "quarantine": ["run_id", "stage", "doc_id", "reason"],
    "runs": ["started_at", "run_id"], "signatures": ["doc_id"], "merges": ["run_id", "article_id"],
    "raw": ["doc_id"], "line_stats": ["source", "line"],
}

TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "raw": RAW,
    "articles": ARTICLES,
    "mentions": MENTIONS,
    "quotes": QUOTES,
    "quarantine": QUARANTINE,
    "runs": RUNS,
    "signatures": SIGNATURES,
    "merges": MERGES,
    "line_stats": LINE_STATS,
    "ledger": LEDGER,
}


# --- batches staged between stages ------------------------------------------------------------------------

# What a place held, as ingest read it: a row per new or changed item, any status, with its raw bytes.
INGESTED = pa.schema(
    [
        *(DOCUMENTS.field(name) for name in ("doc_id", "source_uri", "source", "content_type", "raw_sha256",
                                             "encoding", "ingested_at", "run_id", "status")),
        pa.field("reason", pa.string()),  # why it is quarantined (see the quarantine table)
        pa.field("detail", pa.string()),
        pa.field("stage", pa.string()),  # the stage that quarantined it
        pa.field("raw", pa.large_binary()),
        pa.field("raw_text", pa.string()),  # decoded, for ok rows
        pa.field("meta_title", pa.string()),  # given beside the content (a feed entry, an export's fields)
        pa.field("meta_published", pa.string()),
        pa.field("meta_summary", pa.string()),
        DOCUMENTS.field("previous_doc_id"),
    ]
)

# A cleaned batch: the ingested rows without their bytes, each ok row with its clean text and metadata;
# rows that are not articles are quarantined with a reason.
CLEANED = pa.schema(
    [
        *(f for f in INGESTED if f.name not in ("raw", "raw_text")),
        *(DOCUMENTS.field(name) for name in ("text", "title", "published_at", "language", "junk_ratio", "word_count",
                                             "author", "site_name", "url", "modified_at")),
    ]
)
CLEAN_COLUMNS = [name for name in CLEANED.names if name not in INGESTED.names]  # what clean adds to a row

# Dedupe: each of the run's ok documents (and the earlier documents whose story changed) with its story.
ASSIGNMENTS = pa.schema(
    [DOCUMENTS.field("doc_id"), DOCUMENTS.field("article_id"), DOCUMENTS.field("is_canonical"),
     DOCUMENTS.field("similarity")]
)
# The stories a run makes or changes, to extract: an article row without what extract adds, and a status
# that extract's validation may turn to 'quarantined'.
EXTRACTED_COLUMNS = ["dateline", "organizations", "people", "locations", "topics", "published_date"]  # extract adds
STORIES = pa.schema(
    [
        *(f for f in ARTICLES if f.name not in EXTRACTED_COLUMNS),
        *(INGESTED.field(name) for name in ("status", "reason", "detail", "stage")),
    ]
)
# A batch of extracted stories: the stories with what extract adds; mentions and quotes are those tables'.
EXTRACTED = pa.schema([*STORIES, *(ARTICLES.field(name) for name in EXTRACTED_COLUMNS)])

STAGED: dict[str, pa.Schema] = {"ingest": INGESTED, "clean": CLEANED, "dedupe": STORIES, "extract": EXTRACTED}
