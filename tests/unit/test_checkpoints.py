import os
import socket
import subprocess
import sys

from chat_core.checkpoints import LEFT, STALE_AFTER, Checkpoint, abandoned, writer_alive, writer_id


def ended_process_writer() -> str:
    """The writer id of a process that has ended."""
    child = subprocess.run(
        [sys.executable, "-c", "from chat_core.checkpoints import writer_id; print(writer_id())"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return child.stdout.strip()


def test_this_process_is_alive_and_a_process_that_ended_is_not():
    assert writer_alive(writer_id()) is True
    assert writer_alive(ended_process_writer()) is False


def test_a_reused_process_id_with_another_start_time_is_not_the_writer():
    host, pid, started = writer_id().rsplit(":", 2)
    assert writer_alive(f"{host}:{pid}:{int(started) + 1}") is False


def test_a_writer_on_another_host_cannot_be_told_apart_so_only_time_decides():
    elsewhere = f"not-{socket.gethostname()}:{os.getpid()}:1"
    assert writer_alive(elsewhere) is None
    fresh = Checkpoint(1, "Hel", elsewhere, updated_at=1000.0)
    assert not abandoned(fresh, now=1000.0 + STALE_AFTER - 1)
    assert abandoned(fresh, now=1000.0 + STALE_AFTER + 1)


def test_a_live_writers_checkpoint_is_not_abandoned_and_an_ended_ones_is():
    assert not abandoned(Checkpoint(1, "Hel", writer_id(), updated_at=1000.0), now=1001.0)
    assert abandoned(Checkpoint(1, "Hel", ended_process_writer(), updated_at=1000.0), now=1001.0)


def test_a_malformed_writer_is_taken_as_gone():
    assert writer_alive("garbage") is False
    assert abandoned(Checkpoint(1, "", "host:notapid:1", updated_at=1000.0), now=1000.0)


def test_a_checkpoint_its_page_left_is_abandoned_at_once():
    assert abandoned(Checkpoint(1, "Hel", LEFT, updated_at=1000.0), now=1000.0)
