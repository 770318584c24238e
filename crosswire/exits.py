"""The CLI's exit codes, one per kind of outcome (the README lists them)."""

EXIT_SUITE_FAILED = 1  # a GX suite failed
EXIT_USAGE = 2  # a mistake in what was asked, found before anything ran
EXIT_LOCKED = 3  # another run holds the output directory
EXIT_PARTIAL = 4  # some sources failed, the others were read
EXIT_NOTHING = 5  # nothing was read
EXIT_DAMAGED = 6  # `crosswire verify`: the output directory is damaged
EXIT_CRASHED = 7  # the run stopped on an error before its commit: nothing of it is in the tables
EXIT_AFTER_COMMIT = 8  # the run's tables are committed, but a step after the commit failed
