import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from authorities.models import LocalAuthority


def _shared_dir() -> Path:
    """The shared corpus beside the project (settings.SHARED_DIR, env OFSTED_SHARED_DIR).

    Skipped on a developer's machine without it; under CI its absence is a failure.
    """
    path = Path(settings.SHARED_DIR)
    if not (path / "corpus" / "expected").is_dir():
        message = (
            f"The shared corpus is not at {path}: set OFSTED_SHARED_DIR to the folder that holds "
            "corpus/ and reference/."
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def pytest_collection_modifyitems(items):
    """A test that reads the shared corpus carries the `corpus` marker (`-m "not corpus"` leaves
    it out), whether it asks for the corpus itself or through another fixture."""
    for item in items:
        if "shared_dir" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.corpus)


def pytest_runtest_setup(item):
    # A test marked `corpus` says the corpus is missing, however it reaches the corpus.
    if item.get_closest_marker("corpus"):
        _shared_dir()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Every test keeps the files it stores (ingested documents) in a folder of its own under
    pytest's temporary folder, never in the project's media folder."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Each test starts with an empty page cache: a page cached by an earlier test would outlive
    that test's rolled-back data (the data version token can repeat after a rollback)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return _shared_dir()


@pytest.fixture(scope="session")
def corpus_dir(shared_dir) -> Path:
    return shared_dir / "corpus"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The reference authorities are loaded once for the run, not once per test: each test's
    transaction rolls back to them. Under `make mutate` each mutant is a pytest run of its own on
    the database the clean run kept (--reuse-db), which holds them already: loading them again
    would take most of a mutant's run."""
    with django_db_blocker.unblock():
        mutant = "__mutmut_" in os.environ.get("MUTANT_UNDER_TEST", "")
        if mutant and LocalAuthority.objects.exists():
            return
        call_command("load_authorities", stdout=io.StringIO())


@pytest.fixture
def authorities(db):
    """Every authority from the project's reference file, with lineage and neighbours."""
    if not LocalAuthority.objects.exists():  # a transactional test (browser) emptied the tables
        call_command("load_authorities", stdout=io.StringIO())
    return LocalAuthority.objects.all()


@pytest.fixture
def hampshire(authorities):
    return LocalAuthority.objects.get(la_code="850")


@pytest.fixture
def southampton(authorities):
    return LocalAuthority.objects.get(la_code="852")


@pytest.fixture
def poole(authorities):
    return LocalAuthority.objects.get(la_code="836")


@pytest.fixture
def bcp(authorities):
    return LocalAuthority.objects.get(la_code="839")


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user("staff", password="pw-staff-1", is_staff=True)


@pytest.fixture
def grade_editors(db):
    """The "Grade editors" group as the migrations leave it.

    A transactional test (browser) empties the tables, group and all, and with --reuse-db the next
    run starts from that, so a missing group is made again as the migrations make it. Only a
    missing one: on a fresh database the tests check what the migrations made.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group

    from inspections import grade_editors

    return Group.objects.filter(name=grade_editors.GROUP).first() or grade_editors.grant(apps)


@pytest.fixture
def editor(django_user_model, grade_editors):
    """A staff user in the "Grade editors" group."""
    user = django_user_model.objects.create_user("editor", password="pw-editor-1", is_staff=True)
    user.groups.add(grade_editors)
    return user
