"""Re-read one exchange with pyas2lib alone: the message as its receiver, then the receiver's MDN.

django-pyas2 stores no MIC for its outbound messages, so the MDNs it reads are never
MIC-checked (``Message.as2message`` hands pyas2lib ``mic=None``). This script closes
that gap for the tests: it parses the raw AS2 request as the receiving organisation
would (decrypt, verify, MIC), then parses the MDN that receiver returned against it,
where pyas2lib does compare the Received-Content-MIC. Run with the peer venv's python::

    python pyas2lib_check.py check.json

``check.json``: {"message": path (HTTP headers + CRLF + body), "mdn": path (same form),
"receiver": {"as2_name", "key_file" (PEM key + certificate), "cert_file"},
"sender": {"as2_name", "cert_file"}}. Prints JSON: status, detailed_status and mic of the
message; status and detailed_status of the MDN.
"""

import json
import sys
from pathlib import Path

from pyas2lib import Mdn, Message, Organization, Partner


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text())
    receiver = Organization(
        as2_name=config["receiver"]["as2_name"],
        sign_key=Path(config["receiver"]["key_file"]).read_bytes(),
        sign_key_pass="",
        decrypt_key=Path(config["receiver"]["key_file"]).read_bytes(),
        decrypt_key_pass="",
    )
    sender = Partner(
        as2_name=config["sender"]["as2_name"],
        verify_cert=Path(config["sender"]["cert_file"]).read_bytes(),
        validate_certs=False,
    )
    message = Message()
    status, (exception, detail), _ = message.parse(
        Path(config["message"]).read_bytes(),
        find_org_cb=lambda name: receiver if name == receiver.as2_name else None,
        find_partner_cb=lambda name: sender if name == sender.as2_name else None,
    )
    out = {
        "status": status,
        "detailed_status": detail or (str(exception) if exception else None),
        "mic": message.mic.decode() if message.mic else None,
    }
    if config.get("mdn"):
        # The sender's view: its message, with the MIC computed above, against the MDN; pyas2lib
        # verifies the MDN with the original receiver's certificate and requires it signed.
        message.receiver = Partner(
            as2_name=receiver.as2_name,
            verify_cert=Path(config["receiver"]["cert_file"]).read_bytes(),
            validate_certs=False,
            mdn_mode="SYNC",
            mdn_digest_alg="sha256",
        )
        mdn_status, mdn_detail = Mdn().parse(Path(config["mdn"]).read_bytes(), lambda _id, _to: message)
        out.update(mdn_status=mdn_status, mdn_detailed_status=mdn_detail)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
