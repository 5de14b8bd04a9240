"""Change feeds: in-process for the embedded setup, Redis pub/sub across processes."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import msgspec
import redis

from application.changes import ChangeBatch, Listener

log = logging.getLogger(__name__)
_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(ChangeBatch).decode


class _Listeners:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def add(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def stop() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return stop

    def deliver(self, batch: ChangeBatch) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(batch)
            except Exception:
                log.exception("a change listener failed")


class InProcessChangeFeed:
    """Delivers batches to listeners in the same process, synchronously."""

    def __init__(self) -> None:
        self._listeners = _Listeners()

    def publish(self, batch: ChangeBatch) -> None:
        """Hand the batch to every listener."""
        self._listeners.deliver(batch)

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns its remover."""
        return self._listeners.add(listener)

    def close(self) -> None:
        """Nothing to release."""


class RedisChangeFeed:
    """Publishes batches on a Redis channel; one subscriber thread per process fans them out."""

    def __init__(self, url: str, channel: str) -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._channel = channel
        self._listeners = _Listeners()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._lock = threading.Lock()

    def publish(self, batch: ChangeBatch) -> None:
        """PUBLISH the batch; a Redis outage delays screens but never breaks the runner."""
        try:
            self._redis.publish(self._channel, _encode(batch))
        except redis.RedisError:
            log.warning("could not publish a change notice to Redis", exc_info=True)

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Add a listener (starting the subscriber thread on first use)."""
        stop = self._listeners.add(listener)
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._subscribe, name="containr-changes", daemon=True
                )
                self._thread.start()
        self._ready.wait(timeout=5)
        return stop

    def _subscribe(self) -> None:
        while not self._stop.is_set():
            try:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self._channel)
                self._ready.set()
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=0.5)
                    if message is not None and message["type"] == "message":
                        self._listeners.deliver(_decode(message["data"]))
                pubsub.close()
            except redis.RedisError:
                log.warning("lost the Redis change feed; reconnecting", exc_info=True)
                self._stop.wait(1.0)

    def close(self) -> None:
        """Stop the subscriber thread and close the connection pool."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._redis.close()
