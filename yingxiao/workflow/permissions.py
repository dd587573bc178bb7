"""Who may take a step: role and reach, delegation, and segregation of duties.

The same rules exist twice, on purpose, in two forms: `may_take` for one document in memory (buttons,
the engine's check) and `actionable_q` as a database filter (the inbox), so the inbox costs one query
per flow whatever the number of documents. The tests compare the two.
"""

from collections.abc import Callable
from functools import reduce, wraps
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yingxiao.accounts.models import Delegation, Membership, User
from yingxiao.accounts.selectors import active_delegations_to, scope_of

from .flow import Flow, Reach, Step


def submitters(document) -> set[int]:
    """The user who submitted the document and the one they submitted for (if by delegation)."""
    return {pk for pk in (document.submitted_by_id, document.submitted_for_id) if pk}


def _region_id(flow: Flow, document):
    return getattr(document, f"{flow.region_field}_id", None)


def may_take(flow: Flow, step: Step, document, user: User) -> bool:
    """Whether `user`, by their own roles (no delegation), may take `step` on `document`."""
    scope = scope_of(user)
    for role in step.roles:
        if role not in scope.roles:
            continue
        if step.reach == Reach.COMPANY:
            return True
        if step.reach == Reach.REGION and scope.role_reaches(role, region_id=_region_id(flow, document)):
            return True
        if step.reach == Reach.DISTRIBUTOR and scope.role_reaches(
            role, distributor_id=getattr(document, f"{flow.distributor_field}_id", None)
        ):
            return True
        if step.reach == Reach.WAREHOUSE and scope.role_reaches(
            role, warehouse_id=getattr(document, f"{step.warehouse_field}_id", None)
        ):
            return True
        if step.reach == Reach.ASSIGNEE and getattr(document, f"{flow.assignee_field}_id", None) == user.pk:
            return True
        if step.reach == Reach.CREATOR and document.created_by_id == user.pk:
            return True
    return False


def principals(user: User) -> list[tuple[User, User | None]]:
    """Who `user` can act as: themselves, then each person who delegated to them today (→ on behalf of).
    Cached on the user object for the request, like the scope."""
    cached = getattr(user, "_yingxiao_principals", None)
    if cached is None:
        cached = [(user, None)] + [(d.from_user, d.from_user) for d in active_delegations_to(user)]
        setattr(user, "_yingxiao_principals", cached)  # noqa: B010 - a per-request cache, like scope_of
    return cached


def include_delegated(selector: Callable[[User], QuerySet]) -> Callable[[User], QuerySet]:
    """Wrap a document selector so a delegate also sees what each of their delegators sees today."""

    @wraps(selector)
    def documents_for(user):
        documents = selector(user)
        if getattr(user, "is_authenticated", False):
            for principal, _on_behalf_of in principals(user)[1:]:
                documents = documents | selector(principal)
        return documents

    return documents_for


def acting_principal(flow: Flow, step: Step, document, actor: User) -> tuple[User, User | None]:
    """The identity under which `actor` takes the step, or PermissionDenied (403).

    Segregation of duties: for an approval step, neither the actor nor the person acted for may be the
    document's submitter (or the one it was submitted for)."""
    blocked = submitters(document) if step.approval else set()
    if actor.pk in blocked:
        raise PermissionDenied(_("You submitted this document, so you cannot approve it."))
    for principal, on_behalf_of in principals(actor):
        if principal.pk in blocked:
            continue
        if may_take(flow, step, document, principal):
            return principal, on_behalf_of
    raise PermissionDenied(_("Your roles do not allow '%(step)s' on this document.") % {"step": step.label})


def can_take(flow: Flow, step: Step, document, actor: User) -> bool:
    """`acting_principal` as a yes/no, for buttons and `available_actions`."""
    try:
        acting_principal(flow, step, document, actor)
    except PermissionDenied:
        return False
    return True


def _role_q(flow: Flow, step: Step, role: str, user: User) -> Q | None:
    scope = scope_of(user)
    if role not in scope.roles:
        return None
    if step.reach == Reach.COMPANY:
        return Q()
    if step.reach == Reach.REGION:
        if scope.holds_company_wide(role):
            return Q()
        return Q(**{f"{flow.region_field}__in": scope.role_regions.get(role, ())})
    if step.reach == Reach.DISTRIBUTOR:
        return Q(**{f"{flow.distributor_field}__in": scope.role_distributors.get(role, ())})
    if step.reach == Reach.WAREHOUSE:
        if scope.holds_company_wide(role):
            return Q()
        return Q(**{f"{step.warehouse_field}__in": scope.role_warehouses.get(role, ())})
    if step.reach == Reach.ASSIGNEE:
        return Q(**{flow.assignee_field: user})
    return Q(created_by=user)


def actionable_q(flow: Flow, user: User) -> Q | None:
    """A filter for the documents of `flow` on which `user` can take some step now (None: none)."""
    parts = []
    for principal, _on_behalf_of in principals(user):
        for step in flow.steps:
            if step.optional or step.automatic:
                continue
            role_qs = [q for role in step.roles if (q := _role_q(flow, step, role, principal)) is not None]
            if not role_qs:
                continue
            q = Q(status__in=step.sources) & reduce(or_, role_qs)
            if step.approval:
                for pk in {user.pk, principal.pk}:
                    q &= ~Q(submitted_by=pk) & ~Q(submitted_for=pk)
            parts.append(q)
    return reduce(or_, parts) if parts else None


def users_waited_for(flow: Flow, document) -> list[User]:
    """Who the document now waits for: holders of an awaited step's role, and their delegates today."""
    users = {
        u.pk: u for s in flow.awaited_steps(document.status) for u in users_who_can_take(flow, s, document)
    }
    delegates = Delegation.objects.filter(
        from_user__in=list(users),
        start__lte=timezone.localdate(),
        end__gte=timezone.localdate(),
        revoked_at__isnull=True,
        to_user__is_active=True,
    ).select_related("to_user")
    for delegation in delegates:
        users.setdefault(delegation.to_user_id, delegation.to_user)
    return list(users.values())


def users_who_can_take(flow: Flow, step: Step, document) -> list[User]:
    """Active users who may take `step` on `document` by their own roles (for notifications)."""
    candidates = User.objects.filter(
        is_active=True, pk__in=Membership.objects.filter(role__in=step.roles).values("user")
    )
    blocked = submitters(document) if step.approval else set()
    return [u for u in candidates if u.pk not in blocked and may_take(flow, step, document, u)]
