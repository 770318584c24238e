"""Line statistics and each source's template: learned, accumulated across runs, summed out of core."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq

from crosswire.clean import (
    add_line_stats,
    boilerplate_from_stats,
    clean_batch,
    learn_boilerplate,
    line_stats,
    split_lines,
    sum_line_stats,
    template_lines,
)
from crosswire.schema import LINE_STATS
from crosswire.settings import Settings
from crosswire.store.staging import write_batch
from tests.clean.helpers import CORPUS


def test_learn_boilerplate_finds_the_site_template(shared):
    pages = [f.read_text(encoding="utf-8") for f in sorted((shared / CORPUS / "riverside_ca").glob("*.txt"))]
    template = learn_boilerplate(pages)
    assert {"Skip to main content", "Latest News"} <= template
    assert not any("Hemet police officer" in line for line in template)  # one page's own text
    assert learn_boilerplate(pages[:4]) == frozenset()  # fewer pages than template_min_docs: nothing is template


def test_template_thresholds_come_from_the_settings(shared):
    pages = [f.read_text(encoding="utf-8") for f in sorted((shared / CORPUS / "riverside_ca").glob("*.txt"))]
    assert "Skip to main content" in learn_boilerplate(pages[:4], Settings(clean={"template_min_docs": 4}))
    everywhere = learn_boilerplate(pages, Settings(clean={"template_min_share": 1.0}))
    assert everywhere < learn_boilerplate(pages)
    assert all(sum(line in split_lines(page) for page in pages) == len(pages) for line in everywhere)


def test_line_stats_accumulate_across_runs(shared):
    pages = [f.read_text(encoding="utf-8") for f in sorted((shared / CORPUS / "riverside_ca").glob("*.txt"))]
    whole = line_stats({"riverside_ca": pages})
    assert list(whole.columns) == LINE_STATS.names and (whole["source_docs"] == len(pages)).all()
    assert whole.set_index("line").loc["Skip to main content", "docs"] >= 0.9 * len(pages)
    earlier = line_stats({"riverside_ca": pages[:40], "seeds": ["one page"]})
    later = line_stats({"riverside_ca": pages[40:]}, prior=earlier)
    assert set(later["source"]) == {"riverside_ca", "seeds"}
    pd.testing.assert_frame_equal(
        later[later["source"] == "riverside_ca"].sort_values("line").reset_index(drop=True),
        whole.sort_values("line").reset_index(drop=True),
    )
    assert boilerplate_from_stats(later, "riverside_ca") == learn_boilerplate(pages)
    assert boilerplate_from_stats(later, "unknown source") == frozenset()


def test_line_stats_summed_out_of_core_equal_the_sum_in_memory(shared, tmp_path):
    """sum_line_stats (DuckDB, under a small memory limit) gives add_line_stats and template_lines."""
    offices = sorted(p for p in (shared / CORPUS).iterdir() if p.is_dir())
    frames = [line_stats({o.name: [f.read_text(encoding="utf-8") for f in sorted(o.glob("*.txt"))[k::3]]
                          for o in offices}) for k in range(3)]
    paths = [write_batch(frame, str(tmp_path / f"{k}.parquet")) for k, frame in enumerate(frames)]
    stats, templates = str(tmp_path / "stats.parquet"), str(tmp_path / "templates.parquet")
    sum_line_stats(paths, stats, templates, Settings(runner={"sql_memory_limit": "64MB"}))
    expected = add_line_stats(frames).sort_values(["source", "line"]).reset_index(drop=True)
    summed = pq.read_table(stats)
    assert summed.schema == LINE_STATS and summed.num_rows == len(expected) > 50_000
    pd.testing.assert_frame_equal(summed.to_pandas(), expected, check_dtype=False)
    template = pq.read_table(templates).to_pandas()
    assert template.values.tolist() == template_lines(expected).values.tolist() and len(template) > 50
    sum_line_stats([], stats, templates)  # nothing read: empty files, not an error
    assert pq.read_table(stats).num_rows == 0 and pq.read_table(templates).num_rows == 0


def test_a_small_run_uses_the_template_of_earlier_runs(shared):
    folder = shared / CORPUS / "dallas_tx"
    names = [f"Assets_uploads_docs_district-attorney_press-release_2018_PR_{n}.txt"
             for n in ("CharlesPhiferTrial_101518_pdf", "FINAL_OliverVerdict-Sentence_082918_pdf", "KristopherLoveTrial_103118_pdf")]
    earlier = line_stats({"dallas_tx": [f.read_text(encoding="utf-8") for f in sorted(folder.glob("*.txt")) if f.name not in names]})
    small = pd.DataFrame([{"doc_id": n, "source": "dallas_tx", "content_type": "text/plain", "status": "ok",
                           "raw_text": (folder / n).read_text(encoding="utf-8"), "reason": None, "detail": None} for n in names])
    alone = clean_batch(small, Settings())
    informed = clean_batch(small, Settings(), prior_stats=earlier)
    assert alone["status"].eq("ok").all() and informed["status"].eq("ok").all()
    assert alone["text"].str.contains("Frank Crowley Courts Building").any()  # three pages: too few to learn from
    assert not informed["text"].str.contains("Frank Crowley Courts Building").any()  # the PDFs' page footer
    assert (informed["word_count"] <= alone["word_count"]).all()
