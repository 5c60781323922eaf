"""Settings of the status benchmark: the site's, plus `/bench/hello` (bench.status_urls)."""

from tinhso.settings import *  # noqa: F403

ROOT_URLCONF = "bench.status_urls"

# Its own key space in the shared Redis database: other runs (or benches) cannot collide.
CACHES["default"]["KEY_PREFIX"] = "bench-status"  # noqa: F405
