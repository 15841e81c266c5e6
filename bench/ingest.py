"""Ingest throughput: verify + store of realistic signed snapshots (about 20 KB, ten artifacts),
and database bytes added per unchanged snapshot. Target: >= 1,000 snapshots/s on one core.

    .venv/bin/python bench/ingest.py [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lineguard.collector.home import Home  # noqa: E402
from lineguard.collector.ingest import ingest_one  # noqa: E402
from lineguard.collector.render import ingest_result  # noqa: E402
from lineguard.formats.wire import load  # noqa: E402
from tests.snapfactory import AgentChain, realistic_targets  # noqa: E402


def main(n: int = 2000) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="lg-bench-"))
    home = Home(tmp / "home")
    store = home.init()
    chain = AgentChain.create(tmp / "keys")
    from lineguard.agent.keys import public_text
    from lineguard.formats.wire import key_fingerprint
    store.add_agent(chain.name, public_text(chain.key.public_key()),
                    key_fingerprint(chain.key.public_key()), "bench")
    targets = realistic_targets(chain.name)
    # polls 15 minutes apart that end now: the collector refuses snapshots dated in the future
    chain.taken = datetime.now(UTC) - timedelta(minutes=15 * (n + 1))
    files = [chain.snapshot(targets)[1] for _ in range(n)]
    size = sum(map(len, files)) / n

    def checkpoint_size() -> int:
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return home.db_path.stat().st_size

    start_bytes = checkpoint_size()
    path = tmp / "x.lgsnap"
    settings = home.settings()
    t0 = time.perf_counter()
    for data in files:
        r = ingest_one(home, store, path, load(data), settings=settings)
        assert r.outcome == "accepted", ingest_result(r)
    dt = time.perf_counter() - t0
    per = (checkpoint_size() - start_bytes) / n
    print(f"ingest: {n} snapshots of {size / 1024:.1f} KB (10 artifacts) in {dt:.2f} s "
          f"= {n / dt:,.0f} snapshots/s (verify + store, one process)")
    print(f"ingest: database bytes per unchanged snapshot: {per:,.0f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
