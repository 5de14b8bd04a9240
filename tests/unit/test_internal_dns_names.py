"""Internal DNS names (issue 18): what a service is called, which names a table knows, and the
setting that turns the server on."""

from __future__ import annotations

import uuid

import pytest

from application.internal_dns import (
    DnsTable,
    Entry,
    Target,
    internal_hostname,
    node_address,
    port_name,
    srv_name,
)
from application.settings import Settings, SettingsError

ORG = uuid.uuid4()
NAME = "api.production.shop.internal"
TABLE = DnsTable(
    names={
        NAME: Entry(ORG, (Target(0, "10.0.0.2", 8080),), "http"),
        "worker.production.shop.internal": Entry(ORG, (Target(0, "10.0.0.3", None),), None),
    },
    askers={"10.0.0.9": ORG},
)


def test_a_services_internal_name_is_service_environment_project_slug_internal() -> None:
    assert internal_hostname("API", "production", "shop") == NAME
    assert srv_name(NAME, "web") == f"_http._tcp.{NAME}"
    assert srv_name(NAME, "database") == f"_tcp._tcp.{NAME}"
    assert port_name("worker") == "tcp"


@pytest.mark.parametrize(
    ("service", "environment"), [("api_v2", "production"), ("api", "-x"), ("a" * 64, "prod")]
)
def test_a_part_that_is_no_dns_label_gives_no_name(service: str, environment: str) -> None:
    assert internal_hostname(service, environment, "shop") is None


def test_the_table_finds_a_name_and_its_srv_name_with_the_services_port_name_only() -> None:
    assert TABLE.find(NAME) is TABLE.names[NAME]
    assert TABLE.find(f"_http._tcp.{NAME}") is TABLE.names[NAME]
    assert TABLE.find(f"_tcp._tcp.{NAME}") is None
    assert TABLE.find(f"_http._udp.{NAME}") is None
    assert TABLE.find("_http._tcp.worker.production.shop.internal") is None  # no port
    assert TABLE.find("db.production.shop.internal") is None
    assert TABLE.asker("10.0.0.9") == ORG and TABLE.asker("10.0.0.10") is None


def test_a_nodes_address_is_the_ipv4_host_of_its_endpoint() -> None:
    assert node_address("tcp://10.1.2.3:2376") == "10.1.2.3"
    assert node_address("unix:///var/run/docker.sock") is None
    assert node_address("ssh://node.example.com") is None


def test_the_dns_listen_setting_is_an_ipv4_address_and_port() -> None:
    assert Settings.from_env({}).dns_listen is None
    assert Settings.from_env({"CONTAINR_DNS_LISTEN": "172.17.0.1:53"}).dns_listen == (
        "172.17.0.1:53"
    )
    for bad in ("172.17.0.1", "dns.example.com:53", "[::1]:53", "300.1.1.1:53"):
        with pytest.raises(SettingsError, match="CONTAINR_DNS_LISTEN"):
            Settings.from_env({"CONTAINR_DNS_LISTEN": bad})
