"""An aiosmtpd handler for the SMTP tests: it saves every message exactly as received.

Each message becomes <random>.eml (the raw DATA bytes) next to <random>.json (the envelope). The JSON is
written first and the .eml appears by rename, so a reader that sees the .eml sees a complete pair.
Recipients in the domain refused.example are refused with 550, so tests can check permanent failures.

Run: PYTHONPATH=<this folder> /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c save_handler.Save <folder>
"""

import json
import pathlib
import uuid


class Save:
    def __init__(self, folder):
        self.folder = pathlib.Path(folder)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("save_handler.Save needs one argument: the folder to save messages in")
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().endswith("@refused.example"):
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = uuid.uuid4().hex
        envelope_file = self.folder / (name + ".json")
        envelope_file.write_text(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos}))
        temporary = self.folder / (name + ".tmp")
        temporary.write_bytes(envelope.original_content)
        temporary.rename(self.folder / (name + ".eml"))
        return "250 OK"
