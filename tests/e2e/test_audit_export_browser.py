"""The audit log's export: the server writes CSV/JSON for the current filters, the browser downloads it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_export_the_filtered_audit_log_as_csv_and_json(app: Any, tmp_path: Path) -> None:
    gm = app.api.register("Maelis")
    campaign = app.api.campaign(gm, "Ledger of Ash")
    app.api.create(gm, campaign, "Settlement", name="Cinderholm", level=1, population=80)
    app.api.create(gm, campaign, "Party", name="The Quiet Lanterns")
    page = app.page()
    app.sign_in(page, gm, f"/campaigns/{campaign.id}/audit")
    expect(page.get_by_test_id("audit-table")).to_contain_text("PARTY")
    page.get_by_label("Entity type").select_option(label="Settlement")
    expect(page.get_by_test_id("audit-row")).to_have_count(1)

    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Export CSV").click()
    download = csv_download.value
    assert download.suggested_filename.startswith("audit-log-ledger-of-ash-")
    assert download.suggested_filename.endswith(".csv")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text())))
    assert [(r["entityType"], r["operation"]) for r in rows] == [("SETTLEMENT", "CREATE")]
    expect(page.get_by_test_id("audit-export-status")).to_contain_text("Exported audit-log-ledger-of-ash-")

    with page.expect_download() as json_download:
        page.get_by_role("button", name="Export JSON").click()
    saved = tmp_path / json_download.value.suggested_filename
    json_download.value.save_as(saved)
    entries = json.loads(saved.read_text())
    assert [(e["entityType"], e["actorId"]) for e in entries] == [("SETTLEMENT", gm.id)]
