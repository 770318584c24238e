"""The end-of-run summary, as text for the CLI and as markdown for the Prefect artifact."""

from __future__ import annotations


def summary_lines(result: dict) -> list[tuple[str, str]]:
    counts = result["counts"]
    reasons = ", ".join(f"{reason}: {n}" for reason, n in result.get("quarantine_reasons", {}).items()) or "none"
    suites = ", ".join(f"{suite} {state}" for suite, state in result["suites"].items())
    seconds = ", ".join(f"{stage} {s:.1f}s" for stage, s in result.get("seconds", {}).items())
    return [
        ("ingested", f"{counts['ingested']} new documents{': ingested nothing' if not counts['ingested'] else ''} "
                     f"({counts['skipped_seen']} already seen, skipped)"),
        *[("source failed", f"{name}: {why}") for name, why in result.get("failed_sources", {}).items()],
        ("quarantined", f"{counts['quarantined']} ({reasons})"),
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
