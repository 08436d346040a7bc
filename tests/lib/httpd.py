#!/usr/bin/env python3
"""A small web server for gloss's URL tests; it listens on 127.0.0.1 only.

    httpd.py DOCROOT PORTFILE [LIFETIME]

serves the files of DOCROOT (read again at every request, so a test can
change a page between two runs) and writes the port it got to PORTFILE.
It exits by itself after LIFETIME seconds (default 120), so a test that
dies never leaves it behind.  Besides the files, these paths:

    /redirect/N/PATH   302 to /redirect/N-1/PATH, and /redirect/1/PATH
                       to /PATH (N redirects in all)
    /loop              302 to itself, for ever
    /elsewhere         302 to a file: URL
    /slow/S/PATH       PATH after S seconds (fractions allowed)
    /gzip/PATH         PATH compressed, with Content-Encoding: gzip
    /type/T/PATH       PATH as media type T ("application~pdf" for
                       application/pdf); "none" sends no Content-Type
    /charset/C/PATH    PATH as text/html; charset=C
    /huge/N            N MiB of HTML in chunks, no Content-Length
    /status/N          an HTML page with status N
"""
import gzip
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xhtml": "application/xhtml+xml",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
    ".png": "image/png",
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    docroot = "."

    def log_message(self, fmt, *args):  # quiet: the test's output is TAP
        pass

    def send_body(self, status, body, ctype, extra=()):
        self.send_response(status)
        if ctype is not None:
            self.send_header("Content-Type", ctype)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, to):
        self.send_body(302, b"<p>moved</p>", "text/html", [("Location", to)])

    def file(self, path):
        full = os.path.normpath(os.path.join(self.docroot, path.lstrip("/")))
        if not full.startswith(os.path.abspath(self.docroot)) or not os.path.isfile(full):
            return None, None
        with open(full, "rb") as f:
            body = f.read()
        return body, TYPES.get(os.path.splitext(full)[1], "application/octet-stream")

    def serve(self, path, ctype=False, extra=(), transform=None):
        body, guessed = self.file(path)
        if body is None:
            self.send_body(404, b"<html><body><h1>Not here</h1></body></html>",
                           "text/html")
            return
        if transform:
            body = transform(body)
        self.send_body(200, body, guessed if ctype is False else ctype, extra)

    def do_GET(self):
        parts = self.path.split("?")[0].split("/")[1:]
        head = parts[0] if parts else ""
        rest = "/" + "/".join(parts[2:]) if len(parts) > 2 else "/"
        if head == "redirect":
            n = int(parts[1])
            self.redirect(("/redirect/%d%s" % (n - 1, rest)) if n > 1 else rest)
        elif head == "loop":
            self.redirect("/loop")
        elif head == "elsewhere":
            self.redirect("file:///etc/passwd")
        elif head == "slow":
            time.sleep(float(parts[1]))
            self.serve(rest)
        elif head == "gzip":
            self.serve("/" + "/".join(parts[1:]), extra=[("Content-Encoding", "gzip")],
                       transform=gzip.compress)
        elif head == "type":
            t = parts[1].replace("~", "/")
            self.serve(rest, ctype=None if t == "none" else t)
        elif head == "charset":
            self.serve(rest, ctype="text/html; charset=" + parts[1])
        elif head == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"<p>" + b"filler text " * 8000 + b"</p>\n"
            total = int(parts[1]) * 1024 * 1024
            sent = 0
            try:
                while sent < total:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += len(chunk)
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif head == "status":
            code = int(parts[1])
            self.send_body(code, b"<html><body><p>status page</p></body></html>",
                           "text/html")
        else:
            self.serve(self.path.split("?")[0])

    do_HEAD = do_GET


def main():
    Handler.docroot = os.path.abspath(sys.argv[1])
    lifetime = float(sys.argv[3]) if len(sys.argv) > 3 else 120.0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, sys.argv[2])
    threading.Timer(lifetime, lambda: os._exit(0)).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
