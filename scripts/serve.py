"""Serve the built book on 127.0.0.1, compressing text the way static hosts do (gzip).

    python scripts/serve.py [--port 8000] [--dir _build/html]

Used by `make serve`, the browser tests and the benchmark, so that the transfer sizes they
measure are those a student's browser would see from a typical host.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import sys
import threading
from pathlib import Path

COMPRESSIBLE = (".html", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".map", ".ipynb")


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".woff2": "font/woff2",
        ".ipynb": "application/json",
    }

    def log_message(self, format, *args):  # quiet: tests and benchmarks read their own output
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser that drops a connection mid-transfer (a page closed, a fetch aborted) is
        not an error worth a traceback; anything else still prints one."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def start(directory: str | Path, port: int = 0) -> http.server.ThreadingHTTPServer:
    """Start a server in a background thread; ``server.server_address[1]`` is the port."""
    handler = functools.partial(Handler, directory=str(directory))
    server = Server(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--dir", default="_build/html")
    args = parser.parse_args()
    if not Path(args.dir, "index.html").is_file():
        raise SystemExit(f"{args.dir}/index.html not found: build the book first (make build)")
    handler = functools.partial(Handler, directory=args.dir)
    with Server(("127.0.0.1", args.port), handler) as server:
        print(f"Serving {args.dir} at http://127.0.0.1:{args.port}/ (Ctrl-C to stop)")
        server.serve_forever()


if __name__ == "__main__":
    main()
