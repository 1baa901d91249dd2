"""One way to check that a call releases the GIL, shared by the tests of every long-running call.

While `call` runs in a worker thread, the main thread counts loop iterations. The switch interval is set
to one second, so a call that held the GIL would keep it to its end and the count would stay near 0
(measured: a C loop holding the GIL lets it count 0; with the default 5 ms interval it gets one slice,
about 25,000, at the hand-over). No timing threshold: a busy machine slows both threads alike."""
import sys
import threading


def progress_while(call) -> int:
    """Loop iterations the main thread made while `call()` ran in another thread."""
    started, done = threading.Event(), threading.Event()
    failure = []

    def run():
        started.set()  # from here to the call's return the worker holds the GIL unless koc releases it
        try:
            call()
        except BaseException as e:  # noqa: BLE001 - re-raised in the main thread below
            failure.append(e)
        done.set()

    progress = 0
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1.0)
    try:
        worker = threading.Thread(target=run)
        worker.start()
        started.wait()
        while not done.is_set():
            progress += 1
        worker.join()
    finally:
        sys.setswitchinterval(previous)
    if failure:
        raise failure[0]
    return progress
