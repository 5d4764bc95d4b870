#!/usr/bin/env python3
"""The boto3 baseline for `make bench`: the seed's Lambda way of doing the same work as TransferWatch.

  copy     consume the upload queue as an SQS-triggered Lambda would (receive up to 10, then for each record
           copy_object, delete_object, update_item ADD on the monthly counter; delete the message), until
           --count objects are moved
  metrics  publish --count datapoints with put_metric_data, batched 1,000 datums per call (the most a
           careful boto3 user would do; no aggregation)

Prints one JSON object: cpu_seconds (user+sys of this process, measured with getrusage around the work only),
requests (counted by botocore's before-send event, retries included) and operations (the same, by
<service>.<Operation>), wall_seconds, and the unit counts.
Run by bench/PipelineBench (`make bench`) in the same process tree against the same emulator.
"""
import argparse
import json
import resource
import sys
import time
import urllib.parse

import boto3
import botocore.config


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def session_clients(endpoint, region, services):
    session = boto3.session.Session(aws_access_key_id="AKIDBENCHBENCHBENCH0", aws_secret_access_key="bench-secret",
                                    region_name=region)
    config = botocore.config.Config(retries={"mode": "standard", "max_attempts": 3})
    counter = {"requests": 0, "operations": {}}

    def count(event_name=None, **_):
        counter["requests"] += 1
        # before-send.<service>.<Operation>: the same names as bench/counting_proxy.py counts the agent's by.
        parts = (event_name or "").split(".")
        name = "%s.%s" % (parts[1], parts[2]) if len(parts) >= 3 else "unknown"
        counter["operations"][name] = counter["operations"].get(name, 0) + 1

    clients = {}
    for service in services:
        client = session.client(service, endpoint_url=endpoint, config=config)
        client.meta.events.register("before-send", count)
        clients[service] = client
    return clients, counter


def copy(args):
    clients, counter = session_clients(args.endpoint, args.region, ["s3", "sqs", "dynamodb"])
    s3, sqs, dynamodb = clients["s3"], clients["sqs"], clients["dynamodb"]
    moved = 0
    empty_polls = 0
    started_cpu, started = cpu_seconds(), time.monotonic()
    while moved < args.count and empty_polls < 5:
        response = sqs.receive_message(QueueUrl=args.queue, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        messages = response.get("Messages", [])
        if not messages:
            empty_polls += 1
            continue
        empty_polls = 0
        for message in messages:  # one Lambda invocation per message, as the seed's s3-bucket-invoice-copy
            event = json.loads(message["Body"])
            for record in event.get("Records", []):
                bucket = record["s3"]["bucket"]["name"]
                key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
                s3.copy_object(Bucket=args.destination, Key=key, CopySource={"Bucket": bucket, "Key": key})
                s3.delete_object(Bucket=bucket, Key=key)
                dynamodb.update_item(TableName=args.table, Key={"pk": {"S": "counter#" + args.window}, "sk": {"S": "counter"}},
                                     UpdateExpression="ADD uploads :one", ExpressionAttributeValues={":one": {"N": "1"}})
                moved += 1
            sqs.delete_message(QueueUrl=args.queue, ReceiptHandle=message["ReceiptHandle"])
    return {"objects": moved, "requests": counter["requests"], "cpu_seconds": cpu_seconds() - started_cpu,
            "wall_seconds": time.monotonic() - started, "operations": counter["operations"]}


def metrics(args):
    clients, counter = session_clients(args.endpoint, args.region, ["cloudwatch"])
    cloudwatch = clients["cloudwatch"]
    names = ["CopySucceeded", "CopyLatency", "BytesCopied"]
    now = time.time()
    datums = []
    sent = 0
    started_cpu, started = cpu_seconds(), time.monotonic()
    for index in range(args.count):
        datums.append({"MetricName": names[index % 3], "Dimensions": [{"Name": "Environment", "Value": "bench"}],
                       "Timestamp": now - (index % 3600), "Value": float(index % 997), "Unit": "Count"})
        if len(datums) == 1000:
            cloudwatch.put_metric_data(Namespace=args.namespace, MetricData=datums)
            sent += len(datums)
            datums = []
    if datums:
        cloudwatch.put_metric_data(Namespace=args.namespace, MetricData=datums)
        sent += len(datums)
    return {"datapoints": sent, "requests": counter["requests"], "cpu_seconds": cpu_seconds() - started_cpu,
            "wall_seconds": time.monotonic() - started, "operations": counter["operations"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", choices=["copy", "metrics"])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--queue")
    parser.add_argument("--destination")
    parser.add_argument("--table")
    parser.add_argument("--window", default="2026-11")
    parser.add_argument("--namespace", default="TransferWatchBench")
    args = parser.parse_args()
    if args.work == "copy" and not (args.queue and args.destination and args.table):
        parser.error("copy needs --queue, --destination and --table")
    result = copy(args) if args.work == "copy" else metrics(args)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
