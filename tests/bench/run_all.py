"""Run every benchmark script in tests/bench (files named bench_*.py) and print their figures.

Benchmarks are never timed assertions in `make test`; figures go to BENCHMARKS.md with machine and date.
"""

import importlib
import pathlib
import platform
import sys
from datetime import date


def main() -> None:
    here = pathlib.Path(__file__).parent
    only = set(sys.argv[1:])
    print(f"# {date.today().isoformat()} · {platform.node()} · {platform.processor() or platform.machine()}")
    for script in sorted(here.glob("bench_*.py")):
        if only and script.stem not in only:
            continue
        print(f"\n## {script.stem}")
        module = importlib.import_module(f"tests.bench.{script.stem}")
        module.main()


if __name__ == "__main__":
    main()
