#!/usr/bin/env python3
"""gencorpus.py - the benchmark corpus: zones, signed messages, expectations

Usage
  gencorpus.py OUTDIR NMSG NDOM KEYDIR DKSIGN

KEYDIR holds rsa0.pem rsa1.pem rsa2.pem (2048-bit) and ed0.pem ed1.pem
ed2.pem (ed25519, PKCS#8), made by bench.sh with openssl: 200 zones share
these six keys, since key generation is the slow part.  Writes

  OUTDIR/zones/bNNN.example.zone   one signed zone per sender domain (the
                                   DNS fixture's EXTRA_DIR): SPF, DMARC,
                                   MX, and DKIM selectors rsa1 rsa2 ed1
  OUTDIR/msgs/mNNNNN.eml           the messages, signed with DKSIGN, each
                                   opening with amclient's envelope lines
  OUTDIR/INDEX                     one line per message (tab separated,
                                   header line first): what the generator
                                   meant each result to be
  OUTDIR/SUMMARY                   counts of the cases covered

Everything is drawn from a fixed seed: the same arguments give the same
corpus (apart from the signatures' t= and the keys).

Domains.  bNNN.example (two labels, so the organizational domain is the
domain itself both by the RFC 9989 tree walk and by the Public Suffix
List opendmarc uses).  SPF, in three shapes so that some evaluations cost
more lookups than others:
  ip4     v=spf1 ip4:192.0.2.0/24 ALL
  mx/a    v=spf1 mx a:mail.D ip4:192.0.2.0/24 ALL     (mx, a: 2 lookups)
  include v=spf1 include:_spf.D ALL                   (_spf.D has the ip4)
ALL is -all or ~all.  Every record permits 192.0.2.0/24 and nothing in
198.51.100.0/24, so the client address decides pass against fail or
softfail.  DMARC p= none, quarantine or reject (a third each, drawn
independently of the SPF shape).

Messages.  The sender domain D is drawn uniformly (the first NDOM messages
take each domain once, so that "the first message of each domain" is a
cold-cache set).  Client: 60% from 192.0.2.0/24, 40% from 198.51.100.0/24.
MAIL FROM: 85% in D, 15% in another corpus domain (a bounce domain: SPF is
evaluated there and does not align).  One to three signatures (50/35/15%):
the first by D itself 80% of the time, else by another domain (an ESP);
later ones by D with the other algorithm (RSA + ed25519 double signing,
RFC 8463) or by another domain.  Algorithm: 60% rsa-sha256 (selector rsa1
or rsa2), 40% ed25519-sha256 (ed1).  8% of messages get a footer appended
after signing and 2% a changed Subject: every signature then fails.
Sizes: 94% 2-20 KB of text, 5% about 100 KB and 1% about 1 MB (a base64
attachment).
"""

import concurrent.futures
import os
import random
import subprocess
import sys

SEED = 7
WORDS = ("the of and to in is that for it as was with be by on not he this "
         "are or his from at which but have an they you were her she there "
         "would their we him been has when who will more no if out so said "
         "what up its about into than them can only other new some could "
         "time these two may then do first any my now such like our over "
         "man me even most made after also did many before must through "
         "back years where much your way well down should because each "
         "just those people how too little state good very make world still "
         "own see men work long get here between both life being under "
         "never day same another know while last might us great old year "
         "off come since against go came right used take three invoice "
         "meeting report quarterly shipment order account password update "
         "newsletter delivery schedule").split()


def die(msg):
    sys.stderr.write("gencorpus.py: %s\n" % msg)
    sys.exit(1)


def pubkey(path, ed):
    """The p= value: SubjectPublicKeyInfo for RSA, the raw 32 bytes for
    ed25519 (RFC 8463 section 4.2)."""
    der = subprocess.run(["openssl", "pkey", "-in", path, "-pubout",
                          "-outform", "DER"], check=True,
                         capture_output=True).stdout
    if ed:
        der = der[-32:]
    import base64
    return base64.b64encode(der).decode()


def txt(record):
    """A TXT record's text as character-strings of at most 250 bytes."""
    parts = [record[i:i + 250] for i in range(0, len(record), 250)]
    return " ".join('"%s"' % p for p in parts)


class Domain:
    def __init__(self, i, rng):
        self.i = i
        self.name = "b%03d.example" % i
        self.spf_shape = ("ip4", "mx/a", "include")[rng.randrange(3)]
        self.all = rng.choice(("-all", "~all"))
        self.policy = ("none", "quarantine", "reject")[rng.randrange(3)]
        self.rsa1 = i % 3
        self.rsa2 = (i + 1) % 3
        self.ed1 = i % 3

    def zone(self, keys):
        d = self.name
        lines = [
            "; sign",
            "; %s - benchmark sender domain (test/bench/gencorpus.py)" % d,
            "$TTL 3600",
            "@ SOA ns.%s. hostmaster.%s. 1 3600 600 86400 3600" % (d, d),
            "@ NS ns.%s." % d,
            "ns A 127.0.0.1",
            "@ MX 10 mail.%s." % d,
            "mail A 192.0.2.%d" % (1 + self.i % 254),
        ]
        if self.spf_shape == "ip4":
            lines.append('@ TXT "v=spf1 ip4:192.0.2.0/24 %s"' % self.all)
        elif self.spf_shape == "mx/a":
            lines.append('@ TXT "v=spf1 mx a:mail.%s ip4:192.0.2.0/24 %s"'
                         % (d, self.all))
        else:
            lines.append('@ TXT "v=spf1 include:_spf.%s %s"' % (d, self.all))
            lines.append('_spf TXT "v=spf1 ip4:192.0.2.0/24 -all"')
        lines.append('_dmarc TXT "v=DMARC1; p=%s"' % self.policy)
        lines.append("rsa1._domainkey TXT ( %s )" %
                     txt("v=DKIM1; k=rsa; p=" + keys["rsa%d" % self.rsa1]))
        lines.append("rsa2._domainkey TXT ( %s )" %
                     txt("v=DKIM1; k=rsa; p=" + keys["rsa%d" % self.rsa2]))
        lines.append("ed1._domainkey TXT ( %s )" %
                     txt("v=DKIM1; k=ed25519; p=" + keys["ed%d" % self.ed1]))
        return "\n".join(lines) + "\n"

    def selector(self, alg, rng):
        """(selector, key file base, dksign algorithm)"""
        if alg == "ed25519":
            return "ed1", "ed%d" % self.ed1, "ed25519-sha256"
        if rng.random() < 0.5:
            return "rsa1", "rsa%d" % self.rsa1, "rsa-sha256"
        return "rsa2", "rsa%d" % self.rsa2, "rsa-sha256"


def text_body(rng, size):
    out = []
    n = 0
    para = 0
    while n < size:
        words = []
        ln = 0
        target = rng.randrange(40, 76)
        while ln < target:
            w = rng.choice(WORDS)
            words.append(w)
            ln += len(w) + 1
        line = " ".join(words)
        out.append(line)
        n += len(line) + 1
        para += 1
        if para >= rng.randrange(4, 12):
            out.append("")
            n += 1
            para = 0
    return "\n".join(out) + "\n"


def attachment_body(rng, size, boundary):
    import base64
    intro = text_body(rng, 1500)
    raw = rng.randbytes(size * 3 // 4)
    b64 = base64.b64encode(raw).decode()
    lines = [b64[i:i + 76] for i in range(0, len(b64), 76)]
    return ("This is a multi-part message in MIME format.\n\n"
            "--%s\nContent-Type: text/plain; charset=us-ascii\n\n%s\n"
            "--%s\nContent-Type: application/pdf; name=\"report.pdf\"\n"
            "Content-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment; filename=\"report.pdf\"\n\n"
            "%s\n--%s--\n" % (boundary, intro, boundary, "\n".join(lines),
                              boundary))


def main():
    if len(sys.argv) != 6:
        sys.stderr.write("usage: gencorpus.py OUTDIR NMSG NDOM KEYDIR DKSIGN\n")
        sys.exit(2)
    out, nmsg, ndom, keydir, dksign = sys.argv[1:]
    nmsg, ndom = int(nmsg), int(ndom)
    if ndom < 2 or nmsg < ndom:
        die("want NDOM >= 2 and NMSG >= NDOM")
    rng = random.Random(SEED)
    os.makedirs(out + "/zones", exist_ok=True)
    os.makedirs(out + "/msgs", exist_ok=True)

    keys = {}
    for k in ("rsa0", "rsa1", "rsa2", "ed0", "ed1", "ed2"):
        keys[k] = pubkey("%s/%s.pem" % (keydir, k), k.startswith("ed"))

    doms = [Domain(i, rng) for i in range(ndom)]
    for d in doms:
        with open("%s/zones/%s.zone" % (out, d.name), "w") as f:
            f.write(d.zone(keys))

    jobs = []
    index = []
    for j in range(nmsg):
        dom = doms[j] if j < ndom else rng.choice(doms)
        other = rng.choice([x for x in (rng.choice(doms), rng.choice(doms))
                            if x is not dom] or [doms[(dom.i + 1) % ndom]])
        # envelope
        good_ip = rng.random() < 0.60
        ip = ("192.0.2.%d" if good_ip else "198.51.100.%d") % \
            rng.randrange(1, 255)
        mfdom = dom if rng.random() < 0.85 else other
        local = rng.choice(("alice", "bob", "billing", "news", "noreply"))
        mailfrom = ("bounce-%d@%s" % (j, mfdom.name)) if mfdom is not dom \
            else "%s@%s" % (local, dom.name)
        helo = "mail." + mfdom.name
        # signatures
        r = rng.random()
        nsig = 1 if r < 0.50 else (2 if r < 0.85 else 3)
        sigs = []
        for k in range(nsig):
            if k == 0:
                sdom = dom if rng.random() < 0.80 else other
                alg = "rsa" if rng.random() < 0.60 else "ed25519"
            elif rng.random() < 0.5 and \
                    not any(s[0] is dom and s[1] != sigs[0][1] for s in sigs):
                sdom = dom
                alg = "ed25519" if sigs[0][1] == "rsa" else "rsa"
            else:
                sdom = rng.choice(doms)
                alg = "rsa" if rng.random() < 0.60 else "ed25519"
            sigs.append((sdom, alg))
        r = rng.random()
        tamper = "body" if r < 0.08 else ("subject" if r < 0.10 else "")
        # size
        r = rng.random()
        if r < 0.94:
            size = rng.randrange(2000, 20000)
            kind = "text"
        elif r < 0.99:
            size = rng.randrange(95000, 105000)
            kind = "attach"
        else:
            size = rng.randrange(1000000, 1050000)
            kind = "attach"

        mid = "m%05d" % j
        boundary = "=_b%s_%d" % (mid, rng.randrange(10 ** 9))
        hdr = [
            "X-Amclient-Client: %s" % ip,
            "X-Amclient-Helo: %s" % helo,
            "X-Amclient-From: %s" % mailfrom,
            "Received: from [10.%d.%d.%d] (port %d)\n\tby mail.%s with ESMTPSA"
            " id %08X;\n\tThu, 01 Jan 2026 11:59:%02d +0000" % (
                rng.randrange(256), rng.randrange(256), rng.randrange(256),
                rng.randrange(1024, 65535), dom.name, rng.randrange(1 << 32),
                rng.randrange(60)),
            "From: %s <%s@%s>" % (local.capitalize(), local, dom.name),
            "To: Recipient <rcpt@example.net>",
            "Subject: %s %s" % (rng.choice(WORDS).capitalize(),
                                " ".join(rng.choice(WORDS) for _ in range(5))),
            "Date: Thu, 01 Jan 2026 12:%02d:%02d +0000" % (
                rng.randrange(60), rng.randrange(60)),
            "Message-ID: <%s.%d@%s>" % (mid, rng.randrange(10 ** 9), dom.name),
            "MIME-Version: 1.0",
        ]
        if kind == "text":
            hdr.append("Content-Type: text/plain; charset=us-ascii")
            body = text_body(rng, size - 600)
        else:
            hdr.append('Content-Type: multipart/mixed; boundary="%s"'
                       % boundary)
            body = attachment_body(rng, size - 2500, boundary)
        path = "%s/msgs/%s.eml" % (out, mid)
        with open(path, "w") as f:
            f.write("\n".join(hdr) + "\n\n" + body)

        steps = []
        for sdom, alg in sigs:
            sel, key, a = sdom.selector(alg, rng)
            steps.append((sdom.name, sel, "%s/%s.pem" % (keydir, key), a))
        jobs.append((path, steps, tamper))

        # what the results are meant to be
        if good_ip:
            spf = "pass"
        else:
            spf = "fail" if mfdom.all == "-all" else "softfail"
        dkres = "fail" if tamper else "pass"
        dkim = ",".join("%s:%s" % (s[0], dkres) for s in steps)
        aligned = (spf == "pass" and mfdom is dom) or \
            (dkres == "pass" and any(s[0] == dom.name for s in steps))
        dmarc = "pass" if aligned else "fail"
        action = "accept"
        if dmarc == "fail" and dom.policy == "reject":
            action = "reject"
        elif dmarc == "fail" and dom.policy == "quarantine":
            action = "quarantine"
        index.append((mid, dom.name, mfdom.name, ip, str(size), tamper or "-",
                      "+".join("%s/%s/%s" % (s[0], s[1], s[3]) for s in steps),
                      spf, dkim, dmarc, dom.policy, action))

    def sign(job):
        path, steps, tamper = job
        data = open(path, "rb").read()
        for d, sel, key, a in steps:
            p = subprocess.run([dksign, "-d", d, "-s", sel, "-k", key,
                                "-a", a], input=data, capture_output=True)
            if p.returncode != 0:
                return "%s: dksign: %s" % (path, p.stderr.decode().strip())
            data = p.stdout
        if tamper == "body":
            data += b"\n-- \nYou received this message through a mailing " \
                b"list.\nTo unsubscribe, write to list-request@example.net\n"
        elif tamper == "subject":
            i = data.find(b"\nSubject: ")
            data = data[:i] + b"\nSubject: [list] " + data[i + 10:]
        with open(path, "wb") as f:
            f.write(data)
        return None

    workers = max(2, os.cpu_count() or 2)
    with concurrent.futures.ThreadPoolExecutor(workers) as ex:
        for err in ex.map(sign, jobs):
            if err:
                die(err)

    with open(out + "/INDEX", "w") as f:
        f.write("msg\tfrom\tmailfrom\tclient\tsize\ttamper\tsignatures\t"
                "spf\tdkim\tdmarc\tpolicy\taction\n")
        for row in index:
            f.write("\t".join(row) + "\n")

    # coverage: every (policy, dmarc) pair, every SPF result, 1-3 sigs
    cover = {}
    for row in index:
        for key in (("spf", row[7]), ("dmarc/policy", row[9] + "/" + row[10]),
                    ("signatures", str(row[6].count("+") + 1)),
                    ("action", row[11])):
            cover[key] = cover.get(key, 0) + 1
    sizes = [int(r[4]) for r in index]
    with open(out + "/SUMMARY", "w") as f:
        f.write("%d messages, %d sender domains; sizes: %d under 20 KB, "
                "%d about 100 KB, %d about 1 MB\n" % (
                    nmsg, ndom, sum(s < 21000 for s in sizes),
                    sum(90000 < s < 200000 for s in sizes),
                    sum(s > 900000 for s in sizes)))
        for k in sorted(cover):
            f.write("  %s=%s: %d\n" % (k[0], k[1], cover[k]))
    need = [("spf", "pass"), ("spf", "fail"), ("spf", "softfail")] + \
        [("dmarc/policy", "%s/%s" % (r, p)) for r in ("pass", "fail")
         for p in ("none", "quarantine", "reject")]
    missing = [k for k in need if k not in cover]
    if missing:
        die("corpus misses %s (more messages?)" % missing)


if __name__ == "__main__":
    main()
