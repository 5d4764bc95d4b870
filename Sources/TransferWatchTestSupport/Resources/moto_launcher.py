"""Runs moto (`moto[server]` 5.2.1) for TransferWatch's integration tests.

Started by `MotoServer.swift`; not meant to be run by hand (but `python3 moto_launcher.py`
works, and stops when you press Ctrl-D).

    python3 moto_launcher.py --host 127.0.0.1 --port 0 [--no-gzip-fix]
    python3 moto_launcher.py --check     # exit 0 when this interpreter can run it


What it does, and nothing more:

1. Fixes moto's double gunzip of `Content-Encoding: gzip` request bodies (see
   `install_gzip_fix`), unless `--no-gzip-fix` is given (tests use that flag to show the bug).
2. Serialises DynamoDB requests (see `install_dynamodb_lock`): moto's DynamoDB backend is
   not thread-safe, and the server below is threaded. And releases the table copies each
   `TransactWriteItems` makes (see `install_transaction_copy_release`): moto leaked them all.
3. Serves moto's WSGI app with werkzeug's threaded server, the way
   `moto.moto_server.threaded_moto_server.ThreadedMotoServer` does, on `--port`
   (0: the kernel picks a free port).
4. Prints exactly one line, `MOTO_READY port=<port>`, once the socket is listening. Anything
   printed to stdout after that goes to stderr, so the parent may stop reading stdout.
5. Exits when its parent goes away: when stdin reaches EOF (the parent holds the write end
   of a pipe, which the kernel closes if the parent dies), or when `os.getppid()` changes
   (the parent died and we were re-parented), whichever comes first.

`INITIAL_NO_AUTH_ACTION_COUNT` (moto's SigV4/IAM enforcement: that many requests pass
unauthenticated, later ones are verified) is read by `moto.settings` from the environment
this process inherits; it can be changed at run time with `POST /moto-api/reset-auth`.
"""

import argparse
import gzip
import io
import os
import sys
import threading
import time

# The moto release whose internals `install_gzip_fix` patches; others are refused by --check.
SUPPORTED_MOTO = "5.2."

# Key in the WSGI environ under which the fixed hook keeps the bytes that came off the wire.
RAW_BODY_KEY = "transferwatch.raw_gzip_body"


def install_gzip_fix() -> None:
    """Makes moto inflate a gzip request body once and verify SigV4 over the raw bytes.

    moto 5.2.1 inflates such a body twice in server mode:

    - the Flask `before_request` hook `decompress_request_body`
      (moto/moto_server/utilities.py, installed by `create_backend_app` in
      moto/moto_server/werkzeug_app.py) wraps `request.stream` in a `GzipFile`, so Flask's
      `request.data` / `request.form` are already inflated;
    - `BaseResponse.setup_class` (moto/core/responses.py) then calls `gzip_decompress` on
      `request.data` again because `Content-Encoding` is still `gzip`, which raises
      `BadGzipFile` (HTTP 500) for every non-form body (JSON protocols: CloudWatch JSON,
      DynamoDB, SQS, ...). For form bodies (Query protocol) `request.data` is empty, so the
      second inflate happens to be harmless, but `raw_body` is then empty and signature
      checks (moto/core/authorization.py passes `raw_body` to moto/iam/access_control.py,
      which falls back to re-encoding the parsed form) hash the *inflated* form, whereas
      SigV4's payload hash is over the compressed bytes: SignatureDoesNotMatch.

    The fix replaces the hook with one that reads the raw bytes, keeps them in the WSGI
    environ, and presents the inflated body to Flask (stream, `data`, `form`) exactly as the
    original hook did. `setup_class` is wrapped so that, for requests the hook inflated, it
    skips its own inflate (moto's own switch for this step, `allow_request_decompression`,
    which its S3 responses already use) and sets `raw_body` to the raw bytes for signature
    verification. S3 is left alone, as moto's hook leaves it (S3 stores gzip objects as is).
    """
    from flask import current_app, request

    import moto.moto_server.werkzeug_app as werkzeug_app
    from moto.core.responses import BaseResponse

    def decompress_request_body_once() -> None:
        """Replacement for moto's `decompress_request_body` before_request hook."""
        if current_app.service == "s3":  # as moto's hook: S3 handles its own encodings
            return
        if request.content_encoding != "gzip":
            return
        raw = request.stream.read()  # werkzeug's stream stops at Content-Length
        request.environ[RAW_BODY_KEY] = raw
        request.stream = io.BytesIO(gzip.decompress(raw))
        request.get_data(parse_form_data=True)  # fills request.form / request.data, as moto's hook

    original_setup_class = BaseResponse.setup_class

    def setup_class(self, request, full_url, headers, use_raw_body=False):  # noqa: ANN001
        raw = getattr(request, "environ", {}).get(RAW_BODY_KEY)
        if raw is None:
            return original_setup_class(self, request, full_url, headers, use_raw_body)
        self.allow_request_decompression = False  # already inflated by the hook
        result = original_setup_class(self, request, full_url, headers, use_raw_body)
        self.raw_body = raw  # what the client hashed for x-amz-content-sha256 / SigV4
        return result

    # `create_backend_app` refers to the hook by this module-level name and builds each
    # service's Flask app lazily, on that service's first request: patching here, before
    # the server starts, covers every app.
    werkzeug_app.decompress_request_body = decompress_request_body_once
    BaseResponse.setup_class = setup_class


def install_dynamodb_lock() -> None:
    """Makes each DynamoDB request atomic with respect to every other one, as DynamoDB is.

    moto 5.2.1's DynamoDB backend takes no lock, and the threaded server runs requests at
    the same time, so concurrent writes break guarantees DynamoDB gives:

    - `UpdateItem` (`ADD n :one`) is a read-modify-write in Python: two at once lose one;
    - `TransactWriteItems` (moto/dynamodb/models/__init__.py) deep-copies the tables, applies
      its actions one by one (visible to other requests half-done), and when a condition
      fails puts the *whole table* back from that copy, erasing every write other requests
      made in between.

    Real DynamoDB makes single-item writes atomic and transactions serializable, so one
    process-wide lock around `DynamoHandler.call_action` (request parsing and the backend
    call) is the faithful model. Without it, the copy workflow's counter test loses counts
    in the emulator that DynamoDB would never lose. Other services are left concurrent.
    """
    from moto.dynamodb.responses import DynamoHandler

    lock = threading.Lock()
    original_call_action = DynamoHandler.call_action

    def call_action(self):  # noqa: ANN001, ANN202
        with lock:
            return original_call_action(self)

    DynamoHandler.call_action = call_action


def install_transaction_undo_log() -> None:
    """Makes `TransactWriteItems` cost the items it touches, not the tables they are in.

    moto 5.2.1's `transact_write_items` deep-copies every table the transaction names, so that it
    can put the whole table back when a condition fails: O(table) per call, 0.3 s for a state
    table holding 6,600 users, which made the emulator (not the client under test) the bottleneck
    of `make bench` (7.7x the wall time of the boto3 baseline's `UpdateItem`s on the same
    emulator). DynamoDB requests are serialized (`install_dynamodb_lock`), so a rollback needs only
    the items the transaction touches: those are copied before it runs and put back if it fails,
    and the table copy becomes the table itself (moto's own rollback then assigns each table to
    itself). What other requests see is unchanged: before the call, the table; after, the
    transaction applied in full or not at all.
    """
    import copy

    import moto.dynamodb.models as dynamodb_models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    shallow_copy, deep_copy = copy.copy, copy.deepcopy

    class TablesAreNotCopied:
        """`copy` as moto's DynamoDB backend module sees it: a table is its own deep copy."""

        copy = staticmethod(shallow_copy)

        @staticmethod
        def deepcopy(value, memo=None):  # noqa: ANN001, ANN205
            return value if isinstance(value, Table) else deep_copy(value, memo)

    dynamodb_models.copy = TablesAreNotCopied
    original = DynamoDBBackend.transact_write_items

    def touched(self, transact_items):  # noqa: ANN001, ANN202
        """(table, hash, range, copy of the item or None) for each item the transaction names."""
        saved = []
        for entry in transact_items:
            _, op = next(iter(entry.items()))
            table = self.tables.get(op.get("TableName")) if isinstance(op, dict) else None
            if table is None:
                continue
            key = op.get("Key") or {
                name: op.get("Item", {}).get(name) for name in (table.hash_key_attr, table.range_key_attr) if name
            }
            if not key.get(table.hash_key_attr) or (table.range_key_attr and not key.get(table.range_key_attr)):
                continue  # moto refuses the request before changing anything
            hash_value = DynamoType(key[table.hash_key_attr])
            range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
            if range_value is not None:
                current = table.items.get(hash_value, {}).get(range_value)
            else:
                current = table.items.get(hash_value)
            saved.append((table, hash_value, range_value, copy.deepcopy(current)))
        return saved

    def restore(saved):  # noqa: ANN001, ANN202
        for table, hash_value, range_value, item in reversed(saved):
            if range_value is None:
                if item is None:
                    table.items.pop(hash_value, None)
                else:
                    table.items[hash_value] = item
                continue
            bucket = table.items.get(hash_value)
            if item is None:
                if bucket is not None:
                    bucket.pop(range_value, None)
                    if not bucket:
                        table.items.pop(hash_value, None)
            else:
                table.items.setdefault(hash_value, {})[range_value] = item

    def transact_write_items(self, transact_items):  # noqa: ANN001, ANN202
        saved = touched(self, transact_items)
        try:
            return original(self, transact_items)
        except BaseException:
            restore(saved)
            raise

    DynamoDBBackend.transact_write_items = transact_write_items


def install_transaction_copy_release() -> None:
    """Stops `TransactWriteItems` from leaking a copy of every table it touches.

    moto 5.2.1's `transact_write_items` deep-copies each table of the transaction (its rollback
    state), and every moto model instance is appended to its class's `instances_tracked` list
    (for the /moto-api dashboard) and never removed: each transaction kept a whole copy of its
    tables alive, 1.6 MB per call with 2,000 employees, 23 GB in one `make bench` run. The copies
    registered during the call are dropped from those lists when it returns (DynamoDB requests
    are serialized by `install_dynamodb_lock`, so nothing else registers DynamoDB models then).
    A table restored from its copy after a failed condition keeps working: the lists only feed
    the dashboard.
    """
    from moto.core.model_instances import model_data
    from moto.dynamodb.models import DynamoDBBackend

    original = DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):  # noqa: ANN001, ANN202
        models = [m for m in model_data.get("dynamodb", {}).values() if hasattr(m, "instances_tracked")]
        before = [(m, len(m.instances_tracked)) for m in models]
        try:
            return original(self, transact_items)
        finally:
            for model, length in before:
                del model.instances_tracked[length:]

    DynamoDBBackend.transact_write_items = transact_write_items


def check() -> int:
    """Reports whether moto, its server extras and botocore import here; 0 when they do."""
    try:
        import botocore
        import flask  # noqa: F401  (moto[server])
        import moto
        import moto.moto_server.werkzeug_app  # noqa: F401
    except ImportError as error:
        print(f"cannot import {error.name}: install moto[server]==5.2.1", file=sys.stderr)
        return 1
    if not moto.__version__.startswith(SUPPORTED_MOTO):
        print(f"moto {moto.__version__} found, {SUPPORTED_MOTO}x needed", file=sys.stderr)
        return 1
    print(f"moto {moto.__version__}, botocore {botocore.__version__}, {sys.executable}")
    return 0


def exit_when_parent_goes_away(poll_seconds: float = 0.5) -> None:
    """Starts two daemon threads that end the process when the parent is gone."""
    parent = os.getppid()

    def watch_stdin() -> None:
        try:
            while sys.stdin.buffer.read(4096):
                pass  # the parent sends nothing; anything it does send is ignored
        except (OSError, ValueError):
            pass
        os._exit(0)

    def watch_parent_pid() -> None:
        while os.getppid() == parent:
            time.sleep(poll_seconds)
        os._exit(0)

    threading.Thread(target=watch_stdin, name="stdin-eof", daemon=True).start()
    threading.Thread(target=watch_parent_pid, name="ppid-poll", daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: pick a free port")
    parser.add_argument(
        "--no-gzip-fix",
        action="store_true",
        help="run moto unpatched (tests only: shows the double-gunzip bug)",
    )
    parser.add_argument("--check", action="store_true", help="only check that moto can run")
    args = parser.parse_args()
    if args.check:
        sys.exit(check())

    exit_when_parent_goes_away()
    if not args.no_gzip_fix:
        install_gzip_fix()
    install_dynamodb_lock()
    install_transaction_undo_log()
    install_transaction_copy_release()

    from werkzeug.serving import make_server

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(args.host, args.port, app, threaded=True)  # binds and listens
    port = server.server_address[1]
    os.environ["MOTO_PORT"] = str(port)  # as `moto_server` does, for moto's calls to itself

    print(f"MOTO_READY port={port}", flush=True)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # later prints must not fill a pipe

    server.serve_forever()


if __name__ == "__main__":
    main()
