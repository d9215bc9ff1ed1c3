"""The local server (make serve, the browser tests, the benchmark): gzip as hosts send it, and no
traceback when a browser drops a connection mid-transfer (a closed page, an aborted fetch)."""

from __future__ import annotations

import gzip
import socket
import struct
import sys
import time
from pathlib import Path
from urllib.request import Request, urlopen

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from serve import start  # noqa: E402


def test_text_is_sent_gzipped_and_a_dropped_connection_prints_nothing(tmp_path, capfd):
    (tmp_path / "page.html").write_text("<p>calcium</p>" * 1000)
    (tmp_path / "big.woff2").write_bytes(bytes(range(256)) * 40_000)  # 10 MB, sent as is
    server = start(tmp_path)
    port = server.server_address[1]
    try:
        with urlopen(Request(f"http://127.0.0.1:{port}/page.html", headers={"Accept-Encoding": "gzip"})) as r:
            assert r.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(r.read()).decode() == "<p>calcium</p>" * 1000
        for _ in range(3):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /big.woff2 HTTP/1.1\r\nHost: x\r\n\r\n")
            s.recv(100)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset
            s.close()
        time.sleep(0.5)
    finally:
        server.shutdown()
    assert "Traceback" not in capfd.readouterr().err
