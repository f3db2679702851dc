"""gunicorn's settings for every way this project starts it (docker-compose.yml, the Dockerfile, `make
bench-scale`, `make surge`, `make cluster-test`): gunicorn reads `./gunicorn.conf.py` from the directory it starts
in, and each of them also names this file with `--config`. Options on the command line (bind, workers) win
over anything here.
"""


def post_request(worker, req, environ, resp):
    """After each response has been sent: the garbage collector's work for that request, while no one waits
    (csp/worker_gc.py). The sync and gthread workers call this once the response is written."""
    from csp.worker_gc import collect_between_requests

    collect_between_requests()
