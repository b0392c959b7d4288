"""The Celery worker's consumer (CELERY_WORKER_CONSUMER), which survives losing Redis while it holds unacknowledged
messages. Imported by the worker only: the web never loads celery.worker.

Why (celery 5.7.0, kombu 5.7.0, redis-py 8.1.0): when the broker connection breaks, the consumer first calls
`connection.collect()`, which closes the channel and then detaches the transport (`transport.client = None`).
With Redis gone, the channel's close fails half way (draining its pending BRPOP raises a connection error, which
kombu ignores), so the channel stays open with its unacknowledged messages (webhook retries waiting for their
countdown: acks_late). Celery 5.7.0 then also calls `connection.close()` (added for its issue #9705), which
closes that channel again; this time it tries to hand the messages back to Redis through the detached transport
and raises AttributeError ("'NoneType' object has no attribute 'hostname'"). `kombu.common.ignore_errors` lets
only connection and channel errors pass, so the AttributeError stops the worker, its embedded beat with it.

No setting avoids this path: `broker_connection_retry` is on already and the exit happens on the retry path, and
`worker_cancel_long_running_tasks_on_connection_loss` runs after the close. Celery 5.6.3 has no such close but
blocks on the dead socket instead (#9705), and 5.7.0 is the newest release. So the close of the abandoned
connection tolerates that one error. Nothing is lost by it: Redis is unreachable at that moment, so the messages
could not be handed back anyway. If Redis kept them, they wait in its unacked set and come back after the
visibility timeout; if it restarted empty, they are gone, and what they were for is recovered by its own sweep
(webhooks.sweep) or timeout (reports).

tests/project/test_worker_broker_restart.py restarts Redis under a real worker process. When a Celery or kombu
upgrade makes it pass without CELERY_WORKER_CONSUMER, this module can go.
"""

import logging
from functools import partial

from celery.worker.consumer import Consumer as CeleryConsumer
from kombu import Connection

logger = logging.getLogger(__name__)


class Consumer(CeleryConsumer):
    def on_connection_error_after_connected(self, exc: Exception) -> None:
        if self.connection is not None:
            # Celery closes the connection through this attribute (`ignore_errors(connection, connection.close)`).
            self.connection.close = partial(close_abandoned, self.connection)  # type: ignore[method-assign]
        super().on_connection_error_after_connected(exc)


def close_abandoned(connection: Connection) -> None:
    """Close a broker connection that `collect()` already detached, tolerating the half-closed channel's failure to
    hand its unacknowledged messages back (see the module's docstring)."""
    try:
        type(connection).close(connection)
    except AttributeError as error:
        logger.warning(
            "Left the lost broker connection's unacknowledged messages to Redis (%r): they come back after the "
            "visibility timeout if Redis kept them.",
            error,
        )
