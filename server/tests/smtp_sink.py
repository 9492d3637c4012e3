#!/usr/bin/env python3
"""A real SMTP server for the e-mail tests (aiosmtpd): it accepts every message into a folder, as
the raw message (.eml) and its decoded parts (.json: to, subject, text, html, headers), except for
recipients whose address asks otherwise:

  reject...@  -> 550 on RCPT (a permanent failure)
  tempfail...@ -> 451 on RCPT the first two times, then accepted (a temporary failure)
  policy...@  -> 530 on RCPT, always (a permanent reply that is the set-up's, not the address's)

--delay S makes each accepted message wait S seconds before its 250 (to kill a sender in the
middle of a send). Prints "ready PORT" on standard output once it listens. It stops when its
standard input closes, or with --parent PID when that process is gone (the browser tests' server).
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder, delay):
        self.folder = folder
        self.delay = delay
        self.tries = {}
        self.n = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 no such mailbox here"
        if local.startswith("policy"):
            return "530 5.7.0 Must issue a STARTTLS command first"
        if local.startswith("tempfail"):
            self.tries[address] = self.tries.get(address, 0) + 1
            if self.tries[address] <= 2:
                return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        self.n += 1
        name = f"{time.time_ns()}-{self.n}"
        with open(os.path.join(self.folder, name + ".eml"), "wb") as f:
            f.write(envelope.content)
        decoded = {
            "to": envelope.rcpt_tos,
            "subject": str(msg["subject"]),
            "text": text.get_content() if text else "",
            "html": html.get_content() if html else "",
            "headers": {k: str(v) for k, v in msg.items()},
        }
        tmp = os.path.join(self.folder, name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(decoded, f, ensure_ascii=False)
        os.rename(tmp, os.path.join(self.folder, name + ".json"))
        return "250 Message accepted for delivery"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--folder", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--delay", type=float, default=0.0)
    p.add_argument("--parent", type=int, default=0)
    a = p.parse_args()
    os.makedirs(a.folder, exist_ok=True)
    port = a.port
    if port == 0:
        import socket

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
    controller = Controller(Sink(a.folder, a.delay), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"ready {port}", flush=True)
    try:
        if a.parent:
            while os.path.exists(f"/proc/{a.parent}"):
                time.sleep(0.5)
        else:
            sys.stdin.read()  # until the test closes our standard input (or dies)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
