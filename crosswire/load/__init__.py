"""LOAD stage: add a run's staged batches to the committed tables and commit them, the runs row last.

Tables hold every run's results. A run adds its new documents, rewrites the stories it touched (with
their mentions and quotes), and leaves every other row as it was; the same input run twice gives the
same tables. Batches are read and written one at a time.

- `loading`: the batches streamed into data files (`load_run`), documents placed in their stories.
- `parts`: the data files a run adds and the committed ones it replaces, unseen until the commit.
- `accounting`: DuckDB over the data files as they will be: the row accounting the load suite validates
  (every document listed once, expected, and either a story's copy or a quarantine row), story counts.
- `runs`: the run's row of the runs table, and the commit.
"""

from crosswire.load.accounting import accounting, article_counts, listed
from crosswire.load.loading import Loaded, load_run, place
from crosswire.load.parts import Parts
from crosswire.load.runs import commit_run, run_counts, run_row

__all__ = ["Loaded", "Parts", "accounting", "article_counts", "commit_run", "listed", "load_run", "place",
           "run_counts", "run_row"]
