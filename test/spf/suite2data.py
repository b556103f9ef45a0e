#!/usr/bin/python3
"""suite2data.py - the RFC 7208 suite as zonesrv data and test lists

Usage: suite2data.py SUITE.yml OUTDIR

For scenario N (1-based, in file order) writes

  OUTDIR/scenarioN.data   its zonedata in zonesrv(1) format
  OUTDIR/scenarioN.tests  one test a line, six tab-separated fields:
                          NAME HOST HELO MAILFROM RESULTS EXPLANATION

and prints "N scenarios, M tests" on stdout.

Zone data follows pyspf test/testspf.py, as the suite's README says:
records keep their order; a bare TIMEOUT becomes "NAME TIMEOUT" (zonesrv
drops queries for types not listed above it); "TXT: NONE" becomes
"NAME NONE TXT"; SPF records are also served as TXT, appended after the
name's other records (so after a TIMEOUT, as in pyspf), unless the name
has explicit TXT entries ("TXT: NONE" counts).  A value given as a list
is one multi-string record; an empty list (a record of no strings,
which DNS cannot carry) becomes a record of one empty string.

YAML strings are code points; "\\xEF\\xBB\\xBF" in the suite means those
bytes, so strings are encoded as Latin-1 (UTF-8 only when they hold a
code point above 255).

Test fields: RESULTS is the comma-separated acceptable results, the
preferred first; MAILFROM and EXPLANATION may be empty.  Backslash,
tab, CR, LF and other control bytes are escaped as printf(1) %b reads
them (\\\\, \\t, \\r, \\n, \\0NNN), so a field never holds a tab or a line
break.
"""

import os
import sys

import yaml

RESULTS = {"pass", "fail", "softfail", "neutral", "none", "permerror",
           "temperror"}


def to_bytes(s):
    """A YAML string (or number) as bytes, Latin-1 when it fits."""
    s = str(s)
    try:
        return s.encode("latin-1")
    except UnicodeEncodeError:
        return s.encode("utf-8")


def name_text(name):
    """A domain name in zonesrv text: odd bytes as \\DDD, dots kept.

    An empty name is the root (a null MX, RFC 7505, is "MX 0 .")."""
    if to_bytes(name) in (b"", b"."):
        return "."
    out = []
    for c in to_bytes(name).rstrip(b"."):
        if c == 0x2E or (0x21 <= c <= 0x7E and c not in b'\\"#;()'):
            out.append(chr(c))
        else:
            out.append("\\%03d" % c)
    name = "".join(out)
    if ".." in name or name.startswith("."):
        raise ValueError("bad domain name %r" % name)
    return name


def strings_text(value):
    """A TXT/SPF value (string or list) as quoted character-strings."""
    items = value if isinstance(value, list) else [value]
    # A record needs one string at least (RFC 1035 3.3.14); unbound
    # rejects an empty one, so "SPF: [ ]" is served as one empty string,
    # which is what pyspf's join of no strings gives.
    items = items or [""]
    out = []
    for item in items:
        b = to_bytes(item)
        # A string longer than 255 bytes goes out in 255-byte pieces;
        # SPF joins the pieces of a record without separator anyway.
        for i in range(0, max(len(b), 1), 255):
            piece = "".join(
                "\\" + chr(c) if c in b'"\\' else
                chr(c) if 0x20 <= c <= 0x7E else "\\%03d" % c
                for c in b[i:i + 255])
            out.append('"%s"' % piece)
    return " ".join(out)


def zone_lines(zonedata):
    """The zonesrv lines for one scenario's zonedata."""
    lines = []
    for name, records in (zonedata or {}).items():
        n = name_text(name)
        explicit_txt = any(isinstance(r, dict) and "TXT" in r
                           for r in records)
        generated = []
        for r in records:
            if r == "TIMEOUT":
                lines.append("%s TIMEOUT" % n)
                continue
            if not isinstance(r, dict) or len(r) != 1:
                raise ValueError("%s: bad record %r" % (name, r))
            (rtype, value), = r.items()
            if value == "NONE":
                lines.append("%s NONE %s" % (n, rtype))
            elif rtype in ("TXT", "SPF"):
                lines.append("%s %s %s" % (n, rtype, strings_text(value)))
                if rtype == "SPF" and not explicit_txt:
                    generated.append("%s TXT %s" % (n, strings_text(value)))
            elif rtype == "MX":
                pref, host = value
                lines.append("%s MX %d %s" % (n, int(pref), name_text(host)))
            elif rtype in ("PTR", "CNAME"):
                lines.append("%s %s %s" % (n, rtype, name_text(value)))
            elif rtype in ("A", "AAAA"):
                lines.append("%s %s %s" % (n, rtype, value))
            else:
                raise ValueError("%s: unknown type %s" % (name, rtype))
        lines.extend(generated)
    return lines


def field(value):
    """One test field, escaped for printf %b; never a tab or newline."""
    out = []
    for c in to_bytes("" if value is None else value):
        if c == 0x5C:
            out.append("\\\\")
        elif c in (0x09, 0x0A, 0x0D):
            out.append({0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}[c])
        elif c < 0x20 or c == 0x7F:
            out.append("\\0%03o" % c)
        else:
            out.append(chr(c))
    return "".join(out)


def test_lines(tests):
    """The .tests lines for one scenario."""
    lines = []
    for name, t in tests.items():
        results = t["result"]
        if not isinstance(results, list):
            results = [results]
        bad = [r for r in results if r not in RESULTS]
        if bad:
            raise ValueError("%s: unknown result %s" % (name, bad))
        lines.append("\t".join([
            field(name), field(t["host"]), field(t["helo"]),
            field(t.get("mailfrom", "")), ",".join(results),
            field(t.get("explanation", ""))]))
    return lines


def write(path, lines):
    """PATH holding LINES, written whole or not at all."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="latin-1", newline="\n") as f:
        for line in lines:
            f.write(line + "\n")
    os.replace(tmp, path)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: suite2data.py SUITE.yml OUTDIR\n")
        return 2
    with open(argv[1], "rb") as f:
        scenarios = [s for s in yaml.safe_load_all(f) if s]
    os.makedirs(argv[2], exist_ok=True)
    ntests = 0
    for i, s in enumerate(scenarios, 1):
        base = os.path.join(argv[2], "scenario%d" % i)
        head = "# scenario %d: %s" % (i, s.get("description", ""))
        write(base + ".data", [head] + zone_lines(s.get("zonedata")))
        tests = test_lines(s["tests"])
        write(base + ".tests", tests)
        ntests += len(tests)
    print("%d scenarios, %d tests" % (len(scenarios), ntests))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
