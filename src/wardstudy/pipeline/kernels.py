"""Ward kernels forked from a template that has already imported the libraries.

A fresh ``python -m ipykernel_launcher`` pays every import again (pandas, matplotlib,
seaborn, scipy, statsmodels, IPython, the package: about 2 CPU-seconds a page). Here each
worker process starts one *template* process with the kernel's own interpreter and flags,
which imports `PRELOAD` and then only waits; each ward's kernel is a ``fork()`` of it, so
it starts with those modules in memory and runs ``ipykernel`` as ``ipykernel_launcher``
would. The template runs no ward code and is never changed by a kernel (a fork is a copy),
so every ward still gets a process of its own that no earlier ward has touched.

The hook is jupyter_client's *kernel provisioner*, the part that starts a kernel process:
`ForkingProvisioner` is the `LocalProvisioner` with `launch_kernel` asking the template for
a fork instead of ``Popen``; `ForkingKernelManager` uses it, and papermill takes it as
``kernel_manager_class``. Everything else (ports, connection file, heartbeat, interrupt,
shutdown) is jupyter_client's as usual.

Falls back to the plain start, with the same kernel, whenever forking is not possible: not
Linux, a kernel spec that is not ``python ... -m ipykernel_launcher -f {connection_file}``,
``WARDSTUDY_FORK_KERNELS=0``, or a template that failed to start or died.

Processes: the worker -> its template (killed with the worker, ``PR_SET_PDEATHSIG``) ->
the kernels (each killed with the template, and ipykernel's parent poller watches it),
so ``kill -9`` of a run still leaves nothing behind.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

__all__ = ["PRELOAD", "ForkingKernelManager", "ForkingProvisioner", "draw_once", "fork_command", "template", "serve"]

# What the template imports: what the ward notebook's cells import, and the kernel itself.
# Importing runs no ward code (no data is read; `open_ward` is where a ward begins). Not the
# methods (`wardstudy.evaluate`, statsmodels): a page reads its impact results from the build,
# computed before the workers start (1 s of each template's start; a page that must compute
# them imports them itself).
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "IPython.display", "matplotlib_inline.backend_inline",
           "numpy", "pandas", "matplotlib", "matplotlib.figure", "seaborn", "scipy.stats",
           "wardstudy.pipeline", "wardstudy.indicators.registry", "wardstudy.report.pages",
           "wardstudy.report.plots", "wardstudy.report.ward_page",
           # What opening a ward imports on first use: the build and its parquet reader.
           "wardstudy.pipeline.ward", "pyarrow.parquet", "pyarrow.pandas_compat", "pyarrow.dataset",
           "packaging.requirements")
# Seconds the template may take to import `PRELOAD` before the plain start is used instead.
TEMPLATE_START_TIMEOUT = 120.0
_LAUNCHER = ["-m", "ipykernel_launcher"]
_MPLBACKEND = "module://matplotlib_inline.backend_inline"  # what ipykernel sets before any cell runs


def fork_command(kernel_cmd: list[str]) -> list[str] | None:
    """The template's command for a kernel command, or None when it cannot be forked.

    Only ``<python> [flags] -m ipykernel_launcher -f <file>`` is forked: the template is
    started with the same interpreter and flags, so a forked kernel runs where a started one
    would.

    >>> fork_command(["/v/bin/python", "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "k.json"])
    ['/v/bin/python', '-Xfrozen_modules=off', '-m', 'wardstudy.pipeline.kernels']
    >>> fork_command(["/usr/bin/R", "--slave", "-e", "IRkernel::main()", "--args", "k.json"]) is None
    True
    """
    if not sys.platform.startswith("linux") or os.environ.get("WARDSTUDY_FORK_KERNELS", "1") == "0":
        return None
    for i in range(1, len(kernel_cmd) - 1):
        if kernel_cmd[i:i + 2] == _LAUNCHER and "python" in Path(kernel_cmd[0]).name:
            return kernel_cmd[:i] + ["-m", "wardstudy.pipeline.kernels"]
    return None


class TemplateError(RuntimeError):
    """The template could not start or fork: the caller starts the kernel plainly."""


class _Template:
    """The worker's side of one template process: start it, ask it for kernels."""

    def __init__(self, command: list[str]):
        here, there = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.command = command
        self.sock = here
        # Its stderr is the worker's: an import that fails is shown where the run shows errors.
        # Its own output goes nowhere: a template that cannot start means the plain start, whose
        # kernel then shows the same error in the ward's message.
        self.process = subprocess.Popen(command + [str(there.fileno())], pass_fds=[there.fileno()],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        there.close()
        self.lock = threading.Lock()
        self.ready = False
        self.failed = False  # it never became ready: this process starts its kernels plainly

    def _wait_ready(self) -> None:
        self.sock.settimeout(TEMPLATE_START_TIMEOUT)
        try:
            reply = self.sock.recv(4096)
        except OSError as err:
            reply = str(err).encode()
        finally:
            self.sock.settimeout(None)
        if reply != b"ready\n":
            self.failed = True
            self.process.kill()
            raise TemplateError(f"the kernel template did not start ({reply!r}, exit code {self.process.wait()})")
        self.ready = True

    def alive(self) -> bool:
        return self.process.poll() is None

    def fork(self, argv: list[str], env: dict, cwd: str) -> int:
        """A new kernel process running ``ipykernel`` with `argv` (the launcher's arguments,
        e.g. ``-f <connection file>``) in `cwd` with `env`, its stdout and stderr this
        process's current fds 1 and 2. Returns its pid."""
        request = json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode() + b"\n"
        with self.lock:  # one request and its answer at a time on the socket
            if not self.ready:
                self._wait_ready()
            return self._ask(request)

    def _ask(self, request: bytes) -> int:
        try:
            socket.send_fds(self.sock, [request], [1, 2])
            reply = b""
            while not reply.endswith(b"\n"):
                chunk = self.sock.recv(4096)
                if not chunk:
                    raise TemplateError("the kernel template ended")
                reply += chunk
        except OSError as err:
            raise TemplateError(f"the kernel template failed: {err}") from None
        answer = json.loads(reply)
        if "pid" not in answer:
            raise TemplateError(f"the kernel template could not fork: {answer.get('error')}")
        return int(answer["pid"])

    def close(self) -> None:
        self.sock.close()  # the template ends at the end of file
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_templates: dict[tuple, _Template] = {}


def template(kernel_cmd: list[str]) -> _Template | None:
    """This process's template for `kernel_cmd` (started on first use), or None when its
    kernels cannot be forked. Start it early (`warm`) in the thread that will wait for it:
    it is killed when that thread ends (``PR_SET_PDEATHSIG``)."""
    command = fork_command(kernel_cmd)
    if command is None:
        return None
    key = tuple(command)
    current = _templates.get(key)
    if current is not None and current.failed:
        return None
    if current is not None and not current.alive():
        _templates.pop(key).close()
        current = None
    if current is None:
        try:
            current = _templates[key] = _Template(command)
        except OSError:
            return None
    return current


def warm(kernel_name: str, wait: bool = False) -> bool:
    """Start this process's template for `kernel_name` now, so its imports overlap other work
    (wait: until it is ready). True when the kernel can be forked."""
    from jupyter_client.kernelspec import KernelSpecManager

    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except Exception:  # no such kernel: the run reports it for each ward
        return False
    current = template(spec.argv)
    if current is not None and wait and not current.ready:
        try:
            current._wait_ready()
        except TemplateError:
            return False
    return current is not None


@atexit.register
def _close_templates() -> None:
    for current in _templates.values():
        current.close()
    _templates.clear()


class _ForkedKernel:
    """What `LocalProvisioner` needs of a ``Popen`` for a kernel this process did not start.

    The kernel is the template's child, so its exit status cannot be read here: `poll`
    says only whether it still runs (returncode 0 once it has ended). The template ignores
    SIGCHLD, so an ended kernel leaves no zombie and its pid stops existing.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:  # the pid was reused by a process of another user
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkingProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, the kernel forked from a template when possible."""

    forked = False

    async def launch_kernel(self, cmd: list[str], **kwargs):
        current = template(cmd)
        if current is not None:
            i = cmd.index("ipykernel_launcher")
            env = dict(kwargs.get("env") or os.environ)
            cwd = str(kwargs.get("cwd") or os.getcwd())
            try:
                pid = current.fork(cmd[i + 1:], env, cwd)
            except TemplateError:
                pid = None
            if pid is not None:
                self.process = _ForkedKernel(pid)
                self.pid = self.pgid = pid  # the kernel leads its own session, as launch_kernel's would
                self.cwd = cwd
                self.forked = True
                return self.connection_info
        return await super().launch_kernel(cmd, **kwargs)


class ForkingKernelManager(AsyncKernelManager):
    """The kernel manager nbclient uses, with `ForkingProvisioner` as its provisioner."""

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            import uuid

            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ForkingProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


# ---------------------------------------------------------------- the template process

def _launcher_path() -> str:
    import importlib.util

    spec = importlib.util.find_spec("ipykernel_launcher")
    return spec.origin if spec is not None and spec.origin else sys.argv[0]


def _become_kernel(request: dict, fds: list[int], template_pid: int) -> None:
    """In the forked child: become the kernel ``python -m ipykernel_launcher <argv>`` would
    start, then exit (never return to the template's loop)."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel's own subprocesses are waited for
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.setsid()  # its own process group, as jupyter_client's launch_kernel gives it
        from wardstudy.workers import die_with_parent

        die_with_parent(template_pid)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        for fd in [devnull, *fds]:
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ.setdefault("MPLBACKEND", _MPLBACKEND)
        os.environ["JPY_PARENT_PID"] = str(template_pid)
        sys.argv = [_launcher_path()] + list(request["argv"])
        from ipykernel.kernelapp import IPKernelApp

        # ipykernel read JPY_PARENT_PID when the template imported it (unset there): the parent
        # it polls, and whose presence keeps it quiet on the terminal, is given explicitly.
        IPKernelApp.launch_instance(argv=list(request["argv"]) + [f"--IPKernelApp.parent_handle={template_pid}"])
        code = 0
    except SystemExit as end:
        code = end.code if isinstance(end.code, int) else 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def draw_once() -> None:
    """Draw one small made-up figure (no ward's data) and print it to PNG in memory.

    A process's first figure pays for what matplotlib and seaborn do once: opening the font
    files and loading their glyphs (Vietnamese diacritics included), the image encoder's
    plug-ins, the first call of each plotting path. Done in the template, every kernel forked
    from it starts with that done (bench_batch.py's breakdown measures it). Global settings
    (``rcParams``, the seaborn theme) are left as they were: the ward notebook sets its own.
    """
    import io

    import pandas as pd
    import seaborn as sns

    from wardstudy.report.plots import new_figure

    frame = pd.DataFrame({"month": ["T1", "T2", "T1", "T2"], "value": [1.0, 2.0, 3.0, 4.0],
                          "year": ["2022", "2022", "2023", "2023"]})
    fig = new_figure(4.0, 2.0)
    bars, lines = fig.subplots(1, 2)
    sns.barplot(frame, x="month", y="value", hue="year", ax=bars)
    sns.lineplot(frame, x="month", y="value", hue="year", marker="o", errorbar=None, ax=lines)
    bars.set_title("Tội phạm về trật tự xã hội", fontweight="bold")
    bars.annotate("100,0%", (0, 1), xytext=(0, 2), textcoords="offset points", fontsize=9)
    lines.legend(title=None, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
    fig.suptitle("Hồ sơ giải quyết đúng hạn")
    fig.savefig(io.BytesIO(), format="png", dpi=100)


def serve(fd: int) -> None:
    """The template: import `PRELOAD`, say ``ready``, then fork one kernel per request read
    from the socket `fd` until it closes. Started by `_Template` (``python -m
    wardstudy.pipeline.kernels <fd>``)."""
    import gc

    from wardstudy.workers import die_with_parent

    die_with_parent(os.getppid())
    sock = socket.socket(fileno=fd)
    # As ipykernel_launcher: the working folder is not where modules are looked up.
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    os.environ.setdefault("MPLBACKEND", _MPLBACKEND)
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    draw_once()
    gc.collect()
    gc.freeze()  # what was imported stays shared with the kernels (no copy-on-write by the collector)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # ended kernels are reaped by the system
    sock.sendall(b"ready\n")
    buffer, fds = b"", []
    while True:
        try:
            data, more, _flags, _addr = socket.recv_fds(sock, 1 << 20, 2)
        except OSError:
            return
        if not data:
            return
        buffer, fds = buffer + data, fds + more  # the fds come with the request's first bytes
        if not buffer.endswith(b"\n"):
            continue
        request, received, buffer, fds = json.loads(buffer), fds, b"", []
        try:
            pid = os.fork()
        except OSError as err:
            pid = None
            reply = {"error": str(err)}
        if pid == 0:
            sock.close()
            _become_kernel(request, received, os.getppid())
        for fd_ in received:
            os.close(fd_)
        sock.sendall(json.dumps({"pid": pid} if pid else reply).encode() + b"\n")

if __name__ == "__main__":
    serve(int(sys.argv[1]))
