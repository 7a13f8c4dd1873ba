"""``hub serve``: the seed page in the browser (``hubcli.web``).

starlette, jinja2 and uvicorn are imported here only, inside the command: no other
command pays for them.
"""

import socket
import threading
from typing import Annotated

import typer

from hubcli.cli.context import OUT, STATE, t
from hubcli.errors import UsageError

HostOption = Annotated[str, typer.Option("--host", help="opt_serve_host", metavar="HOST")]
PortOption = Annotated[int, typer.Option("--port", help="opt_serve_port", metavar="N")]
OpenOption = Annotated[bool, typer.Option("--open", help="opt_serve_open")]
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def listen(host: str, port: int) -> socket.socket:
    """The listening socket (bound here, so port 0 gives a real port and a busy port is
    one clear line before anything starts)."""
    from hubcli.errors import HubError

    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _name, address = infos[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6 and host in ("::", ""):
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        raise HubError("serve_port_busy", host=host, port=port, reason=exc.strerror or str(exc)) from exc
    sock.set_inheritable(True)
    return sock


def page_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def serve_command(host: HostOption = "127.0.0.1", port: PortOption = 8765, open_: OpenOption = False) -> None:
    if not 0 <= port <= 65535:
        raise UsageError("serve_bad_port")
    host = host.strip()
    settings = STATE.settings()
    sock = listen(host, port)
    port = sock.getsockname()[1]
    import uvicorn

    from hubcli.web.app import create_app, warm_features

    app = create_app(settings, host=host, port=port)
    warm_features(settings)
    if host not in LOOPBACK:
        OUT.warn(t("serve_exposed", host=host))
    url = page_url(host, port)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", server_header=False)
    server = uvicorn.Server(config)
    if open_:
        threading.Thread(target=_open_when_up, args=(server, url), daemon=True).start()
    OUT.data(url + "\n")
    OUT.info(t("serve_listening", url=url))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it handled, after a clean shutdown
        pass
    finally:
        sock.close()
    OUT.info(t("serve_stopped"))


def _open_when_up(server: object, url: str) -> None:
    import time
    import webbrowser

    for _ in range(200):
        if getattr(server, "started", False):
            break
        time.sleep(0.05)
    webbrowser.open(url)


def register(app: typer.Typer) -> None:
    app.command("serve", help="cmd_serve")(serve_command)
