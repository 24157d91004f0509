"""What an operator does in the UI, as the UI does it: GraphQL calls to the webserver."""

import time

from retail_assets_tests.ui.dagster_dev import DagsterDev

SENSOR = """query($name: String!, $location: String!) {
  sensorOrError(sensorSelector: {repositoryLocationName: $location, repositoryName: "__repository__",
                                 sensorName: $name}) {
    __typename ... on Sensor { sensorState { id status } } ... on PythonError { message } } }"""
STOP_SENSOR = """mutation($id: String!) { stopSensor(id: $id) { __typename
  ... on StopSensorMutationResult { instigationState { status } } ... on PythonError { message } } }"""
LAUNCH_BACKFILL = """mutation($params: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $params) {
  __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message stack }
  ... on InvalidSubsetError { message } ... on UnauthorizedError { message } } }"""
BACKFILL = """query($id: String!) { partitionBackfillOrError(backfillId: $id) { __typename
  ... on PartitionBackfill { status error { message }
    runs(limit: 100) { id status tags { key value } } } ... on PythonError { message } } }"""
DONE = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}


def stop_sensor(dev: DagsterDev, name: str, location: str) -> str:
    state = dev.graphql(SENSOR, {"name": name, "location": location})["sensorOrError"]
    assert state["__typename"] == "Sensor", state
    result = dev.graphql(STOP_SENSOR, {"id": state["sensorState"]["id"]})["stopSensor"]
    assert result["__typename"] == "StopSensorMutationResult", result
    return result["instigationState"]["status"]


def launch_backfill(dev: DagsterDev, asset_paths: list[list[str]], partitions: list[str]) -> str:
    params = {"partitionNames": partitions, "assetSelection": [{"path": p} for p in asset_paths],
              "title": f"test backfill {partitions[0]}..{partitions[-1]}"}
    result = dev.graphql(LAUNCH_BACKFILL, {"params": params})["launchPartitionBackfill"]
    assert result["__typename"] == "LaunchBackfillSuccess", result
    return result["backfillId"]


def wait_for_backfill(dev: DagsterDev, backfill_id: str, timeout: float = 600) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        backfill = dev.graphql(BACKFILL, {"id": backfill_id})["partitionBackfillOrError"]
        assert backfill["__typename"] == "PartitionBackfill", backfill
        unfinished = [r for r in backfill["runs"] if r["status"] not in ("SUCCESS", "FAILURE", "CANCELED")]
        if backfill["status"] in DONE and not unfinished:
            return backfill
        time.sleep(2)
    raise TimeoutError(f"backfill {backfill_id} not done after {timeout}s; log: {dev.log_tail()}")

LAUNCH_RUN = """mutation($params: ExecutionParams!) { launchRun(executionParams: $params) { __typename
  ... on LaunchRunSuccess { run { id } } ... on PythonError { message } ... on InvalidSubsetError { message } } }"""


def launch_assets(dev: DagsterDev, asset_paths: list[list[str]], location: str) -> str:
    """What *Materialize* on an asset page does: a run of the implicit asset job."""
    params = {"selector": {"repositoryLocationName": location, "repositoryName": "__repository__",
                           "jobName": "__ASSET_JOB", "assetSelection": [{"path": p} for p in asset_paths]}}
    result = dev.graphql(LAUNCH_RUN, {"params": params})["launchRun"]
    assert result["__typename"] == "LaunchRunSuccess", result
    return result["run"]["id"]


RUNS = """query($filter: RunsFilter) { runsOrError(filter: $filter) { __typename
  ... on Runs { results { id status startTime endTime tags { key value } } } ... on PythonError { message } } }"""


def runs_of_sensor(dev: DagsterDev, sensor: str) -> list[dict]:
    """The runs a sensor launched, as the Runs page filters them (tag dagster/sensor_name)."""
    result = dev.graphql(RUNS, {"filter": {"tags": [{"key": "dagster/sensor_name", "value": sensor}]}})["runsOrError"]
    assert result["__typename"] == "Runs", result
    return result["results"]


def wait_for_sensor_runs(dev: DagsterDev, sensor: str, timeout: float = 300) -> list[dict]:
    """Poll until the sensor has launched at least one run and every run it launched has finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = runs_of_sensor(dev, sensor)
        if runs and all(r["status"] in ("SUCCESS", "FAILURE", "CANCELED") for r in runs):
            return runs
        time.sleep(1)
    raise TimeoutError(f"{sensor}: runs not finished after {timeout}s ({runs_of_sensor(dev, sensor)}); "
                       f"log: {dev.log_tail()}")
