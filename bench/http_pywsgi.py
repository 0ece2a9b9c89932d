# gevent's pywsgi as the peer of bench/http_compare.sh: GET /json answers the same small JSON document
# as bench_http_server. Access logging off, as the others have none.
#   python3 bench/http_pywsgi.py PORT
import sys

from gevent import pywsgi

BODY = b'{"message":"Hello, World!"}'


def app(environ, start_response):
    if environ["PATH_INFO"] == "/json":
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))])
        return [BODY]
    start_response("404 Not Found", [("Content-Length", "0")])
    return [b""]


pywsgi.WSGIServer(("127.0.0.1", int(sys.argv[1])), app, log=None).serve_forever()
