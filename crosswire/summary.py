"""The end-of-run summary, as text for the CLI and as markdown for the Prefect artifact."""

from __future__ import annotations


# The summary's time line: start-up, the stages in order, then what they share and what ends the run.
TIME_ORDER = ("start-up", "ingest", "clean", "dedupe", "extract", "load", "validation", "data docs", "report", "total")


def _time_order(part: str) -> int:
    return TIME_ORDER.index(part) if part in TIME_ORDER else len(TIME_ORDER)


def summary_lines(result: dict) -> list[tuple[str, str]]:
    counts = result["counts"]
    reasons = ", ".join(f"{reason}: {n}" for reason, n in result.get("quarantine_reasons", {}).items()) or "none"
    suites = ", ".join(f"{suite} {state}" for suite, state in result["suites"].items())
    timed = result.get("seconds", {})
    seconds = ", ".join(f"{part} {timed[part]:.1f}s" for part in sorted(timed, key=_time_order))
    return [
        ("ingested", f"{counts['ingested']} new documents{': ingested nothing' if not counts['ingested'] else ''} "
                     f"({counts['skipped_seen']} already seen, skipped)"),
        *[("source failed", f"{name}: {why}") for name, why in result.get("failed_sources", {}).items()],
        *[("source cut", f"{name}: {what}") for name, what in result.get("cut_sources", {}).items()],
        *([("files skipped", skipped_files(result["skipped_files"]))] if result.get("skipped_files") else []),
        ("quarantined", f"{counts['quarantined']} ({reasons})"),
        *([("failed again", failed_again(result["failed_again"]))] if result.get("failed_again") else []),
        ("articles", f"{counts['articles']} stories in the tables, {counts['new_articles']} new this run"),
        ("copies merged", str(counts["copies_merged"])),
        ("mentions", str(counts["mentions"])),
        ("quotes", str(counts["quotes"])),
        ("extract mode", result.get("extract_mode", "")),
        ("validation", f"{result['outcome']} ({suites})"),
        ("time", seconds),
        ("output", result["out"]),
        *[(label, result[key]) for label, key in (("data docs", "data_docs"), ("report", "report")) if key in result],
    ]


def failed_again(by_reason: dict[str, int]) -> str:
    """"3 places that failed in an earlier run, tried again, not quarantined again: http-404 2, dns-error 1"."""
    ordered = sorted(by_reason.items(), key=lambda item: (-item[1], item[0]))
    reasons = ", ".join(f"{reason} {n}" for reason, n in ordered)
    return (f"{sum(by_reason.values())} places that failed in an earlier run, tried again, not quarantined again: "
            f"{reasons}")


def skipped_files(by_suffix: dict[str, int]) -> str:
    """"3 of types not read: .md 2, .pdf 1"."""
    return f"{sum(by_suffix.values())} of types not read: {suffix_counts(by_suffix)}"


def suffix_counts(by_suffix: dict[str, int]) -> str:
    """".md 2, .pdf 1": files by suffix, most first."""
    ordered = sorted(by_suffix.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{suffix or '(no suffix)'} {n}" for suffix, n in ordered)


def text_summary(result: dict) -> str:
    lines = summary_lines(result)
    width = max(len(label) for label, _ in lines)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in lines)


def markdown_summary(result: dict) -> str:
    rows = "\n".join(f"| {label} | {value} |" for label, value in summary_lines(result))
    return f"# crosswire run `{result['run_id']}`\n\n| stage | outcome |\n|---|---|\n{rows}\n"


def new_stories(out: str, run_id: str, limit: int = 200) -> list[dict]:
    """The stories a run created (every copy of them came in that run), newest first, for a table artifact.
    DuckDB finds them over the tables' data files, so that the documents and articles tables are never held."""
    from crosswire.store import Store, sql

    store = Store(out)
    with sql.connection() as connection:
        sql.committed(connection, store, ["documents", "articles"])
        rows = connection.execute("""
            WITH created AS (SELECT article_id FROM documents WHERE article_id IS NOT NULL GROUP BY article_id
                             HAVING bool_and(coalesce(run_id = $run, false)))
            SELECT published_at AT TIME ZONE 'UTC', title, organizations, n_copies, article_id
            FROM articles SEMI JOIN created USING (article_id)
            ORDER BY published_at DESC NULLS LAST, article_id LIMIT $limit""",
            {"run": run_id, "limit": limit}).fetchall()
    return [{"published": published and published.date().isoformat(), "title": title,
             "organizations": ", ".join(organizations or []), "copies": int(copies), "article_id": article_id}
            for published, title, organizations, copies, article_id in rows]
