"""The end-of-run summary, as text for the CLI and as markdown for the Prefect artifact."""

from __future__ import annotations


def summary_lines(result: dict) -> list[tuple[str, str]]:
    counts = result["counts"]
    reasons = ", ".join(f"{reason}: {n}" for reason, n in result.get("quarantine_reasons", {}).items()) or "none"
    suites = ", ".join(f"{suite} {state}" for suite, state in result["suites"].items())
    seconds = ", ".join(f"{stage} {s:.1f}s" for stage, s in result.get("seconds", {}).items())
    return [
        ("ingested", f"{counts['ingested']} new documents ({counts['skipped_seen']} already seen, skipped)"),
        ("quarantined", f"{counts['quarantined']} ({reasons})"),
        ("articles", f"{counts['articles']} stories in the tables, {counts['new_articles']} new this run"),
        ("copies merged", str(counts["copies_merged"])),
        ("mentions", str(counts["mentions"])),
        ("quotes", str(counts["quotes"])),
        ("extract mode", result.get("extract_mode", "")),
        ("validation", f"{result['outcome']} ({suites})"),
        ("time", seconds),
        ("output", result["out"]),
    ]


def text_summary(result: dict) -> str:
    lines = summary_lines(result)
    width = max(len(label) for label, _ in lines)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in lines)


def markdown_summary(result: dict) -> str:
    rows = "\n".join(f"| {label} | {value} |" for label, value in summary_lines(result))
    return f"# crosswire run `{result['run_id']}`\n\n| stage | outcome |\n|---|---|\n{rows}\n"
