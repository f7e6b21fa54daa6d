"""Paper and screen tell a person the same thing: for every status × request type, in every
on-screen language, the receipt's next step is the status screen's next-step sentences, in order."""

from dataclasses import replace
from typing import Any

import pytest

from kiosk.domain.languages import ON_SCREEN, BidiMode, Language
from kiosk.domain.models import TawasulRequest
from kiosk.domain.statuses import RequestStatus
from kiosk.printing.layout import ReceiptContent, render_receipt
from kiosk.services.receipts import ReceiptFiles, ReceiptService
from screens.resident import KioskContext, StatusScreen
from tests.conftest import file_store, frozen_clock
from tests.kiosk.conftest import KioskFactory, settle
from widgets import BidiText

PARTS = "#next, #action, #reason, #collect"
"""The paragraphs of the status screen's "What to do next", in the order it shows them."""


# Every visit's receipt is printed in its language (receipt_languages), so every screen has paper.
@pytest.mark.parametrize("language", ON_SCREEN)
async def test_the_receipt_says_what_the_status_screen_says(
    language: Language, kiosk: KioskFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = kiosk(language, bidi=BidiMode.TERMINAL)  # the stored order, as both are written
    services = app.services
    receipts = ReceiptService(
        services.config,
        services.requests,
        ReceiptFiles.beside(file_store(services).path, services.config),
        frozen_clock,
    )
    # What issue() hands to the picture, taken on its way (the path the printer's bytes take).
    printed: list[ReceiptContent] = []

    def keep(content: ReceiptContent, *args: Any) -> Any:
        printed.append(content)
        return render_receipt(content, *args)

    monkeypatch.setattr("kiosk.services.receipts.render_receipt", keep)
    demo = services.requests.list()
    # Every status (a late one too), each with every request type.
    samples: list[TawasulRequest] = [
        replace(request, type_code=kind.code)
        for status in RequestStatus
        for request in [next(r for r in demo if r.status is status)]
        for kind in services.catalogue
    ]
    samples.append(next(r for r in demo if services.requests.progress(r).is_late))
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        ctx = KioskContext(services, language, None)
        for request in samples:
            screen = StatusScreen(ctx, request, quick=True)
            await app.push_screen(screen)
            await pilot.pause()
            shown = " ".join(part.text for part in screen.query(PARTS).results(BidiText))
            printed.clear()
            receipts.issue(request, language)
            (content,) = printed
            on_paper = content.next_step.get(language)
            assert on_paper == shown, (request.status, request.type_code)
            app.pop_screen()
            await pilot.pause()
