"""Fields every process document carries in the API, and the step and event representations."""

from rest_framework import serializers

from ..flow import flow_for_model
from ..models import Event
from ..selectors import available_steps


class DocumentSerializer(serializers.ModelSerializer):
    """Base for process documents: number, status, status_display, available_actions, version, timestamps."""

    status_display = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True, default=None)

    document_fields = [
        "id",
        "number",
        "status",
        "status_display",
        "available_actions",
        "version",
        "created_by",
        "submitted_by",
        "created_at",
        "updated_at",
        "status_changed_at",
    ]

    def get_status_display(self, obj) -> str:
        return flow_for_model(type(obj)).state_label(obj.status)

    def get_available_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        return [s.action for s in available_steps(flow_for_model(type(obj)), obj, request.user)]


class StepInputSerializer(serializers.Serializer):
    """Body of `POST …/{id}/actions/{action}/`: a comment, the version you saw (optional; a stale one gets
    409), and the step's own fields (e.g. `qty_<line id>` to cut a quantity) as further keys."""

    comment = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1)


class EventSerializer(serializers.ModelSerializer):
    """One step taken on a document."""

    actor = serializers.CharField(source="actor.username", read_only=True)
    on_behalf_of = serializers.CharField(source="on_behalf_of.username", read_only=True, default=None)

    class Meta:
        model = Event
        fields = ["id", "action", "from_state", "to_state", "actor", "on_behalf_of", "comment", "data", "at"]
