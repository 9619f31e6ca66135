#!/usr/bin/env python3
# ackmail - take apart an acknowledgement the fake sendmail recorded, for
# the tests. Usage:
#   ackmail.py header FILE NAME       every value of header NAME, a line each
#   ackmail.py signed FILE DATA SIG   the signed part in canonical CRLF form
#                                     and the detached signature (exit 1 if
#                                     the mail is not multipart/signed)
#   ackmail.py encrypted FILE OUT     the armored ciphertext of a
#                                     multipart/encrypted mail (exit 1 if not)
#   ackmail.py body FILE              the decoded text of a text/plain
#                                     entity (a file of one MIME entity)
import email
import email.policy
import sys


def load(path):
    with open(path, 'rb') as f:
        return f.read()


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    raw = load(path)
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    if cmd == 'header':
        for v in msg.get_all(sys.argv[3], []):
            print(v)
        return 0
    if cmd == 'body':
        part = msg
        if part.is_multipart():
            part = part.get_payload()[0]
        sys.stdout.write(part.get_payload(decode=True).decode('utf-8'))
        return 0
    ctype = msg.get_content_type()
    if cmd == 'signed':
        if ctype != 'multipart/signed':
            return 1
        # The first part's bytes exactly as sent (RFC 3156: up to the CRLF
        # before the next delimiter), then in canonical CRLF form.
        crlf = raw.replace(b'\r\n', b'\n').replace(b'\n', b'\r\n')
        delim = b'--' + msg.get_boundary().encode() + b'\r\n'
        start = crlf.index(delim) + len(delim)
        end = crlf.index(b'\r\n--' + msg.get_boundary().encode(), start)
        with open(sys.argv[3], 'wb') as f:
            f.write(crlf[start:end])
        with open(sys.argv[4], 'wb') as f:
            f.write(msg.get_payload()[1].get_payload(decode=True))
        return 0
    if cmd == 'encrypted':
        if ctype != 'multipart/encrypted':
            return 1
        with open(sys.argv[3], 'wb') as f:
            f.write(msg.get_payload()[1].get_payload(decode=True))
        return 0
    return 2


sys.exit(main())
