"""crosswire: raw news and press releases in, clean deduplicated story tables out."""

from crosswire.memory import use_jemalloc

use_jemalloc()  # for the whole process, workers included: every entry point imports crosswire
