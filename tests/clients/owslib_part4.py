"""OWSLib's OGC API Features Part 4 calls against onemap: create a parcel
(collection_item_create), replace it (collection_item_update, with the If-Match the server
requires, taken from the item's ETag), delete it (collection_item_delete). Prints one JSON
document with what it saw; the Rust test checks the database.

usage: owslib_part4.py <landing page URL> <token> <GeoJSON feature to create>
"""
import json
import sys

from owslib.ogcapi.features import Features

url, token, feature = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
api = Features(url, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/geo+json"})
out = {}
# A JSON string (a dict would be form-encoded by OWSLib's POST).
out["created"] = api.collection_item_create("parcels", json.dumps(feature))
location = api.response_headers["Location"]
fid = location.rsplit("/", 1)[1]
out["fid"] = fid
item = api.collection_item("parcels", fid)
out["etag"] = api.response_headers["ETag"]
out["address"] = item["properties"]["address"]
feature["properties"]["address"] = feature["properties"]["address"] + "(OWSLib 改)"
api.headers["If-Match"] = out["etag"]
out["updated"] = api.collection_item_update("parcels", fid, json.dumps(feature))
api.headers.pop("If-Match")
item = api.collection_item("parcels", fid)
out["address_after"] = item["properties"]["address"]
out["etag_after"] = api.response_headers["ETag"]
api.headers["If-Match"] = out["etag_after"]
out["deleted"] = api.collection_item_delete("parcels", fid)
api.headers.pop("If-Match")
try:
    api.collection_item("parcels", fid)
    out["gone"] = False
except RuntimeError:
    out["gone"] = True
print(json.dumps(out, ensure_ascii=False))
