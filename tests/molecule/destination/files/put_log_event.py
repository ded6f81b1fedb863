"""Write one flow-log record into a log group (test helper: no amazon.aws module puts log events).

Usage: put_log_event.py LOG_GROUP. The connection comes from the environment, as for the
scenario's modules: AWS_URL (LocalStack) when set, AWS_REGION and the credentials.
"""

import os
import sys
import time

import boto3


def main(log_group):
    logs = boto3.client("logs", endpoint_url=os.environ.get("AWS_URL") or None,
                        region_name=os.environ.get("AWS_REGION", "us-east-1"))
    stream = "eni-0123456789abcdef0-all"
    logs.create_log_stream(logGroupName=log_group, logStreamName=stream)
    logs.put_log_events(logGroupName=log_group, logStreamName=stream, logEvents=[{
        "timestamp": int(time.time() * 1000),
        "message": "2 123456789012 eni-0123456789abcdef0 10.0.0.1 10.0.0.2 443 49152 6 10 840 "
                   "1764550000 1764550060 ACCEPT OK"}])


if __name__ == "__main__":
    main(sys.argv[1])
