from __future__ import annotations

import httpx
from console_helpers import OPERATOR_TOKEN, sign_in


async def test_smoke(client: httpx.AsyncClient) -> None:
    r = await client.get("/console")
    assert r.status_code == 303
    await sign_in(client, OPERATOR_TOKEN)
    r = await client.get("/console")
    print(r.text[:3000])
    assert r.status_code == 200
    r = await client.get("/console/accounts/act_1001")
    assert r.status_code == 200, r.text
    r = await client.get("/console/analytics")
    assert r.status_code == 200, r.text
