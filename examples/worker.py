"""StreamDesk's worker loop in Python with redis-py: what `npm run worker -- tickets` does, for teams whose
workers are written in other languages. Same settings as the Node workers:

    REDIS_URL=redis://127.0.0.1:6379 TICKETS_STREAM=tickets python3 examples/worker.py

It prints a line per ticket instead of rendering one; put your own work in handle(). Dead letters are left
out: before handling a claimed entry, the Node workers check its delivery count (XPENDING) and move it to
the dead-letter stream once it reaches DEAD_LETTER_DELIVERIES (workers/loop.ts).
"""
import os
import signal
import socket
import time

import redis

URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379")
STREAM = os.environ.get("TICKETS_STREAM", "tickets")
GROUP = os.environ.get("WORKER_GROUP", "printing")
ME = os.environ.get("WORKER_CONSUMER", f"{socket.gethostname()}-{os.getpid()}")
RECLAIM_S = int(os.environ.get("WORKER_RECLAIM_MS", "10000")) / 1000
CLAIM_IDLE_MS = int(os.environ.get("WORKER_CLAIM_IDLE_MS", "30000"))


def handle(entry_id, fields):
    # Delivery is at least once: this may run twice for one entry, so it must be idempotent.
    # A pending entry trimmed from the stream comes back with no fields.
    print(f"printed {entry_id} seat={(fields or {}).get('seat', '?')}", flush=True)


def handle_and_ack(r, entries):
    for entry_id, fields in entries:
        handle(entry_id, fields)
    if entries:  # ack only once the effect exists: a crash before this line means redelivery, not loss
        r.xack(STREAM, GROUP, *[entry_id for entry_id, _ in entries])


def main():
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))  # finish the batch in hand, then exit
    r = redis.Redis.from_url(URL, decode_responses=True)
    try:
        r.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
    except redis.ResponseError as e:
        if "BUSYGROUP" not in str(e):
            raise
    start, next_claim = "0", 0.0  # my own pending entries first (left by my last crash), then new ones
    while not stopping:
        if time.monotonic() >= next_claim:  # take over what dead consumers left idle
            cursor = "0-0"
            while True:
                # Redis 7 adds a third item, the ids trimmed from the stream meanwhile.
                cursor, claimed = r.xautoclaim(STREAM, GROUP, ME, min_idle_time=CLAIM_IDLE_MS, start_id=cursor, count=20)[:2]
                handle_and_ack(r, claimed)
                if cursor == "0-0":
                    break
            next_claim = time.monotonic() + RECLAIM_S
        reply = r.xreadgroup(GROUP, ME, {STREAM: start}, count=20, block=1000)
        entries = reply[0][1] if reply else []
        if start != ">" and not entries:
            start = ">"
            continue
        handle_and_ack(r, entries)
        if start != ">":
            start = entries[-1][0]


if __name__ == "__main__":
    main()
