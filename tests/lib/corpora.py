#!/usr/bin/env python3
# NAME
#	corpora.py - wrap and check the public corpora for test-corpora.sh
# SYNOPSIS
#	corpora.py list CORPORA
#	corpora.py wrap DATA OUTDIR
#	corpora.py mail OUT FROM SUBJECT KIND FILE [FILE]
#	corpora.py check RUNS CASES SPOOL TIMEOUT_MS [EARLIER]
#	corpora.py certify SECRET-KEY USER-ID OUT
# DESCRIPTION
#	list: every message file of mime-is-broken/, mime-tools/ and
#	cpython-test_email-data/ under CORPORA (every regular file but the
#	licences), one path a line, sorted.
#
#	wrap: every OpenPGP file of the interoperability suite's DATA folder
#	made into two mails in OUTDIR, inline (armored in a text/plain body)
#	and PGP/MIME (multipart/encrypted for messages, multipart/signed for
#	signatures, an application/pgp-keys part for keys and revocations);
#	prints one line per mail: "PATH<TAB>LABEL".
#
#	mail: one such mail on its own (KIND: mime-signed-raw, mime-signed-pdf,
#	inline-signed), for the revocation and SHA-1 collision checks.
#
#	certify: the suite's 16384- and 32768-bit RSA keys are bare secret key
#	packets without a user ID, which gpg refuses whatever their size. This
#	makes each a certificate that gpg accepts (public key packet, USER-ID,
#	a SHA-256 self-signature made here with the key itself), so that the
#	import limit on the key length is what refuses it.
#
#	check: reads what test-corpora.sh recorded, one delivery a line
#	("RC<TAB>MS<TAB>SHA256<TAB>EXPECT<TAB>LABEL<TAB>PATH"), and the
#	queue as a stream of "psirt show --json" objects, and prints one
#	result a line for the shell's TAP counter: "0 NAME" or "1 NAME",
#	then "# ..." diagnostics and figures. For every delivery: exit 0,
#	within the worker timeout, exactly one message with that raw
#	SHA-256 in the queue and its raw copy in the spool, processing
#	stored (no reason) or quarantined with a reason. EXPECT adds, comma
#	separated: "sig=WORD", "sig!=WORD", "not-decrypted", and "hidden"
#	(mime-is-broken: the input hides an attachment, so the stored copy
#	must list at least one). Last, the queue must hold as many inbound
#	messages as there were distinct inputs, in RUNS and EARLIER (the
#	deliveries of an earlier check, same format).
# EXIT STATUS
#	0, or 64 for a usage error (the results are in the output).
import base64
import collections
import email
import email.policy
import hashlib
import json
import os
import re
import sys

MIME_CORPORA = ("mime-is-broken", "mime-tools", "cpython-test_email-data")
QUARANTINE_REASON = re.compile(r"^(worker-crash|worker-timeout|limit:[a-z_-]+)$")
HEAD = ("From: {frm}\nTo: security@example.test\nSubject: {subject}\n"
        "Date: Sun, 22 Nov 2026 10:00:00 +0000\n"
        "Message-ID: <{mid}@corpora.example.test>\nMIME-Version: 1.0\n")


def crc24(data):
    crc = 0xB704CE
    for b in data:
        crc ^= b << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def armor(kind, data):
    """ASCII armor (RFC 4880 6.2); armored input is returned as it is."""
    if data.lstrip().startswith(b"-----BEGIN PGP"):
        return data.strip() + b"\n"
    b64 = base64.b64encode(data)
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    sumb = base64.b64encode(crc24(data).to_bytes(3, "big"))
    return (b"-----BEGIN PGP " + kind + b"-----\n\n" + b"\n".join(lines) +
            b"\n=" + sumb + b"\n-----END PGP " + kind + b"-----\n")


def first_tag(data):
    """The tag of the first OpenPGP packet, or -1 (armored: from the header)."""
    s = data.lstrip()
    if s.startswith(b"-----BEGIN PGP SIGNATURE"):
        return 2
    if s.startswith(b"-----BEGIN PGP MESSAGE"):
        return 1
    if s.startswith(b"-----BEGIN PGP P"):
        return 6
    if not data or not data[0] & 0x80:
        return -1
    return data[0] & 0x3F if data[0] & 0x40 else (data[0] >> 2) & 0x0F


def mid(label):
    h = hashlib.sha256((label + str(os.getpid())).encode()).hexdigest()
    return h[:24]


def head(frm, subject, label):
    return HEAD.format(frm=frm, subject=subject, mid=mid(label)).encode()


def mime_signed(frm, subject, label, signed, sig):
    """multipart/signed: signed is the first part's raw bytes."""
    b = b"sig-" + mid(label).encode()
    return (head(frm, subject, label) +
            b'Content-Type: multipart/signed; micalg=pgp-sha256;\n'
            b' protocol="application/pgp-signature"; boundary="' + b +
            b'"\n\n--' + b + b"\n" + signed + b"\n--" + b +
            b"\nContent-Type: application/pgp-signature\n\n" +
            armor(b"SIGNATURE", sig) + b"--" + b + b"--\n")


def inline_signed(frm, subject, label, text, sig):
    """A cleartext-signed body around an existing signature."""
    return (head(frm, subject, label) +
            b"Content-Type: text/plain; charset=us-ascii\n\n"
            b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA1\n\n" + text +
            b"\n" + armor(b"SIGNATURE", sig))


def pdf_part(pdf):
    b64 = base64.encodebytes(pdf)
    return (b"Content-Type: application/pdf\n"
            b"Content-Transfer-Encoding: base64\n\n" + b64.rstrip(b"\n"))


def wrap_one(path, rel, out, n):
    """The two mails of one OpenPGP file; yields (path, label)."""
    data = open(path, "rb").read()
    tag = first_tag(data)
    name = os.path.basename(path)
    if tag in (1, 3, 18, 9):
        kind = b"MESSAGE"
    elif tag == 2:
        kind = b"SIGNATURE"
    elif tag == 5:
        kind = b"PRIVATE KEY BLOCK"
    elif tag in (6, 14):
        kind = b"PUBLIC KEY BLOCK"
    else:
        return
    frm = "corpus@example.test"
    for wrap in ("inline", "pgp-mime"):
        label = "openpgp %s (%s)" % (rel, wrap)
        subject = "corpus %s %s" % (name, wrap)
        if kind == b"SIGNATURE" and wrap == "inline":
            mail = inline_signed(frm, subject, label, b"Hello, World", data)
        elif kind == b"SIGNATURE":
            mail = mime_signed(frm, subject, label, b"Hello, World", data)
        elif wrap == "inline":
            mail = (head(frm, subject, label) +
                    b"Content-Type: text/plain; charset=us-ascii\n\n" +
                    armor(kind, data))
        elif kind == b"MESSAGE":
            b = b"enc-" + mid(label).encode()
            mail = (head(frm, subject, label) +
                    b'Content-Type: multipart/encrypted;\n'
                    b' protocol="application/pgp-encrypted"; boundary="' +
                    b + b'"\n\n--' + b +
                    b"\nContent-Type: application/pgp-encrypted\n\n"
                    b"Version: 1\n\n--" + b +
                    b"\nContent-Type: application/octet-stream\n\n" +
                    armor(kind, data) + b"--" + b + b"--\n")
        else:
            b = b"key-" + mid(label).encode()
            mail = (head(frm, subject, label) +
                    b'Content-Type: multipart/mixed; boundary="' + b +
                    b'"\n\n--' + b +
                    b"\nContent-Type: text/plain\n\nMy key is attached.\n--" +
                    b + b"\nContent-Type: application/pgp-keys\n"
                    b'Content-Disposition: attachment; filename="key.asc"'
                    b"\n\n" + armor(kind, data) + b"--" + b + b"--\n")
        p = os.path.join(out, "%03d-%s.eml" % (n, wrap))
        n += 1
        with open(p, "wb") as f:
            f.write(mail)
        yield p, label


def cmd_list(corpora):
    files = []
    for c in MIME_CORPORA:
        for d, _, names in os.walk(os.path.join(corpora, c)):
            for f in names:
                if f not in ("LICENSE", "README", "README.md"):
                    files.append(os.path.join(d, f))
    for f in sorted(files):
        print(f)


def cmd_wrap(data, out):
    n = 0
    for d, _, names in sorted(os.walk(data)):
        for f in sorted(names):
            p = os.path.join(d, f)
            for path, label in wrap_one(p, os.path.relpath(p, data), out, n):
                n += 1
                print("%s\t%s" % (path, label))


def cmd_mail(out, frm, subject, kind, files):
    label = "%s %s %s" % (kind, subject, " ".join(files))
    if kind == "mime-signed-raw":
        # The first part is exactly the signed bytes: no header lines, no
        # line break (the interoperability suite signs "Hello, World").
        mail = mime_signed(frm, subject, label, b"Hello, World",
                           open(files[0], "rb").read())
    elif kind == "mime-signed-pdf":
        mail = mime_signed(frm, subject, label,
                           pdf_part(open(files[0], "rb").read()),
                           open(files[1], "rb").read())
    elif kind == "inline-signed":
        mail = inline_signed(frm, subject, label, b"Hello, World",
                             open(files[0], "rb").read())
    else:
        return 64
    with open(out, "wb") as f:
        f.write(mail)
    return 0


def pkt(tag, body):
    """A new-format OpenPGP packet (RFC 4880 4.2.2)."""
    n = len(body)
    if n < 192:
        ln = bytes([n])
    elif n < 8384:
        ln = bytes([((n - 192) >> 8) + 192, (n - 192) & 0xFF])
    else:
        ln = b"\xff" + n.to_bytes(4, "big")
    return bytes([0xC0 | tag]) + ln + body


def mpi_read(b, i):
    bits = b[i] << 8 | b[i + 1]
    n = (bits + 7) // 8
    return int.from_bytes(b[i + 2:i + 2 + n], "big"), i + 2 + n


def mpi(x):
    return x.bit_length().to_bytes(2, "big") + \
        x.to_bytes((x.bit_length() + 7) // 8, "big")


def cmd_certify(path, uid, out):
    d = open(path, "rb").read()
    if d[0] != 0xC5:
        return 64
    i = 1
    if d[i] < 192:
        n, i = d[i], i + 1
    elif d[i] < 224:
        n, i = ((d[i] - 192) << 8) + d[i + 1] + 192, i + 2
    else:
        n, i = int.from_bytes(d[i + 1:i + 5], "big"), i + 5
    body = d[i:i + n]
    if body[0] != 4 or body[5] != 1:
        return 64
    j = 6
    modulus, j = mpi_read(body, j)
    e, j = mpi_read(body, j)
    pub = body[:j]
    if body[j] != 0:
        return 64
    dd, j = mpi_read(body, j + 1)
    p, j = mpi_read(body, j)
    q, j = mpi_read(body, j)
    u, j = mpi_read(body, j)
    fpr = hashlib.sha1(b"\x99" + len(pub).to_bytes(2, "big") + pub).digest()
    uidb = uid.encode()
    hashed = (bytes([5, 2]) + body[1:5] +           # creation time
              bytes([22, 33, 4]) + fpr +           # issuer fingerprint
              bytes([2, 27, 0x03]))                # certify, sign
    head_ = bytes([4, 0x13, 1, 8]) + len(hashed).to_bytes(2, "big") + hashed
    h = hashlib.sha256(b"\x99" + len(pub).to_bytes(2, "big") + pub +
                       b"\xb4" + len(uidb).to_bytes(4, "big") + uidb +
                       head_ + b"\x04\xff" + len(head_).to_bytes(4, "big"))
    digest = h.digest()
    k = (modulus.bit_length() + 7) // 8
    info = bytes.fromhex("3031300d060960864801650304020105000420") + digest
    em = b"\x00\x01" + b"\xff" * (k - len(info) - 3) + b"\x00" + info
    m = int.from_bytes(em, "big")
    # RSA with the CRT (u = p^-1 mod q, RFC 4880 5.5.3)
    s1 = pow(m, dd % (p - 1), p)
    s2 = pow(m, dd % (q - 1), q)
    sig = s1 + ((u * (s2 - s1)) % q) * p
    if pow(sig, e, modulus) != m:
        return 1
    unhashed = bytes([9, 16]) + fpr[-8:]
    sigpkt = (head_ + len(unhashed).to_bytes(2, "big") + unhashed +
              digest[:2] + mpi(sig))
    with open(out, "wb") as f:
        f.write(pkt(6, pub) + pkt(13, uidb) + pkt(2, sigpkt))
    return 0


def read_cases(path):
    """Every inbound message of the queue, by raw SHA-256."""
    dec = json.JSONDecoder()
    s = open(path, encoding="utf-8").read()
    by = collections.defaultdict(list)
    i = 0
    while True:
        while i < len(s) and s[i].isspace():
            i += 1
        if i >= len(s):
            break
        case, i = dec.raw_decode(s, i)
        for m in case["messages"]:
            if m.get("direction", "in") == "in":
                by[m["raw_sha256"]].append((case["id"], m))
    return by


def payload_digests(paths):
    """SHA-256 of the non-text parts another parser (Python's email
    package) decodes in each message, and the commonest of them (the
    corpus's payload): to tell a payload recovered byte for byte."""
    per = {}
    count = collections.Counter()
    for p in paths:
        found = set()
        try:
            msg = email.message_from_bytes(open(p, "rb").read(),
                                           policy=email.policy.compat32)
            for part in msg.walk():
                if part.get_content_maintype() in ("text", "multipart"):
                    continue
                data = part.get_payload(decode=True)
                if data:
                    found.add(hashlib.sha256(data).hexdigest())
        except Exception:
            pass
        per[p] = found
        count.update(found)
    common = count.most_common(1)[0][0] if count else None
    return per, common


def cmd_check(runs, cases, spool, timeout_ms, earlier=None):
    by = read_cases(cases)
    shas = set()
    procs = collections.Counter()
    unparsed = collections.Counter()
    hidden = listed = recovered = 0
    none_listed = []
    rows = [l.rstrip("\n").split("\t") for l in open(runs, encoding="utf-8")]
    broken = [r[5] for r in rows if "hidden" in r[3].split(",")]
    digests, payload = payload_digests(broken) if broken else ({}, None)
    for rc, ms, sha, expect, label, path in rows:
        bad = []
        shas.add(sha)
        if rc != "0":
            bad.append("exit %s" % rc)
        if int(ms) >= timeout_ms:
            bad.append("took %s ms, worker_timeout is %d ms" % (ms, timeout_ms))
        found = by.get(sha, [])
        if len(found) != 1:
            bad.append("%d messages with raw SHA-256 %s" % (len(found), sha))
        raw = os.path.join(spool, sha)
        if not os.path.isfile(raw) or open(raw, "rb").read() != \
                open(path, "rb").read():
            bad.append("raw copy %s missing or different" % raw)
        m = found[0][1] if found else {}
        proc, reason = m.get("processing"), m.get("quarantine_reason")
        if found and not ((proc == "stored" and reason is None) or
                          (proc == "quarantined" and reason is not None and
                           QUARANTINE_REASON.match(reason))):
            bad.append("processing %r reason %r" % (proc, reason))
        procs[proc if proc != "quarantined" else "quarantined " + str(reason)] += 1
        if any(a["name"] == "unparsed-message.eml"
               for a in m.get("attachments", [])):
            unparsed[label.split("/")[0].split(" ")[0]] += 1
        for e in filter(None, expect.split(",")):
            if e.startswith("sig!="):
                if m.get("signature") == e[5:]:
                    bad.append("signature %s" % m.get("signature"))
            elif e.startswith("sig="):
                if m.get("signature") != e[4:]:
                    bad.append("signature %s, want %s" % (m.get("signature"), e[4:]))
            elif e == "not-decrypted":
                if m.get("encryption") in ("pgp-mime", "inline"):
                    bad.append("encryption %s" % m.get("encryption"))
            elif e == "hidden":
                hidden += 1
                atts = m.get("attachments", [])
                if atts:
                    listed += 1
                else:
                    none_listed.append(label)
                    bad.append("the input hides an attachment; "
                               "the stored copy lists none")
                want = digests.get(path, set()) | {payload}
                if any(a["sha256"] in want for a in atts):
                    recovered += 1
        name = label
        if found:
            name += ": %s%s" % (proc, " (%s)" % reason if reason else "")
            if any(e.startswith("sig") for e in expect.split(",")):
                name += ", signature %s" % m.get("signature")
        print("%d %s" % (1 if bad else 0, name))
        for b in bad:
            print("# %s" % b)
    if earlier:
        shas |= set(l.split("\t")[2] for l in open(earlier, encoding="utf-8"))
    total = sum(len(v) for v in by.values())
    print("%d the queue holds one message per distinct input (%d distinct "
          "inputs so far, %d messages)" % (0 if total == len(shas) else 1,
                                           len(shas), total))
    for k, v in sorted(procs.items(), key=lambda kv: str(kv[0])):
        print("# %s: %d" % (k, v))
    for k, v in sorted(unparsed.items()):
        print("# %s: whole message kept as unparsed-message.eml: %d" % (k, v))
    if hidden:
        print("# mime-is-broken: %d inputs hide an attachment; stored copies "
              "listing one: %d, listing none: %d; payload recovered byte "
              "for byte: %d" % (hidden, listed, hidden - listed, recovered))
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "list":
        cmd_list(argv[2])
    elif len(argv) == 4 and argv[1] == "wrap":
        cmd_wrap(argv[2], argv[3])
    elif len(argv) >= 7 and argv[1] == "mail":
        return cmd_mail(argv[2], argv[3], argv[4], argv[5], argv[6:])
    elif len(argv) == 5 and argv[1] == "certify":
        return cmd_certify(argv[2], argv[3], argv[4])
    elif len(argv) in (6, 7) and argv[1] == "check":
        return cmd_check(argv[2], argv[3], argv[4], int(argv[5]),
                         argv[6] if len(argv) == 7 else None)
    else:
        sys.stderr.write("usage: see the head of corpora.py\n")
        return 64
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
