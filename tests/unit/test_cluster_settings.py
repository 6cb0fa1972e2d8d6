"""The cluster's pieces that need no broker: --nodes read and checked, --faults cluster, /api/nodes judged."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import config_from_options
from harness.endpoints import Broker
from harness.errors import ConfigError, ServiceUnavailable
from harness.faults.plan import CLUSTER_NAMES, CLUSTER_QUICK, QUICK, parse_faults, plan_for
from harness.options import GATE
from harness.services.cluster import node_problems
from harness.services.external import broker_from_url

ROOT = Path(__file__).resolve().parents[2]


def nodes_of(**given: object) -> int:
    return config_from_options(ROOT, GATE, {"target": "reference", **given}, {}, parse_faults).services.nodes


def test_nodes_defaults_to_one_and_reads_the_environment() -> None:
    assert nodes_of() == 1
    config = config_from_options(ROOT, GATE, {"target": "reference", "services": "local"}, {"HARNESS_NODES": "3"},
                                 parse_faults)
    assert config.services.nodes == 3


@pytest.mark.parametrize("given,message", [({"nodes": 3, "services": "external"}, "needs --services local"),
                                           ({"nodes": 9, "services": "local"}, "between 1 and 5")])
def test_a_cluster_the_back_end_cannot_start_is_a_one_line_error(given: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        nodes_of(**given)


def test_cluster_names_every_cluster_fault_and_has_its_own_plan() -> None:
    assert parse_faults("cluster") == CLUSTER_NAMES
    assert parse_faults("node_kill,worker_kill") == ("node_kill", "worker_kill")
    assert plan_for(True, scenario="node_kill") == CLUSTER_QUICK and plan_for(True, scenario="worker_kill") == QUICK
    with pytest.raises(ConfigError, match="cluster"):
        parse_faults("node_explode")


def test_the_target_gets_every_node_first_to_last() -> None:
    nodes = tuple(("127.0.0.1", p) for p in (7001, 7002, 7003))
    broker = Broker("127.0.0.1", 7003, "u", "p", cluster_nodes=nodes).in_vhost("v")
    assert broker.failover_url == ";".join(f"amqp://u:p@127.0.0.1:{p}/v" for p in (7001, 7002, 7003))
    assert broker.amqp_url == "amqp://u:p@127.0.0.1:7003/v"  # the harness's own connections: one node
    assert Broker("h", 5672, "u", "p").failover_url == "amqp://u:p@h:5672/%2F"


def test_cluster_health_names_missing_stopped_and_partitioned_nodes() -> None:
    listed = [{"name": "a@h", "running": True, "partitions": []},
              {"name": "b@h", "running": False, "partitions": []},
              {"name": "c@h", "running": True, "partitions": ["a@h"]}]
    assert node_problems(listed, ["a@h", "b@h", "c@h", "d@h"]) == [
        "b@h is not running", "c@h sees a partition from a@h", "d@h is not a member of the cluster"]
    assert node_problems(listed[:1], ["a@h"]) == []


def test_an_external_cluster_is_given_as_its_nodes_urls() -> None:
    broker = broker_from_url("amqp://u:p@rmq-1:5672/; amqp://u:p@rmq-2:5673/;amqp://u:p@rmq-3/", None)
    assert broker.cluster_nodes == (("rmq-1", 5672), ("rmq-2", 5673), ("rmq-3", 5672))
    assert (broker.host, broker.port, broker.management_url) == ("rmq-1", 5672, "http://rmq-1:15672")
    assert broker.in_vhost("run").failover_url == "amqp://u:p@rmq-1:5672/run;amqp://u:p@rmq-2:5673/run;" \
                                                  "amqp://u:p@rmq-3:5672/run"
    assert broker_from_url("amqp://u:p@one:5672/", None).cluster_nodes == ()


def test_external_cluster_urls_must_share_one_user_and_each_be_amqp() -> None:
    with pytest.raises(ServiceUnavailable, match="different users"):
        broker_from_url("amqp://u:p@a/;amqp://v:p@b/", None)
    with pytest.raises(ServiceUnavailable, match=r"must be amqp://.*'http://u:\*\*\*@b/'") as caught:
        broker_from_url("amqp://u:secret@a/;http://u:secret@b/", None)
    assert "secret" not in str(caught.value)
