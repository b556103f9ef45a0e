#!/usr/bin/env python3
"""report.py - the benchmark's second-leg corpus, verdicts and tables

Usage
  report.py arcorpus DKIM_OUT LIST OUTDIR
  report.py cgsubset LIST LIST2 INDEX N OUTDIR
  report.py report --dir T --msgs N --domains N --conc "1 8 64"
                   --delay-ms MS --elapsed S --quick yes|no

arcorpus reads amclient's per-session output of the corpus through
opendkim (one session per line of LIST, in order) and writes each message
to OUTDIR with the Authentication-Results header opendkim inserted on
top (below amclient's envelope lines), as Postfix hands the message to
the next milter; it prints the new list.

cgsubset picks the messages run under callgrind (OUTDIR/list, list2):
N of them with the corpus's mix of sizes.

report reads the work directory bench.sh filled (see bench.sh) and prints
the tables: throughput and latency, the verdict comparison, the DNS
latency run, and where authmilter's instructions go.
"""

import argparse
import collections
import glob
import math
import os
import platform
import re
import subprocess
import sys


# ------------------------------------------------------------ sessions

def sessions(path):
    """amclient's verbose output, cut into sessions: a list of dicts with
    'headers' [(name, value)], 'quarantine' (text or None), 'result'."""
    out = []
    cur = {"headers": [], "quarantine": None, "lines": []}
    last = None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line[:1] in (" ", "\t") and last is not None:
                name, value = cur["headers"][last]
                cur["headers"][last] = (name, value + "\n" + line)
                continue
            last = None
            cur["lines"].append(line)
            if line.startswith("insheader ") or line.startswith("addheader "):
                rest = line.split(" ", 2)[2] if line.startswith("insheader") \
                    else line.split(" ", 1)[1]
                name, _, value = rest.partition(":")
                cur["headers"].append((name.strip(), value))
                last = len(cur["headers"]) - 1
            elif line.startswith("quarantine"):
                cur["quarantine"] = line[len("quarantine"):].strip()
            elif line.startswith("result: "):
                cur["result"] = line[len("result: "):]
                out.append(cur)
                cur = {"headers": [], "quarantine": None, "lines": []}
    return out


def action(sess):
    """What the MTA does: accept, quarantine (hold), reject, tempfail."""
    r = sess.get("result", "")
    if r.startswith("reply 5") or r == "reject":
        return "reject"
    if r.startswith("reply 4") or r == "tempfail":
        return "tempfail"
    if r in ("accept", "continue") and sess["quarantine"] is not None:
        return "quarantine"
    return r.split(" ")[0] if r else "none"


def ar_values(sess):
    return [re.sub(r"\s+", " ", v).strip() for n, v in sess["headers"]
            if n.lower() == "authentication-results"]


def arcorpus(dkim_out, listfile, outdir):
    files = [l.strip() for l in open(listfile) if l.strip()]
    ss = sessions(dkim_out)
    if len(ss) != len(files):
        sys.exit("report.py: %d sessions in %s for %d messages" %
                 (len(ss), dkim_out, len(files)))
    for path, sess in zip(files, ss):
        hdrs = ["%s:%s" % (n, v) for n, v in sess["headers"]]
        with open(path, errors="surrogateescape") as f:
            lines = f.read().split("\n")
        i = 0
        while i < len(lines) and lines[i].lower().startswith("x-amclient-"):
            i += 1
        lines[i:i] = hdrs
        dst = os.path.join(outdir, os.path.basename(path))
        with open(dst, "w", errors="surrogateescape") as f:
            f.write("\n".join(lines))
        print(dst)


# ------------------------------------------------------------ verdicts

def ar_split(value):
    """An A-R value cut at the semicolons outside comments and quotes."""
    parts, cur, depth, quoted, esc = [], [], 0, False, False
    for ch in value:
        if esc:
            esc = False
        elif ch == "\\":
            esc = True
        elif quoted:
            quoted = ch != '"'
        elif ch == '"':
            quoted = True
        elif ch == "(":
            depth += 1
        elif ch == ")" and depth > 0:
            depth -= 1
        elif ch == ";" and depth == 0:
            parts.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    parts.append("".join(cur))
    return parts


def dkim_from_ar(values):
    """[(d, s, result)] from opendkim's A-R header(s)."""
    res = []
    for v in values:
        for part in ar_split(v)[1:]:
            m = re.match(r"\s*dkim=(\w+)", part)
            if not m:
                continue
            d = re.search(r"header\.d=(\S+)", part)
            s = re.search(r"header\.s=(\S+)", part)
            res.append(((d.group(1) if d else "-").lower(),
                        (s.group(1) if s else "-").lower(), m.group(1)))
    return sorted(res)


def method_from_ar(values, method):
    for v in values:
        for part in ar_split(v)[1:]:
            m = re.match(r"\s*%s=(\w+)" % method, part)
            if m:
                return m.group(1)
    return None


def am_log(path):
    """authmilter's log lines by session number: dict of fields."""
    out = {}
    rx = re.compile(r"^authmilter: AM([0-9A-F]+): (client=.*)$")
    with open(path, errors="replace") as f:
        for line in f:
            m = rx.match(line.rstrip("\n"))
            if not m:
                continue
            fields = dict(kv.split("=", 1) for kv in m.group(2).split(" ")
                          if "=" in kv)
            out[int(m.group(1), 16)] = fields
    return out


def am_dkim(field):
    if field in (None, "-", "none"):
        return []
    res = []
    for item in field.split(","):
        r, _, ds = item.partition(":")
        d, _, s = ds.partition("/")
        res.append((d.lower(), s.lower(), r))
    return sorted(res)


def load_index(path):
    rows = []
    with open(path) as f:
        head = f.readline().rstrip("\n").split("\t")
        for line in f:
            rows.append(dict(zip(head, line.rstrip("\n").split("\t"))))
    return rows


def expected_dkim(row):
    res = []
    results = [x.rsplit(":", 1)[1] for x in row["dkim"].split(",")]
    for sig, r in zip(row["signatures"].split("+"), results):
        d, s, _ = sig.split("/")
        res.append((d, s, r))
    return sorted(res)


def fmt_dkim(v):
    return ",".join("%s:%s/%s" % (r, d, s) for d, s, r in v) or "none"


# Differences we know of and why; each a predicate on
# (field, authmilter value, chain value, expected value, index row).
KNOWN = [
    (lambda f, a, c, e, row: f == "spf" and a == e == "softfail" and
     c == "fail",
     "opendmarc's SPF check (libopendmarc's opendmarc_spf2_test, called "
     "with softfail_okay_flag FALSE) folds libspf2's softfail (and neutral) "
     "into DMARC_POLICY_SPF_OUTCOME_FAIL and writes spf=fail; authmilter "
     "reports RFC 7208's softfail.  Same DMARC input: neither is a pass"),
    (lambda f, a, c, e, row: f in ("spf", "dmarc", "action") and a == e and
     c in ("none", "temperror", "tempfail", None),
     "the chain could not evaluate (a DNS lookup failed or timed out "
     "on its side): see the opendmarc/unbound logs in the work directory"),
]


def explain(field, a, c, e, row):
    for pred, text in KNOWN:
        if pred(field, a, c, e, row):
            return text
    if a == e and c != e:
        return "UNEXPLAINED: the chain departs from the expected result"
    if c == e and a != e:
        return "UNEXPLAINED: authmilter departs from the expected result"
    return "UNEXPLAINED: neither matches the expected result"


def verdicts(T, out):
    index = load_index(os.path.join(T, "corpus", "INDEX"))
    files = [l.strip() for l in open(os.path.join(T, "list")) if l.strip()]
    V = os.path.join(T, "verdicts")
    am_s = sessions(os.path.join(V, "am.out"))
    dk_s = sessions(os.path.join(V, "dkim.out"))
    dm_s = sessions(os.path.join(V, "dmarc.out"))
    log = am_log(os.path.join(V, "am.log"))
    n = len(files)
    fields = ("spf", "dkim", "dmarc", "action")
    agree = collections.Counter()
    am_ok = collections.Counter()
    ch_ok = collections.Counter()
    diffs = collections.defaultdict(list)
    values = collections.defaultdict(collections.Counter)
    missing = 0
    for i in range(n):
        row = index[i]
        if i >= len(am_s) or i >= len(dk_s) or i >= len(dm_s) or \
                (i + 1) not in log:
            missing += 1
            continue
        lg = log[i + 1]
        dm_ar = ar_values(dm_s[i])
        a = {"spf": lg.get("spf"), "dkim": am_dkim(lg.get("dkim")),
             "dmarc": lg.get("dmarc"), "action": action(am_s[i])}
        c = {"spf": method_from_ar(dm_ar, "spf"),
             "dkim": dkim_from_ar(ar_values(dk_s[i])),
             "dmarc": method_from_ar(dm_ar, "dmarc"),
             "action": action(dm_s[i])}
        if c["dmarc"] is None and \
                "rejected by DMARC policy" in dm_s[i].get("result", ""):
            # opendmarc adds no A-R header to a message it rejects
            # (opendmarc.c: "if the final action isn't TEMPFAIL or
            # REJECT, add an A-R field"): its reply says it
            c["dmarc"] = "fail"
        if action(dk_s[i]) != "accept":
            c["action"] = action(dk_s[i]) + "(opendkim)"
        e = {"spf": row["spf"], "dkim": expected_dkim(row),
             "dmarc": row["dmarc"], "action": row["action"]}
        for f in fields:
            values[f][(fmt_dkim(a[f]) if f == "dkim" else a[f])] += 0
            if f != "dkim":
                values[f][a[f]] += 1
            agree[f] += a[f] == c[f]
            am_ok[f] += a[f] == e[f]
            ch_ok[f] += c[f] == e[f]
            if a[f] != c[f]:
                if f == "dkim":
                    key = (f, "", "")
                    detail = "%s: authmilter %s, chain %s, expected %s" % (
                        row["msg"], fmt_dkim(a[f]), fmt_dkim(c[f]),
                        fmt_dkim(e[f]))
                    why = explain(f, fmt_dkim(a[f]), fmt_dkim(c[f]),
                                  fmt_dkim(e[f]), row)
                else:
                    key = (f, a[f], c[f])
                    detail = "%s (expected %s)" % (row["msg"], e[f])
                    why = explain(f, a[f], c[f], e[f], row)
                diffs[(key, why)].append(detail)
    m = n - missing
    out.append("Verdicts: every message at concurrency 1, authmilter against "
               "the chain (opendkim -> opendmarc),")
    out.append("and each against what the corpus generator meant "
               "(test/bench/gencorpus.py, INDEX):")
    out.append("")
    out.append("  %-8s %-16s %-24s %-20s" % ("result", "agree", "authmilter = expected",
                                            "chain = expected"))
    for f in fields:
        out.append("  %-8s %-16s %-24s %-20s" % (
            f, "%d/%d" % (agree[f], m), "%d/%d" % (am_ok[f], m),
            "%d/%d" % (ch_ok[f], m)))
    dist = []
    for f in ("spf", "dmarc", "action"):
        dist.append("%s %s" % (f, " ".join(
            "%s=%d" % (k, v) for k, v in sorted(values[f].items(),
                                                  key=lambda x: str(x[0])) if v)))
    out.append("  (authmilter's results: %s)" % "; ".join(dist))
    if missing:
        out.append("  %d message(s) missing from some output (a failed "
                   "session): not compared" % missing)
    out.append("")
    if not diffs:
        out.append("Disagreements: none.")
    else:
        total = sum(len(v) for v in diffs.values())
        out.append("Disagreements: %d, every one listed:" % total)
        for (key, why), items in sorted(diffs.items(), key=lambda x: str(x[0])):
            f, av, cv = key
            if f == "dkim":
                out.append("  dkim differs (%d): %s" % (len(items), why))
                for it in items:
                    out.append("      " + it)
            else:
                out.append("  %s: authmilter %s, chain %s (%d): %s" % (
                    f, av, cv, len(items), why))
                ids = [it.split(" ")[0] for it in items]
                exp = sorted(set(it.split("expected ")[1].rstrip(")")
                                 for it in items))
                out.append("      expected %s; messages:" % "/".join(exp))
                for k in range(0, len(ids), 10):
                    out.append("      " + " ".join(ids[k:k + 10]))
    return agree, m


# -------------------------------------------------------------- tables

def pct(v, p):
    """nearest-rank percentile, as amclient computes it"""
    if not v:
        return float("nan")
    v = sorted(v)
    return v[max(0, int(math.ceil(len(v) * p / 100.0)) - 1)]


def records(path):
    """{session: (file, failed, result, lat_ms, eom_ms)}"""
    out = {}
    with open(path) as f:
        for line in f:
            s, fn, failed, res, lat, eom = line.rstrip("\n").split("\t")
            out[int(s)] = (fn, int(failed), res, float(lat), float(eom))
    return out


def machine():
    model = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    deb = "?"
    try:
        deb = open("/etc/debian_version").read().strip()
    except OSError:
        pass
    vers = []
    for p in ("opendkim", "opendmarc", "unbound", "libunbound8", "libspf2-2",
              "libopendkim11", "libopendmarc2"):
        try:
            v = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", p],
                               capture_output=True, text=True).stdout.strip()
        except OSError:
            v = ""
        if v:
            vers.append("%s %s" % (p, v))
    rev = ""
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True,
                             cwd=os.path.dirname(os.path.abspath(__file__))
                             ).stdout.strip()
    except OSError:
        pass
    return ("%s, %d CPUs, Linux %s, Debian %s" % (
        model, os.cpu_count() or 0, platform.release(), deb),
        ", ".join(vers), rev)


def fnum(x, nd=1):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return "%.*f" % (nd, x)


def throughput(T, conc_levels, out):
    """Table 1.  Each (milter, concurrency) ran REPEAT times: the run with
    the median elapsed time is the one shown (its records, CPU, RSS)."""
    reps = collections.defaultdict(list)
    with open(os.path.join(T, "runs", "runs.tsv")) as f:
        for line in f:
            l, c, rep, el, cpu1, cpu2, r1, r2 = line.rstrip("\n").split("\t")
            reps[(l, int(c))].append(dict(rep=rep, el=float(el),
                                          cpu1=float(cpu1), cpu2=float(cpu2),
                                          rss1=int(r1), rss2=int(r2)))
    runs = {}
    spread = {}
    for k, v in reps.items():
        v.sort(key=lambda x: x["el"])
        runs[k] = v[(len(v) - 1) // 2]
        spread[k] = (v[0]["el"], v[-1]["el"])
    cg = {}
    p = os.path.join(T, "cg", "cg.tsv")
    if os.path.exists(p):
        for line in open(p):
            l, n, ia, ib, _ = line.rstrip("\n").split("\t")
            if int(n) > 0 and int(ia) > int(ib) > 0:
                cg[l] = (int(ia) - int(ib)) / int(n)
    rows = []
    summary = {}
    for c in conc_levels:
        recs = {}
        for l in ("am", "dkim", "dmarc"):
            if (l, c) not in runs:
                recs[l] = {}
                continue
            fn = os.path.join(T, "runs", "%s-%d-%s.rec" % (
                l, c, runs[(l, c)]["rep"]))
            recs[l] = records(fn) if os.path.exists(fn) else {}
        def leg(l):
            r = runs.get((l, c))
            rec = recs[l]
            ok = [x for x in rec.values() if not x[1]]
            lat = [x[3] for x in ok]
            return r, rec, ok, lat
        ra, reca, oka, lata = leg("am")
        rk, reck, okk, latk = leg("dkim")
        rm, recm, okm, latm = leg("dmarc")
        if ra:
            n = len(reca)
            rows.append((c, "authmilter", len(oka) / ra["el"] if ra["el"] else 0,
                         pct(lata, 50), pct(lata, 99),
                         1000 * ra["cpu1"] / max(1, len(reca)),
                         cg.get("am"), ra["rss1"] / 1024.0, len(reca) - len(oka)))
            summary[("am", c)] = rows[-1]
        if rk and rm:
            pair = [reck[s][3] + recm[s][3] for s in reck
                    if s in recm and not reck[s][1] and not recm[s][1]]
            n = len(reck)
            el = rk["el"] + rm["el"]
            cpu = rk["cpu1"] + rm["cpu1"] + rk["cpu2"] + rm["cpu2"]
            ins = cg["dkim"] + cg["dmarc"] if "dkim" in cg and "dmarc" in cg \
                else None
            rss = (rk["rss1"] + rm["rss1"] + max(rk["rss2"], rm["rss2"])) / 1024.0
            rows.append((c, "chain (both legs)", len(pair) / el if el else 0,
                         pct(pair, 50), pct(pair, 99), 1000 * cpu / max(1, n),
                         ins, rss, n - len(pair)))
            summary[("chain", c)] = rows[-1]
            rows.append((c, "  opendkim", len(okk) / rk["el"] if rk["el"] else 0,
                         pct(latk, 50), pct(latk, 99),
                         1000 * rk["cpu1"] / max(1, n), cg.get("dkim"),
                         rk["rss1"] / 1024.0, n - len(okk)))
            rows.append((c, "  opendmarc", len(okm) / rm["el"] if rm["el"] else 0,
                         pct(latm, 50), pct(latm, 99),
                         1000 * rm["cpu1"] / max(1, n), cg.get("dmarc"),
                         rm["rss1"] / 1024.0, n - len(okm)))
            rows.append((c, "  unbound daemon", None, None, None,
                         1000 * (rk["cpu2"] + rm["cpu2"]) / max(1, n), None,
                         max(rk["rss2"], rm["rss2"]) / 1024.0, 0))
    summary["spread"] = spread
    summary["runs"] = runs
    out.append("  %4s  %-18s %8s %8s %8s %11s %11s %9s %6s" % (
        "conc", "milter", "msg/s", "p50 ms", "p99 ms", "CPU ms/msg",
        "Minstr/msg", "RSS MB", "failed"))
    for r in rows:
        c, name, rate, p50, p99, cpu, ins, rss, failed = r
        out.append("  %4d  %-18s %8s %8s %8s %11s %11s %9s %6s" % (
            c, name, fnum(rate, 0) if rate is not None else "",
            fnum(p50, 2) if p50 is not None else "",
            fnum(p99, 2) if p99 is not None else "",
            fnum(cpu, 2), fnum(ins / 1e6, 2) if ins else "-",
            fnum(rss, 1), failed if rate is not None else ""))
    return summary


def delay_table(T, delay_ms, out):
    D = os.path.join(T, "delay")
    recs = {}
    for l in ("am", "dkim", "dmarc"):
        fn = os.path.join(D, l + ".rec")
        recs[l] = records(fn) if os.path.exists(fn) else {}
    q = {}
    if os.path.exists(os.path.join(D, "queries.tsv")):
        for line in open(os.path.join(D, "queries.tsv")):
            k, v = line.split()
            q[k] = int(v)
    a = [x for x in recs["am"].values() if not x[1]]
    k, m = recs["dkim"], recs["dmarc"]
    pairs = [(k[s][4] + m[s][4], k[s][3] + m[s][3]) for s in k
             if s in m and not k[s][1] and not m[s][1]]
    n = max(1, len(recs["am"]))
    rows = [
        ("authmilter", [x[4] for x in a], [x[3] for x in a], q.get("am")),
        ("chain (both legs)", [p[0] for p in pairs], [p[1] for p in pairs],
         (q["dkim"] + q["dmarc"]) if "dkim" in q and "dmarc" in q else None),
        ("  opendkim", [x[4] for x in k.values() if not x[1]],
         [x[3] for x in k.values() if not x[1]], q.get("dkim")),
        ("  opendmarc", [x[4] for x in m.values() if not x[1]],
         [x[3] for x in m.values() if not x[1]], q.get("dmarc")),
    ]
    out.append("  %-18s %12s %12s %15s %15s %12s" % (
        "milter", "eom p50 ms", "eom p90 ms", "session p50 ms",
        "session p90 ms", "queries/msg"))
    for name, eom, ses, nq in rows:
        out.append("  %-18s %12s %12s %15s %15s %12s" % (
            name, fnum(pct(eom, 50), 1), fnum(pct(eom, 90), 1),
            fnum(pct(ses, 50), 1), fnum(pct(ses, 90), 1),
            fnum(nq / n, 1) if nq is not None else "-"))
    for what, k in (("end-of-message", 1), ("session", 2)):
        a, c = pct(rows[0][k], 50), pct(rows[1][k], 50)
        if not (math.isnan(a) or math.isnan(c)):
            out.append("  p50 %s latency: authmilter %.1f ms %s the "
                       "chain's = %.1f DNS round trips of %d ms" % (
                           what, abs(c - a),
                           "below" if a <= c else "ABOVE",
                           abs(c - a) / delay_ms, delay_ms))


def annotate(dump):
    """{(function, object): self instructions} from one callgrind dump"""
    try:
        txt = subprocess.run(["callgrind_annotate", "--inclusive=no", "--auto=no",
                              "--threshold=100", dump], capture_output=True,
                             text=True).stdout
    except OSError:
        return {}
    rx = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(\S.*?)"
                    r"(?:\s+\[(.+)\])?\s*$")
    out = collections.Counter()
    for line in txt.splitlines():
        m = rx.match(line)
        if not m or m.group(2).startswith("PROGRAM TOTALS"):
            continue
        fn = m.group(2)
        if ":" in fn:
            fn = fn.split(":", 1)[1]
        out[(fn, os.path.basename(m.group(3) or "?"))] += \
            int(m.group(1).replace(",", ""))
    return out


def profile(T, label, name, out, top=15):
    """Where LABEL's instructions of the counted pass go: the per-function
    difference between the two callgrind runs (two passes minus one)."""
    a = annotate(os.path.join(T, "cg", label + ".a"))
    b = annotate(os.path.join(T, "cg", label + ".b"))
    if not a:
        return
    diff = collections.Counter({k: a[k] - b.get(k, 0) for k in a})
    total = sum(v for v in diff.values() if v > 0)
    if total <= 0:
        return
    byobj = collections.Counter()
    for (fn, obj), v in diff.items():
        if v > 0:
            byobj[obj] += v
    out.append("Where %s's instructions go (callgrind, self cost of the "
               "counted pass):" % name)
    out.append("  by object: " + ", ".join(
        "%s %.0f%%" % (o, 100.0 * v / total) for o, v in byobj.most_common(7)))
    for (fn, obj), v in diff.most_common(top):
        out.append("  %5.1f%%  %-50s %s" % (100.0 * v / total, fn[:50], obj))


def report(args):
    T = args.dir
    conc = [int(c) for c in args.conc.split()]
    out = []
    mach, vers, rev = machine()
    out.append("authmilter benchmark (test/bench/bench.sh%s), authmilter %s" % (
        " --quick" if args.quick == "yes" else "", rev or "?"))
    out.append("machine: %s" % mach)
    out.append("peers: %s" % vers)
    summ = open(os.path.join(T, "corpus", "SUMMARY")).readline().strip()
    out.append("corpus: %s" % summ)
    out.append("run time: %s s" % args.elapsed)
    lf = os.path.join(T, "load.txt")
    if os.path.exists(lf):
        loads = dict(l.split(" ", 1) for l in open(lf).read().splitlines()
                     if " " in l)
        out.append("load average (1, 5, 15 min): at the start %s; before "
                   "the replays %s; after them %s" % (
                       loads.get("start", "?"), loads.get("replays", "?"),
                       loads.get("after-replays", "?")))
        try:
            if float(loads.get("start", "0").split()[0]) > 1.0:
                out.append("  NOTE: the machine was busy before the run "
                           "started: other work shares its CPUs and skews "
                           "the timings")
        except ValueError:
            pass
    out.append("")
    out.append("Table 1 - warm caches, unix sockets, each milter alone on "
               "the machine; the chain is")
    out.append("opendkim then opendmarc for every message (msg/s: messages / "
               "sum of the two legs' elapsed")
    out.append("times; latency: per message, the sum of its two sessions; "
               "CPU: user+system of the")
    out.append("daemons, the chain's including the unbound daemon opendmarc "
               "resolves through; Minstr:")
    out.append("callgrind, %s messages at concurrency 8, unbound daemon not "
               "included; RSS: peak (VmHWM)" % (
                   open(os.path.join(T, "cg", "list")).read().count("\n")
                   if os.path.exists(os.path.join(T, "cg", "list")) else "no"))
    out.append("during that run, the chain's the sum of its processes).  "
               "Each replay ran %d time(s):" % args.repeat)
    out.append("the run with the median elapsed time is shown; the range of "
               "msg/s over the runs follows.")
    out.append("")
    summary = throughput(T, conc, out)
    out.append("")
    n = args.msgs
    for c in conc:
        sp = summary["spread"]
        if ("am", c) in sp and ("dkim", c) in sp and ("dmarc", c) in sp:
            amr = (n / sp[("am", c)][1], n / sp[("am", c)][0])
            chr_ = (n / (sp[("dkim", c)][1] + sp[("dmarc", c)][1]),
                    n / (sp[("dkim", c)][0] + sp[("dmarc", c)][0]))
            out.append("  conc %d: msg/s over the runs: authmilter %.0f-%.0f, "
                       "chain %.0f-%.0f" % (c, amr[0], amr[1], chr_[0], chr_[1]))
    for c in conc:
        a, ch = summary.get(("am", c)), summary.get(("chain", c))
        if a and ch and ch[2]:
            line = "  conc %d: authmilter %.2fx the chain's msg/s, %.2fx its " \
                "CPU per message" % (c, a[2] / ch[2], a[5] / ch[5] if ch[5] else 0)
            if a[6] and ch[6]:
                line += ", %.2fx its instructions per message" % (a[6] / ch[6])
            out.append(line)
    out.append("")
    verdicts(T, out)
    out.append("")
    out.append("Table 2 - DNS answers delayed %d ms (test/bench/dnsdelay.py in "
               "front of NSD and the root)," % args.delay_ms)
    out.append("every cache cold, concurrency 1, the first message of each of "
               "the %d domains; the chain sums" % args.domains)
    out.append("its two legs message by message.  eom: end of body to the "
               "verdict; session: connect to")
    out.append("the verdict.  amclient sends the envelope with no SMTP "
               "dialogue in between, so work")
    out.append("started at MAIL FROM gets no head start here.  Postfix sends "
               "headers, body and")
    out.append("end-of-message to each milter after the client's final dot: "
               "the client waits for the")
    out.append("content phase, which lies between the two numbers (opendkim "
               "looks its keys up at")
    out.append("end of headers: that time is in its session latency, not in "
               "its eom latency).")
    out.append("")
    delay_table(T, args.delay_ms, out)
    out.append("")
    PF_VERSION[:] = [args.postfix_version, args.pf_sessions]
    postfix_table(T, out)
    out.append("")
    pf = os.path.join(T, "perf.txt")
    if os.path.exists(pf) and os.path.getsize(pf) > 0:
        out.append("authmilter under perf (cpu-clock samples at the highest "
                   "concurrency, kernel included):")
        pd = os.path.join(T, "perf-dso.txt")
        if os.path.exists(pd):
            objs = [l.split() for l in open(pd).read().splitlines()]
            out.append("  by object: " + ", ".join(
                "%s %s" % (o[1].strip("[]"), o[0]) for o in objs[:8]
                if len(o) >= 2))
        for line in open(pf).read().splitlines()[:20]:
            f = re.sub(r"(\s+-)+\s*$", "", line).split()
            if len(f) >= 4:
                out.append("  %7s  %-50s %s" % (f[0], " ".join(f[3:])[:50],
                                                f[1].strip("[]")))
        out.append("")
    profile(T, "am", "authmilter", out)
    out.append("")
    profile(T, "dkim", "opendkim", out, 8)
    out.append("")
    profile(T, "dmarc", "opendmarc", out, 8)
    print("\n".join(out))


PF_VERSION = ["?", "?"]
PF_NAMES = {"none": "no milter", "null": "do-nothing milter",
            "null+data": "do-nothing, answers DATA",
            "authmilter": "authmilter", "chain": "opendkim + opendmarc"}


def postfix_table(T, out):
    """Table 3, from pfbench/results.tsv (test/bench/postfix.sh): one line
    per setup: smtp-source's msg/s, the replay's msg/s, latency and
    outcomes, the milters' CPU per message; then the ratios the issue
    sets targets for."""
    path = os.path.join(T, "pfbench", "results.tsv")
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return
    rows = {}
    for line in open(path).read().splitlines():
        f = line.split("\t")
        if len(f) < 13:
            continue
        setup, sock, nsrc, el_src, nrep, el_rep = f[:6]
        tck = float(f[12]) or 100.0

        def rate(n, el):
            try:
                return float(n) / float(el) if float(el) > 0 else None
            except ValueError:
                return None
        src = rate(nsrc, el_src)
        rep = rate(nrep, el_rep)
        cpu_src = float(f[9]) / tck * 1000 / float(nsrc) if nsrc else None
        cpu_rep = float(f[10]) / tck * 1000 / float(nrep) if nrep and \
            float(nrep) else None
        rows[(setup, sock)] = (src, rep, f[6], f[7], f[8], cpu_src, cpu_rep,
                               f[11])
    out.append("Table 3 - through Postfix %s (private instance, discard "
               "transport), %s parallel SMTP" % (PF_VERSION[0], PF_VERSION[1]))
    out.append("sessions, one message each.  source: smtp-source, unsigned "
               "4 KB messages from 127.0.0.1")
    out.append("(SPF and DMARC evaluated; p=none).  replay: the signed corpus, "
               "each client given by XCLIENT;")
    out.append("latency from connect to the reply after the final dot; "
               "outcomes accepted/rejected/")
    out.append("tempfailed/failed.  CPU: user+system of the milter daemons "
               "per message (the chain's with")
    out.append("the unbound daemon); Postfix's own CPU is not in it.")
    out.append("")
    out.append("%-26s %-6s %8s %6s %8s %7s %7s %6s %-16s" % (
        "setup", "socket", "source", "CPU", "replay", "p50", "p99", "CPU",
        "outcomes"))
    out.append("%-26s %-6s %8s %6s %8s %7s %7s %6s" % (
        "", "", "msg/s", "ms", "msg/s", "ms", "ms", "ms"))
    order = ["none", "null", "null+data", "authmilter", "chain"]
    for (setup, sock) in sorted(rows, key=lambda k: (order.index(k[0]) if
                                                     k[0] in order else 9,
                                                     k[1] != "unix")):
        r = rows[(setup, sock)]
        out.append("%-26s %-6s %8s %6s %8s %7s %7s %6s %-16s" % (
            PF_NAMES.get(setup, setup), sock, fnum(r[0], 0), fnum(r[5], 2),
            fnum(r[1], 0), r[2] or "-", r[3] or "-", fnum(r[6], 2),
            r[4]))
    out.append("")
    for sock in ("unix", "tcp"):
        a, n, c = (rows.get((x, sock)) for x in ("authmilter", "null",
                                                   "chain"))
        if not a:
            continue
        parts = []
        for i, wl in ((0, "source"), (1, "replay")):
            bits = []
            if n and n[i] and a[i]:
                bits.append("%.2fx the do-nothing milter (target >= 0.9)"
                            % (a[i] / n[i]))
            if c and c[i] and a[i]:
                bits.append("%.2fx the chain (target >= 2)" % (a[i] / c[i]))
            if bits:
                parts.append("%s: %s" % (wl, ", ".join(bits)))
        out.append("  %s sockets, authmilter's msg/s: %s" % (
            sock, "; ".join(parts)))
    nagle = os.path.join(T, "pfbench", "nagle.tsv")
    if os.path.exists(nagle) and os.path.getsize(nagle) > 0:
        out.append("")
        out.append("Each TCP milter (the chain: opendkim) warm, straight from "
                   "amclient -P, which writes as")
        out.append("Postfix does (Nagle on; a write when a reply is awaited, "
                   "and one at the end of DATA),")
        out.append("concurrency 1, 100 messages: a delayed-acknowledgement "
                   "stall shows as about 40 ms.")
        out.append("")
        out.append("  %-26s %10s %10s %14s" % ("milter", "eom p50 ms",
                                               "eom p90 ms", "session p50 ms"))
        for line in open(nagle).read().splitlines():
            f = line.split("\t")
            if len(f) >= 4:
                name = "opendkim (the chain's first)" if f[0] == "chain" \
                    else PF_NAMES.get(f[0], f[0])
                out.append("  %-26s %10s %10s %14s" % (
                    name, f[1] or "-", f[2] or "-", f[3] or "-"))


def cgsubset(listfile, list2file, index, n, outdir):
    """N messages for callgrind with the corpus's mix of sizes: from each
    size class (under 50 KB, up to 500 KB, larger) its share of N, at
    least one, evenly spaced through the corpus."""
    files = [l.strip() for l in open(listfile) if l.strip()]
    files2 = [l.strip() for l in open(list2file) if l.strip()]
    rows = load_index(index)
    n = int(n)
    classes = collections.defaultdict(list)
    for i, row in enumerate(rows[:len(files)]):
        size = int(row["size"])
        classes[0 if size < 50000 else (1 if size < 500000 else 2)].append(i)
    pick = []
    for c, idx in sorted(classes.items()):
        k = max(1, round(n * len(idx) / float(len(files))))
        step = len(idx) / float(k)
        pick += [idx[int(j * step)] for j in range(min(k, len(idx)))]
    pick.sort()
    with open(os.path.join(outdir, "list"), "w") as f:
        f.write("".join(files[i] + "\n" for i in pick))
    with open(os.path.join(outdir, "list2"), "w") as f:
        f.write("".join(files2[i] + "\n" for i in pick))


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "cgsubset":
        if len(sys.argv) != 7:
            sys.exit("usage: report.py cgsubset LIST LIST2 INDEX N OUTDIR")
        cgsubset(*sys.argv[2:])
        return
    if len(sys.argv) >= 2 and sys.argv[1] == "arcorpus":
        if len(sys.argv) != 5:
            sys.exit("usage: report.py arcorpus DKIM_OUT LIST OUTDIR")
        arcorpus(*sys.argv[2:])
        return
    if len(sys.argv) >= 2 and sys.argv[1] == "report":
        ap = argparse.ArgumentParser(prog="report.py report")
        ap.add_argument("--dir", required=True)
        ap.add_argument("--msgs", type=int, required=True)
        ap.add_argument("--domains", type=int, required=True)
        ap.add_argument("--conc", required=True)
        ap.add_argument("--delay-ms", type=int, default=20)
        ap.add_argument("--elapsed", default="?")
        ap.add_argument("--quick", default="no")
        ap.add_argument("--repeat", type=int, default=1)
        ap.add_argument("--postfix-version", default="?")
        ap.add_argument("--pf-sessions", default="?")
        report(ap.parse_args(sys.argv[2:]))
        return
    sys.exit(__doc__)


if __name__ == "__main__":
    main()
