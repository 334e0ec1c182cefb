"""The real insurance check over HTTP, shaped like the BHXH gateway's two calls.

1. `POST {base}/api/token/take` with {username, password (MD5 hex, as the gateway expects)} → APIKey.access_token
   and id_token.
2. `POST {base}/api/egw/KQNhanLichSuKCB2024?token=…&id_token=…&username=…&password=…` with
   {maThe, hoTen, ngaySinh, hoTenCb, cccdCb}: the operator of record comes from HospitalConfig
   (letter 1923/BHXH-CNTT). The base URL is normally the hospital's own relay, so BHXH credentials stay there.
A 401 answer renews the token once; transport failures become InsuranceUnavailableError. Every exchange is
bounded (`kiosk.portal.transport`): a total deadline, a maximum answer size, and no redirects followed, since a
307/308 would repeat the citizen's name and card number, and the gateway password, to another address.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from kiosk.hospital.insurance import (
    InsuranceCheckResult,
    InsuranceQuery,
    InsuranceUnavailableError,
    parse_gateway_date,
)
from kiosk.portal.transport import (
    AnswerTooLarge,
    DeadlineExceeded,
    Redirected,
    UnaskedEncoding,
    bounded_session,
    exchange,
)

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

log = logging.getLogger(__name__)


class InsuranceConfigError(ValueError):
    """The gateway back end is chosen but its URL, user name or password file is missing or unreadable."""

    message_key = "hospital.result_gateway_refused"


@dataclass
class HttpInsuranceGateway:
    base_url: str
    username: str
    password: str = field(repr=False)
    operator_name: str = field(repr=False)
    operator_id_number: str = field(repr=False)
    timeout_s: float = 10.0
    deadline_s: float = 15.0
    max_answer_bytes: int = 262_144
    session: requests.Session = field(default_factory=bounded_session, repr=False)
    _token: tuple[str, str] | None = field(default=None, init=False, repr=False)

    @classmethod
    def from_config(cls, config: KioskConfig) -> HttpInsuranceGateway:
        """Built from [hospital]: URL, user name, password file (never the password itself) and operator."""
        h = config.hospital
        if not h.insurance_url or not h.insurance_username or h.insurance_password_file is None:
            raise InsuranceConfigError("hospital.insurance_url, insurance_username and insurance_password_file "
                                       "are needed for the gateway back end")
        try:
            password = Path(h.insurance_password_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise InsuranceConfigError(f"cannot read hospital.insurance_password_file: {exc.strerror}") from exc
        return cls(h.insurance_url, h.insurance_username, password, h.operator_name, h.operator_id_number,
                   timeout_s=h.insurance_timeout_s, deadline_s=h.insurance_deadline_s,
                   max_answer_bytes=h.insurance_max_answer_bytes)

    def _password_md5(self) -> str:
        # The gateway's own scheme, not a protection we rely on; the link itself is TLS.
        return hashlib.md5(self.password.encode("utf-8"), usedforsecurity=False).hexdigest()

    def _post(self, path: str, body: dict[str, str], params: dict[str, str] | None = None) -> Any:
        url = self.base_url.rstrip("/") + path
        try:
            response = exchange(self.session, "POST", url, json=body, params=params, timeout=self.timeout_s,
                                deadline_s=self.deadline_s, max_answer_bytes=self.max_answer_bytes)
        except Redirected as exc:
            log.error("insurance gateway answered HTTP %d redirecting to %s; redirects are not followed: check "
                      "hospital.insurance_url", exc.status, exc.target_origin)
            raise InsuranceUnavailableError(f"insurance gateway redirected (HTTP {exc.status}); not followed") from None
        except DeadlineExceeded:
            raise InsuranceUnavailableError(f"insurance gateway gave no whole answer within {self.deadline_s:g} s") \
                from None
        except (AnswerTooLarge, UnaskedEncoding) as exc:
            raise InsuranceUnavailableError(f"insurance gateway answer refused: {type(exc).__name__}") from None
        except requests.RequestException as exc:
            raise InsuranceUnavailableError(f"insurance gateway unreachable: {type(exc).__name__}") from None
        if response.status == 401:
            return {"maKetQua": "401"}
        if response.status >= 500:
            raise InsuranceUnavailableError(f"insurance gateway answered HTTP {response.status}")
        try:
            return json.loads(response.content)
        except (ValueError, RecursionError) as exc:
            raise InsuranceUnavailableError("insurance gateway answered something that is not JSON") from exc

    def _take_token(self) -> tuple[str, str] | None:
        answer = self._post("/api/token/take", {"username": self.username, "password": self._password_md5()})
        key = answer.get("APIKey") if isinstance(answer, dict) else None
        if not isinstance(key, dict) or not key.get("access_token"):
            return None
        return str(key["access_token"]), str(key.get("id_token", ""))

    def check(self, query: InsuranceQuery) -> InsuranceCheckResult:
        for attempt in range(2):
            if self._token is None:
                self._token = self._take_token()
                if self._token is None:
                    log.warning("insurance gateway refused the kiosk's credentials")
                    return InsuranceCheckResult(code="401", note="token refused")
            token, id_token = self._token
            answer = self._post(
                "/api/egw/KQNhanLichSuKCB2024",
                {"maThe": query.card_or_id, "hoTen": query.full_name, "ngaySinh": query.birth,
                 "hoTenCb": self.operator_name, "cccdCb": self.operator_id_number},
                params={"token": token, "id_token": id_token, "username": self.username,
                        "password": self._password_md5()},
            )
            if not isinstance(answer, dict):
                raise InsuranceUnavailableError("insurance gateway answer is not an object")
            code = str(answer.get("maKetQua", "")).zfill(3)
            if code == "401" and attempt == 0:
                self._token = None  # expired token: take a new one once
                continue
            log.info("insurance check answered %s", code)
            return _result(code, answer)
        return InsuranceCheckResult(code="401", note="refused after a new token")


def _result(code: str, a: dict[str, Any]) -> InsuranceCheckResult:
    def text(name: str) -> str:
        value = a.get(name)
        return "" if value is None else str(value)

    return InsuranceCheckResult(
        code=code, note=text("ghiChu"), card_number=text("maThe"), full_name=text("hoTen"),
        birth=text("ngaySinh"), sex=text("gioiTinh"), registered_facility=text("maDKBD"),
        registered_facility_name=text("tenDKBD"), valid_from=parse_gateway_date(a.get("gtTheTu")),
        valid_to=parse_gateway_date(a.get("gtTheDen")), five_years_from=parse_gateway_date(a.get("ngayDu5Nam")),
        new_card_number=text("maTheMoi"), new_valid_from=parse_gateway_date(a.get("gtTheTuMoi")),
        new_valid_to=parse_gateway_date(a.get("gtTheDenMoi")), new_registered_facility=text("maDKBDMoi"),
    )


# The name the composition root's back-end table refers to.
BhxhInsuranceGateway = HttpInsuranceGateway
