"""Walks a collection's items from a first page URL along its rel=next links, as an exporting
client would, and prints: seconds, features, bytes, pages. Each page is scanned with a regex
for numberReturned and the next link (not JSON-decoded) so that the client's own cost stays
small next to the servers'.

usage: ogc_export.py <first page URL> [bearer token]
"""
import re
import sys
import time
import urllib.request

NEXT = re.compile(rb'\{[^{}]*"rel"\s*:\s*"next"[^{}]*\}')
HREF = re.compile(rb'"href"\s*:\s*"([^"]+)"')
RETURNED = re.compile(rb'"numberReturned"\s*:\s*(\d+)')

url = sys.argv[1]
headers = {"Accept": "application/geo+json"}
if len(sys.argv) > 2:
    headers["Authorization"] = f"Bearer {sys.argv[2]}"
features = size = pages = 0
start = time.monotonic()
while url:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=600) as r:
        body = r.read()
    pages += 1
    size += len(body)
    features += int(RETURNED.findall(body)[-1])
    link = NEXT.search(body[-4000:]) or NEXT.search(body)
    url = HREF.search(link.group(0)).group(1).decode().replace("&amp;", "&") if link else None
print(f"{time.monotonic() - start:.3f} {features} {size} {pages}")
