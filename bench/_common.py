"""What the benchmarks share: the results file, the machine they ran on, medians, a seeded long conversation."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results.json"
PACKAGES = ("streamlit", "openai", "llama_cpp_python", "playwright", "sqlalchemy", "matplotlib")
TOPICS = ["rivers", "birds", "bridges", "clocks", "maps", "bread", "glass", "trains", "tea", "paper", "salt", "bees"]


def machine() -> dict:
    """The machine and the versions a figure was measured with."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    chromium = subprocess.run(["chromium", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "os": platform.platform(),
        "python": platform.python_version(),
        "chromium": chromium or None,
        "packages": versions,
    }


def record(name: str, figures: dict) -> None:
    """Write one benchmark's figures into the results file, beside the others', with the machine and the time."""
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[name] = {"measured_at": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": machine(), **figures}
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"[{name}] written to {RESULTS.relative_to(ROOT)}")


def median(values: Iterable[float]) -> float:
    """The median of some numbers."""
    return statistics.median(list(values))


def timed(work: Callable[[], object]) -> float:
    """Seconds one call takes."""
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def long_conversation(messages: int) -> list[dict]:
    """A saved chat of this many messages, alternating questions and Markdown replies of everyday length."""
    out = []
    for index in range(messages // 2):
        topic = TOPICS[index % len(TOPICS)]
        out.append({"role": "user", "content": f"Tell me something about {topic}, part {index}?"})
        out.append(
            {
                "role": "assistant",
                "content": f"**{topic.capitalize()}** have a long history. Here are two facts:\n\n"
                f"- {topic} appear in stories from many places;\n- people still study {topic} today (note {index}).",
            }
        )
    return out


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds a process (and its waited-for children) has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(x) for x in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    """A process's resident memory in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS line")
