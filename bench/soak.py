#!/usr/bin/env python3
"""Soak test driver (`make soak`), run by bench/soak.sh: a mixed workload of reads and writes
against one server for a fixed time, every request timed and checked, the server's resident
memory sampled, then a JSON summary, a Markdown table and a PNG plot.

The workload, on --connections HTTP connections in all (httpx, one shared pool):
  * connections − 2 readers, each sending one request after another (closed loop), picked by
    weight: vector tiles (parcels z14–17, buildings z15–17, house units z16–17) around sampled
    parcel points, anonymous; /api/units/{code} and /api/search?q= as the clerk; OGC API items
    (parcels in a ~300 m bbox around a sampled point, limit=50), anonymous;
  * one payment worker at --payment-rate per second: a small payment requested by the officer
    on a unit of BENCH-ZS-20K that is still owed money (POST /api/compensation-units/{code}/
    payments → 202), then approved by the director (POST /api/approvals/{id}/decision → 200,
    the payment paid). Amounts of ¥1–¥20 against units owed ≥ ¥1,000: always payable;
  * one import worker, an import every --import-every seconds: a GeoJSON of two new 2 m × 2 m
    parcels on free ground (spots found by soak.sh, each used once) uploaded as the surveyor,
    polled until validated (ready, no errors, two new features), committed (two inserted)
    and read back as committed.
An error is a transport failure or timeout (30 s), a 5xx, any status other than the one the
request was built to get, or a write whose answer says it did not happen. Each request's
endpoint, start, latency and status are kept; the server's VmRSS is read every 10 s from
/proc/PID/status. Memory growth is the last sample over the first sample at or after the
warm-up (--warmup seconds). Exit status 1 when any request failed or the growth is ≥ 10 %.

Inputs (--samples DIR, written by soak.sh): points (lon lat per line), units (codes), search
(queries), spots (one GeoJSON polygon per line), payable (compensation unit codes),
template.json (land_use, right_type, right_nature of the new parcels), tokens.json (clerk,
officer, director, surveyor, admin bearer tokens).
"""

import argparse
import asyncio
from array import array
import json
import math
import random
import sys
import time
from pathlib import Path

import httpx

# What the readers send, by weight.
READS = [("tile", 40), ("unit", 20), ("search", 20), ("ogc_items", 20)]
# Zoom levels where each tile layer has features.
TILE_ZOOMS = {"parcels": (14, 17), "buildings": (15, 17), "house_units": (16, 17)}
# Display names and order of the endpoints in the summary.
ENDPOINTS = {
    "tile_parcels": "GET /tiles/parcels/{z}/{x}/{y}.mvt",
    "tile_buildings": "GET /tiles/buildings/{z}/{x}/{y}.mvt",
    "tile_house_units": "GET /tiles/house_units/{z}/{x}/{y}.mvt",
    "unit": "GET /api/units/{code}",
    "search": "GET /api/search?q=",
    "ogc_items": "GET /ogc/collections/parcels/items?bbox=…&limit=50",
    "payment_request": "POST /api/compensation-units/{code}/payments",
    "payment_approve": "POST /api/approvals/{id}/decision",
    "import_upload": "POST /api/imports?kind=parcels",
    "import_status": "GET /api/imports/{id}",
    "import_commit": "POST /api/imports/{id}/commit",
    "import_total": "import: upload → validated → committed (end to end)",
}
TIMEOUT = 30.0
GROWTH_LIMIT = 10.0


class Soak:
    def __init__(self, args):
        self.args = args
        d = Path(args.samples)
        self.points = [tuple(map(float, line.split())) for line in lines(d / "points")]
        self.units = lines(d / "units")
        self.queries = lines(d / "search")
        self.spots = [json.loads(line) for line in lines(d / "spots")]
        self.payable = lines(d / "payable")
        self.template = json.loads((d / "template.json").read_text())
        self.tokens = json.loads((d / "tokens.json").read_text())
        for name, v in [("points", self.points), ("units", self.units), ("search", self.queries),
                        ("spots", self.spots), ("payable", self.payable)]:
            if not v:
                sys.exit(f"soak: no {name} in {d}")
        self.rng = random.Random(args.seed)
        random.Random(args.seed).shuffle(self.payable)
        # Per endpoint: starts (s since t0) and latencies (s) in arrays (half a million requests
        # in a run), answers by status, errors.
        self.stats = {}
        self.failures = {}  # endpoint → its first few failures, for the report
        self.error_times = []  # (s since t0, endpoint)
        self.rss = []  # (s since t0, kB)
        self.cache = []  # (s since t0, tile cache bytes, entries) from /metrics, as the admin
        self.imports = {"started": 0, "committed": 0, "parcels": 0}
        self.payments = {"requested": 0, "paid": 0, "yuan": 0.0}
        self.spot = 0
        self.t0 = 0.0
        self.deadline = 0.0

    def now(self):
        return time.monotonic() - self.t0

    def record(self, endpoint, start, status, ok, why=""):
        st = self.stats.get(endpoint)
        if st is None:
            st = self.stats[endpoint] = {"start": array("d"), "lat": array("d"), "statuses": {}, "errors": 0}
        st["start"].append(start)
        st["lat"].append(self.now() - start)
        st["statuses"][str(status)] = st["statuses"].get(str(status), 0) + 1
        if not ok:
            self.failed(endpoint, start, status, why)

    def failed(self, endpoint, start, status, why):
        self.stats[endpoint]["errors"] += 1
        self.error_times.append((start, endpoint))
        kept = self.failures.setdefault(endpoint, [])
        # The first five of each endpoint are kept and shown; the others only counted.
        if len(kept) < 5:
            kept.append(f"{status} at {start:.0f} s: {why}"[:300])
            print(f"soak: {endpoint} failed ({status}) at {start:.0f} s: {why}"[:300], file=sys.stderr)

    async def call(self, endpoint, method, url, want, token=None, **kw):
        """One timed request; returns the response when its status is `want`, else None."""
        headers = kw.pop("headers", {})
        if token:
            headers["authorization"] = f"Bearer {self.tokens[token]}"
        start = self.now()
        try:
            r = await self.client.request(method, url, headers=headers, **kw)
        except httpx.TimeoutException as e:
            self.record(endpoint, start, "timeout", False, type(e).__name__)
            return None
        except httpx.HTTPError as e:
            self.record(endpoint, start, "transport", False, f"{type(e).__name__}: {e}")
            return None
        ok = r.status_code == want
        self.record(endpoint, start, r.status_code, ok, "" if ok else r.text[:200])
        return r if ok else None

    # --- reads -----------------------------------------------------------------------------

    async def read_once(self):
        kind = self.rng.choices([k for k, _ in READS], weights=[w for _, w in READS])[0]
        if kind == "tile":
            layer = self.rng.choice(list(TILE_ZOOMS))
            z = self.rng.randint(*TILE_ZOOMS[layer])
            lon, lat = self.rng.choice(self.points)
            x, y = tile_of(lon, lat, z)
            await self.call(f"tile_{layer}", "GET", f"/tiles/{layer}/{z}/{x}/{y}.mvt", 200)
        elif kind == "unit":
            await self.call("unit", "GET", f"/api/units/{self.rng.choice(self.units)}", 200, "clerk")
        elif kind == "search":
            await self.call("search", "GET", "/api/search", 200, "clerk", params={"q": self.rng.choice(self.queries)})
        else:
            lon, lat = self.rng.choice(self.points)
            bbox = f"{lon - 0.0017:.6f},{lat - 0.0014:.6f},{lon + 0.0017:.6f},{lat + 0.0014:.6f}"
            await self.call("ogc_items", "GET", "/ogc/collections/parcels/items", 200,
                            params={"bbox": bbox, "limit": "50"}, headers={"accept": "application/geo+json"})

    async def reader(self):
        while self.now() < self.deadline:
            await self.read_once()

    # --- payments --------------------------------------------------------------------------

    async def payment_once(self, n):
        code = self.payable[n % len(self.payable)]
        amount = self.rng.randint(100, 2000) / 100
        body = {"voucher_no": f"{self.args.run}-ZF-{n:06d}", "amount": amount, "purpose": "compensation",
                "payee_name": "压力测试收款人", "payee_account": "6222000000000000"}
        r = await self.call("payment_request", "POST", f"/api/compensation-units/{code}/payments", 202, "officer",
                            json=body)
        if r is None:
            return
        self.payments["requested"] += 1
        approval = r.json()["id"]
        start = self.now()
        r = await self.call("payment_approve", "POST", f"/api/approvals/{approval}/decision", 200, "director",
                            json={"approve": True, "comment": "压力测试"})
        if r is None:
            return
        a = r.json()
        if a.get("status") != "approved" or (a.get("payment") or {}).get("status") != "paid":
            self.record_fail("payment_approve", start, "not paid", json.dumps(a, ensure_ascii=False)[:200])
            return
        self.payments["paid"] += 1
        self.payments["yuan"] += amount

    async def payer(self):
        if self.args.payment_rate <= 0:
            return
        step = 1.0 / self.args.payment_rate
        n = 0
        nxt = self.now()
        while nxt < self.deadline:
            await self.payment_once(n)
            n += 1
            # Paced: the next payment at its slot; a late one goes at once, without catching up.
            nxt = max(nxt + step, self.now())
            await asyncio.sleep(max(0.0, nxt - self.now()))

    # --- imports ---------------------------------------------------------------------------

    def record_fail(self, endpoint, start, status, why):
        """Counts the last request of `endpoint` as failed: its status was right, its answer not."""
        st = self.stats[endpoint]["statuses"]
        st[f"answer: {status}"] = st.get(f"answer: {status}", 0) + 1
        self.failed(endpoint, start, status, why)

    async def import_once(self, n):
        per = self.args.import_parcels
        if self.spot + per > len(self.spots):
            start = self.now()
            self.record("import_total", start, "no_spots", False, "soak.sh found too few free spots")
            return
        spots = self.spots[self.spot:self.spot + per]
        self.spot += per
        features = [{"type": "Feature", "geometry": g, "properties": {
            "ZL": f"压力测试地块 {self.args.run}-{n:04d}-{k + 1}", "YT": self.template["land_use"],
            "QLLX": self.template["right_type"], "QLXZ": self.template["right_nature"]}}
            for k, g in enumerate(spots)]
        data = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()
        self.imports["started"] += 1
        t = self.now()
        headers = {"content-type": "application/geo+json",
                   "content-disposition": f'attachment; filename="soak-{n:04d}.geojson"'}
        r = await self.call("import_upload", "POST", "/api/imports", 201, "surveyor", params={"kind": "parcels"},
                            content=data, headers=headers)
        if r is None:
            return
        id_ = r.json()["id"]
        status = "validating"
        v = {}
        while status == "validating":
            if self.now() - t > 120:
                self.record("import_total", t, "stuck", False, f"import {id_} still validating after 120 s")
                return await self.discard(id_)
            await asyncio.sleep(0.5)
            start = self.now()
            r = await self.call("import_status", "GET", f"/api/imports/{id_}", 200, "surveyor")
            if r is None:
                return
            v = r.json()
            status = v.get("status")
        c = v.get("counts", {})
        if status != "ready" or c.get("errors") or c.get("new") != per:
            issues = json.dumps(v.get("issues"), ensure_ascii=False)[:150]
            self.record_fail("import_status", start, status, f"import {id_}: counts {c}, issues {issues}")
            return await self.discard(id_)
        start = self.now()
        r = await self.call("import_commit", "POST", f"/api/imports/{id_}/commit", 200, "surveyor")
        if r is None:
            return await self.discard(id_)
        if r.json().get("inserted") != per:
            return self.record_fail("import_commit", start, "inserted", r.text[:200])
        start = self.now()
        r = await self.call("import_status", "GET", f"/api/imports/{id_}", 200, "surveyor")
        if r is None:
            return
        if r.json().get("status") != "committed":
            return self.record_fail("import_status", start, r.json().get("status"), f"import {id_} is not committed")
        self.record("import_total", t, 200, True)
        self.imports["committed"] += 1
        self.imports["parcels"] += per

    async def discard(self, id_):
        """Discards a failed import (untimed: its staged features are not left behind)."""
        try:
            auth = {"authorization": f"Bearer {self.tokens['surveyor']}"}
            await self.client.delete(f"/api/imports/{id_}", headers=auth)
        except httpx.HTTPError:
            pass

    async def importer(self):
        if self.args.import_every <= 0:
            return
        n = 0
        nxt = self.now() + min(5.0, self.args.import_every / 2)
        while nxt < self.deadline:
            await asyncio.sleep(max(0.0, nxt - self.now()))
            await self.import_once(n)
            n += 1
            nxt = max(nxt + self.args.import_every, self.now())

    # --- memory ----------------------------------------------------------------------------

    def sample_rss(self):
        try:
            for line in Path(f"/proc/{self.args.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    self.rss.append((self.now(), int(line.split()[1])))
                    return
        except OSError as e:
            self.record("server", self.now(), "exited", False, f"/proc/{self.args.pid}/status: {e}")

    async def sample_cache(self):
        """The tile cache's size, so that its filling can be told apart from other growth."""
        try:
            r = await self.client.get("/metrics", headers={"authorization": f"Bearer {self.tokens['admin']}"})
            if r.status_code != 200:
                return
            vals = {}
            for line in r.text.splitlines():
                name, _, value = line.partition(" ")
                if name in ("onemap_tile_cache_bytes", "onemap_tile_cache_entries"):
                    vals[name] = float(value)
            if len(vals) == 2:
                self.cache.append((self.now(), int(vals["onemap_tile_cache_bytes"]), int(vals["onemap_tile_cache_entries"])))
        except httpx.HTTPError:
            pass

    async def sampler(self):
        while self.now() < self.deadline:
            self.sample_rss()
            await self.sample_cache()
            await asyncio.sleep(min(10.0, max(0.0, self.deadline - self.now())))

    # --- run -------------------------------------------------------------------------------

    async def run(self):
        c = self.args.connections
        limits = httpx.Limits(max_connections=c, max_keepalive_connections=c)
        async with httpx.AsyncClient(base_url=self.args.base, limits=limits, timeout=TIMEOUT) as self.client:
            self.t0 = time.monotonic()
            self.deadline = self.args.seconds
            readers = max(1, c - 2)
            tasks = [self.reader() for _ in range(readers)] + [self.payer(), self.importer(), self.sampler()]
            await asyncio.gather(*tasks)
            self.sample_rss()

    # --- results ---------------------------------------------------------------------------

    def summary(self):
        bucket = self.args.bucket
        out = {"seconds": self.args.seconds, "connections": self.args.connections, "bucket_seconds": bucket,
               "warmup_seconds": self.args.warmup, "endpoints": {}, "imports": self.imports,
               "payments": {**self.payments, "yuan": round(self.payments["yuan"], 2)},
               "failures": self.failures}
        for e in [*ENDPOINTS, *sorted(set(self.stats) - set(ENDPOINTS))]:
            st = self.stats.get(e)
            if not st:
                continue
            lats = [x * 1000 for x in st["lat"]]
            buckets = {}
            for start, lat in zip(st["start"], lats):
                buckets.setdefault(int(start // bucket), []).append(lat)
            # [bucket start in minutes, p99 ms, requests]
            series = [[b * bucket / 60, round(pct(v, 0.99), 1), len(v)] for b, v in sorted(buckets.items())]
            out["endpoints"][e] = {
                "label": ENDPOINTS.get(e, e), "count": len(lats), "errors": st["errors"],
                "p50_ms": round(pct(lats, 0.5), 1), "p99_ms": round(pct(lats, 0.99), 1),
                "max_ms": round(max(lats), 1), "worst_bucket_p99_ms": max(p[1] for p in series),
                "statuses": st["statuses"], "p99_series": series}
        out["error_times"] = [[round(t, 1), e] for t, e in self.error_times]
        out["errors"] = sum(v["errors"] for v in out["endpoints"].values())
        out["requests"] = sum(v["count"] for v in out["endpoints"].values() if v["label"] != ENDPOINTS["import_total"])
        rss = self.rss
        warm = next((s for s in rss if s[0] >= self.args.warmup), rss[-1] if rss else None)
        out["rss_series"] = [[round(t, 1), kb] for t, kb in rss]
        if warm and rss:
            end = rss[-1]
            out["rss"] = {"warmup_at_s": round(warm[0], 1), "warmup_kb": warm[1], "end_kb": end[1],
                          "peak_after_warmup_kb": max(kb for t, kb in rss if t >= warm[0]),
                          "first_kb": rss[0][1], "growth_pct": round(100.0 * (end[1] - warm[1]) / warm[1], 2)}
        if warm and rss:
            # The second half of the measured span: still growing, or level (a bounded cache that
            # filled after the warm-up shows in the first half only).
            mid = min(rss, key=lambda s: abs(s[0] - (warm[0] + rss[-1][0]) / 2))
            out["rss"].update({"mid_at_s": round(mid[0], 1), "mid_kb": mid[1],
                               "second_half_growth_pct": round(100.0 * (rss[-1][1] - mid[1]) / mid[1], 2)})
        out["cache_series"] = [[round(t, 1), b, n] for t, b, n in self.cache]
        if warm and rss and self.cache:
            # The resident memory that is not the tile cache (bounded by tile_cache_mb) at the end
            # of the warm-up and at the end: what would keep growing if anything leaked.
            def cache_at(t):
                return min(self.cache, key=lambda c: abs(c[0] - t))[1] // 1024
            w_kb, e_kb = warm[1] - cache_at(warm[0]), rss[-1][1] - cache_at(rss[-1][0])
            out["rss"].update({"cache_warmup_kb": cache_at(warm[0]), "cache_end_kb": cache_at(rss[-1][0]),
                               "other_warmup_kb": w_kb, "other_end_kb": e_kb,
                               "other_growth_pct": round(100.0 * (e_kb - w_kb) / w_kb, 2)})
        out["passed"] = out["errors"] == 0 and bool(out.get("rss")) and out["rss"]["growth_pct"] < GROWTH_LIMIT
        return out


def lines(path):
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def pct(values, p):
    """Nearest-rank percentile."""
    v = sorted(values)
    return v[min(len(v) - 1, max(0, math.ceil(p * len(v)) - 1))]


def tile_of(lon, lat, z):
    """Web Mercator tile x, y of a point at zoom z."""
    n = 1 << z
    x = int((lon + 180.0) / 360.0 * n)
    r = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(r)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def per_bucket(s):
    """`per-minute`, or `per-10-s` for other bucket sizes."""
    b = s["bucket_seconds"]
    return "per-minute" if b == 60 else f"per-{b:g}-s"


def markdown(s):
    """The per-endpoint table of docs/benchmarks.md."""
    rows = [f"| endpoint | requests | errors | p50 ms | p99 ms | worst {per_bucket(s)} p99 ms | max ms |",
            "|---|---|---|---|---|---|---|"]
    for v in s["endpoints"].values():
        label = f"`{v['label']}`" if v["label"].startswith(("GET ", "POST ")) else v["label"]
        rows.append(f"| {label} | {v['count']} | {v['errors']} | {v['p50_ms']:.1f} | {v['p99_ms']:.1f} | "
                    f"{v['worst_bucket_p99_ms']:.1f} | {v['max_ms']:.1f} |")
    return "\n".join(rows)


def plot(s, path, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator

    fig, (a, b) = plt.subplots(2, 1, figsize=(13, 8.5), sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    bucket, end = s["bucket_seconds"], s["seconds"]
    # Twelve distinct colours; the writes dashed.
    colours = plt.get_cmap("tab20").colors
    colours = colours[0::2] + colours[1::2]
    for i, (e, v) in enumerate(s["endpoints"].items()):
        # Each point in the middle of the part of its bucket the run covered.
        xs = [(m * 60 + min(m * 60 + bucket, end)) / 2 / 60 for m, _, _ in v["p99_series"]]
        write = e.startswith(("payment", "import"))
        a.plot(xs, [p for _, p, _ in v["p99_series"]], marker=".", linewidth=1.2, color=colours[i % len(colours)],
               linestyle="--" if write else "-", label=e)
    if s["error_times"]:
        # Each failed request as a red tick along the bottom of the latency panel.
        a.plot([t / 60 for t, _ in s["error_times"]], [0.02] * len(s["error_times"]), "|", color="red", markersize=12,
               transform=a.get_xaxis_transform(), label=f"errors ({len(s['error_times'])})")
    a.set_yscale("log")
    a.yaxis.set_major_locator(LogLocator(base=10, subs=(1, 2, 5)))
    a.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:g}"))
    a.set_ylabel(f"p99 latency {per_bucket(s).replace('-', ' ')} (ms)")
    a.grid(True, which="both", alpha=0.3)
    a.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    a.set_title(title, fontsize=10)
    rss = s["rss_series"]
    b.plot([t / 60 for t, _ in rss], [kb / 1024 for _, kb in rss], color="tab:red", linewidth=1.5, label="VmRSS")
    if s.get("cache_series"):
        cs = s["cache_series"]
        b.plot([t / 60 for t, _, _ in cs], [by / 2**20 for _, by, _ in cs], color="tab:blue", linewidth=1.2,
               label="tile cache (onemap_tile_cache_bytes)")
    if s.get("rss"):
        w = s["rss"]["warmup_at_s"] / 60
        b.axvline(w, color="grey", linestyle="--", linewidth=1, label="end of warm-up")
        b.axhline(s["rss"]["warmup_kb"] * (1 + GROWTH_LIMIT / 100) / 1024, color="tab:orange", linestyle=":",
                  linewidth=1.2, label=f"warm-up RSS + {GROWTH_LIMIT:.0f} %")
    b.set_ylabel("server resident memory (MiB)")
    b.set_xlabel("minutes")
    b.set_xlim(0, end / 60)
    tops = [kb / 1024 for _, kb in rss] + [1]
    if s.get("rss"):
        tops.append(s["rss"]["warmup_kb"] * (1 + GROWTH_LIMIT / 100) / 1024)
    b.set_ylim(0, max(tops) * 1.08)
    b.grid(True, alpha=0.3)
    b.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:18100")
    p.add_argument("--pid", type=int, required=True, help="the server's process id (VmRSS)")
    p.add_argument("--samples", required=True, help="directory of the inputs soak.sh wrote")
    p.add_argument("--seconds", type=float, default=1800)
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--warmup", type=float,
                   help="seconds of warm-up [600 (the OGC count cache's lifetime), or 1/3 of a shorter run]")
    p.add_argument("--bucket", type=float, default=60, help="seconds per p99 point [60]")
    p.add_argument("--payment-rate", type=float, default=3, help="payments per second [3]")
    p.add_argument("--import-every", type=float, default=15, help="seconds between imports [15]")
    p.add_argument("--import-parcels", type=int, default=2, help="new parcels per import [2]")
    p.add_argument("--run", default="SOAK", help="marker of this run's vouchers and addresses")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--summary", required=True, help="JSON summary to write")
    p.add_argument("--markdown", help="Markdown table to write")
    p.add_argument("--plot", help="PNG to write")
    args = p.parse_args()
    if args.warmup is None:
        args.warmup = min(600.0, args.seconds / 3)
    soak = Soak(args)
    print(f"soak: {args.seconds:.0f} s at {args.connections} connections against {args.base} (server pid {args.pid})",
          file=sys.stderr)
    asyncio.run(soak.run())
    s = soak.summary()
    Path(args.summary).write_text(json.dumps(s, ensure_ascii=False, indent=1))
    if args.markdown:
        Path(args.markdown).write_text(markdown(s) + "\n")
    if args.plot:
        span = f"{args.seconds / 60:g} min" if args.seconds >= 60 else f"{args.seconds:g} s"
        title = (f"onemap soak: {span}, {args.connections} connections, {s['requests']} requests, "
                 f"{s['errors']} errors")
        plot(s, args.plot, title)
    for v in s["endpoints"].values():
        print(f"soak: {v['label']}: {v['count']} requests, {v['errors']} errors, p50 {v['p50_ms']} ms, "
              f"p99 {v['p99_ms']} ms, worst {per_bucket(s)} p99 {v['worst_bucket_p99_ms']} ms", file=sys.stderr)
    r = s.get("rss")
    if r:
        print(f"soak: RSS {r['warmup_kb'] // 1024} MiB after warm-up ({r['warmup_at_s']:.0f} s), "
              f"{r['end_kb'] // 1024} MiB at the end: {r['growth_pct']:+.1f} %", file=sys.stderr)
    print(f"soak: {'passed' if s['passed'] else 'FAILED'}: {s['errors']} errors", file=sys.stderr)
    sys.exit(0 if s["passed"] else 1)


if __name__ == "__main__":
    main()
