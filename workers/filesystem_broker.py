"""kombu's filesystem transport with atomic publishing: the embedded set-up's broker.

kombu (5.7) writes a message file in place (create, lock, write) while a consuming worker moves
and reads files without taking the lock. A worker that lists the folder between the create and
the write reads an empty file, fails to decode it and exits; ``make run`` then stops. With
Celery beat sending the session sweep every few seconds this happened within minutes. Here a
message is written under a name the consumer never picks up, then renamed into place
(``os.replace`` is atomic on one filesystem), so a consumer sees a whole message or none.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # A leading dot: the consumer matches "<anything>.<queue>.msg" after the first dot only.
        partial = os.path.join(self.data_folder_out, f".{uuid.uuid4()}.part")
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
