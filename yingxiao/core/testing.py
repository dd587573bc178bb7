"""Helpers shared by the test suites: Excel files in memory, logged-in clients, demo users.

The demo company is loaded once per test session (see the root conftest.py); every test runs in a
transaction on top of it, so tests may change data freely.
"""

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from yingxiao.core.excel import XLSX_MIME

#: The personas every page is tried with (username in the demo company; "nobody" has no role).
ADMIN = "admin"
DIRECTOR = "director"
REP_EAST = "rep_east"
WAREHOUSE = "warehouse"
PORTAL = "dist_e01"
NOBODY = "nobody"
PERSONAS = [ADMIN, DIRECTOR, REP_EAST, WAREHOUSE, PORTAL, NOBODY]

#: Names of the demo distributors used by the scoping tests.
NORTH_HENGXIN = "北京恒信科贸有限公司"
EAST_HENGXIN = "上海恒信商贸有限公司"


def xlsx_bytes(headers: Sequence[Any], rows: Iterable[Sequence[Any]] = ()) -> bytes:
    """A one-sheet workbook with a header row and the given rows."""
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_file(headers: Sequence[Any], rows: Iterable[Sequence[Any]] = ()) -> io.BytesIO:
    """The same workbook as a file object, for calling import services directly."""
    return io.BytesIO(xlsx_bytes(headers, rows))


def xlsx_upload(headers: Sequence[Any], rows: Iterable[Sequence[Any]] = (), name: str = "import.xlsx"):
    """The same workbook as an uploaded file, for posting to an import page."""
    return SimpleUploadedFile(name, xlsx_bytes(headers, rows), content_type=XLSX_MIME)


def read_xlsx(content: bytes) -> tuple[list[Any], list[list[Any]]]:
    """(header, rows) of the first sheet of a downloaded workbook."""
    wb = load_workbook(io.BytesIO(content), read_only=True)
    values = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return (values[0] if values else []), values[1:]


def column(content: bytes, header: Any) -> list[Any]:
    """One column of a downloaded workbook, by its header."""
    headers, rows = read_xlsx(content)
    index = headers.index(str(header))
    return [row[index] for row in rows]


def logged_in(user) -> Client:
    """A fresh test client with `user` logged in (no password check, so axes is not involved)."""
    client = Client()
    client.force_login(user)
    return client
