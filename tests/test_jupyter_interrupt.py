"""Ctrl-C in Jupyter: interrupt_kernel() lands as KeyboardInterrupt within 0.25 s
while a call blocks in the C core, and the kernel's client stays usable."""

from __future__ import annotations

import json
import os
import time

from jupyter_client.manager import KernelManager

from keys import fake_key
from rawserver import RawServer, http_response

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEY = fake_key("jbe_test_JupyterKey0123456789abcd")
OK = json.dumps({"jobs": [], "total": 4, "page": 1, "page_size": 25, "total_pages": 1,
                 "facets": {}}).encode()


def _shell_reply(kc, msg_id: str, timeout: float) -> dict:
    """The shell reply to msg_id, skipping replies to other requests (wait_for_ready
    may have sent more than one kernel_info request, whose late replies queue up)."""
    deadline = time.monotonic() + timeout
    while True:
        reply = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def _run(kc, code: str, timeout: float = 30) -> dict:
    """Execute code; return {'status', 'ename', 'stdout'} from the kernel's replies."""
    msg_id = kc.execute(code)
    out, reply = [], None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    reply = _shell_reply(kc, msg_id, timeout)
    return {"status": reply["content"]["status"], "ename": reply["content"].get("ename"),
            "stdout": "".join(out)}


def test_interrupt_kernel_during_a_blocking_call():
    with RawServer(lambda r: None) as stuck, RawServer(
        lambda r: http_response(200, {"Content-Type": "application/json"}, OK)
    ) as ok:
        km = KernelManager(kernel_name="python3")
        km.start_kernel(env=dict(os.environ, PYTHONPATH=ROOT))
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            setup = _run(kc, (
                "import time\n"
                "from jobo_enterprise import JoboClient\n"
                f"c = JoboClient({KEY!r}, base_url={stuck.base_url!r}, ca_bundle={ok.ca_cert!r},"
                " timeout=60, max_retries=0)\n"
                f"ok = JoboClient({KEY!r}, base_url={ok.base_url!r}, ca_bundle={ok.ca_cert!r})\n"
                "caught = None\n"
                "print('ready')\n"
            ))
            assert setup["status"] == "ok", setup
            msg_id = kc.execute(
                "try:\n"
                "    c.jobs.search('x')\n"
                "except KeyboardInterrupt:\n"
                "    caught = time.monotonic()\n"
                "    raise\n",
                stop_on_error=False,  # don't abort the requests queued after this one
            )
            deadline = time.monotonic() + 10
            while stuck.connections == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(0.5)  # now waiting for headers inside the C core
            sent = time.monotonic()
            km.interrupt_kernel()
            reply = _shell_reply(kc, msg_id, 20)
            assert reply["content"]["status"] == "error"
            assert reply["content"]["ename"] == "KeyboardInterrupt"
            check = kc.execute("total = ok.jobs.search('y').total",
                               user_expressions={"caught": "repr(caught)",
                                                 "total": "repr(total)"})
            after = _shell_reply(kc, check, 30)["content"]
            assert after["status"] == "ok", after
            values = {k: v["data"]["text/plain"] for k, v in after["user_expressions"].items()}
            caught = float(values["caught"].strip("'"))
            assert caught - sent < 0.25
            assert values["total"].strip("'") == "4"
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
