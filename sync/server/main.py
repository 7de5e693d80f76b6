"""`knop-server`: migrate the database, optionally fill it with demo data, and serve.

    knop-server --db PATH_OR_URL [--host 127.0.0.1] [--port 8765] [--workers N]
                [--demo [--demo-code-file FILE]] [--log-file FILE] [--stop-when-stdin-closes]

The database is migrated once here, before any worker starts. Workers are
separate processes (uvicorn's), each building the app from the environment set
here, so the command line is the only configuration a deployment needs.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from sync.server import access_log, accounts, demo_seed, directory, migrations, storage
from sync.server.logs import LOG_FILE_ENV, LOG_LEVEL_ENV, setup_server_logging
from sync.server.storage import DB_ENV

log = logging.getLogger("knop.server")

# `knop demo`'s world: Egeskov Kommune and a small neighbour, a fifth its size (issue 16).
DEMO_ORGANISATIONS = 2
NEIGHBOUR_SHARE = 0.2


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="knop-server", description="The central Knop server.")
    parser.add_argument(
        "--db",
        default=os.environ.get(DB_ENV),
        help=f"SQLite file path, or postgresql://... (default: ${DB_ENV})",
    )
    parser.add_argument(
        "--replica-db",
        default=os.environ.get(storage.REPLICA_ENV),
        help="postgresql://... of a streaming hot standby of --db to serve pulls from; pushes "
        f"always go to --db (default: ${storage.REPLICA_ENV}; none: --db serves everything)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--workers", type=int, default=1, help="worker processes (PostgreSQL: several)"
    )
    parser.add_argument("--demo", action="store_true", help="seed demo data into an empty database")
    parser.add_argument(
        "--demo-code-file", type=Path, help="also write the demo enrolment code here"
    )
    parser.add_argument("--demo-seed", type=int, help="demo data seed (default: the generator's)")
    parser.add_argument("--log-file", type=Path, help="also log to this file (rotate it with logrotate; see DEPLOYMENT.md)")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument(
        "--stop-when-stdin-closes",
        action="store_true",
        help="stop when standard input reaches its end: a parent that starts the server on a pipe "
        "takes it down with itself, however the parent ends (knop demo does)",
    )
    args = parser.parse_args(argv)
    if not args.db:
        parser.error(f"--db is required (or set {DB_ENV})")
    if args.replica_db and not storage.is_postgres_url(str(args.replica_db)):
        parser.error("--replica-db must be a postgresql:// URL (a hot standby of --db)")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    os.environ[DB_ENV] = str(args.db)
    if args.replica_db:
        os.environ[storage.REPLICA_ENV] = str(args.replica_db)
    os.environ[LOG_LEVEL_ENV] = args.log_level
    if args.log_file:
        os.environ[LOG_FILE_ENV] = str(args.log_file.resolve())
    setup_server_logging()
    if args.stop_when_stdin_closes:
        stop_when_stdin_closes()
    if args.workers > 1 and not storage.is_postgres_url(str(args.db)):
        log.warning("several workers on SQLite share one file; writes queue behind each other")

    try:
        access_log.check_settings()  # before anything is served; each worker reads them again
    except access_log.SettingError as error:
        print(f"knop-server: {error}", file=sys.stderr)
        return 1
    db = storage.Database(str(args.db), pool_size=2)
    try:
        migrations.prepare_to_serve(db)
        if args.demo:
            prepare_demo(db, args.demo_seed, args.demo_code_file)
    except (migrations.NewerSchema, directory.DirectoryError, storage.Unavailable) as error:
        print(f"knop-server: {error}", file=sys.stderr)
        return 1
    finally:
        db.close()

    import uvicorn

    log.info("listening on http://%s:%d with %d worker(s)", args.host, args.port, args.workers)
    uvicorn.run(
        "sync.server.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=None,  # our handlers, with the secret redactor, take uvicorn's records too
        access_log=False,  # the app writes its own (sync.server.access_log): push and pull summed up
        # "auto": httptools and uvloop (the server extra) where installed, else h11 and
        # asyncio's loop; the compiled pair costs a push-and-pull round ~2-3 ms less CPU.
        loop="auto",
        http="auto",
        server_header=False,
    )
    return 0


def stop_when_stdin_closes() -> None:
    """Watch standard input on a daemon thread; at its end, stop this server as SIGTERM does.

    The parent holds the pipe's other end and never writes to it. However the
    parent ends (it returns, it is sent SIGTERM, SIGKILL or SIGHUP, its terminal
    is closed), the system closes its end and the read here returns nothing.
    Chosen over Linux's PR_SET_PDEATHSIG because a pipe's end works on every
    system Knop runs on (Windows and macOS have no PDEATHSIG) and fires on the
    death of the parent process, where PDEATHSIG fires when the *thread* that
    started the child ends. SIGTERM lets uvicorn finish its requests and close
    its workers; on Windows `os.kill` with SIGTERM ends the process at once.
    """

    def watch() -> None:
        try:
            while sys.stdin.buffer.read(4096):
                pass  # nobody is meant to write here; whatever comes is dropped
        except (OSError, ValueError):
            pass  # a closed or broken stdin ends the same way
        log.info("standard input closed: the process that started this server has ended; stopping")
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="stdin-watch", daemon=True).start()


def prepare_demo(db: storage.Database, seed: int | None, code_file: Path | None) -> str:
    """Seed an empty database, then print a fresh one-time enrolment code (and save it)."""
    with db.read() as s:
        empty = directory.organisation(s) is None
    if empty:
        log.info("seeding demo data")
        # Egeskov and its small neighbour Bøgeby (issue 16), whose staff see each
        # other's tasks opened to other municipalities.
        data = demo_seed.generate(seed, organisations=DEMO_ORGANISATIONS, neighbour_share=NEIGHBOUR_SHARE)
        demo_seed.seed(db, data)
        demo_seed.publish_guidelines(db, data)  # so the volunteer meets them before bidding
    code = accounts.new_enrolment_code(db, demo_seed.enrolment_site(db))
    print(f"Enrolment code for the demo workstation: {code}", flush=True)
    if code_file is not None:
        code_file.parent.mkdir(parents=True, exist_ok=True)
        partial = code_file.with_name(code_file.name + ".partial")
        partial.write_text(code + "\n", encoding="utf-8")
        partial.replace(code_file)  # a reader waiting for the file never sees half of it
    return code


if __name__ == "__main__":
    sys.exit(main())
