"""What every page's shell needs: the menu, and the user's name, roles and regions."""

from yingxiao.accounts.choices import Role
from yingxiao.accounts.selectors import scope_of

from .menu import menu_for


def shell(request) -> dict:
    """Context for base.html; empty for anonymous visitors (login page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from yingxiao.workflow.selectors import inbox_counts, unread_count

    scope = scope_of(user)
    role_labels = [str(Role(r).label) for r in sorted(scope.roles)]
    return {
        "scope": scope,
        "menu": menu_for(scope, request.path),
        "user_roles": role_labels,
        "user_regions": scope.region_names,
        "inbox_count": inbox_counts(user),
        "unread_count": unread_count(user),
    }
