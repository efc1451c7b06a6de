"""Meta's SDK as the client: entity reads with the SDK's complete field lists, edges paged
through its cursors, ``summary`` totals, errors as ``FacebookRequestError``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from facebook_business.adobjects.ad import Ad
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adcreative import AdCreative
from facebook_business.adobjects.adset import AdSet
from facebook_business.adobjects.campaign import Campaign
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError
from facebook_business.session import FacebookSession

from tests.support.emuhelpers import make
from tests.support.sdkhelpers import Served, exported, field_names, serve

READERS = {
    "campaigns": "get_campaigns",
    "adsets": "get_ad_sets",
    "ads": "get_ads",
    "adcreatives": "get_ad_creatives",
}
KINDS = [("campaigns", Campaign), ("adsets", AdSet), ("ads", Ad), ("adcreatives", AdCreative)]


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with serve(make(report_run_s=0.3)) as s:
        yield s


def _same(truth: dict[str, Any], got: dict[str, Any]) -> None:
    """Every field the SDK got agrees with the ground truth (the SDK drops nothing either)."""
    assert {k: got[k] for k in truth if k in got} == {k: v for k, v in truth.items() if k in got}


@pytest.mark.parametrize(("edge", "cls"), KINDS)
def test_by_id_reads_with_every_sdk_field(served: Served, edge: str, cls: type) -> None:
    truth = served.emu.truth_entities(served.account)[edge]
    fields = field_names(cls)
    for expected in truth[:4]:
        obj = cls(expected["id"], api=served.api).api_get(fields=fields)  # type: ignore[attr-defined]
        got = exported(obj)
        assert set(got) <= set(fields)
        assert len(got) >= len(set(expected) & set(fields))  # every value Meta has, served
        _same(expected, got)


def test_the_account_with_every_sdk_field(served: Served) -> None:
    fields = field_names(AdAccount)
    got = exported(AdAccount(served.account, api=served.api).api_get(fields=fields))
    assert got["id"] == served.account and got["currency"]
    assert {"budget_remaining", "bid_strategy"} <= set(
        exported(
            Campaign(
                served.emu.truth_entities(served.account)["campaigns"][0]["id"], api=served.api
            ).api_get(fields=["budget_remaining", "bid_strategy"])
        )
    )
    assert set(got) <= set(fields) and len(got) > 30


@pytest.mark.parametrize(("edge", "cls"), KINDS)
def test_edges_page_through_the_sdk_cursor(served: Served, edge: str, cls: type) -> None:
    account = AdAccount(served.account, api=served.api)
    read = getattr(account, READERS[edge])
    before = served.emu.stats["http_requests"]
    cursor = read(fields=field_names(cls), params={"limit": 3})
    got = [exported(o) for o in cursor]
    calls = served.emu.stats["http_requests"] - before
    truth = served.emu.truth_entities(served.account)[edge]
    listed = [
        t for t in truth if t.get("effective_status", "ACTIVE") not in ("ARCHIVED", "DELETED")
    ]
    assert sorted(o["id"] for o in got) == sorted(t["id"] for t in listed)
    assert calls == -(-len(listed) // 3)  # one call per page of 3
    assert cursor.total() == len(listed)  # summary=true, which the cursor sends
    by_id = {t["id"]: t for t in truth}
    for o in got:
        _same(by_id[o["id"]], o)


def test_effective_status_filter_as_the_sdk_encodes_it(served: Served) -> None:
    account = AdAccount(served.account, api=served.api)
    got = list(
        account.get_ads(fields=["id", "effective_status"], params={"effective_status": ["PAUSED"]})
    )
    truth = served.emu.truth_entities(served.account)["ads"]
    assert sorted(a["id"] for a in got) == sorted(
        t["id"] for t in truth if t["effective_status"] == "PAUSED"
    )


def test_errors_are_facebook_request_errors_with_metas_codes(served: Served) -> None:
    campaign_id = served.emu.truth_entities(served.account)["campaigns"][0]["id"]
    with pytest.raises(FacebookRequestError) as bad_field:
        Campaign(campaign_id, api=served.api).api_get(fields=["id", "not_a_field"])
    assert bad_field.value.api_error_code() == 100
    assert "nonexisting field (not_a_field)" in bad_field.value.api_error_message()
    with pytest.raises(FacebookRequestError) as missing:
        Campaign("238500199999999999", api=served.api).api_get(fields=["id"])
    assert (missing.value.api_error_code(), missing.value.api_error_subcode()) == (100, 33)
    assert missing.value.http_status() == 400


def test_a_bad_token_and_a_throttle_are_metas_codes(served: Served) -> None:
    session = FacebookSession(served.emu.credentials["app_id"], "0" * 32, "not-a-token")
    session.GRAPH = served.base_url
    stranger = FacebookAdsApi(session, api_version=served.api.API_VERSION)
    with pytest.raises(FacebookRequestError) as bad:
        AdAccount(served.account, api=stranger).api_get(fields=["id"])
    assert bad.value.api_error_code() == 190
    served.emu.set_faults(throttle=1.0)
    try:
        with pytest.raises(FacebookRequestError) as throttled:
            AdAccount(served.account, api=served.api).api_get(fields=["id"])
    finally:
        served.emu.set_faults(throttle=0.0)
    assert throttled.value.api_error_code() in (4, 17, 613, 80004)
    assert throttled.value.api_transient_error() is True
