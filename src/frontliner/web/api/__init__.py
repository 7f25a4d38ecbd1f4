"""The REST API under /api/v1: one router per area of the desk."""

from __future__ import annotations

from fastapi import APIRouter

from frontliner.web.api import (
    abuse,
    access,
    accounts,
    assignment,
    attachments,
    auth,
    cases,
    closing,
    closing_console,
    coach,
    customers,
    escalations,
    fire_suggestions,
    firelog,
    handovers,
    held_mail,
    insights,
    knowledge,
    practice,
    remedies,
    reviews,
    search,
    users,
    webhooks,
)

router = APIRouter()
for area in (
    auth,
    customers,
    users,
    cases,
    handovers,
    remedies,
    escalations,
    closing,
    closing_console,
    firelog,
    fire_suggestions,
    knowledge,
    coach,
    attachments,
    held_mail,
    abuse,
    assignment,
    reviews,
    search,
    webhooks,
):
    router.include_router(area.router)
router.include_router(access.router)  # e-mailed sign-in and reset links
router.include_router(accounts.router)  # reactivate, teams' members, tokens, audit
router.include_router(insights.router)  # figures from the rollups, JSON and CSV
router.include_router(practice.router)  # practice scenarios, attempts, cases made into them
