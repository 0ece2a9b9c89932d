# gevent's StreamServer echo, the peer in bench/echo_compare.sh. Usage: python3 echo_gevent.py [port]
import sys

from gevent.server import StreamServer


def echo(sock, _address):
    while True:
        data = sock.recv(4096)
        if not data:
            break
        sock.sendall(data)


port = int(sys.argv[1]) if len(sys.argv) > 1 else 7002
server = StreamServer(("127.0.0.1", port), echo, backlog=1024)
print("listening on 127.0.0.1:%d" % port, flush=True)
server.serve_forever()
