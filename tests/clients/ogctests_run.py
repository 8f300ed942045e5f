"""The PyPI package ogctests, OGC API - Features Part 1 core, against onemap. Its command line
ignores pytest's exit status and misses its own http_client fixture, so it is called the way its
README describes for embedding: run_ogctests with an httpx client. Exits with pytest's status.

usage: ogctests_run.py <landing page URL>
"""
import sys

import httpx
from ogctests.main import run_ogctests

url = sys.argv[1]
client = httpx.Client(base_url=url, timeout=120)
sys.exit(run_ogctests("features/core", url, ["-q", "-rA", "--tb=short", "-p", "no:cacheprovider"], test_client=client))
