"""Document page parts every process reuses: attachments (≤ 20 MB, stored under MEDIA_ROOT, served only to
users who can see the document) and comments."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yingxiao.inventory.tests.helpers import person, transfer_in
from yingxiao.workflow.models import Attachment, Comment
from yingxiao.workflow.selectors import attachments_of
from yingxiao.workflow.services import attachment_add

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def document():
    return transfer_in("manager_review")


def upload_url(document):
    return reverse("workflow:attachment_add", args=["transfer", document.pk])


def detail(document):
    return reverse("inventory:transfer_detail", args=[document.pk])


def download(client, attachment):
    return client.get(reverse("workflow:attachment", args=[attachment.pk]))


def test_an_upload_is_stored_under_media_root_and_downloadable_by_who_sees_the_document(
    client_as, document, media
):
    content = "调货说明：华东仓缺货\n".encode()
    response = client_as("rep_east").post(
        upload_url(document), {"file": SimpleUploadedFile("说明.txt", content, content_type="text/plain")}
    )
    assert response.status_code == 302 and response.url == detail(document)
    [attachment] = attachments_of(document)
    assert (attachment.name, attachment.size, attachment.uploaded_by.username) == (
        "说明.txt",
        len(content),
        "rep_east",
    )
    stored = media / attachment.file.name
    assert stored.read_bytes() == content
    assert attachment.file.name.startswith(f"attachments/inventory.transferrequest/{document.pk}/")
    assert (
        reverse("workflow:attachment", args=[attachment.pk])
        in client_as("manager_east").get(detail(document)).content.decode()
    )
    for username in ("manager_east", "director", "rep_east"):
        response = download(client_as(username), attachment)
        assert response.status_code == 200, username
        assert b"".join(response.streaming_content) == content
        assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("username", ["rep_north", "manager_north", "dist_e01"])
def test_who_cannot_see_the_document_gets_404_for_its_attachments(client_as, document, username):
    attachment = attachment_add(
        document=document, actor=person("rep_east"), upload=SimpleUploadedFile("a.txt", b"secret")
    )
    assert download(client_as(username), attachment).status_code == 404
    response = client_as(username).post(upload_url(document), {"file": SimpleUploadedFile("b.txt", b"x")})
    assert response.status_code in (403, 404)
    assert Attachment.objects.filter(object_id=document.pk).count() == 1


def test_a_download_needs_a_login(client, document):
    attachment = attachment_add(
        document=document, actor=person("rep_east"), upload=SimpleUploadedFile("a.txt", b"secret")
    )
    response = client.get(reverse("workflow:attachment", args=[attachment.pk]))
    assert response.status_code == 302 and "login" in response.url


def test_more_than_20_mb_is_refused():
    document = transfer_in("draft")
    assert Attachment.MAX_BYTES == 20 * MB
    big = SimpleUploadedFile("big.bin", b"\0" * (20 * MB + 1))
    with pytest.raises(ValidationError) as refused:
        attachment_add(document=document, actor=person("rep_east"), upload=big)
    assert "file" in refused.value.message_dict
    assert not Attachment.objects.filter(object_id=document.pk).exists()


def test_the_limit_from_the_page(client_as, document, monkeypatch, media):
    monkeypatch.setattr(Attachment, "MAX_BYTES", 10)
    client = client_as("rep_east")
    response = client.post(
        upload_url(document), {"file": SimpleUploadedFile("over.bin", b"x" * 11)}, follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Attachment.objects.filter(object_id=document.pk).exists()
    assert not any(media.rglob("over.bin"))
    client.post(upload_url(document), {"file": SimpleUploadedFile("exact.bin", b"x" * 10)})
    assert [a.name for a in attachments_of(document)] == ["exact.bin"]


def test_an_upload_without_a_file_is_refused(client_as, document):
    response = client_as("rep_east").post(upload_url(document), {}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Attachment.objects.filter(object_id=document.pk).exists()


def test_an_unknown_process_or_attachment_is_404(client_as, document):
    client = client_as("director")
    assert client.post(reverse("workflow:attachment_add", args=["nope", document.pk])).status_code == 404
    assert client.get(reverse("workflow:attachment", args=[999999])).status_code == 404


# --- comments -------------------------------------------------------------------------------------------


def test_comments_appear_on_the_page(client_as, document):
    client = client_as("manager_east")
    client.post(reverse("workflow:comment", args=["transfer", document.pk]), {"text": "请补充需求依据"})
    [comment] = Comment.objects.filter(object_id=document.pk)
    assert (comment.author.username, comment.text) == ("manager_east", "请补充需求依据")
    assert "请补充需求依据" in client_as("rep_east").get(detail(document)).content.decode()
    response = client.post(
        reverse("workflow:comment", args=["transfer", document.pk]), {"text": "  "}, follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Comment.objects.filter(object_id=document.pk).count() == 1
