#!/usr/bin/python3
"""mkseeds.py - write the seed corpora of test/fuzz/corpus/

Usage: mkseeds.py [TOP_SRCDIR]

The seeds are committed; this script says how they were made and makes
them again (it removes nothing: stale seeds are harmless).  Most are
written out here by hand; the SPF records and explanations are taken
from test/spf/rfc7208-tests.yml, the configuration snippets from
conf/authmilter.conf.  Binary seeds follow the input layouts described
at the top of each fuzz_*.c file.
"""
import hashlib
import os
import struct
import sys

import yaml

TOP = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', '..')
CORPUS = os.path.join(TOP, 'test', 'fuzz', 'corpus')


def put(target, data, name=None):
    """Write DATA (bytes or str) as one seed of TARGET."""
    if isinstance(data, str):
        data = data.encode('latin-1')
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    name = name or hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


# ------------------------------------------------------------- authres
AR_VALUES = [
    'mx.example.net; spf=pass smtp.mailfrom=example.com',
    'mx.example.net; none',
    'mx.example.net 1; dkim=pass header.d=example.com header.s=sel',
    '(forged\r\n by someone) "MX.Test.Example" 1;\r\n\tdkim=pass',
    '\r\n\tMX.TEST.EXAMPLE ; spf=pass',
    'mx.test.example.evil; spf=pass',
    'other.example; dmarc=fail (p=reject dis=none) header.from=example.com',
    '"quoted\\"id"; none',
    '((nested (comment)) x) id; none',
    'mx.example.net;\n\tspf=pass (dnssec=secure) smtp.mailfrom=a@example.com;'
    '\n\tspf=none smtp.helo=mx.example.org',
    'mx.example.net\x00hidden; spf=pass',
    'mx.example.net/x; spf=pass',
    '\xffmx.example.net; spf=pass',
    '"mx.example\r\n .net"; none',
    '(unterminated comment',
    '"unterminated quote',
    'i=1; mx.example.net; arc=pass',
]


def authres_seeds():
    for v in AR_VALUES:
        put('fuzz_authres', b'\x00' + v.encode('latin-1'))
        put('fuzz_authres', b'\x81mx.test.example\n' + v.encode('latin-1'))
    # after nearly AM_MAX_AR_INSPECT blanks (bit 0x40), ids cut or not
    for sel, v in ((0x40, '  (c) mx.example.net; spf=pass'),
                   (0x7f, '"' + 'a' * 300 + '"; none'),
                   (0x41, 'MX.EXAMPLE.NET; none')):
        put('fuzz_authres', bytes([sel]) + v.encode())
    # builder programs: 0 method, 1 comment, 2 prop, 3 render, 4 repeat
    def method(k):
        return bytes([0, k])

    def comment(text, flags=0):
        t = text.encode()
        return bytes([1 | flags, len(t)]) + t

    def prop(k, value, kind):
        v = value.encode()
        return bytes([2, (kind << 4) | k, len(v)]) + v

    progs = [
        method(0x08) + comment('dnssec=secure') +
        prop(0, 'example.com', 0) + prop(1, 'mx.example.org', 0),
        method(0x00),
        method(0x11) + prop(2, 'example.com', 0) +
        prop(4, 'AbCd+/==', 3) + prop(3, 'user@example.com', 2) + bytes([3]),
        method(0x10) + comment('policy (x) \\ y', 0x40) +
        prop(6, 'reject', 1) + bytes([4, 200]),
        method(0x08) + prop(0, 'a' * 63 + '.example', 0) + bytes([4, 255]) +
        method(0x20) + comment('x' * 200) + bytes([3]),
        method(0xf0) + prop(0, 'example.com', 0) + method(0x18) +
        prop(0, 'bad value (x)', 1) + prop(0, '"q"', 1),
        method(0x08) + prop(3, '@example.com', 2) +
        prop(3, 'a..b@example.com', 2) + prop(2, '-bad.example', 0),
    ]
    for p in progs:
        put('fuzz_authres', b'\x00' + p)
        put('fuzz_authres', b'\x85' + b'mx.example.net\n' + p)


# ---------------------------------------------------------- spf_grammar
def suite_strings():
    """Every TXT/SPF string of the RFC 7208 suite's zone data."""
    path = os.path.join(TOP, 'test', 'spf', 'rfc7208-tests.yml')
    out = []
    with open(path, encoding='utf-8') as f:
        for scenario in yaml.safe_load_all(f):
            if not scenario:
                continue
            for recs in (scenario.get('zonedata') or {}).values():
                for rec in recs or []:
                    if not isinstance(rec, dict):
                        continue
                    for t in ('TXT', 'SPF'):
                        v = rec.get(t)
                        if isinstance(v, list):
                            v = ''.join(v)
                        if isinstance(v, str) and v != 'NONE':
                            out.append(v)
    return out


SPF_EXTRA = [
    'v=spf1 a/0 -all',
    'v=spf1 mx//0 ~all',
    'v=spf1 a:%{d}/24//0 mx:mail.%{o}/0 ?all',
    'v=spf1 ip4:192.0.2.0/24 ip4:0.0.0.0/0 ip6:::/0 -all',
    'v=spf1 ip6:2001:db8::/32 ip6:::ffff:192.0.2.1 ip6:1:2:3:4:5:6:7:8/128',
    'v=spf1 include:_spf.example.com redirect=_spf.example.net',
    'v=spf1 redirect=%{d}.example.net -all',
    'v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all',
    'v=spf1 foo.bar-baz_q=%{s} a -all',
    'v=spf1 exp=explain.%{d} -all',
    'V=SPF1 A MX PTR -ALL',
    'v=spf1 a:foo.example.com./0 a:x.y.am--any0 -all',
    'v=spf1 ptr:example.com ~all',
    'v=spf1 %{d}',
]

EXPLAIN = [
    '%{i} is not one of %{d}\'s designated mail servers.',
    'See http://%{d}/why.html?s=%{S}&i=%{I}',
    '%{c} at %{t} via %{r}: %% %_ %-',
    'Mail from %{l}@%{o} rejected',
    '%{d2r.-}x%{h}',
]

DOMAIN_SPECS = ['example.com', '%{d}', '_spf.%{d2}', 'a.b.c.example.',
                '%{ir}.%{v}._spf.%{d}', 'x.123', 'foo.%{d}.bar-baz']


def spf_seeds():
    recs = [s for s in suite_strings() if s.lower().startswith('v=spf1')]
    others = [s for s in suite_strings() if not s.lower().startswith('v=')]
    for r in sorted(set(recs))[:60] + SPF_EXTRA:
        put('fuzz_spf_grammar', r)
    for e in sorted(set(others))[:15] + EXPLAIN:
        put('fuzz_spf_grammar', e)
    for d in DOMAIN_SPECS:
        put('fuzz_spf_grammar', d)
    return recs


# -------------------------------------------------------------- config
CONFIG = [
    'Socket inet:8891@127.0.0.1\nSocketMode 0600\n',
    'Socket inet6:8891@[::1]\n',
    'Socket "unix:/var/spool/postfix/authmilter/sock"\nSocketGroup postfix\n',
    'AuthservID mx.example.net\nUser authmilter\nPidFile ""\n',
    'InternalHosts 127.0.0.0/8, ::1, 10.0.0.0/8 192.168.0.0/16\n'
    'InternalHosts fe80::/10\n',
    'InternalHosts none\n',
    'IgnoreAuthenticatedClients off\nSPFHeloCheck no\nSPFReceivedHeader 0\n'
    'SPFRejectFail true\nSPFTempErrorAction tempfail\n',
    'DNSForwarder 192.0.2.53\nDNSForwarder 2001:db8::53@5353\n',
    'DNSStubZone test. 127.0.0.1@5300\nDNSTrustAnchorFile /etc/x.key\n',
    'DNSTrustAnchor test. 3600 IN DS 12345 13 2 '
    '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n',
    'DNSTimeout 500ms\nDNSMessageBudget 30s\n',
    'LogLevel debug\nSyslogFacility local3\n',
    '# comment\n\n   \t\nauthservid X\n',
    'AuthservID mx.example.net\nAuthservID twice.example.net\n',
    'Unknown key\n',
    'Socket unix:relative\n',
    'User root\n',
    'DNSTimeout 99999999999999999999s\n',
    'SocketMode 0999\n',
    'InternalHosts 10.0.0.1/8\n',
    'AuthservID "a b"\n',
    'Socket\n',
    'LogLevel\r\n',
    'x' * 5000 + '\n',
    'AuthservID a\x00b\n',
]


def config_seeds():
    with open(os.path.join(TOP, 'conf', 'authmilter.conf'), 'rb') as f:
        sample = f.read()
    put('fuzz_config', sample, 'authmilter.conf')
    # each "# Key value" default line of the sample, uncommented
    for line in sample.decode().splitlines():
        if line.startswith('# ') and len(line.split()) >= 2 and \
                line.split()[1][:1].isupper() and \
                not line.split()[1].endswith(':'):
            put('fuzz_config', line[2:] + '\n')
    for c in CONFIG:
        put('fuzz_config', c)


# ---------------------------------------------------------- dns_answer
def txt(*strings):
    """TXT rdata: length-prefixed character-strings."""
    out = b''
    for s in strings:
        s = s.encode('latin-1')
        while len(s) > 255:
            out += bytes([255]) + s[:255]
            s = s[255:]
        out += bytes([len(s)]) + s
    return out


def wire(name):
    out = b''
    for label in name.rstrip('.').split('.'):
        out += bytes([len(label)]) + label.encode()
    return out + b'\x00'


def answer(records, rcode=0, secure=False, bogus=False, packet=True):
    """One replayed answer (fuzz_dns_answer.c replay_result)."""
    flags = rcode | (0x10 if secure else 0) | (0x20 if bogus else 0) | \
        (0 if packet else 0x80) | (0x40 if rcode and records else 0)
    out = bytes([flags, len(records), 5])
    for r in records:
        out += struct.pack('>H', len(r)) + r
    if packet:
        out += bytes(12 + len(records))
    return out


def spf_input(family=4, helo='mx.example.org', mailfrom='a@example.com',
              check_helo=True):
    flags = (1 if family == 6 else 0) | (2 if check_helo else 0)
    addr = bytes([192, 0, 2, 1]) if family == 4 else \
        bytes.fromhex('20010db8000000000000000000000001')
    return bytes([flags]) + addr + helo.encode() + b'\n' + \
        mailfrom.encode() + b'\n'


def dns_seeds(recs):
    # mode 0
    put('fuzz_dns_answer', b'\x00' + bytes(8))
    put('fuzz_dns_answer', b'\x00' + struct.pack('>i', 3) + b'\x01\x00\x01\x00'
        + struct.pack('>i', -1) + b'\x00\x01\x00\x01')
    # mode 1: sel picks TXT(0) MX(1) PTR(2) A(3) AAAA(4)
    one = [
        (0, answer([txt('v=spf1 ip4:192.0.2.0/24 -all')], secure=True)),
        (0, answer([txt('v=spf1 ', 'a/0 mx//0 ', '-all')])),
        (0, answer([txt('v=spf1 -all'), txt('v=spf1 +all')])),
        (0, answer([txt('%{i} is not allowed for %{d}')])),
        (0, answer([txt('v=spf1 exp=%{d}' + ' a' * 200)])),
        (0, answer([txt('v=spf1 -all')], bogus=True)),
        (0, answer([], rcode=3)),
        (0, answer([], rcode=2)),
        (0, answer([b'\x05abc'])),
        (1, answer([b'\x00\x0a' + wire('mx1.example.com'),
                    b'\x00\x14' + wire('mx2.example.com')])),
        (1, answer([b'\x00\x0a' + b'\x03a.b\x00', b'\x00'])),
        (2, answer([wire('host.example.com'), wire('a' * 63 + '.b')])),
        (3, answer([bytes([192, 0, 2, 1]), bytes([198, 51, 100, 7])])),
        (4, answer([bytes(16), bytes(4)])),
    ]
    for sel, a in one:
        put('fuzz_dns_answer', bytes([1, sel]) + b'example.com\n' + a)
        put('fuzz_dns_answer', bytes([1, sel | 0xc0]) +
            b'example.com.am--any0\n' + a)
    # mode 2
    for res in range(7):
        put('fuzz_dns_answer', b'\x02' + spf_input() + bytes([res, 1]) +
            b'example.com\nDNS timeout\n%{i} is not allowed "x" \\ y\n\x40')
    put('fuzz_dns_answer', b'\x02' + spf_input(6, 'h"e\\lo', 'we"ird@ex') +
        bytes([3, 0]) + b'-bad-\n\n' + b'"' * 255 + b'\n\x10')
    # (a long HELO, MAIL FROM and explanation of quotes: see
    # regressions/fuzz_dns_answer/received-spf-unclosed-quote)
    # mode 3: answers in the order libspf2 asks
    evals = [
        spf_input() + answer([txt('v=spf1 ip4:192.0.2.0/24 -all')]),
        spf_input() + answer([txt('v=spf1 -all exp=exp.example.com')]) +
        answer([txt('%{i} is not one of %{d}\'s servers')]),
        spf_input() + answer([txt('v=spf1 include:_spf.example.net -all')]) +
        answer([txt('v=spf1 a mx -all')]) + answer([bytes([192, 0, 2, 1])]),
        spf_input() + answer([txt('v=spf1 mx/0 -all')]) +
        answer([b'\x00\x0a' + wire('mx.example.com')]) +
        answer([bytes([203, 0, 113, 5])]),
        spf_input() + answer([txt('v=spf1 ptr -all')]) +
        answer([wire('mx.example.com')]) + answer([bytes([192, 0, 2, 1])]),
        spf_input() + answer([txt('v=spf1 redirect=_spf.example.net')]) +
        answer([], rcode=3),
        spf_input(6) + answer([txt('v=spf1 ip6:2001:db8::/32 ~all')]),
        spf_input(mailfrom='') + answer([txt('v=spf1 a -all')]) +
        answer([bytes([192, 0, 2, 1])]),
        spf_input() + answer([txt('v=spf1 exists:%{ir}.%{l}._spf.%{d} -all')])
        + answer([bytes([127, 0, 0, 2])]),
        spf_input() + answer([], bogus=True),
        spf_input() + answer([], rcode=2),
    ]
    for r in recs[:20]:
        evals.append(spf_input() + answer([txt(r)]) +
                     answer([bytes([192, 0, 2, 1])]) +
                     answer([txt('v=spf1 -all')]))
    for e in evals:
        put('fuzz_dns_answer', b'\x03' + e)


def main():
    authres_seeds()
    recs = spf_seeds()
    config_seeds()
    dns_seeds(recs)


if __name__ == '__main__':
    main()
