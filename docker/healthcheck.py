"""The image's HEALTHCHECK: GET /healthz on the web server in this container (stdlib only, no curl).

Healthy when the answer is 200: the database answers and is migrated to the newest revision. A
stale scheduler only makes the answer `degraded` (still 200), so the web container is not restarted
because the scheduler's container is down.
"""

import os
import sys
import urllib.error
import urllib.request

port = os.environ.get("LAGESBILD_PORT", "8000")
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=4) as answer:
        sys.exit(0 if answer.status == 200 else 1)
except urllib.error.HTTPError as exc:
    print(f"/healthz svarade {exc.code}", file=sys.stderr)
except OSError as exc:
    print(f"/healthz svarar inte: {exc}", file=sys.stderr)
sys.exit(1)
