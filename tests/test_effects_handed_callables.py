"""A function does what it does whoever calls it. Code a job hands to a library that calls it
(a timer, a thread or process target, functools.partial, atexit, sched, an executor or event
loop, APScheduler, a signal handler), runs through a decorator, or leaves to Python itself
(__del__, __exit__ of an object it makes) is called: what it destroys is what the job
destroys, not "a function nothing calls". And code a job runs that is the content of a file
the agent did not capture (it did not exist yet) is code nobody has seen, never an empty
program."""

from __future__ import annotations

import pytest

from lineguard.collector.analyse.destructive import judge
from tests.test_rules import NOW, _fire, _script_job

LINEDATA = "/srv/ems/linedata"
PY = "#!/usr/bin/python3\n"

HANDED = {
    "threading.Timer with args": "import threading, shutil\n"
    f"threading.Timer(3600, shutil.rmtree, args=['{LINEDATA}']).start()",
    "Timer with a positional argument list": "from threading import Timer\nimport shutil\n"
    f"Timer(60.0, shutil.rmtree, ['{LINEDATA}']).start()",
    "a Thread target of its own": "import threading, shutil\ndef wipe(p):\n    shutil.rmtree(p)\n"
    f"threading.Thread(target=wipe, args=('{LINEDATA}',)).start()",
    "a Process target": "import multiprocessing, shutil\n"
    f"multiprocessing.Process(target=shutil.rmtree, args=('{LINEDATA}',)).start()",
    "functools.partial called later": "import functools, shutil\n"
    f"f = functools.partial(shutil.rmtree, '{LINEDATA}')\nf()",
    "atexit.register": f"import atexit, shutil\natexit.register(shutil.rmtree, '{LINEDATA}')",
    "an atexit decorator": "import atexit, shutil\n@atexit.register\ndef bye():\n"
    f"    shutil.rmtree('{LINEDATA}')",
    "sched.enter": "import sched, time, shutil\ns = sched.scheduler(time.time, time.sleep)\n"
    f"s.enter(86400 * 70, 1, shutil.rmtree, argument=('{LINEDATA}',))\ns.run()",
    "an executor": "import concurrent.futures as cf, shutil\nwith cf.ThreadPoolExecutor() as ex:\n"
    f"    ex.submit(shutil.rmtree, '{LINEDATA}')",
    "an event loop's call_later": "import asyncio, shutil\nloop = asyncio.new_event_loop()\n"
    f"loop.call_later(3600, shutil.rmtree, '{LINEDATA}')\nloop.run_forever()",
    "APScheduler add_job": "from apscheduler.schedulers.blocking import BlockingScheduler\n"
    "import shutil\ns = BlockingScheduler()\n"
    f"s.add_job(shutil.rmtree, 'date', run_date='2027-02-10', args=['{LINEDATA}'])\ns.start()",
    "a signal handler of its own": "import signal, shutil, time\ndef h(sig, frame):\n"
    f"    shutil.rmtree('{LINEDATA}')\nsignal.signal(signal.SIGALRM, h)\nsignal.alarm(3600)\n"
    "time.sleep(4000)",
    "a decorator of its own that calls it": "import shutil\ndef run(f):\n    f()\n    return f\n"
    f"@run\ndef go():\n    shutil.rmtree('{LINEDATA}')",
    "__del__ of an object it makes": "import shutil\nclass X:\n    def __del__(self):\n"
    f"        shutil.rmtree('{LINEDATA}')\nx = X()",
    "__exit__ of a context manager": "import shutil\nclass C:\n    def __enter__(self):\n"
    "        return self\n    def __exit__(self, *a):\n"
    f"        shutil.rmtree('{LINEDATA}')\nwith C():\n    pass",
    "a lambda called at once": f"import os\n(lambda p: os.system('rm -rf ' + p))('{LINEDATA}')",
    "a lambda handed to a timer": "import threading, shutil\n"
    f"threading.Timer(10, lambda: shutil.rmtree('{LINEDATA}')).start()",
    "a library function kept in a name": f"import shutil\nf = shutil.rmtree\nf('{LINEDATA}')",
}


@pytest.mark.parametrize("body", HANDED.values(), ids=HANDED.keys())
def test_a_function_handed_over_is_judged_as_called(body: str):
    job, files = _script_job(PY + body + "\n")
    j = judge(job, files, _fire(), NOW)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any(LINEDATA in r.title for r in j.reasons)


def test_a_perl_signal_handler_is_called():
    job, files = _script_job("#!/usr/bin/perl\n$SIG{ALRM} = sub { system('rm -rf "
                             f"{LINEDATA}') }};\nalarm 3600;\nsleep 4000;\n")
    j = judge(job, files, _fire(), NOW)
    assert j.verdict == "destructive", [r.title for r in j.reasons]


def test_a_function_nothing_calls_or_hands_over_is_still_only_suspicious():
    job, files = _script_job(PY + f"import shutil\ndef never():\n    shutil.rmtree('{LINEDATA}')\n"
                             "print(callable(never))\n")
    j = judge(job, files, _fire(), NOW)
    assert j.verdict == "suspicious", [r.title for r in j.reasons]


def test_benign_callbacks_stay_benign():
    body = ("import threading, atexit, os, logging\n"
            "def heartbeat():\n    logging.info('alive')\n"
            "threading.Timer(60, heartbeat).start()\n"
            "atexit.register(logging.shutdown)\n"
            "for name in sorted(os.listdir('/var/log/ems'), key=len):\n    print(name)\n")
    job, files = _script_job(PY + body)
    j = judge(job, files, _fire(), NOW)
    assert j.verdict == "benign", [r.title for r in j.reasons]


UNSEEN = {
    "sh -c of a file's content": ("#!/bin/sh\n", 'sh -c "$(cat /opt/ems/cmd.txt)"'),
    "eval of a file's content": ("#!/bin/sh\n", 'eval "$(cat /opt/ems/cmd.txt)"'),
    "eval of $(< file)": ("#!/bin/bash\n", 'eval "$(< /opt/ems/cmd.txt)"'),
    "a command line read from a file": ("#!/bin/sh\n", "X=$(cat /opt/ems/cmd.txt)\n$X"),
    "os.system of a file's content": (PY, "import os\nos.system(open('/opt/ems/cmd.txt').read())"),
    "subprocess shell=True of a file's content": (
        PY, "import subprocess\nsubprocess.run(open('/opt/ems/cmd.txt').read(), shell=True)"),
    "exec of a file's content": (PY, "exec(open('/opt/ems/x.py').read())"),
}


@pytest.mark.parametrize(("head", "body"), UNSEEN.values(), ids=UNSEEN.keys())
def test_code_that_is_an_uncaptured_files_content_is_unseen_code_naming_the_file(head, body):
    job, files = _script_job(head + body + "\n")
    j = judge(job, files, _fire(), NOW)
    assert j.verdict in ("suspicious", "destructive"), [r.title for r in j.reasons]
    assert any("/opt/ems/" in r.title and "not captured" in r.title for r in j.reasons), \
        [r.title for r in j.reasons]


def test_the_same_file_captured_is_judged_by_its_content():
    job, files = _script_job("#!/bin/sh\neval \"$(cat /opt/ems/cmd.txt)\"\n",
                             extra={"opt/ems/cmd.txt": f"rm -rf {LINEDATA}\n"})
    j = judge(job, files, _fire(), NOW)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    job, files = _script_job("#!/bin/sh\neval \"$(cat /opt/ems/cmd.txt)\"\n",
                             extra={"opt/ems/cmd.txt": "logger nightly run\n"})
    assert judge(job, files, _fire(), NOW).verdict == "benign"



LIBRARY_CLASSES = {
    "Thread.run": "import threading, shutil\nclass J(threading.Thread):\n    def run(self):\n"
                  f"        shutil.rmtree('{LINEDATA}')\nJ().start()",
    "a socketserver handler": "import socketserver, shutil\n"
                              "class H(socketserver.BaseRequestHandler):\n    def handle(self):\n"
                              f"        shutil.rmtree('{LINEDATA}')\n"
                              "socketserver.TCPServer(('', 9999), H).serve_forever()",
}


@pytest.mark.parametrize("body", LIBRARY_CLASSES.values(), ids=LIBRARY_CLASSES.keys())
def test_methods_of_a_class_extending_a_library_class_are_called_by_the_library(body):
    job, files = _script_job(PY + body + "\n")
    j = judge(job, files, _fire(), NOW)
    assert j.verdict == "destructive", [r.title for r in j.reasons]


def test_a_method_of_a_plain_class_nothing_calls_is_still_only_suspicious():
    job, files = _script_job(PY + "import shutil\nclass J:\n    def run(self):\n"
                             f"        shutil.rmtree('{LINEDATA}')\nJ()\n")
    assert judge(job, files, _fire(), NOW).verdict == "suspicious"
