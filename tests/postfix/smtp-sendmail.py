#!/usr/bin/env python3
# NAME
#	smtp-sendmail.py - sendmail(1) stand-in that submits over SMTP
# SYNOPSIS
#	smtp-sendmail.py HOST PORT [-i] [-f SENDER] [--] RECIPIENT...
# DESCRIPTION
#	The tests' sendmail_command (through a wrapper naming HOST and PORT):
#	reads one message on stdin and submits it to the private Postfix
#	instance of tests/postfix/lib.sh, with SENDER as envelope sender. The
#	real sendmail(1) would need the instance in /etc/postfix/main.cf's
#	alternate_config_directories, and the tests leave /etc alone.
# EXIT STATUS
#	0 submitted, 64 usage, 75 the server refused or could not be reached
#	(as sendmail's EX_TEMPFAIL), 69 a permanent refusal.
import smtplib
import sys


def main(argv):
    if len(argv) < 3:
        return 64
    host, port, args = argv[1], int(argv[2]), argv[3:]
    sender, rcpts, i = "", [], 0
    while i < len(args):
        a = args[i]
        if a == "--":
            rcpts.extend(args[i + 1:])
            break
        if a == "-i" or a == "-oi":
            pass
        elif a == "-f" and i + 1 < len(args):
            i += 1
            sender = args[i]
        elif a.startswith("-f"):
            sender = a[2:]
        elif a.startswith("-"):
            return 64
        else:
            rcpts.append(a)
        i += 1
    if not rcpts:
        return 64
    data = sys.stdin.buffer.read()
    try:
        with smtplib.SMTP(host, port, timeout=30) as s:
            s.sendmail(sender, rcpts, data)
    except smtplib.SMTPResponseException as e:
        return 69 if 500 <= e.smtp_code < 600 else 75
    except smtplib.SMTPRecipientsRefused:
        return 69
    except (OSError, smtplib.SMTPException):
        return 75
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
