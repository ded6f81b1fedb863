"""Flow logs as ec2_vpc_flow_log_info returns them (snake_case), for the unit tests that read them."""


def flow_log(fid, vpc, traffic="ALL", status="ACTIVE", deliver="SUCCESS", error=None, **more):
    """One flow log of resource vpc, to the log group /g unless more says otherwise."""
    sample = {"flow_log_id": fid, "resource_id": vpc, "traffic_type": traffic, "flow_log_status": status,
              "deliver_logs_status": deliver, "log_group_name": "/g"}
    if error:
        sample["deliver_logs_error_message"] = error
    sample.update(more)
    return sample
