"""Writes for users, memberships and delegations."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingxiao.core.services import audit_record

from .choices import Role
from .models import Delegation, Membership, User
from .selectors import forget_scope, scope_of


def require_admin(actor: User) -> None:
    """Refuse anyone who is not a system administrator."""
    if not scope_of(actor).is_admin:
        raise PermissionDenied(_("Only a system administrator may do this."))


@transaction.atomic
def user_create(
    *, actor: User | None, username: str, password: str, full_name: str = "", email: str = "", phone: str = ""
) -> User:
    """Create a login. `actor=None` is reserved for setup commands (demo, createsuperuser)."""
    if actor is not None:
        require_admin(actor)
    user = User(username=username, full_name=full_name, email=email, phone=phone)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(actor=actor, instance=user, action="create", changes={"username": ["", username]})
    return user


@transaction.atomic
def membership_grant(
    *, actor: User | None, user: User, role: str, region=None, distributor=None, warehouse=None
) -> Membership:
    """Give `user` a role within a scope; granting the same thing twice returns the existing one."""
    if actor is not None:
        require_admin(actor)
    existing = Membership.objects.filter(
        user=user, role=role, region=region, distributor=distributor, warehouse=warehouse
    ).first()
    if existing:
        return existing
    membership = Membership(user=user, role=role, region=region, distributor=distributor, warehouse=warehouse)
    membership.full_clean()
    membership.save()
    forget_scope(user)
    audit_record(actor=actor, instance=user, action="update", changes={"membership": ["", str(membership)]})
    return membership


@transaction.atomic
def delegation_create(
    *, actor: User, from_user: User, to_user: User, start: date, end: date, reason: str = ""
) -> Delegation:
    """Let `to_user` act for `from_user` between two dates. Users delegate their own authority;
    an administrator may record a delegation for anyone."""
    if actor != from_user:
        require_admin(actor)
    if Role.DISTRIBUTOR in scope_of(from_user).roles and not scope_of(from_user).is_company_wide:
        raise ValidationError({"from_user": _("Distributor portal users cannot delegate.")})
    delegation = Delegation(from_user=from_user, to_user=to_user, start=start, end=end, reason=reason)
    delegation.full_clean()
    delegation.save()
    audit_record(
        actor=actor, instance=delegation, action="create", changes={"delegation": ["", str(delegation)]}
    )
    return delegation


@transaction.atomic
def delegation_revoke(*, actor: User, delegation: Delegation) -> Delegation:
    """Stop a delegation now; its giver or an administrator."""
    if actor != delegation.from_user:
        require_admin(actor)
    if delegation.revoked_at is not None:
        raise ValidationError({"revoked_at": _("This delegation was already revoked.")})
    delegation.revoked_at = timezone.now()
    delegation.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        instance=delegation,
        action="update",
        changes={"revoked_at": ["", str(delegation.revoked_at)]},
    )
    return delegation
