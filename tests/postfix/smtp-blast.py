#!/usr/bin/env python3
# NAME
#	smtp-blast.py - submit many messages over SMTP at once
# SYNOPSIS
#	smtp-blast.py HOST PORT CLIENTS RECIPIENT SENDER=FILE...
# DESCRIPTION
#	CLIENTS threads, each taking the next SENDER=FILE pair and submitting
#	FILE in its own SMTP session (connect, EHLO, MAIL FROM:<SENDER>, RCPT
#	TO:<RECIPIENT>, DATA, QUIT), as that many independent reporters would.
#	A load generator for tests/postfix/test-load.sh: swaks, one Perl
#	process per message, cannot submit fast enough to keep ten
#	psirt-filter processes busy.
# EXIT STATUS
#	0 every message accepted (250), 1 otherwise (each failure on stderr),
#	64 usage.
import queue
import smtplib
import sys
import threading


def main(argv):
    if len(argv) < 6:
        return 64
    host, port, clients, rcpt = argv[1], int(argv[2]), int(argv[3]), argv[4]
    work = queue.Queue()
    for arg in argv[5:]:
        sender, _, path = arg.partition("=")
        work.put((sender, path))
    failures = []
    lock = threading.Lock()

    def client():
        while True:
            try:
                sender, path = work.get_nowait()
            except queue.Empty:
                return
            try:
                with open(path, "rb") as f:
                    data = f.read()
                with smtplib.SMTP(host, port, "client.example.test",
                                  timeout=60) as s:
                    s.sendmail(sender, [rcpt], data)
            except (OSError, smtplib.SMTPException) as e:
                with lock:
                    failures.append("%s: %s" % (path, e))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for f in failures:
        print(f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
