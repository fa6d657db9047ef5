"""A real SMTP server (aiosmtpd's SMTP protocol) for the e-mail tests.

It listens on 127.0.0.1 on a port the system picks and prints "PORT n",
then one JSON line per message it accepted. Its behaviour is chosen by
flags, so that one real server gives every case the tests need:

  --tlscert/--tlskey   offer STARTTLS with this certificate
  --smtps              speak TLS from the first byte instead
  --auth USER:PASS     require AUTH with these credentials
  --refuse-rcpt ADDR   answer 550 to RCPT TO:<ADDR> (repeatable)
  --tempfail N         answer 451 to the first N DATA commands
  --drop N             close the connection after receiving the first N
                       messages, before answering them
  --stall              never answer DATA (the client times out)
  --reject-data        answer 554 to every DATA
"""
import argparse
import asyncio
import json
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

state = {"datas": 0}


class Handler:
    def __init__(self, args):
        self.args = args

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.args.refuse_rcpt:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        state["datas"] += 1
        n = state["datas"]
        if self.args.stall:
            await asyncio.sleep(3600)
        if self.args.reject_data:
            return "554 5.7.1 Message refused"
        if n <= self.args.tempfail:
            return "451 4.3.0 Try again later"
        if n <= self.args.drop:
            server.transport.close()
            return "421 closing"  # never reaches the client
        tls = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        rec = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.content.decode("utf-8", "replace"),
            "tls": tls,
            "auth": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else "",
        }
        print(json.dumps(rec), flush=True)
        return "250 2.0.0 Message accepted for delivery"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tlscert")
    p.add_argument("--tlskey")
    p.add_argument("--smtps", action="store_true")
    p.add_argument("--auth")
    p.add_argument("--refuse-rcpt", action="append", default=[])
    p.add_argument("--tempfail", type=int, default=0)
    p.add_argument("--drop", type=int, default=0)
    p.add_argument("--stall", action="store_true")
    p.add_argument("--reject-data", action="store_true")
    args = p.parse_args()
    args.refuse_rcpt = [a.lower() for a in args.refuse_rcpt]

    ctx = None
    if args.tlscert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.tlscert, args.tlskey)

    def authenticator(server, session, envelope, mechanism, auth_data):
        user, password = args.auth.split(":", 1)
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
            and auth_data.password.decode() == password
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def factory():
        kw = dict(hostname="smtp.test", loop=loop)
        if ctx is not None and not args.smtps:
            kw.update(tls_context=ctx, require_starttls=True)
        if args.auth:
            kw.update(authenticator=authenticator, auth_required=True, auth_require_tls=not args.smtps)
        return SMTP(Handler(args), **kw)

    server = loop.run_until_complete(
        loop.create_server(factory, "127.0.0.1", 0, ssl=ctx if args.smtps else None))
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
