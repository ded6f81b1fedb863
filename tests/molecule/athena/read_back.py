#!/usr/bin/env python
"""Read the Glue table, the Athena workgroup and its saved queries straight from the API, as JSON.

Used by verify.yml, prepare.yml and cleanup.yml so that the assertions do not depend on
the collection's own modules. The endpoint is AWS_URL when set (LocalStack), else AWS.
Usage: read_back.py DATABASE TABLE WORKGROUP
"""

import json
import os
import sys

import boto3
import botocore.exceptions


def _client(service):
    return boto3.client(service, endpoint_url=os.environ.get("AWS_URL") or None,
                        region_name=os.environ.get("AWS_REGION", "us-east-1"))


def _missing(error):
    code = error.response.get("Error", {}).get("Code")
    return code in ("EntityNotFoundException", "InvalidRequestException", "ResourceNotFoundException")


def main(database, table, workgroup):
    glue, athena = _client("glue"), _client("athena")
    result = {"database": None, "table": None, "workgroup": None, "named_queries": []}
    try:
        result["database"] = glue.get_database(Name=database)["Database"]["Name"]
        result["table"] = glue.get_table(DatabaseName=database, Name=table)["Table"]
    except botocore.exceptions.ClientError as error:
        if not _missing(error):
            raise
    try:
        result["workgroup"] = athena.get_work_group(WorkGroup=workgroup)["WorkGroup"]
    except botocore.exceptions.ClientError as error:
        if not _missing(error):
            raise
    if result["workgroup"]:
        ids = athena.list_named_queries(WorkGroup=workgroup).get("NamedQueryIds", [])
        for start in range(0, len(ids), 50):
            result["named_queries"].extend(
                athena.batch_get_named_query(NamedQueryIds=ids[start:start + 50])["NamedQueries"])
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main(*sys.argv[1:4])
