#!/usr/bin/env python3
"""The Python half of `cargo bench --bench client`: google-api-python-client walking the
same messages.list pages against the same emulator. Prints one JSON line:
{"pages": P, "messages": M, "wall_s": W, "cpu_s": C}

    python benches/client.py URL SPACE PAGES_PER_ROUND ROUNDS
"""
import json
import sys
import time

from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build


def main():
    url, space, per_round, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    chat = build(
        "chat", "v1", credentials=Credentials(token="user:1001"),
        client_options={"api_endpoint": url.rstrip("/") + "/"},
    )

    def walk():
        n, pages = 0, 0
        req = chat.spaces().messages().list(parent=space, pageSize=1000)
        while req is not None and pages < per_round:
            resp = req.execute()
            n += len(resp.get("messages", []))
            pages += 1
            req = chat.spaces().messages().list_next(req, resp)
        return pages, n

    walk()  # warm up: connection, discovery document
    pages = msgs = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        p, n = walk()
        pages += p
        msgs += n
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({"pages": pages, "messages": msgs, "wall_s": wall, "cpu_s": cpu}))


if __name__ == "__main__":
    main()
