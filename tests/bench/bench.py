#!/usr/bin/env python3
"""make bench: gloss's figures beside less's, in one table (and JSON).

Inputs are made from the project's own articles (tests/data/outline/) with
../shared/bench/make_data.py: CJK text repeated to 1, 10 and 100 MiB, and a
10 MiB English/CJK mix; the 7 KiB input is the head of the 1 MiB one.
Figures are medians of --runs runs (default 3).  Nothing here fails on
time.

  python3 tests/bench/bench.py --builddir B --srcdir S [--sizes 1m,10m,100m]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys


def run(cmd, **kw):
    return subprocess.run(cmd, check=False, capture_output=True, text=True, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--builddir", required=True)
    ap.add_argument("--srcdir", required=True)
    ap.add_argument("--sizes", default="1m,10m,100m")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()

    shared = os.path.normpath(os.path.join(a.srcdir, "..", "shared", "bench"))
    make_data = os.path.join(shared, "make_data.py")
    ttybench = os.path.join(shared, "ttybench.py")
    if not os.path.exists(make_data):
        print("bench: %s is missing (../shared/bench beside the source tree)" % make_data)
        return 1
    data = os.path.join(a.builddir, "tests", "bench", "data")
    os.makedirs(data, exist_ok=True)
    source = os.path.join(a.srcdir, "tests", "data", "outline", "news-zh-hant.txt")
    names = ["cjk-" + s for s in a.sizes.split(",") if s] + ["mixed-10m"]
    missing = [n for n in names if not os.path.exists(os.path.join(data, n + ".txt"))]
    if missing:
        r = run([sys.executable, make_data, "--source", source, "--out", data, "--only"] + missing)
        if r.returncode:
            print(r.stdout, r.stderr)
            return 1
    # The 7 KiB article of issue 10: the head of cjk-1m, cut after a line.
    small = os.path.join(data, "cjk-7k.txt")
    if not os.path.exists(small) and "cjk-1m" in names:
        with open(os.path.join(data, "cjk-1m.txt"), "rb") as fh:
            head = fh.read(7 * 1024)
        with open(small, "wb") as fh:
            fh.write(head[:head.rfind(b"\n") + 1])
    # Latin text: the project's English article repeated to 10 MiB, as
    # make_data.py does with the Chinese one (make_data.py has no Latin
    # file of its own).
    latin = os.path.join(data, "latin-10m.txt")
    if not os.path.exists(latin):
        make_latin(os.path.join(a.srcdir, "tests", "data", "reader", "night-ferry-en.txt"),
                   latin, 10 * 1024 * 1024)
    files = ([small] if os.path.exists(small) else [source]) + \
        [os.path.join(data, n + ".txt") for n in names] + [latin]

    rows = []  # (figure, gloss value, unit, less value or None)
    env = dict(os.environ, BENCH_RUNS=str(a.runs))
    r = run([os.path.join(a.builddir, "tests", "bench", "bench-text")] + files, env=env)
    if r.returncode:
        print(r.stdout, r.stderr)
        return 1
    for line in r.stdout.splitlines():
        name, value, unit = line.split("\t")
        rows.append((name, float(value), unit, None))

    gloss = os.path.join(a.builddir, "src", "gloss")
    have_less = shutil.which("less") is not None
    # A store kept from run to run (the usual case: the reader opens its
    # store, finds the article and its place) for the "kept store" figure;
    # ttybench gives every other run a fresh HOME, where the store is made
    # after the first screen.
    kept = os.path.join(a.builddir, "tests", "bench", "home")
    shutil.rmtree(kept, ignore_errors=True)
    kept_env = ["--keep-home", "--env", "HOME=" + kept,
                "--env", "XDG_CONFIG_HOME=" + os.path.join(kept, ".config"),
                "--env", "XDG_DATA_HOME=" + os.path.join(kept, ".local/share"),
                "--env", "XDG_STATE_HOME=" + os.path.join(kept, ".local/state")]
    for f in files:
        base = os.path.basename(f)
        marker = first_marker(f)
        figs = {}
        target = search_target(f)
        for prog in ("gloss", "gloss-kept", "less"):
            if prog == "less" and not have_less:
                continue
            cmd = [sys.executable, ttybench, "--marker", marker, "--repeat", str(a.runs),
                   "--lines", str(LINES), "--pages", str(PAGES), "--no-summary",
                   "--timeout", "60", "--env", "LESSHISTFILE=-"]
            if prog == "less":
                cmd += ["--profile", "less", f]
            elif prog == "gloss":
                cmd += ["--label", "gloss", f, "--", gloss, f]
            else:
                # One run first, to make the store and record the article.
                warm = [sys.executable, ttybench, "--marker", marker, "--repeat", "1",
                        "--lines", "0", "--pages", "0", "--no-end", "--no-summary",
                        "--timeout", "60"] + kept_env + ["--label", "gloss", f, "--", gloss, f]
                run(warm, timeout=900)
                cmd += kept_env + ["--no-end", "--lines", "0", "--pages", "0",
                                   "--label", "gloss", f, "--", gloss, f]
            try:
                res = run(cmd, timeout=900)
                figs[prog] = summarise(res.stdout)
            except subprocess.TimeoutExpired:
                res = None
                figs[prog] = {"error": ["timed out"]}
            if not figs[prog] and res is not None:
                figs[prog] = {"error": (res.stderr or res.stdout).strip().splitlines()[-1:]}
            # The search in a run of its own, so that its work (gloss
            # counts the matches of the whole text) does not run into the
            # jump to the end: G first (gloss then has the whole of a large
            # article, which it loads after the first screen, and less has
            # read it), g back to the top, then the search.
            if target and prog != "gloss-kept" and "error" not in figs[prog]:
                script = json.dumps([
                    {"name": "end", "keys": "G"}, {"name": "top", "keys": "g"},
                    {"name": "search_prompt", "keys": "/"},
                    {"name": "search_text", "keys": target},
                    {"name": "search", "keys": "<CR>"}])
                scmd = [sys.executable, ttybench, "--marker", marker, "--repeat", str(a.runs),
                        "--script", script,
                        "--no-summary", "--timeout", "60", "--env", "LESSHISTFILE=-"]
                scmd += (["--profile", "less", f] if prog == "less"
                         else ["--label", "gloss", f, "--", gloss, f])
                try:
                    sres = summarise(run(scmd, timeout=900).stdout)
                    figs[prog]["search_ms"] = sres.get("search_ms")
                    figs[prog]["search_bytes"] = sres.get("search_bytes")
                except subprocess.TimeoutExpired:
                    pass
        for key, unit, prog in (("first_paint_ms", "ms", "gloss"),
                                ("first_paint_ms", "ms", "gloss-kept"),
                                ("peak_rss_kib", "KiB", "gloss"),
                                ("bytes_per_line", "bytes", "gloss"),
                                ("bytes_per_page", "bytes", "gloss"),
                                ("line_ms", "ms", "gloss"),
                                ("page_ms", "ms", "gloss"),
                                ("search_bytes", "bytes", "gloss"),
                                ("search_ms", "ms", "gloss"),
                                ("end_bytes", "bytes", "gloss"),
                                ("end_ms", "ms", "gloss")):
            g = figs.get(prog, {}).get(key)
            l = figs.get("less", {}).get(key)
            name = key.replace("_", " ")
            if prog == "gloss-kept":
                name += ", kept store"
            elif key == "bytes_per_line":
                name += " (mean of %d)" % LINES
            elif key == "bytes_per_page":
                name += " (mean of %d)" % PAGES
            elif key in ("line_ms", "page_ms"):
                name = key[:4] + " ms, until quiet (median)"
            elif key.startswith("search"):
                name += " (/, %s, Enter)" % target
            if g is not None or l is not None:
                rows.append(("%s %s" % (base, name), g, unit, l))
        for prog in ("gloss", "gloss-kept", "less"):
            if "error" in figs.get(prog, {}):
                rows.append(("%s %s did not run: %s" % (base, prog, " ".join(figs[prog]["error"])), None, "", None))

    print("%-52s %12s %12s %8s" % ("figure", "gloss", "less", "ratio"))
    for name, g, unit, l in rows:
        gs = "-" if g is None else "%.1f %s" % (g, unit)
        ls = "-" if l is None else "%.1f %s" % (l, unit)
        ratio = "-" if (g is None or not l) else "%.2f" % (g / l)
        print("%-52s %12s %12s %8s" % (name, gs, ls, ratio))
    out = a.json or os.path.join(a.builddir, "tests", "bench", "results.json")
    with open(out, "w") as fh:
        json.dump([{"figure": n, "gloss": g, "unit": u, "less": l} for n, g, u, l in rows], fh, indent=1)
    print("(JSON: %s)" % out)
    return 0


def make_latin(article, path, target):
    """The article repeated until `target` bytes, each copy under a heading
    with a unique tag ("Copy 12 LATIN-000012"), its paragraphs rotated by
    one more each copy, then the end line make_data.py's files have."""
    with open(article, encoding="utf-8") as fh:
        paras = [p.strip("\n") for p in fh.read().split("\n\n") if p.strip()]
    body = paras[1:] if len(paras) > 1 else paras   # without its own title
    out, size, n = [], 0, 0
    while size < target:
        n += 1
        k = (n - 1) % len(body)
        copy = "Copy %d LATIN-%06d\n\n%s\n\n" % (n, n, "\n\n".join(body[k:] + body[:k]))
        out.append(copy)
        size += len(copy.encode("utf-8"))
    out.append("END-OF-DATA latin-10m\n")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("".join(out))


def first_marker(path):
    """A piece of the first line that any reader shows on its first screen."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            line = line.strip()
            if line:
                return line[:2]
    return ""


def search_target(path):
    """A heading marker (COPY-000026, MIX-000049...) at least 64 KiB into
    the file, which the search (from the top, in a run of its own) jumps
    to: unique in the file, so both readers find the same place.  None
    when the file has none that far in (the 7 KiB article, the project's
    own)."""
    with open(path, "rb") as fh:
        head = fh.read(256 * 1024).decode("utf-8", errors="replace")
    for m in re.finditer(r"\b(?:COPY|MIX|LATIN)-\d{6}\b", head):
        if len(head[:m.start()].encode("utf-8")) >= 64 * 1024:
            return m.group(0)
    return None


# Keys sent per run.  Bytes per step are the mean over them: the rows that
# come in differ from one program to the other (gloss lays text out in 78
# columns, less in 80), so a median of a few steps measures which rows
# happened to come more than what each program adds to a row.
LINES = 20
PAGES = 5


def mean_bytes(step):
    if not step or not step.get("n"):
        return None
    return step["bytes_total"] / step["n"]


def search_sum(steps, key):
    parts = [(steps.get(n) or {}).get(key) for n in ("search_prompt", "search_text", "search")]
    return None if any(p is None for p in parts) else sum(parts)


def summarise(stdout):
    """Medians from ttybench's JSON lines (one per run)."""
    runs = []
    for line in stdout.splitlines():
        try:
            runs.append(json.loads(line))
        except ValueError:
            pass
    runs = [r for r in runs if isinstance(r, dict) and r.get("kind") == "run"]
    if not runs:
        return {}
    def pick(r, key):
        steps = r.get("steps") or {}
        return {
            "first_paint_ms": r.get("first_paint_ms"),
            "peak_rss_kib": r.get("peak_rss_kb"),
            "bytes_per_line": mean_bytes(steps.get("line")),
            "bytes_per_page": mean_bytes(steps.get("page")),
            "line_ms": (steps.get("line") or {}).get("ms_median"),
            "page_ms": (steps.get("page") or {}).get("ms_median"),
            "end_ms": (steps.get("end") or {}).get("ms_median"),
            "end_bytes": (steps.get("end") or {}).get("bytes_median"),
            # The query typed and Enter: gloss searches as it is typed,
            # less on Enter, so the three steps together.
            "search_ms": search_sum(steps, "ms_median"),
            "search_bytes": search_sum(steps, "bytes_median"),
        }[key]
    def med(key):
        v = sorted(x for x in (pick(r, key) for r in runs) if x is not None)
        return v[len(v) // 2] if v else None
    out = {k: med(k) for k in ("first_paint_ms", "peak_rss_kib", "bytes_per_line",
                               "bytes_per_page", "line_ms", "page_ms", "end_ms", "end_bytes",
                               "search_ms", "search_bytes")}
    errors = [e for r in runs for e in r.get("errors", [])]
    if errors and out["first_paint_ms"] is None:
        return {"error": errors[:1]}
    return out

if __name__ == "__main__":
    sys.exit(main())
