"""The peer benchmark's Python clients (issue 11; run by benches/peers/run.sh in its own venv).

    python client.py KIND URL CONCURRENCY SECS WARMUP

KIND: imcloud-sync (imcloud.RongCloud, one thread per call in flight), imcloud-async
(imcloud.AsyncRongCloud, one task per call in flight), either with -pool64 (the option
pool_max_idle_per_host=64; the default was 32 at the run in REPORT.md, 256 since), official (rc-server-sdk, threads).
Every call is getToken (/user/getToken.json). Prints one JSON line like `peers raw|rust`:
calls inside the measured window (after the warm-up), p50/p99, process CPU time per call, peak RSS.
"""

import asyncio
import json
import resource
import sys
import threading
import time


def cpu_us() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return (r.ru_utime + r.ru_stime) * 1e6


def peak_rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def summary(kind, c, secs, lats, errors, cpu):
    lats.sort()

    def pct(p):
        return lats[min(int(len(lats) * p), len(lats) - 1)] if lats else 0

    n = len(lats)
    return json.dumps(
        {
            "client": kind,
            "concurrency": c,
            "secs": secs,
            "calls": n,
            "errors": errors,
            "calls_per_s": n / secs,
            "p50_us": pct(0.5),
            "p99_us": pct(0.99),
            "cpu_us_per_call": cpu / n if n else 0.0,
            "peak_rss_kib": peak_rss_kib(),
        }
    )


def options(kind):
    opts = {"allow_insecure_http": True}
    if kind.endswith("-pool64"):
        opts["pool_max_idle_per_host"] = 64
    return opts


def make_sync_call(kind, url):
    if kind == "official":
        from rongcloud.rongcloud import RongCloud as Official

        user = Official("bench-key", "bench-secret", url).get_user()

        def call():
            r = user.register("u1", "n", "")
            return isinstance(r, dict) and r.get("code") == 200

        return call
    import imcloud

    rc = imcloud.RongCloud("bench-key", "bench-secret", hosts=[url], **options(kind))

    def call():
        return rc.user_register(user_id="u1", name="n").token == "t"

    return call


def run_threads(kind, url, c, secs, warmup):
    call = make_sync_call(kind, url)
    start = time.perf_counter() + warmup
    end = start + secs
    results = []
    lock = threading.Lock()

    def worker():
        lats, errors = [], 0
        while True:
            t0 = time.perf_counter()
            if t0 >= end:
                break
            try:
                ok = call()
            except Exception:  # an error is counted, not raised
                ok = False
            t1 = time.perf_counter()
            if t0 >= start and t1 <= end:
                if ok:
                    lats.append(int((t1 - t0) * 1e6))
                else:
                    errors += 1
        with lock:
            results.append((lats, errors))

    threads = [threading.Thread(target=worker) for _ in range(c)]
    for t in threads:
        t.start()
    time.sleep(max(0.0, start - time.perf_counter()))
    cpu0 = cpu_us()
    time.sleep(max(0.0, end - time.perf_counter()))
    cpu1 = cpu_us()
    for t in threads:
        t.join()
    lats = [x for r in results for x in r[0]]
    return summary(kind, c, secs, lats, sum(r[1] for r in results), cpu1 - cpu0)


async def run_async(kind, url, c, secs, warmup):
    import imcloud

    rc = imcloud.AsyncRongCloud("bench-key", "bench-secret", hosts=[url], **options(kind))
    loop = asyncio.get_running_loop()
    start = loop.time() + warmup
    end = start + secs

    async def worker():
        lats, errors = [], 0
        while True:
            t0 = loop.time()
            if t0 >= end:
                break
            try:
                ok = (await rc.user_register(user_id="u1", name="n")).token == "t"
            except Exception:
                ok = False
            t1 = loop.time()
            if t0 >= start and t1 <= end:
                if ok:
                    lats.append(int((t1 - t0) * 1e6))
                else:
                    errors += 1
        return lats, errors

    tasks = [asyncio.ensure_future(worker()) for _ in range(c)]
    await asyncio.sleep(max(0.0, start - loop.time()))
    cpu0 = cpu_us()
    await asyncio.sleep(max(0.0, end - loop.time()))
    cpu1 = cpu_us()
    results = await asyncio.gather(*tasks)
    lats = [x for r in results for x in r[0]]
    return summary(kind, c, secs, lats, sum(r[1] for r in results), cpu1 - cpu0)


def main():
    kind, url, c, secs, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    if kind in ("imcloud-async", "imcloud-async-pool64"):
        line = asyncio.run(run_async(kind, url, c, secs, warmup))
    elif kind in ("imcloud-sync", "imcloud-sync-pool64", "official"):
        line = run_threads(kind, url, c, secs, warmup)
    else:
        sys.exit(f"unknown client {kind}")
    print(line, flush=True)


if __name__ == "__main__":
    main()
