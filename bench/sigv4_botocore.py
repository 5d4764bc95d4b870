"""Baseline for SigV4Bench: botocore's SigV4Auth signing the same DynamoDB request, single-threaded."""
import argparse
import datetime
import json
import time
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

parser = argparse.ArgumentParser()
parser.add_argument("--seconds", type=float, default=2.0)
args = parser.parse_args()

credentials = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
body = b'{"TableName":"TransferWatchState","Key":{"pk":{"S":"window#2026-11"},"sk":{"S":"employee#alice"}},"UpdateExpression":"ADD delivered :one"}'
signer = SigV4Auth(credentials, "dynamodb", "us-east-1")
frozen = datetime.datetime(2015, 8, 30, 12, 36, 0)

count = 0
with mock.patch("botocore.auth.datetime") as patched:
    patched.datetime.now.return_value = frozen
    patched.datetime.utcnow.return_value = frozen
    # CPU time, not wall time, as the Swift side measures it.
    start = time.thread_time()
    while time.thread_time() - start < args.seconds:
        for _ in range(100):
            request = AWSRequest(method="POST", url="https://dynamodb.us-east-1.amazonaws.com/", data=body,
                                 headers={"Content-Type": "application/x-amz-json-1.0",
                                          "X-Amz-Target": "DynamoDB_20120810.UpdateItem"})
            signer.add_auth(request)
        count += 100
    elapsed = time.thread_time() - start
print(json.dumps({"signatures_per_second": count / elapsed, "count": count}))
