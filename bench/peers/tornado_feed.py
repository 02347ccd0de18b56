"""The feed contract (DESIGN section 6) on Tornado, the classic comet server: the peer that
bench/load-feed.ts compares the lab 4 solution with. Waiters park on a tornado.locks.Condition,
as Tornado's chat demo does, with the contract's timeout added.

    PORT=9000 python3 bench/peers/tornado_feed.py
"""
import asyncio
import json
import os
from datetime import timedelta

import tornado.locks
import tornado.web

log = []  # JSON text of each message; id n sits at index n - 1
arrived = tornado.locks.Condition()
waiting = 0


def answer(handler, since):
    handler.set_header("content-type", "application/json")
    handler.finish('{"cursor":%d,"messages":[%s]}' % (len(log), ",".join(log[since:])))


class Poll(tornado.web.RequestHandler):
    async def get(self):
        global waiting
        try:
            since = int(self.get_query_argument("since", "0"))
            timeout = float(self.get_query_argument("timeout", "0"))
        except ValueError:
            raise tornado.web.HTTPError(400)
        if since < 0 or since > len(log) or timeout < 0:
            raise tornado.web.HTTPError(400)
        if since == len(log) and timeout > 0:
            waiting += 1
            self.parked = arrived.wait(timeout=timedelta(seconds=timeout))
            try:
                await self.parked
            except asyncio.CancelledError:
                return  # the client went away (on_connection_close)
            finally:
                waiting -= 1
        if since < len(log):
            answer(self, since)
        else:
            self.set_status(204)
            self.finish()

    def on_connection_close(self):
        # As the chat demo does: a departed client must not hold a waiter until its timeout.
        parked = getattr(self, "parked", None)
        if parked is not None:
            parked.cancel()


class Publish(tornado.web.RequestHandler):
    def post(self):
        try:
            data = json.loads(self.request.body)
        except ValueError:
            raise tornado.web.HTTPError(400)
        log.append(json.dumps({"id": len(log) + 1, "data": data}, separators=(",", ":")))
        woken = waiting
        arrived.notify_all()
        self.finish({"id": len(log), "waiters": woken})


class Stats(tornado.web.RequestHandler):
    def get(self):
        self.finish({"waiters": waiting, "last_id": len(log)})


async def main():
    app = tornado.web.Application([(r"/poll", Poll), (r"/publish", Publish), (r"/stats", Stats)])
    app.listen(int(os.environ["PORT"]), address="127.0.0.1")
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
