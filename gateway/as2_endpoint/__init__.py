"""The gateway's AS2 endpoint logic, under the HTTP route (:mod:`gateway.api.routes.as2`).

- :mod:`.parties`: AS2-From/AS2-To → the partner's ``as2`` channel, keys loaded;
- :mod:`.messages`: an inbound message → intake (durable) → the MDN to answer;
- :mod:`.receipts`: asynchronous MDNs, received for our messages and owed for theirs.
"""

from gateway.as2_endpoint.messages import Reception, receive_message
from gateway.as2_endpoint.parties import As2Directory, As2Peer
from gateway.as2_endpoint.receipts import MdnReception, deliver_owed_mdn, receive_mdn

__all__ = [
    "As2Directory",
    "As2Peer",
    "MdnReception",
    "Reception",
    "deliver_owed_mdn",
    "receive_mdn",
    "receive_message",
]
