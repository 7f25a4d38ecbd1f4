"""The public contact form: `GET /contact`, `POST /contact`, `GET /contact/thanks`; and
`GET /chat`, Frontliner's own page carrying the chat widget (linkable from anywhere).

A post is checked in this order: the client's rate limit (429), the CSRF token (403),
the honeypot (a bot gets an accepted-looking answer, nothing is stored, the hit is
counted), then the fields (422 naming each problem). Every refusal shows the form again
with what the visitor typed. An accepted post opens a case on the web channel through
the desk (actor None: the form is a channel) and redirects to the thank-you page, so a
reload never sends it twice; a double click is recognised by its CSRF token.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from frontliner.desk import intake
from frontliner.desk.errors import Invalid
from frontliner.desk.model import Channel, Role, User
from frontliner.desk.ports import UowFactory
from frontliner.desk.refs import new_case_ref
from frontliner.web.public.security import client_ip, csrf_ok, csrf_token, harden
from frontliner.web.public.templating import templates
from frontliner.web.ratelimit import RateLimiter
from frontliner.web.sessions import session_user_id

log = logging.getLogger("frontliner.web.public")
router = APIRouter(include_in_schema=False)

HONEYPOT = "website"
HONEYPOT_COUNTER = "contact_honeypot"
LAST_SENT = "contact_last"  # [csrf token of the last accepted post, its case ref]
THANKS_REF = "contact_ref"
LIMITS = {"name": 200, "contact": 254, "problem": 500, "details": 10_000}


@dataclass
class ContactForm:
    name: str = ""
    email: str = ""
    phone: str = ""
    problem: str = ""
    details: str = ""

    @classmethod
    def from_post(cls, form: Any) -> ContactForm:
        def text(key: str) -> str:
            value = form.get(key)
            return value.strip() if isinstance(value, str) else ""

        return cls(name=text("name"), email=text("email"), phone=text("phone"),
                   problem=text("problem"), details=text("details"))

    def problems(self) -> dict[str, str]:
        """Every field to fix, at once, in the visitor's terms."""
        errors: dict[str, str] = {}
        if not self.name:
            errors["name"] = "Please tell us your name."
        if not self.email and not self.phone:
            errors["contact"] = "Please give an e-mail address or a phone number."
        elif self.email and "@" not in self.email:
            errors["contact"] = "That e-mail address is missing its @."
        if not self.problem:
            errors["problem"] = "Please tell us in a few words what is wrong."
        for key, most in (("name", LIMITS["name"]), ("problem", LIMITS["problem"]),
                          ("details", LIMITS["details"])):
            if len(getattr(self, key)) > most:
                errors[key] = f"Please keep this under {most} characters."
        if max(len(self.email), len(self.phone)) > LIMITS["contact"]:
            errors["contact"] = "That contact is too long to be real."
        return errors

    def message(self) -> str:
        """The customer's own words, in full, for the case's first message."""
        parts = [self.problem, self.details]
        if self.email and self.phone:
            parts.append(f"Phone: {self.phone}")
        return "\n\n".join(p for p in parts if p)


def _page(request: Request, form: ContactForm, status: int = 200,
          errors: dict[str, str] | None = None, message: str = "",
          headers: dict[str, str] | None = None) -> Response:
    context = {"values": asdict(form), "errors": errors or {}, "message": message,
               "level": "error" if status >= 400 else "info", "limits": LIMITS,
               "csrf_token": csrf_token(request)}
    response = templates.TemplateResponse(request, "public/contact.html", context,
                                          status_code=status, headers=headers)
    return harden(response)


def _to_thanks(request: Request, ref: str) -> Response:
    request.session[THANKS_REF] = ref
    return harden(RedirectResponse(request.url_for("contact_thanks"), status_code=303))


@router.get("/contact", name="contact_form")
def contact_form(request: Request) -> Response:
    return _page(request, ContactForm())


@router.post("/contact", name="contact_send")
async def contact_send(request: Request) -> Response:
    posted = await request.form()
    form = ContactForm.from_post(posted)
    refused = _refusal(request, form, posted.get("csrf_token"))
    if refused is not None:
        return refused
    token = str(posted.get("csrf_token"))
    last = request.session.get(LAST_SENT)
    if isinstance(last, list) and len(last) == 2 and last[0] == token:
        return _to_thanks(request, str(last[1]))  # the same post again: already kept
    if posted.get(HONEYPOT):
        hits = request.app.state.rate_limiter.count(HONEYPOT_COUNTER)
        log.info("contact form honeypot filled (%d in the last day); nothing stored", hits)
        return _to_thanks(request, new_case_ref())
    errors = form.problems()
    if errors:
        return _page(request, form, 422, errors,
                     "Some details are missing or need a change; what you typed is kept below.")
    try:
        ref = await run_in_threadpool(_open_case, request.app.state.uow_factory, form,
                                      session_user_id(request))
    except Invalid as bad:
        return _page(request, form, 422, _form_fields(bad.fields), bad.message)
    request.session[LAST_SENT] = [token, ref]
    return _to_thanks(request, ref)


def _refusal(request: Request, form: ContactForm, sent_token: Any) -> Response | None:
    limiter: RateLimiter = request.app.state.rate_limiter
    rule = request.app.state.settings.contact_rate_limit
    ip = client_ip(request)
    if not limiter.hit(rule, "contact", ip):
        wait = limiter.retry_after(rule, "contact", ip)
        return _page(request, form, 429, message=(
            f"We have received several messages from you in a short time. Please wait "
            f"{wait} seconds and send again; what you typed is kept below."),
            headers={"Retry-After": str(wait)})
    if not csrf_ok(request, sent_token if isinstance(sent_token, str) else None):
        return _page(request, form, 403, message=(
            "This form had expired, so we could not accept it. What you typed is kept "
            "below; please press Send again."))
    return None


def _form_fields(fields: dict[str, str]) -> dict[str, str]:
    """The desk's field names onto the form's (customer_name -> name, nature -> problem)."""
    names = {"customer_name": "name", "nature": "problem", "message": "details"}
    return {names.get(k, k): v for k, v in fields.items()}


def _open_case(factory: UowFactory, form: ContactForm, user_id: int | None) -> str:
    # Anyone may type any address here: `unverified` keeps the case apart from a customer
    # with a login until the address confirms (desk.contact_claims). A customer signed
    # in is who they are: the case is theirs at once.
    with factory() as uow:
        user = uow.get(User, user_id) if user_id is not None else None
        signed_in = user if user is not None and user.role == Role.CUSTOMER and user.active \
            else None
        case = intake.open_case(uow, signed_in, nature=form.problem, customer_name=form.name,
                                contact=form.email or form.phone, channel=Channel.WEB,
                                message=form.message(), unverified=True)
        uow.commit()
        return case.ref


@router.get("/contact/thanks", name="contact_thanks")
def contact_thanks(request: Request) -> Response:
    ref = request.session.get(THANKS_REF)
    response = templates.TemplateResponse(
        request, "public/thanks.html", {"ref": ref if isinstance(ref, str) else None})
    return harden(response)


@router.get("/chat", name="chat_page")
def chat_page(request: Request) -> Response:
    return harden(templates.TemplateResponse(request, "public/chat.html", {}))
