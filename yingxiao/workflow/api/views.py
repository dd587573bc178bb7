"""The API side of the engine: step actions and events on every process resource, and the inbox."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from yingxiao.core.idempotency import once

from ..selectors import events_of, inbox_done, inbox_mine, inbox_todo
from ..services import perform
from .serializers import EventSerializer, StepInputSerializer


class WorkflowActionsMixin(viewsets.GenericViewSet):
    """Adds `POST …/{id}/actions/{action}/` and `GET …/{id}/events/` to a document viewset."""

    @extend_schema(request=StepInputSerializer, parameters=[OpenApiParameter("action_name", str, "path")])
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z_]+)")
    def take_action(self, request, pk=None, action_name=None):
        """Take a step: 200 and the document; 409 wrong state or stale version; 403; 404; 400.
        With an `Idempotency-Key` header, a repeat returns the first answer and takes no second step."""
        return once(request, lambda: self._take_action(request, action_name))

    def _take_action(self, request, action_name):
        document = self.get_object()
        body = StepInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        step_data = {k: v for k, v in request.data.items() if k not in ("comment", "version")}
        document = perform(
            document=document,
            action=action_name,
            actor=request.user,
            comment=body.validated_data["comment"],
            data=step_data,
            expected_version=body.validated_data.get("version"),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=document.pk)).data)

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        """The document's timeline, oldest first."""
        document = self.get_object()
        return Response(EventSerializer(events_of(document), many=True).data)


class InboxItemSerializer(serializers.Serializer):
    """A document waiting in (or listed by) the inbox."""

    process = serializers.CharField()
    process_label = serializers.CharField()
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField()
    created_by = serializers.CharField()
    status_changed_at = serializers.DateTimeField()


class InboxView(APIView):
    """`GET /api/v1/inbox/?tab=todo|done|mine` — across every process."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("tab", str, enum=["todo", "done", "mine"])],
        responses=InboxItemSerializer(many=True),
    )
    def get(self, request):
        loaders = {"todo": inbox_todo, "done": inbox_done, "mine": inbox_mine}
        items = loaders.get(request.query_params.get("tab", "todo"), inbox_todo)(request.user)
        rows = [
            {
                "process": i.flow.name,
                "process_label": str(i.flow.label),
                "id": i.document.pk,
                "number": i.document.number,
                "status": i.document.status,
                "status_display": i.state_label,
                "created_by": i.document.created_by.username,
                "status_changed_at": i.document.status_changed_at,
            }
            for i in items
        ]
        return Response({"count": len(rows), "results": InboxItemSerializer(rows, many=True).data})
