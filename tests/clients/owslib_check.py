"""OWSLib against onemap's OGC API: list the collections, then page through one collection
with a bbox and a CQL2 filter, following the server's paging. Prints one JSON document with
what it saw; the Rust test compares it with the database.

usage: owslib_check.py <landing page URL> <collection> <bbox w,s,e,n> <cql2-text filter> [token]
"""
import json
import sys

from owslib.ogcapi.features import Features

url, collection, bbox, cql = sys.argv[1:5]
headers = {"Authorization": f"Bearer {sys.argv[5]}"} if len(sys.argv) > 5 else None
api = Features(url, headers=headers)

listed = api.feature_collections()
queryables = sorted(api.collection_queryables(collection)["properties"])

bbox = [float(v) for v in bbox.split(",")]
ids, pages, offset, matched = [], 0, 0, None
while True:
    page = api.collection_items(collection, bbox=bbox, filter=cql, limit=50, offset=offset)
    pages += 1
    matched = page["numberMatched"]
    ids += [f["id"] for f in page["features"]]
    nxt = [l for l in page["links"] if l["rel"] == "next"]
    if not nxt:
        break
    offset += page["numberReturned"]

print(json.dumps({"collections": listed, "queryables": queryables, "pages": pages,
                  "matched": matched, "ids": ids}))
