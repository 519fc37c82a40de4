"""An aiosmtpd handler for the SMTP tests: it saves every message exactly as received.

Each message becomes <random>.eml (the raw DATA bytes) next to <random>.json (the envelope). The JSON is
written first and the .eml appears by rename, so a reader that sees the .eml sees a complete pair.
Recipients in the domain refused.example are refused with 550, so tests can check permanent failures.

Run: PYTHONPATH=<this folder> /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c save_handler.Save <folder>
"""

import base64
import json
import pathlib
import uuid

from aiosmtpd.smtp import AuthResult


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


class SaveWithLogin(Save):
    """Save, and accept AUTH PLAIN for one user name and password (offered after STARTTLS only).

    Run: ... -c save_handler.SaveWithLogin <folder> <user> <password>
    """

    def __init__(self, folder, login, password):
        super().__init__(folder)
        self.login = login.encode()
        self.password = password.encode()

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 3:
            parser.error("save_handler.SaveWithLogin needs three arguments: the folder, a user name and a password")
        return cls(*args)

    async def auth_PLAIN(self, server, args):
        if len(args) == 2:
            response = base64.b64decode(args[1].encode(), validate=True)
        else:
            response = await server.challenge_auth("")
            if not isinstance(response, bytes):
                return AuthResult(success=False, handled=False)
        parts = response.split(b"\0")
        return self.check(parts[1], parts[2]) if len(parts) == 3 else AuthResult(success=False, handled=False)

    async def auth_LOGIN(self, server, args):
        login = base64.b64decode(args[1].encode(), validate=True) if len(args) == 2 else await server.challenge_auth("Username:")
        password = await server.challenge_auth("Password:") if isinstance(login, bytes) else None
        return self.check(login, password) if isinstance(password, bytes) else AuthResult(success=False, handled=False)

    def check(self, login, password):
        accepted = login == self.login and password == self.password
        return AuthResult(success=accepted, handled=False, auth_data=login if accepted else None)
