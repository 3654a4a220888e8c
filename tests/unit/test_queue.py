import threading

import pytest

from chat_core.queue import ReplyQueue, waiting_note


def test_the_first_reply_has_nobody_ahead():
    queue = ReplyQueue()
    assert queue.ahead(queue.join()) == 0


def test_each_later_reply_counts_the_replies_asked_for_before_it():
    queue = ReplyQueue()
    tickets = [queue.join() for _ in range(4)]
    assert [queue.ahead(t) for t in tickets] == [0, 1, 2, 3]


def test_a_reply_that_ends_moves_everyone_behind_it_forward():
    queue = ReplyQueue()
    first, second, third = queue.join(), queue.join(), queue.join()
    queue.leave(first)
    assert (queue.ahead(second), queue.ahead(third)) == (0, 1)


def test_a_ticket_leaves_even_when_its_reply_fails():
    queue = ReplyQueue()
    with pytest.raises(RuntimeError), queue.place():
        raise RuntimeError("the model server hung up")
    assert len(queue) == 0


def test_leaving_twice_is_harmless():
    queue = ReplyQueue()
    ticket = queue.join()
    queue.leave(ticket)
    queue.leave(ticket)
    assert len(queue) == 0


def test_tickets_taken_from_many_threads_are_all_distinct_and_all_counted():
    queue = ReplyQueue()
    taken: list[int] = []
    threads = [threading.Thread(target=lambda: taken.append(queue.join())) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(taken)) == 50
    assert sorted(queue.ahead(t) for t in taken) == list(range(50))


@pytest.mark.parametrize(
    ("ahead", "note"),
    [
        (0, None),
        (1, "Waiting: 1 reply ahead of yours. The model answers one request at a time."),
        (2, "Waiting: 2 replies ahead of yours. The model answers one request at a time."),
    ],
)
def test_the_waiting_note_says_how_many_replies_are_ahead(ahead, note):
    assert waiting_note(ahead) == note
